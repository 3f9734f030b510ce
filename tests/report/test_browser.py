"""The report in real headless Chromium (Debian's package, driven by Playwright): no console errors,
charts and map drawn, headline numbers equal the reconciliation's.  The screenshot goes to the
test's temporary folder, never into the checkout; ``TALLY_REPORT_SCREENSHOT=path.png`` keeps a copy
(that is how ``bench/report.png`` is made)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tally import pipeline

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")]


def test_report_renders_in_chromium_without_errors(ws, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    out = pipeline.run_report(ws, tmp_path / "report.html")
    head = json.loads(json.dumps(pipeline.compute_tolls(ws), default=str))[0]
    errors: list[str] = []
    requests: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS,
                                    ignore_default_args=["--enable-automation"])
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 1400})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(out.resolve().as_uri(), wait_until="load")
            # Every chart and the map is drawn with a real size and real marks.
            for sel in ('svg[data-chart="timeline"]', 'svg[data-chart="categories"]', 'svg[data-chart="forest"]',
                        "svg.map"):
                box = page.locator(sel).bounding_box()
                assert box and box["width"] > 200 and box["height"] > 100, sel
            assert page.locator('svg[data-chart="timeline"] path').count() > 10
            assert page.locator("svg.map a.dot circle").count() == 4
            def shown(key: str) -> object:
                return json.loads(page.locator(f'[data-figure="{key}"]').first.get_attribute("data-value") or "null")

            assert shown("documented") == head["documented"]
            assert (shown("reported_low"), shown("reported_high"), shown("reported_best")) == (
                head["reported_low"], head["reported_high"], head["best"])
            assert (shown("estimate"), shown("estimate_lower"), shown("estimate_upper")) == (
                head["estimated"]["estimate"], head["estimated"]["lower"], head["estimated"]["upper"])
            assert page.locator('[data-figure="documented"]').first.inner_text() == f'{head["documented"]:,}'
            # A provenance link lands on its claim.
            page.locator('#card-reported a[href="#claim-1"]').click()
            assert page.evaluate("location.hash") == "#claim-1"
            page.evaluate("window.scrollTo(0, 0)")
            shot = tmp_path / "report.png"
            page.screenshot(path=str(shot), full_page=False)
            assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
            if os.environ.get("TALLY_REPORT_SCREENSHOT"):
                shutil.copyfile(shot, os.environ["TALLY_REPORT_SCREENSHOT"])
            pdf = page.pdf() if hasattr(page, "pdf") else b""
            assert pdf[:4] == b"%PDF"  # it prints
        finally:
            browser.close()
    assert errors == []
    assert all(u.startswith(("file:", "data:", "about:")) for u in requests), requests
