"""Totals over strata: summed posterior draws (Bayesian) or summed MLEs with summed variances."""

from __future__ import annotations

import numpy as np
import pytest

from tally.core.errors import EstimateError
from tally.estimate import CaptureHistory, Chapman, GraphicalBMA, LatentClass, LogLinear, estimate_strata, histories_by_stratum

from .conftest import load


def _strata() -> dict[str, CaptureHistory]:
    k = load("kosovo_aggregate.csv")
    les = load("rcapture_lesbian_allegheny.csv")
    return {"north": k, "south": CaptureHistory(k.lists, les.patterns, les.counts)}


def test_strata_dga_total_sums_posterior_draws() -> None:
    """The total's median lies near the sum of medians and its interval is narrower than the
    sum of the strata ends (independent strata partly cancel): never added ends."""
    res = estimate_strata(_strata(), GraphicalBMA(seed=1))
    north, south = res.strata["north"], res.strata["south"]
    total = res.total
    assert total.observed == north.observed + south.observed
    assert total.lower > north.lower + south.lower
    assert total.upper < north.upper + south.upper
    assert total.estimate == pytest.approx(north.estimate + south.estimate, rel=0.03)
    assert total.details["combination"].startswith("sum of one posterior draw")
    assert total.draws is not None and np.mean(total.draws) == pytest.approx(north.details["mean"] + south.details["mean"], rel=0.02)


def test_strata_lcmcr_total_from_draws() -> None:
    res = estimate_strata(_strata(), LatentClass(seed=2, burnin=1000, samples=200, thinning=10, chains=2))
    assert res.total.draws is not None and len(res.total.draws) == 400
    assert res.total.lower >= res.total.observed


def test_strata_loglinear_total_adds_variances() -> None:
    res = estimate_strata(_strata(), LogLinear())
    se = np.hypot(res.strata["north"].details["stderr"], res.strata["south"].details["stderr"])
    assert res.total.estimate == pytest.approx(sum(r.estimate for r in res.strata.values()))
    assert res.total.upper - res.total.estimate == pytest.approx(1.959964 * se, rel=1e-5)
    assert res.total.details["stderr"] == pytest.approx(se)


def test_strata_records_failed_strata_with_a_warning() -> None:
    ok = CaptureHistory.from_patterns(["a", "b"], [[1, 0], [0, 1], [1, 1]], [40, 50, 20])
    bad = CaptureHistory.from_patterns(["a", "b"], [[1, 0], [0, 1]], [4, 5])
    res = estimate_strata({"ok": ok, "bad": bad}, Chapman())
    assert set(res.strata) == {"ok"} and "overlap" in res.failed["bad"]
    assert any("'bad' not estimated" in w for w in res.total.warnings)
    assert res.to_dict()["failed"] == res.failed
    with pytest.raises(EstimateError, match="no stratum"):
        estimate_strata({"bad": bad}, Chapman())


def test_strata_histories_from_linked_persons_and_empty_lists_left_out() -> None:
    """Persons as (stratum, lists) pairs; a list naming no one in a stratum is dropped there, with a warning."""
    rows = [("A", {"x"})] * 30 + [("A", {"y"})] * 40 + [("A", {"x", "y"})] * 20 + [("A", {"z"})] * 10
    rows += [("A", {"x", "z"})] * 5 + [("A", {"y", "z"})] * 6 + [("A", {"x", "y", "z"})] * 3
    rows += [("B", {"x"})] * 25 + [("B", {"y"})] * 35 + [("B", {"x", "y"})] * 15
    hs = histories_by_stratum(rows)
    assert list(hs) == ["A", "B"] and hs["A"].lists == ("x", "y", "z")
    assert hs["A"].observed == 114 and hs["B"].list_sizes()["z"] == 0
    res = estimate_strata(hs, LogLinear())
    assert res.strata["B"].lists == ("x", "y")
    assert any("'B'" in w and "z" in w for w in res.total.warnings)
