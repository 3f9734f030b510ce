"""Render a :class:`~tally.report.model.ReportData` to one self-contained HTML file.

Inline CSS, inline SVG charts and map, no script and nothing fetched: the file reads offline and
prints.  The renderer formats and lays out; it computes no figure of its own.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from tally import __version__
from tally.core.errors import ReportError
from tally.core.flags import summarise_flags
from tally.core.quantities import format_count
from tally.report import charts, geo
from tally.report.exports import publishable
from tally.report.model import EstimateRow, ReportData

TEMPLATES = Path(__file__).parent / "templates"
BREAKDOWN_TITLES = {"status": "Victim category", "sex": "Sex", "age_group": "Age group"}


fmt = format_count  # the templates' number filter


def _jsonnum(value: Any) -> str:
    return json.dumps(value)


def _tojson_plain(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.ChainableUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters.update(fmt=fmt, jsonnum=_jsonnum, tojson_plain=_tojson_plain, publishable=publishable,
                       summarise_flags=summarise_flags)
    return env


def _overall(estimates: list[EstimateRow]) -> EstimateRow | None:
    return next((e for e in estimates if not e.stratum), None)


def _map(data: ReportData) -> str:
    items = []
    for p in data.places:
        if p.level != 1 or not p.code or not p.count:
            continue
        point = (geo.Point(p.code, p.name, p.lat, p.lon, p.point or p.name) if p.lat is not None and p.lon is not None
                 else geo.locate(p.code, p.name, _country(p.code)))
        if point is not None:
            items.append((geo.Point(point.code, p.name, point.lat, point.lon, point.label, point.side), p.count,
                          f"#place-{p.code}"))
    frame = geo.frame_for([p for p, _, _ in items])
    return geo.map_svg(items, title=f"Documented deaths by area, {data.scope_name}", frame=frame)


def _country(code: str) -> str | None:
    body = code.split(":", 1)[-1]
    return body[:2] if len(body) >= 2 and body[:2].isalpha() else None


def _forest(estimates: list[EstimateRow]) -> str:
    # With strata, the combined total (many times larger) would squash them: it is in the table.
    if any(e.stratum for e in estimates):
        estimates = [e for e in estimates if e.stratum]
    rows = [(e.label, e.result["estimate"], e.result["lower"], e.result["upper"], e.result["observed"])
            for e in estimates if e.result.get("estimate") is not None and e.result.get("lower") is not None
            and e.result.get("upper") is not None]
    if not rows:
        return ""
    levels = {e.result.get("level") for e in estimates}
    return charts.forest(rows, levels.pop() if len(levels) == 1 else None)


def render(data: ReportData) -> str:
    """The report as one HTML string."""
    try:
        css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
        breakdowns = {BREAKDOWN_TITLES.get(k, k): v for k, v in data.breakdowns.items()}
        timeline = charts.timeline(data.daily, data.list_running, data.claimed_running, data.documented["unit"]) \
            if (data.daily or data.list_running or data.claimed_running) else ""
        categories = charts.bars(breakdowns, "categories", "Documented deaths by category, sex and age group") \
            if any(breakdowns.values()) else ""
        view = ReportData(**{**data.__dict__, "breakdowns": breakdowns})
        return _env().get_template("report.html").render(
            d=view, version=__version__, css=css, overall=_overall(data.estimates),
            timeline_svg=timeline, map_svg=_map(data), map_attribution=geo.ATTRIBUTION,
            categories_svg=categories, forest_svg=_forest(data.estimates),
        )
    except jinja2.TemplateError as exc:
        raise ReportError(f"cannot render the report: {exc}") from exc


def write_report(data: ReportData, out: Path) -> Path:
    """Render *data* and write it to *out* (parent folders created); returns the path."""
    text = render(data)
    out = Path(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(out)
    except OSError as exc:
        raise ReportError(f"cannot write {out}: {exc}") from exc
    return out
