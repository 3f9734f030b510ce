"""Article text -> paragraphs and sentences with character offsets; datelines and wire credits.

Splitting is a single left-to-right regex pass (linear time).  A full stop ends a sentence unless
it closes a known abbreviation ("Gen.", "U.N.", "a.m."), an initial ("J. Smith") or a number.
A dateline that opens a paragraph ("KYIV (AFP) —", "KHARTOUM, Sudan, March 3 (Reuters) -") is
recorded as such so that the wire agency is never taken for the source of a figure, and its place
is kept as a fallback location.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ABBREV = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "sgt", "cpl", "pte", "brig", "adm",
    "gov", "sen", "rep", "st", "mt", "ft", "no", "nos", "vs", "etc", "inc", "ltd", "co", "corp", "jr", "sr",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "approx", "est",
    "u.s", "u.n", "u.k", "e.g", "i.e", "a.m", "p.m", "dept", "govt", "int'l",
}

# Sentence ends at . ! ? (with closing quotes/brackets) followed by space and an opener, or a newline.
_END = re.compile(r"[.!?]{1,4}+[\"'”’)\]]{0,3}+(?=[ \t\u00a0]{1,20}+[\"“'‘(\[]?[A-Z0-9])|\n+")
_DATELINE = re.compile(
    r"^\s{0,5}(?P<place>[A-Z][A-Z .'\-]{1,40}?)(?:,\s?[A-Z][\w .'\-]{1,30}?){0,3}"
    r"(?:,?\s*(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}))?\s*"
    r"(?:\((?P<agency>[A-Za-z][\w .&/\-]{0,30})\)\s*)?[-—–]{1,2}\s*"
)
_LAST_WORD = re.compile(r"[\w.']+$")
_INITIALS = re.compile(r"(?:\w\.)+\w")  # "U.N", "a.m"
_CREDIT = re.compile(r"\((?:Reporting|Writing|Editing|Additional reporting)\b[^)]*\)\s*$", re.I)


@dataclass(frozen=True)
class Sentence:
    """One sentence: its text, offsets in the article, paragraph number and index."""

    text: str
    start: int
    end: int
    paragraph: int
    index: int
    heading: bool = False


@dataclass(frozen=True)
class Dateline:
    """A wire dateline at the head of a paragraph: its place (as written) and agency, if any."""

    place: str
    agency: str | None
    start: int
    end: int


def split_sentences(text: str) -> tuple[list[Sentence], list[Dateline]]:
    """Sentences of *text* (offsets into *text*) and the datelines found at paragraph starts."""
    sentences: list[Sentence] = []
    datelines: list[Dateline] = []
    para = 0
    for pm in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", text):
        block, base = pm.group(0), pm.start()
        heading = block.lstrip().startswith("#")
        offset = 0
        dm = _DATELINE.match(block[:160])
        if dm and dm.group("place").strip().isupper() and len(dm.group("place").strip()) >= 3:
            datelines.append(Dateline(dm.group("place").strip().title(), dm.group("agency"), base, base + dm.end()))
            offset = dm.end()
        tail = max(0, len(block) - 300)
        cm = _CREDIT.search(block, tail)
        stop = cm.start() if cm else len(block)
        _split_block(block, base, offset, stop, para, heading, sentences)
        para += 1
    return sentences, datelines


def _split_block(block: str, base: int, pos: int, stop: int, para: int, heading: bool, out: list[Sentence]) -> None:
    start = pos
    for m in _END.finditer(block, pos, stop):
        if m.group(0).startswith("."):
            word = _LAST_WORD.search(block, max(start, m.start() - 20), m.start())
            w = word.group(0).lower() if word else ""
            if w in _ABBREV or (len(w) == 1 and w.isalpha()) or _INITIALS.fullmatch(w):
                continue
        end = m.end() if not m.group(0).startswith("\n") else m.start()
        _add(block, base, start, end, para, heading, out)
        start = m.end()
    _add(block, base, start, stop, para, heading, out)


def _add(block: str, base: int, start: int, end: int, para: int, heading: bool, out: list[Sentence]) -> None:
    seg = block[start:end]
    lead = len(seg) - len(seg.lstrip())
    seg = seg.strip()
    if heading:
        hashes = len(seg) - len(seg.lstrip("#"))
        lead += hashes + (len(seg[hashes:]) - len(seg[hashes:].lstrip()))
        seg = seg.lstrip("#").strip()
    if not seg:
        return
    s = base + start + lead
    out.append(Sentence(seg, s, s + len(seg), para, len(out), heading))
