"""Quantities in a sentence: the number as written, its qualifier and vague word, with offsets.

Finds digits ("1,400", "1.2 million", "1,400+"), number words ("seven", "twenty-three",
"a dozen", "two hundred") and vague quantities ("dozens of", "hundreds", "several"), reads the
qualifier written before them ("at least", "more than", "some", "up to") and drops numbers that
are plainly not counts of people: years, ages ("65-year-old", "ages 3 and 9"), times, dates,
percentages, money, durations and distances.  What the number counts is decided in
:mod:`tally.extract.events`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from tally.core.quantities import RANGE_DASH, read_number
from tally.extract.cues import folded, words_to_try

_UNITS = ("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
          "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety").split()
_WORDNUM = sorted(_UNITS, key=len, reverse=True)
_W = "|".join(_WORDNUM)
_SCALE = r"(?:hundred|thousand|million|billion)"
_NUMBER = re.compile(
    r"(?<![\w.,])(?:"
    r"(?P<digits>\d{1,3}(?:,\d{3})++(?:\.\d+)?"
    # thousands grouped by dots ("1.200": a count of people is never 1.2) or by thin or no-break spaces
    r"|\d{1,3}(?:\.\d{3})++(?![\d.,]|\s?(?:million|billion|thousand|m\b|bn\b))|\d{1,3}(?:[\u202f\u00a0]\d{3})++"
    r"|\d++(?:\.\d+)?)(?:\s?(?P<dscale>million|billion|thousand|m\b|bn\b))?(?P<plus>\+)?"
    r"|(?P<words>(?:a|one|two|three|four|five|six|seven|eight|nine|ten)\s+dozen"
    r"|(?:" + _W + r")(?:[\s\-](?:and\s)?(?:" + _W + r"|" + _SCALE + r")){0,5}+"
    r"|a\s+(?:hundred|thousand|million|dozen))"
    r"|(?P<vague>tens\s+of\s+thousands|hundreds\s+of\s+thousands|dozens|hundreds|thousands|millions|scores"
    r"|several|a\s+few|a\s+handful|a\s+number|numerous|tens)"
    r")(?![\w])",
    re.IGNORECASE,
)
# The first word of a match of _NUMBER when it is not a number in digits: matches are tried only where
# such a word starts, which finds what _NUMBER.finditer finds, several times faster.
_FIRST_WORDS = frozenset([*_UNITS, "a", "tens", "hundreds", "thousands", "millions", "dozens", "scores", "several",
                          "numerous"])


def _numbers(sentence: str) -> Iterator[re.Match[str]]:
    """``_NUMBER.finditer(sentence)``, trying the pattern only at the start of a word that can begin it.

    A match begins where no word character precedes, with a digit or a word of _FIRST_WORDS that ends
    at a space, a hyphen or the match's end; a word with letters outside ASCII is always tried.
    """
    _, starts, tried, _ = words_to_try(sentence, _FIRST_WORDS)
    pos = 0
    for k in tried:
        if starts[k] < pos:
            continue
        m = _NUMBER.match(sentence, starts[k])
        if m is not None:
            yield m
            pos = m.end()


_QUALIFIERS = [
    ("at_least", r"at\s+least|no\s+fewer\s+than|no\s+less\s+than|a\s+minimum\s+of|at\s+minimum"),
    ("more_than", r"more\s+than|over|upwards\s+of|in\s+excess\s+of|above|well\s+over|just\s+over"),
    ("about", r"about|around|approximately|roughly|some|nearly|almost|close\s+to|an\s+estimated|estimated"
              r"|an\s+approximate|approx\.|just\s+under|fewer\s+than|less\s+than|under"),
    ("up_to", r"up\s+to|as\s+many\s+as|as\s+much\s+as"),
]
_QUAL_RE = re.compile(r"(?:(?P<q>" + "|".join(f"(?P<{k}>{p})" for k, p in _QUALIFIERS) + r")\s+)$", re.IGNORECASE)
# How every match of _QUAL_RE ends, before the spaces: text ending otherwise cannot match.
_QUAL_ENDS = tuple("least than of minimum over above about around approximately roughly some nearly almost to "
                   "estimated approximate approx. under as".split())

_MONTHS = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_AFTER_SKIP = re.compile(
    r"^(?:\s?(?:-|–)?\s?(?:year|month|week|day)s?[\s-]old|-year|-month|-day|-week|-hour|-storey|-kilometre|-km|-mile|"
    r"\s?%|\s?(?:per\s?cent|percent|pc\b)|\s?(?:am|pm|a\.m\.|p\.m\.|GMT|UTC|h\b|hrs\b|o'clock)|"
    r"\s?(?:years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|nights?|km|kilomet(?:er|re)s?|miles?|"
    r"met(?:er|re)s?|kg|tonnes?|tons?|dollars?|euros?|pounds?|usd|times|percentage)\b|"
    r"\s?(?:st|nd|rd|th)\b|\s" + _MONTHS + r"\b|:\d|/\d|\.\d|\s?-\s?\d|\s?(?:to|and)\s+\d+\s+years\b)",
    re.IGNORECASE,
)
_BEFORE_SKIP = re.compile(
    r"(?:\b(?:aged?|ages|age\s+of|aged\s+between|born\s+in|in|since|of|from|until|by|year|early|late|mid|"
    + _MONTHS + r"|no\.?|number|resolution|route|brigade|division|article|page|level|phase|grade|unit|block|"
    r"building|street|road|highway|flight|zone|sector|district|ward|camp|kilometre|km|mile|chapter|section|"
    r"covid|mh|top|rank(?:ed)?|first|last|past|next|previous)|[$£€#]|-)\s?$",
    re.IGNORECASE,
)
# How every match of _BEFORE_SKIP ends, before a space: text ending otherwise cannot match.
_BEFORE_ENDS = tuple(
    "age aged ages of between in since from until by year early late mid jan january feb february mar march apr april "
    "may jun june jul july aug august sep sept september oct october nov november dec december no no. number "
    "resolution route brigade division article page level phase grade unit block building street road highway flight "
    "zone sector district ward camp kilometre km mile chapter section covid mh top rank ranked first last past next "
    "previous $ £ € # -".split())
# "between March 6 and 10", "March 6-10": the second number is a day too
_DAY_AFTER_DAY = re.compile(r"\b" + _MONTHS + r"\.?\s+\d{1,2}(?:st|nd|rd|th)?\s*(?:and|to|until|through|-|–)\s*$",
                            re.IGNORECASE)
_AGE_BEFORE = re.compile(r"\bage[sd]?\s*(?:between\s+)?$|\bages?\s+of\s+$", re.IGNORECASE)
_AGE_AFTER = re.compile(r"^\s?-?\s?years?[\s-]old|-year", re.IGNORECASE)
_AGE_LIST_GAP = re.compile(r"\s*(?:,|and|or|to|,\s*and)\s*")  # "ages 3 and 9", "aged 4, 7 and 9"
_HYPHEN_UNIT = re.compile(r"^\s*(?:-|–)\s*(?:year|month|week|day|storey)", re.IGNORECASE)
_YEAR = re.compile(r"^(?:1[89]\d\d|20\d\d)$")


@dataclass(frozen=True)
class Quantity:
    """A written quantity in a sentence (offsets relative to the sentence)."""

    count: str | None  # the number as written; None for a vague quantity
    qualifier: str
    vague_word: str | None
    start: int  # including the qualifier words
    end: int
    num_start: int
    num_end: int


def find_quantities(sentence: str) -> list[Quantity]:
    """Every quantity in *sentence* that could count people, in order."""
    out: list[Quantity] = []
    prev_age_end = -10
    taken = -1  # the end of a range's high end, read with its low end
    for m in _numbers(sentence):
        s, e = m.start(), m.end()
        if s < taken:
            continue
        after = sentence[e:e + 40]
        before = sentence[max(0, s - 25):s]
        dash = _dash_range(sentence, m) if m.group("digits") and not m.group("dscale") else None
        if dash is not None and not _before_blocks(before, m):  # "30-40 people", "1,200–1,500 civilians"
            _q, qs = _qualifier(sentence, s)
            out.append(Quantity(f"{m.group('digits')}{RANGE_DASH}{dash.group(1)}", "between", None, qs, dash.end(), s,
                                dash.end()))
            taken = dash.end()
            continue
        if m.group("digits") or m.group("words"):
            if _AFTER_SKIP.match(after) or _before_blocks(before, m) or (
                    m.group("digits") and _DAY_AFTER_DAY.search(before) and not _people_like(after)):
                if _AGE_BEFORE.search(before) or _AGE_AFTER.match(after):
                    prev_age_end = e
                continue
            # "ages 3 and 9", "aged 4, 7 and 9": a number right after an age is an age too.
            if _AGE_LIST_GAP.fullmatch(sentence[prev_age_end:s] if prev_age_end >= 0 else "x"):
                prev_age_end = e
                continue
            if m.group("digits") and not m.group("dscale") and _YEAR.match(m.group("digits")):
                if not re.match(r"^\s+(?:people|civilians|persons|were|have|had|killed|dead|died|others)\b", after, re.I):
                    continue
        word = m.group(0)
        low = word.lower()
        if m.group("words") and low in ("one",) and re.match(r"^\s+(?:of|another|side|day|week|year|month)\b", after, re.I):
            continue
        if m.group("words") and _HYPHEN_UNIT.match(after):
            continue
        q, qs = _qualifier(sentence, s)
        vague = m.group("vague")
        if vague:
            vw = re.sub(r"\s+", " ", vague.lower())
            if vw == "a number":
                vw = "a number of"
            if vw in ("a number", "a handful") and not re.match(r"^\s+of\b", after, re.I):
                continue
            if vw in ("several", "numerous", "a few", "tens") and not _people_like(after):
                continue
            if vw in ("dozens", "hundreds", "thousands", "millions", "scores") and re.match(r"^\s+of\s+(?:years|times|km|miles|metres|meters|dollars)\b", after, re.I):
                continue
            out.append(Quantity(None, "vague", vw, qs, e, s, e))
            continue
        count = word
        qual = q or ("at_least" if m.group("plus") else "exact")
        out.append(Quantity(count, qual, None, qs, e, s, e))
    return _ranges(sentence, out)


_DASH = re.compile(r"\s?[-–]\s?(\d{1,3}(?:,\d{3})+|\d+)(?![\w.,])")


def _dash_range(sentence: str, m: re.Match[str]) -> re.Match[str] | None:
    """The high end of a range written with a dash after the number *m* ("30-40 people"), or None: the
    second number larger, neither a year, and no unit or month after it ("20-30 km", "10-12 March")."""
    d = _DASH.match(sentence, m.end())
    if d is None:
        return None
    lo, hi = read_number(m.group("digits")), read_number(d.group(1))
    if lo is None or hi is None or lo >= hi or _YEAR.match(m.group("digits")) or _YEAR.match(d.group(1)):
        return None
    return None if _AFTER_SKIP.match(sentence[d.end():d.end() + 40]) else d


_RANGE_BETWEEN = re.compile(r"\bbetween\s+$", re.IGNORECASE)
_RANGE_AND = re.compile(r"^\s+and\s+$", re.IGNORECASE)
_RANGE_TO = re.compile(r"^\s+to\s+$", re.IGNORECASE)
_RANGE_FROM = re.compile(r"\bfrom\s+$", re.IGNORECASE)


def _ranges(sentence: str, found: list[Quantity]) -> list[Quantity]:
    """Two counts that are the ends of one range made one quantity: "between 1,200 and 1,500", "(some) 200
    to 300" (not "from 1,200 to 1,500", a change), the second larger and unqualified."""
    out: list[Quantity] = []
    i = 0
    while i < len(found):
        a = found[i]
        b = found[i + 1] if i + 1 < len(found) else None
        if b is not None and a.count and b.count and a.qualifier in ("exact", "about") and b.qualifier == "exact":
            gap, before = sentence[a.end:b.start], sentence[max(0, a.start - 12):a.start]
            word = _RANGE_BETWEEN.search(before) if _RANGE_AND.match(gap) else None  # "between … and …"
            to = _RANGE_TO.match(gap) is not None and _RANGE_FROM.search(before) is None
            lo, hi = read_number(a.count), read_number(b.count)
            if (word or to) and lo is not None and hi is not None and lo < hi:
                start = a.start - (len(before) - word.start()) if word else a.start  # from "between" on
                out.append(Quantity(f"{a.count}{RANGE_DASH}{b.count}", "between", None, start, b.end, a.num_start,
                                    b.num_end))
                i += 2
                continue
        out.append(a)
        i += 1
    return out


def _before_blocks(before: str, m: re.Match[str]) -> bool:
    end = folded(before.rstrip())
    if end is not None and not end.endswith(_BEFORE_ENDS):
        return False
    if not _BEFORE_SKIP.search(before):
        return False
    tail = before.rstrip().lower()
    # "in 2023" blocks; "in 12 villages" does not, but "in" before a small count is harmless to keep.
    if re.search(r"\b(?:in|of|from|by|since|until|past|last|next|first|top|previous)$", tail):
        digits = m.group("digits")
        if digits and _YEAR.match(digits):
            return True
        return bool(re.search(r"\b(?:past|last|next|first|previous|top)$", tail))  # "the past 24", "the first two"
    return True


def _people_like(after: str) -> bool:
    return bool(re.match(r"^\s+(?:of\s+)?(?:\w+\s+){0,2}?(?:people|civilians|persons|children|women|men|soldiers|fighters|"
                         r"residents|families|villagers|others|homes|houses|killed|dead|died|wounded|injured|were|more|"
                         r"members|officers|policemen|troops|militants|workers|journalists|patients|bodies|deaths|detainees)\b",
                         after, re.I))


def _qualifier(sentence: str, start: int) -> tuple[str | None, int]:
    before = sentence[max(0, start - 30):start]
    end = folded(before.rstrip())
    if end is not None and (len(end) == len(before) or not end.endswith(_QUAL_ENDS)):
        return None, start
    m = _QUAL_RE.search(before)
    if not m:
        return None, start
    kind = next(k for k, _ in _QUALIFIERS if m.group(k))
    word = m.group("q").lower()
    if word in ("fewer than", "less than", "under", "just under"):
        kind = "up_to"
    if word == "over" and re.search(r"\b(?:fighting|clashes|attacks?|strikes?)\s+over\s+$", before, re.I):
        return None, start
    return kind, start - (len(before) - m.start())
