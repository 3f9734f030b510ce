"""Estimation on a workspace: capture histories from linked persons, per stratum, stored and audited."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from tally.pipeline import run_estimate, run_ingest, run_link
from tally.simulate import SimulationSpec, simulate
from tally.store import audit
from tally.store.schema import estimates


@pytest.fixture(scope="module")
def linked_ws(tmp_path_factory):
    from tally.store.workspace import Workspace

    root = tmp_path_factory.mktemp("est")
    simulate(SimulationSpec(seed=11, victims=1500, articles=0), root / "sim")
    ws = Workspace.open(root / "ws", create=True, actor="tester")
    run_ingest(ws, [root / "sim" / "lists"])
    run_link(ws)
    yield ws
    ws.close()


def test_run_estimate_by_governorate_stores_strata_and_total(linked_ws):
    res = run_estimate(linked_ws, by=["governorate"], method="loglinear")
    assert res.total.estimate >= res.total.observed
    assert res.total.lower <= res.total.estimate <= res.total.upper
    assert sum(r.observed for r in res.strata.values()) <= res.total.observed
    with linked_ws.connect() as c:
        rows = [dict(r) for r in c.execute(select(estimates)).mappings()]
        assert audit.verify(c).ok
    strata = [r["stratum"] for r in rows]
    assert {} in strata and any(s.get("governorate", "").startswith("ocha:SY") for s in strata)
    total = next(r for r in rows if r["stratum"] == {})
    assert json.loads(json.dumps(total["result"]))["estimate"] == pytest.approx(res.total.estimate)


def test_run_estimate_bayesian_total_sums_draws(linked_ws):
    res = run_estimate(linked_ws, by=["sex"], method="dga")
    assert "posterior draw" in res.total.details["combination"]
    assert res.total.estimate >= res.total.observed


def test_run_estimate_rejects_unknown_stratum(linked_ws):
    from tally.core.errors import EstimateError

    with pytest.raises(EstimateError, match="cannot stratify by colour"):
        run_estimate(linked_ws, by=["colour"])


def test_run_estimate_by_week_stores_periods_draws_and_what_it_could_not_estimate(linked_ws):
    import datetime as dt

    res = run_estimate(linked_ws, by=["governorate", "week"], method="lcmcr", weeks_from=dt.date(2024, 12, 1),
                       burnin=500, samples=200, thinning=5, chains=2, seed=3)
    with linked_ws.connect() as c:
        rows = [dict(r) for r in c.execute(select(estimates)).mappings()]
        assert audit.verify(c).ok
    run = [r for r in rows if r["spec"].get("by") == ["governorate", "week"]]
    strata = [r for r in run if r["stratum"]]
    total = next(r for r in run if not r["stratum"])
    assert len(strata) == len(res.strata) and total["result"]["countries"] == ["SY"]
    for r in strata:
        lo, hi = dt.date.fromisoformat(r["stratum"]["from"]), dt.date.fromisoformat(r["stratum"]["to"])
        assert (lo - dt.date(2024, 12, 1)).days % 7 == 0 and 0 <= (hi - lo).days <= 6
        assert len(r["result"]["draws"]) == 200 * 2 and r["result"]["lower"] <= r["result"]["estimate"]
    failed = total["result"]["failed_strata"]
    assert [f["name"] for f in failed] == sorted(res.failed) and all(f["observed"] > 0 and f["reason"] for f in failed)
