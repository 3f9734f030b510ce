"""Log-linear models against Rcapture 1.4-4 (closedpMS.t, closedpCI.t)."""

from __future__ import annotations


import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tally.core.errors import EstimateError
from tally.estimate import CaptureHistory, LogLinear
from tally.estimate.hierarchy import enumerate_models, model_name, parse_model

from .conftest import load, reference_rows


def test_loglinear_enumerates_all_hierarchical_models() -> None:
    """Rcapture's closedpMS.t fits 8 models for 3 lists and 113 for 4."""
    assert len(enumerate_models(3)) == 8
    assert len(enumerate_models(4)) == 113


def test_loglinear_matches_rcapture_on_kosovo(kosovo: CaptureHistory) -> None:
    """``closedpMS.t(kosovo, dfreq=TRUE, maxorder=3)`` → all 113 rows of
    kosovo_rcapture_closedpMS_all_models.csv: abundance, deviance, AIC and BIC to 1e-6 relative
    (deviance of the saturated-but-one model, ~1e-13 in R, to 1e-9 absolute); stderr to 1e-4."""
    ref = {row["model"]: row for row in reference_rows("kosovo_rcapture_closedpMS_all_models.csv")}
    fits = LogLinear().fit_models(kosovo)
    assert len(fits) == 113 and {f.name for f in fits} == set(ref)
    for f in fits:
        row = ref[f.name]
        assert f.identifiable
        assert f.abundance == pytest.approx(float(row["abundance"]), rel=1e-6), f.name
        assert f.deviance == pytest.approx(float(row["deviance"]), rel=1e-6, abs=1e-9), f.name
        assert f.aic == pytest.approx(float(row["AIC"]), rel=1e-6), f.name
        assert f.bic == pytest.approx(float(row["BIC"]), rel=1e-6), f.name
        assert f.df == int(row["df"])
        assert f.stderr == pytest.approx(float(row["stderr"]), rel=1e-4), f.name


def test_loglinear_best_bic_matches_rcapture_profile_interval(kosovo: CaptureHistory) -> None:
    """``closedpCI.t(kosovo, dfreq=TRUE, mX=~.^2 - c2:c3 ... )`` for [123,14,34]:
    N = 10356.519, multinomial profile-likelihood 95% interval [8994.3, 12110.4] (0.05 absolute)."""
    r = LogLinear(criterion="bic").fit(kosovo)
    assert r.details["model"] == "[123,14,34]"
    assert r.estimate == pytest.approx(10356.5189572519, rel=1e-6)
    assert r.lower == pytest.approx(8994.3, abs=0.05)
    assert r.upper == pytest.approx(12110.4, abs=0.05)
    assert any(w.startswith("ModelSelectionWarning") for w in r.warnings)


def test_loglinear_best_aic_and_independence_intervals(kosovo: CaptureHistory) -> None:
    """closedpCI.t for [123,134] (best AIC): 12740.968, [10184.3, 16703.4];
    for Mt (independence, closedpCI.t(kosovo, dfreq=TRUE, m="Mt")): 7394.6, [7147.7, 7656.2]."""
    r = LogLinear(criterion="aic").fit(kosovo)
    assert r.details["model"] == "[123,134]"
    assert r.estimate == pytest.approx(12740.9677419355, rel=1e-6)
    assert (r.lower, r.upper) == (pytest.approx(10184.3, abs=0.05), pytest.approx(16703.4, abs=0.05))
    mt = LogLinear(model="[1,2,3,4]").fit(kosovo)
    assert mt.estimate == pytest.approx(7394.58666230024, rel=1e-6)
    assert (mt.lower, mt.upper) == (pytest.approx(7147.7, abs=0.05), pytest.approx(7656.2, abs=0.05))


def test_loglinear_model_table_under_two_seconds(kosovo: CaptureHistory) -> None:
    r = LogLinear(models=True).fit(kosovo)
    assert len(r.details["models"]) == 113


@pytest.mark.parametrize(
    "name, lists",
    [("rcapture_HIV_rome.csv", 4), ("rcapture_lesbian_allegheny.csv", 4), ("dga_MY3_spina_bifida_NY.csv", 3), ("dga_MY5_example.csv", 5), ("rcapture_hare_wildlife.csv", 6)],
)
def test_loglinear_runs_on_other_datasets(name: str, lists: int) -> None:
    """Every reference dataset gives an estimate at or above the observed count with an interval around it;
    5 and 6 lists go through the stepwise search."""
    h = load(name)
    r = LogLinear().fit(h)
    assert h.n_lists == lists
    assert h.observed <= r.lower <= r.estimate <= r.upper
    if lists > 4:
        assert r.details["models_fitted"] < 200


def test_loglinear_flags_unidentifiable_models_on_hiv() -> None:
    """HIV has no one on lists 1, 3 and 4 together: models with the 134 term cannot be estimated."""
    fits = LogLinear().fit_models(load("rcapture_HIV_rome.csv"))
    bad = [f for f in fits if not f.identifiable]
    assert bad and all("134" in f.name or "no one" in f.note or "diverge" in f.note for f in bad)
    with pytest.raises(EstimateError, match="cannot be estimated"):
        LogLinear(model="[134,2]").fit(load("rcapture_HIV_rome.csv"))
    r = LogLinear().fit(load("rcapture_HIV_rome.csv"))
    assert any(w.startswith("SparseDataWarning") for w in r.warnings)


def test_loglinear_model_names_roundtrip() -> None:
    for terms in enumerate_models(4):
        assert parse_model(model_name(4, terms), 4) == terms
    with pytest.raises(EstimateError, match="not identifiable"):
        parse_model("[1234]", 4)


def test_loglinear_refuses_one_list_and_disjoint_lists() -> None:
    with pytest.raises(EstimateError, match="at least 2 lists"):
        LogLinear().fit(CaptureHistory.from_patterns(["a"], [[1]], [5]))
    with pytest.raises(EstimateError, match="overlap"):
        LogLinear().fit(CaptureHistory.from_patterns(["a", "b", "c"], [[1, 0, 0], [0, 1, 0], [0, 0, 1]], [5, 6, 7]))


@settings(max_examples=6, deadline=None)
@given(st.permutations(range(4)))
def test_loglinear_invariant_to_list_order(order: list[int]) -> None:
    """Relabelling the lists relabels the models: the selected estimate and interval do not move."""
    h = load("kosovo_aggregate.csv")
    base = LogLinear().fit(h)
    r = LogLinear().fit(h.select([h.lists[i] for i in order]))
    assert r.estimate == pytest.approx(base.estimate, rel=1e-8)
    assert r.upper == pytest.approx(base.upper, rel=1e-6)


@settings(max_examples=12, deadline=None)
@given(st.lists(st.integers(1, 400), min_size=7, max_size=7))
def test_loglinear_never_below_observed(counts: list[int]) -> None:
    h = CaptureHistory.from_table(["a", "b", "c"], np.array([0, *counts]))
    r = LogLinear().fit(h)
    assert r.estimate >= h.observed and r.lower >= h.observed
