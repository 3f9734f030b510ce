"""The result object every estimator returns, and the estimator registry."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tally.core.errors import EstimateError
from tally.estimate import ESTIMATORS, CaptureHistory, EstimateResult, GraphicalBMA, LogLinear, get_estimator
from tally.estimate.base import JSON_KEYS
from tally.estimate.diagnostics import effective_sample_size, split_rhat


def _result() -> EstimateResult:
    return EstimateResult(
        method="dga", lists=("a", "b", "c"), observed=10, estimate=12.0, lower=10.0, upper=20.5, level=0.9,
        details={"delta": np.float64(0.125), "grid": (0, 50), "n": np.int64(3)}, warnings=["SparseDataWarning: <thin>"],
        draws=np.arange(5.0),
    )


def test_result_to_dict_has_exactly_the_json_keys() -> None:
    d = _result().to_dict()
    assert tuple(d) == JSON_KEYS
    assert "draws" not in d
    assert json.loads(json.dumps(d))["details"] == {"delta": 0.125, "grid": [0, 50], "n": 3}


def test_result_summary_and_html_carry_warnings() -> None:
    r = _result()
    assert "90% interval [10, 20.5]" in r.summary()
    assert "warning: SparseDataWarning" in r.summary()
    assert "&lt;thin&gt;" in r.to_html() and "<thin>" not in r.to_html()


def test_result_is_frozen() -> None:
    with pytest.raises(AttributeError):
        _result().estimate = 3.0  # type: ignore[misc]


def test_get_estimator_builds_each_method_and_rejects_strays() -> None:
    assert sorted(ESTIMATORS) == ["chapman", "dga", "lcmcr", "loglinear"]
    est = get_estimator("dga", delta=0.5, seed=None)
    assert isinstance(est, GraphicalBMA) and est.delta == 0.5
    assert isinstance(get_estimator("LogLinear".lower(), criterion="aic"), LogLinear)
    with pytest.raises(EstimateError, match="unknown method"):
        get_estimator("petersen")
    with pytest.raises(EstimateError, match="takes no option"):
        get_estimator("loglinear", delta=0.5)


def test_estimator_rejects_bad_level_and_empty_lists() -> None:
    with pytest.raises(EstimateError, match="level"):
        LogLinear(level=1.5)
    h = CaptureHistory.from_patterns(["a", "b", "c"], [[1, 0, 0], [1, 1, 0]], [4, 5])
    with pytest.raises(EstimateError, match="hold no one"):
        LogLinear().fit(h)


def test_level_changes_the_interval() -> None:
    h = CaptureHistory.from_table(["a", "b", "c"], [0, 60, 49, 4, 247, 112, 142, 12])
    wide = LogLinear(level=0.99).fit(h)
    narrow = LogLinear(level=0.8).fit(h)
    assert wide.lower < narrow.lower <= narrow.estimate <= narrow.upper < wide.upper
    assert wide.to_dict()["level"] == 0.99


def test_diagnostics_on_independent_and_stuck_chains() -> None:
    rng = np.random.default_rng(1)
    iid = rng.normal(size=(4, 1000))
    assert effective_sample_size(iid) == pytest.approx(4000, rel=0.15)
    assert split_rhat(iid) == pytest.approx(1.0, abs=0.01)
    stuck = iid + np.arange(4)[:, None] * 3
    assert split_rhat(stuck) > 1.5
