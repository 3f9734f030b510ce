"""Guards of the model: the prior's clamp and calibration, models reused across engines."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tally.core.errors import LinkError
from tally.link.model import (
    COMPARISONS,
    calibrate_prior,
    clamp_prior,
    model_for_dialect,
    settings_creator,
    term_frequencies,
    tf_frame,
)
from tally.link.spec import LinkSpec


def test_clamp_prior_raises_a_prior_below_the_deterministic_matches() -> None:
    warnings: list[str] = []
    n = 10_000
    total = n * (n - 1) / 2
    p = clamp_prior(1e-9, n, 4, observed=3_000, warnings=warnings)
    assert p == pytest.approx(3_000 / total) and warnings


def test_clamp_prior_lowers_a_prior_above_one_match_per_list() -> None:
    warnings: list[str] = []
    p = clamp_prior(0.5, 1_000, 2, observed=10, warnings=warnings)
    assert p == pytest.approx(500 / (1_000 * 999 / 2)) and warnings


def test_calibrate_prior_recovers_a_28x_too_low_prior() -> None:
    """Simulated blocked pairs: 2,000 true matches among 1e8 possible pairs."""
    rng = np.random.default_rng(0)
    total = 1e8
    true_prior = 2_000 / total
    bf_match = rng.normal(18, 3, 2_000)  # evidence (log2 Bayes factors) of true pairs
    bf_non = rng.normal(-12, 4, 200_000)  # blocked non-matches
    bf = np.concatenate([bf_match, bf_non])
    low = true_prior / 28
    mw = bf + math.log2(low / (1 - low))
    p = calibrate_prior(mw, low, total, lo=1e-12, hi=0.5)
    assert true_prior / 1.5 <= p <= true_prior * 1.5


def test_model_for_dialect_keeps_parameters_and_rewrites_sql() -> None:
    model = settings_creator(LinkSpec(), 0.001).create_settings_dict("duckdb")
    model["comparisons"][0]["comparison_levels"][1]["u_probability"] = 0.0123
    spark = model_for_dialect(model, "spark")
    assert spark["probability_two_random_records_match"] == 0.001
    assert spark["comparisons"][0]["comparison_levels"][1]["u_probability"] == 0.0123
    whole = [c for c in spark["comparisons"] if c["output_column_name"] == "whole_name"][0]
    assert "list_intersect" not in str(whole)
    assert [c["output_column_name"] for c in spark["comparisons"]] == list(COMPARISONS)


def test_model_for_dialect_rejects_a_foreign_model() -> None:
    with pytest.raises(LinkError):
        model_for_dialect({"comparisons": [{"output_column_name": "given_name", "comparison_levels": []}]}, "duckdb")


def test_term_frequencies_share_of_names_seen_twice() -> None:
    import pandas as pd

    feats = pd.DataFrame({"given": ["muhamad", "muhamad", "muhamad", "ahmed", "ahmed", "zakari", None],
                          "father": [None] * 7, "family": ["a", "b", "c", "d", "e", "f", "g"]})
    tf = term_frequencies(feats)
    assert tf["given"] == {"muhamad": pytest.approx(3 / 6), "ahmed": pytest.approx(2 / 6)}
    assert tf["father"] == {} and tf["family"] == {}
    frame = tf_frame(tf["given"], "given")
    assert list(frame.columns) == ["given", "tf_given"] and len(frame) == 2


def test_name_levels_carry_term_frequency_adjustments() -> None:
    settings = settings_creator(LinkSpec(), 1e-4).create_settings_dict("duckdb")
    tf_cols = {c["output_column_name"]: [lv.get("tf_adjustment_column") for lv in c["comparison_levels"]
                                         if lv.get("tf_adjustment_column")] for c in settings["comparisons"]}
    assert tf_cols["given_name"] == ["given"]
    assert tf_cols["father_name"] == ["father"]
    assert tf_cols["family_name"] == ["family"]
    assert tf_cols["date_of_death"] == []


def test_place_level_district_unknown_is_not_another_district() -> None:
    settings = settings_creator(LinkSpec(), 1e-4).create_settings_dict("duckdb")
    place = next(c for c in settings["comparisons"] if c["output_column_name"] == "place")
    labels = [lv["label_for_charts"] for lv in place["comparison_levels"]]
    assert labels.index("same governorate, district unknown") < labels.index("same governorate, other district")
