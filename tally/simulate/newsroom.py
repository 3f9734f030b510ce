"""The newsroom: outlets, sources, phrasing, and the draft that keeps claim offsets exact.

Shared by the article kinds in :mod:`tally.simulate.news`.  Counts come from precomputed arrays
(truth and each list by day x governorate x status), so an article costs the same for a
thousand victims as for a million.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tally.core.models import Claim
from tally.core.quantities import interpret, to_words
from tally.simulate.lists import VictimList
from tally.simulate.world import World

UN_OFFICE = ("UN Human Rights Monitoring Mission", "HRMM")
DISPLACEMENT_MONITOR = ("International Displacement Monitor", "IDM")
OUTLETS = (
    ("Levant Daily", "https://levant-daily.example"),
    ("Middle East Wire", "https://example-news.org"),
    ("Global Dispatch", "https://global-dispatch.example"),
    ("Crossroads News Agency", "https://crossroads-agency.example"),
    ("The Northern Courier", "https://northern-courier.example"),
)
# How the English-language press spells the governorates (each is a gazetteer variant).
PRESS_SPELLINGS = {
    "SY01": ("Damascus",), "SY02": ("Aleppo",), "SY03": ("Rural Damascus", "Rif Dimashq"), "SY04": ("Homs",),
    "SY05": ("Hama",), "SY06": ("Latakia", "Lattakia"), "SY07": ("Idlib", "Idleb"), "SY08": ("Hasakah", "Hasakeh"),
    "SY09": ("Deir ez-Zor", "Deir al-Zor"), "SY10": ("Tartus", "Tartous"), "SY11": ("Raqqa",), "SY12": ("Daraa", "Deraa"),
    "SY13": ("Sweida", "Suwayda"), "SY14": ("Quneitra",),
}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
KIND_PHRASES = {
    "massacre": ("in a massacre in", "when gunmen stormed", "in a mass killing in"),
    "airstrike": ("in an airstrike on", "in air raids on", "when warplanes struck"),
    "shelling": ("in shelling on", "when shells hit", "in artillery fire on"),
    "clashes": ("in clashes near", "in fighting around", "during an attack on positions near"),
    "execution": ("in summary executions in", "in field executions in", "in executions near"),
}
VICTIM_WORDS = {
    "civilians": ("civilians",), "people": ("people", "people", "persons"),
    "children": ("children",), "women": ("women",),
    "security_forces": ("members of the security forces", "soldiers"), "fighters": ("fighters", "combatants"),
}


@dataclass
class Article:
    """One article: front matter, body and gold claims (offsets into the body)."""

    name: str
    title: str
    outlet: str
    published: dt.datetime
    url: str
    body: str
    claims: list[Claim]


@dataclass
class Draft:
    """Paragraphs of sentences, each with the claims it states; renders body text and offsets."""

    paragraphs: list[list[tuple[str, list[dict[str, Any]]]]] = field(default_factory=lambda: [[]])

    def para(self) -> None:
        if self.paragraphs[-1]:
            self.paragraphs.append([])

    def say(self, sentence: str, *claims: dict[str, Any]) -> None:
        self.paragraphs[-1].append((sentence, list(claims)))

    def render(self) -> tuple[str, list[Claim]]:
        parts: list[str] = []
        claims: list[Claim] = []
        pos = 0
        for pi, para in enumerate(p for p in self.paragraphs if p):
            if pi:
                parts.append("\n\n")
                pos += 2
            for si, (sentence, cl) in enumerate(para):
                if si:
                    parts.append(" ")
                    pos += 1
                for c in cl:
                    low, high, best = interpret(c.get("count"), c.get("qualifier", "exact"), c.get("vague_word"))
                    claims.append(Claim(**c, low=low, high=high, best=best, quote=sentence, start=pos, end=pos + len(sentence)))
                parts.append(sentence)
                pos += len(sentence)
        parts.append("\n")
        return "".join(parts), claims


class Newsroom:
    """Writes articles about one world; all lookups are precomputed arrays."""

    def __init__(self, world: World, lists: list[VictimList], rng: np.random.Generator) -> None:
        self.w, self.lists, self.rng = world, lists, rng
        spec = world.spec
        self.start = spec.start
        ng = len(world.geo.governorates)
        nd = spec.days + 8
        # truth and list counts by day x governorate x (civilian, security, fighter) x (child)
        self.truth = np.zeros((nd, ng, 3))
        np.add.at(self.truth, (world.day, world.governorate, world.status), 1)
        self.truth_children = np.zeros((nd, ng))
        ch = world.age < 18
        np.add.at(self.truth_children, (world.day[ch], world.governorate[ch]), 1)
        self.org_counts, self.org_children, self.org_women, self.org_events = [], [], [], []
        for vl in lists:
            c = np.zeros((nd, ng, 3))
            ok = (vl.reported_day >= 0) & (vl.reported_day < nd)
            p = vl.person[ok]
            np.add.at(c, (vl.reported_day[ok], world.governorate[p], world.status[p]), 1)
            self.org_counts.append(c)
            kids = np.zeros((nd, ng))
            k = world.age[p] < 18
            np.add.at(kids, (vl.reported_day[ok][k], world.governorate[p][k]), 1)
            self.org_children.append(kids)
            women = np.zeros((nd, ng))
            f = (world.age[p] >= 18) & (world.sex[p] == 2)
            np.add.at(women, (vl.reported_day[ok][f], world.governorate[p][f]), 1)
            self.org_women.append(women)
            self.org_events.append(np.bincount(world.event[vl.person], minlength=len(world.ev_size)))
        self.tollers = [i for i, vl in enumerate(lists) if vl.org.publishes_tolls] or list(range(len(lists)))
        self.regions = _regions(world)
        self.outlet_spelling: dict[tuple[int, int], str] = {}
        self.ev_start = np.concatenate([[0], np.cumsum(world.ev_size)[:-1]])
        self.depth = 0
        self.introduced: set[int] = set()  # organisations whose acronym this article has introduced

    # -- small helpers ------------------------------------------------------------------------
    def pick(self, seq: Any) -> Any:
        """One element of *seq*, uniformly."""
        return seq[int(self.rng.integers(0, len(seq)))]

    def chance(self, p: float) -> bool:
        """True with probability *p*."""
        return bool(self.rng.random() < p)

    def date(self, day: int) -> dt.date:
        """The calendar date of day index *day*."""
        return self.start + dt.timedelta(days=int(day))

    def when(self, day: int, pub: dt.date) -> str:
        """A day as a reporter writes it relative to the publication date."""
        d = self.date(day)
        delta = (pub - d).days
        if delta == 0:
            return self.pick(("on " + WEEKDAYS[d.weekday()], "today"))
        if delta == 1:
            return self.pick(("yesterday", "on " + WEEKDAYS[d.weekday()]))
        if 1 < delta < 7:
            return "on " + WEEKDAYS[d.weekday()]
        return f"on {d.day} {d:%B}"

    def since(self, day: int, pub: dt.date) -> str:
        """"since 1 December" and its variants."""
        d = self.date(day)
        if d.day == 1 and self.chance(0.5):
            return self.pick((f"since the start of {d:%B}", f"since the beginning of {d:%B}"))
        return self.pick((f"since {d.day} {d:%B}", f"since {d:%B} {d.day}", f"since the offensive began on {d.day} {d:%B}"))

    def number(self, n: int, *, initial: bool = False) -> str:
        """*n* as a newsroom writes it: words for small numbers, digits with thousands commas."""
        if initial or (n <= 10 and self.chance(0.7)) or (n < 100 and self.chance(0.12)) or (
                n >= 100 and n % 100 == 0 and n < 1000 and self.chance(0.2)):
            s = to_words(n)
            return s[:1].upper() + s[1:] if initial else s
        return f"{n:,}"

    def qualified(self, n: int, *, initial: bool = False) -> tuple[str, str, str]:
        """``(phrase, count_text, qualifier)`` for a toll of *n*: exact, at least, more than, about."""
        r = self.rng.random()
        if n >= 20 and r < 0.25:
            step = 100 if n >= 500 else 50 if n >= 200 else 10
            m = (n - 1) // step * step
            if m >= step:
                word = self.pick(("more than", "over"))
                c = self.number(m)
                return f"{word.capitalize() if initial else word} {c}", c, "more_than"
        if n >= 30 and r < 0.35:
            step = 100 if n >= 1000 else 10
            m = int(round(n / step) * step)
            word = self.pick(("about", "around", "some", "nearly" if m >= n else "roughly"))
            c = self.number(m)
            return f"{word.capitalize() if initial else word} {c}", c, "about"
        if r < 0.7:
            c = self.number(n)
            return f"{'At' if initial else 'at'} least {c}", c, "at_least"
        c = self.number(n, initial=initial and n < 100)
        return c, c, "exact"

    def gov_name(self, g: int, outlet: int) -> str:
        """The governorate as this outlet spells it (one habit per outlet)."""
        area = self.w.geo.governorates[g]
        key = (outlet, g)
        if key not in self.outlet_spelling:
            sp = PRESS_SPELLINGS.get(area.pcode) or area.spellings["english"][:1]
            self.outlet_spelling[key] = sp[int(self.rng.integers(0, len(sp)))]
        return self.outlet_spelling[key]

    def places(self, govs: list[int], outlet: int) -> tuple[str, dict[str, Any]]:
        """A phrase for governorates *govs* and the claim fields it implies."""
        geo = self.w.geo
        areas = [geo.governorates[g] for g in govs]
        fields = {"admin1": [a.iso for a in areas if a.iso], "pcodes": [a.pcode for a in areas], "country": geo.country}
        for name, members in self.regions:
            if sorted(members) == sorted(govs) and self.chance(0.5):
                return f"in {name}", {**fields, "places": [name]}
        names = [self.gov_name(g, outlet) for g in govs]
        suffix = self.pick(("", "", " province", " provinces" if len(names) > 1 else " province", " countryside"))
        if names[-1].startswith(("Rural", "Rif")):
            suffix = ""
        phrase = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        return f"in {phrase}{suffix}", {**fields, "places": names}

    def claim(self, event: str, count: str | None, qualifier: str, victims: str, victims_text: str | None, *,
              vague_word: str | None = None, **kw: Any) -> dict[str, Any]:
        """A gold claim's fields (the draft adds interpretation, quote and offsets)."""
        c = {"event": event, "count": count, "qualifier": qualifier, "vague_word": vague_word, "victims": victims,
             "victims_text": victims_text}
        c.update(kw)
        return c

    def source_name(self, j: int) -> tuple[str, str]:
        """``(as written, canonical name)`` of list *j*'s organisation.

        The first mention in an article is the full name, often with its acronym in brackets;
        once the acronym is introduced, later mentions mostly use it alone.  The canonical name
        (the gold claim's ``source``) is always the full name, which is also the list's file stem.
        """
        org = self.lists[j].org
        if j in self.introduced and self.chance(0.7):
            return org.acronym, org.name
        if self.chance(0.45):
            self.introduced.add(j)
            return f"the {org.name} ({org.acronym})", org.name
        return f"the {org.name}", org.name

    # -- noise --------------------------------------------------------------------------------
    def noise(self, d: Draft, pub: dt.date, place: str) -> None:
        """Paragraphs with numbers that are not casualty claims: years, ages, distances, prices."""
        r = self.rng
        choices = [
            lambda: f"The uprising began in March 2011; the war is now in its {self.ordinal(pub.year - 2011 + (pub.month >= 3))} year.",
            lambda: f"{pub:%B} {int(r.integers(1, 28))} marks {to_words(int(r.integers(2, 12)))} years since the siege of the town was lifted in {int(r.integers(2014, 2019))}.",
            lambda: f"{place} lies about {int(r.integers(5, 90))} kilometres from the nearest hospital still operating.",
            lambda: f"One resident, a {int(r.integers(19, 70))}-year-old father of {to_words(int(r.integers(2, 8)))}, said he had fled his home twice since {int(r.integers(2012, pub.year))}.",
            lambda: f"A convoy of {int(r.integers(12, 80))} aid trucks crossed the border on {WEEKDAYS[int(r.integers(0, 7))]}, the first in {to_words(int(r.integers(2, 11)))} weeks.",
            lambda: f"Temperatures fell to {int(r.integers(-6, 4))} degrees Celsius overnight, and the road to the camps was closed for {int(r.integers(3, 30))} hours.",
            lambda: f"The Security Council is due to discuss the situation for the {self.ordinal(int(r.integers(3, 12)))} time this year.",
            lambda: f"The price of a bundle of bread has risen by {int(r.integers(15, 180))} percent since {int(r.integers(2019, pub.year))}.",
            lambda: f"Talks held in {self.pick(('Geneva', 'Astana', 'Amman', 'Doha'))} in {int(r.integers(2016, pub.year))} produced a ceasefire that lasted {to_words(int(r.integers(2, 11)))} months.",
            lambda: f"Schools in the area have been closed for {int(r.integers(2, 40))} days, and {int(r.integers(2, 9))} of the {int(r.integers(10, 30))} clinics run by aid groups have suspended work.",
            lambda: f"The town had around {int(r.integers(5, 90)) * 1000:,} inhabitants before {int(r.integers(2011, 2016))}.",
            lambda: "Security Council Resolution 2254, adopted in December 2015, calls for a political transition.",
            lambda: f"Traffic on the M4 highway was halted for {to_words(int(r.integers(2, 12)))} hours on {WEEKDAYS[int(r.integers(0, 7))]}.",
            lambda: f"The strike came at around {int(r.integers(1, 12))}:{int(r.integers(0, 6))}0 a.m., witnesses said.",
            lambda: f"A {int(r.integers(22, 60))}-year-old nurse said staff had worked {to_words(int(r.integers(2, 5)))} shifts in a row.",
            lambda: f"The UN has appealed for ${int(r.integers(2, 6))}.{int(r.integers(0, 10))} billion to fund its response this year.",
            lambda: f"Some {int(r.integers(12, 17))}.{int(r.integers(0, 10))} million people in Syria need humanitarian aid, according to UN figures.",
            lambda: f"About {int(r.integers(20, 80))} percent of the district's wells are out of service.",
            lambda: f"The {self.ordinal(int(r.integers(10, 14)))} anniversary of the siege was marked in {self.pick(('August', 'October', 'April'))}.",
        ]
        picks = r.permutation(len(choices))[: int(r.integers(1, 5))].tolist()
        while picks:
            d.para()
            d.say(choices[picks.pop()]())
            if picks and self.chance(0.5):
                d.say(choices[picks.pop()]())

    @staticmethod
    def ordinal(n: int) -> str:
        """"first", "second" ... in words up to sixteenth."""
        words = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth", 7: "seventh", 8: "eighth",
                 9: "ninth", 10: "tenth", 11: "eleventh", 12: "twelfth", 13: "thirteenth", 14: "fourteenth",
                 15: "fifteenth", 16: "sixteenth"}
        return words.get(n, f"{n}th")

    # -- article kinds ------------------------------------------------------------------------


def weighted_choice(rng: np.random.Generator, weights: np.ndarray) -> int:
    """One index drawn with probability proportional to *weights*."""
    cdf = np.cumsum(weights)
    return int(min(np.searchsorted(cdf, rng.random() * cdf[-1], side="right"), len(weights) - 1))


def _regions(world: World) -> list[tuple[str, list[int]]]:
    """Named regions (the coast, northwest Syria ...) as governorate index lists."""
    import csv

    from tally.core.gazetteer import DATA_DIR

    path = DATA_DIR / f"gazetteer_{world.geo.country}.csv"
    idx = {g.pcode: i for i, g in enumerate(world.geo.governorates)}
    out = []
    with path.open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            members = [m.removeprefix("ocha:") for m in (r.get("members") or "").split("|") if m]
            if members and all(m in idx for m in members):
                out.append((r["name_en"], [idx[m] for m in members]))
    return out


def slug(text: str) -> str:
    """A URL and file-name slug of *text*."""
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s[:60].rstrip("-") or "article"
