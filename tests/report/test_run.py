"""``tally run`` / ``run_all``: each stage reruns only when its inputs changed; a failing stage is named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tally import pipeline
from tally.cli import app


@pytest.fixture(autouse=True)
def short_chains(monkeypatch: pytest.MonkeyPatch) -> None:
    """Short LCMCR chains: these lists are too few to estimate from anyway."""
    monkeypatch.setitem(pipeline.ESTIMATE_OPTIONS, "lcmcr", {"burnin": 300, "samples": 200, "thinning": 2, "chains": 2})


def _status(report: pipeline.RunReport) -> dict[str, str]:
    return {s.stage: s.status for s in report.steps}


def _step(report: pipeline.RunReport, stage: str) -> pipeline.StepOutcome:
    return next(s for s in report.steps if s.stage == stage)


def test_run_all_redoes_only_what_changed(tmp_path: Path, list_writer) -> None:
    write_list = list_writer
    lists = tmp_path / "in"
    lists.mkdir()
    write_list(lists / "a.csv", 30, 1)
    ws = pipeline.init_workspace(tmp_path / "ws", actor="test")

    first = pipeline.run_all(ws, [lists])
    # one list is too few to estimate from: the estimate step fails and says why; the rest runs
    assert _status(first) == {"ingest": "ran", "extract": "ran", "link": "ran", "estimate": "failed",
                              "reconcile": "ran"}
    assert "+30 victim records" in first.changes and "new link run #1" in first.changes
    assert _step(first, "extract").summary == "extracted 0 claims from 0 articles"
    assert _step(first, "link").summary.startswith("run #1: ")
    assert "lcmcr needs at least 3 lists" in _step(first, "estimate").summary
    head = pipeline.compute_tolls(ws)[0]
    assert _step(first, "reconcile").summary == f"no reported figure, documented {head['documented']}, grade {head['grade']}"

    again = pipeline.run_all(ws, [lists])  # the same file: nothing new
    assert _status(again) == {"ingest": "ran", "extract": "skipped", "link": "skipped", "estimate": "failed",
                              "reconcile": "skipped"}
    assert again.changes == ["nothing changed"]

    write_list(lists / "b.csv", 10, 2)  # a new list: linkage (and what follows) runs again
    third = pipeline.run_all(ws, [lists])
    assert third.ingest is not None and third.ingest.count("added") == 1 and third.ingest.count("unchanged") == 1
    assert _status(third)["extract"] == "skipped"  # no new article
    assert _status(third)["link"] == "ran" and _step(third, "link").summary.startswith("run #2: ")
    assert _status(third)["reconcile"] == "ran"
    assert "+10 victim records" in third.changes and "new link run #2" in third.changes
    ws.close()


def test_run_cli_prints_stages_json(tmp_path: Path, list_writer) -> None:
    write_list = list_writer
    lists = tmp_path / "in"
    lists.mkdir()
    write_list(lists / "a.csv", 5, 3)
    res = CliRunner().invoke(app, ["--workspace", str(tmp_path / "ws"), "run", str(lists), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert [s["stage"] for s in out["steps"]] == ["ingest", "extract", "link", "estimate", "reconcile"]
    assert out["ingest"]["records"] == 5
    assert {s["stage"]: s["status"] for s in out["steps"]} == {
        "ingest": "ran", "extract": "ran", "link": "ran", "estimate": "failed", "reconcile": "ran"}


def test_report_cli_writes_html(ws, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    res = CliRunner().invoke(app, ["--workspace", str(ws.home), "report", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "report written to" in res.output and out.read_text(encoding="utf-8").startswith("<!doctype html>")
