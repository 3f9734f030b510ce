"""The report against the CLI: its headline equals ``tally tolls --json``, its estimates
``tally estimate --json``, its places table ``tally tolls --by governorate --json``."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from tally import pipeline
from tally.cli import app


def _figures(html: str) -> dict[str, float]:
    return {m[0]: json.loads(m[1]) for m in re.findall(r'data-figure="([^"]+)" data-value="([^"]+)"', html)}


def test_report_headline_equals_tally_tolls_json(ws, tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["--workspace", str(ws.home), "tolls", "--json"])
    assert res.exit_code == 0, res.output
    head = json.loads(res.stdout)[0]
    assert head == json.loads(json.dumps(pipeline.compute_tolls(ws)[0], default=str))
    html = pipeline.run_report(ws, tmp_path / "r.html").read_text(encoding="utf-8")
    got = _figures(html)
    assert got["documented"] == head["documented"]
    assert head["reported_low"] is not None and head["estimated"]  # the workspace's claims and estimates reach it
    assert (got["reported_low"], got["reported_high"], got["reported_best"]) == (
        head["reported_low"], head["reported_high"], head["best"])
    assert (got["estimate"], got["estimate_lower"], got["estimate_upper"]) == (
        head["estimated"]["estimate"], head["estimated"]["lower"], head["estimated"]["upper"])
    for w in head["estimated"]["warnings"]:  # the stored estimate's warnings, shown with it
        assert w in html
    assert f'>{head["grade"]}<' in html
    for s in head["sources"]:
        assert f'id="claim-{s["claim_id"]}"' in html


def test_report_estimates_equal_tally_estimate_json(ws_linked, tmp_path: Path) -> None:
    ws = ws_linked
    res = CliRunner().invoke(app, ["--workspace", str(ws.home), "estimate", "--by", "governorate", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    html = pipeline.run_report(ws, tmp_path / "r.html").read_text(encoding="utf-8")
    rows = re.findall(r'<tr id="estimate-\d+">(.*?)</tr>', html, re.S)
    assert len(rows) == len(out["strata"]) + 1  # the newest run only: each stratum and the total
    shown = [[json.loads(v) for v in re.findall(r'data-value="([^"]+)"', r)] for r in rows]
    expected = [[r["observed"], r["estimate"], r["lower"], r["upper"]] for r in [*out["strata"].values(), out["total"]]]
    assert sorted(map(json.dumps, shown)) == sorted(map(json.dumps, expected))


def test_place_table_matches_tolls_by_governorate(ws, tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["--workspace", str(ws.home), "tolls", "--by", "governorate", "--json"])
    assert res.exit_code == 0, res.output
    tolls = [t for t in json.loads(res.stdout) if t["group"]]
    assert tolls
    html = pipeline.run_report(ws, tmp_path / "r.html").read_text(encoding="utf-8")
    for t in tolls:
        row = re.search(rf'<tr id="place-{re.escape(t["group"])}"[^>]*>(.*?)</tr>', html, re.S)
        assert row, t["group"]
        values = [json.loads(v) for v in re.findall(r'data-value="([^"]+)"', row.group(1))]
        assert values[0] == t["documented"]  # the store's aggregate equals the reconciliation's count
        assert values[1] == t["reported_low"] and f'>{t["grade"]}<' in row.group(1)
