"""Backends: DuckDB limits; Spark gives the same persons as DuckDB (marked ``spark``)."""

from __future__ import annotations

import pytest

from tally.core.errors import LinkError
from tally.link.engine import open_engine, spark_available
from tally.link.linkage import link_records
from tally.link.spec import LinkSpec
from tests.link.world import make_world


def test_open_engine_duckdb_sets_memory_limit() -> None:
    eng = open_engine(LinkSpec(memory_limit="700MB", threads=1))
    try:
        con = eng.connection
        limit = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
        threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
        assert limit.replace(" ", "").upper().startswith(("667", "700", "0.6")) and int(threads) == 1
    finally:
        eng.close()


def test_open_engine_spark_missing_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import tally.link.engine as engine

    monkeypatch.setattr(engine, "spark_available", lambda: "pyspark is not installed (pip install pyspark)")
    with pytest.raises(LinkError, match="Spark engine is unavailable: pyspark is not installed"):
        engine.open_engine(LinkSpec(engine="spark"))


@pytest.mark.spark
def test_spark_engine_gives_same_persons_as_duckdb() -> None:
    why = spark_available()
    if why:
        pytest.skip(why)
    world = make_world(150, seed=3)
    duck = link_records(world.records, LinkSpec(memory_limit="1GB"))
    spark = link_records(world.records, LinkSpec(engine="spark", memory_limit="1g", model=duck.model_json))
    assert (duck.clusters.sort_index() == spark.clusters.sort_index()).all()
    assert duck.persons == spark.persons
