"""Article text in, claims out: the one entry point of claim extraction.

``extract_claims(text, published=…, outlet=…)`` splits the text into sentences, finds the
quantities of each, attaches each to its own event and victims (:mod:`.events`), and fills in
who says so (:mod:`.sources`, with attribution carried over from a neighbouring sentence of the
same paragraph and the outlet as the last resort), where (:mod:`.places`), when (:mod:`.dates`,
against the publication date) and by whom (:mod:`.perpetrators`).  A figure in a heading that
the body repeats is reported once, from the body; two different claims with the same number are
kept apart.  Non-English text is skipped with a note.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
from dataclasses import dataclass, field

from tally.core.gazetteer import Gazetteer, Match
from tally.core.models import Claim, Source
from tally.core.quantities import interpret
from tally.extract.cues import may_hold
from tally.extract.dates import is_cumulative, resolve_dates
from tally.extract.events import PREVIOUS, attach
from tally.extract.language import detect_language
from tally.extract.numbers import find_quantities
from tally.extract.perpetrators import find_perpetrator
from tally.extract.places import PlaceFinder
from tally.extract.sentences import Sentence, split_sentences
from tally.extract.sources import Attribution, Entity, SourceResolver

_HAS_DIGIT_OR_WORD = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozen|dozens|hundreds|thousands|"
    r"scores|several|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|millions|few|handful|number|numerous|tens|"
    r"\w+teen|hundred|thousand|million)\b",
    re.IGNORECASE,
)


_LOOK_BACK = 6  # sentences of the same paragraph searched for a missing source, date or place
MAX_CHARS = 2_000_000  # characters of an article that are read (a long UN report is ~300,000); linear beyond


@dataclass(frozen=True)
class ExtractionResult:
    """Claims of one article, the sources they cite (with aliases), its language and notes."""

    claims: list[Claim] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    language: str = "en"
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {"claims": [c.model_dump(mode="json") for c in self.claims],
                "sources": [s.model_dump(mode="json", exclude={"id"}) for s in self.sources],
                "language": self.language, "notes": list(self.notes)}


@dataclass
class _Draft:
    sentence: Sentence
    attached_event: str
    fields: dict[str, object]
    entity: Entity | None
    has_date: bool
    prev: _Draft | None = None  # the claim a back-reference ("That amounts to …") continues
    final: dict[str, object] | None = None


def extract_claims(text: str, *, published: dt.datetime | dt.date | None, outlet: str | None,
                   title: str | None = None, gazetteer: Gazetteer | None = None,
                   country: str | None = None) -> ExtractionResult:
    """Claims stated in article *text* published at *published* by *outlet* (*country*: the ISO
    code of the country it was gathered for, a prior in the vote on the article's country)."""
    # The cyclic garbage collector is paused while an article is read: extraction makes many small
    # objects and no reference cycles, and each of the collector's passes would walk the whole
    # gazetteer (a tenth of the time on a long article).  It runs again afterwards.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _extract(text, published, outlet, title, gazetteer, country)
    finally:
        if enabled:
            gc.enable()


def _extract(text: str, published: dt.datetime | dt.date | None, outlet: str | None, title: str | None,
             gazetteer: Gazetteer | None, country: str | None) -> ExtractionResult:
    text = text or ""
    pub = published.date() if isinstance(published, dt.datetime) else published
    language = detect_language(((title or "") + "\n" + text)[:20000])
    if language != "en":
        return ExtractionResult([], [], language, [f"skipped: text is not English (detected {language!r})"])
    notes: list[str] = []
    if len(text) > MAX_CHARS:
        # No news article is this long; bounding the work keeps any input fast (offsets stay valid).
        cut = text.rfind("\n", 0, MAX_CHARS)
        text = text[: cut if cut > MAX_CHARS // 2 else MAX_CHARS]
        notes.append(f"text longer than {MAX_CHARS:,} characters: only the first {len(text):,} were read")
    sentences, datelines = split_sentences(text)
    resolver = SourceResolver(text, outlet)
    places = PlaceFinder(text, gazetteer, title, country)
    attributions: list[list[Attribution]] = []
    drafts: list[_Draft] = []
    for s in sentences:
        atts = resolver.attributions(s.text, s.start)
        attributions.append(atts)
        quantities = find_quantities(s.text)  # none where _HAS_DIGIT_OR_WORD finds nothing
        if not quantities:
            continue
        for a in attach(s.text, quantities):
            prev = None
            if a.event == PREVIOUS:
                # the claim this figure continues: in this paragraph or the one before
                prev = drafts[-1] if drafts and drafts[-1].sentence.paragraph >= s.paragraph - 1 else None
                if prev is None:
                    continue
                a.event = str(prev.fields["event"])
            if a.event is None:
                continue
            q = a.quantity
            try:
                low, high, best = interpret(q.count, q.qualifier, q.vague_word)  # type: ignore[arg-type]
            except ValueError:
                low = high = best = None
            d_from, d_to, since = resolve_dates(s.text, pub, q.start)
            entity = _nearest(atts, q.start)
            drafts.append(_Draft(s, a.event, {
                "event": a.event, "count": q.count, "qualifier": q.qualifier, "vague_word": q.vague_word,
                "low": low, "high": high, "best": best, "victims": a.victims, "victims_text": a.victims_text,
                "date_from": d_from, "date_to": d_to,
                "cumulative": None, "_since": since,
                "perpetrator": find_perpetrator(s.text), "quote": s.text, "start": s.start, "end": s.end,
                "_q": q.start,
            }, entity, d_from is not None, prev))
    claims: list[Claim] = []
    used: list[Entity] = []
    used_ids: set[int] = set()
    outlet_used = False
    last_dated: dict[str, object] | None = None
    last_span: dict[str, object] | None = None  # the last figure dated to more than one day (or "since")
    by_index = {s.index: s for s in sentences}
    for d in _drop_heading_repeats(drafts, title):
        entity = d.entity or _neighbour_source(d.sentence, sentences, attributions, by_index)
        if entity is not None and id(entity) not in used_ids:  # one Source per entity object
            used.append(entity)
            used_ids.add(id(entity))
        if entity is None:
            outlet_used = outlet_used or bool(outlet)
        f = dict(d.fields)
        f.pop("_q")
        since = bool(f.pop("_since"))
        f["source"] = entity.name if entity else outlet
        # Another count of the same thing ("over the same period", "has verified", "its own list") is of
        # the last figure's period and places (that figure: *span*), not of a one-day aside between them
        # ("37 killed on Tuesday").
        span = last_span if last_span is not None and may_hold(d.sentence.text, _PARALLEL_WORDS) \
            and _PARALLEL.search(d.sentence.text) is not None else None
        if not d.has_date and span is not None:
            # before the continuation below: "X, which keeps its own list, put the figure at N" after an
            # aside is X's count of the main figure, not a continuation of the aside
            f["date_from"], f["date_to"], since = span["date_from"], span["date_to"], bool(span["_since"])
        elif not d.has_date and d.prev is not None and d.prev.final is not None:
            f["date_from"], f["date_to"] = d.prev.final["date_from"], d.prev.final["date_to"]
            since = bool(d.prev.final["_since"])
        elif not d.has_date and last_dated is not None and may_hold(d.sentence.text, _SAME_PERIOD_WORDS) \
                and _SAME_PERIOD.search(d.sentence.text):
            f["date_from"], f["date_to"] = last_dated["date_from"], last_dated["date_to"]
            since = bool(last_dated["_since"])
        elif not d.has_date and not (may_hold(d.sentence.text, ("since",)) and _SINCE.search(d.sentence.text)):
            f["date_from"], f["date_to"] = _neighbour_date(d.sentence, sentences, pub)
        single = f["date_from"] is not None and f["date_from"] == f["date_to"] and not since
        f["cumulative"] = True if since else is_cumulative(d.sentence.text, single)
        if f["date_from"] is not None and f["date_to"] is not None and f["cumulative"] is None:
            days = (f["date_to"] - f["date_from"]).days  # type: ignore[operator]
            f["cumulative"] = days >= 2  # one day, a night or a weekend is one incident; three days or more a running count
        if span is not None and not d.has_date and not places.between(d.sentence.start, d.sentence.end):
            info = span["_info"]  # type: ignore[assignment]
        elif d.prev is not None and d.prev.final is not None and not places.between(d.sentence.start, d.sentence.end) \
                and _countrywide(d.sentence, places) is None:
            info = d.prev.final["_info"]  # type: ignore[assignment]  # "Of those, 149 were civilians": where those were
        else:
            info = places.info(_sentence_places(d.sentence, sentences, places, datelines, gazetteer or places.gaz))
        f.update(places=info.places, country=info.country, admin1=info.admin1, pcodes=info.pcodes)
        if f["date_from"] is not None:
            last_dated = {"date_from": f["date_from"], "date_to": f["date_to"], "_since": since, "_info": info}
            if since or f["date_from"] != f["date_to"]:
                last_span = last_dated
        d.final = {**f, "_since": since, "_info": info}
        claims.append(Claim(**f))  # type: ignore[arg-type]
    sources = [e.source() for e in used]
    if outlet_used and outlet and all(s.name != outlet for s in sources):
        sources.append(Source(name=outlet, kind="outlet"))
    if not claims and any(_HAS_DIGIT_OR_WORD.search(s.text) for s in sentences):
        notes.append("no casualty figures found")
    return ExtractionResult(claims, sources, language, notes)


# Another count of the same thing as an earlier figure: "over the same period", "a separate count",
# "has verified".
_PARALLEL_TEXT = (r"same\s+(?:period|month|week)|separate\s+count|own\s+(?:count|tally|list)|so\s+far\s+verified|"
                  r"ha[sd]\s+verified|by\s+the\s+count\s+of|(?:a|another)\s+(?:second|third|fourth)\s+group|"
                  r"ha(?:s|ve)\s+confirmed")
_PARALLEL = re.compile(rf"\b(?:{_PARALLEL_TEXT})\b", re.I)
# A figure that says it covers the period of an earlier one: a parallel count, or an update of it
# ("the same day", "put the toll at", "the toll rose to").
_SAME_PERIOD = re.compile(rf"\b(?:{_PARALLEL_TEXT}|same\s+(?:days?|time)|put\s+the\s+(?:toll|figure|number|count)|"
                          r"later\s+(?:put|raised|revised)|toll\s+(?:had\s+|has\s+)?(?:rose|risen|climbed|reached))\b", re.I)
# Words one of which every match holds (see tally.extract.cues).
_PARALLEL_WORDS = ("same", "separate", "own", "verified", "count", "group", "confirmed")
_SAME_PERIOD_WORDS = (*_PARALLEL_WORDS, "put", "later", "toll")
_SINCE = re.compile(r"\bsince\b", re.I)


def _nearest(atts: list[Attribution], pos: int) -> Entity | None:
    if not atts:
        return None
    return min(atts, key=lambda a: abs(a.pos - pos)).entity


def _neighbour_source(s: Sentence, sentences: list[Sentence], atts: list[list[Attribution]],
                      by_index: dict[int, Sentence]) -> Entity | None:
    """Attribution from the same paragraph: the nearest earlier sentence, else the next one."""
    for i in range(s.index - 1, max(-1, s.index - 1 - _LOOK_BACK), -1):
        if sentences[i].paragraph != s.paragraph:
            break
        if atts[i]:
            return atts[i][-1].entity
    nxt = s.index + 1
    if nxt < len(sentences) and sentences[nxt].paragraph == s.paragraph and atts[nxt]:
        return atts[nxt][0].entity
    return None


def _neighbour_date(s: Sentence, sentences: list[Sentence], pub: dt.date | None) -> tuple[dt.date | None, dt.date | None]:
    """The time of the nearest earlier sentence of the same paragraph that gives one (not a "since")."""
    for i in range(s.index - 1, max(-1, s.index - 1 - _LOOK_BACK), -1):
        if sentences[i].paragraph != s.paragraph:
            break
        d_from, d_to, since = resolve_dates(sentences[i].text, pub, len(sentences[i].text))
        if d_from is not None:
            return (None, None) if since else (d_from, d_to)
    return None, None


def _sentence_places(s: Sentence, sentences: list[Sentence], places: PlaceFinder, datelines: list,
                     gaz: Gazetteer) -> list[Match]:
    """Places of the sentence, else of the previous sentences of its paragraph, else the dateline or lead;
    the article's country for a figure the sentence says is countrywide."""
    country = _countrywide(s, places)
    if country is not None:
        return [country]
    found = places.between(s.start, s.end)
    if found:
        return found + places.unlisted(s.start, s.end, found)
    if may_hold(s.text, _AREA_WIDE_WORDS) and _AREA_WIDE.search(s.text):
        found = places.between(s.start, s.end, in_org=True)  # "Gaza's health ministry said the toll …": its area
        if found:
            return found
    # A village the gazetteer does not know lies in the place named nearby: the previous sentences',
    # else the dateline's or the lead's; with no village of its own, the sentence takes theirs.
    def named(t: Sentence) -> bool:
        return bool(places.localities_between(t.start, t.end))

    def around() -> list[Match]:
        found = _dateline_places(datelines, places, gaz) or _lead_places(sentences, places)
        if all(m.area.kind == "country" for m in found) and any(m.area.kind != "country" for m in places.title_mentions):
            return places.title_mentions  # "Deadly airstrike hits Aleppo" says more than a lead naming only Syria
        return found or places.title_mentions

    own = named(s)
    for i in range(s.index - 1, max(-1, s.index - 1 - _LOOK_BACK), -1):
        t = sentences[i]
        if t.paragraph != s.paragraph:
            break
        found = places.between(t.start, t.end)
        if found or (not own and named(t)):  # "Ain Zita was hit … Among the dead were …": Ain Zita's
            found = found or around()
            return found + places.unlisted(*((s.start, s.end) if own else (t.start, t.end)), found)
    found = around()
    return found + places.unlisted(s.start, s.end, found)


def _countrywide(s: Sentence, places: PlaceFinder) -> Match | None:
    """The article's country when the sentence says its figure covers the whole country ("249 people
    killed nationwide", "Across the country, 223 …", "223 deaths across Syria, most of them in Homs")
    and names no smaller place before saying so ("70 killed in Homs, the most across the country" is Homs')."""
    if places.country is None or not may_hold(s.text, _COUNTRYWIDE_WORDS):
        return None
    cue = _COUNTRYWIDE.search(s.text)
    if cue is None:
        return None
    named = places.between(s.start, s.end)
    if any((m.start or 0) < s.start + cue.start() and m.area.kind != "country" for m in named):
        return None
    if cue.group("country") is not None:  # "across Syria": only the article's own country is the country
        at = s.start + cue.start("country")
        said = next((m for m in named if m.start == at), None)
        if said is None or said.area.kind != "country" or said.area.country != places.country:
            return None
        return said
    area = places.gaz.areas.get(f"iso:{places.country}")
    return None if area is None else Match(area, area.name, 1.0)


# "nationwide", "across the country", "throughout Syria" (a capitalised name: checked to be the country)
_COUNTRYWIDE = re.compile(
    r"\b(?:(?i:nation-?wide|country-?wide|in\s+the\s+(?:whole|entire)\s+country|(?:across|throughout|all\s+over)\s+"
    r"the\s+(?:whole\s+|entire\s+)?country)|(?i:across|throughout|all\s+over)\s+(?P<country>[A-Z][\w'’-]+))\b")
_COUNTRYWIDE_WORDS = ("nation", "country", "across", "throughout", "all over")


_AREA_WIDE = re.compile(r"\b(?:since|toll|total|so\s+far|territory|strip|country|nationwide|across)\b", re.I)
_AREA_WIDE_WORDS = ("since", "toll", "total", "far", "territory", "strip", "country", "nationwide", "across")


def _dateline_places(datelines: list, places: PlaceFinder, gaz: Gazetteer) -> list[Match]:
    """The place of the first dateline that names one in the article's country (computed once per article)."""
    cached = getattr(places, "_dateline", None)
    if cached is None:
        cached = []
        for dl in datelines:
            m = gaz.resolve(dl.place, country=places.country, fuzzy=False)
            if m is not None and (places.country is None or m.area.country == places.country):
                cached = [Match(m.area, dl.place, m.score, dl.start, dl.start + len(dl.place))]
                break
        places._dateline = cached  # type: ignore[attr-defined]
    return cached


def _lead_places(sentences: list[Sentence], places: PlaceFinder) -> list[Match]:
    """Places of the first body sentence that names any (computed once per article)."""
    cached = getattr(places, "_lead", None)
    if cached is None:
        cached = []
        first = next((m for m in places.mentions if m.start is not None), None)
        if first is not None:
            t = next((t for t in sentences if not t.heading and t.start <= (first.start or 0) < t.end), None)
            if t is None:  # the first mention is in a heading; take the first body sentence that has one
                t = next((t for t in sentences if not t.heading and places.between(t.start, t.end)), None)
            cached = places.between(t.start, t.end) if t is not None else []
        places._lead = cached  # type: ignore[attr-defined]
    return cached


def _drop_heading_repeats(drafts: list[_Draft], title: str | None) -> list[_Draft]:
    """A figure in a heading (or a first line equal to the title) that the body repeats is dropped."""
    def is_heading(d: _Draft) -> bool:
        return d.sentence.heading or (bool(title) and d.sentence.index == 0 and d.sentence.text.strip() == (title or "").strip())

    body = {(d.fields["event"], d.fields["best"]) for d in drafts if not is_heading(d)}
    return [d for d in drafts if not is_heading(d) or (d.fields["event"], d.fields["best"]) not in body]
