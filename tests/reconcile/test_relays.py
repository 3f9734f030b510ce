"""R2's search for the figure a claim joins: the same figures as a plain reference implementation."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

import pytest

from tally.reconcile.figures import ClaimRow
from tally.reconcile.rules import (
    Figure,
    _compatible,
    _detail,
    _relay_order,
    _settled,
    _with_source,
    collapse_relays,
)
from tally.reconcile.scope import Places, default_places

PL = default_places()
AREAS = [(), ("ocha:SY06",), ("ocha:SY0602",), ("ocha:SY0601",), ("ocha:SY06", "ocha:SY05"), ("ocha:SY04",),
         ("iso:SY",)]


def _reference(claims: list[ClaimRow], places: Places) -> list[Figure]:
    """collapse_relays as it was before figures were found by the tail of a list (2026-11-25): each
    figure filed under every day an incident's relay may be dated."""
    figures: list[Figure] = []
    # Keys are flat tuples (source, figure, cumulative, day[, governorates]): the search differs,
    # the claims' order and numbering are the rule's own.
    prep = _relay_order(claims, places)
    by_key: dict[tuple[object, ...], list[Figure]] = defaultdict(list)
    by_loose: dict[tuple[object, ...], list[Figure]] = defaultdict(list)

    # Only claims without an anchor look figures up regardless of place, and only unattributed
    # relays look them up regardless of source: file figures under those keys only where asked.
    loose = {(s, k, c.cumulative, d) for c, k, d, anchor in prep if anchor is None for s in (c.source, None)}
    relayed = {(None, k, c.cumulative, d) for c, k, d, _a in prep if not c.attributed and c.relays_others}
    loose_some = {key[:3] for key in loose}
    relayed_some = {key[:3] for key in relayed}

    none: list[Figure] = []

    def lookup(source: str | None, k: int, cumulative: bool, d: int | None,
               anchor: tuple[str, ...] | None) -> tuple[list[Figure], ...]:
        if anchor is None:
            return (by_loose.get((source, k, cumulative, d), none),)
        return by_key.get((source, k, cumulative, d, anchor), none), by_key.get((source, k, cumulative, d, None), none)

    for c, k, d, anchor in prep:
        src, cumulative = c.source, c.cumulative
        target = next((f for fs in lookup(src, k, cumulative, d, anchor) for f in fs
                       if _compatible(f.claim, c, places)), None)
        if target is None and not c.attributed and c.relays_others:
            target = next((f for fs in lookup(None, k, cumulative, d, anchor) for f in fs
                           if f.source != src and f.claim.attributed and _compatible(f.claim, c, places)), None)
        if target is None:
            target = Figure(c, [])
            figures.append(target)
            own_loose = (src, k, cumulative) in loose_some
            relays = (None, k, cumulative) in relayed_some
            relays_loose = relays and (None, k, cumulative) in loose_some
            for day in ((None,) if d is None else range(d - 3, d + 4)):  # see _days
                by_key[(src, k, cumulative, day, anchor)].append(target)
                if own_loose and (src, k, cumulative, day) in loose:
                    by_loose[(src, k, cumulative, day)].append(target)
                if relays and (None, k, cumulative, day) in relayed:
                    by_key[(None, k, cumulative, day, anchor)].append(target)
                    if relays_loose and (None, k, cumulative, day) in loose:
                        by_loose[(None, k, cumulative, day)].append(target)
        target.claims.append(c)
        if target.claim is not c and _detail(c) > _detail(target.claim):
            target.claim = c if c.source == target.source else _with_source(c, target.source)
    return _settled(figures)



def _stream(seed: int, n: int = 400) -> list[ClaimRow]:
    """Claims of a few sources with few distinct figures, places and days: many near-relays."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        cumulative = rng.random() < 0.3
        start = dt.date(2025, 3, 1) + dt.timedelta(days=rng.randrange(12))
        end = None if rng.random() < 0.05 else start + dt.timedelta(days=rng.choice([0, 0, 1, 3]))
        best = float(rng.choice([1, 2, 3, 5]))
        attributed = rng.random() < 0.6
        out.append(ClaimRow(
            id=rng.randrange(10**6) * 1000 + i, source=rng.choice(["A", "B", "Outlet 1", "Outlet 2"]),
            event="killed", victims=rng.choice(["civilians", "children", "all"]), low=best, high=best, best=best,
            areas=rng.choice(AREAS), date_from=rng.choice([None, start]), date_to=end, cumulative=cumulative,
            reported=(end or start) + dt.timedelta(days=rng.randrange(3)), attributed=attributed,
            relays_others=not attributed and rng.random() < 0.8))
    return out


def _shape(figures: list[Figure]) -> list[tuple[object, ...]]:
    return [(f.source, f.claim.id, f.claim.source, [c.id for c in f.claims], f.date, f.start, f.end)
            for f in figures]


@pytest.mark.parametrize("seed", range(40))
def test_collapse_relays_finds_the_figures_of_the_reference(seed):
    claims = _stream(seed)
    assert _shape(collapse_relays(claims, PL)) == _shape(_reference(claims, PL))
