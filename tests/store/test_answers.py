"""Answers kept in a workspace: read back until anything they were worked out from changes."""

from __future__ import annotations

import json
import os

from typer.testing import CliRunner

from tally.cli import app
from tally.pipeline import (
    add_manual_claim,
    headline_questions,
    keep_rows,
    open_workspace,
    refresh_answers,
    reject_claim,
    run_tolls,
    run_tolls_many,
)
from tally.reconcile.scope import Scope
from tally.reconcile.tolls import Toll
from tally.store import audit
from tally.store.answers import Answers, Kept, fingerprint

runner = CliRunner()
COAST = "Latakia,Tartus,Hama,Homs"
# the monitoring group's running toll of civilians on the coast (add_manual_claim's arguments but the figure)
RUNNING = dict(source="Levant Observatory", victims="civilians", where=COAST.split(","), date_from="2025-03-06",
               cumulative=True)


def coast_civilians() -> Scope:
    return Scope.build(COAST.split(","), "2025-03-06", None, victims="civilians")


def _run(ws, *args):
    r = runner.invoke(app, ["--workspace", str(ws), *args], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return r


def _add(ws, count, *args):
    return json.loads(_run(ws, "claims", "add", "--json", "--source", "Levant Observatory", "--count", str(count),
                           "--victims", "civilians", "--where", COAST, "--from", "2025-03-06", "--cumulative",
                           *args).stdout)["id"]


def _best(ws, *args):
    [row] = json.loads(_run(ws, "tolls", "--where", COAST, "--victims", "civilians", "--json", *args).stdout)
    return row["best"]


def _kept(ws):
    """The tolls a workspace keeps (not the relays: see test_questions_inside_a_country_start_from_its_relays)."""
    return sorted(p.with_suffix(".json") for p in (ws / "answers").glob("*.about")
                  if json.loads(p.read_text())["kind"] == "tolls")


def _answered(tmp_path):
    """A workspace with one toll asked once: its home and the answer it kept."""
    ws = tmp_path / "ws"
    _run(ws, "init")
    _add(ws, 1200, "--to", "2025-03-08", "--date", "2025-03-08")
    assert _best(ws) == 1200
    [kept] = _kept(ws)
    return ws, kept


def _tamper(path, best):
    doc = json.loads(path.read_text())
    doc["answer"][0]["best"] = best
    path.write_text(json.dumps(doc))


def test_an_answer_is_read_back_until_the_next_write(tmp_path):
    ws, kept = _answered(tmp_path)
    # the kept answer is what is printed: altered on disk, the alteration shows ...
    _tamper(kept, 999)
    assert _best(ws) == 999
    # ... unless asked afresh, which works the toll out again and keeps that
    assert _best(ws, "--fresh") == 1200
    assert _best(ws) == 1200
    # any write moves the workspace's revision: the old answer is never read again
    _tamper(kept, 999)
    claim = _add(ws, 1383, "--to", "2025-03-09", "--date", "2025-03-09")
    assert _best(ws) == 1383
    _run(ws, "claims", "reject", str(claim), "--why", "a typo of the wire service")
    assert _best(ws) == 1200
    assert len(_kept(ws)) == 1  # each answer replaces the older ones to the same question
    _run(ws, "audit", "verify")


def test_an_unreadable_answer_is_worked_out_again(tmp_path):
    ws, kept = _answered(tmp_path)
    kept.write_text('{"answer": [{"best"')
    assert _best(ws) == 1200
    assert json.loads(kept.read_text())["answer"][0]["best"] == 1200


def test_a_workspace_that_cannot_keep_answers_still_answers(tmp_path):
    ws = tmp_path / "ws"
    _run(ws, "init")
    (ws / "answers").write_text("not a directory")
    _add(ws, 1200, "--to", "2025-03-08", "--date", "2025-03-08")
    assert _best(ws) == 1200
    assert _best(ws) == 1200


def test_kept_tolls_equal_worked_out_tolls(ws):
    """On SQLite and PostgreSQL: a kept answer is the worked-out one, and a write is seen at once."""
    add_manual_claim(ws, count=1200, qualifier="at_least", date_to="2025-03-08", reported_at="2025-03-08", **RUNNING)
    add_manual_claim(ws, count=1383, date_to="2025-03-09", reported_at="2025-03-09", **RUNNING)
    scope = coast_civilians()
    for by in (None, "governorate", "week"):
        fresh = run_tolls(ws, scope, by)
        kept = run_tolls(ws, scope, by, cached=True)
        again = run_tolls(ws, scope, by, cached=True)
        assert [t.to_dict() for t in kept] == [t.to_dict() for t in again] == [t.to_dict() for t in fresh]
        assert [t.summary() for t in again] == [t.summary() for t in fresh]
        assert [Toll.from_dict(t.to_dict()).to_dict() for t in fresh] == [t.to_dict() for t in fresh]
    assert len(list(ws.answers.root.glob("*.json"))) == 3
    assert run_tolls(ws, scope, cached=True)[0].best == 1383
    late = add_manual_claim(ws, count=1500, date_to="2025-03-10", reported_at="2025-03-10", **RUNNING)
    assert run_tolls(ws, scope, cached=True)[0].best == 1500
    reject_claim(ws, late, why="double entry")
    assert run_tolls(ws, scope, cached=True)[0].best == 1383


def test_questions_asked_together_are_answered_as_asked_in_turn(ws):
    """On SQLite and PostgreSQL: one scope's claims loaded once for several groupings, another scope
    beside them, every group reconciled together; each answer is the one asked alone."""
    add_manual_claim(ws, count=1200, qualifier="at_least", date_to="2025-03-08", reported_at="2025-03-08", **RUNNING)
    add_manual_claim(ws, count=1383, date_to="2025-03-09", reported_at="2025-03-09", **RUNNING)
    add_manual_claim(ws, source="Coast Media Centre", count=32, victims="civilians", where=["Homs"],
                     date_from="2025-03-07", date_to="2025-03-07", reported_at="2025-03-07")
    add_manual_claim(ws, source="Coast Media Centre", count=230, victims="security_forces", where=["Latakia"],
                     date_from="2025-03-07", date_to="2025-03-08", reported_at="2025-03-08")
    coast = coast_civilians()
    questions = [(coast, None), (coast, "governorate"), (coast.with_(victims="all"), "victims"),
                 (Scope.build(["Homs"]), "week"), (coast, "source")]
    alone = [[t.to_dict() for t in run_tolls(ws, scope, by)] for scope, by in questions]
    together = run_tolls_many(ws, questions, cached=True)
    assert [[t.to_dict() for t in a.tolls] for a in together] == alone
    assert [(a.scope, a.by) for a in together] == questions
    assert all(a.seconds > 0 and not a.read_back for a in together)
    assert len(list(ws.answers.root.glob("*.json"))) == len(questions)  # each kept
    again = run_tolls_many(ws, questions, cached=True)
    assert [[t.to_dict() for t in a.tolls] for a in again] == alone
    assert all(a.read_back and a.seconds == 0 for a in again)
    assert [t.to_dict() for t in run_tolls(ws, coast, "governorate", cached=True)] == alone[1]


def test_a_question_that_cannot_be_answered_keeps_no_other_from_being_kept_current(ws):
    add_manual_claim(ws, count=1200, date_to="2025-03-08", reported_at="2025-03-08", **RUNNING)
    scope = coast_civilians()
    run_tolls(ws, scope, cached=True)
    # a question that parses but cannot be answered (a grouping this version does not know)
    odd = {"scope": scope.to_dict(), "by": "planet"}
    ws.answers.put(Answers.key("tolls", odd, "0:0"), [], Kept("tolls", odd, "0:0", 5.0))
    run_tolls(ws, scope, "governorate", cached=True)
    add_manual_claim(ws, count=1383, date_to="2025-03-09", reported_at="2025-03-09", **RUNNING)
    report = refresh_answers(ws, over=0)
    assert [q for q, _s in report.refreshed] == [
        "tolls for civilians killed in Lattakia, Tartous, Hama, Homs, since 2025-03-06 by governorate",
        "tolls for civilians killed in Lattakia, Tartous, Hama, Homs, since 2025-03-06"]
    [(what, why)] = report.failed
    assert what.endswith("since 2025-03-06 by planet") and "unknown grouping 'planet'" in why
    assert [t.best for t in run_tolls_many(ws, [(scope, None), (scope, "governorate")], cached=True)[0].tolls] == [1383]


def test_answers_are_pruned_oldest_first(tmp_path):
    answers = Answers(tmp_path / "a", limit=2)
    for i, key in enumerate(("k1", "k2", "k3")):
        assert answers.put(key, [i])
        os.utime(answers.path(key), ns=(i * 10**9, i * 10**9))
    answers.put("k4", [3])
    assert answers.get("k1") is None and answers.get("k2") is None
    assert answers.get("k3") == [2] and answers.get("k4") == [3]
    small = Answers(tmp_path / "b", max_bytes=100)
    for i, key in enumerate(("k1", "k2", "k3")):
        assert small.put(key, ["x" * 40])
        os.utime(small.path(key), ns=(i * 10**9, i * 10**9))
    small.put("k4", ["y"])
    assert [small.get(k) is not None for k in ("k1", "k2", "k3", "k4")] == [False, False, True, True]


def test_the_key_follows_question_revision_and_code(tmp_path):
    key = Answers.key("tolls", {"by": None}, "1:ab")
    assert key == Answers.key("tolls", {"by": None}, "1:ab")
    assert len({key, Answers.key("tolls", {"by": "week"}, "1:ab"), Answers.key("tolls", {"by": None}, "2:cd")}) == 3
    code = tmp_path / "pkg"
    code.mkdir()
    (code / "rules.py").write_text("RATIO = 2\n")
    before = fingerprint(code)
    assert fingerprint(code) == before
    (code / "rules.py").write_text("RATIO = 3.0\n")
    assert fingerprint(code) != before


def _written(ws):
    """The kept answers' files, by name (each question's answer and its ``.about``)."""
    return sorted(p.name for p in (ws / "answers").iterdir())


def test_a_new_answer_replaces_the_older_ones_to_the_same_question(tmp_path):
    answers = Answers(tmp_path / "a")
    old = Answers.key("tolls", {"by": None}, "1:ab")
    other = Answers.key("tolls", {"by": "week"}, "1:ab")
    new = Answers.key("tolls", {"by": None}, "2:cd")
    assert old.split("-")[0] == new.split("-")[0] != other.split("-")[0]  # keys start with the question
    answers.put(old, [1], Kept("tolls", {"by": None}, "1:ab", 2.0))
    answers.put(other, [2], Kept("tolls", {"by": "week"}, "1:ab", 0.1))
    answers.put(new, [3], Kept("tolls", {"by": None}, "2:cd", 1.5))
    assert answers.get(old) is None and answers.get(other) == [2] and answers.get(new) == [3]
    assert sorted(p.name for p in answers.root.iterdir()) == sorted(f"{k}.{x}" for k in (other, new) for x in ("json", "about"))


def test_slow_answers_are_listed_most_recently_answered_first(tmp_path):
    answers = Answers(tmp_path / "a", limit=3)
    for i, (by, seconds) in enumerate((("day", 2.0), ("week", 0.2), ("governorate", 1.0), (None, 3.0))):
        key = Answers.key("tolls", {"by": by}, "1:ab")
        answers.put(key, [i], Kept("tolls", {"by": by}, "1:ab", seconds))
        os.utime(answers.path(key), ns=(i * 10**9, i * 10**9))
    # "day" was pruned (limit 3, oldest first) with its .about; "week" was quick
    assert [k.question["by"] for k in answers.slow(0.5, 8)] == [None, "governorate"]
    assert [k.question["by"] for k in answers.slow(0.5, 1)] == [None]
    assert [k.question["by"] for k in answers.slow(0, 8)] == [None, "governorate", "week"]
    assert not list(answers.root.glob(f"{Answers.key('tolls', {'by': 'day'}, '1:ab')}.*"))
    next(answers.root.glob("*.about")).write_text("{not json")  # unreadable: skipped, never fatal
    assert len(answers.slow(0, 8)) == 2
    assert Answers(tmp_path / "none").slow(0, 8) == []


def test_a_command_that_writes_keeps_slow_answers_current(tmp_path, monkeypatch):
    monkeypatch.setenv("TALLY_ANSWERS_REFRESH_OVER", "0")  # every answer counts as slow here
    ws, kept = _answered(tmp_path)
    r = runner.invoke(app, ["--workspace", str(ws), "claims", "add", "--json", "--source", "Levant Observatory",
                            "--count", "1383", "--victims", "civilians", "--where", COAST, "--from", "2025-03-06",
                            "--cumulative", "--to", "2025-03-09", "--date", "2025-03-09"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert "kept current: tolls for civilians killed in Lattakia, Tartous, Hama, Homs, all dates" in r.stderr
    # the write worked the question out again: one answer, at the new revision, before anyone asks
    [now] = _kept(ws)
    assert now != kept and json.loads(now.read_text())["answer"][0]["best"] == 1383
    _tamper(now, 999)
    assert _best(ws) == 999  # read back, not worked out
    # a command that only reads refreshes nothing, even when a write (here, by the library) moved the revision
    add_manual_claim(open_workspace(ws), source="Levant Observatory", count=1400, victims="civilians",
                     where=COAST.split(","), date_from="2025-03-06", date_to="2025-03-10", cumulative=True,
                     reported_at="2025-03-10")
    before = _written(ws)
    r = _run(ws, "tolls", "--where", "Homs", "--json")
    assert "kept current" not in r.stderr
    assert [n for n in _written(ws) if n in before] == before  # the old answer is still the only one to its question
    assert _best(ws) == 1400


def test_quick_answers_are_left_to_be_worked_out_when_asked(tmp_path, monkeypatch):
    ws, kept = _answered(tmp_path)  # tiny: worked out in far less than the default 0.2 s
    _add(ws, 1383, "--to", "2025-03-09", "--date", "2025-03-09")
    assert _kept(ws) == [kept]  # not refreshed: still the answer of the first revision
    monkeypatch.setenv("TALLY_ANSWERS_REFRESH_OVER", "0")
    monkeypatch.setenv("TALLY_ANSWERS_REFRESH", "false")
    _add(ws, 1390, "--to", "2025-03-10", "--date", "2025-03-10")
    assert _kept(ws) == [kept]  # refreshing turned off
    assert _best(ws) == 1390


def test_refresh_answers_works_out_only_what_is_not_current(ws):
    add_manual_claim(ws, count=1200, date_to="2025-03-08", reported_at="2025-03-08", **RUNNING)
    scope = coast_civilians()
    run_tolls(ws, scope, cached=True)
    run_tolls(ws, scope, "governorate", cached=True)
    assert refresh_answers(ws, over=0).refreshed == []  # both current
    add_manual_claim(ws, count=1383, date_to="2025-03-09", reported_at="2025-03-09", **RUNNING)
    seen = []
    report = refresh_answers(ws, over=0, progress=seen.append)
    assert [q for q, _s in report.refreshed] == seen == [
        "tolls for civilians killed in Lattakia, Tartous, Hama, Homs, since 2025-03-06 by governorate",
        "tolls for civilians killed in Lattakia, Tartous, Hama, Homs, since 2025-03-06"]
    assert "kept current: tolls for civilians" in report.summary()
    assert len(list(ws.answers.root.glob("*.json"))) == 2
    fresh = run_tolls(ws, scope)
    assert [t.to_dict() for t in run_tolls(ws, scope, cached=True)] == [t.to_dict() for t in fresh]
    assert fresh[0].best == 1383
    # at most *limit* questions, the most recently answered first (the coast's, by the refresh above)
    add_manual_claim(ws, count=1400, date_to="2025-03-10", reported_at="2025-03-10", **RUNNING)
    assert refresh_answers(ws, over=0, limit=0).refreshed == []
    assert [q for q, _s in refresh_answers(ws, over=0, limit=1).refreshed] == [
        "tolls for civilians killed in Lattakia, Tartous, Hama, Homs, since 2025-03-06"]
    assert run_tolls(ws, scope, cached=True)[0].best == 1400


def test_a_question_that_cannot_be_worked_out_again_never_fails_the_write(tmp_path, monkeypatch):
    monkeypatch.setenv("TALLY_ANSWERS_REFRESH_OVER", "0")
    ws, kept = _answered(tmp_path)
    # an answer whose question this version cannot ask (here: made by hand, without a scope)
    odd = Answers(ws / "answers")
    key = Answers.key("tolls", {"by": None}, "0:0")
    odd.put(key, [], Kept("tolls", {"by": None}, "0:0", 5.0))
    r = runner.invoke(app, ["--workspace", str(ws), "claims", "add", "--source", "Levant Observatory", "--count", "3",
                            "--where", "Homs", "--from", "2025-03-07", "--to", "2025-03-07", "--incident"],
                      catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert "could not keep current: tolls {'by': None}: 'scope'" in r.stderr
    assert "kept current: tolls for civilians killed in Lattakia" in r.stderr  # the others still are


def test_the_headline_questions_are_each_country_whole_and_grouped():
    syria = Scope.build(["Syria"])
    assert headline_questions(["SY"], ["toll", "governorate"]) == [(syria, None), (syria, "governorate")]
    # a country the gazetteer lacks has no scope to prepare; no groupings, no questions
    assert headline_questions(["ZZ", "SY"], ["week"]) == [(syria, "week")]
    assert headline_questions(["SY"], []) == []


def test_a_write_on_a_large_workspace_prepares_the_headline_questions(tmp_path, monkeypatch):
    """A workspace that keeps its claim rows (here from 1 claim) has its headline tolls worked out by
    every write, asked or not: the first ``tally tolls --where Syria`` reads them back."""
    monkeypatch.setenv("TALLY_ANSWERS_ROWS_OVER", "1")
    ws = tmp_path / "ws"
    _run(ws, "init")
    r = runner.invoke(app, ["--workspace", str(ws), "claims", "add", "--json", "--source", "Levant Observatory",
                            "--count", "1200", "--victims", "civilians", "--where", COAST, "--from", "2025-03-06",
                            "--cumulative", "--to", "2025-03-08", "--date", "2025-03-08"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert "prepared: tolls for all killed in Syria, all dates (" in r.stderr
    assert "prepared: tolls for all killed in Syria, all dates by governorate (" in r.stderr
    assert "prepared: tolls for all killed in Syria, all dates by victims (" in r.stderr
    assert "prepared: tolls for all killed in Syria, all dates by week (" in r.stderr
    assert len(_kept(ws)) == 4
    for path in _kept(ws):  # every row of each, so that what is read back shows
        doc = json.loads(path.read_text())
        for row in doc["answer"]:
            row["best"] = 999
        path.write_text(json.dumps(doc))
    # read back, never worked out: the country's toll, and a governorate as one group of the grouped one
    [row] = json.loads(_run(ws, "tolls", "--where", "Syria", "--json").stdout)
    assert row["best"] == 999
    [homs] = json.loads(_run(ws, "tolls", "--where", "Homs", "--json").stdout)
    assert homs["best"] == 999 and homs["scope"]["where_names"] == ["Homs"]
    [civilians] = json.loads(_run(ws, "tolls", "--where", "Syria", "--victims", "civilians", "--json").stdout)
    assert civilians["best"] == 999 and civilians["scope"]["victims"] == "civilians"
    assert len(_kept(ws)) == 4
    # the next write prepares them again, at its revision, with what the write changed
    _run(ws, "claims", "add", "--source", "Levant Observatory", "--count", "1383", "--victims", "civilians",
         "--where", COAST, "--from", "2025-03-06", "--cumulative", "--to", "2025-03-09", "--date", "2025-03-09")
    [row] = json.loads(_run(ws, "tolls", "--where", "Syria", "--json").stdout)
    assert row["best"] == 1383
    assert [t.to_dict() for t in run_tolls(open_workspace(ws), Scope.build(["Syria"]))] == [row]
    # turned off: nothing prepared (the answers kept before stay, at their revision)
    monkeypatch.setenv("TALLY_ANSWERS_PREPARE", "[]")
    before = _kept(ws)
    r = _run(ws, "claims", "add", "--source", "Rescuers", "--count", "3", "--where", "Homs", "--from", "2025-03-07",
             "--to", "2025-03-07", "--incident")
    assert "prepared:" not in r.stderr, r.stderr
    assert "kept current: the claim rows" in r.stderr and _kept(ws) == before


def test_headline_questions_take_no_place_among_the_slow_answers_refreshed(ws, monkeypatch):
    monkeypatch.setattr(ws.settings, "answers_rows_over", 1)
    add_manual_claim(ws, count=1200, date_to="2025-03-08", reported_at="2025-03-08", **RUNNING)
    syria = Scope.build(["Syria"])
    run_tolls(ws, coast_civilians(), cached=True)
    run_tolls(ws, syria, cached=True)  # asked, and a headline question too
    add_manual_claim(ws, count=1383, date_to="2025-03-09", reported_at="2025-03-09", **RUNNING)
    report = refresh_answers(ws, over=0, limit=1)
    assert [q for q, _s in report.refreshed] == [
        "tolls for civilians killed in Lattakia, Tartous, Hama, Homs, since 2025-03-06"]
    assert [q for q, _s in report.prepared] == ["tolls for all killed in Syria, all dates",
                                                "tolls for all killed in Syria, all dates by governorate",
                                                "tolls for all killed in Syria, all dates by victims",
                                                "tolls for all killed in Syria, all dates by week"]
    assert "prepared: tolls for all killed in Syria, all dates (" in report.summary()
    assert [a.read_back for a in run_tolls_many(ws, [(syria, None), (syria, "governorate"), (syria, "victims"),
                                                     (syria, "week"), (coast_civilians(), None)], cached=True)] == [True] * 5
    assert refresh_answers(ws, over=0).prepared == []  # all current


def test_a_question_one_group_of_a_kept_answer_holds_is_read_from_it(ws):
    """On SQLite and PostgreSQL: once ``Syria by governorate`` (or by district, day, week or victims)
    is kept, each of its groups asked on its own is read from it, and is what working it out gives;
    a source's group is not a scope's toll and is never read so."""
    for source, victims, where, day, count in [
            ("Coast Media Centre", "civilians", ["Homs"], 7, 32), ("Coast Media Centre", "children", ["Homs"], 7, 5),
            ("Levant Observatory", "civilians", ["Homs"], 8, 30), ("Levant Observatory", "fighters", ["Latakia"], 8, 12),
            ("Rescuers", "civilians", ["Hama"], 9, 4), ("Rescuers", "security_forces", ["Latakia"], 12, 7),
            ("Levant Observatory", "civilians", ["Tartus"], 14, 9)]:
        add_manual_claim(ws, source=source, count=count, victims=victims, where=where, date_from=f"2025-03-{day:02}",
                         date_to=f"2025-03-{day:02}", reported_at=f"2025-03-{day + 1:02}")
    add_manual_claim(ws, count=1383, date_to="2025-03-12", reported_at="2025-03-12", **RUNNING)
    syria, coast = Scope.build(["iso:SY"]), coast_civilians()
    asked = [(syria, "governorate"), (Scope.build(["Homs"]), "district"), (coast, "week"),
             (Scope.build(["Latakia", "Homs"], "2025-03-06", "2025-03-12"), "day"), (syria, "victims")]
    read = 0
    for scope, by in asked:
        for toll in run_tolls(ws, scope, by, cached=True):
            sub = Scope.from_dict(toll.to_dict()["scope"])
            [answer] = run_tolls_many(ws, [(sub, None)], cached=True)
            assert answer.read_back, (by, sub.label())
            assert [t.to_dict() for t in answer.tolls] == [t.to_dict() for t in run_tolls(ws, sub)], (by, sub.label())
            read += 1
    assert read > 20
    # by source: each group is the scope's toll from one source's figures, not the scope's toll
    by_source = run_tolls(ws, coast.with_(victims="all"), "source", cached=True)
    assert len(by_source) >= 2
    [whole] = run_tolls_many(ws, [(coast.with_(victims="all"), None)], cached=True)
    assert not whole.read_back and whole.tolls[0].to_dict() == run_tolls(ws, coast.with_(victims="all"))[0].to_dict()


def test_questions_inside_a_country_start_from_its_relays(ws, monkeypatch):
    """On SQLite and PostgreSQL: the claim rows are kept with R2's figures of each country's claims
    (which reports are one figure: tally.reconcile.rules.Relays); a question inside that country
    starts R2 from them and answers as worked out alone, and a question elsewhere does not read
    them. Only questions that load as many claims as a workspace keeps its rows from (here 1) do."""
    monkeypatch.setattr(ws.settings, "answers_rows_over", 1)
    relayed = add_manual_claim(ws, count=1200, qualifier="at_least", date_to="2025-03-08", reported_at="2025-03-08",
                               **RUNNING)
    add_manual_claim(ws, count=1200, qualifier="at_least", date_to="2025-03-08", reported_at="2025-03-09", **RUNNING)
    latest = add_manual_claim(ws, count=1383, date_to="2025-03-09", reported_at="2025-03-09", **RUNNING)
    add_manual_claim(ws, source="Coast TV", count=230, victims="security_forces", where=["Latakia"],
                     date_from="2025-03-06", date_to="2025-03-08", reported_at="2025-03-08")
    add_manual_claim(ws, source="Rescuers", count=3, victims="civilians", where=["Homs"], date_from="2025-03-07",
                     date_to="2025-03-07", reported_at="2025-03-07")
    assert not list(ws.answers.root.glob("*.about"))
    assert keep_rows(ws) == "written"
    [about] = [p for p in ws.answers.root.glob("*.about") if json.loads(p.read_text())["kind"] == "relays"]
    questions = [(coast_civilians(), None), (Scope.build(["Latakia"]), None), (Scope.build(["Syria"], "2025-03-07"), None),
                 (Scope.build(["Syria"], victims="civilians"), "governorate"), (Scope.build(["Homs"], None, "2025-03-08"), "day")]
    for scope, by in questions:
        assert [t.to_dict() for t in run_tolls(ws, scope, by, cached=True)] == [t.to_dict() for t in run_tolls(ws, scope, by)]
    # read back, not worked out: relays that make one figure of the running toll's two figures
    # (1,200 relayed, then 1,383) leave the coast with the first of them
    _merge_figures(about.with_suffix(".json"), relayed, latest)
    _forget_tolls(ws)
    assert run_tolls(ws, coast_civilians())[0].best == 1383
    assert run_tolls(ws, coast_civilians(), cached=True)[0].best == 1200
    _forget_tolls(ws)
    monkeypatch.setattr(ws.settings, "answers_rows_over", 6)  # the coast's 5 claims: too few to read them
    assert run_tolls(ws, coast_civilians(), cached=True)[0].best == 1383
    # a question in no one country starts R2 afresh (the running toll holds the Homs incident)
    everywhere = Scope.build([], victims="civilians")
    assert run_tolls(ws, everywhere, cached=True)[0].best == run_tolls(ws, everywhere)[0].best == 1383


def test_relays_are_kept_with_the_rows_and_hold_as_long_as_they_do(ws, monkeypatch):
    """On SQLite and PostgreSQL: a country's relays are kept with the claim rows (keep_rows: every
    write through tally, or the library on a workspace it built), so the first question about all
    of the country starts R2 from them, and so does the toll a write prepares; a write that changes
    no claim keeps the same relays (the rows are filed again as they are), one that adds a claim
    works them out again, and a country with fewer claims than the rows are kept from has none."""
    monkeypatch.setattr(ws.settings, "answers_rows_over", 1)
    monkeypatch.setattr(ws.settings, "answers_prepare", [])
    relayed = add_manual_claim(ws, count=1200, qualifier="at_least", date_to="2025-03-08", reported_at="2025-03-08",
                               **RUNNING)
    add_manual_claim(ws, count=1200, qualifier="at_least", date_to="2025-03-08", reported_at="2025-03-09", **RUNNING)
    latest = add_manual_claim(ws, count=1383, date_to="2025-03-09", reported_at="2025-03-09", **RUNNING)
    add_manual_claim(ws, source="Coast TV", count=230, victims="security_forces", where=["Latakia"],
                     date_from="2025-03-06", date_to="2025-03-08", reported_at="2025-03-08")
    assert keep_rows(ws) == "written"
    [about] = [json.loads(p.read_text()) for p in ws.answers.root.glob("*.about")]
    assert about["kind"] == "relays" and about["question"]["scope"]["where"] == ["iso:SY"]
    syria = Scope.build(["Syria"])
    for scope, by in [(syria, None), (syria, "victims"), (Scope.build(["Syria"], "2025-03-07"), None)]:
        assert [t.to_dict() for t in run_tolls(ws, scope, by, cached=True)] == [t.to_dict() for t in run_tolls(ws, scope, by)]
    # they are read: relays that make one figure of the running toll's two figures change the toll
    _forget_tolls(ws)
    [path] = [p.with_suffix(".json") for p in ws.answers.root.glob("*.about")]
    _merge_figures(path, relayed, latest)
    assert run_tolls(ws, syria)[0].best == 1383 + 230
    assert run_tolls(ws, syria, cached=True)[0].best == 1200 + 230
    # a write that changes no claim (an estimate): the rows filed again, their relays kept as they are
    _forget_tolls(ws)
    with ws.begin() as conn:
        audit.append(conn, "tester", "estimate", "estimate", [], {})
    assert keep_rows(ws) == "refiled" and path.exists()
    assert run_tolls(ws, syria, cached=True)[0].best == 1200 + 230
    # a claim added: the rows patched, the relays worked out again; the toll a write prepares
    # starts from them (here the tampered ones, put in their place)
    _forget_tolls(ws)
    monkeypatch.setattr(ws.settings, "answers_prepare", ["toll"])
    add_manual_claim(ws, source="Rescuers", count=3, victims="civilians", where=["Homs"], date_from="2025-03-07",
                     date_to="2025-03-07", reported_at="2025-03-07")
    assert keep_rows(ws) == "patched" and not path.exists()
    [path] = [p.with_suffix(".json") for p in ws.answers.root.glob("*.about")]
    assert run_tolls(ws, syria)[0].to_dict() == run_tolls(ws, syria, cached=True)[0].to_dict()
    _forget_tolls(ws)
    _merge_figures(path, relayed, latest)
    done = refresh_answers(ws)
    assert done.rows is not None and [q for q, _s in done.prepared] == ["tolls for all killed in Syria, all dates"]
    assert run_tolls(ws, syria, cached=True)[0].best == 1200 + 230  # (the Homs incident lies in the running toll)
    # fewer claims than the rows are kept from: no relays
    _forget_tolls(ws)
    _forget_tolls(ws, "relays")
    monkeypatch.setattr(ws.settings, "answers_rows_over", 7)
    add_manual_claim(ws, source="Rescuers", count=2, victims="civilians", where=["Homs"], date_from="2025-03-08",
                     date_to="2025-03-08", reported_at="2025-03-08")
    assert keep_rows(ws, over=0) is not None
    assert not list(ws.answers.root.glob("*.about"))


def _merge_figures(path, first_id, second_id) -> None:
    """Tamper with the relays kept in *path*: the figure of claim *second_id* joins that of *first_id*."""
    doc = json.loads(path.read_text())
    relays = doc["answer"]
    figures, at = [], 0
    for size in relays["sizes"]:
        figures.append(list(zip(relays["ids"][at:at + size], relays["reports"][at:at + size], strict=True)))
        at += size
    first = next(f for f in figures if f[0][0] == first_id)  # one claim of two reports (the store groups them)
    second = next(f for f in figures if f[0][0] == second_id)
    figures = [f for f in figures if f is not second]
    first += second
    relays.update(ids=[i for f in figures for i, _n in f], reports=[n for f in figures for _i, n in f],
                  sizes=[len(f) for f in figures])
    path.write_text(json.dumps(doc))


def _forget_tolls(ws, kind: str = "tolls") -> None:
    """Remove the answers of *kind* the workspace keeps."""
    for p in ws.answers.root.glob("*.about"):
        if json.loads(p.read_text())["kind"] == kind:
            p.with_suffix(".json").unlink(missing_ok=True)
            p.unlink()


def test_every_group_is_shaped_as_a_group_of_its_grouping():
    """A question is read from a kept answer only if it has the shape of one of its groups (one day,
    a week, one place of the level), so that answers that cannot hold it are not read: every group
    tally makes has the shape of its grouping, weeks cut by the question's ends included."""
    from tally.pipeline import _shaped_as_group
    from tally.reconcile.scope import default_places
    from tally.reconcile.tolls import group_scopes

    pl = default_places()
    made = 0
    for scope in (Scope.build(["Syria"], "2025-03-04", "2025-03-20"), Scope.build(["Homs"], "2025-03-06", "2025-03-13"),
                  Scope.build(["Latakia", "Homs"], "2025-03-02", "2025-03-31", victims="civilians")):
        for by in ("governorate", "district", "day", "week", "victims"):
            groups = group_scopes(scope, by, [], places=pl)
            assert groups, (scope.label(), by)
            for _key, _name, sub, _source in groups:
                assert _shaped_as_group(sub.to_dict(), by), (by, sub.label())
                made += 1
    assert made > 100
    assert not _shaped_as_group(Scope.build(["Syria"], "2025-03-04", None).to_dict(), "week")
    assert not _shaped_as_group(Scope.build(["Syria"], "2025-03-04", "2025-03-05").to_dict(), "day")
    assert not _shaped_as_group(Scope.build(["Syria"]).to_dict(), "governorate")
    assert not _shaped_as_group(Scope.build(["Homs"]).to_dict(), "district")
