"""Name normaliser: Arabic script and Latin transliterations into one Latin key space.

``normalise_name(text)`` splits a victim's name into *units* (a compound such as عبد الرحمن /
Abdul Rahman is one unit), gives each unit a canonical Latin key, and assigns the units to name
parts: given name, father (nasab), grandfather, family name and kunya (Abu/Umm X).

Keys are made so that spellings of one name meet:

- Arabic: diacritics and tatweel stripped; alef forms, alef maqsura and ta marbuta folded; the
  attached article and the ``عبد ال…`` compound split.
- Latin: case, diacritics, apostrophes/ayn marks and hyphens; the articles al-/el-/ad-/ar-/as-/
  ash-/ul-… (also attached: Alkhatib); ou→u, ee→i, French ch→sh and c→s/k, doubled letters and
  a final -ah/-eh/-a; Abdul/Abdel/Abd al- compounds; bin/bint/ibn.
- Both scripts meet through a table of attested spellings (``data/name_spellings.csv``, with a
  few additions in ``data/name_spellings_extra.csv``): a unit's key is the folded form of the
  most frequent Latin spelling of its Arabic form, so محمد, Mohammed and Muhammad all become
  ``muhamad``.  Units missing from the table fall back on rules.

``skeleton(key)`` is a coarser consonant key for the comparison level below exact agreement.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

__all__ = ["NameParts", "fold_arabic", "fold_latin", "normalise_name", "skeleton"]

# --- Arabic -------------------------------------------------------------------------------

_AR_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_INVISIBLE = re.compile("[\u200b-\u200f\u061c\ufeff\u202a-\u202e\u2066-\u2069]")
_AR_FOLD = str.maketrans(
    {
        "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي",
        "ء": None, "ـ": None, "ک": "ك", "ی": "ي", "ہ": "ه", "ڤ": "ف", "پ": "ب", "چ": "ج",
        "گ": "ك",
    }
)
_AR_LETTER = re.compile("[\u0620-\u064a\u066e-\u06d3\u06fa-\u06ff\u0750-\u077f]")
# Names that begin with ال without it being the article.
_AR_NOT_ARTICLE = frozenset({"الياس", "اليسع", "الهام", "الفت", "الله"})
_AR_ROMAN = {
    "ا": "a", "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d",
    "ذ": "dh", "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t",
    "ظ": "z", "ع": "", "غ": "gh", "ف": "f", "ق": "q", "ك": "k", "ل": "l", "م": "m",
    "ن": "n", "ه": "h", "و": "w", "ي": "y",
}
_AR_KUNYA = frozenset({"ابو", "ابي", "ابا", "ام"})
_AR_NASAB = frozenset({"بن", "ابن", "بنت"})
_AR_SUFFIX = frozenset({"الدين", "الله"})


def fold_arabic(text: str) -> str:
    """Strip diacritics, tatweel and invisible marks and fold letter variants of Arabic text."""
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    text = _AR_DIACRITICS.sub("", text)
    return text.translate(_AR_FOLD)


def _ar_strip_article(unit: str) -> tuple[str, bool]:
    if unit.startswith("ال") and len(unit) >= 4 and unit not in _AR_NOT_ARTICLE:
        return unit[2:], True
    return unit, False


@lru_cache(maxsize=200_000)
def _ar_unit_key(unit: str) -> str:
    """Unit of folded Arabic (no spaces) -> table key (article stripped, compounds joined)."""
    unit = unit.replace(" ", "")
    if unit.startswith("عبدال") and len(unit) > 5:
        return unit
    return _ar_strip_article(unit)[0]


def _romanise_arabic(unit: str) -> str:
    """Rule-based romanisation of one folded Arabic unit (the fallback of the table)."""
    out = []
    for i, ch in enumerate(unit):
        if ch == "ه" and i == len(unit) - 1 and i > 0:
            out.append("a")  # folded ta marbuta, mostly
        elif ch == "و" and 0 < i < len(unit) - 1:
            out.append("u")
        elif ch == "ي" and 0 < i:
            out.append("i")
        else:
            out.append(_AR_ROMAN.get(ch, ""))
    return "".join(out)


# --- Latin --------------------------------------------------------------------------------

_LATIN_ARTICLES = frozenset(
    {"al", "el", "il", "ul", "ad", "ed", "ar", "er", "as", "es", "ash", "esh", "at", "et", "az",
     "ez", "an", "en", "adh", "ath", "ech", "ec"}
)
_ABD = frozenset({"abd", "abdu", "abdul", "abdel", "abdal", "abdol", "abdoul", "abdil", "abdur",
                  "abder", "abdus", "abdes"})
_ABD_LOOSE = frozenset({"abed", "abid", "abdi", "abdo", "abdou"})  # Abd only before an article
_BARE_ABD = "abdo"  # the key of an Abd… with nothing to join (never joins, so stays idempotent)
_KUNYA = frozenset({"abu", "abou", "abo", "aboo", "umm", "um", "om", "oum", "omm"})
_NASAB = frozenset({"bin", "ibn", "bint", "ben", "bent", "ould", "ebn"})
_DIN = re.compile(r"^(?:[aeiu]{0,2}d?d(?:i|ee)ne?)$")
_DIN_ATTACHED = re.compile(r"^([a-z]{2,}?)(?:[aeiou]{1,2}[lsdrtzn]?)?d?d(?:i|ee)ne?$")
_ALLAH = frozenset({"allah", "ullah", "illah", "ellah", "lah", "llah"})
_ALLAH_KEY = "ullah"
_VOWELS = frozenset("aeiou")
_APOSTROPHES = str.maketrans({c: None for c in "'’ʻʼʿʾ`´"})
_FINAL: dict[str, dict[str, str]] = {}  # the built spelling table's Latin map (for cached lookups)
_PARTICLES = _LATIN_ARTICLES | _KUNYA | _NASAB | _ABD
_ABD_REST = re.compile(r"^(?:[aeiou]{1,2}l-?|[aeiou]{1,2}(?=([b-df-hj-np-tv-z])\1)|-)")
_WORD = re.compile(r"[^\W\d_]+(?:['’ʻʼʿʾ`´][^\W\d_]+)*", re.UNICODE)


@lru_cache(maxsize=200_000)
def _ascii_letters(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in text if "a" <= ch <= "z")


@lru_cache(maxsize=200_000)
def fold_latin(piece: str) -> str:
    """Fold one Latin name piece (no compounds) to its spelling-habit-free form."""
    s = _ascii_letters(piece)
    if not s:
        return ""
    if len(s) > 6 and s.endswith("llah") and not s.startswith("abd"):
        # Nasrallah, Fadlullah: a name + Allah, kept recognisable so the key folds to itself
        base = s[:-4].rstrip("aeiou")
        return fold_latin(base) + _ALLAH_KEY if len(base) >= 2 else fold_latin(base + "a")
    s = re.sub(r"([^aeiou])\1+", r"\1", s)
    s = s.replace("sch", "sh").replace("tch", "sh").replace("ch", "sh").replace("dj", "j")
    s = s.replace("ph", "f").replace("ck", "k")
    s = re.sub(r"c(?=[eiy])", "s", s).replace("c", "k").replace("q", "k").replace("x", "ks")
    s = s.replace("ou", "u").replace("oo", "u").replace("ee", "i").replace("ie", "i")
    s = re.sub(r"(?<=[a-z])(?:ei|ai|ey)", "ay", s)
    s = s.replace("o", "u").replace("w", "w")
    s = re.sub(r"(.)\1+", r"\1", s)
    while len(s) > 3:
        if s.endswith(("ah", "eh")):
            s = s[:-2]
        elif s[-1] in "ae":
            s = s[:-1]
        else:
            break
    return re.sub(r"(?<=[b-df-hj-np-tv-z])y(?=[b-df-hj-np-tv-z]|$)", "i", s)


@lru_cache(maxsize=200_000)
def skeleton(key: str) -> str:
    """Consonant skeleton of a canonical key: vowels (and medial w/y) dropped, doubles merged."""
    out = []
    for i, ch in enumerate(key):
        if ch in _VOWELS or (ch in "wy" and i > 0) or ch == " ":
            continue
        out.append(ch)
    s = "".join(out).replace("th", "t").replace("dh", "d").replace("kh", "k").replace("gh", "g")
    return re.sub(r"(.)\1+", r"\1", s)


# --- the spelling table -------------------------------------------------------------------


@dataclass(frozen=True)
class _Table:
    ar_to_key: dict[str, str]
    latin_to_key: dict[str, str]
    ar_frequent: dict[int, list[tuple[str, int]]] = field(default_factory=dict)  # by length, commonest first
    latin_frequent: dict[int, list[tuple[str, int]]] = field(default_factory=dict)


_TYPO_MIN_COUNT = 20  # only names attested this often are typo targets


def _by_length(counts: Counter[str]) -> dict[int, list[tuple[str, int]]]:
    out: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for k, n in counts.most_common():
        if n >= _TYPO_MIN_COUNT:
            out[len(k)].append((k, n))
    return dict(out)


def _nearest(word: str, buckets: dict[int, list[tuple[str, int]]]) -> str | None:
    """The most frequent name one edit (Damerau–Levenshtein) from *word*, if any."""
    from rapidfuzz.distance import DamerauLevenshtein

    if len(word) < 4:
        return None
    best: tuple[int, str] | None = None
    for n in (len(word), len(word) - 1, len(word) + 1):
        for cand, count in buckets.get(n, ()):
            if best is not None and count <= best[0]:
                break  # buckets are sorted by frequency
            if DamerauLevenshtein.distance(word, cand, score_cutoff=1) <= 1:
                best = (count, cand)
                break
    return None if best is None else best[1]


@lru_cache(maxsize=100_000)
def _correct_arabic(unit: str) -> str | None:
    return _nearest(unit, _table().ar_frequent)


@lru_cache(maxsize=100_000)
def _correct_latin(folded: str) -> str | None:
    t = _table()
    hit = _nearest(folded, t.latin_frequent)
    return None if hit is None else t.latin_to_key.get(hit, hit)


def _latin_text_units(
    text: str, strip_attached: bool = True, known: dict[str, str] | None = None
) -> list[str]:
    units = _latin_units(text, known, strip_attached=strip_attached)[0]
    return [u.key for u in units if u.role != "kunya"]


def _resolve(mapping: dict[str, str], s: str) -> str:
    """Follow s -> mapping[s] -> ... to a fixpoint (the smallest member of a cycle)."""
    path = [s]
    while True:
        nxt = mapping.get(path[-1], path[-1])
        if nxt == path[-1]:
            return nxt
        if nxt in path:
            return min(path[path.index(nxt):])
        path.append(nxt)


@lru_cache(maxsize=1)
def _table() -> _Table:
    by_ar: dict[str, Counter[str]] = defaultdict(Counter)
    # the attested table, then tally's few additions (data/NOTICE.md)
    for name in ("data/name_spellings.csv", "data/name_spellings_extra.csv"):
        with resources.files("tally.link").joinpath(name).open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                folded = fold_arabic(row["arabic"]).replace(" ", "")
                ar = _ar_unit_key(folded)
                article = folded.startswith("ال") and folded not in _AR_NOT_ARTICLE
                units = _latin_text_units(row["latin"], strip_attached=article)
                if ar and len(units) == 1 and units[0]:
                    by_ar[ar][units[0]] += int(row["count"])
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for c in by_ar.values():
        top = c.most_common(1)[0][0]
        for spelling, n in c.items():
            votes[spelling][top] += n
    first = {sp: c.most_common(1)[0][0] for sp, c in votes.items()}
    # every key must be its own spelling, so that normalising a key gives the key again
    latin_to_key = {sp: _resolve(first, sp) for sp in first}
    # a key that the parser would read differently ("alayn" -> al + ayn) is replaced by its reading
    for _ in range(4):
        moved = {}
        for k in set(latin_to_key.values()):
            reading = _latin_text_units(k, known=latin_to_key)
            if len(reading) == 1 and reading[0] and reading[0] != k:
                moved[k] = reading[0]
        if not moved:
            break
        latin_to_key = {sp: moved.get(k, k) for sp, k in latin_to_key.items()}
        for k in set(moved.values()):
            latin_to_key[k] = k
    ar_to_key = {ar: latin_to_key[c.most_common(1)[0][0]] for ar, c in by_ar.items()}
    _FINAL["known"] = latin_to_key
    ar_counts: Counter[str] = Counter({ar: sum(c.values()) for ar, c in by_ar.items()})
    latin_counts: Counter[str] = Counter({sp: sum(c.values()) for sp, c in votes.items()})
    return _Table(ar_to_key=ar_to_key, latin_to_key=latin_to_key, ar_frequent=_by_length(ar_counts),
                  latin_frequent=_by_length(latin_counts))


# --- units --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Unit:
    key: str
    role: str | None = None  # "kunya", "nasab" or None
    article: bool = False
    upper: bool = False  # written in capitals in a mixed-case name (FAMILY Given)


def _canon_latin(folded: str, known: dict[str, str] | None) -> str:
    if known is None:
        return folded
    return known.get(folded, folded)


def _strip_attached_article(piece: str, known: dict[str, str] | None) -> tuple[str, bool]:
    if len(piece) < 5 or piece[:2] not in ("al", "el"):
        return piece, False
    rest = piece[2:]
    if len(rest) > 2 and rest[0] == rest[1]:  # assimilated: "Assayed"
        rest = rest[1:]
    rest_known = known is not None and fold_latin(rest) in known
    if piece[2] in _VOWELS and not rest_known:  # "Elias", "Alaa"
        return piece, False
    # prefer the article reading when the rest is a known name ("Alali" = al + Ali)
    if known is None or rest_known or fold_latin(piece) not in known:
        return rest, True
    return piece, False


def _latin_units(
    text: str, known: dict[str, str] | None, *, strip_attached: bool = True
) -> tuple[list[_Unit], bool]:
    """Latin text -> units; second value: the text looked like ``FAMILY, Given``."""
    comma_first = "," in text
    words = _WORD.findall(text.replace("-", " ").replace("_", " "))
    mixed_case = any(w != w.upper() for w in words)
    pieces: list[tuple[str, bool]] = []
    for w in words:
        upper = mixed_case and len(w) > 1 and w == w.upper()
        pieces.append((_ascii_letters(w.translate(_APOSTROPHES)), upper))
    units: list[_Unit] = []
    i = 0
    pending_article = False
    pending_role: str | None = None
    while i < len(pieces):
        p, upper = pieces[i]
        i += 1
        if not p:
            continue
        if p in _LATIN_ARTICLES and i < len(pieces):
            pending_article = True
            continue
        if p in _KUNYA and i < len(pieces):
            pending_role = "kunya"
            continue
        if p in _NASAB and i < len(pieces):
            pending_role = "nasab"
            continue
        din = _is_din(p)
        if (din or p in _ALLAH) and units and not pending_article and not pending_role:
            prev = units.pop()
            key = _join_din(prev.key) if din else prev.key + _ALLAH_KEY
            units.append(_Unit(key, prev.role, prev.article, prev.upper))
            continue
        if pending_article and (din or p in _ALLAH) and units:
            prev = units.pop()
            key = _join_din(prev.key) if din else prev.key + _ALLAH_KEY
            units.append(_Unit(key, prev.role, prev.article, prev.upper))
            pending_article = False
            continue
        key = _piece_key(p, pieces, i, known)
        if key is None:  # "Abd" etc. joined with what follows
            while i < len(pieces) and pieces[i][0] in _LATIN_ARTICLES and i + 1 < len(pieces):
                i += 1
            if i < len(pieces):
                rest = pieces[i][0]
                i += 1
                key = "abd" + _abd_rest(rest)
            else:
                key = _BARE_ABD
        article = pending_article
        if not key.startswith("abd"):
            if known is not None and known is _FINAL.get("known"):
                key, article = _plain_key_final(p, article, strip_attached)
            else:
                key, article = _plain_key(p, article, strip_attached, known)
        units.append(_Unit(key, pending_role, article, upper))
        pending_article = False
        pending_role = None
    return units, comma_first


def _plain_key(p: str, article: bool, strip_attached: bool, known: dict[str, str] | None) -> tuple[str, bool]:
    stripped, had = _strip_attached_article(p, known) if strip_attached and not article else (p, False)
    folded = _attached_din(stripped) or fold_latin(stripped)
    if known is not None and folded not in known and known is _FINAL.get("known"):
        near = _correct_latin(folded)  # a typing error in a frequent name? (Ahamd for Ahmad)
        if near is not None:
            return near, article or had
    return _canon_latin(folded, known), article or had


@lru_cache(maxsize=300_000)
def _plain_key_final(p: str, article: bool, strip_attached: bool) -> tuple[str, bool]:
    return _plain_key(p, article, strip_attached, _FINAL["known"])


@lru_cache(maxsize=100_000)
def _is_din(p: str) -> bool:
    return _DIN.match(p) is not None


def _abd_rest(rest: str) -> str:
    rest = _ABD_REST.sub("", rest, count=1)
    return fold_latin(rest) if len(rest) > 3 else re.sub(r"(.)\1+", r"\1", rest)


def _join_din(base_key: str) -> str:
    if len(base_key) < 2 or base_key in _PARTICLES:
        return base_key
    key = base_key + "din"
    for _ in range(4):
        nxt = _attached_din(key)
        if nxt is None or nxt == key:
            break
        key = nxt
    if _DIN.match(key) or _strip_attached_article(key, _table_or_none())[1]:
        return base_key
    return key


def _table_or_none() -> dict[str, str] | None:
    return _table().latin_to_key if _table.cache_info().currsize else None


def _attached_din(piece: str) -> str | None:
    if len(piece) >= 6:
        m = _DIN_ATTACHED.match(piece)
        if m:
            return re.sub(r"(.)\1+", r"\1", fold_latin(m.group(1)) + "din")
    return None


def _piece_key(p: str, pieces: list[tuple[str, bool]], i: int, known: dict[str, str] | None) -> str | None:
    """Key of a compound-starting piece, or None when it joins the next piece (bare Abd…)."""
    if p in _ABD or (p in _ABD_LOOSE and i < len(pieces) and pieces[i][0] in _LATIN_ARTICLES):
        return None
    if p.startswith("abd") and len(p) > 4 and p not in _ABD:
        return "abd" + _abd_rest(p[3:])
    return p  # the caller folds it


def _arabic_units(text: str, table: _Table) -> list[_Unit]:
    words = re.findall(r"[\u0620-\u064a\u066e-\u06d3\u06fa-\u06ff\u0750-\u077f]+", fold_arabic(text))
    units: list[_Unit] = []
    i = 0
    role: str | None = None
    while i < len(words):
        w = words[i]
        i += 1
        if w in _AR_KUNYA and i < len(words):
            role = "kunya"
            continue
        if w in _AR_NASAB and i < len(words):
            role = "nasab"
            continue
        if w == "ال" and i < len(words):
            w = "ال" + words[i]
            i += 1
        if w in _AR_SUFFIX and units:
            prev = units.pop()
            key = _join_din(prev.key) if w == "الدين" else prev.key + _ALLAH_KEY
            units.append(_Unit(key, prev.role, prev.article))
            continue
        if w == "عبد":
            if i >= len(words):
                units.append(_Unit(_BARE_ABD, role))
                role = None
                continue
            w = "عبد" + words[i]
            i += 1
        article = w.startswith("ال") and len(w) >= 4 and w not in _AR_NOT_ARTICLE
        k = _ar_unit_key(w)
        key = table.ar_to_key.get(k)
        if key is None:  # a typing error in a frequent name? (محدم for محمد)
            near = _correct_arabic(k)
            key = None if near is None else table.ar_to_key[near]
        if key is None:
            key = _latin_text_units(_romanise_arabic(k), known=table.latin_to_key) or [""]
            key = key[0] if isinstance(key, list) else key
        units.append(_Unit(key, role, article))
        role = None
    return units


# --- name parts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NameParts:
    """A name split into parts, each as a canonical Latin key (``None`` when not identified)."""

    given: str | None = None
    father: str | None = None
    grandfather: str | None = None
    family: str | None = None
    kunya: str | None = None
    tokens: tuple[str, ...] = ()
    script: str = "unknown"  # arabic, latin, mixed, other, unknown (empty)
    problems: tuple[str, ...] = field(default=())

    @property
    def key(self) -> str:
        """All name keys in order, space-separated (a kunya first, prefixed ``abu``)."""
        parts = ["abu", self.kunya] if self.kunya else []
        return " ".join(parts + list(self.tokens))


def _script(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    has_ar = bool(_AR_LETTER.search(text))
    has_lat = bool(re.search("[A-Za-z\u00c0-\u024f]", text))
    if has_ar and has_lat:
        return "mixed"
    if has_ar:
        return "arabic"
    if has_lat:
        return "latin"
    if any(ch.isalpha() for ch in text):
        return "other"
    return "unknown"


def _other_units(text: str) -> list[_Unit]:
    words = re.findall(r"[^\W\d_]+", unicodedata.normalize("NFKC", text).casefold())
    return [_Unit(w) for w in words]


def _canon_piece(s: str, known: dict[str, str]) -> str:
    """A joined key as the parser would read it back (so that keys stay idempotent)."""
    for _ in range(4):
        units = [u for u in _tidy(_latin_units(s, known)[0]) if u.role != "kunya"]
        if len(units) != 1 or units[0].key == s:
            return s if len(units) == 1 else ""
        s = units[0].key
    return s


def _tidy(units: list[_Unit]) -> list[_Unit]:
    """Drop particles left with nothing to attach to; join stray -din/-allah to the name before."""
    out: list[_Unit] = []
    for u in units:
        if not u.key or u.key in _PARTICLES:
            continue  # would re-attach to a neighbour when the key is normalised again
        if u.role != "kunya" and (_DIN.match(u.key) or u.key in _ALLAH):
            prev = next((j for j in range(len(out) - 1, -1, -1) if out[j].role != "kunya"), None)
            if prev is None:
                continue
            p = out[prev]
            key = _join_din(p.key) if _DIN.match(u.key) else p.key + _ALLAH_KEY
            out[prev] = _Unit(key, p.role, p.article, p.upper)
            continue
        out.append(u)
    return out


def normalise_name(text: str | None) -> NameParts:
    """Split and normalise one written name into :class:`NameParts`; never raises."""
    if text is None or not str(text).strip():
        return NameParts(script="unknown", problems=("no name",))
    text = unicodedata.normalize("NFKC", str(text))
    script = _script(text)
    table = _table()
    family_first = False
    if script == "arabic":
        units = _arabic_units(text, table)
    elif script == "latin":
        units, family_first = _latin_units(text, table.latin_to_key)
    elif script == "mixed":
        units = []
        for chunk in re.findall(r"[\u0600-\u06ff\u0750-\u077f\s]+|[^\u0600-\u06ff\u0750-\u077f]+", text):
            if _AR_LETTER.search(chunk):
                units += _arabic_units(chunk, table)
            else:
                units += _latin_units(chunk, table.latin_to_key)[0]
    else:
        units = _other_units(text)
    units = _tidy(units)
    problems: list[str] = []
    if script == "other":
        problems.append("name in a script other than Arabic or Latin: compared as written")
    # Abu/Umm X is a kunya only at the head of a name; elsewhere ("Mahmoud Ahmed Abu Zeid",
    # "ABOU ZEID Mahmoud") it is a family name
    units = [u if u.role != "kunya" or (i == 0 and not u.upper)
             else _Unit(_canon_piece("abu" + u.key, table.latin_to_key), None, u.article, u.upper)
             for i, u in enumerate(units)]
    units = [u for u in units if u.key]
    kunya = next((u.key for u in units if u.role == "kunya"), None)
    seq = [u for u in units if u.role != "kunya"]
    if not seq and not kunya:
        return NameParts(script=script, problems=tuple(problems + ["no usable name"]))
    if sum(len(u.key) for u in seq) <= 1 and not kunya:
        problems.append("name of one letter")
    if len(seq) >= 2 and not family_first:
        # "AL-ALI Mohammed" or "Al-Ali Mohammed Hussein": the family name comes first
        family_first = (seq[0].upper and not seq[-1].upper) or (
            seq[0].article and not any(u.article for u in seq[1:]) and seq[1].role != "nasab"
        )
    if family_first and len(seq) >= 2:
        seq = seq[1:] + seq[:1]
    given = father = grandfather = family = None
    if seq:
        given = seq[0].key
        rest = seq[1:]
        nasab = [u for u in rest if u.role == "nasab"]
        if rest and rest[-1].role != "nasab" and (len(rest) >= 2 or not nasab):
            family = rest[-1].key
            rest = rest[:-1]
        if rest:
            father = rest[0].key
        if len(rest) >= 2:
            grandfather = rest[1].key
    return NameParts(
        given=given,
        father=father,
        grandfather=grandfather,
        family=family,
        kunya=kunya,
        tokens=tuple(u.key for u in seq),
        script=script,
        problems=tuple(problems),
    )
