"""Flags for reading: a toll's flags grouped by kind, the first few of each shown and the rest counted.

A country-wide toll on 100,000 claims may carry hundreds of flags, one or two per cluster of
figures; the CLI's table and the report show them this way, the JSON and the exports keep every one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class FlagGroup:
    """Flags of one kind as a reader is shown them (:func:`summarise_flags`): the first few, and how many more."""

    kind: str
    shown: list[str]
    more: int = 0


# the flags that name a source, a place or a number before saying what they are (see tally.reconcile: rules, tolls)
_FLAG_KINDS = (
    (re.compile(r"no single source covers all\b"), "no single source covers all"),
    (re.compile(r"figures more than an order of magnitude apart\b"), "figures more than an order of magnitude apart"),
    (re.compile(r".+ figure .+ is below the [\d,]+ named victims"), "a source's figure below the named victims"),
    (re.compile(r".+ figure .+ for a wider scope .+ is below this scope's low"), "a wider figure below this scope's low"),
)


def flag_kind(flag: str) -> str:
    """What a flag is about: one of the kinds that name a source or place first ("no single source
    covers all"), else the words before its colon ("category mismatch", "correction"), else its
    first five words."""
    for pattern, kind in _FLAG_KINDS:
        if pattern.match(flag):
            return kind
    head, sep, _rest = flag.partition(":")
    return head if sep and len(head) <= 40 else " ".join(flag.split()[:5])


def summarise_flags(flags: Sequence[str], *, each: int = 3, few: int = 12) -> list[FlagGroup]:
    """*flags* for reading: all of them when there are at most *few*; else grouped by
    :func:`flag_kind`, in order of first appearance, the first *each* of a kind shown and the rest
    counted.  A country-wide toll on 100,000 claims may carry hundreds of flags, one or two per
    cluster; the JSON and the exports keep every one."""
    if len(flags) <= few:
        return [FlagGroup("", list(flags))] if flags else []
    groups: dict[str, list[str]] = {}
    for f in flags:
        groups.setdefault(flag_kind(f), []).append(f)
    return [FlagGroup(kind, fs[:each], max(0, len(fs) - each)) for kind, fs in groups.items()]
