"""Map points: bundled governorate capitals for Syria, GeoNames cities elsewhere, nothing fetched."""

from __future__ import annotations

from tally.report import geo


def test_locate_syrian_governorate_at_its_capital() -> None:
    p = geo.locate("ocha:SY07", "Idleb", "SY")
    assert p is not None and p.label == "Idlib" and abs(p.lat - 35.93) < 0.01 and abs(p.lon - 36.63) < 0.01


def test_locate_other_country_falls_back_to_geonames_city() -> None:
    p = geo.locate("iso:IQ-BG", "Baghdad", "IQ")
    assert p is not None and 33 < p.lat < 34 and 44 < p.lon < 45
    assert geo.locate("iso:XX-00", "Nowhere at all", "XX") is None


def test_map_svg_draws_one_linked_circle_per_area_and_frames_syria() -> None:
    items = [(geo.locate("ocha:SY02", "Aleppo", "SY"), 120, "#place-ocha:SY02"),
             (geo.locate("ocha:SY12", "Dar'a", "SY"), 30, "#place-ocha:SY12")]
    svg = geo.map_svg(items, title="t", frame=geo.frame_for([p for p, _, _ in items]))  # type: ignore[misc]
    assert svg.count('<a href="#place-') == 2 and svg.count('class="empty"') == 12
    assert 'data-count="120"' in svg and "Dar&#x27;a 30" in svg and "http" not in svg.replace("http://www.w3.org", "")
