"""Answers kept in a workspace: read back until anything they were worked out from changes."""

from __future__ import annotations

import json
import os

from typer.testing import CliRunner

from tally.cli import app
from tally.pipeline import add_manual_claim, reject_claim, run_tolls
from tally.reconcile.scope import Scope
from tally.reconcile.tolls import Toll
from tally.store.answers import Answers, fingerprint

runner = CliRunner()
COAST = "Latakia,Tartus,Hama,Homs"


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
    return sorted((ws / "answers").glob("*.json"))


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
    assert len(_kept(ws)) == 3  # one per revision asked
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
    first = dict(source="Levant Observatory", victims="civilians", where=COAST.split(","), date_from="2025-03-06",
                 cumulative=True)
    add_manual_claim(ws, count=1200, qualifier="at_least", date_to="2025-03-08", reported_at="2025-03-08", **first)
    add_manual_claim(ws, count=1383, date_to="2025-03-09", reported_at="2025-03-09", **first)
    scope = Scope.build(COAST.split(","), "2025-03-06", None, victims="civilians")
    for by in (None, "governorate", "week"):
        fresh = run_tolls(ws, scope, by)
        kept = run_tolls(ws, scope, by, cached=True)
        again = run_tolls(ws, scope, by, cached=True)
        assert [t.to_dict() for t in kept] == [t.to_dict() for t in again] == [t.to_dict() for t in fresh]
        assert [t.summary() for t in again] == [t.summary() for t in fresh]
        assert [Toll.from_dict(t.to_dict()).to_dict() for t in fresh] == [t.to_dict() for t in fresh]
    assert len(list(ws.answers.root.glob("*.json"))) == 3
    assert run_tolls(ws, scope, cached=True)[0].best == 1383
    late = add_manual_claim(ws, count=1500, date_to="2025-03-10", reported_at="2025-03-10", **first)
    assert run_tolls(ws, scope, cached=True)[0].best == 1500
    reject_claim(ws, late, why="double entry")
    assert run_tolls(ws, scope, cached=True)[0].best == 1383


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
