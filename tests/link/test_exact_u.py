"""Exact u probabilities: counted over all pairs of records, the same whatever the sampling seed."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from tally.link.exact_u import exact_u_probabilities, fix_u
from tally.link.features import prepare
from tally.link.linkage import LinkResult, link_records
from tally.link.model import cap_m, settings_creator
from tally.link.spec import LinkSpec
from tests.link.world import World


def _settings() -> dict:
    return settings_creator(LinkSpec(), 1e-4).create_settings_dict("duckdb")


def _small() -> pd.DataFrame:
    rows = [  # governorate, district, sex, date of death
        ("G1", "D1", "m", "2024-01-01"), ("G1", "D1", "f", "2024-01-01"), ("G1", "D1", "m", "2024-01-02"),
        ("G1", "D2", "m", "2024-01-05"), ("G1", None, "f", "2024-01-20"), ("G1", None, None, None),
        ("G2", "D3", "m", "2024-01-01"), ("G2", "D3", "f", "2024-01-04"), ("G2", None, "m", "2024-02-01"),
        (None, None, "m", "2024-01-01"),
    ]
    records = pd.DataFrame([{"record_key": i, "source": "ab"[i % 2], "name": f"name {i}", "governorate_code": g,
                             "district_code": d, "sex": s, "date_of_death": t} for i, (g, d, s, t) in enumerate(rows)])
    return prepare(records)[0]


def _place(a: pd.Series, b: pd.Series) -> str | None:
    if pd.isna(a.governorate_code) or pd.isna(b.governorate_code):
        return None
    if not pd.isna(a.district_code) and not pd.isna(b.district_code) and a.district_code == b.district_code:
        return "same district"
    if a.governorate_code == b.governorate_code:
        if pd.isna(a.district_code) or pd.isna(b.district_code):
            return "same governorate, district unknown"
        return "same governorate, other district"
    return "different governorate"


def _dod(a: pd.Series, b: pd.Series) -> str | None:
    if pd.isna(a.dod) or pd.isna(b.dod):
        return None
    gap = abs(int(a.dod) - int(b.dod))
    for limit, label in ((0, "same day"), (1, "within 1 day"), (3, "within 3 days"), (7, "within 7 days")):
        if gap <= limit:
            return label
    return "further apart"


@pytest.mark.parametrize(("name", "level_of"), [("place", _place), ("date_of_death", _dod)])
def test_exact_u_is_the_share_of_all_pairs_at_each_level(name, level_of) -> None:
    feats = _small()
    u = exact_u_probabilities(feats, _settings(), max_groups=100)[name]
    rows = [r for _, r in feats.iterrows()]
    seen = [level_of(a, b) for a, b in itertools.combinations(rows, 2)]
    counted = [s for s in seen if s is not None]
    levels = next(c for c in _settings()["comparisons"] if c["output_column_name"] == name)["comparison_levels"]
    for lv, value in zip(levels, u, strict=True):
        if lv.get("is_null_level"):
            assert value is None
            continue
        share = counted.count(lv["label_for_charts"]) / len(counted)
        assert (value or 0.0) == pytest.approx(share), lv["label_for_charts"]


def test_exact_u_skips_comparisons_with_many_value_combinations() -> None:
    feats = _small()
    u = exact_u_probabilities(feats, _settings(), max_groups=3)
    assert "sex" in u  # male, female, unknown
    assert "place" not in u and "date_of_death" not in u
    assert exact_u_probabilities(feats, _settings(), max_groups=0) == {}


def test_fix_u_sets_and_fixes_the_levels() -> None:
    settings = _settings()
    fix_u(settings, {"sex": [None, 0.5, 0.5]})
    sex = next(c for c in settings["comparisons"] if c["output_column_name"] == "sex")["comparison_levels"]
    assert [lv.get("u_probability") for lv in sex] == [None, 0.5, 0.5]
    assert [lv.get("fix_u_probability", False) for lv in sex] == [False, True, True]


def _u(result: LinkResult, name: str) -> list[float]:
    comp = next(c for c in result.model_json["comparisons"] if c["output_column_name"] == name)
    return [lv["u_probability"] for lv in comp["comparison_levels"] if not lv.get("is_null_level")]


def test_link_records_uses_exact_u_whatever_the_sampling_seed(world: World, linked: LinkResult) -> None:
    exact = exact_u_probabilities(linked.features, _settings(), LinkSpec().exact_u_max_groups)
    assert {"place", "date_of_death", "age", "sex", "status"} <= set(exact)
    for name in ("place", "date_of_death", "sex"):
        assert _u(linked, name) == pytest.approx([v for v in exact[name] if v is not None])
    other = link_records(world.records, LinkSpec(memory_limit="1GB", seed=3))
    for name in exact:
        assert _u(other, name) == pytest.approx(_u(linked, name))


def test_cap_m_caps_different_father_and_family_names() -> None:
    settings = _settings()
    for comp in settings["comparisons"]:
        if comp["output_column_name"] in ("father_name", "family_name"):
            for lv in comp["comparison_levels"]:
                if lv.get("label_for_charts") == "different":
                    lv["m_probability"] = 0.1
    capped = cap_m(settings)
    for comp in capped["comparisons"]:
        if comp["output_column_name"] in ("father_name", "family_name"):
            levels = [lv for lv in comp["comparison_levels"] if not lv.get("is_null_level")]
            assert next(lv for lv in levels if lv["label_for_charts"] == "different")["m_probability"] == 0.03
            assert sum(lv["m_probability"] for lv in levels) == pytest.approx(1.0)
