"""Chapman and Lincoln–Petersen against the reference table of every two-list pair."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tally.core.errors import EstimateError
from tally.estimate import CaptureHistory, Chapman

from .conftest import load, reference_rows

FILES = {
    "kosovo": "kosovo_aggregate.csv",
    "HIV": "rcapture_HIV_rome.csv",
    "lesbian": "rcapture_lesbian_allegheny.csv",
    "MY3_spina": "dga_MY3_spina_bifida_NY.csv",
}


def test_chapman_matches_every_reference_pair() -> None:
    """two_list_lincoln_petersen_chapman.csv, computed in R as
    ``N <- (nA+1)*(nB+1)/(m+1) - 1; se <- sqrt((nA+1)*(nB+1)*(nA-m)*(nB-m)/((m+1)^2*(m+2)))``,
    ``N +/- 1.96*se``, and Lincoln–Petersen ``nA*nB/m`` with ``sqrt(nA*nB*(nA-m)*(nB-m)/m^3)``;
    values rounded to 0.1 in the file, so the tolerance is 0.051 absolute, plus ``4e-5*se`` on the
    interval ends where tally uses the exact normal quantile 1.959964 rather than 1.96.
    """
    rows = reference_rows("two_list_lincoln_petersen_chapman.csv")
    assert len(rows) == 21
    for row in rows:
        history = load(FILES[row["dataset"]])
        # The spina-bifida file names its lists L1_birth_cert…; the reference calls them L1…
        names = {name.split("_")[0]: name for name in history.lists}
        r = Chapman(lists=[names.get(row["listA"], row["listA"]), names.get(row["listB"], row["listB"])]).fit(history)
        d = r.details
        assert (d["n1"], d["n2"], d["m"], r.observed) == (int(row["nA"]), int(row["nB"]), int(row["m_both"]), int(row["n_union"]))
        for got, key in [
            (r.estimate, "Chapman"), (d["se"], "Chapman_se"), (r.lower, "Ch_lo95"), (r.upper, "Ch_hi95"),
            (d["lincoln_petersen"], "LP"), (d["lincoln_petersen_se"], "LP_se"),
            (d["lincoln_petersen_lower"], "LP_lo95"), (d["lincoln_petersen_upper"], "LP_hi95"),
        ]:
            tol = 0.051 + (4e-5 * d["se"] if key in ("Ch_lo95", "Ch_hi95") else 4e-5 * d["lincoln_petersen_se"] if key.startswith("LP_") else 0.0)
            assert got == pytest.approx(float(row[key]), abs=tol), (row["dataset"], row["listA"], row["listB"], key)


def test_chapman_refuses_more_than_two_lists(kosovo: CaptureHistory) -> None:
    with pytest.raises(EstimateError, match="exactly two lists"):
        Chapman().fit(kosovo)


def test_chapman_refuses_one_list_and_no_overlap() -> None:
    with pytest.raises(EstimateError, match="exactly two lists"):
        Chapman().fit(CaptureHistory.from_patterns(["a"], [[1]], [10]))
    with pytest.raises(EstimateError, match="overlap"):
        Chapman().fit(CaptureHistory.from_patterns(["a", "b"], [[1, 0], [0, 1]], [10, 12]))


def test_chapman_warns_on_small_overlap() -> None:
    r = Chapman().fit(CaptureHistory.from_patterns(["a", "b"], [[1, 0], [0, 1], [1, 1]], [40, 50, 3]))
    assert any(w.startswith("SparseDataWarning") for w in r.warnings)


@given(st.integers(0, 500), st.integers(0, 500), st.integers(1, 300))
def test_chapman_never_below_observed_and_symmetric(a: int, b: int, m: int) -> None:
    h = CaptureHistory.from_patterns(["x", "y"], [[1, 0], [0, 1], [1, 1]], [a, b, m])
    r = Chapman().fit(h)
    assert r.lower >= h.observed and r.estimate >= h.observed
    swapped = Chapman().fit(h.select(["y", "x"]))
    assert swapped.estimate == pytest.approx(r.estimate) and swapped.upper == pytest.approx(r.upper)
