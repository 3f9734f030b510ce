"""A small invented world of victims on several lists, with a key (for tests and the bench).

Stands in for ``tally simulate`` until it lands: families killed together (same family and
father's name, same day and place, different given names), four lists with their own name
conventions (Arabic script, English-style and French-style transliteration, FAMILY Given order),
typos, date and age errors, missing fields.  Names are common name forms, not real victims.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass

import pandas as pd

MALE = [
    "محمد", "أحمد", "علي", "حسن", "حسين", "خالد", "عمر", "يوسف", "إبراهيم", "عبد الرحمن",
    "عبد الله", "مصطفى", "محمود", "سعيد", "وليد", "طارق", "سامر", "ماهر", "باسل", "رامي",
    "فادي", "جمال", "كمال", "نور الدين", "عماد", "زياد", "هشام", "منير", "نبيل", "رياض",
    "عادل", "فيصل", "ياسر", "أيمن", "بلال", "حمزة", "أنس", "مازن", "غسان", "صلاح الدين",
]
FEMALE = [
    "فاطمة", "عائشة", "مريم", "زينب", "خديجة", "سارة", "ليلى", "نور", "هدى", "رنا",
    "سلمى", "ريم", "دعاء", "آمنة", "سعاد", "هبة", "رغد", "لينا", "سمر", "منى",
]
FAMILY = [
    "العلي", "الخطيب", "الحسن", "المصري", "الأحمد", "الحلبي", "الشامي", "النجار", "الحداد",
    "العمر", "الزعبي", "الحمصي", "السيد", "الخليل", "البكري", "الحسيني", "الجاسم", "الصالح",
    "العبد الله", "الرفاعي", "القاسم", "الشيخ", "العثمان", "الدرويش", "الطويل", "الكردي",
    "الحموي", "الإدلبي", "الساعدي", "العيسى", "الجمال", "الخضر", "الحمد", "الموسى", "اليوسف",
    "العباس", "الشهابي", "الحريري", "المحمد", "الضاهر",
]
# Transliteration habits: English-style and French-style Latin for each Arabic letter.
_EN = {"ا": "a", "أ": "a", "إ": "i", "آ": "a", "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h",
       "خ": "kh", "د": "d", "ذ": "dh", "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d",
       "ط": "t", "ظ": "z", "ع": "'", "غ": "gh", "ف": "f", "ق": "q", "ك": "k", "ل": "l", "م": "m",
       "ن": "n", "ه": "h", "و": "ou", "ي": "y", "ى": "a", "ة": "a", "ء": "'", "ئ": "'", "ؤ": "'"}
_FR = dict(_EN, **{"ج": "dj", "ش": "ch", "و": "ou", "ي": "i", "خ": "kh", "ق": "k", "ة": "a"})
GOVERNORATES = {f"ocha:SY{g:02d}": [f"ocha:SY{g:02d}{d:02d}" for d in range(1, 6)] for g in range(1, 15)}
SOURCES = ("arabic_list", "english_list", "french_list", "register")


@dataclass
class World:
    """Lists as one records frame (the link_records input) and the truth key."""

    records: pd.DataFrame
    truth: pd.DataFrame  # source, id, person
    sibling_pairs: list[tuple[str, str]]  # true persons killed with a sibling (same list pairs)


def _latin(rng: random.Random, arabic: str, style: str) -> str:
    """A plausible Latin spelling of an Arabic name, with the list's habits and some noise."""
    from tally.link.names import _ar_unit_key, fold_arabic

    out = []
    words = arabic.split()
    if words and words[0] == "عبد" and len(words) > 1:
        words = [words[0] + words[1]] + words[2:]
    if len(words) > 1 and words[-1] in ("الدين", "الله"):
        words = words[:-2] + [words[-2] + words[-1]]
    for word in words:
        key = _ar_unit_key(fold_arabic(word))
        article = word.startswith("ال") and len(word) > 3
        spellings = _attested(key)
        if article:
            spellings = [x for x in spellings if not re.match(r"(?i)(al|el)", x) and len(x) > 3]
        if spellings and rng.random() < 0.9:
            base = rng.choice(spellings[:4])
        else:
            table = _FR if style == "fr" else _EN
            stem = word[2:] if article else word
            base = "".join(table.get(ch, "") + ("a" if i < len(stem) - 1 and ch not in "اويى" and stem[i + 1] not in "اوي" else "")
                           for i, ch in enumerate(stem)).strip("'")
            base = base[:1].upper() + base[1:]
        if article:
            art = rng.choice(["Al-", "al-", "El-", "Al ", "Al"] if style == "en" else ["El ", "El-", "Al-"])
            base = art + base[:1].upper() + base[1:]
        out.append(base)
    return " ".join(out)


_ATTESTED: dict[str, list[str]] = {}


def _attested(key: str) -> list[str]:
    if not _ATTESTED:
        import csv
        from importlib import resources

        from tally.link.names import _ar_unit_key, fold_arabic

        path = resources.files("tally.link").joinpath("data/name_spellings.csv")
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if not re.fullmatch(r"[A-Z][a-z]+", row["latin"]) or int(row["count"]) < 3:
                    continue
                _ATTESTED.setdefault(_ar_unit_key(fold_arabic(row["arabic"]).replace(" ", "")), []).append(row["latin"])
    return _ATTESTED.get(key.replace(" ", ""), [])


def _typo(rng: random.Random, s: str) -> str:
    if len(s) < 4:
        return s
    i = rng.randrange(1, len(s) - 1)
    op = rng.random()
    if op < 0.4:
        return s[:i] + s[i + 1:]
    if op < 0.7:
        return s[:i] + s[i + 1] + s[i] + s[i + 2:] if i + 2 <= len(s) else s
    return s[:i] + s[i] + s[i:]


def _large_pools(rng: random.Random) -> tuple[list[str], list[str], list[str], list[float], list[float]]:
    """Name pools for a large world: frequent attested Arabic names (weights ~ count^0.8)."""
    import csv
    from collections import Counter
    from importlib import resources

    counts: Counter[str] = Counter()
    path = resources.files("tally.link").joinpath("data/name_spellings.csv")
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            a = row["arabic"]
            if " " not in a and not a.startswith("ال") and re.fullmatch("[\u0621-\u064a]{3,}", a):
                counts[a] += int(row["count"])
    ranked = [a for a, _ in counts.most_common()]
    given = ranked[:900]
    family = ["ال" + a for a in ranked[200:4200]]
    gw = [counts[a] ** 0.8 for a in given]
    fw = [counts[a[2:]] ** 0.5 for a in family]
    return given, given, family, gw, fw


def make_world(n_persons: int = 600, seed: int = 7, family_share: float = 0.5, large: bool = False,
               days: int = 1500) -> World:
    """Invented persons (many killed with siblings) captured by four lists with errors."""
    rng = random.Random(seed)
    start = dt.date(2013, 1, 1)
    if large:
        male, female, families, gw, fw = _large_pools(rng)
    else:
        male, female, families, gw, fw = MALE, FEMALE, FAMILY, [1.0] * len(MALE), [1.0] * len(FAMILY)
    fw_cum = list(__import__("itertools").accumulate(fw))
    gw_cum = list(__import__("itertools").accumulate(gw))
    persons = []
    pid = 0
    while pid < n_persons:
        gov = rng.choice(list(GOVERNORATES))
        dist = rng.choice(GOVERNORATES[gov])
        day = start + dt.timedelta(days=rng.randrange(0, days))
        family = rng.choices(families, cum_weights=fw_cum)[0]
        father = rng.choices(male, cum_weights=gw_cum)[0] if large else rng.choice(male)
        size = rng.choice([2, 3, 4, 5]) if rng.random() < family_share else 1
        used: set[str] = set()
        fam_id = pid
        for _ in range(min(size, n_persons - pid)):
            sex = rng.choice(["male", "female"])
            if large:
                given = father
                while given in used or given == father:
                    given = rng.choices(male, cum_weights=gw_cum)[0]
            else:
                pool = [g for g in (male if sex == "male" else female) if g not in used and g != father]
                given = rng.choice(pool)
            used.add(given)
            persons.append(dict(person=f"P{pid}", family_group=fam_id, given=given, father=father,
                                family=family, sex=sex, age=rng.randrange(1, 80), day=day, gov=gov, dist=dist,
                                status=rng.choice(["civilian"] * 5 + ["fighter"])))
            pid += 1
    rows, truth = [], []
    styles = {"arabic_list": "ar", "english_list": "en", "french_list": "fr", "register": "en_rev"}
    capture = {"arabic_list": 0.7, "english_list": 0.6, "french_list": 0.5, "register": 0.55}
    key = 0
    for src in SOURCES:
        style = styles[src]
        n = 0
        for p in persons:
            if rng.random() > capture[src]:
                continue
            n += 1
            rid = f"{src[:2]}{n:05d}"
            full = [p["given"], p["father"], p["family"]] if rng.random() < 0.8 else [p["given"], p["family"]]
            if style == "ar":
                name = " ".join(full)
                if rng.random() < 0.05:
                    name = name.replace("ة", "ه").replace("أ", "ا")
            else:
                parts = [_latin(rng, w, "fr" if style == "fr" else "en") for w in full]
                if rng.random() < 0.08:
                    j = rng.randrange(len(parts))
                    parts[j] = _typo(rng, parts[j])
                if style == "en_rev":
                    parts = [parts[-1].upper()] + parts[:-1]
                name = " ".join(parts)
            day = p["day"]
            if rng.random() < 0.12:
                day = day + dt.timedelta(days=rng.choice([-7, -3, -2, -1, 1, 1, 2, 3, 5]))
            age = p["age"] if rng.random() < 0.75 else p["age"] + rng.choice([-3, -2, -1, 1, 2, 5])
            row = dict(record_key=key, source=src, record_id=rid, name=name, sex=p["sex"],
                       age=None if rng.random() < 0.1 else max(age, 0), age_group=None,
                       date_of_death=None if rng.random() < 0.03 else day,
                       governorate_code=p["gov"], district_code=p["dist"] if rng.random() < 0.9 else None,
                       place=None, status=p["status"] if rng.random() < 0.9 else "unknown")
            rows.append(row)
            truth.append(dict(source=src, id=rid, person=p["person"], family_group=p["family_group"]))
            key += 1
    records = pd.DataFrame(rows)
    key_df = pd.DataFrame(truth)
    # siblings: true persons who share a family group (they die together, look alike)
    per = pd.DataFrame(persons)
    sib = per.merge(per, on="family_group")
    sib = sib[sib["person_x"] < sib["person_y"]]
    return World(records=records, truth=key_df[["source", "id", "person"]],
                 sibling_pairs=list(zip(sib["person_x"], sib["person_y"], strict=True)))
