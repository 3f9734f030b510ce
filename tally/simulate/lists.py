"""The documentation: each organisation's victim list, in its own conventions, with its blind spots.

Who is on a list: each organisation records a victim with probability ``coverage`` times its
multipliers for the victim's governorate, status and date (``region_bias``, ``status_bias``,
``time_trend``) times the *visibility* of the victim's event — shared by all organisations (a
well-known massacre is on every list, a lone killing in a remote village on few) and partly
particular to each (an organisation's network is present in some villages, not others).  The
multipliers are normalised so that the share recorded stays near ``coverage``.  One organisation
may copy part of an earlier one's list (``copies_from``/``copy_rate``), errors included.  These
are the heterogeneity and dependence that multiple systems estimation meets in reality.

How it is written: names in Arabic script or a Latin transliteration habit, in the
organisation's name orders; governorates and districts in its habitual spelling (sometimes
another); dates shifted by a few days at ``date_error_rate``, ISO or dd/mm/yyyy; age, age group
or both; empty fields; typing errors in names; rows entered twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from tally.simulate.geography import Area
from tally.simulate.names import (
    FEMALE_NAMES,
    HABITS,
    MALE_NAMES,
    SON_OF,
    draw_article,
    draw_variant,
    spell,
    spell_family,
)
from tally.simulate.spec import OrganisationSpec
from tally.simulate.world import STATUSES, World, _choice

HEADERS = ("id", "name", "sex", "age", "date_of_death", "governorate", "district", "place", "status", "cause")
HEADERS_AR = {"id": "الرقم", "name": "الاسم", "sex": "الجنس", "age": "العمر", "age_group": "الفئة العمرية",
              "date_of_death": "تاريخ الوفاة", "governorate": "المحافظة", "district": "المنطقة", "place": "المكان",
              "status": "الوضع", "cause": "السبب"}
SEX_WORDS = {"english": ("male", "female"), "short": ("M", "F"), "arabic": ("ذكر", "أنثى")}
STATUS_WORDS = {"english": ("civilian", "security forces", "fighter"), "short": ("civilian", "security forces", "fighter"),
                "arabic": ("مدني", "عسكري", "مقاتل")}
CAUSES = {
    "shooting": ("shooting", "إطلاق نار", "tir"),
    "airstrike": ("airstrike", "غارة جوية", "frappe aérienne"),
    "shelling": ("shelling", "قصف", "bombardement"),
    "clashes": ("clashes", "اشتباكات", "affrontements"),
    "execution": ("execution", "إعدام ميداني", "exécution"),
    "explosion": ("explosion", "انفجار", "explosion"),
    "torture in detention": ("torture in detention", "تحت التعذيب", "torture en détention"),
}
AGE_BINS = (0, 5, 12, 18, 30, 45, 60, 200)
AGE_LABELS = ("0-4", "5-11", "12-17", "18-29", "30-44", "45-59", "60+")
USUAL_SPELLING = 0.8  # share of name parts in the habit's usual spelling


@dataclass
class VictimList:
    """One organisation's list as written, and which victim each row is."""

    org: OrganisationSpec
    columns: dict[str, np.ndarray]  # the CSV's columns by English name, values as written
    header: list[str]  # the CSV's header as written (English or Arabic)
    person: np.ndarray  # victim index (person - 1) per row
    copied: np.ndarray  # bool: row copied from another list
    duplicate: np.ndarray  # bool: second entry of a victim already on the list
    typo: np.ndarray  # bool: a typing error was made in the name
    habit: np.ndarray  # habit index per row (HABITS)
    shift: np.ndarray  # days between the date written and the true date (0 when no date)
    reported_day: np.ndarray  # day index as written (-1 missing)
    own: np.ndarray  # bool per victim: recorded by the organisation itself

    @property
    def ids(self) -> np.ndarray:
        """Record ids as written."""
        return self.columns["id"]

    def __len__(self) -> int:
        return len(self.person)


def capture_probability(world: World, org: OrganisationSpec, visibility: np.ndarray, local: np.ndarray) -> np.ndarray:
    """Each victim's probability of being on *org*'s own list (mean ≈ ``org.coverage``)."""
    gov_codes = np.array([world.geo.governorates[g].pcode for g in range(len(world.geo.governorates))])
    reg = np.array([org.region_bias.get(c, 1.0) for c in gov_codes])[world.governorate]
    sta = np.array([org.status_bias.get(s, 1.0) for s in STATUSES])[world.status]
    t = world.day / max(1, world.spec.days - 1)
    trend = 1 + org.time_trend * (t - 0.5) * 2 / (1 + abs(org.time_trend))
    mult = reg * sta * trend * visibility[world.event] * local[world.event]
    p = np.zeros(world.n)
    if mult.sum() == 0:
        return p
    target = org.coverage * world.n
    free = np.ones(world.n, dtype=bool)
    for _ in range(6):  # rescale after clipping so the expected count stays on target
        fixed = (~free).sum() * 0.97
        scale = (target - fixed) / max(mult[free].sum(), 1e-12)
        p = np.where(free, mult * scale, 0.97)
        over = free & (p > 0.97)
        if not over.any():
            break
        free &= ~over
    return np.clip(p, 0, 0.97)


def build_lists(world: World, orgs: list[OrganisationSpec], seed: int) -> list[VictimList]:
    """Every organisation's list, in the order given (a copying list after its source)."""
    rng = np.random.default_rng([seed, 2])
    n_ev = len(world.ev_size)
    visibility = rng.lognormal(0.0, 0.7, n_ev)
    # a burst is news: the larger, the more visible
    visibility *= np.where(world.ev_size > 1, 1 + np.log(world.ev_size) * 0.3, 1.0)
    out: list[VictimList] = []
    for j, org in enumerate(orgs):
        orng = np.random.default_rng([seed, 3, j])
        local = orng.lognormal(0.0, 0.4, n_ev)
        p = capture_probability(world, org, visibility, local)
        own = orng.random(world.n) < p
        source = next((x for x in out if x.org.name == org.copies_from), None)
        out.append(_one_list(world, org, own, source, orng))
    return out


def _one_list(world: World, org: OrganisationSpec, own: np.ndarray, source: VictimList | None,
              rng: np.random.Generator) -> VictimList:
    persons = np.flatnonzero(own)
    m = len(persons)
    shift = np.where(rng.random(m) < org.date_error_rate, rng.choice([-3, -2, -1, 1, 2, 3], m, p=[.1, .15, .25, .25, .15, .1]), 0)
    age = world.age[persons].astype(np.int64)
    heap = (rng.random(m) < 0.15) & (age >= 20)  # "about 40": ages heaped on multiples of five
    age = np.where(heap, np.round(age / 5) * 5, age)
    age = np.where(rng.random(m) < 0.05, age + rng.choice([-1, 1], m), age).clip(0, 110).astype(np.int64)
    copied = np.zeros(m, dtype=bool)
    if source is not None and org.copy_rate > 0:
        rows = np.flatnonzero(~source.duplicate & ~source.copied & ~own[source.person])
        take = rows[rng.random(len(rows)) < org.copy_rate]
        persons = np.concatenate([persons, source.person[take]])
        shift = np.concatenate([shift, source.shift[take]])
        src_age = world.age[source.person[take]].astype(np.int64)
        age = np.concatenate([age, src_age])
        copied = np.concatenate([copied, np.ones(len(take), dtype=bool)])
    # some victims are entered twice (a second informant, a later update)
    dup_rows = np.flatnonzero(rng.random(len(persons)) < org.duplicate_rate)
    duplicate = np.concatenate([np.zeros(len(persons), dtype=bool), np.ones(len(dup_rows), dtype=bool)])
    dshift = np.where(rng.random(len(dup_rows)) < 0.3, rng.choice([-1, 1], len(dup_rows)), 0)
    persons = np.concatenate([persons, persons[dup_rows]])
    shift = np.concatenate([shift, shift[dup_rows] + dshift])
    age = np.concatenate([age, age[dup_rows]])
    copied = np.concatenate([copied, copied[dup_rows]])
    day = world.day[persons] + shift
    order = np.lexsort((rng.random(len(persons)), day))
    persons, shift, age, copied, duplicate, day = (a[order] for a in (persons, shift, age, copied, duplicate, day))
    n = len(persons)

    habit_names = list(org.scripts)
    habit_local = _choice(rng, np.array(list(org.scripts.values())), n)
    habit = np.array([HABITS.index(h) for h in habit_names])[habit_local] if n else np.zeros(0, dtype=np.int64)
    names = _names(world, org, persons, habit, rng)
    typo = rng.random(n) < org.typo_rate
    names[typo] = np.array([make_typo(s, rng) for s in names[typo]], dtype=object)

    cols: dict[str, np.ndarray] = {}
    width = len(str(n))
    seq = np.arange(1, n + 1)
    cols["id"] = np.array([f"{org.id_prefix}{k:0{max(width, 5)}d}" if org.id_prefix else str(k) for k in seq], dtype=object)
    cols["name"] = names
    miss = org.missing_rate
    sexw = SEX_WORDS[org.vocab]
    cols["sex"] = _blank(np.where(world.sex[persons] == 1, sexw[0], sexw[1]).astype(object), rng, miss * 0.5)
    age_missing = rng.random(n) < min(1.0, miss * 2)
    if org.age_style in ("age", "both"):
        cols["age"] = np.where(age_missing, "", age.astype(str)).astype(object)
    if org.age_style in ("age_group", "both"):
        cols["age_group"] = np.where(age_missing, "", _age_groups(age, org.age_groups)).astype(object)
    cols["date_of_death"] = _dates(world, day, org.date_format)
    cols["date_of_death"][rng.random(n) < 0.01] = ""
    gov = world.governorate[persons]
    dist = world.district[persons]
    cols["governorate"] = _spell_areas(world.geo.governorates, gov, habit, org, rng)
    cols["district"] = _blank(_spell_areas(world.geo.districts, dist, habit, org, rng), rng, miss * 1.5)
    cols["place"] = _blank(_villages(world, world.village[persons], habit), rng, miss)
    stw = np.array(STATUS_WORDS[org.vocab], dtype=object)
    cols["status"] = _blank(stw[world.status[persons]], rng, miss * 0.5)
    lang = 1 if org.vocab == "arabic" else 2 if max(org.scripts, key=org.scripts.__getitem__) == "french" else 0
    kind_cause = np.array([CAUSES[k.spec.cause][lang] for k in world.kinds], dtype=object)
    cols["cause"] = _blank(kind_cause[world.ev_kind[world.event[persons]]], rng, miss)
    header = [HEADERS_AR[c] for c in cols] if org.arabic_headers else list(cols)
    return VictimList(org, cols, header, persons, copied, duplicate, typo, habit, np.where(cols["date_of_death"] == "", 0, shift),
                      np.where(cols["date_of_death"] == "", -1, day), own)


def _blank(values: np.ndarray, rng: np.random.Generator, rate: float) -> np.ndarray:
    out = values.astype(object)
    out[rng.random(len(out)) < rate] = ""
    return out


def _age_groups(age: np.ndarray, scheme: str) -> np.ndarray:
    if scheme == "child_adult":
        return np.where(age < 18, "child", np.where(age < 60, "adult", "elderly"))
    return np.array(AGE_LABELS, dtype=object)[np.searchsorted(AGE_BINS, age, side="right") - 1]


def _dates(world: World, day: np.ndarray, fmt: str) -> np.ndarray:
    lo, hi = int(day.min(initial=0)), int(day.max(initial=0))
    labels = []
    for d in range(lo, hi + 1):
        date = world.spec.start + dt.timedelta(days=d)
        labels.append(date.isoformat() if fmt == "iso" else date.strftime("%d/%m/%Y"))
    return np.array(labels, dtype=object)[day - lo] if len(day) else np.zeros(0, dtype=object)


def _spell_areas(areas: list[Area], idx: np.ndarray, habit: np.ndarray, org: OrganisationSpec,
                 rng: np.random.Generator) -> np.ndarray:
    out = np.empty(len(idx), dtype=object)
    for h in np.unique(habit):
        name = HABITS[h]
        table = [a.spellings[name] for a in areas]
        width = max(len(t) for t in table)
        grid = np.array([[t[i % len(t)] for i in range(width)] for t in table], dtype=object)
        count = np.array([len(t) for t in table])
        usual = np.where(rng.random(len(areas)) < 0.6, 0, rng.integers(0, 100, len(areas)) % count)
        sel = np.flatnonzero(habit == h)
        a = idx[sel]
        pick = np.where(rng.random(len(sel)) < org.spelling_consistency, usual[a], rng.integers(0, 100, len(sel)) % count[a])
        out[sel] = grid[a, pick]
    return out


def _villages(world: World, village: np.ndarray, habit: np.ndarray) -> np.ndarray:
    out = np.empty(len(village), dtype=object)
    for h in np.unique(habit):
        sel = np.flatnonzero(habit == h)
        out[sel] = world.geo.village_names(HABITS[h])[village[sel]]
    return out


def _names(world: World, org: OrganisationSpec, persons: np.ndarray, habit: np.ndarray,
           rng: np.random.Generator) -> np.ndarray:
    """Names as *org* writes them, by habit and name form."""
    n = len(persons)
    forms = list(org.name_forms)
    form = _choice(rng, np.array(list(org.name_forms.values())), n)
    male = world.sex[persons] == 1
    gf_idx = world.grandfather[persons]
    with_gf = (gf_idx >= 0) & (rng.random(n) < org.grandfather_rate)
    out = np.empty(n, dtype=object)
    for h in np.unique(habit):
        hname = HABITS[h]
        sel = np.flatnonzero(habit == h)
        k = len(sel)
        p = persons[sel]
        g_male = spell(MALE_NAMES, np.where(male[sel], world.given[p], 0), hname, draw_variant(rng, k, USUAL_SPELLING))
        g_fem = spell(FEMALE_NAMES, np.where(male[sel], 0, world.given[p]), hname, draw_variant(rng, k, USUAL_SPELLING))
        given = np.where(male[sel], g_male, g_fem)
        father = spell(MALE_NAMES, world.father[p], hname, draw_variant(rng, k, USUAL_SPELLING))
        gf = spell(MALE_NAMES, np.maximum(gf_idx[sel], 0), hname, draw_variant(rng, k, USUAL_SPELLING))
        family = spell_family(world.family[p], hname, draw_variant(rng, k, USUAL_SPELLING),
                              draw_article(rng, k, 0.85 if hname != "scholarly" else 0.95))
        gf_part = np.where(with_gf[sel], " " + gf, "")
        son = np.where(male[sel], SON_OF[hname][0], SON_OF[hname][1])
        res = np.empty(k, dtype=object)
        f = form[sel]
        for i, fname in enumerate(forms):
            s = np.flatnonzero(f == i)
            if not len(s):
                continue
            if fname == "full":
                res[s] = given[s] + " " + father[s] + gf_part[s] + " " + family[s]
            elif fname == "given_father_family":
                res[s] = given[s] + " " + father[s] + " " + family[s]
            elif fname == "given_family":
                res[s] = given[s] + " " + family[s]
            elif fname == "family_given":
                upper = np.array([x.upper() for x in family[s]], dtype=object) if hname != "arabic" else family[s]
                res[s] = upper + " " + given[s]
            elif fname == "bin":
                res[s] = given[s] + " " + son[s] + " " + father[s] + " " + family[s]
        if hname == "arabic":
            res = _arabic_orthography(res, rng)
        out[sel] = res
    return out


_HAMZA = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا"})
HAMZA_DROP = 0.25  # share of Arabic names typed without hamza on alif (أحمد -> احمد)
ABD_JOIN = 0.3  # share written with compounds joined (عبد الرحمن -> عبدالرحمن, أبو زيد -> أبوزيد)


def _arabic_orthography(names: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Everyday Arabic spelling variation that is not a typo: hamza left off, compounds joined."""
    out = names.copy()
    hamza = rng.random(len(out)) < HAMZA_DROP
    out[hamza] = np.array([n.translate(_HAMZA) for n in out[hamza]], dtype=object)
    join = rng.random(len(out)) < ABD_JOIN
    out[join] = np.array([n.replace("عبد ", "عبد").replace("أبو ", "أبو").replace("ابو ", "ابو") for n in out[join]],
                         dtype=object)
    return out


_AR_CONFUSE = {"ة": "ه", "ه": "ة", "ى": "ي", "ي": "ى", "أ": "ا", "إ": "ا", "ا": "أ", "ح": "ج", "ج": "ح", "خ": "ح",
               "ض": "ص", "ص": "ض", "ت": "ث", "ث": "ت", "ذ": "ز", "ز": "ذ", "ع": "غ", "غ": "ع", "د": "ذ", "س": "ش"}
_LAT_CONFUSE = {"a": "e", "e": "i", "i": "e", "o": "u", "u": "o", "y": "i", "k": "q", "q": "k", "s": "z", "d": "t"}


def make_typo(name: str, rng: np.random.Generator) -> str:
    """*name* with one typing error: a letter dropped, doubled, swapped or mistaken for a neighbour."""
    for _ in range(8):
        letters = [i for i, c in enumerate(name) if c.isalpha()]
        if len(letters) < 2:
            return name + name[-1:]
        i = letters[int(rng.integers(1, len(letters)))]
        op = int(rng.integers(0, 4))
        c = name[i]
        if op == 0:
            out = name[:i] + name[i + 1:]
        elif op == 1:
            out = name[:i] + c + name[i:]
        elif op == 2 and i + 1 < len(name) and name[i + 1].isalpha():
            out = name[:i] + name[i + 1] + c + name[i + 2:]
        else:
            table = _AR_CONFUSE if "\u0600" <= c <= "\u06ff" else _LAT_CONFUSE
            low = c.lower()
            if low not in table:
                continue
            rep = table[low]
            out = name[:i] + (rep.upper() if c.isupper() else rep) + name[i + 1:]
        if out != name:
            return out
    return name[:-1] if len(name) > 2 else name + "x"
