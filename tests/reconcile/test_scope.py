"""Scopes: the category lattice, the place hierarchy, user-typed scopes and claim relations."""

from __future__ import annotations

import pytest
from reconcile_helpers import COAST, D, row

from tally.core.errors import InputError
from tally.reconcile.rules import relation
from tally.reconcile.scope import (
    Places,
    Scope,
    category_overlap,
    category_within,
    claim_filter,
    default_places,
)


def test_category_lattice_nests_civilians_in_all():
    assert category_within("children", "civilians") and category_within("children", "all")
    assert category_within("security_forces", "all") and not category_within("security_forces", "civilians")
    assert not category_within("civilians", "children")


def test_category_overlap_keeps_women_and_children_apart_but_not_families():
    assert not category_overlap("women", "children")
    assert category_overlap("families", "children")
    assert not category_overlap("civilians", "fighters")
    assert category_overlap("all", "fighters")


def test_places_district_lies_in_governorate_and_country():
    pl = default_places()
    assert pl.within(("ocha:SY0602",), ("ocha:SY06",))
    assert pl.within(("ocha:SY0602",), ("iso:SY",))
    assert not pl.within(("ocha:SY06",), ("ocha:SY0602",))
    assert pl.overlap(("ocha:SY06",), ("ocha:SY0602",)) and not pl.overlap(("ocha:SY06",), ("ocha:SY10",))


def test_a_country_lies_in_no_governorate_before_the_world_gazetteer_is_loaded():
    pl = Places()  # as in a fresh process: only the light gazetteer, the country made up from its ISO code
    assert pl.admin1("iso:SY") is None and pl.anchor(("iso:SY",)) is None
    assert pl.admin1("ocha:SY0602") == "ocha:SY06"


def test_places_canonical_maps_iso_codes_and_expands_regions():
    pl = Places()
    assert pl.canonical("iso:SY-LA") == ("ocha:SY06",)
    assert pl.canonical("SY06") == ("ocha:SY06",)
    assert pl.canonical("region:SY-COAST") == ("ocha:SY06", "ocha:SY10")


def test_scope_build_resolves_names_and_commas():
    s = Scope.build(["Latakia,Tartus", "Hama", "Homs"], "2025-03-06", None, victims="civilians")
    assert s.places == COAST
    assert s.to_dict() == {"where": list(COAST), "where_names": ["Lattakia", "Tartous", "Hama", "Homs"],
                           "from": "2025-03-06", "to": None, "victims": "civilians", "event": "killed"}


def test_scope_build_rejects_unknown_place_and_bad_dates():
    with pytest.raises(InputError):
        Scope.build(["Nowhereville Qqq"])
    with pytest.raises(InputError):
        Scope.build([], "6 March")
    with pytest.raises(InputError):
        Scope(victims="dogs")


def test_a_near_name_is_forgiven_among_the_deployments_areas_only():
    assert Scope.build(["Latakya"]).places == ("ocha:SY06",)  # a slip of spelling of a governorate
    assert Scope.build(["Beirut"]).names == ("Bayrūt",)  # a town of the world, named exactly
    # near a town of the world is another place: refused, with the nearest name to check
    with pytest.raises(InputError, match=r"unknown place 'Narnia' \(the nearest known name is Narita, JP\)"):
        Scope.build(["Narnia"])


def test_relation_inside_bounds_outside():
    pl = default_places()
    scope = Scope(places=("ocha:SY06",), date_from=D(2025, 3, 6), victims="civilians")
    village_day = row("A", 10, areas=("ocha:SY0602",), cumulative=False, date_from=D(2025, 3, 7), reported=D(2025, 3, 7))
    national = row("A", 5000, areas=("iso:SY",), victims="all", date_from=D(2025, 3, 1), reported=D(2025, 4, 1))
    fighters = row("A", 10, areas=("ocha:SY06",), victims="fighters")
    before = row("A", 10, areas=("ocha:SY06",), cumulative=False, date_from=D(2025, 3, 1), reported=D(2025, 3, 1))
    assert relation(village_day, scope, pl) == "inside"
    assert relation(national, scope, pl) == "bounds"
    assert relation(fighters, scope, pl) == "outside"
    assert relation(before, scope, pl) == "outside"


def test_claim_filter_reaches_districts_and_bounding_areas():
    f = claim_filter(Scope(places=("ocha:SY06",), victims="civilians"))
    assert "ocha:SY06" in f["area_prefixes"] and "iso:SY-LA" in f["area_prefixes"]
    assert "iso:SY" in f["area_exact"] and "region:SY-COAST" in f["area_exact"]
    assert set(f["victims"]) == {"civilians", "children", "women", "families", "people"}
    assert f["events"] == ["executed", "killed"]


def test_relation_unplaced_claim_neither_inside_nor_bounds_a_placed_scope():
    pl = default_places()
    unplaced = row("A", 6, areas=(), cumulative=False, date_from=D(2025, 3, 7), reported=D(2025, 3, 7))
    assert relation(unplaced, Scope(places=("ocha:SY06",)), pl) == "outside"
    assert relation(unplaced, Scope(), pl) == "inside"


def test_scope_label_reads_as_a_phrase():
    assert Scope.build([]).label() == "all killed everywhere, all dates"
    assert Scope.build(["Homs"], "2025-03-06", victims="civilians").label() == "civilians killed in Homs, since 2025-03-06"
    assert Scope.build(["Homs"], None, "2025-03-09").label() == "all killed in Homs, until 2025-03-09"
    assert Scope.build(["Homs"], "2025-03-06", "2025-03-09").label() == "all killed in Homs, 2025-03-06 to 2025-03-09"
