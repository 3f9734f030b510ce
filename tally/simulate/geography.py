"""The country as the simulator sees it: governorates, districts and villages with their spellings.

Areas and P-codes come from :class:`~tally.core.gazetteer.Gazetteer` (its bundled in-depth files); the spelling variants of
each area come from the bundled in-depth gazetteer file and are sorted into writing habits, so
that each organisation writes "Latakia", "Lattaquié", "Al-Ladhiqiyah" or "اللاذقية" as its
people would.  Villages are made up from common Syrian toponym parts (Kafr, Tell, Ain ...).
"""

from __future__ import annotations

import csv
import functools
import unicodedata
from dataclasses import dataclass

import numpy as np

from tally.core.errors import InputError
from tally.core.gazetteer import DATA_DIR, Gazetteer
from tally.simulate.names import VILLAGE_HEAD_PARTS, VILLAGE_STEM_PARTS, is_arabic

# Rough relative intensity of violence by governorate (the seed perturbs it).
_INTENSITY = {"SY07": 3.0, "SY02": 2.5, "SY05": 1.6, "SY03": 1.5, "SY12": 1.2, "SY09": 1.2, "SY04": 1.0,
              "SY06": 1.0, "SY10": 0.6, "SY11": 0.8, "SY08": 0.8, "SY13": 0.7, "SY14": 0.3, "SY01": 0.4}
# Which neighbour people flee to from each governorate.
BORDERS = {"SY07": ("TR",), "SY02": ("TR",), "SY06": ("TR",), "SY11": ("TR",), "SY08": ("TR", "IQ"),
           "SY09": ("IQ",), "SY04": ("LB",), "SY03": ("LB",), "SY10": ("LB",), "SY12": ("JO",),
           "SY13": ("JO",), "SY14": ("JO",)}
COUNTRY_NAMES = {"TR": "Turkey", "LB": "Lebanon", "JO": "Jordan", "IQ": "Iraq"}
VILLAGES_PER_DISTRICT = 12
_FRENCH = ("é", "è", "ï", "Alep", "Damas", "ou")
HABIT_ORDER = ("arabic", "english", "french", "scholarly")


@dataclass(frozen=True)
class Area:
    """A governorate or district: P-code (no scheme), names and spellings per habit."""

    pcode: str
    name: str
    name_ar: str
    iso: str | None
    parent: int  # index of the governorate (-1 for governorates)
    spellings: dict[str, tuple[str, ...]]  # habit -> spellings, usual first


@dataclass(frozen=True)
class Geography:
    """Governorates, districts and villages of one country, as arrays the simulator indexes."""

    country: str
    governorates: list[Area]
    districts: list[Area]
    gov_weight: np.ndarray  # base intensity per governorate
    village_district: np.ndarray  # district index per village
    village_head: np.ndarray  # head-part index (-1: the district seat itself)
    village_stem: np.ndarray

    def village_name(self, v: int, habit: str) -> str:
        """Village *v* in *habit* (usual spelling)."""
        if self.village_head[v] < 0:
            d = self.districts[self.village_district[v]]
            return d.name_ar.removeprefix("مركز ") if habit == "arabic" else d.spellings[habit][0]
        h, s = self.village_head[v], self.village_stem[v]
        if habit == "arabic":
            return f"{VILLAGE_HEAD_PARTS.arabic[h]} {VILLAGE_STEM_PARTS.arabic[s]}"
        return f"{VILLAGE_HEAD_PARTS.latin[habit][h, 0]} {VILLAGE_STEM_PARTS.latin[habit][s, 0]}"

    def village_names(self, habit: str) -> np.ndarray:
        """Every village in *habit*, as an object array indexed by village."""
        return np.array([self.village_name(v, habit) for v in range(len(self.village_district))], dtype=object)


def _fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def _habits(name_en: str, name_ar: str, variants: list[str], *, district: bool = False) -> dict[str, tuple[str, ...]]:
    latin = [v for v in variants if v and not is_arabic(v) and not v.startswith("(")]
    french = [v for v in latin if any(m in v for m in _FRENCH)]
    scholarly = [v for v in latin if v != _fold(v)] + [_fold(v) for v in latin if v != _fold(v)]
    english = [name_en] + [v for v in latin if v.isascii() and v not in french and v != name_en]
    # "مدينة دمشق" (Damascus city) is written plain "دمشق" for the governorate, in full for the district
    arabic = [name_ar if district else name_ar.removeprefix("مدينة ")] + [v for v in variants if is_arabic(v) and v != name_ar]
    out = {"arabic": arabic, "english": english, "french": french or english, "scholarly": scholarly or english[1:2] or english}
    return {h: tuple(dict.fromkeys(v)) for h, v in out.items()}


@functools.lru_cache(maxsize=1)
def _bundled() -> Gazetteer:
    """The bundled in-depth files only: the simulator needs no world towns (saves seconds)."""
    return Gazetteer.load(world=False)


def load_geography(country: str, rng: np.random.Generator) -> Geography:
    """Governorates and districts of *country* from the gazetteer, with made-up villages per district."""
    path = DATA_DIR / f"gazetteer_{country.upper()}.csv"
    gaz = _bundled()
    admin1 = gaz.children(f"iso:{country.upper()}", kind="admin1")
    admin1 = [a for a in admin1 if a.code.startswith("ocha:")]
    if not path.exists() or not admin1:
        raise InputError(f"cannot simulate {country!r}: no in-depth gazetteer file with OCHA P-codes")
    with path.open(encoding="utf-8") as f:
        variants = {r["code"]: [v.strip() for v in (r.get("variants") or "").split(";") if v.strip()]
                    for r in csv.DictReader(f)}
    govs, dists = [], []
    for gi, a in enumerate(admin1):
        govs.append(Area(a.code.removeprefix("ocha:"), a.name, a.name_ar or a.name, a.iso3166_2, -1,
                         _habits(a.name, a.name_ar or a.name, variants.get(a.code, []))))
        for d in gaz.children(a.code, kind="admin2"):
            dists.append(Area(d.code.removeprefix("ocha:"), d.name, d.name_ar or d.name, a.iso3166_2, gi,
                              _habits(d.name, d.name_ar or d.name, variants.get(d.code, []), district=True)))
    weight = np.array([_INTENSITY.get(g.pcode, 1.0) for g in govs]) * rng.gamma(4.0, 0.25, len(govs))
    nd = len(dists)
    vd = np.repeat(np.arange(nd), VILLAGES_PER_DISTRICT + 1)
    head = rng.integers(0, len(VILLAGE_HEAD_PARTS), len(vd))
    head[:: VILLAGES_PER_DISTRICT + 1] = -1  # the first place of each district is its seat
    stem = rng.integers(0, len(VILLAGE_STEM_PARTS), len(vd))
    return Geography(country.upper(), govs, dists, weight / weight.sum(), vd, head, stem)
