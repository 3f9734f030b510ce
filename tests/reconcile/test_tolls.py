"""Tolls: the coastal situation by hand, the JSON row, documented and estimate handling, groups."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st
from reconcile_helpers import COAST, D, coastal_rows, row

from tally.reconcile.rules import possessive
from tally.reconcile.scope import Scope
from tally.reconcile.tolls import group_scopes, reconcile

CIVILIANS = Scope(places=COAST, date_from=D(2025, 3, 6), victims="civilians")
KEYS = {"scope", "group", "reported_low", "reported_high", "best", "sources", "documented", "estimated", "grade",
        "grade_reason", "flags", "claims", "discounted"}
SOURCE_KEYS = {"source", "low", "high", "best", "qualifier", "date", "cumulative", "claim_id", "reports", "outlets",
               "superseded", "correction"}


def test_reconcile_coastal_first_day_low_is_the_groups_first_figure():
    first_day = [r for r in coastal_rows() if r.id != 5 and r.reported <= D(2025, 3, 8)]
    t = reconcile(first_day, 111, None, CIVILIANS)
    assert (t.reported_low, t.best, t.reported_high) == (1200, 1200, 1200)


def test_reconcile_coastal_civilians_update_to_latest_and_nothing_double_counted():
    t = reconcile(coastal_rows(), 111, None, CIVILIANS)
    assert (t.reported_low, t.best, t.reported_high) == (1383, 1383, 1383)
    assert t.documented == 111 and t.grade == "confirmed"
    monitor = next(s for s in t.sources if s["source"] == "Levant Monitor")
    assert monitor["claim_id"] == 5 and monitor["reports"] == 1 and set(monitor["superseded"]) == {1, *range(10, 20)}
    assert t.claims == [2, 5]


def test_reconcile_coastal_security_forces_and_fighters_separately():
    sec = reconcile(coastal_rows(), 0, None, CIVILIANS.with_(victims="security_forces"))
    fig = reconcile(coastal_rows(), 0, None, CIVILIANS.with_(victims="fighters"))
    everyone = reconcile(coastal_rows(), 111, None, CIVILIANS.with_(victims="all"))
    assert sec.best == 230 and fig.best == 250 and sec.grade == "weak"
    assert everyone.best == 1383 + 230 + 250


def test_toll_to_dict_has_the_contract_keys_and_is_json():
    d = reconcile(coastal_rows(), 111, None, CIVILIANS).to_dict()
    assert KEYS <= set(d) and all(SOURCE_KEYS <= set(s) for s in d["sources"])
    assert set(d["scope"]) == {"where", "where_names", "from", "to", "victims", "event"}
    json.dumps(d)


def test_reconcile_best_never_below_documented_and_flags_it():
    t = reconcile([row("A", 40, qualifier="exact")], 55, None, CIVILIANS)
    assert t.best == 55 and any("below the 55 named victims" in f for f in t.flags)
    assert any("best raised" in f for f in t.flags)


def test_only_a_source_covering_the_scope_is_flagged_below_the_documented_count():
    """Incident figures of two places are no toll for the scope: only the running toll that covers
    both is held against the documented count."""
    homs, hama = ("ocha:SY04",), ("ocha:SY05",)
    incidents = [row("Rescuers", 3, qualifier="exact", cumulative=False, areas=homs, date_from=D(2025, 3, 7),
                     date_to=D(2025, 3, 7)),
                 row("Medics", 4, qualifier="exact", cumulative=False, areas=hama, date_from=D(2025, 3, 12),
                     date_to=D(2025, 3, 12))]
    t = reconcile(incidents, 55, None, CIVILIANS)
    assert t.best == 55 and not any("below the 55 named victims" in f for f in t.flags)
    toll = row("Levant Monitor", 20, qualifier="exact", date_to=D(2025, 3, 14), reported=D(2025, 3, 14))
    t = reconcile([*incidents, toll], 55, None, CIVILIANS)
    assert [f for f in t.flags if "named victims" in f] == ["Levant Monitor's figure 20 is below the 55 named "
                                                            "victims documented in scope"]
    assert possessive("Rescuers") == "Rescuers'" and possessive("Levant Monitor") == "Levant Monitor's"


def test_reconcile_estimate_passes_through_and_flags_under_reporting():
    est = {"estimate": 2400.0, "lower": 1900.0, "upper": 3100.0, "level": 0.95, "method": "dga", "warnings": [], "lists": ["a"]}
    t = reconcile(coastal_rows(), 111, est, CIVILIANS)
    assert t.estimated == {"estimate": 2400.0, "lower": 1900.0, "upper": 3100.0, "level": 0.95, "method": "dga", "warnings": []}
    assert any("below the estimate's interval" in f for f in t.flags)
    assert not any("cannot hold the truth" in f for f in t.flags)


def test_an_estimate_below_the_documented_count_is_flagged():
    """Named victims are dead: an interval entirely below their number cannot hold the truth."""
    est = {"estimate": 808.0, "lower": 589.0, "upper": 1368.0, "level": 0.95, "method": "lcmcr", "warnings": []}
    t = reconcile(coastal_rows(), 1754, est, CIVILIANS)
    assert t.best == 1754 and any("[589, 1,368] lies below the 1,754 named victims" in f for f in t.flags)


def test_reconcile_contested_and_order_of_magnitude():
    a = row("A", 40, qualifier="exact", areas=("ocha:SY06",))
    b = row("B", 900, qualifier="exact", areas=("ocha:SY06",))
    t = reconcile([a, b], 0, None, CIVILIANS)
    assert t.grade == "contested" and (t.reported_low, t.best, t.reported_high) == (40, 40, 900)
    assert any("order of magnitude" in f for f in t.flags)


def test_reconcile_rejected_claims_stay_visible_as_discounted():
    r = row("A", 40, status="rejected", reason="duplicate of a field report")
    t = reconcile([r], 0, None, CIVILIANS)
    assert t.grade == "discounted" and t.best is None
    assert t.discounted == [{"claim_id": r.id, "reason": "rejected: duplicate of a field report"}]


def test_reconcile_wider_lower_figure_is_flagged():
    inside = row("A", 300, areas=("ocha:SY06",), reported=D(2025, 3, 9))
    national = row("B", 100, qualifier="exact", victims="all", areas=("iso:SY",), date_from=D(2025, 3, 1),
                   reported=D(2025, 3, 10))
    t = reconcile([inside, national], 0, None, Scope(places=("ocha:SY06",), date_from=D(2025, 3, 6), victims="civilians"))
    assert t.best == 300 and any("wider scope" in f for f in t.flags)


def test_group_scopes_by_governorate_week_victims_source():
    rows = coastal_rows()
    govs = group_scopes(CIVILIANS, "governorate", rows)
    assert [k for k, *_ in govs] == list(COAST)
    weeks = group_scopes(CIVILIANS.with_(date_to=D(2025, 3, 19)), "week", rows)
    assert [(s.date_from, s.date_to) for _, _, s, _ in weeks] == [(D(2025, 3, 6), D(2025, 3, 12)), (D(2025, 3, 13), D(2025, 3, 19))]
    assert [k for k, *_ in group_scopes(CIVILIANS.with_(victims="all"), "victims", rows)] == [
        "civilians", "security_forces", "fighters", "unknown"]
    assert [k for k, *_ in group_scopes(CIVILIANS, "source", rows)] == ["Levant Monitor", "United Nations"]
    districts = group_scopes(Scope(places=("ocha:SY06",)), "district", rows)
    assert all(s.places[0].startswith("ocha:SY06") and len(s.places[0]) == 11 for _, _, s, _ in districts)


def test_readme_states_the_rules_verbatim():
    from pathlib import Path

    from tally.reconcile import GRADE_RULE, RULES

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert RULES in readme and GRADE_RULE in readme


def test_near_keeps_every_claim_that_bears_on_a_governorate():
    from tally.reconcile.scope import default_places
    from tally.reconcile.tolls import near, nearby

    pl = default_places()
    rows = coastal_rows() + [
        row("Coast TV", 7, areas=("ocha:SY0602",), qualifier="exact", cumulative=False, date_from=D(2025, 3, 7)),
        row("Idlib Monitor", 40, areas=("ocha:SY07",), qualifier="exact"),
        row("Agency", 900, areas=("iso:SY",), victims="people"),  # country-wide: bounds every governorate
        row("Agency", 12, areas=(), qualifier="exact"),  # unplaced: kept
    ]
    for code in (*COAST, "ocha:SY07", "ocha:SY0602"):
        sub = CIVILIANS.with_(places=(code,))
        kept = near(rows, sub, pl)
        assert reconcile(kept, 0, None, sub).to_dict() == reconcile(rows, 0, None, sub).to_dict()
        assert nearby(rows, pl)(sub) == kept
        assert all(r.areas[:1] != ("ocha:SY07",) for r in kept) or code == "ocha:SY07"


def test_during_keeps_every_claim_that_bears_on_a_period():
    import datetime as dt

    from tally.reconcile.rules import relation
    from tally.reconcile.scope import default_places
    from tally.reconcile.tolls import during

    pl = default_places()
    rows = coastal_rows() + [
        row("Coast TV", 7, cumulative=False, date_from=D(2025, 3, 7), date_to=D(2025, 3, 7), qualifier="exact"),
        row("Coast TV", 9, cumulative=False, date_from=D(2025, 3, 12), date_to=D(2025, 3, 12), qualifier="exact"),
        row("Agency", 900, date_from=None, reported=D(2025, 3, 20)),  # a count to date: bounds earlier weeks
        row("Agency", 5, date_from=D(2025, 3, 9), date_to=D(2025, 3, 2), cumulative=False),  # dates reversed
        row("Agency", 3, date_from=None, date_to=None, cumulative=False, reported=D(2025, 3, 3)),
    ]
    in_period = during(rows)
    for start in range(0, 21, 3):
        for days in (0, 6, 13):
            a = D(2025, 3, 1) + dt.timedelta(days=start)
            sub = CIVILIANS.with_(date_from=a, date_to=a + dt.timedelta(days=days))
            kept = in_period(sub)
            assert [r for r in rows if relation(r, sub, pl) != "outside"] == [r for r in kept if relation(r, sub, pl) != "outside"]
            assert reconcile(kept, 0, None, sub).to_dict() == reconcile(rows, 0, None, sub).to_dict()
    assert in_period(CIVILIANS) is rows  # an open period: nothing to cut


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.lists(st.tuples(st.one_of(st.none(), st.integers(0, 30)), st.one_of(st.none(), st.integers(0, 30)),
                          st.integers(0, 30), st.booleans()), min_size=1, max_size=25),
       st.integers(0, 30), st.integers(0, 10))
def test_during_cuts_exactly_on_any_dates(dates, first, days):
    """Whatever the claims' starts, ends (reversed, missing) and report days: the cut keeps every claim
    that lies inside or bounds the period, in order."""
    import datetime as dt

    from tally.reconcile.rules import _period_contains, _period_within
    from tally.reconcile.tolls import during

    day0 = D(2025, 3, 1)
    rows = [row("Agency", 5, cumulative=cumulative, reported=day0 + dt.timedelta(days=rep),
                date_from=None if a is None else day0 + dt.timedelta(days=a),
                date_to=None if b is None else day0 + dt.timedelta(days=b)) for a, b, rep, cumulative in dates]
    lo = day0 + dt.timedelta(days=first)
    hi = lo + dt.timedelta(days=days)
    want = [r for r in rows if _period_within(r.start, r.end, lo, hi) or _period_contains(r.start, r.end, lo, hi)]
    got = during(rows)(CIVILIANS.with_(date_from=lo, date_to=hi))
    assert [r for r in got if _period_within(r.start, r.end, lo, hi) or _period_contains(r.start, r.end, lo, hi)] == want
    assert [r.id for r in got] == sorted(r.id for r in got)


def test_reconcile_many_in_forked_workers_gives_what_one_process_gives():
    import multiprocessing as mp

    import pytest

    from tally.reconcile.tolls import Job, reconcile_many

    if "fork" not in mp.get_all_start_methods():
        pytest.skip("no fork on this platform: reconcile_many works the groups out in one process")
    rows = coastal_rows() + [
        row("Coast TV", 7, areas=("ocha:SY0602",), qualifier="exact", cumulative=False, date_from=D(2025, 3, 7)),
        row("Agency", 900, areas=("iso:SY",), victims="people"),
    ]
    jobs = [Job(rows, 120 if i == 1 else 0, None, CIVILIANS.with_(places=(code,)), ["a note"] if i == 2 else [])
            for i, code in enumerate(COAST)]
    serial = [t.to_dict() for t in reconcile_many(jobs, workers=1)]
    assert serial == [reconcile(j.claims, j.documented, None, j.scope, notes=j.notes).to_dict() for j in jobs]
    forked = [t.to_dict() for t in reconcile_many(jobs, workers=3, parallel_above=0)]
    assert forked == serial  # the same tolls, in the groups' order
    assert [t["scope"]["where"] for t in forked] == [[c] for c in COAST]


def test_incidents_in_different_unlisted_villages_are_different_killings():
    """Two sources on the same day in one governorate: villages the gazetteer lacks (coded under the
    governorate by extraction) tell their incidents apart; the same village is one incident."""
    from tally.reconcile.scope import default_places

    day = dict(cumulative=False, date_from=D(2025, 1, 21), date_to=D(2025, 1, 21), qualifier="exact")
    raqqa = CIVILIANS.with_(places=("ocha:SY11",), date_from=None, date_to=None)
    rows = [row("Rescuers", 7, areas=("ocha:SY11/ain-zt",), **day),
            row("Medical sources", 31, areas=("ocha:SY11/tell-ghrb",), **day)]
    t = reconcile(rows, 0, None, raqqa)
    assert (t.reported_low, t.best, t.reported_high, t.grade) == (38, 38, 38, "weak")
    assert not any("apart" in f or "disagree" in f for f in t.flags)
    same = [rows[0], row("Medical sources", 9, areas=("ocha:SY11/ain-zt",), **day)]  # two counts of one incident
    t = reconcile(same, 0, None, raqqa)
    assert (t.reported_low, t.reported_high) == (7, 9)
    # a governorate-wide figure of that day may hold either incident: it overlaps both
    wide = [*rows, row("Monitor", 45, areas=("ocha:SY11",), **day)]
    t = reconcile(wide, 0, None, raqqa)
    assert (t.reported_low, t.reported_high) == (45, 45)
    # a village in no known province is somewhere in the country, not the whole of it: it contains no
    # other incident of the day, and is not in Raqqa's toll
    nowhere = row("Rescuers", 5, areas=("iso:SY/kafr-shml",), **day)
    syria = CIVILIANS.with_(places=("iso:SY",), date_from=None, date_to=None)
    t = reconcile([*rows, nowhere], 0, None, syria)
    assert (t.reported_low, t.reported_high) == (43, 43) and t.grade != "contested"
    assert reconcile([*rows, nowhere], 0, None, raqqa).reported_low == 38
    pl = default_places()
    assert pl.admin1("ocha:SY11/ain-zt") == "ocha:SY11" and pl.within(("ocha:SY11/ain-zt",), ("ocha:SY11",))
    pl.name_localities({"SY11/ain-zt": "Ain Zita"})
    assert pl.name("ocha:SY11/ain-zt") == "Ain Zita"


def test_weeks_are_counted_from_the_estimates_weeks():
    """Without a start date, '--by week' counts weeks from the stored estimates' first week, so that
    tables of different places share their week boundaries and each week can find its estimate."""
    rows = coastal_rows()  # dated 8 to 9 March 2025
    scope = Scope(places=COAST, victims="civilians")
    weeks = group_scopes(scope, "week", rows, origin=D(2025, 3, 3))  # rows dated 8 to 10 March
    assert [s.date_from for _k, _n, s, _src in weeks] == [D(2025, 3, 3), D(2025, 3, 10)]
    weeks = group_scopes(scope, "week", rows, origin=D(2025, 3, 12))  # an origin after the dates: weeks before it
    assert [(s.date_from, s.date_to) for _k, _n, s, _src in weeks] == [(D(2025, 3, 5), D(2025, 3, 10))]
    from tally.reconcile.estimates import week_origin

    run = {"strata": [{"key": (frozenset(), D(2025, 3, 10), D(2025, 3, 16), "all", "killed")},
                      {"key": (frozenset(), D(2025, 3, 3), D(2025, 3, 9), "all", "killed")}]}
    assert week_origin([{"strata": [{"key": (frozenset({"ocha:SY01"}), None, None, "all", "killed")}]}, run]) == D(2025, 3, 3)
