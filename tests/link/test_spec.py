"""LinkSpec: files, validation of everything at once."""

from __future__ import annotations

import pytest

from tally.core.errors import LinkError
from tally.link.spec import LinkSpec


def test_link_spec_loads_toml_and_json(tmp_path) -> None:
    t = tmp_path / "spec.toml"
    t.write_text('engine = "spark"\nthreshold = 0.95\nreview_band = [0.2, 0.9]\n')
    spec = LinkSpec.load(t)
    assert spec.engine == "spark" and spec.threshold == 0.95 and spec.review_band == (0.2, 0.9)
    j = tmp_path / "spec.json"
    j.write_text('{"max_cluster_size": 6}')
    assert LinkSpec.load(j).max_cluster_size == 6


def test_link_spec_reports_every_problem() -> None:
    with pytest.raises(LinkError) as exc:
        LinkSpec.parse({"threshold": 2, "engine": "oracle", "colour": "red"})
    msg = str(exc.value)
    assert "threshold" in msg and "engine" in msg and "colour" in msg


def test_link_spec_round_trips() -> None:
    spec = LinkSpec(threshold=0.8)
    assert LinkSpec.parse(spec.to_dict()) == spec


def test_default_blocking_catches_variant_names_with_a_shifted_date() -> None:
    # one victim: a typo in the family name, the date copied two days off, no district, no age
    import duckdb
    import pandas as pd

    from tally.link.features import prepare

    records = pd.DataFrame({
        "record_key": [1, 2], "source": ["a", "b"], "name": ["Mahmoud Al-Sheikh", "Mahmud al-Sehikh"],
        "date_of_death": ["2024-12-01", "2024-12-03"], "governorate_code": ["SY02", "SY02"],
        "district_code": ["SY0200", None],
    })
    feats, _ = prepare(records)
    con = duckdb.connect()
    con.register("f", feats)
    hits = [rule for rule in LinkSpec().blocking_rules
            if con.sql(f"select count(*) from f l join f r on l.record_key < r.record_key and ({rule})").fetchall()[0][0]]
    assert hits, feats[["given", "family", "given_sk", "family_sk", "dod"]].to_string()
