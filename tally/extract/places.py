"""Place mentions in an article -> places as written, country, admin1 (ISO 3166-2) and P-codes.

The article's country is decided first by a vote of its place mentions (so "Gaza City" is
Palestine's Gaza, not Mozambique's), in which the country the article was ingested for (``tally
ingest --country``), when given, holds :data:`COUNTRY_HINT` votes: a lone foreign name ("talks held
in Astana", a village "Beit Hassan" read as India's Hassan) does not carry the article abroad, a
story told in another country's places does; mentions are then found again with that country
preferred.
Names that are part of a source's name ("Sudan Doctors Network", "Gaza's health ministry") are
not places of the event.  A town maps to its province through the gazetteer, a named region
("the coastal region", "the Gaza Strip") to its member provinces.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field

from tally.core.gazetteer import LOCALITY_SEP, Area, Gazetteer, Match, locality_code
from tally.extract.cues import folded

_ORG_AFTER = re.compile(
    r"^(?:'s|’s)?\s*(?:[A-Z][\w\-]*\s+){0,3}(?:Doctors|Network|Ministry|Observatory|Committee|Council|Union|"
    r"Syndicate|Office|Agency|Authority|Commission|Civil\s+Defen[cs]e|Red\s+Crescent|Health|Governor|Police|Army|"
    r"Forces|Emergency|Lawyers|Hospital|Resistance|Administration|Mission|Center|Centre|Media|Watch|Rights|"
    r"International|Crisis|Relief|Red\s+Cross|Times|News|Post|Herald|Tribune|Daily|Archives?|Monitor|Monitoring|"
    r"Documentation|Database|Project|Institute|Foundation|Coalition|Association|Society|Organi[sz]ation|Campaign|"
    r"League)\b"
    r"|^(?:'s|’s)\s+(?:[\w\-]+\s+){0,2}(?:ministry|authorities|governor|officials|health|government|army|military|"
    r"police|civil|administration|mayor|office|emergency|hospitals?|forces)\b"
)


@dataclass
class PlaceInfo:
    """What a claim says about where."""

    places: list[str] = field(default_factory=list)
    country: str | None = None
    admin1: list[str] = field(default_factory=list)
    pcodes: list[str] = field(default_factory=list)


_STOPWORDS = set("the a an he she it they we this that these those his her its their on in at of for and or but "
                 "as by to from with said says after before when while since then there here one two some most "
                 "many all no not new old top red white black green blue mercy hope union police january february "
                 "march april may june july august september october november december monday tuesday wednesday "
                 "thursday friday saturday sunday hay centre center north south east west central city human rights health "
                 "monitoring mission network observatory relief emergency security defence defense state national "
                 "general civil media press local council office agency service services forces force army "
                 "ministry justice peace victory liberty freedom independence hope more over international".split())
_ARTICLE = re.compile(r"(?:\b(?:El|Al|al|el|Ad|Ar|As|An|At|Az|Ash|ad|ar|as|an|at|az)[-\s])$")


COUNTRY_HINT = 2.5  # votes of the declared country: more than one province's name (2), less than a headline's (3)


class PlaceFinder:
    """Place mentions of one article, by character offset."""

    def __init__(self, text: str, gazetteer: Gazetteer | None = None, title: str | None = None,
                 country: str | None = None) -> None:
        self.gaz = gazetteer or Gazetteer.default()
        self.text = text
        everything = [m for m in self.gaz.find_mentions(text) if m.text.lower() not in _STOPWORDS]
        titled = ([m for m in self.gaz.find_mentions(title) if m.text.lower() not in _STOPWORDS and _usable(title, m)]
                  if title else [])
        deep = self.gaz._deep_countries()
        votes: Counter[str] = Counter()
        countries_of: dict[tuple[str, str], tuple[str, ...]] = {}
        for m in everything:
            weight = (1.0 if m.area.kind == "locality" else 2.0) * (1.0 if _usable(text, m) else 0.5)
            # an ambiguous name ("Beni", "Gaza") votes for each country it may be in, a share each
            if (m.text, m.area.country) not in countries_of:
                countries_of[m.text, m.area.country] = self._countries(m)
            countries = countries_of[m.text, m.area.country]
            for c in countries:
                votes[c] += weight / len(countries) + (0.01 if c in deep else 0.0)
        if isinstance(country, str) and country.strip():
            votes[country.strip().upper()] += COUNTRY_HINT
        for m in titled:  # the headline names the place of the story
            countries = self._countries(m)
            for c in countries:
                votes[c] += 3.0 / len(countries)
        # a tie goes to the country first voted for: the first mention's own country before the others
        self.country: str | None = max(votes, key=lambda c: votes[c]) if votes else None
        self.title_mentions = [Match(m.area, m.text, m.score) for m in (self._in_country(t) for t in titled)
                               if self.country is None or m.area.country == self.country]
        found = [self._in_country(m) for m in everything]
        self.mentions: list[Match] = []
        self.org_mentions: list[Match] = []
        for m in found:
            if self.country is not None and m.area.country != self.country:
                continue
            if m.text.lower() in _STOPWORDS:
                continue
            m = _with_article(text, m)
            if _usable(text, m):
                self.mentions.append(m)
            elif m.area.kind != "locality":  # "Gaza's health ministry", "Mission in Ukraine": an area, never a town
                self.org_mentions.append(m)
        # Known places: those kept, and other countries ("the UN mission in Congo"); a province or town
        # abroad named like a word of a local name ("Ain", a French department, in "Ain Zita") does not count.
        self._taken = sorted((m.start or 0, m.end or 0) for m in (*self.mentions, *self.org_mentions,
                                                                  *(m for m in everything if m.area.kind == "country")))
        self._taken_starts = [a for a, _b in self._taken]
        self._known_spans = {(m.start or 0, m.end or 0) for m in everything}  # any known name, here or abroad
        self.localities = self._localities(text)
        self._locality_starts = [a for a, _b, _n in self.localities]
        self._starts = [m.start or 0 for m in self.mentions]
        self._org_starts = [m.start or 0 for m in self.org_mentions]
        self._codes: dict[str, tuple[str | None, str | None]] = {}  # area code -> (admin1 ISO code, ocha: code)

    def _countries(self, m: Match) -> tuple[str, ...]:
        """The countries a mention's name may be in (its own area's first, then the others in code order;
        a set's order would vary with Python's string hashing from run to run)."""
        countries = {a.country for a in self.gaz.candidates(m.text)} or {m.area.country}
        if m.area.country not in countries:
            return tuple(sorted(countries))
        return (m.area.country, *sorted(countries - {m.area.country}))

    def _in_country(self, m: Match) -> Match:
        """The same name's area in the article's country, when it has one there ("Gaza City" in Palestine)."""
        if self.country is None or m.area.country == self.country:
            return m
        area = self.gaz._pick([a.code for a in self.gaz.candidates(m.text)], self.country, None, None)
        return Match(area, m.text, m.score, m.start, m.end) if area is not None else m

    def between(self, start: int, end: int, *, in_org: bool = False) -> list[Match]:
        """Mentions inside [start, end) (with *in_org*: those inside a source's name, "Gaza's health ministry")."""
        pool = self.org_mentions if in_org else self.mentions
        starts = self._org_starts if in_org else self._starts
        out = []
        for k in range(bisect.bisect_left(starts, start), len(pool)):
            m = pool[k]
            if (m.start or 0) >= end:
                break
            if (m.end or 0) <= end:
                out.append(m)
        return out

    def _localities(self, text: str) -> list[tuple[int, int, str]]:
        """Names of places the gazetteer does not know, where the text says a place ("shelling on Tell
        al-Gharbi", "the village of Kafr Nabl", "Ain Zita was hit", "Umm Rifaat, a village in …")."""
        found = [(m.start("on"), m.end("on"), m.group("on")) for m in _LOCALITY.finditer(text)]
        for m in _AFTER_LOCALITY.finditer(text):
            at = m.start()
            window = text[max(0, at - 80):at]
            back = (_APPOSED_BEFORE if m.group().startswith(",") else _SUBJECT_BEFORE).search(window)
            if back is not None and (back.start() > 0 or at <= 80):  # a window cut mid-sentence opens nothing
                found.append((at - len(window) + back.start("name"), at, back.group("name")))
        out = []
        for start, end, name in sorted(set(found)):
            first = name.split()[0].split("-")[-1].removesuffix("'s").removesuffix("’s").lower()
            if first in _NOT_PLACES or name.split()[-1].lower() in _FACILITIES or name.lower() in _STOPWORDS \
                    or name.endswith(("'s", "’s")) or _PEOPLE_AFTER.match(text, end) \
                    or (_NATIONALITY.match(name) and _LOWER_NEXT.match(text, end)):
                continue  # a weekday, a building, a possessive ("Syria's coast"), an adjective ("Israeli strikes")
            if self._taken_between(start, end) or (start, end) in self._known_spans or _ORG_AFTER.match(text[end:end + 60]):
                continue  # a known place ("in Homs"), or a name inside one or inside a source's name
            out.append((start, end, name))
        return out

    def _taken_between(self, start: int, end: int) -> bool:
        """Whether a known place's span overlaps [start, end): those starting at most a name's length
        (:data:`_LONGEST_NAME`) before it and before its end."""
        lo = bisect.bisect_left(self._taken_starts, start - _LONGEST_NAME)
        return any(a < end and start < b for a, b in self._taken[lo:bisect.bisect_left(self._taken_starts, end)])

    def localities_between(self, start: int, end: int) -> list[tuple[int, int, str]]:
        """The unlisted localities named inside [start, end)."""
        out = []
        for k in range(bisect.bisect_left(self._locality_starts, start), len(self.localities)):
            a, b, n = self.localities[k]
            if a >= end:
                break
            if b <= end:
                out.append((a, b, n))
        return out

    def unlisted(self, start: int, end: int, context: list[Match]) -> list[Match]:
        """The unlisted localities named in [start, end), each as a locality under the one area of
        *context* (the claim's other places) finer than a country; under the article's country when
        the context names none finer (a village somewhere in Syria: never the whole of it); under none
        when it names several (a name, no code)."""
        found = self.localities_between(start, end)
        if not found:
            return []
        areas = {x.code: x for m in context for x in self._expand(m) if x.kind != "country" and not x.members}
        parent = next(iter(areas.values())) if len(areas) == 1 else None
        if not areas and self.country:
            parent = self.gaz.areas.get(f"iso:{self.country}")
        country = parent.country if parent is not None else (self.country or "")
        return [Match(Area(code=locality_code(parent.code, n) if parent is not None else locality_code("", n),
                           kind="locality", name=n, country=country, parent=parent.code if parent is not None else None),
                      n, 1.0, a, b) for a, b, n in found]

    def info(self, matches: list[Match]) -> PlaceInfo:
        """Places, country, admin1 codes and P-codes of *matches*."""
        out = PlaceInfo(country=self.country)
        countries = []
        for m in matches:
            if m.text not in out.places:
                out.places.append(m.text)
            countries.append(m.area.country)
            for area in self._expand(m):
                code, p = self._area_codes(area)
                if code and code not in out.admin1:
                    out.admin1.append(code)
                if p and p[5:] not in out.pcodes:
                    out.pcodes.append(p[5:])
                elif p is None and LOCALITY_SEP in area.code and area.parent and area.code not in out.pcodes:
                    out.pcodes.append(area.code)  # a village somewhere in the country: "iso:SY/kafr-shml"
        if countries and (self.country is None or self.country not in countries):
            out.country = countries[0]
        # an unlisted locality's code names its area: the area's own code would say less
        finer = {p.rpartition(LOCALITY_SEP)[0] for p in out.pcodes if LOCALITY_SEP in p}
        out.pcodes = [p for p in out.pcodes if p not in finer]
        return out

    def _area_codes(self, area: Area) -> tuple[str | None, str | None]:
        """The ISO 3166-2 code of *area*'s first-level area and its nearest ``ocha:`` ancestor (memoised)."""
        codes = self._codes.get(area.code)
        if codes is None:
            a1 = self.gaz.admin1(area)
            p = next((c for c in self.gaz.ancestors(area) if c.startswith("ocha:")), None)
            codes = self._codes[area.code] = (a1.iso3166_2 if a1 else None, p)
        return codes

    def _expand(self, m: Match) -> list:
        area = m.area
        if m.text == "Gaza" and area.code == "iso:PS-GZA" and not self.text[m.end or 0:(m.end or 0) + 5].lower().startswith(" city"):
            # "in Gaza" is the Strip, "Gaza City" the governorate
            strip = self.gaz.areas.get("tally:PS-GAZA")
            if strip is not None:
                return self.gaz.expand(strip)
        if area.kind == "country":
            return []
        return self.gaz.expand(area)

# A place name the gazetteer may not know: capitalised words, with Arabic articles ("Tell al-Gharbi",
# "Jisr el-Shughur"), after a word that puts a place there.
_NAME = r"(?:(?:[Aa]l|[Ee]l)-)?[A-Z][\w'’]+(?:(?: |-)(?:(?:al|el|ad|ar|as|an|at|az|ash|ech|es|en|ez)-)?[A-Z][\w'’]+){0,3}"
_LONGEST_NAME = 120  # characters: no place name, known or not, is longer
_LOCALITY = re.compile(
    rf"\b(?:on|in|at|near|around|outside|struck|hit|shelled|bombed|raided|stormed|targeted)\s+(?:the\s+(?:village|town|"
    rf"hamlet|neighbou?rhood|camp|area|suburb)\s+of\s+)?(?P<on>{_NAME})")
# ... and a name that opens a sentence before "was hit", or stands before ", a village": found from
# the words after it (few), the name then read backwards from there.
_AFTER_LOCALITY = re.compile(r"\s+(?:was|were|has\s+been)\s+(?:hit|struck|shelled|bombed|attacked|targeted|stormed|"
                             r"raided)\b|,\s+an?\s+(?:village|town|hamlet|neighbou?rhood|suburb)\b")
_SUBJECT_BEFORE = re.compile(rf"(?:^|[.!?]\s|\n|[—–]\s)(?P<name>{_NAME})$")
_APPOSED_BEFORE = re.compile(rf"(?<![\w'’-])(?P<name>{_NAME})$")
_NOT_PLACES = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july august "
    "september october november december twitter telegram facebook x instagram youtube whatsapp arabic english "
    "french kurdish turkish hebrew russian ukrainian christmas easter eid ramadan new "
    "the a an this that his her their its our several some many "
    "two three four five six seven eight nine ten dozens hundreds thousands at in on an".split())
# A capitalised word before one of these is an adjective, not a place: "on Rohingya families",
# "in Israeli strikes", "in Syrian government airstrikes".
_PEOPLE_AFTER = re.compile(
    r"\s+(?:families|family|people|civilians|refugees|residents|villagers|fighters|forces|troops|positions|militants|"
    r"rebels|soldiers|farmers|workers|children|women|men|communities|homes|strikes?|airstrikes?|air|drones?|shelling|"
    r"attacks?|fire|government|army|military|militias?|police|security|jets|warplanes|planes|bombardments?|bombings?|"
    r"raids?|offensive|missiles?|rockets?|artillery|mortars?|tanks?|naval|authorities|officials|ministry|regime|"
    r"opposition|groups?|gunmen|operations?|occupation|settlers|side|border|territory|aircraft|helicopters?|gunfire|"
    r"snipers?|shells?|barrel|cluster|ground|coalition|backed)\b")
# a single word with a nationality's ending before a lowercase word: "Russian shelling", "Iraqi militia"
_NATIONALITY = re.compile(r"^[A-Z][a-z]+(?:i|ian|ish|ese|an)$")
_LOWER_NEXT = re.compile(r"\s+[a-z]")
_FACILITIES = frozenset(
    "hospital clinic school university mosque church market bakery square street road highway bridge airport base "
    "prison camp centre center office building stadium station hotel".split())

_OFFICE_IN = re.compile(r"\b(?:ministry|authorities|officials|government|office|mission|embassy|spokesman|spokesperson)"
                        r"\s+(?:in|of)\s+(?:the\s+)?$", re.I)  # every match ends with "in", "of" or "the" and a space

_NAME_GOES_ON = re.compile(r"^ [A-Z][a-z]")
_GENERIC_AFTER = re.compile(r"^ (?:City|Camp|District|Province|Governorate|Region|State)\b")
_ARTICLE_AFTER = re.compile(r"^(?:\s+(?:al|el|ad|ar|as|an|at|az|ash|Al|El)-[A-Z]|-[A-Z])")
# Words that open Arabic, Hebrew and Kurdish place names ("Beit Hassan", "Kafr Nabl", "Tell Abyad",
# "Umm Rifaat"): the name after one is part of a longer name, not a place of its own ("Hassan", India).
_NAME_PREFIX_BEFORE = re.compile(
    r"\b(?:Beit|Bayt|Beyt|Kafr|Kfar|Kafar|Tell|Tal|Tel|Ain|Ayn|Ein|Deir|Dayr|Khirbet|Khirbat|Kherbet|Umm|Jisr|"
    r"Maarat|Ma'arat|Ras|Bab|Hay|Hayy|Jabal|Jebel|Wadi|Bir|Qasr|Mazraat|Sheikh|Abu|Bani|Beni|Qalaat|Sidi|Mar)[ -]$")


def _usable(text: str, m: Match) -> bool:
    """False for a name inside a source's name ("Sudan Doctors Network", "the ministry in Damascus"),
    a nationality ("people from South Sudan") or a common word."""
    if m.start is None or m.end is None:
        return True
    after = text[m.end:m.end + 60]
    before = text[max(0, m.start - 40):m.start]
    if _ORG_AFTER.match(after):
        return False
    tail = folded(before.rstrip())
    if (tail is None or (len(tail) < len(before) and tail.endswith(("in", "of", "the")))) and _OFFICE_IN.search(before):
        return False
    if m.area.kind == "country" and re.search(r"\bfrom\s+$", before):
        return False
    if m.area.kind == "locality" and _NAME_GOES_ON.match(after) and not _GENERIC_AFTER.match(after):
        return False  # 'Khirbet' of 'Khirbet Ghazaleh': part of a longer name
    if _ARTICLE_AFTER.match(after):
        return False  # 'Ain' of 'Ain al-Gharbi': part of a longer name the gazetteer does not know
    if _NAME_PREFIX_BEFORE.search(before):
        return False  # 'Hassan' of 'Beit Hassan', 'Hama' of 'Kafr Hama': the same
    return m.text.lower() not in _STOPWORDS


def _with_article(text: str, m: Match) -> Match:
    """'Fasher' found in 'El Fasher' is written 'El Fasher'."""
    if m.start is None:
        return m
    a = _ARTICLE.search(text, max(0, m.start - 4), m.start)
    if not a:
        return m
    return Match(m.area, text[a.start():m.end], m.score, a.start(), m.end)
