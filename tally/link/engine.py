"""Backends: a Splink database API on DuckDB (default) or Apache Spark (local or a cluster)."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from tally.core.errors import LinkError
from tally.link.spec import LinkSpec

__all__ = ["Engine", "open_engine", "spark_available"]


def spark_available() -> str | None:
    """None when pyspark and a Java runtime are present, else why not."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install pyspark)"
    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        return "no Java runtime (apt-get install default-jre-headless)"
    return None


@dataclass
class Engine:
    """An open backend: a Splink db_api plus what must be closed with it."""

    name: str
    db_api: Any
    _close: list[Any] = field(default_factory=list)
    connection: Any = None  # the DuckDB connection (None on Spark)

    @property
    def dialect(self) -> str:
        """Splink's SQL dialect name of this backend."""
        return "spark" if self.name == "spark" else "duckdb"

    def register(self, frame: pd.DataFrame, name: str) -> Any:
        """Register a pandas frame as a Splink input table."""
        if self.name == "spark":
            spark = self.db_api.spark
            # Spark reads plain Python objects most reliably: Arrow-backed columns go back to objects
            plain = pd.DataFrame({c: frame[c].astype(object).where(frame[c].notna(), None)
                                  if isinstance(frame[c].dtype, pd.ArrowDtype) else frame[c] for c in frame.columns})
            sdf = spark.createDataFrame(plain)
            return self.db_api.register(sdf, table_name=name)
        return self.db_api.register(frame, table_name=name)

    def close(self) -> None:
        """Release the connection / session and temporary files."""
        for c in reversed(self._close):
            try:
                c()
            except Exception:  # noqa: BLE001 — closing must not mask the real outcome
                pass
        self._close.clear()


def _duckdb(spec: LinkSpec) -> Engine:
    import duckdb
    from splink import DuckDBAPI

    tmp = tempfile.mkdtemp(prefix="tally-link-")
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{spec.memory_limit}'")
    con.execute(f"SET threads = {int(spec.threads)}")
    con.execute(f"SET temp_directory = '{tmp}'")
    con.execute("SET preserve_insertion_order = false")
    api = DuckDBAPI(connection=con)
    return Engine("duckdb", api, [lambda: shutil.rmtree(tmp, ignore_errors=True), con.close], connection=con)


def _spark(spec: LinkSpec) -> Engine:
    why = spark_available()
    if why:
        raise LinkError(f"the Spark engine is unavailable: {why}")
    from pyspark.sql import SparkSession
    from splink import SparkAPI
    from splink.backends.spark import similarity_jar_location

    tmp = tempfile.mkdtemp(prefix="tally-spark-")
    mem = spec.memory_limit.replace("GB", "g").replace("MB", "m").replace(" ", "")
    builder = (
        SparkSession.builder.master(os.environ.get("TALLY_SPARK_MASTER", f"local[{spec.threads}]"))
        .appName("tally-link")
        .config("spark.driver.memory", mem)
        .config("spark.sql.shuffle.partitions", str(max(4, spec.threads * 4)))
        .config("spark.default.parallelism", str(max(4, spec.threads * 4)))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.jars", similarity_jar_location())  # jaro_winkler & co as Spark SQL functions
        .config("spark.local.dir", tmp)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
    )
    try:
        spark = builder.getOrCreate()
        spark.sparkContext.setLogLevel("ERROR")
        spark.sparkContext.setCheckpointDir(os.path.join(tmp, "checkpoints"))
        api = SparkAPI(spark_session=spark, break_lineage_method="persist")
    except Exception as exc:  # Java/py4j failures come in many types
        raise LinkError(f"cannot start Spark: {exc}") from exc
    # stop the session on close: a later getOrCreate must not reuse its deleted local dir
    return Engine("spark", api, [lambda: shutil.rmtree(tmp, ignore_errors=True), spark.stop])


def open_engine(spec: LinkSpec) -> Engine:
    """Open the backend named by ``spec.engine`` with its memory and thread limits."""
    if spec.engine == "spark":
        return _spark(spec)
    return _duckdb(spec)
