"""A scope's estimate: a stored stratum equal to the scope, or the sum of the strata that make it up."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from sqlalchemy import insert

from tally.pipeline import run_tolls
from tally.reconcile.estimates import scope_estimate
from tally.reconcile.scope import Scope, default_places
from tally.store.schema import estimates
from tally.store.scopes import estimate_runs

D = dt.date
UTC = dt.UTC
WEEK1, WEEK2 = {"from": "2025-03-01", "to": "2025-03-07"}, {"from": "2025-03-08", "to": "2025-03-14"}


def _draws(centre: int, seed: int) -> list[int]:
    return [int(x) for x in np.random.default_rng(seed).normal(centre, centre / 10, 1000).round()]


def _result(observed: int, centre: int, seed: int, method: str = "lcmcr") -> dict:
    d = _draws(centre, seed)
    lo, mid, hi = np.quantile(d, [0.025, 0.5, 0.975])
    return {"method": method, "lists": ["a", "b", "c"], "observed": observed, "estimate": float(mid),
            "lower": float(lo), "upper": float(hi), "level": 0.95, "details": {}, "warnings": [], "draws": d}


def _store(ws, rows, total=None, when=None):
    when = when or dt.datetime.now(UTC)
    with ws.begin() as conn:
        for stratum, result in [*rows, ({}, total or {"method": "lcmcr", "observed": 0, "estimate": 0, "lower": 0,
                                                      "upper": 0, "level": 0.95, "countries": ["SY"]})]:
            conn.execute(insert(estimates).values(created_at=when, created_by="t", method="lcmcr", stratum=stratum,
                                                  spec={}, result=result))


def _estimate(ws, scope):
    pl = default_places()
    with ws.connect() as conn:
        return scope_estimate(scope, estimate_runs(conn, pl.canonical), pl)


def test_union_of_governorates_sums_posterior_draws(ws):
    _store(ws, [({"governorate": "ocha:SY06"}, _result(90, 120, 1)), ({"governorate": "ocha:SY10"}, _result(150, 200, 2)),
                ({"governorate": "ocha:SY07"}, _result(400, 500, 3))])
    coast = _estimate(ws, Scope(places=("ocha:SY06", "ocha:SY10")))
    assert coast["estimate"] == pytest.approx(320, rel=0.02)
    # the sum's interval is narrower than the sum of the interval ends (independent strata)
    a, b = _estimate(ws, Scope(places=("ocha:SY06",))), _estimate(ws, Scope(places=("ocha:SY10",)))
    assert a["lower"] + b["lower"] < coast["lower"] < coast["upper"] < a["upper"] + b["upper"]
    assert coast["observed"] == 240 and coast["details"]["strata"] == 2
    # a governorate's own stratum is returned as stored; Syria is all three
    assert a["estimate"] == _result(90, 120, 1)["estimate"]
    assert _estimate(ws, Scope(places=("iso:SY",)))["estimate"] == pytest.approx(820, rel=0.02)


def test_union_needs_whole_strata_and_matching_categories(ws):
    _store(ws, [({"governorate": "ocha:SY06", "status": "civilian"}, _result(90, 120, 1)),
                ({"governorate": "ocha:SY06", "status": "fighter"}, _result(20, 30, 2))])
    assert _estimate(ws, Scope(places=("ocha:SY06",), victims="civilians"))["estimate"] == pytest.approx(120, rel=0.02)
    assert _estimate(ws, Scope(places=("ocha:SY06",)))["estimate"] == pytest.approx(150, rel=0.02)
    assert _estimate(ws, Scope(places=("ocha:SY06",), victims="children")) is None  # part of a stratum
    assert _estimate(ws, Scope(places=("ocha:SY0602",))) is None  # a district inside a governorate stratum


def test_weeks_add_up_to_a_fortnight_but_not_to_a_period_cutting_one(ws):
    _store(ws, [(WEEK1, _result(300, 400, 1)), (WEEK2, _result(200, 260, 2)), ({"week": "unknown"}, _result(5, 7, 3))])
    fortnight = _estimate(ws, Scope(places=("iso:SY",), date_from=D(2025, 3, 1), date_to=D(2025, 3, 14)))
    assert fortnight["estimate"] == pytest.approx(660, rel=0.02)
    assert any("unknown place or date left out" in w for w in fortnight["warnings"])
    week = _estimate(ws, Scope(places=("iso:SY",), date_from=D(2025, 3, 1), date_to=D(2025, 3, 7)))
    assert week["estimate"] == pytest.approx(400, rel=0.02)  # the stratum itself: Syria is where the persons are
    assert _estimate(ws, Scope(date_from=D(2025, 3, 1), date_to=D(2025, 3, 10))) is None
    assert _estimate(ws, Scope(places=("iso:LB",), date_from=D(2025, 3, 1), date_to=D(2025, 3, 7))) is None
    # without a date the unknown-week stratum belongs to the scope too
    assert _estimate(ws, Scope(places=("iso:SY",)))["estimate"] == pytest.approx(667, rel=0.02)


def test_strata_not_estimated_add_their_observed_people_with_a_warning(ws):
    total = {"method": "lcmcr", "observed": 0, "estimate": 0, "lower": 0, "upper": 0, "level": 0.95, "countries": ["SY"],
             "failed_strata": [{"stratum": {"governorate": "ocha:SY14"}, "name": "governorate=ocha:SY14", "observed": 9,
                                "reason": "lcmcr needs at least 3 lists; got 2"}]}
    _store(ws, [({"governorate": "ocha:SY06"}, _result(90, 120, 1)), ({"governorate": "ocha:SY10"}, _result(150, 200, 2))],
           total)
    both = _estimate(ws, Scope(places=("ocha:SY06", "ocha:SY14")))
    assert both["estimate"] == pytest.approx(129, rel=0.02) and both["observed"] == 99
    assert "could not be estimated" in both["warnings"][0] and "got 2" in both["warnings"][0]
    assert _estimate(ws, Scope(places=("ocha:SY14",))) is None  # nothing estimated there at all


def test_loglinear_strata_add_estimates_and_variances(ws):
    res = [{"method": "loglinear", "lists": ["a", "b", "c"], "observed": 80, "estimate": 100.0 + i, "lower": 90.0,
            "upper": 120.0, "level": 0.95, "details": {"stderr": 6.0}, "warnings": []} for i in range(2)]
    _store(ws, [({"governorate": "ocha:SY06"}, res[0]), ({"governorate": "ocha:SY10"}, res[1])])
    got = _estimate(ws, Scope(places=("ocha:SY06", "ocha:SY10")))
    assert got["estimate"] == pytest.approx(201.0)
    assert got["upper"] - got["estimate"] == pytest.approx(1.959964 * np.sqrt(72), rel=1e-4)


def test_newest_run_that_answers_wins_and_tolls_carry_it(ws):
    _store(ws, [({"governorate": "ocha:SY06"}, _result(90, 120, 1))], when=dt.datetime(2025, 1, 1, tzinfo=UTC))
    _store(ws, [(WEEK1, _result(300, 400, 1))])
    [toll] = run_tolls(ws, Scope(places=("ocha:SY06",)))
    assert toll.estimated["estimate"] == pytest.approx(120, rel=0.02) and toll.estimated["method"] == "lcmcr"
    [toll] = run_tolls(ws, Scope(places=("iso:SY",), date_from=D(2025, 3, 1), date_to=D(2025, 3, 7)))
    assert toll.estimated["estimate"] == pytest.approx(400, rel=0.02)


def test_tally_run_estimates_so_that_tolls_of_unions_and_civilians_carry_estimates(tmp_path, monkeypatch):
    """``run_all`` estimates by week, governorate x status and governorate (short chains here)."""
    from tally import pipeline
    from tally.simulate import SimulationSpec, simulate

    monkeypatch.setitem(pipeline.ESTIMATE_OPTIONS, "lcmcr", {"burnin": 300, "samples": 200, "thinning": 2, "chains": 2})
    simulate(SimulationSpec(seed=11, victims=1500, articles=0), tmp_path / "sim")
    ws = pipeline.init_workspace(tmp_path / "ws", actor="tester")
    report = pipeline.run_all(ws, [tmp_path / "sim" / "lists"], country="SY")
    step = next(s for s in report.steps if s.stage == "estimate")
    assert step.status == "ran" and all(f"by {b}" in step.summary for b in ("week", "governorate x status", "governorate"))
    with ws.connect() as conn:
        runs = estimate_runs(conn, default_places().canonical)
    assert [r["method"] for r in runs] == ["lcmcr"] * 3 and all(s["result"].get("draws") for r in runs for s in r["strata"])
    govs = sorted({s["stratum"]["governorate"] for s in runs[0]["strata"]})
    [pair] = run_tolls(ws, Scope(places=tuple(govs[:2])))
    [civ] = run_tolls(ws, Scope(places=(govs[0],), victims="civilians"))
    for toll in (pair, civ):
        assert toll.estimated is not None and toll.estimated["method"] == "lcmcr"
        assert toll.estimated["lower"] <= toll.estimated["estimate"] <= toll.estimated["upper"]
    ws.close()


def test_a_category_estimate_says_how_many_people_have_no_recorded_status(ws):
    # no total to apportion (a status run only, without posterior draws): the category's own
    # estimate, with a warning that it may run low
    def no_draws(r):
        return {k: v for k, v in r.items() if k != "draws"} | {"details": {"se": 5.0}}

    _store(ws, [({"governorate": "ocha:SY06", "status": "civilian"}, no_draws(_result(90, 120, 1))),
                ({"governorate": "ocha:SY06", "status": "unknown"}, no_draws(_result(14, 20, 2))),
                ({"governorate": "ocha:SY10", "status": "civilian"}, no_draws(_result(50, 70, 3)))])
    civ = _estimate(ws, Scope(places=("ocha:SY06",), victims="civilians"))
    assert civ["warnings"][0].startswith("14 person(s) in these places and period have no recorded victim status")
    assert not any("status" in w for w in _estimate(ws, Scope(places=("ocha:SY10",), victims="civilians"))["warnings"])
    assert not any("status" in w for w in _estimate(ws, Scope(places=("ocha:SY06",)))["warnings"])


def test_a_category_with_unrecorded_status_is_apportioned_from_the_total(ws):
    # a status run (one list records no status: 40 people of Latakia have none) and a newer
    # governorate run: civilians of Latakia = the governorate's total x the civilians' share
    _store(ws, [({"governorate": "ocha:SY06", "status": "civilian"}, _result(150, 190, 1)),
                ({"governorate": "ocha:SY06", "status": "security forces"}, _result(50, 60, 2)),
                ({"governorate": "ocha:SY06", "status": "unknown"}, _result(40, 45, 3)),
                ({"governorate": "ocha:SY10", "status": "civilian"}, _result(50, 70, 4))],
           when=dt.datetime(2025, 1, 1, tzinfo=UTC))
    _store(ws, [({"governorate": "ocha:SY06"}, _result(240, 400, 5)), ({"governorate": "ocha:SY10"}, _result(50, 70, 6))])
    civ = _estimate(ws, Scope(places=("ocha:SY06",), victims="civilians"))
    assert civ["estimate"] == pytest.approx(400 * 150 / 200, rel=0.05)  # 300, not the stratum's 190
    assert civ["method"] == "lcmcr x share" and civ["observed"] == 150
    assert civ["lower"] < civ["estimate"] < civ["upper"] and civ["lower"] >= 150
    assert civ["warnings"][0].startswith("apportioned: the all-victims estimate of these places and period (")
    assert "(150, 75%); 40 have none" in civ["warnings"][0]
    # the share's uncertainty widens the interval beyond the total's own, scaled
    tot = _estimate(ws, Scope(places=("ocha:SY06",)))
    assert civ["upper"] - civ["lower"] > 0.75 * (tot["upper"] - tot["lower"])
    # no one of unrecorded status in Tartus: its civilian stratum is used as stored
    assert _estimate(ws, Scope(places=("ocha:SY10",), victims="civilians"))["estimate"] == _result(50, 70, 4)["estimate"]
    [toll] = run_tolls(ws, Scope(places=("ocha:SY06",), victims="civilians"))
    assert toll.estimated["method"] == "lcmcr x share" and "draws" not in toll.estimated
