"""The reconciliation rules: relays, running tolls, non-overlapping sums, ranges and flags.

The rules are stated once, in :data:`RULES`, which the report's methodology section prints; the
functions below implement them in that order.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Final

from tally.core.quantities import format_count
from tally.reconcile.figures import ClaimRow
from tally.reconcile.scope import (
    Cells,
    Places,
    Scope,
    category_overlap,
    category_rank,
    category_within,
    event_within,
)

# Final: compiled (mypyc), the rules read these as C constants and statics, not from the module's
# dict at each of the hundreds of thousands of uses on a national question.
CONTESTED_RATIO: Final = 2.0  # independent figures for the same thing further apart than this: contested
MAGNITUDE_RATIO: Final = 10.0  # ... and further apart than this: flagged as an order of magnitude apart
INCIDENT_SLACK: Final = 1  # days: incident figures of different sources this far apart may be the same killings
_PAD: Final = dt.timedelta(days=INCIDENT_SLACK)
_FIRST_DAY: Final = dt.date.min.toordinal()  # a figure's lo when its start is unknown
_LAST_DAY: Final = dt.date.max.toordinal()  # ... and its hi when its end is
_NO_DATE: Final = dt.date.max  # R2 takes claims without a date last
_NO_DAY: Final = dt.date.min.toordinal()  # R4 orders figures without a date first
_LONG: Final = 31  # days; longer figures are kept per governorate, not per day (_Index.LONG)

RULES = f"""\
R1 Scope. A toll answers for a scope: places (admin areas; village in district in governorate in
   country; a village the gazetteer lacks is coded under the area reports name with it, or the
   country when they name none, its name folded so that spellings agree: incidents in two such
   villages are apart, and a village somewhere in the country is not the whole country), a
   period, a victim category (all = civilians + security forces + fighters + unknown; civilians
   include women, children, families) and an event (executed counts as killed). Only
   figures that lie inside the scope on every axis make up its toll. Figures that contain the
   scope only bound it: they are checked against it, never split or counted. Figures that
   straddle its edge are left out. A running count whose stated period is a single day, and a
   count of verified or named victims without a period, count everyone so far: their start is
   unknown, so they lie inside only scopes without a start date.
R2 Relays. A figure relayed by many outlets is one claim of its source with many reports: claims
   of the same source with the same event, victims and numbers, and compatible places and start,
   are one figure, dated by its first report; every report is kept as provenance (reports,
   outlets). An outlet's unattributed figure equal to one another source published earlier for
   the same thing is a relay of that source. Repetition is not corroboration: independence is
   counted in sources, never in reports.
R3 Running tolls. A source's cumulative figures for the same event, victims, places and start are
   a time series. The latest figure supersedes the earlier ones (listed as superseded). A latest
   figure below an earlier one is a correction: flagged, and the higher earlier figures are
   discounted as contradicted by the same source. A vague figure ("hundreds", coded 100) never
   lowers a series, nor does a round figure the text hedges within its rounding unit ("over
   1,200" or "nearly 1,200" after 1,209), nor a range that holds the earlier figure ("between
   1,200 and 1,500" after 1,383): below an earlier figure they are consistent with it, and
   the latest figure they do not contradict stands, they are listed as superseded.
R4 Sums within a source. A source's figures are taken largest extent first (places, then days,
   then victim category) and a figure is added only if it overlaps none already counted in place,
   period and victim category. So incident figures (one day, one village) add up only where no
   cumulative figure of the same source already contains them, and a daily figure is never added
   to a running toll that includes that day. A figure that overlaps counted ones without lying in
   any of them ("2 children killed in Damascus"; "32 civilians killed in a village there", that
   day) takes their place if it is larger than they are together: the larger account, never both.
R5 Sums across sources. Figures of different sources that overlap describe the same killings and
   form one cluster (incident figures of different sources {INCIDENT_SLACK} day apart count as
   overlapping: news dates an incident by the day of the report or the day before); clusters that
   do not overlap (other places, days or victim categories) are added. Within a cluster a source
   is complete if its figures contain every other figure there; the cluster's low and high are
   the lowest and highest complete figure (UCDP-style), and its
   best is the lowest complete figure (conservative, as ACLED codes conflicting reports), raised
   to any larger partial figure, since a part cannot exceed the whole. Counts of individually
   named or verified victims ("111 named cases") are floors, never complete. With no complete
   source, the largest figure is low and best, and the high is the figures of the source with the
   widest figure (largest extent as in R4, named counts aside) plus the high of the other figures
   that those do not contain, found by these rules again: no figure is added to one containing it.
R6 Documented and estimated. documented is the number of distinct linked persons whose records fall
   in the scope (records when no linkage has run, flagged); a person is of unknown status only if
   no list gives one. best is never below it. estimated is
   the multiple-systems estimate whose stratum is exactly this scope, else the sum of the strata of
   one estimation run that make the scope up exactly (a stratum straddling the scope's edge is
   never split), with the interval of the sum (posterior draws added) and the strata's warnings;
   strata that could not be estimated add only their observed people, and say so. A victim
   category (civilians …) whose places and period hold people of no recorded status (a list that
   records none) is apportioned instead: the all-victims estimate of those places and period times
   the category's share among the people there with a recorded status (posterior draws times Beta
   draws of the share, so the interval carries both), stated in the warnings with its assumption
   (status missing at random); else the category's own estimate, warned that it may run low.
R7 Flags. The figure of a source that covers the whole scope (complete in every cluster) below
   the documented count; a correction; a figure for a narrower category or smaller area above the
   figure containing it (category mismatch, part exceeds whole); figures more than
   {MAGNITUDE_RATIO:g}x apart; reported figures outside the estimate's interval; an estimate whose
   interval lies below the documented count; a wider figure below this scope's low; rejected claims.
"""


# -- R1: scope ----------------------------------------------------------------------------------

def relation(c: ClaimRow, scope: Scope, places: Places) -> str:
    """``inside`` | ``bounds`` | ``outside``: how claim *c* stands to *scope* (R1)."""
    if (event_within(c.event, scope.event) and category_within(c.victims, scope.victims)
            and places.within(c.areas, scope.places) and _period_within(c.start, c.end, scope.date_from, scope.date_to)):
        return "inside"
    if (event_within(scope.event, c.event) and category_within(scope.victims, c.victims)
            and bool(c.areas) and bool(scope.places) and places.within(scope.places, c.areas)
            and _period_contains(c.start, c.end, scope.date_from, scope.date_to)):
        return "bounds"
    return "outside"


def _period_within(s: dt.date | None, e: dt.date | None, outer_s: dt.date | None, outer_e: dt.date | None) -> bool:
    if outer_s is not None and (s is None or s < outer_s):
        return False
    if outer_e is not None and (e is None or e > outer_e):
        return False
    return True


def _period_contains(s: dt.date | None, e: dt.date | None, inner_s: dt.date | None, inner_e: dt.date | None) -> bool:
    # an open scope end means "to date": a wider figure reported later still bounds it
    if s is not None and (inner_s is None or inner_s < s):
        return False
    if inner_e is None:
        return e is not None and (inner_s is None or e >= inner_s)
    return e is not None and e >= inner_e


# -- R2: relays ---------------------------------------------------------------------------------

@dataclass
class Figure:
    """One figure of one source: its representative claim and every report of it."""

    claim: ClaimRow
    claims: list[ClaimRow] = field(default_factory=list)
    superseded: list[int] = field(default_factory=list)
    correction: bool = False
    source: str = ""  # who gives the figure (the first claim's source; relays keep it)
    # Set when the figure is complete (:func:`_settled`), for the rules read them tens of thousands of times:
    date: dt.date | None = field(default=None, init=False)  # its first report (running tolls: their as-of date)
    start: dt.date | None = field(default=None, init=False)  # first day covered
    end: dt.date | None = field(default=None, init=False)  # last day covered (the first report's: relays do not stretch it)
    # Set in __post_init__ (compiled, a field __init__ does not take gets no default), then as below:
    extent: tuple[float, ...] | None = field(init=False)  # R4's order (:func:`_extent`), once worked out
    # start and end as day numbers, unknown ones open (set with them in _settled; R4 and R5 compare them
    # a million times on a national question: compiled, integers compare natively, dates do not)
    lo: int = field(init=False)
    hi: int = field(init=False)

    # Written out, not generated by @dataclass (see ClaimRow.__init__): compiled, it runs natively; R2
    # makes a figure of nearly every other claim.  The fields' parameters and defaults, as generated.
    def __init__(self, claim: ClaimRow, claims: list[ClaimRow] | None = None, superseded: list[int] | None = None,
                 correction: bool = False, source: str = "") -> None:
        self.claim = claim
        self.claims = [] if claims is None else claims
        self.superseded = [] if superseded is None else superseded
        self.correction = correction
        self.source = source or claim.source
        self.date = self.start = self.end = None
        self.extent = None
        self.lo, self.hi = _FIRST_DAY, _LAST_DAY

    @property
    def reports(self) -> int:
        """How many documents (or manual entries) carry the figure."""
        return len({doc if doc is not None else f"m{cid}" for c in self.claims for cid, doc, _w, _o in c.members()})

    @property
    def outlets(self) -> list[str]:
        """Distinct outlets that printed it."""
        return sorted({o for c in self.claims for _i, _d, _w, o in c.members() if o})

    @property
    def ids(self) -> list[int]:
        """Every claim id behind the figure."""
        return sorted(i for c in self.claims for i, _d, _w, _o in c.members())


def _compatible(a: ClaimRow, b: ClaimRow, places: Places) -> bool:
    same_places = (a.areas == b.areas or not a.areas or not b.areas or places.within(a.areas, b.areas)
                   or places.within(b.areas, a.areas))
    same_start = a.date_from is None or b.date_from is None or a.date_from == b.date_from
    if not a.cumulative and not b.cumulative and a.end and b.end and abs((a.end - b.end).days) > 3:
        return False
    return same_places and same_start


def _detail(c: ClaimRow) -> int:
    return (2 if c.areas else 0) + (1 if c.date_from else 0) + (1 if c.attributed else 0)


def _days(c: ClaimRow) -> list[int | None]:
    """Day buckets an earlier report of the same figure may sit in (incidents: three days either side)."""
    if c.cumulative or c.end is None:
        return [None]
    day = c.end.toordinal()
    return list(range(day - 3, day + 4))


def _relay_order(claims: list[ClaimRow], places: Places
                 ) -> list[tuple[ClaimRow, int, int | None, tuple[str, ...] | None]]:
    """R2's claims by date, each as (claim, figure number, incident day ordinal, governorates).

    The figure key is numbered once per claim, so that the keys R2 files figures under are flat
    tuples of small values; the day is None for running tolls and undated claims.
    """
    numbers: dict[tuple[object, ...], int] = {}
    anchor_of = places.anchor
    prep = []
    for c in sorted(claims, key=_taken):
        k = numbers.setdefault(c.figure_key, len(numbers))
        d = None if c.cumulative or c.end is None else c.end.toordinal()
        prep.append((c, k, d, anchor_of(c.areas)))
    return prep


def _taken(c: ClaimRow) -> tuple[dt.date, int]:
    """When R2 takes claim *c*: by its date (undated ones last), then id."""
    return (c.as_of or _NO_DATE, c.id)


def collapse_relays(claims: list[ClaimRow], places: Places, relays: Relays | None = None) -> list[Figure]:
    """Merge reports of the same figure into one :class:`Figure` per source and figure (R2).

    Claims are taken by date, so figures are made in order of their day: the figures of one
    (source, figure, governorates) an incident's relay may join, those of the last three days
    (:func:`_days`), are the tail of that key's list.  A claim finds its candidates with two
    look-ups and a stream of small identical incident figures from one source does not make the
    search quadratic.

    *relays*: the figures this made of claims among which *claims* lie (:class:`Relays`, a wider
    scope's), so that only what differs is worked out again (:func:`_replayed`): the same figures.
    """
    if relays is not None:
        got = _replayed(claims, places, relays)
        if got is not None:
            return got
    figures: list[Figure] = []
    # Keys are flat tuples (source, figure, cumulative, undated[, governorates]).  Each holds
    # [first candidate, figures, their days]: a figure more than three days older than the claim
    # being placed stays behind the first candidate for good, since the claims' days only grow
    # (undated ones come last, under their own keys).
    prep = _relay_order(claims, places)
    by_key: dict[tuple[object, ...], list[Any]] = {}
    by_loose: dict[tuple[object, ...], list[Any]] = {}

    # Only claims without an anchor look figures up regardless of place, and only unattributed
    # relays look them up regardless of source: file figures under those keys only where asked.
    loose = {(s, k, c.cumulative) for c, k, _d, anchor in prep if anchor is None for s in (c.source, None)}
    relayed = {k_c for c, k, _d, _a in prep if not c.attributed and c.relays_others
               for k_c in ((k, c.cumulative),)}

    for c, k, d, anchor in prep:
        src, cumulative = c.source, c.cumulative
        undated = d is None
        target = None
        lists: tuple[list[Figure], ...]
        if anchor is None:
            lists = (_candidates(by_loose, (src, k, cumulative, undated), d),)
        else:
            lists = (_candidates(by_key, (src, k, cumulative, undated, anchor), d),
                     _candidates(by_key, (src, k, cumulative, undated, None), d))
        for fs in lists:
            for f in fs:
                if _compatible(f.claim, c, places):
                    target = f
                    break
            if target is not None:
                break
        if target is None and not c.attributed and c.relays_others:
            if anchor is None:
                lists = (_candidates(by_loose, (None, k, cumulative, undated), d),)
            else:
                lists = (_candidates(by_key, (None, k, cumulative, undated, anchor), d),
                         _candidates(by_key, (None, k, cumulative, undated, None), d))
            target = next((f for fs in lists for f in fs
                           if f.source != src and f.claim.attributed and _compatible(f.claim, c, places)), None)
        if target is None:
            target = Figure(c, [])
            figures.append(target)
            _file(by_key, (src, k, cumulative, undated, anchor), target, d)
            if (src, k, cumulative) in loose:
                _file(by_loose, (src, k, cumulative, undated), target, d)
            if (k, cumulative) in relayed:
                _file(by_key, (None, k, cumulative, undated, anchor), target, d)
                if (None, k, cumulative) in loose:
                    _file(by_loose, (None, k, cumulative, undated), target, d)
        target.claims.append(c)  # inline, not a call: this loop runs once per claim
        if target.claim is not c and _detail(c) > _detail(target.claim):
            target.claim = c if c.source == target.source else _with_source(c, target.source)
    return _settled(figures)


class Relays:
    """The figures R2 made of a scope's claims, as claim ids: what R2 for any claims among them
    starts from (:func:`collapse_relays`), kept between questions (``tally.pipeline``)."""

    def __init__(self, ids: list[int], sizes: list[int], reports: list[int]) -> None:
        self.ids = ids  # each figure's claims, in the order R2 took them; figure after figure, as R2 made them
        self.sizes = sizes  # how many claims each figure holds
        self.reports = reports  # how many reports each claim of ids groups (loaded for a period, it may group fewer)
        # worked out when first replayed (:meth:`_index`): each id's position in ids, each position's
        # figure, each figure's first position
        self._at: dict[int, int] | None = None
        self._figure: list[int] = []
        self._first: list[int] = []

    @classmethod
    def of(cls, figures: list[Figure]) -> Relays:
        """The relays of *figures*, as :func:`collapse_relays` returned them."""
        ids: list[int] = []
        reports: list[int] = []
        for f in figures:
            for c in f.claims:
                ids.append(c.id)
                reports.append(len(c.copies) or 1)
        return cls(ids, [len(f.claims) for f in figures], reports)

    def to_dict(self) -> dict[str, list[int]]:
        return {"ids": self.ids, "sizes": self.sizes, "reports": self.reports}

    @classmethod
    def from_dict(cls, d: Any) -> Relays | None:
        """The relays of :meth:`to_dict`, None if *d* is not such (a file from elsewhere)."""
        try:
            ids, sizes, reports = d["ids"], d["sizes"], d["reports"]
            ok = (all(type(x) is int for x in ids) and all(type(x) is int and x > 0 for x in sizes)
                  and all(type(x) is int for x in reports) and sum(sizes) == len(ids) == len(reports)
                  and len(set(ids)) == len(ids))
        except (KeyError, TypeError):
            return None
        return cls(list(ids), list(sizes), list(reports)) if ok else None

    def _index(self) -> dict[int, int]:
        at = self._at
        if at is None:
            at = {}
            figure: list[int] = []
            first: list[int] = []
            ids = self.ids
            k = 0
            for n, size in enumerate(self.sizes):
                first.append(k)
                for _ in range(size):
                    at[ids[k]] = k
                    figure.append(n)
                    k += 1
            self._at, self._figure, self._first = at, figure, first
        return at


def _replayed(claims: list[ClaimRow], places: Places, relays: Relays) -> list[Figure] | None:
    """R2's figures of *claims* from the *relays* of claims among which they lie; None if some
    claim is not among them (an id the relays lack: R2 anew).

    Exactly what R2 makes of *claims* itself.  R2's look-ups all key on the figure (event, victims,
    numbers: ``figure_key``), so it works out the claims of each figure key apart from the others,
    and the figures of all keys come in the order of their first claims (by date, then id).  Within
    a key, the claims come by day, so the figures an incident may join are those of the last three
    days whatever went before: where every figure of the wider claims is either wholly among
    *claims* or wholly outside them, R2 makes of *claims* those figures it holds whole, report by
    report as before.  A claim loaded for a narrower period may group fewer reports, and be dated
    otherwise, than the same claim among the wider ones: counted as a figure not held whole.  The
    keys of figures not held whole are worked out again, their claims only.
    """
    at = relays._index()
    figure, first, sizes, reports = relays._figure, relays._first, relays.sizes, relays.reports
    slots: list[list[ClaimRow | None] | None] = [None] * len(sizes)  # by figure: its claims among *claims*, in R2's order
    filled = [0] * len(sizes)
    touched: list[int] = []
    again: set[tuple[Any, ...]] = set()  # figure keys worked out again
    for c in claims:
        k = at.get(c.id)
        if k is None:
            return None
        n = figure[k]
        got = slots[n]
        if got is None:
            got = slots[n] = [None] * sizes[n]
            touched.append(n)
        if got[k - first[n]] is not None:
            return None  # an id twice
        got[k - first[n]] = c
        filled[n] += 1
        if (len(c.copies) or 1) != reports[k]:
            again.add(c.figure_key)
    touched.sort()
    whole: list[list[ClaimRow]] = []
    for n in touched:
        members = [c for c in slots[n] or () if c is not None]
        if filled[n] == sizes[n]:
            whole.append(members)
        else:
            again.add(members[0].figure_key)
    kept = [_replayed_figure(m) for m in whole if not again or m[0].figure_key not in again]
    _settled(kept)
    if not again:
        return kept
    redone = collapse_relays([c for c in claims if c.figure_key in again], places)
    # both in the order R2 makes figures: by when it took their first claims
    out: list[Figure] = []
    i = j = 0
    while i < len(kept) and j < len(redone):
        if _taken(kept[i].claims[0]) < _taken(redone[j].claims[0]):
            out.append(kept[i])
            i += 1
        else:
            out.append(redone[j])
            j += 1
    return out + kept[i:] + redone[j:]


def _replayed_figure(claims: list[ClaimRow]) -> Figure:
    """The figure R2 makes of *claims*, in the order it took them: dated by the first, represented
    by the one with most detail (the first of those), under the first one's source."""
    first = rep = claims[0]
    if len(claims) == 1:
        return Figure(rep, claims, source=rep.source)
    for c in claims:
        if _detail(c) > _detail(rep):
            rep = c
    if rep.source != first.source:
        rep = _with_source(rep, first.source)
    return Figure(rep, claims, source=first.source)


_NONE: Final[list[Figure]] = []  # no candidates (never appended to)
_FEW_PAIRS: Final = 64  # _outside: so few figures against so few groups that testing each pair is quicker
_EXTENT: Final = operator.attrgetter("extent")


# R2's look-ups, at module level (not nested in collapse_relays) so that compiled they are called
# natively: they run twice or more per claim.
def _candidates(index: dict[tuple[object, ...], list[Any]], key: tuple[object, ...], d: int | None) -> list[Figure]:
    """The figures filed under *key* that a claim of incident day *d* may join (see :func:`_days`)."""
    entry = index.get(key)
    if entry is None:
        return _NONE
    figs: list[Figure]
    first, figs, days = entry
    if d is not None:
        oldest = d - 3  # see _days
        n = len(days)
        while first < n and days[first] < oldest:
            first += 1
        entry[0] = first
    return figs[first:] if first else figs


def _file(index: dict[tuple[object, ...], list[Any]], key: tuple[object, ...], f: Figure, d: int | None) -> None:
    """File figure *f* (incident day *d*) under *key*."""
    entry = index.get(key)
    if entry is None:
        index[key] = [0, [f], [d]]
    else:
        entry[1].append(f)
        entry[2].append(d)


def _settled(figures: list[Figure]) -> list[Figure]:
    """*figures*, complete, with their date (the first report's), start (the representative claim's)
    and end (the earliest report's) set, and lo and hi (start and end as day numbers)."""
    for f in figures:
        cs = f.claims
        start = f.start = f.claim.start
        if len(cs) == 1:
            f.date, f.end = cs[0].as_of, cs[0].end
        else:  # the earliest of each (a loop: compiled, no lists made nor min() called per figure)
            date: dt.date | None = None
            earliest_end: dt.date | None = None
            for c in cs:
                day = c.as_of
                if day is not None and (date is None or day < date):
                    date = day
                day = c.end
                if day is not None and (earliest_end is None or day < earliest_end):
                    earliest_end = day
            f.date, f.end = date, earliest_end
        end = f.end
        f.lo = _FIRST_DAY if start is None else start.toordinal()
        f.hi = _LAST_DAY if end is None else end.toordinal()
    return figures


def _with_source(c: ClaimRow, source: str) -> ClaimRow:
    from dataclasses import replace

    return replace(c, source=source)


# -- R3: running tolls --------------------------------------------------------------------------

@dataclass
class Discount:
    """A claim left out of the figures, and why."""

    claim_id: int
    reason: str


def apply_series(figures: list[Figure], places: Places) -> tuple[list[Figure], list[Discount], list[str]]:
    """Keep each running toll's latest figure; mark earlier ones superseded and flag corrections (R3)."""
    current: list[Figure] = [f for f in figures if not f.claim.cumulative]
    discounted: list[Discount] = []
    flags: list[str] = []
    groups: dict[tuple[str, str, str], list[list[Figure]]] = defaultdict(list)
    for f in sorted((f for f in figures if f.claim.cumulative), key=lambda f: (f.date or dt.date.min, f.claim.id)):
        series_list = groups[(f.source, f.claim.event, f.claim.victims)]
        for series in series_list:
            head = series[-1].claim
            if _same_series(head, f.claim, places):
                series.append(f)
                break
        else:
            series_list.append([f])
    for series_list in groups.values():
        for series in series_list:
            last = len(series) - 1
            while last > 0 and _consistent_below(series[last].claim, max((f.claim.value or 0) for f in series[:last])):
                last -= 1  # "hundreds" after 679, "over 1,200" after 1,209: consistent with it, not a correction
            latest = series[last]
            earlier = series[:last]
            latest.superseded = sorted(i for f in (*earlier, *series[last + 1:]) for i in f.ids)
            val = latest.claim.value or 0
            higher = [f for f in earlier if (f.claim.value or 0) > val]
            if higher:
                latest.correction = True
                top = max(higher, key=lambda f: f.claim.value or 0)
                flags.append(f"correction: {latest.source} lowered its figure from {_n(top.claim.value)} "
                             f"({top.date}) to {_n(val)} ({latest.date})")
                for f in higher:
                    discounted.extend(Discount(i, f"contradicted by the same source: {latest.source} corrected "
                                                  f"{_n(f.claim.value)} to {_n(val)} on {latest.date}") for i in f.ids)
            current.append(latest)
    return current, discounted, flags


def _consistent_below(c: ClaimRow, top: float) -> bool:
    """True if *c*'s figure is below *top* without contradicting it (R3): a vague figure, a range that holds
    *top*, or a round one the text hedges ("over 1,200", "nearly 3,900", "some 1,200") within its rounding
    unit of *top*."""
    value = c.value or 0
    if value >= top:
        return False
    if c.qualifier == "vague":
        return True
    if c.qualifier == "between":  # "between 1,200 and 1,500" after 1,383 holds it
        return c.upper is not None and top <= c.upper
    if c.qualifier not in ("about", "at_least", "more_than") or value <= 0 or value != int(value):
        return False  # exact, or "up to 1,200": a ceiling below 1,209 does contradict it
    unit = 1
    while int(value) % (unit * 10) == 0 and unit * 10 <= value:
        unit *= 10
    return unit > 1 and top - value < unit


def _same_series(a: ClaimRow, b: ClaimRow, places: Places) -> bool:
    same_places = a.areas == b.areas or not a.areas or not b.areas or (
        places.within(a.areas, b.areas) and places.within(b.areas, a.areas))
    return same_places and (a.date_from is None or b.date_from is None or a.date_from == b.date_from)


# -- R4: sums within a source ---------------------------------------------------------------------

def _slack(a: Figure, b: Figure, slack: int) -> int:
    # News dates an incident by the day of the report or the day before: incident figures of
    # different sources a day apart may be the same killings.
    if slack and a.source != b.source and not a.claim.cumulative and not b.claim.cumulative:
        return slack
    return 0


def overlaps(a: Figure, b: Figure, places: Places, slack: int = 0) -> bool:
    """True if the two figures could count some of the same victims (*slack*: days of date tolerance
    between incident figures of different sources)."""
    ca, cb = a.claim, b.claim
    # Equal events, categories or places overlap: tested first, without a call (R4 and R5 ask
    # this tens of thousands of times, mostly of figures alike in all three).
    if ca.event != cb.event and not (event_within(ca.event, cb.event) or event_within(cb.event, ca.event)):
        return False
    if ca.victims != cb.victims and not category_overlap(ca.victims, cb.victims):
        return False
    if ca.areas != cb.areas and not places.overlap(ca.areas, cb.areas):
        return False
    lo_a, lo_b, hi_a, hi_b = a.lo, b.lo, a.hi, b.hi  # day numbers, unknown ends open
    if slack and a.source != b.source and not ca.cumulative and not cb.cumulative:  # _slack, inlined
        return lo_a - slack <= hi_b and lo_b - slack <= hi_a
    return lo_a <= hi_b and lo_b <= hi_a


def contains(a: Figure, b: Figure, places: Places, slack: int = 0) -> bool:
    """True if figure *a* covers everything figure *b* counts (running tolls' as-of dates aside)."""
    ca, cb = a.claim, b.claim
    if not (event_within(cb.event, ca.event) and category_within(cb.victims, ca.victims)):
        return False
    if ca.areas and not places.within(cb.areas, ca.areas):
        return False
    pad = _slack(a, b, slack)
    if a.start is not None and (b.start is None or b.lo < a.lo - pad):
        return False
    if ca.cumulative and cb.cumulative:
        return True
    return b.end is not None and a.end is not None and b.hi <= a.hi + pad


class _Index:
    """Candidates for overlap: items bucketed by area and day, long ones by governorate.

    Only figures sharing a bucket (or a wide figure: country-level, unplaced or undated) can
    overlap, so the pairwise tests stay near-linear on large scopes.  Two figures overlap only if an
    area of one lies in or above an area of the other: a figure of at most :attr:`LONG` days is
    filed, for each of its days, under the areas it lies in below the country and, apart, under its
    own (:class:`~tally.reconcile.scope.Cells`), and a figure seeks under its own areas (what lies
    there or below) and, apart, under the areas above them (what lies just there), on its days and
    the slack's days around them.  So an incident meets its district's incidents, and its
    governorate's own figures, not every incident of its governorate that day.  Every figure that
    will seek is announced first (:meth:`seek`), and an item is filed only where an announced figure
    looks: where all are districts' incidents, under its district alone (*announced* False: under
    every area it lies in).  An item is a figure or its position in a list; the caller works out each
    figure's :meth:`where` once and passes it.
    """

    LONG: ClassVar[int] = _LONG  # days; longer figures are kept per governorate, not per day

    def __init__(self, places: Places, slack: int = 0, *, announced: bool = True) -> None:
        self.places = places
        self.slack = slack
        self.announced = announced  # False: no figure is announced, items are filed under every area they lie in
        self.days: dict[tuple[str, int], list[Any]] = {}  # (area, day): items in or under the area that day
        self.exact: dict[tuple[str, int], list[Any]] = {}  # (area, day): items of that very area that day
        self.spanned: dict[str, list[Any]] = {}  # governorate: its items filed by day (what a long figure seeks)
        self.long: dict[str, list[Any]] = {}
        self.wide: list[Any] = []
        self.all: list[Any] = []
        self.multi = False  # an item of several areas is filed by day: it may sit in two lists one seeks
        self.sought: set[str] = set()  # areas some figure will look under (:meth:`seek`): its own
        self.sought_exact: set[str] = set()  # ... and apart, the areas above its own
        self.sought_long: set[str] = set()  # governorates a long figure will look in
        # by Cells.no: where items of those cells go (the areas of days, of exact, the governorates of spanned)
        self._filing: list[tuple[list[str], list[str], list[str]] | None] = []
        self._asked: list[int] = []  # by Cells.no: 1 announced by a figure filed by day, 2 by a long one, 3 both

    def seek(self, cells: Cells | None, span: range | None) -> None:
        """Announce a figure with these :meth:`where` that will ask for :meth:`candidates` (before any
        :meth:`add`: an item is filed only under the areas announced figures look under)."""
        if cells is None:
            return  # a wide figure meets every item
        no, flag = cells.no, 1 if span is not None else 2
        asked = self._asked
        if no >= len(asked):
            asked += [0] * (no + 1 - len(asked))
        if asked[no] & flag:
            return  # figures share their cells (Places.cells): most are announced already
        asked[no] |= flag
        if span is None:
            self.sought_long.update(cells.anchors)
        else:
            self.sought.update(cells.areas)
            self.sought_exact.update(cells.above)

    def where(self, f: Figure) -> tuple[Cells | None, range | None]:
        """The cells (None: wide) and, for a figure of at most :attr:`LONG` days, the days of *f*."""
        cells = self.places.cells(f.claim.areas)
        if f.start is None or f.end is None:
            return cells, None
        return cells, _span(f.lo, f.hi)

    def add(self, item: Any, cells: Cells | None, span: range | None, cumulative: bool) -> list[list[Any]]:
        """Register *item*, a figure with these :meth:`where` and cumulative flag; returns the lists it went in."""
        self.all.append(item)
        if cells is None:
            self.wide.append(item)
            return [self.all, self.wide]
        out = [self.all]
        anchors, areas = cells.anchors, cells.areas
        if span is None:
            for a in anchors:
                bucket = self.long.get(a)
                if bucket is None:
                    bucket = self.long[a] = []
                bucket.append(item)
                out.append(bucket)
            return out
        if len(areas) > 1:
            self.multi = True
        no, kept = cells.no, self._filing
        if no >= len(kept):
            kept += [None] * (no + 1 - len(kept))
        filing = kept[no]
        if filing is None:
            filing = kept[no] = (([a for a in cells.filed if a in self.sought], [a for a in areas if a in self.sought_exact],
                                  [a for a in anchors if a in self.sought_long]) if self.announced
                                 else (list(cells.filed), list(areas), list(anchors)))
        sought, apart, long_sought = filing
        for a in long_sought:
            listed = self.spanned.get(a)
            if listed is None:
                listed = self.spanned[a] = []
            listed.append(item)
        filed_under = ((self.days, sought), (self.exact, apart))
        for d in span:
            for lists, names in filed_under:
                for a in names:
                    bucket = lists.get((a, d))
                    if bucket is None:
                        bucket = lists[(a, d)] = []
                    bucket.append(item)
                    out.append(bucket)
        return out

    def candidates(self, cells: Cells | None, span: range | None, *, once: bool = True) -> list[Any]:
        """Registered items that may overlap a figure with these :meth:`where`, each once (*once*
        False: an item of several days or areas may come more than once)."""
        if cells is None:
            return self.all
        anchors, areas, above = cells.anchors, cells.areas, cells.above
        if span is not None and self.slack:  # items are filed by their own days: seek theirs that far around
            span = range(span.start - self.slack, span.stop + self.slack)
        if span is not None and len(areas) == 1 and len(span) == 1 and not self.multi:
            # the common case: an incident in one area on one day (a figure filed under several of
            # the lists sought has several areas, so here none is)
            d = span[0]
            out = [*self.wide, *self.long.get(anchors[0], ()), *self.days.get((areas[0], d), ())]
            if self.exact:
                for a in above:
                    out += self.exact.get((a, d), ())
            return out
        lists: list[Sequence[Any]] = [self.wide]
        for a in anchors:
            lists.append(self.long.get(a, ()))
            if span is None:
                lists.append(self.spanned.get(a, ()))
        if span is not None:
            for d in span:
                lists += [self.days.get((a, d), ()) for a in areas]
                if self.exact:
                    lists += [self.exact.get((a, d), ()) for a in above]
        if not once:
            return [g for gs in lists for g in gs]
        seen: dict[int, Any] = {}
        for gs in lists:
            for g in gs:
                seen[id(g)] = g  # a key set again keeps its place
        return list(seen.values())


def _span(lo: int, hi: int) -> range | None:
    """The days from *lo* to *hi* (day numbers) that the index files or seeks a figure by, None if
    more than :attr:`_Index.LONG`.  A figure may end before it starts: its representative report
    (the one with most detail) started later than its first report ended (R2); the figures it
    overlaps have a day between the two all the same (:func:`overlaps`), so it is filed by those."""
    if hi < lo:
        lo, hi = hi, lo
    return range(lo, hi + 1) if hi - lo <= _LONG else None  # (a C constant, not the class attribute: once per figure)


def _extent(f: Figure, places: Places) -> tuple[float, ...]:
    """How much *f* covers, for ordering: places, days, victim category; then date and value (kept on
    the figure: R4 orders every figure by it, R5 the figures of clusters no source covers)."""
    got = f.extent
    if got is None:
        days = f.hi - f.lo  # (end or date.max) - (start or date.min), in days
        got = f.extent = (places.weight(f.claim.areas), days, category_rank(f.claim.victims),
                          _NO_DAY if f.date is None else f.date.toordinal(), f.claim.value or 0)
    return got


def combine(figures: list[Figure], places: Places) -> tuple[list[Figure], list[Figure]]:
    """One source's figures that add up without overlap, largest extent first; and those left out (R4).

    A figure inside one already counted is left out.  One that only overlaps figures already counted
    (none contains it: "2 children killed in Damascus" and, that day, "32 civilians killed in a
    village there") takes their place if it is larger than they are together, else it is left out:
    either way the source's count there is the larger account, never the sum."""
    chosen: list[Figure] = []
    left: list[Figure] = []
    dropped: set[int] = set()  # figures counted, then replaced by a larger one
    index = _Index(places)
    for f in figures:
        _extent(f, places)  # kept on each figure: the sort below reads it without a call per figure
    order = sorted(figures, key=_EXTENT, reverse=True)
    where = [index.where(f) for f in order]
    for cells, span in where:
        index.seek(cells, span)
    for f, (cells, span) in zip(order, where):
        value = f.claim.value
        if value is None:
            left.append(f)
            continue
        hits: list[Figure] = []
        inside = False
        for g in index.candidates(cells, span):
            if not overlaps(f, g, places) or (dropped and id(g) in dropped):
                continue
            if contains(g, f, places):
                inside = True
                break
            hits.append(g)
        if inside or (hits and value <= sum(g.claim.value or 0 for g in hits)):
            left.append(f)
            continue
        if hits:
            dropped.update(id(g) for g in hits)
            left += hits
        chosen.append(f)
        index.add(f, cells, span, f.claim.cumulative)
    if dropped:
        chosen = [f for f in chosen if id(f) not in dropped]
    return chosen, left


# -- R5: sums across sources ----------------------------------------------------------------------

@dataclass
class Cluster:
    """Overlapping figures of several sources: one set of killings, seen by each."""

    figures: list[Figure]
    low: float = 0.0
    best: float = 0.0
    high: float = 0.0
    complete: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    ratio: float = 1.0

    sources: list[str] = field(default_factory=list, init=False)  # distinct sources with a figure in it

    def __post_init__(self) -> None:
        self.sources = sorted({f.source for f in self.figures})


def clusters(figures: list[Figure], places: Places) -> list[Cluster]:
    """Group figures of all sources into clusters of overlapping figures (R5)."""
    parent = list(range(len(figures)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    index = _Index(places, INCIDENT_SLACK)
    where = [index.where(f) for f in figures]
    for cells, span in where:
        if cells is not None and span is not None:  # the broad figures come first (below), before any filed by day
            index.seek(cells, span)
    # Wide and long figures first: the incidents inside one then join its cluster with one test
    # each.  The clusters (connected components) do not depend on the order; their order and
    # members' order below follow the figures' order.  The index holds positions, not figures.
    order = [i for i, (cells, span) in enumerate(where) if cells is None or span is None]
    order += [i for i, (cells, span) in enumerate(where) if cells is not None and span is not None]
    # A bucket of the index whose items were all in one cluster when last seen: once a figure is
    # in that cluster, the bucket holds nothing for it to test (clusters only merge).  On large
    # scopes nearly every bucket is so, and an incident skips its whole bucket with one find.
    same: dict[int, int | None] = {}
    for i in order:
        f = figures[i]
        cells, span = where[i]
        root = find(i)
        if cells is not None and span is not None and len(cells.areas) == 1 and len(span) == 1:
            # the common case: an incident in one area on one day, looking in the index's own lists,
            # those _Index.candidates gathers (written out here: the hot path; a method making the
            # list of them, shared with candidates, cost R4 and R5 20-40 ms on all of Syria)
            # (items are filed by their own days: the slack's days around it are sought too)
            d, area, above = span[0], cells.areas[0], cells.above
            buckets: list[list[int] | None] = [index.wide, index.long.get(cells.anchors[0])]
            for e in range(d - INCIDENT_SLACK, d + INCIDENT_SLACK + 1):
                buckets.append(index.days.get((area, e)))
                if above and index.exact:
                    buckets += [index.exact.get((a, e)) for a in above]
            kept = True
        else:
            buckets, kept = [index.candidates(cells, span)], False  # a list made for this figure
        for bucket in buckets:
            if not bucket:
                continue
            if kept:
                k = same.get(id(bucket))
                if k is not None and find(k) == root:
                    continue
            alike = True
            for j in bucket:
                other = parent[j]
                if other == root:
                    continue  # already in f's cluster (the common case on large scopes: one test, no find)
                if other != j:
                    while parent[other] != other:  # find(), inlined: this loop runs a million times on large scopes
                        parent[other] = parent[parent[other]]
                        other = parent[other]
                    parent[j] = other
                if root != other and overlaps(f, figures[j], places, INCIDENT_SLACK):
                    parent[root] = other
                    root = other
                else:
                    alike = False
            if kept and alike:
                same[id(bucket)] = root
        for bucket in index.add(i, cells, span, f.claim.cumulative):
            if len(bucket) == 1:
                same[id(bucket)] = root
            else:
                k = same.get(id(bucket))
                if k is not None:
                    same[id(bucket)] = root if find(k) == root else None
    groups: dict[int, list[Figure]] = defaultdict(list)
    for i, f in enumerate(figures):
        groups[find(i)].append(f)
    out = [Cluster(g) for g in groups.values()]
    for c in out:
        _range(c, places)
    return out


def _range(cl: Cluster, places: Places) -> None:
    # One pass over the figures for the cluster's hull and each source's figures, sums (in the
    # figures' order, as sum() adds), places, categories, starts and named flag.
    by_source: dict[str, list[Figure]] = {}
    value: dict[str, float] = {}
    upper: dict[str, float] = {}
    own: dict[str, list[Any]] = {}  # per source: areas, unplaced, categories, any start unknown, earliest start, named
    codes: list[str] = []
    unplaced = False
    hull_cats: set[str] = set()
    hull_start: dt.date | None = None
    open_start = False
    for f in cl.figures:
        c, s, start = f.claim, f.source, f.start
        fs = by_source.get(s)
        if fs is None:
            fs = by_source[s] = []
            value[s] = upper[s] = 0
            own[s] = [[], False, set(), False, None, False]
        fs.append(f)
        value[s] += c.value or 0
        upper[s] += c.upper or 0
        o = own[s]
        o[0] += c.areas
        codes += c.areas
        if not c.areas:
            unplaced = o[1] = True
        hull_cats.add(c.victims)
        o[2].add(c.victims)
        if start is None:
            open_start = o[3] = True
        else:
            if hull_start is None or start < hull_start:
                hull_start = start
            if o[4] is None or start < o[4]:
                o[4] = start
        if c.named:
            o[5] = True
    if open_start:
        hull_start = None
    complete = []
    groups = _alike(cl.figures)
    hull_areas = _top_areas(codes, places)
    for s, fs in by_source.items():
        own_areas, own_unplaced, own_cats, own_open, own_start, own_named = own[s]
        if own_named:
            continue
        # necessary conditions first (cheap): the source's figures span the cluster's places, categories, start
        if own_unplaced:
            pass
        elif unplaced or not places.within(tuple(hull_areas), tuple(own_areas)):
            continue
        if not all(any(category_within(c, v) for v in own_cats) for c in hull_cats):
            continue
        if hull_start is not None and not own_open and own_start > hull_start + _PAD:
            continue
        if hull_start is None and not own_open:
            continue
        if len(by_source) == 1 or _covers(fs, groups, places):  # a lone source's figures are all its own
            complete.append(s)
    cl.complete = sorted(complete)
    partial = [s for s in by_source if s not in complete]
    if complete:
        lows = [value[s] for s in complete]
        cl.low, cl.best, cl.high = min(lows), min(lows), max(upper[s] for s in complete)
        cl.ratio = max(lows) / min(lows) if min(lows) > 0 else (1.0 if max(lows) == 0 else float("inf"))
        for s in partial:
            if value[s] > cl.best:
                whole = min(complete, key=lambda x: value[x])
                kind = _mismatch_kind(by_source[s], by_source[whole])
                cl.flags.append(f"{kind}: {s} gives {_n(value[s])} for {_what(by_source[s], places)}, above "
                                f"{possessive(whole)} {_n(value[whole])} for {_what(by_source[whole], places)}")
                cl.best = cl.low = value[s]
        cl.high = max(cl.high, cl.best)
    else:
        top = max(value, key=value.__getitem__)
        cl.low = cl.best = value[top]
        widest = _widest(cl.figures, upper, {s for s in by_source if not own[s][5]}, places)
        if widest is None:  # only counts of named victims: floors, nothing to take the others' place
            cl.high, beyond = sum(upper.values()), ""
        else:
            rest = list(_outside(groups, by_source[widest], places))
            extra = sum(sub.high for sub in clusters(rest, places))
            cl.high = max(upper[widest] + extra, cl.best)
            beyond = f"{possessive(widest)} {_n(upper[widest])} plus {_n(extra)} in figures it does not contain"
        if len(by_source) > 1:
            shown = ", ".join(_what([f], places) for f in cl.figures[:3])
            more = f" and {len(cl.figures) - 3:,} more figures" if len(cl.figures) > 3 else ""
            cl.flags.append(f"no single source covers all of {shown}{more} ({len(by_source)} sources): "
                            f"{possessive(top)} {_n(value[top])} taken as low and best, high {beyond or 'the sum of all'}")


def _widest(figures: list[Figure], upper: dict[str, float], eligible: set[str], places: Places) -> str | None:
    """The *eligible* source with the widest figure, as R4 orders extents (:func:`_extent`: places, then
    days, then victims; then the larger sum, then the name)."""
    widest: str | None = None
    top: tuple[Any, ...] = ()
    for f in figures:  # max() by that key, the first of equals: a loop, not a key call per figure
        source = f.source
        if source not in eligible:
            continue
        e = _extent(f, places)
        key = (e[0], e[1], e[2], upper[source], source)
        if widest is None or key > top:
            widest, top = source, key
    return widest


def _outside(groups: list[tuple[Figure, Figure, list[Figure]]], own: list[Figure], places: Places) -> Iterator[Figure]:
    """The figures of the cluster's :func:`_alike` *groups* that no figure of *own* (one source's) contains,
    lazily: :func:`_covers` stops at the first, R5's high without a complete source takes them all."""
    source = own[0].source
    index: _Index | None = None
    if len(own) * len(groups) > _FEW_PAIRS:  # else each of its figures is a candidate, no index to make
        index = _Index(places, INCIDENT_SLACK, announced=False)  # lazily: the groups are not all sought
        for p in own:
            cells, span = index.where(p)
            index.add(p, cells, span, p.claim.cumulative)
    for first, last, members in groups:
        others = [q for q in members if q.source != source]  # its own figures it trivially contains
        if not others:
            continue
        # A figure that contains another overlaps it: only the index's candidates for the group's
        # places and whole span can contain a member.
        if index is None:
            cands = own
        else:
            span = _span(first.lo, last.hi) if first.start is not None and last.end is not None else None
            cands = index.candidates(places.cells(first.claim.areas), span, once=False)  # any() below: twice is harmless
        if any(contains(p, first, places, INCIDENT_SLACK) and contains(p, last, places, INCIDENT_SLACK) for p in cands):
            continue  # one figure contains the group's earliest start and latest end: all of it
        yield from (q for q in others if not any(contains(p, q, places, INCIDENT_SLACK) for p in cands))


def _alike(figures: list[Figure]) -> list[tuple[Figure, Figure, list[Figure]]]:
    """Figures grouped by places, victims, event and kind, with each group's earliest and latest."""
    # one pass, each group's earliest start and latest end kept as it grows (the first of equals, as
    # min() and max() take them): compiled, no key function called per figure
    groups: dict[tuple[object, ...], tuple[list[Figure], list[Figure]]] = {}
    for q in figures:
        c = q.claim
        key = (c.areas, c.victims, c.event, c.cumulative)
        got = groups.get(key)
        if got is None:
            groups[key] = ([q, q], [q])
        else:
            ends, members = got
            members.append(q)
            if q.lo < ends[0].lo:
                ends[0] = q
            if q.hi > ends[1].hi:
                ends[1] = q
    return [(ends[0], ends[1], members) for ends, members in groups.values()]


def _covers(own: list[Figure], groups: list[tuple[Figure, Figure, list[Figure]]], places: Places) -> bool:
    """Every figure of the cluster lies in some figure of *own* (its own figures trivially do)."""
    return next(_outside(groups, own, places), None) is None


def _top_areas(codes: list[str], places: Places) -> list[str]:
    uniq = list(dict.fromkeys(codes))
    return [c for c in uniq if not any(o != c and o in places.ancestors(c) for o in uniq)]


def _mismatch_kind(part: list[Figure], whole: list[Figure]) -> str:
    if any(not category_within(p.claim.victims, w.claim.victims) or p.claim.victims != w.claim.victims
           for p in part for w in whole):
        return "category mismatch"
    return "part exceeds whole"


def _what(fs: list[Figure], places: Places) -> str:
    f = fs[0]
    where = " + ".join(places.name(a) for a in f.claim.areas) if f.claim.areas else "unspecified places"
    return f"{f.claim.victims} {f.claim.event} in {where} ({f.start or '…'} to {f.end or '…'})"


def possessive(name: str) -> str:
    """*name*'s, or *name*' for a plural in s ("Rescuers'")."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _n(x: float | None) -> str:
    """A number of people in a flag or summary: tally's one format (whole persons from 100)."""
    return "?" if x is None else format_count(float(x))
