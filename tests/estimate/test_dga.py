"""Graphical model averaging against the R package dga 2.0.2 (bma.cr)."""

from __future__ import annotations


import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import gammaln

from tally.core.errors import EstimateError
from tally.estimate import CaptureHistory, GraphicalBMA
from tally.estimate.graphs import decomposable_graphs

from .conftest import load


def test_dga_counts_decomposable_graphs() -> None:
    """dga ships graphs3, graphs4 and graphs5 with 8, 61 and 822 decomposable graphs."""
    assert [len(decomposable_graphs(p)) for p in (3, 4, 5)] == [8, 61, 822]


def test_dga_matches_r_on_kosovo_exactly(kosovo: CaptureHistory) -> None:
    """``w <- bma.cr(Y, Nmissing=0:22000, delta=1/16, graphs4)``; ``posteriorQuantiles(colSums(w), N, c(.025,.5,.975))``
    → 9827, 12595, 16544; mean 12749.3; top graph {EXH,ABA,OSCE}{EXH,OSCE,HRW} with 0.9855. Exact."""
    r = GraphicalBMA().fit(kosovo)
    assert (r.estimate, r.lower, r.upper) == (12595, 9827, 16544)
    assert r.details["delta"] == 1 / 16
    assert r.details["mean"] == pytest.approx(12749.3, abs=0.05)
    assert r.details["tail_mass"] < 1e-7
    top = r.details["top_graphs"][0]
    assert top["graph"] == "{EXH,ABA,OSCE}{EXH,OSCE,HRW}"
    assert top["probability"] == pytest.approx(0.9855, abs=5e-5)
    assert any("delta" in w for w in r.warnings)


@pytest.mark.parametrize("delta, expected", [(0.5, (11319, 4481, 14484, 11013.6)), (1.0, (4616, 4407, 6844, 4828.0))])
def test_dga_kosovo_other_deltas(kosovo: CaptureHistory, delta: float, expected: tuple[float, ...]) -> None:
    """``bma.cr(Y, 0:22000, delta, graphs4)`` with delta 0.5 and 1: the answer moves with delta."""
    r = GraphicalBMA(delta=delta, grid=np.arange(22001)).fit(kosovo)
    assert (r.estimate, r.lower, r.upper) == expected[:3]
    assert r.details["mean"] == pytest.approx(expected[3], abs=0.05)


@pytest.mark.parametrize(
    "name, quantiles, mean",
    [
        ("rcapture_lesbian_allegheny.csv", (5131, 4635, 5749), 5147.3),   # delta 1/16, Nmissing 0:10925
        ("dga_MY5_example.csv", (618, 590, 656), 618.9),                  # delta 1/32, Nmissing 0:2685
        ("rcapture_HIV_rome.csv", (11220, 9404, 14095), 11357.1),          # delta 1/16, Nmissing 0:37920 (20n)
        ("dga_MY3_spina_bifida_NY.csv", (731, 694, 787), None),            # delta 1/8, Nmissing 0:3130
    ],
)
def test_dga_matches_r_on_other_datasets(name: str, quantiles: tuple[int, int, int], mean: float | None) -> None:
    """``bma.cr(Y, Nmissing, delta=2^-p, graphsp)`` with posteriorQuantiles at .5, .025, .975.
    For spina bifida R's grid 0:3130 truncated the tail (its mean 733.6); tally widens the grid
    until the tail is negligible, so only the quantiles are compared there."""
    r = GraphicalBMA().fit(load(name))
    assert (r.estimate, r.lower, r.upper) == quantiles
    if mean is not None:
        assert r.details["mean"] == pytest.approx(mean, abs=0.05)


def test_dga_reproduces_package_test_on_spina_bifida() -> None:
    """dga's own test: ``Y <- c(0,60,49,4,247,112,142,12)``, delta 1, Nmissing 1:300, negative-binomial
    log prior a=13.14, b=55.17: top-model probability 0.3738, ``bayesEstimator`` 731.10, mode 728."""
    a, b = 13.14, 55.17

    def log_prior(n: np.ndarray) -> np.ndarray:
        return n * np.log(b) - (n + a) * np.log(1 + b) + gammaln(n + a) - gammaln(n + 1) - gammaln(a)

    r = GraphicalBMA(delta=1, grid=np.arange(1, 301), log_prior=log_prior).fit(load("dga_MY3_spina_bifida_NY.csv"))
    assert r.details["top_graphs"][0]["probability"] == pytest.approx(0.3738, abs=5e-5)
    assert r.details["bayes_estimator"] == pytest.approx(731.10, abs=0.005)
    assert r.details["mode"] == 728


def test_dga_warns_when_a_given_grid_truncates_the_tail() -> None:
    """M&Y five-list example with the package's Nmissing 1:300 (delta 0.5) leaves mass at the top."""
    r = GraphicalBMA(delta=0.5, grid=np.arange(1, 301)).fit(load("dga_MY5_example.csv"))
    assert (r.estimate, r.lower, r.upper) == (616, 588, 655)
    assert any(w.startswith("TruncationWarning") for w in r.warnings)


def test_dga_refuses_two_or_six_lists() -> None:
    with pytest.raises(EstimateError, match="at least 3 lists"):
        GraphicalBMA().fit(CaptureHistory.from_patterns(["a", "b"], [[1, 0], [0, 1], [1, 1]], [5, 6, 7]))
    with pytest.raises(EstimateError, match="at most 5 lists"):
        GraphicalBMA().fit(load("rcapture_hare_wildlife.csv"))


@settings(max_examples=10, deadline=None)
@given(st.permutations(range(4)))
def test_dga_invariant_to_list_order(order: list[int]) -> None:
    h = load("rcapture_lesbian_allegheny.csv")
    r = GraphicalBMA().fit(h.select([h.lists[i] for i in order]))
    assert (r.estimate, r.lower, r.upper) == (5131, 4635, 5749)


@settings(max_examples=10, deadline=None)
@given(st.lists(st.integers(1, 300), min_size=7, max_size=7))
def test_dga_never_below_observed(counts: list[int]) -> None:
    h = CaptureHistory.from_table(["a", "b", "c"], np.array([0, *counts]))
    r = GraphicalBMA().fit(h)
    assert h.observed <= r.lower <= r.estimate <= r.upper
