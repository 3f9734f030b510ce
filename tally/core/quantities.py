"""How tally reads a written quantity: the one place where the rules live.

``parse_number(text)`` reads a number as written: digits ("1,400", "1.2 million", "1,400+"),
words ("seven", "twenty-three", "a dozen", "two hundred") or both ("3 million").

``interpret(count_text, qualifier, vague_word)`` turns a claim's written quantity into tally's
``(low, high, best)``.  The rules, after ACLED's conservative coding of vague figures:

==========================  ===============================  =====================================
qualifier                   example                          (low, high, best)
==========================  ===============================  =====================================
exact                       "12 people"                      (12, 12, 12)
at_least                    "at least 12", "12+"             (12, None, 12)   open-ended: high None
more_than                   "more than 12", "over 12"        (13, None, 13)   the next whole number
about                       "about 12", "nearly 12"          (12, 12, 12)     the figure itself
up_to                       "up to 12"                       (0, 12, 12)      best is the bound
vague + vague word          "dozens", "hundreds"             see VAGUE below; high None
==========================  ===============================  =====================================

Vague words (low = best = the conservative ACLED value, high None):
"a few" 3, "several" 3, "a number of" 3, "scores" 20, "dozens" 12, "tens" 10, "hundreds" 100,
"thousands" 1,000, "tens of thousands" 10,000, "hundreds of thousands" 100,000, "millions" 1,000,000.
Unknown vague words give (None, None, None).  "more than 1.2 million" and "1,400+" keep decimals
and thousand separators; a count that cannot be read gives (None, None, None).
"""

from __future__ import annotations

import math
import re

UNITS = {
    "zero": 0, "one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
# Counting nouns that stand for an exact number: "a dozen" is 12, "two dozen" 24, "a score" 20.
COUNT_NOUNS = {"dozen": 12, "score": 20, "couple": 2, "pair": 2}

VAGUE = {
    "a few": 3, "few": 3, "several": 3, "a number of": 3, "a handful": 3, "handful": 3, "some": 3,
    "many": 3, "numerous": 3, "scores": 20, "dozens": 12, "tens": 10, "hundreds": 100,
    "thousands": 1_000, "tens of thousands": 10_000, "hundreds of thousands": 100_000,
    "millions": 1_000_000,
}

_DIGITS = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?\s*\+?$")
_MIXED = re.compile(r"^(\d+(?:[.,]\d+)?)\s*(hundred|thousand|million|billion|m|bn|k)\+?$")


def parse_number(text: str | None) -> float | None:
    """The value of a number as written ("seven", "a dozen", "1.2 million", "1,400+"), or None."""
    if not text:
        return None
    s = text.strip().lower().replace("\u2009", "").replace("\u00a0", " ")
    s = re.sub(r"\s+", " ", s).rstrip("+").strip()
    if not s:
        return None
    m = _DIGITS.match(s)
    if m:
        whole = float(m.group(1).replace(",", ""))
        return whole + (float("0." + m.group(2)) if m.group(2) else 0.0)
    m = _MIXED.match(s)
    if m:
        scale = {"m": 1_000_000, "bn": 1_000_000_000, "k": 1_000}.get(m.group(2)) or SCALES[m.group(2)]
        return float(m.group(1).replace(",", "")) * scale
    return _parse_words(s)


def _parse_words(s: str) -> float | None:
    words = [w for w in re.split(r"[\s\-]+", s.replace(" and ", " ")) if w]
    if not words:
        return None
    total, current, seen = 0.0, 0.0, False
    for i, w in enumerate(words):
        if w in ("a", "an") and i + 1 < len(words) and (words[i + 1] in SCALES or words[i + 1] in COUNT_NOUNS):
            current, seen = 1, True
        elif w in UNITS and w not in ("a", "an"):
            current += UNITS[w]
            seen = True
        elif w in TENS:
            current += TENS[w]
            seen = True
        elif re.fullmatch(r"\d+(?:\.\d+)?", w):
            current += float(w)
            seen = True
        elif w in COUNT_NOUNS:
            current = (current or 1) * COUNT_NOUNS[w]
            seen = True
        elif w == "hundred":
            current = (current or 1) * 100
            seen = True
        elif w in SCALES:
            total += (current or 1) * SCALES[w]
            current, seen = 0, True
        else:
            return None
    return total + current if seen else None


def interpret(count_text: str | None, qualifier: str, vague_word: str | None = None) -> tuple[float | None, float | None, float | None]:
    """tally's ``(low, high, best)`` for a written quantity, by the rules in this module's docstring."""
    if count_text is None or qualifier == "vague":
        key = (vague_word or "").strip().lower()
        if count_text is not None and qualifier == "vague":
            n = parse_number(count_text)
            if n is not None:  # "thousands" written with a figure is unusual; keep the figure
                return n, None, n
        value = VAGUE.get(key)
        if value is None:
            return None, None, None
        return float(value), None, float(value)
    n = parse_number(count_text)
    if n is None:
        return None, None, None
    if count_text.strip().endswith("+") and qualifier == "exact":
        qualifier = "at_least"
    if qualifier == "at_least":
        return n, None, n
    if qualifier == "more_than":
        nxt = math.floor(n) + 1.0
        return nxt, None, nxt
    if qualifier == "up_to":
        return 0.0, n, n
    return n, n, n
