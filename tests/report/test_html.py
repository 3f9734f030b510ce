"""The HTML report: its numbers equal the reconciliation's and the stored estimates', and it is self-contained."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tally import pipeline
from tally.store import reporting


def figures(html: str) -> dict[str, float]:
    """The headline numbers as the report marks them (data-figure / data-value)."""
    return {m[0]: json.loads(m[1]) for m in re.findall(r'data-figure="([^"]+)" data-value="([^"]+)"', html)}


def test_report_headline_equals_tolls_json(ws, tmp_path: Path) -> None:
    out = pipeline.run_report(ws, tmp_path / "r.html")
    html = out.read_text(encoding="utf-8")
    tolls = json.loads(json.dumps(pipeline.compute_tolls(ws), default=str))  # what `tally tolls --json` prints
    head = tolls[0]
    got = figures(html)
    assert got["documented"] == head["documented"]
    assert got["reported_low"] == head["reported_low"]
    assert got["reported_high"] == head["reported_high"]
    assert got["reported_best"] == head["best"]
    assert got["estimate"] == head["estimated"]["estimate"]
    assert got["estimate_lower"] == head["estimated"]["lower"]
    assert got["estimate_upper"] == head["estimated"]["upper"]
    assert "1,612<" in html and "1,612.4" not in html and "1,200" in html and "1,450" in html
    assert head["grade"] in re.findall(r'class="grade"[^>]*>([^<]+)<', html)
    for s in head["sources"]:  # every reported figure links to its claim, and the claim is inside the report
        assert f'href="#claim-{s["claim_id"]}"' in html
        assert f'id="claim-{s["claim_id"]}"' in html
    assert "quote number 1: the toll rose" in html


def test_report_estimates_equal_stored_estimates(ws, tmp_path: Path) -> None:
    html = pipeline.run_report(ws, tmp_path / "r.html").read_text(encoding="utf-8")
    with ws.connect() as conn:
        stored = reporting.list_estimates(conn)
    assert len(stored) == 2
    for e in stored:
        row = re.search(rf'<tr id="estimate-{e["id"]}">(.*?)</tr>', html, re.S)
        assert row, e["id"]
        values = [json.loads(v) for v in re.findall(r'data-value="([^"]+)"', row.group(1))]
        r = e["result"]
        assert values == [r["observed"], r["estimate"], r["lower"], r["upper"]]
        assert ", ".join(r["lists"]) in html
    assert 'data-chart="forest"' in html
    assert "few overlaps between lists" in html


def test_report_documented_counts_equal_store_aggregates(ws, tmp_path: Path) -> None:
    html = pipeline.run_report(ws, tmp_path / "r.html").read_text(encoding="utf-8")
    with ws.connect() as conn:
        by_gov = dict(reporting.counts_by(conn, "governorate_code"))
        total = reporting.documented_summary(conn)["count"]
    assert sum(by_gov.values()) == total == 100
    for code, n in by_gov.items():
        row = re.search(rf'<tr id="place-{code}"[^>]*>(.*?)</tr>', html, re.S)
        assert row and f'data-value="{n}"' in row.group(1)
        assert f'data-code="{code}" data-count="{n}"' in html  # the map's circle
    assert 'href="#claim-1"' in re.search(r'<tr id="place-ocha:SY07"[^>]*>(.*?)</tr>', html, re.S).group(1)


def test_report_is_self_contained(ws, tmp_path: Path) -> None:
    html = pipeline.run_report(ws, tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<script" not in html and "<link" not in html and "@import" not in html
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert html.count('<svg class="chart"') == 3 and '<svg class="map"' in html
    assert "@media print" in html


def test_report_scope_keeps_only_that_area(ws, tmp_path: Path) -> None:
    html = pipeline.run_report(ws, tmp_path / "r.html", scope="ocha:SY07").read_text(encoding="utf-8")
    with ws.connect() as conn:
        n = reporting.documented_summary(conn, "ocha:SY07")["count"]
    assert "Scope: <strong>Idleb</strong>" in html
    assert 'id="place-ocha:SY02"' not in html
    assert re.search(rf'<tr id="place-ocha:SY07"[^>]*>.*?data-value="{n}"', html, re.S)

