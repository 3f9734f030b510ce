"""When: time expressions in a sentence resolved against the publication date, and cumulativeness.

Resolved forms (publication date P):

* "on Tuesday", "Tuesday's strike", "late Monday": the latest such weekday on or before P;
* "yesterday", "last night": P-1; "today", "this morning", "earlier today": P; "overnight": P-1..P;
* "this past weekend", "last weekend", "over the weekend": the latest Saturday..Sunday before P;
* "on March 6", "6 March 2024", "March 3-5", "between 3 and 5 March": those days (a date after
  P without a year is taken to be last year's);
* "since Thursday", "since March 6", "since April 2023", "since the start of the year": from
  that day (month start, 1 January) to P;
* "last week", "this week", "last month", "this month", "this year", "in March", "in 2024",
  "in the past 24 hours", "over the past two weeks", "the past three months": those spans.

Of several expressions the one nearest the count wins.  No expression gives no dates: the
date of the report is never taken for the date of the event.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterator

from tally.extract.cues import may_hold, words_to_try

_WD = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTHS = {m: i + 1 for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july", "august",
                                            "september", "october", "november", "december"])}
_MON_ABBR = {k[:3]: v for k, v in _MONTHS.items()} | {"sept": 9}
_MON = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_NUMW = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
         "a": 1, "several": 3, "few": 3, "twelve": 12, "48": 2, "24": 1, "72": 3}

_PATTERNS = re.compile(
    r"(?P<since>\bsince\s+)?(?:"
    r"(?P<xr>\b(?:between|from)\s+(?P<xa>\d{1,2})(?:st|nd|rd|th)?\s+(?P<xam>" + _MON + r")(?:,?\s+(?P<xay>\d{4}))?\s+(?:and|to|until|through)\s+"
    r"(?P<xb>\d{1,2})(?:st|nd|rd|th)?\s+(?P<xbm>" + _MON + r")(?:,?\s+(?P<xby>\d{4}))?)"
    r"|(?P<yr>\b(?:between|from)\s+(?P<yam>" + _MON + r")\s+(?P<ya>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<yay>\d{4}))?\s+(?:and|to|until|through)\s+"
    r"(?P<ybm>" + _MON + r")\s+(?P<yb>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<yby>\d{4}))?)"
    r"|(?P<range1>\b(?P<r1m>" + _MON + r")\s+(?P<r1a>\d{1,2})(?:st|nd|rd|th)?\s*(?:-|–|to|and|through)\s*(?P<r1b>\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(?P<r1y>\d{4}))?)"
    r"|(?P<range2>\b(?P<r2a>\d{1,2})\s*(?:-|–|to|and)\s*(?P<r2b>\d{1,2})\s+(?P<r2m>" + _MON + r")\b(?:\s+(?P<r2y>\d{4}))?)"
    r"|(?P<md>\b(?P<mdm>" + _MON + r")\s+(?P<mdd>\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(?P<mdy>\d{4}))?)"
    r"|(?P<dm>\b(?P<dmd>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<dmm>" + _MON + r")\b(?:,?\s+(?P<dmy>\d{4}))?)"
    r"|(?P<my>\b(?P<mym>" + _MON + r")\s+(?P<myy>\d{4})\b)"
    r"|(?P<wdr>\b(?:between|from)\s+(?P<wda>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\s+(?:and|to|until|through)\s+(?P<wdb>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b)"
    r"|(?P<wd>\b(?P<wdn>monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?:'s|’s)?\b(?:\s+(?P<wdpart>night|morning|evening|afternoon))?)"
    r"|(?P<yday>\byesterday\b|\blast\s+night\b)"
    r"|(?P<today>\btoday\b|\bthis\s+(?:morning|afternoon|evening)\b|\btonight\b)"
    r"|(?P<overnight>\bovernight\b)"
    r"|(?P<weekend>\b(?:this\s+past|last|over\s+the|at\s+the|past|this)\s+weekend\b)"
    r"|(?P<lastweek>\blast\s+week\b)|(?P<thisweek>\bthis\s+week\b)"
    r"|(?P<lastmonth>\blast\s+month\b)|(?P<thismonth>\bthis\s+month\b)"
    r"|(?P<thisyear>\bthis\s+year\b|\bthe\s+(?:start|beginning)\s+of\s+(?:the\s+|this\s+)?year\b)"
    r"|(?P<past>\b(?:past|last|previous)\s+(?P<pn>\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|several|few)?\s*(?P<pu>hours|days|weeks|months|day|week|month|year)\b)"
    r"|(?P<mon>\b(?:(?:early|mid|late)[\s-]+|the\s+(?:start|beginning|end|middle)\s+of\s+)?(?-i:(?P<monn>January|February|March|April|May|June|July|August|September|October|November|December))\b(?!\s+\d))"
    r"|(?P<year>\b(?:in|during|of)\s+(?:the\s+(?:start|beginning)\s+of\s+)?(?P<yy>20\d\d)\b)"
    r"|(?P<yearsince>(?<=since\s)(?:the\s+(?:start|beginning)\s+of\s+)?(?P<ys>20\d\d)\b)"
    r"|(?P<ago>\b(?P<an>\d+|a|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?P<au>days?|weeks?)\s+ago\b)"
    r")",
    re.IGNORECASE,
)
_CUMULATIVE = re.compile(
    r"\b(?:since|so\s+far|to\s+date|in\s+total|a\s+total\s+of|total(?:led|ed)?|overall\s+toll|cumulative|overall|altogether|"
    r"in\s+all|all\s+told|throughout\s+the\s+war|during\s+the\s+war|of\s+the\s+war|tally|running|remain(?:s|ed)?)\b",
    re.IGNORECASE,
)
_WEAK_CUMULATIVE = re.compile(
    r"\b(?:toll|this\s+year|past\s+(?:\w+\s+)?(?:weeks|months|years|week|month|year)|over\s+the\s+(?:past|last)|documented|"
    r"(?:have|has|had)\s+been\s+(?:\w+\s+)?(?:killed|displaced|detained|arrested|wounded|injured|forced)|during\s+the\s+month|"
    r"in\s+(?:january|february|march|april|may|june|july|august|september|october|november|december)\b)\b",
    re.IGNORECASE,
)
# Words one of which every match of _CUMULATIVE, of _WEAK_CUMULATIVE holds (see tally.extract.cues).
_CUMULATIVE_WORDS = ("since", "far", "date", "total", "overall", "cumulative", "altogether", "all", "war", "tally",
                     "running", "remain")
_WEAK_CUMULATIVE_WORDS = ("toll", "year", "past", "over", "documented", "been", "month", "january", "february", "march",
                          "april", "may", "june", "july", "august", "september", "october", "november", "december")
_COMPARISON = re.compile(r"\b(?:highest|deadliest|worst|largest|biggest|lowest|most\s+\w+)\b[^.;]{0,60}?\bsince\b[^,.;]*",
                         re.IGNORECASE)
_REPORT_DATE = re.compile(
    r"\b(?:said|says|told|reported|announced|stated|added|confirmed|warned|update|statement|briefing)"
    r"(?:\s+(?:the\s+)?(?:[A-Z]\w+|reporters|journalists|media|press|in|a|an|statement|update|briefing)){0,4}"
    r"\s+(?:late\s+|early\s+)?(?:on\s+)?$"
)
_REPORT_WORDS = ("said", "says", "told", "reported", "announced", "stated", "added", "confirmed", "warned", "update",
                 "statement", "briefing")  # one of which every match of _REPORT_DATE holds
# "X said Sunday had been the deadliest day": the day is what was said about, not when it was said.
_DAY_AS_SUBJECT = re.compile(r"\s+(?:had|has|was|is|saw|marked|became|brought|proved|were)\b")
_SINCE_BEFORE = re.compile(r"\bsince\b[^.;,]{0,70}$", re.IGNORECASE)
_COMPARATIVE = re.compile(r"\b(?:highest|deadliest|worst|largest|biggest|lowest|most|first\s+time)\b[^.;]{0,60}\bsince\b",
                          re.IGNORECASE)
_SINGLE = re.compile(
    r"\b(?:on\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|yesterday|overnight|last\s+night|today|"
    r"this\s+morning|in\s+(?:\w+\s+)?(?:shelling|strikes?|airstrikes?|attacks?)|an?\s+(?:\w+\s+){0,2}(?:attack|strike|airstrike|raid|explosion|blast|bombing|ambush|massacre|assault|"
    r"shelling|incident)|the\s+(?:\w+\s+){0,2}(?:attack|strike|airstrike|raid|explosion|blast|bombing|ambush|massacre|"
    r"assault)|when\s+|killing|hit|struck|stormed|single)\b",
    re.IGNORECASE,
)


def resolve_dates(sentence: str, published: dt.date | None, anchor: int) -> tuple[dt.date | None, dt.date | None, bool]:
    """(date_from, date_to, is_since) of the time expression nearest *anchor* in *sentence*."""
    if published is None:
        return None, None, False
    best: tuple[int, tuple[dt.date | None, dt.date | None], bool] | None = None
    for start, end, span, since in _expressions(sentence, published):
        lo, hi = (end, anchor) if end <= anchor else (anchor, start)
        same_clause = not ((sentence.find(",", lo, hi) >= 0 or sentence.find(";", lo, hi) >= 0)
                           and _CLAUSE_BREAK.search(sentence, lo, hi))  # every break holds "," or ";"
        # an expression in the count's own clause first, a "since" period first within it, then the nearest
        dist = abs(((start + end) // 2) - anchor) - (10_000 if since and same_clause else 0) + (0 if same_clause else 5_000)
        if best is None or dist < best[0]:
            best = (dist, span, since)
    if best is None:
        return None, None, False
    return best[1][0], best[1][1], best[2]


# The first word of every alternative of _PATTERNS (a match may also start with a digit): matches are
# tried only where such a word starts, which finds what _PATTERNS.finditer finds, several times faster.
_FIRST_WORDS = frozenset(
    "since between from jan january feb february mar march apr april may jun june jul july aug august sep sept "
    "sepember september oct october nov november dec december monday tuesday wednesday thursday friday saturday "
    "sunday yesterday last today this tonight overnight over at past previous early mid late the in during of "
    "a one two three four five six seven eight nine ten".split())
# Common first words that begin an expression only before one of these words ("20…": a year).
_NEXT_WORDS = {
    "the": ("start", "beginning", "end", "middle"), "in": ("the", "20"), "of": ("the", "20"), "during": ("the", "20"),
    "at": ("the",), "over": ("the",), "this": ("past", "weekend", "morning", "afternoon", "evening", "week", "month", "year"),
    **{w: ("day", "days", "week", "weeks") for w in "a one two three four five six seven eight nine ten".split()},
}
# After a number that begins an expression ("3 March", "3-5 March", "3 to 5", "3 days ago", "12th of May"):
# a digit, "to"/"and" (also run together: "and5"), a month or one of these words.
_AFTER_NUMBER = frozenset("jan january feb february mar march apr april may jun june jul july aug august sep sept sepember "
                          "september oct october nov november dec december of day days week weeks".split())


def _scan(sentence: str) -> Iterator[re.Match[str]]:
    """``_PATTERNS.finditer(sentence)``, trying the pattern only at the start of a word that can begin it.

    Every alternative begins at a word start (``\\b`` or "since "), with a digit or a word of
    _FIRST_WORDS, the commonest of these only before a word of _NEXT_WORDS and a number (not a year)
    only before a word that can follow it; a word with letters outside ASCII is always tried (case
    folding there is Unicode's).
    """
    words, starts, tried, folded_words = words_to_try(sentence, _FIRST_WORDS)
    pos = 0
    for k in tried:
        start = starts[k]
        if start < pos:
            continue
        if folded_words:
            word, after = words[k], words[k + 1] if k + 1 < len(words) else ""
            nxt = _NEXT_WORDS.get(word)
            if nxt is not None and after.isascii() and not (after in nxt or after.startswith("20") and "20" in nxt):
                continue
            if word.isdigit() and not word.startswith("20") and after.isascii() and not (
                    after[:1].isdigit() or after.startswith(("to", "and")) or after in _AFTER_NUMBER):
                continue
        m = _PATTERNS.match(sentence, start)
        if m is not None:
            yield m
            pos = m.end()


_CLAUSE_BREAK = re.compile(r"[;,]\s+(?:raising|bringing|taking|while|whereas|and\s+(?:that|the\s+toll))|;")
_TIME_HINT = re.compile(r"\d|day|night|week|month|year|since|today|overnight|"
                        r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec", re.IGNORECASE)


@functools.lru_cache(maxsize=4096)
def _expressions(sentence: str, published: dt.date) -> tuple[tuple[int, int, tuple[dt.date, dt.date], bool], ...]:
    """Every resolvable time expression of *sentence* (cached: each sentence is asked per count)."""
    if not _TIME_HINT.search(sentence):
        return ()
    out = []
    for m in _scan(sentence):
        lo = max(0, m.start() - 60)
        if any(sentence.find(w, lo, m.start()) >= 0 for w in _REPORT_WORDS) \
                and _REPORT_DATE.search(sentence, lo, m.start()) and not _DAY_AS_SUBJECT.match(sentence, m.end()):
            continue  # "…, the ministry said on Monday": the date of the report, not of the event
        try:
            span = _resolve(m, published)
        except (ValueError, OverflowError, KeyError):
            continue
        if span is None:
            continue
        lo = max(0, m.start() - 75)
        since = bool(m.group("since")) or (may_hold(sentence[lo:m.start()], ("since",))
                                           and bool(_SINCE_BEFORE.search(sentence, lo, m.start())))
        if since and _COMPARATIVE.search(sentence, max(0, m.start() - 90), m.end()):
            continue  # "the highest monthly toll since September": a comparison, not a period
        if since:
            span = (span[0], published)
        out.append((m.start(), m.end(), span, since))
    return tuple(out)  # type: ignore[arg-type]


def is_cumulative(clause: str, has_single_date: bool) -> bool | None:
    """True for a running toll, False for one incident or day, None when the text does not say.

    Strong signs of a running toll ("since", "so far", "toll", "in total", "remain") win over a
    single day; a single day wins over weak signs ("this year", "over the past weeks").
    """
    if may_hold(clause, ("since",)):
        clause = _COMPARISON.sub(" ", clause)
    if may_hold(clause, _CUMULATIVE_WORDS) and _CUMULATIVE.search(clause):
        return True
    if has_single_date:
        return False
    if may_hold(clause, _WEAK_CUMULATIVE_WORDS) and _WEAK_CUMULATIVE.search(clause):
        return True
    if _SINGLE.search(clause):
        return False
    return None


def _year_for(month: int, day: int, published: dt.date, year: str | None) -> int:
    if year:
        return int(year)
    y = published.year
    return y - 1 if dt.date(y, month, min(day, 28)) > published + dt.timedelta(days=1) else y


def _month(name: str) -> int:
    n = name.lower().rstrip(".")
    return _MONTHS.get(n) or _MON_ABBR[n[:4] if n[:4] == "sept" else n[:3]]


def _resolve(m: re.Match[str], p: dt.date) -> tuple[dt.date | None, dt.date | None] | None:
    g = m.group
    if g("xr") or g("yr"):
        am, bm = _month(g("xam") or g("yam")), _month(g("xbm") or g("ybm"))
        a, b = int(g("xa") or g("ya")), int(g("xb") or g("yb"))
        yb = _year_for(bm, b, p, g("xby") or g("yby"))
        ya = int(g("xay") or g("yay")) if (g("xay") or g("yay")) else (yb if am <= bm else yb - 1)
        return dt.date(ya, am, a), dt.date(yb, bm, b)
    if g("range1"):
        mon = _month(g("r1m"))
        y = _year_for(mon, int(g("r1a")), p, g("r1y"))
        return dt.date(y, mon, int(g("r1a"))), dt.date(y, mon, int(g("r1b")))
    if g("range2"):
        mon = _month(g("r2m"))
        y = _year_for(mon, int(g("r2a")), p, g("r2y"))
        return dt.date(y, mon, int(g("r2a"))), dt.date(y, mon, int(g("r2b")))
    if g("md") or g("dm"):
        mon = _month(g("mdm") or g("dmm"))
        day = int(g("mdd") or g("dmd"))
        if g("md") and g("mdm").lower().rstrip(".") == "may" and not g("mdy") and day > 31:
            return None
        d = dt.date(_year_for(mon, day, p, g("mdy") or g("dmy")), mon, day)
        return d, d
    if g("my"):
        mon, y = _month(g("mym")), int(g("myy"))
        return dt.date(y, mon, 1), _month_end(y, mon)
    if g("wd"):
        target = _WD.index(g("wdn").lower())
        back = (p.weekday() - target) % 7
        d = p - dt.timedelta(days=back)
        return d, d
    if g("yday"):
        d = p - dt.timedelta(days=1)
        return d, d
    if g("today"):
        return p, p
    if g("overnight"):
        return p - dt.timedelta(days=1), p
    if g("weekend"):
        back = (p.weekday() - 6) % 7 or (0 if p.weekday() == 6 else 7)
        sun = p - dt.timedelta(days=back)
        return sun - dt.timedelta(days=1), sun
    if g("lastweek"):
        mon = p - dt.timedelta(days=p.weekday() + 7)
        return mon, mon + dt.timedelta(days=6)
    if g("thisweek"):
        return p - dt.timedelta(days=p.weekday()), p
    if g("lastmonth"):
        first = p.replace(day=1) - dt.timedelta(days=1)
        return first.replace(day=1), first
    if g("thismonth"):
        return p.replace(day=1), p
    if g("thisyear"):
        return dt.date(p.year, 1, 1), p
    if g("past"):
        n = g("pn")
        k = int(n) if n and n.isdigit() else _NUMW.get((n or "one").lower(), 1)
        unit = g("pu").lower().rstrip("s")
        days = {"hour": k / 24, "day": k, "week": 7 * k, "month": 30 * k, "year": 365 * k}[unit]
        return p - dt.timedelta(days=max(1, round(days))), p
    if g("wdr"):
        a, b = _WD.index(g("wda").lower()), _WD.index(g("wdb").lower())
        end = p - dt.timedelta(days=(p.weekday() - b) % 7)
        return end - dt.timedelta(days=(b - a) % 7), end
    if g("mon"):
        mon = _MONTHS[g("monn").lower()]
        y = p.year if mon <= p.month else p.year - 1
        return dt.date(y, mon, 1), min(_month_end(y, mon), p) if (y, mon) == (p.year, p.month) else _month_end(y, mon)
    if g("year") or g("yearsince"):
        y = int(g("yy") or g("ys"))
        return dt.date(y, 1, 1), min(dt.date(y, 12, 31), p)
    if g("ago"):
        n = g("an").lower()
        k = int(n) if n.isdigit() else _NUMW.get(n, 1)
        if g("au").lower().startswith("day"):
            d = p - dt.timedelta(days=k)
            return d, d
        end = p - dt.timedelta(days=7 * (k - 1) + 1)
        return end - dt.timedelta(days=6), end
    return None


def _month_end(y: int, mon: int) -> dt.date:
    nxt = dt.date(y + (mon == 12), mon % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)
