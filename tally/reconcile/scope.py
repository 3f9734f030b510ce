"""Scopes: which places, period, victims and event a figure is about, and how scopes nest.

A :class:`Scope` is a value: admin-area codes (empty = everywhere), a closed date interval (either
end open), a victim category and an event.  Containment follows three hierarchies:

* places — village ⊂ district ⊂ governorate ⊂ country, from the gazetteer (regions such as
  "the coast" are expanded to their member governorates);
* victims — ``all`` = civilians + security_forces + fighters + unknown; civilians ⊃ women,
  children, families (women and children are disjoint; families overlap both);
* events — executed ⊂ killed.

A figure lies *inside* a scope when it is within it on every axis, and *bounds* it when it
contains it on every axis.  Everything else is outside and is not used.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from typing import Any, Final

from tally.core.errors import InputError
from tally.core.gazetteer import LOCALITY_SEP, Area, Gazetteer, locality_code
from tally.core.types import EVENTS

SCOPE_CATEGORIES = ("all", "civilians", "women", "children", "security_forces", "fighters", "unknown")
# Constants the rules read hundreds of thousands of times are Final: compiled (mypyc), they are
# read as C statics, not looked up in the module's dict at each use.
# parent of each category in the lattice (claims' categories included)
_PARENT: Final = {
    "civilians": "all", "security_forces": "all", "fighters": "all", "unknown": "all",
    "women": "civilians", "children": "civilians", "families": "civilians",
}
# a claim's victim category (tally.core.types.VictimCategory) as a lattice node
CLAIM_CATEGORY = {
    "civilians": "civilians", "security_forces": "security_forces", "fighters": "fighters",
    "children": "children", "women": "women", "families": "families", "people": "all", "other": "unknown",
}
# what the categories split into (``--by victims``)
CATEGORY_PARTS = {"all": ("civilians", "security_forces", "fighters", "unknown"), "civilians": ("women", "children")}
_EVENT_PARENT: Final = {"executed": "killed"}


def _above(category: str) -> frozenset[str]:
    """The categories strictly above *category* in the lattice."""
    out = []
    parent = _PARENT.get(category)
    while parent is not None:
        out.append(parent)
        parent = _PARENT.get(parent)
    return frozenset(out)


_ABOVE: Final = {c: _above(c) for c in _PARENT}  # each category's ancestors, worked out once


def category_within(inner: str, outer: str) -> bool:
    """True if every victim of category *inner* is of category *outer*."""
    # called for every claim and pair of figures: one look-up, so that compiled rules call it
    # natively (a functools.cache wrapper is a Python call)
    if inner == outer:
        return True
    above = _ABOVE.get(inner)
    return above is not None and outer in above


def category_overlap(a: str, b: str) -> bool:
    """True if some victim can be counted in both categories."""
    if category_within(a, b) or category_within(b, a):
        return True
    return "families" in (a, b) and category_within(a, "civilians") and category_within(b, "civilians")


def category_rank(cat: str) -> int:
    """How broad a category is: 2 for all, 1 for civilians, 0 for a leaf."""
    return _RANK.get(cat, 0)


_RANK: Final = {"all": 2, "civilians": 1}


def event_within(inner: str, outer: str) -> bool:
    """True if an event of kind *inner* is also of kind *outer* (executed ⊂ killed)."""
    return inner == outer or _EVENT_PARENT.get(inner) == outer


class Cells:
    """Where the rules' overlap index files and seeks a figure of some areas (:meth:`Places.cells`)."""

    def __init__(self, no: int, anchors: tuple[str, ...], areas: tuple[str, ...], filed: tuple[str, ...],
                 above: tuple[str, ...]) -> None:
        self.no = no  # numbered by the Places that made it, from 0: indexes keep what they work out of it in lists
        self.anchors = anchors  # the governorates the areas lie in
        self.areas = areas
        self.filed = filed  # every area they lie in below the country (the governorates first), themselves included
        self.above = above  # the areas strictly above them there


_LEVEL_WEIGHT: Final = {0: 10**5, 1: 10**3, 2: 10, 3: 1}


class Places:
    """Area hierarchy queries with caches; the in-depth gazetteer first, the world one on a miss.

    Loading the world gazetteer (pycountry, GeoNames) takes over a second; most scopes and claims
    use only in-depth codes (OCHA P-codes), so it is loaded only when a code or name needs it.
    """

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self._light = gazetteer or _light_gazetteer()
        self._full: Gazetteer | None = gazetteer
        self._anc: dict[str, frozenset[str]] = {}
        self._canon: dict[str, tuple[str, ...]] = {}
        self._within: dict[tuple[str, ...], dict[tuple[str, ...], bool]] = {}  # by outer, then inner
        self._overlap: dict[tuple[tuple[str, ...], tuple[str, ...]], bool] = {}
        self._anchor: dict[tuple[str, ...], tuple[str, ...] | None] = {}
        self._weight: dict[tuple[str, ...], int] = {}
        self._cells: dict[tuple[str, ...], Cells | None] = {}
        self._cells_made = 0
        self._made: dict[str, Area] = {}  # unlisted localities met so far
        self._written: dict[str, str] = {}  # ... and their names as reports write them
        self.met_localities = False  # an unlisted locality's code has been read (its name may be wanted)

    def _area(self, code: str) -> Area | None:
        area = self._light.areas.get(code)
        if area is None and LOCALITY_SEP in code:
            return self._locality(code)
        if area is None and self._full is None and re.fullmatch(r"iso:[A-Z]{2}", code):
            return _country(code)
        if area is None:
            if self._full is None:
                self._full = Gazetteer.default()
            area = self._full.areas.get(code)
        return area

    def name_localities(self, names: dict[str, str]) -> None:
        """Display names of unlisted localities, by code (canonical or bare), as reports write them."""
        for code, name in names.items():
            for c in self.canonical(code):
                self._written[c] = name
                if c in self._made:
                    self._made[c] = replace(self._made[c], name=name)

    def _locality(self, code: str) -> Area | None:
        """An unlisted locality (``<parent>/<key>``, :data:`tally.core.gazetteer.LOCALITY_SEP`) as an area under its parent."""
        got = self._made.get(code)
        if got is None:
            parent, _, key = code.rpartition(LOCALITY_SEP)
            up = self._area(parent)
            if up is None or not key:
                return None
            name = self._written.get(code) or " ".join(w[:1].upper() + w[1:] for w in key.split("-"))
            got = self._made[code] = Area(code=code, kind="locality", name=name, country=up.country, parent=up.code)
        return got

    def meets_localities(self, area_sets: Iterable[tuple[str, ...]]) -> bool:
        """True if an unlisted locality's code has been read, or is among *area_sets* (claims' areas
        worked out before, as the workspace's kept rows carry them, so never read here): its name
        may be wanted (:meth:`name_localities`)."""
        if not self.met_localities:
            distinct = {id(areas): areas for areas in area_sets}  # claims share their area tuples
            self.met_localities = any(LOCALITY_SEP in code for areas in distinct.values() for code in areas)
        return self.met_localities

    @property
    def gazetteer(self) -> Gazetteer:
        """The gazetteer used for names (the light one unless a miss loaded the world)."""
        return self._full or self._light

    def canonical(self, code: str) -> tuple[str, ...]:
        """Canonical codes for *code*: alternate codes mapped, regions expanded, bare P-codes qualified."""
        if code in self._canon:
            return self._canon[code]
        c = code.strip()
        parent, sep, key = c.rpartition(LOCALITY_SEP)
        if sep and parent and key:  # an unlisted locality under its (canonical) parent
            self.met_localities = True
            up = self.canonical(parent)
            out: tuple[str, ...] = (f"{up[0]}{LOCALITY_SEP}{key}",) if len(up) == 1 else up
            self._canon[code] = out
            return out
        if ":" not in c and c[:2].isalpha() and c[2:].isdigit():
            c = f"ocha:{c}"
        elif ":" not in c and len(c) == 2:
            c = f"iso:{c.upper()}"
        elif ":" not in c and "-" in c:
            c = f"iso:{c.upper()}"
        area = self._area(c)
        if area is None:
            out = (c,)
        elif area.members:
            out = tuple(m for member in area.members for m in self.canonical(member))
        else:
            out = (area.code,)
        self._canon[code] = out
        return out

    def ancestors(self, code: str) -> frozenset[str]:
        """*code* and every area above it."""
        got = self._anc.get(code)
        if got is None:
            area = self._area(code)
            gaz = self._light if area is not None and code in self._light.areas else self.gazetteer
            chain = gaz.ancestors(area) if area is not None else [code]
            top = self._area(chain[-1])
            if top is not None and top.parent and top.parent not in chain:
                chain.append(top.parent)  # the light gazetteer stops below the country
            got = frozenset(chain)
            self._anc[code] = got
        return got

    def within(self, inner: tuple[str, ...], outer: tuple[str, ...]) -> bool:
        """Every area of *inner* lies in some area of *outer* (empty *outer* = everywhere)."""
        if not outer or inner == outer:
            return True
        if not inner:
            return False
        # by outer, then inner: two look-ups of tuples the callers hold, no pair made per call (the
        # rules ask this a few hundred thousand times on a national question)
        known = self._within.get(outer)
        if known is None:
            known = self._within[outer] = {}
        got = known.get(inner)
        if got is None:
            got = known[inner] = all(any(o in self.ancestors(i) for o in outer) for i in inner)
        return got

    def overlap(self, a: tuple[str, ...], b: tuple[str, ...]) -> bool:
        """Some area of *a* and some area of *b* share ground (unknown places overlap everything)."""
        if not a or not b or a == b:
            return True
        got = self._overlap.get((a, b))
        if got is None:
            got = self._overlap[(a, b)] = any(x in self.ancestors(y) or y in self.ancestors(x) for x in a for y in b)
        return got

    def anchor(self, areas: tuple[str, ...]) -> tuple[str, ...] | None:
        """The governorates *areas* lie in (sorted), or None for unplaced or country-wide areas."""
        got = self._anchor.get(areas, False)
        if got is False:
            out: set[str] | None = set()
            for a in areas:
                if self.level(a) == 0:
                    out = None
                    break
                out.add(self.admin1(a) or a)  # type: ignore[union-attr]
            got = self._anchor[areas] = tuple(sorted(out)) if out else None
        return got  # type: ignore[return-value]

    def cells(self, areas: tuple[str, ...]) -> Cells | None:
        """Where the overlap index of the rules files and seeks a figure with these *areas*: None for
        unplaced or country-wide areas (:meth:`anchor`), else the governorates, the areas, every area
        they lie in below the country (governorates first) and the areas strictly above them there.

        Two sets of areas overlap only if an area of one lies in or above an area of the other
        (:meth:`overlap`): a figure filed under every area it lies in, and under its own areas
        apart, is found by any figure that seeks under its own areas and, apart, under those
        strictly above them, and by no figure elsewhere in the same governorate.
        """
        got = self._cells.get(areas, False)
        if got is False:
            anchors = self.anchor(areas)
            if anchors is None:
                got = None
            else:
                filed: dict[str, None] = dict.fromkeys(anchors)
                above: dict[str, None] = {}
                for x in areas:
                    for a in sorted(self.ancestors(x)):
                        if a != x and self.level(a) != 0:
                            filed[a] = None
                            above[a] = None
                    filed[x] = None
                got = Cells(self._cells_made, anchors, areas, tuple(filed), tuple(above))
                self._cells_made += 1
            self._cells[areas] = got
        return got  # type: ignore[return-value]

    def weight(self, areas: tuple[str, ...]) -> int:
        """Rough size of a set of areas for ordering (a country outweighs a governorate, …)."""
        if not areas:
            return 0  # an unknown place must not outrank a known extent that may contain it
        got = self._weight.get(areas)
        if got is None:
            got = 0
            for code in areas:
                area = self._area(code)
                got += _LEVEL_WEIGHT[area.level] if area is not None else 1
            self._weight[areas] = got
        return got

    def name(self, code: str) -> str:
        """Display name of an area code (the code itself if unknown)."""
        area = self._area(code)
        return area.name if area is not None else code

    def level(self, code: str) -> int:
        """0 country, 1 governorate, 2 district, 3 locality (3 if unknown)."""
        area = self._area(code)
        return area.level if area is not None else 3

    def admin1(self, code: str) -> str | None:
        """The governorate (first-level area) containing *code*."""
        area = self._area(code)
        if area is None or area.level == 0:
            return None  # a country lies in no governorate
        top = self.gazetteer.admin1(area) if code not in self._light.areas else self._light.admin1(area)
        return top.code if top is not None else None

    def district(self, code: str) -> str | None:
        """The district (second-level area) containing *code*."""
        for c in self.ancestors(code):
            if self.level(c) == 2:
                return c
        return None

    def children(self, code: str, kind: str) -> list[str]:
        """Codes of areas of *kind* directly under *code*."""
        gaz = self._light if code in self._light.areas else self.gazetteer
        return [a.code for a in gaz.children(code, kind)]

    def resolve(self, text: str) -> tuple[str, ...]:
        """Codes for a place as a user writes it: a code (``ocha:SY06``), a name ("Latakia", "the coast"),
        or a village the gazetteer lacks under its area, as reports name it ("Raqqa/Tell al-Gharbi")."""
        t = text.strip()
        parent, sep, village = t.rpartition(LOCALITY_SEP)
        if sep and parent.strip() and village.strip() and ":" not in village:
            up = self.resolve(parent)
            if len(up) != 1:
                raise InputError(f"{parent.strip()!r} is several areas: name the one {village.strip()!r} lies in")
            known = self._light.resolve(village.strip(), fuzzy=False)
            if known is not None and up[0] in self.ancestors(known.area.code):
                return self.canonical(known.area.code)  # "Raqqa/Tell Abiad": a district the gazetteer lists
            if known is not None and known.area.level <= 1:
                kind = {"admin1": "province", "country": "country"}.get(known.area.kind, "region")
                raise InputError(f"{village.strip()!r} is a {kind} of its own, not a village of "
                                 f"{parent.strip()!r}: separate places with a comma")
            code = locality_code(up[0], village.strip())
            if code not in self._written:
                self.name_localities({code: village.strip()})
            return (code,)
        if ":" in t or (t[:2].isalpha() and t[2:].isdigit() and len(t) in (4, 6)):
            codes = self.canonical(t)
            if self._area(codes[0]) is not None:
                return codes
            raise InputError(f"unknown area code {t!r}")
        m0 = self._light.resolve(t, fuzzy=False) or self._light.resolve(f"the {t}", fuzzy=False)
        if m0 is not None:
            return self.canonical(m0.area.code)
        try:
            import pycountry

            return (f"iso:{pycountry.countries.lookup(t).alpha_2}",)
        except LookupError:
            pass
        for gaz in (self._light, None):
            g = gaz or Gazetteer.default()
            # A slip of spelling is forgiven among the deployment's own areas ("Latakya"), never across
            # the world's towns, where a near name is another place ("Narnia" would be Narita, Japan).
            m = g.resolve(t, fuzzy=gaz is not None) or g.resolve(f"the {t}", fuzzy=False)
            if m is not None:
                if gaz is None:
                    self._full = g
                return self.canonical(m.area.code)
        near = Gazetteer.default().resolve(t)
        hint = f" (the nearest known name is {near.area.name}, {near.area.country})" if near is not None else ""
        raise InputError(f"unknown place {t!r}{hint}; give an area code such as ocha:SY06, a known name, or a "
                         f"village under its area such as Raqqa/{t}")


@functools.lru_cache(maxsize=256)
def _country(code: str) -> Area:
    import pycountry

    c = pycountry.countries.get(alpha_2=code[4:])
    name = getattr(c, "common_name", "") or getattr(c, "name", code) if c is not None else code
    return Area(code=code, kind="country", name=name, country=code[4:])


@functools.lru_cache(maxsize=1)
def _light_gazetteer() -> Gazetteer:
    return Gazetteer.load(world=False)


@functools.lru_cache(maxsize=1)
def default_places() -> Places:
    """A shared :class:`Places` over the bundled gazetteer."""
    return Places()


@dataclass(frozen=True)
class Scope:
    """What a toll is about: places (area codes, empty = everywhere), period, victims, event."""

    places: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    victims: str = "all"
    event: str = "killed"
    names: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        if self.victims not in SCOPE_CATEGORIES:
            raise InputError(f"unknown victim category {self.victims!r}; use one of {', '.join(SCOPE_CATEGORIES)}")
        if self.event not in EVENTS:
            raise InputError(f"unknown event {self.event!r}; use one of {', '.join(EVENTS)}")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise InputError(f"--from {self.date_from} is after --to {self.date_to}")

    def __reduce__(self) -> tuple[type[Scope], tuple[Any, ...]]:
        # Pickled through its constructor (forked workers send tolls back): compiled, a frozen
        # dataclass cannot have its fields set one by one as pickle otherwise does.
        return (Scope, tuple(getattr(self, f.name) for f in fields(self)))

    @classmethod
    def build(cls, where: list[str] | tuple[str, ...] = (), date_from: dt.date | str | None = None,
              date_to: dt.date | str | None = None, victims: str = "all", event: str = "killed",
              places: Places | None = None) -> Scope:
        """A scope from what a user types: place names or codes (comma-separated allowed), ISO dates."""
        pl = places or default_places()
        codes: list[str] = []
        for item in where:
            for part in str(item).split(","):
                if part.strip():
                    codes.extend(c for c in pl.resolve(part) if c not in codes)
        return cls(places=tuple(codes), date_from=_date(date_from), date_to=_date(date_to), victims=victims,
                   event=event, names=tuple(pl.name(c) for c in codes))

    def with_(self, **changes: Any) -> Scope:
        """A copy with some fields changed (names follow places unless given)."""
        if "places" in changes and "names" not in changes:
            changes["names"] = tuple(default_places().name(c) for c in changes["places"])
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """The ``scope`` object of the toll JSON."""
        names = list(self.names) if len(self.names) == len(self.places) else [default_places().name(c) for c in self.places]
        return {"where": list(self.places), "where_names": names,
                "from": self.date_from.isoformat() if self.date_from else None,
                "to": self.date_to.isoformat() if self.date_to else None,
                "victims": self.victims, "event": self.event}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Scope:
        """The scope of a toll JSON's ``scope`` object (:meth:`to_dict`)."""
        return cls(places=tuple(d.get("where") or ()), date_from=_date(d.get("from")), date_to=_date(d.get("to")),
                   victims=d.get("victims") or "all", event=d.get("event") or "killed",
                   names=tuple(d.get("where_names") or ()))

    def record_filter(self) -> dict[str, Any]:
        """Plain filters on victim records for this scope (read by the store's documented count)."""
        pl = default_places()
        govs = [c for c in self.places if pl.level(c) == 1]
        dists = [c for c in self.places if pl.level(c) == 2]
        finer = [c for c in self.places if pl.level(c) >= 3]
        dists += [d for d in (pl.district(c) for c in finer) if d and d not in dists]
        # a village in no known district (one the gazetteer lacks, coded under its governorate): records,
        # coded to districts at best, cannot say who died there
        unmatched = [pl.name(c) for c in finer if pl.district(c) is None]
        countries = [c.split(":", 1)[1] for c in self.places if pl.level(c) == 0 and c.startswith("iso:")]
        statuses = {"civilians": ["civilian"], "women": ["civilian", "unknown"], "children": ["civilian", "unknown"],
                    "security_forces": ["security_forces"], "fighters": ["fighter"], "unknown": ["unknown"]}
        return {"governorates": govs, "districts": dists, "countries": countries,
                "approximate_places": len(unmatched) < len(finer), "unmatched_places": unmatched,
                "date_from": self.date_from, "date_to": self.date_to,
                "statuses": statuses.get(self.victims), "sex": "female" if self.victims == "women" else None,
                "adult": True if self.victims == "women" else None,
                "child": True if self.victims == "children" else None, "event": self.event}

    def label(self) -> str:
        """Short human description."""
        where = f"in {', '.join(self.names or self.places)}" if self.places else "everywhere"
        if self.date_from is None and self.date_to is None:
            period = "all dates"
        elif self.date_to is None:
            period = f"since {self.date_from}"
        elif self.date_from is None:
            period = f"until {self.date_to}"
        else:
            period = f"{self.date_from} to {self.date_to}"
        return f"{self.victims} {self.event} {where}, {period}"


def _date(value: dt.date | str | None) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InputError(f"cannot read date {value!r}; write it as YYYY-MM-DD") from None


def claim_filter(scope: Scope, places: Places | None = None) -> dict[str, Any]:
    """Loose pre-filter arguments for ``tally.store.claims.load_claims``: whatever may lie inside or bound *scope*."""
    pl = places or default_places()
    events = {scope.event} | {e for e, p in _EVENT_PARENT.items() if p == scope.event} | (
        {_EVENT_PARENT[scope.event]} if scope.event in _EVENT_PARENT else set())
    victims = [c for c, node in CLAIM_CATEGORY.items()
               if category_within(node, scope.victims) or category_within(scope.victims, node)]
    prefixes: list[str] = []
    exact: list[str] = []
    for code in scope.places:
        area = pl._area(code)
        prefixes.append(code)
        if area is not None and area.level == 0:
            # a country: its governorates' codes do not start with the country's code
            for top in pl.children(code, "admin1"):
                prefixes.append(top)
                top_area = pl._area(top)
                prefixes.extend(top_area.alt_codes if top_area else ())
            if code.startswith("iso:"):
                prefixes.append(f"ocha:{code[4:]}")
        if area is not None:
            prefixes.extend(area.alt_codes)
            exact.extend(a for a in pl.ancestors(code) if a != code)
            # named regions of the same country that contain this area or lie in it
            regions = [r for r in pl.gazetteer.areas.values() if r.members and r.country == area.country]
            exact.extend(r.code for r in regions if any(m in pl.ancestors(code) for m in r.members))
            exact.extend(r.code for r in regions if any(code in pl.ancestors(m) for m in r.members)
                         and r.code not in exact)
    # claims may carry codes without their scheme ("SY06", "SY-LA"): match those too
    prefixes += [p.split(":", 1)[1] for p in prefixes if ":" in p and p.split(":", 1)[1] not in prefixes]
    exact += [p.split(":", 1)[1] for p in exact if p.startswith("iso:") and p.split(":", 1)[1] not in exact]
    return {"events": sorted(events), "victims": sorted(victims), "date_from": scope.date_from,
            "date_to": scope.date_to, "area_prefixes": prefixes, "area_exact": exact}
