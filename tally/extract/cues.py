"""Cheap, exact pre-tests that let a sentence skip a costly case-insensitive pattern.

A pattern such as ``\\b(?:according\\s+to|citing)`` scans every position of a sentence; asking first
whether the sentence holds one of the words any match must contain ("according", "citing") costs
a substring search.  The test is exact only if it can never say no where the pattern would match:
under ``re.IGNORECASE`` four letters outside ASCII match ASCII ones (İ ı ſ K, see the ``re``
documentation), so a sentence holding any of them is always given to the pattern.
"""

from __future__ import annotations

import functools
import re
from itertools import accumulate


def folded(text: str) -> str | None:
    """*text* in lower case, for substring tests of lower-case ASCII words; None when such a test
    could miss a case-insensitive match (the text holds İ, ı, ſ or K)."""
    if text.isascii():
        return text.lower()
    return None if "\u0130" in text or "\u0131" in text or "\u017f" in text or "\u212a" in text else text.lower()


def may_hold(text: str, words: tuple[str, ...]) -> bool:
    """False only when *text* holds none of *words* (lower-case ASCII) in any case: a pattern whose
    every match contains one of them cannot match it."""
    low = folded(text)
    return low is None or any(w in low for w in words)


_WORDS = re.compile(r"(\w+)")


@functools.lru_cache(maxsize=16)  # numbers and dates split the same sentence in turn
def words_at(text: str) -> tuple[list[str], list[int]] | None:
    """The words (runs of ``\\w``) of *text* in lower case and the offset where each starts, or None
    when :func:`folded` refuses the text.  Split and summed in C: far cheaper than a match per word."""
    low = folded(text)
    if low is None:
        return None
    parts = _WORDS.split(low)  # separator, word, separator, word, ..., separator
    return parts[1::2], list(accumulate(map(len, parts)))[0:-1:2]


_RUN = re.compile(r"\w+")


def words_to_try(text: str, first: frozenset[str]) -> tuple[list[str], list[int], list[int], bool]:
    """Words of *text*, their offsets, and the indices of those a pattern may begin at: a word of
    *first*, a word that begins with a digit, or one with letters outside ASCII.  When :func:`folded`
    refuses the text the words are as written and every one is to be tried (the last item is False)."""
    at = words_at(text)
    if at is None:
        runs = list(_RUN.finditer(text))
        return [m.group() for m in runs], [m.start() for m in runs], list(range(len(runs))), False
    words, starts = at
    if text.isascii():
        return words, starts, [k for k, w in enumerate(words) if w in first or w[0] in "0123456789"], True
    return words, starts, [k for k, w in enumerate(words) if w in first or w[0].isdigit() or not w.isascii()], True
