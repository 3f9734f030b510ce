"""Numbers as newsrooms write them, and the one place their interpretation rules live.

Simulation writes the gold claims with these rules and extraction codes claims with them, so a
claim's ``low``/``high``/``best`` mean the same thing everywhere.  The rules follow ACLED's
conservative coding: never read more into a text than it states.

=====================  ==============  ==========  ===========  =================================
text                   qualifier       low         high         best
=====================  ==============  ==========  ===========  =================================
"47", "forty-seven"    ``exact``       n           n            n
"at least 47", "47+"   ``at_least``    n           None         n
"more than 47"         ``more_than``   n + 1       None         n
"about 47"             ``about``       n           n            n
"up to 47"             ``up_to``       None        n            n
"dozens of"            ``vague``       VAGUE[w]    None         VAGUE[w]
=====================  ==============  ==========  ===========  =================================

``over``/``upwards of`` are ``more_than``; ``around``/``nearly``/``some``/``roughly`` are
``about`` (a figure, not a bound); ``up to``/``as many as`` are ``up_to``.  "a dozen" is the
exact number 12, "dozens" the vague word.  Vague words and their values are :data:`VAGUE`:
"several"/"a few"/"a handful"/"a number of"/"numerous" 3, "dozens" 12, "scores" 20, "hundreds" 100, "thousands" 1,000, "tens of
thousands" 10,000, "hundreds of thousands" 100,000.

:func:`parse_number` reads digits ("1,400", "1,400+", "1.2 million", "3k"), words ("seven",
"forty-seven", "two hundred and five", "a dozen", "half a million") and mixtures ("2 million").
:func:`read_number` is the same but answers None for text that is not a number.
:func:`to_words` writes an integer in English words (the inverse, for the simulator).
"""

from __future__ import annotations

import math
import re
from typing import Any

from tally.core.types import Qualifier

VAGUE: dict[str, float] = {
    "a few": 3,
    "few": 3,
    "several": 3,
    "a dozen or so": 12,
    "dozens": 12,
    "scores": 20,
    "tens": 10,
    "hundreds": 100,
    "thousands": 1_000,
    "tens of thousands": 10_000,
    "hundreds of thousands": 100_000,
    "millions": 1_000_000,
    # written by news reports and read by extraction; the same conservative value as "several"
    "a handful": 3,
    "handful": 3,
    "a number": 3,
    "numerous": 3,
}

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_SPECIAL = {"a dozen": 12, "dozen": 12, "a": 1, "an": 1, "half": 0.5, "a half": 0.5, "a couple": 2,
            "a couple of": 2, "couple": 2}
_SUFFIX = {"k": 1_000, "m": 1_000_000, "mn": 1_000_000, "bn": 1_000_000_000}

# A count of individually named or verified victims: a floor, not an estimate of the total.
_NAMED = re.compile(r"\b(?:named|by name|names? of|identified|verified|individually)\b", re.I)


def counts_named(victims_text: str | None, quote: str | None) -> bool:
    """True if a figure counts individually named or verified victims ("111 named cases", "verified
    deaths"), as its victims text or its sentence says: such a count is a floor, never the whole
    (reconciliation's rule R5).  The store keeps the answer with each claim (``claims.named``)."""
    return bool((victims_text or quote) and _NAMED.search(f"{victims_text or ''} {quote or ''}"))


RANGE_DASH = "–"  # between the two ends of a range's count text ("1,200–1,500", qualifier "between")
_DOT_GROUPS = re.compile(r"^\d{1,3}(?:\.\d{3})+$")
_DIGITS = re.compile(r"^(\d{1,3}(?:[,\u202f\u00a0 ]\d{3})+|\d+)(?:\.(\d+))?$")


def parse_number(text: str) -> float:
    """The value of a number as written: "seven", "1,400+", "1.2 million", "forty-seven" → float.

    Raises :class:`ValueError` when *text* is not a number.
    """
    s = text.strip().lower().rstrip("+").strip()
    s = s.replace("\u2011", "-").replace("\u2010", "-")
    if not s:
        raise ValueError(f"not a number: {text!r}")
    if s in _SPECIAL and s not in {"a", "an", "half", "a half"}:
        return float(_SPECIAL[s])
    if _DOT_GROUPS.match(s):  # "1.200": thousands grouped by dots (a count is never 1.2 people)
        return float(s.replace(".", ""))
    m = _DIGITS.match(s)
    if m:
        return _digits(m)
    # digits with a scale word or suffix: "1.2 million", "3k", "2 thousand"
    m = re.match(r"^([\d.,\u202f\u00a0 ]*\d)\s*(k|m|mn|bn|hundred|thousand|million|billion)$", s)
    if m:
        inner = _DIGITS.match(m.group(1).strip())
        if inner:
            return _digits(inner) * (_SUFFIX.get(m.group(2)) or _SCALES[m.group(2)])
    return _words(s, text)


def read_number(text: str | None) -> float | None:
    """:func:`parse_number` that answers None instead of raising, for text that may not be a number."""
    if not text:
        return None
    try:
        return parse_number(text)
    except ValueError:
        return None


def _digits(m: re.Match[str]) -> float:
    whole = re.sub(r"[,\u202f\u00a0 ]", "", m.group(1))
    return float(f"{whole}.{m.group(2)}") if m.group(2) else float(whole)


def _words(s: str, original: str) -> float:
    tokens = [t for t in re.split(r"[\s-]+", s.replace(",", " ")) if t and t != "and"]
    if not tokens:
        raise ValueError(f"not a number: {original!r}")
    total, current, seen = 0.0, 0.0, False
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t in ("a", "an") and i + 1 < len(tokens) and tokens[i + 1] in ("dozen", "half"):
            i += 1
            t = tokens[i]
        if t == "half":
            current += 0.5
        elif t == "dozen":
            current = (current or 1) * 12
        elif t in ("a", "an") and i + 1 < len(tokens) and tokens[i + 1] in _SCALES:
            current = current or 1  # "a million", "half a million"
        elif t in _UNITS:
            current += _UNITS[t]
        elif t in _TENS:
            current += _TENS[t]
        elif t in _SCALES:
            scale = _SCALES[t]
            if scale == 100:
                current = (current or 1) * 100
            else:
                total += (current or 1) * scale
                current = 0.0
        elif m := _DIGITS.match(t):
            current += _digits(m)
        else:
            raise ValueError(f"not a number: {original!r}")
        seen = True
        i += 1
    if not seen:
        raise ValueError(f"not a number: {original!r}")
    return total + current


def interpret(count_text: str | None, qualifier: Qualifier, vague_word: str | None = None
              ) -> tuple[float | None, float | None, float | None]:
    """``(low, high, best)`` of a stated quantity under the conservative rules of this module."""
    if qualifier == "vague" or count_text is None:
        if vague_word is None:
            return None, None, None
        key = vague_word.strip().lower()
        key = re.sub(r"\s+of$", "", key)
        value = VAGUE.get(key)
        if value is None:
            raise ValueError(f"unknown vague quantity: {vague_word!r}")
        return value, None, value
    if qualifier == "between":  # "1,200–1,500": the range; best its low end (conservative, as "at least")
        low_text, sep, high_text = count_text.partition(RANGE_DASH)
        if not sep:
            raise ValueError(f"a range is written low{RANGE_DASH}high: {count_text!r}")
        lo, hi = parse_number(low_text), parse_number(high_text)
        return lo, hi, lo
    n = parse_number(count_text)
    if qualifier == "exact":
        return n, n, n
    if qualifier == "at_least":
        return n, None, n
    if qualifier == "more_than":
        return n + 1, None, n
    if qualifier == "about":
        return n, n, n
    if qualifier == "up_to":
        return None, n, n
    raise ValueError(f"unknown qualifier: {qualifier!r}")


_WORD_UNITS = [k for k, _ in sorted(_UNITS.items(), key=lambda kv: kv[1])]
_WORD_TENS = {v: k for k, v in _TENS.items()}


def to_words(n: int) -> str:
    """*n* (0 ≤ n < 10⁹) in English words: 47 → "forty-seven", 205 → "two hundred and five"."""
    if n < 0 or n >= 1_000_000_000:
        raise ValueError(f"out of range: {n}")
    if n < 20:
        return _WORD_UNITS[n]
    if n < 100:
        tens, unit = divmod(n, 10)
        return _WORD_TENS[tens * 10] + (f"-{_WORD_UNITS[unit]}" if unit else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return f"{_WORD_UNITS[hundreds]} hundred" + (f" and {to_words(rest)}" if rest else "")
    for scale, word in ((1_000_000, "million"), (1_000, "thousand")):
        if n >= scale:
            big, rest = divmod(n, scale)
            head = f"{to_words(big)} {word}"
            if not rest:
                return head
            return head + (" and " if rest < 100 else " ") + to_words(rest)
    raise AssertionError("unreachable")


def format_count(value: Any) -> str:
    """A number of people as tally prints it: thousands separators, integers without decimals, and
    figures of 100 or more (estimates, interval bounds from posterior quantiles) in whole persons."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if not math.isfinite(value):
            return "—"
        return f"{value:,.0f}" if value == round(value) or abs(value) >= 100 else f"{value:,.1f}"
    return str(value)


def format_range(low: Any, high: Any) -> str:
    """A reported range as tally prints it: "1,200–1,450", one figure when both ends agree, "—" for
    none, "?" for an open end."""
    if low is None and high is None:
        return "—"
    if low == high:
        return format_count(low)
    return f"{format_count(low) if low is not None else '?'}–{format_count(high) if high is not None else '?'}"
