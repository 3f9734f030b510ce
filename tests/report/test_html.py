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



def test_a_protected_claim_counts_but_its_words_are_not_published(tmp_path: Path) -> None:
    """A witness's account (a protected article) is counted, but neither the report nor the claims export
    prints its sentence, title or address; a public article's are printed as before."""
    import json

    pub, prot = tmp_path / "wire.md", tmp_path / "testimony.md"
    pub.write_text("---\nsource: Coastal Wire\npublished: 2025-03-09\nurl: https://example.org/wire\n---\n"
                   "At least 20 civilians were killed in Jableh on Friday, the wire said.\n", encoding="utf-8")
    prot.write_text("---\ntitle: Account of a nurse\nsource: Field team\npublished: 2025-03-10\n"
                    "url: https://example.org/internal/7\nsensitivity: protected\n---\n"
                    "The nurse at the Baniyas hospital said 14 civilians were killed in Baniyas on Friday.\n",
                    encoding="utf-8")
    ws = pipeline.init_workspace(tmp_path / "ws", actor="test")
    pipeline.run_ingest(ws, [pub, prot], country="SY")
    pipeline.run_extract(ws)
    html = pipeline.run_report(ws, tmp_path / "r.html").read_text(encoding="utf-8")
    assert "At least 20 civilians were killed in Jableh" in html and "https://example.org/wire" in html
    assert "nurse" not in html and "example.org/internal" not in html and "sentence and document withheld (protected)" in html
    assert pipeline.compute_tolls(ws)[0]["best"] == 34  # both count
    pipeline.export(ws, "claims", "json", tmp_path / "c.json")
    rows = {r["source"]: r for r in map(json.loads, (tmp_path / "c.json").read_text(encoding="utf-8").splitlines())}
    assert rows["Field team"]["notes"] == rows["Field team"]["url"] == "withheld (protected)"
    assert rows["Field team"]["sensitivity"] == "protected" and rows["Field team"]["best"] == 14
    assert rows["Coastal Wire"]["notes"].startswith("At least 20 civilians") and rows["Coastal Wire"]["sensitivity"] == "public"
