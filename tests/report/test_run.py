"""``tally run`` / ``run_all``: each stage reruns only when its inputs changed; missing stages are named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tally import pipeline
from tally.cli import app


@pytest.fixture()
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []

    def fake_link(ws: object) -> tuple[int, None]:
        seen.append("link")
        return 7, None

    monkeypatch.setattr(pipeline, "run_link", fake_link)
    monkeypatch.delattr(pipeline, "run_extract", raising=False)
    monkeypatch.delattr(pipeline, "run_estimate", raising=False)
    return seen


def _status(report: pipeline.RunReport) -> dict[str, str]:
    return {s.stage: s.status for s in report.steps}


def test_run_all_redoes_only_what_changed(tmp_path: Path, calls: list[str], list_writer) -> None:
    write_list = list_writer
    lists = tmp_path / "in"
    lists.mkdir()
    write_list(lists / "a.csv", 30, 1)
    ws = pipeline.init_workspace(tmp_path / "ws", actor="test")

    first = pipeline.run_all(ws, [lists])
    assert _status(first) == {"ingest": "ran", "extract": "missing", "link": "ran", "estimate": "missing",
                              "reconcile": "ran" if pipeline.stage_function("reconcile") else "missing"}
    assert calls == ["link"] and "+30 victim records" in first.changes
    assert next(s for s in first.steps if s.stage == "link").summary == "run #7"

    again = pipeline.run_all(ws, [lists])  # the same file: nothing new
    assert _status(again)["link"] == "skipped" and calls == ["link"]
    assert again.changes == ["nothing changed"]
    if pipeline.stage_function("reconcile"):
        assert _status(again)["reconcile"] == "skipped"

    write_list(lists / "b.csv", 10, 2)  # a new list: linkage (and what follows) runs again
    third = pipeline.run_all(ws, [lists])
    assert third.ingest is not None and third.ingest.count("added") == 1 and third.ingest.count("unchanged") == 1
    assert _status(third)["link"] == "ran" and calls == ["link", "link"]
    assert "+10 victim records" in third.changes
    ws.close()


def test_run_cli_prints_stages_json(tmp_path: Path, calls: list[str], list_writer) -> None:
    write_list = list_writer
    lists = tmp_path / "in"
    lists.mkdir()
    write_list(lists / "a.csv", 5, 3)
    res = CliRunner().invoke(app, ["--workspace", str(tmp_path / "ws"), "run", str(lists), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert [s["stage"] for s in out["steps"]] == ["ingest", "extract", "link", "estimate", "reconcile"]
    assert out["ingest"]["records"] == 5
    assert next(s for s in out["steps"] if s["stage"] == "extract")["status"] == "missing"


def test_report_cli_writes_html(ws, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    res = CliRunner().invoke(app, ["--workspace", str(ws.home), "report", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "report written to" in res.output and out.read_text(encoding="utf-8").startswith("<!doctype html>")
