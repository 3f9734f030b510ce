from __future__ import annotations

import pytest

from tally.core.gazetteer import Gazetteer, normalise_place


@pytest.fixture(scope="module")
def g() -> Gazetteer:
    return Gazetteer.default()


@pytest.mark.parametrize(
    "written, code",
    [
        ("Tartos", "ocha:SY10"), ("Tartus", "ocha:SY10"), ("طرطوس", "ocha:SY10"),
        ("Lattakia", "ocha:SY06"), ("Latakia", "ocha:SY06"), ("اللاذقية", "ocha:SY06"), ("Al-Ladhiqiyah", "ocha:SY06"),
        ("Hims", "ocha:SY04"), ("Homs", "ocha:SY04"), ("Idleb", "ocha:SY07"), ("Deir al-Zour", "ocha:SY09"),
        ("Suwayda", "ocha:SY13"), ("Dar'a", "ocha:SY12"), ("Hauran", "ocha:SY12"), ("Jableh", "ocha:SY0602"),
        ("Lattakiya", "ocha:SY06"), ("Hamah", "ocha:SY05"),
    ],
)
def test_gazetteer_resolves_spellings_scripts_and_misspellings(g, written, code):
    m = g.resolve(written)
    assert m is not None and m.area.code == code


def test_gazetteer_has_all_syrian_governorates_and_districts(g):
    admin1 = g.children("iso:SY", kind="admin1")
    assert len(admin1) == 14
    districts = [a for a in g.areas.values() if a.kind == "admin2" and a.code.startswith("ocha:SY")]
    assert len({a.code for a in districts}) == 62
    assert all(a.iso3166_2 and a.iso3166_2.startswith("SY-") for a in admin1)


def test_gazetteer_codes_are_scheme_qualified_and_distinguish_geonames(g):
    # GeoNames' SY.01 is Al-Hasakah, OCHA's SY01 is Damascus.
    assert g.get("ocha:SY01").name == "Damascus"
    assert g.get("geonames:SY.01").name.startswith("Al-Hasak")
    assert g.get("iso:SY-LA").code == "ocha:SY06"


def test_gazetteer_district_resolves_within_parent(g):
    assert g.resolve("Hama").area.kind == "admin1"
    assert g.resolve("Hama", kind="admin2").area.code == "ocha:SY0501"
    assert g.admin1(g.get("ocha:SY0602")).code == "ocha:SY06"


def test_gazetteer_world_subdivisions_and_towns(g):
    assert g.resolve("Kharkiv").area.country == "UA"
    assert g.resolve("Ukraine").area.code == "iso:UA"
    # a Syrian town is placed in its governorate
    town = g.resolve("Zakiyah", country="SY")
    assert town is not None and g.admin1(town.area) is not None


def test_gazetteer_find_mentions_in_running_text(g):
    text = ("At least 870 civilians were killed in the provinces of Idlib, Hama and Lattakia, "
            "in a village near Jableh and in Tartos, according to the Syrian Network. The coastal region mourns.")
    found = [(m.text, m.area.code) for m in g.find_mentions(text)]
    assert ("Idlib", "ocha:SY07") in found and ("Hama", "ocha:SY05") in found
    assert ("Lattakia", "ocha:SY06") in found and ("Jableh", "ocha:SY0602") in found
    assert ("Tartos", "ocha:SY10") in found
    assert any(code == "region:SY-COAST" for _, code in found)
    for m in g.find_mentions(text):
        assert text[m.start:m.end] == m.text


def test_gazetteer_user_file_adds_a_country(tmp_path):
    f = tmp_path / "gaz.csv"
    f.write_text("code,level,parent,name_en,name_ar,iso3166_2,geonames,variants,members\n"
                 "ocha:SD01,1,iso:SD,Khartoum,الخرطوم,SD-KH,,Khartum;Kartoum,\n"
                 "ocha:SD0101,2,ocha:SD01,Omdurman,أم درمان,,,Umm Durman,\n", encoding="utf-8")
    g = Gazetteer.load([f], world=False)
    assert g.resolve("Kartoum").area.code == "ocha:SD01"
    assert g.resolve("Umm Durman").area.code == "ocha:SD0101"
    assert g.admin1(g.resolve("Omdurman").area).iso3166_2 == "SD-KH"


def test_gazetteer_bad_user_file_names_row_and_column(tmp_path):
    from tally.core.errors import GazetteerError

    f = tmp_path / "bad.csv"
    f.write_text("code,level,name_en\nSD01,1,Khartoum\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match=r"row 2, column 'code'"):
        Gazetteer.load([f], world=False)


def test_normalise_place_folds_articles_and_arabic_forms():
    assert normalise_place("Al-Ḥasakah") == normalise_place("al hasakah") == "hasakah"
    assert normalise_place("إدلب") == normalise_place("ادلب")


@pytest.mark.parametrize(("written", "iso"), [
    ("Kharkiv region", "UA-63"), ("Donetsk Oblast", "UA-14"), ("North Kivu", "CD-NK"), ("North Darfur", "SD-DN"),
    ("Gezira", "SD-GZ"), ("Rakhine State", "MM-16"), ("Bekaa valley", "LB-BI"), ("Khan Younis", "PS-KYS"),
])
def test_gazetteer_english_news_spellings_reach_iso_subdivisions(g, written, iso):
    m = g.resolve(written)
    assert m is not None and (g.admin1(m.area) or m.area).iso3166_2 == iso


@pytest.mark.parametrize(("town", "iso"), [("Kramatorsk", "UA-14"), ("Goma", "CD-NK"), ("Omdurman", "SD-KH"),
                                           ("Lashio", "MM-17"), ("Bakhmut", "UA-14"), ("El Fasher", "SD-DN")])
def test_gazetteer_towns_of_other_countries_map_to_their_province(g, town, iso):
    m = g.resolve(town)
    assert m is not None and g.admin1(m.area).iso3166_2 == iso


def test_gazetteer_named_regions_outside_syria_expand_to_members(g):
    strip = g.resolve("the Gaza Strip").area
    assert {a.iso3166_2 for a in g.expand(strip)} == {"PS-NGZ", "PS-GZA", "PS-DEB", "PS-KYS", "PS-RFH"}
    assert {a.iso3166_2 for a in g.expand(g.resolve("Darfur").area)} == {"SD-DN", "SD-DS", "SD-DW", "SD-DC", "SD-DE"}


def test_gazetteer_fuzzy_running_text_word_searched_only_near_in_depth_areas(g):
    """A misspelt governorate is found; a word no in-depth admin area is near (a surname) is not
    searched among every name, and find_mentions finds the same as a full fuzzy resolve would give it."""
    assert g._fuzzy_word("Tartos", None).area.code == g.resolve("Tartos").area.code
    assert g._fuzzy_word("Syniehubov", None) is None
    assert [m.text for m in g.find_mentions("Shelling hit Tartos and Lattakia, said Oleh Syniehubov.")] == ["Tartos", "Lattakia"]
