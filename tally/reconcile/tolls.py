"""Tolls: the reconciled figure of one scope, and the scopes of a ``--by`` grouping.

:func:`reconcile` applies :data:`tally.reconcile.rules.RULES` to the claims of a scope, with the
documented count and the matching estimate, and grades the result by
:data:`tally.reconcile.grade.GRADE_RULE`.  It is pure: the pipeline loads and passes everything.
"""

from __future__ import annotations

import bisect
import datetime as dt
import multiprocessing as mp
import os
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from tally.core.errors import InputError
from tally.reconcile.figures import ClaimRow
from tally.reconcile.grade import Evidence, grade
from tally.reconcile.rules import (
    MAGNITUDE_RATIO,
    Discount,
    Figure,
    Relays,
    _n,
    _period_contains,
    _period_within,
    apply_series,
    clusters,
    collapse_relays,
    combine,
    possessive,
    relation,
)
from tally.reconcile.scope import CATEGORY_PARTS, Places, Scope, default_places

GROUPINGS = ("governorate", "district", "day", "week", "source", "victims")
MAX_GROUPS = 400
PARALLEL_CLAIMS = 20_000  # groups holding more claims than this in all are reconciled in forked processes


@dataclass
class Toll:
    """The reconciled toll of one scope: reported range, documented, estimated, grade, provenance."""

    scope: Scope
    group: str | None = None
    by: str | None = None
    group_name: str | None = None
    reported_low: float | None = None
    reported_high: float | None = None
    best: float | None = None
    sources: list[dict[str, Any]] = field(default_factory=list)
    documented: int = 0
    estimated: dict[str, Any] | None = None
    grade: str = "weak"
    grade_reason: str = ""
    flags: list[str] = field(default_factory=list)
    claims: list[int] = field(default_factory=list)
    discounted: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = field(default=0.0, compare=False, repr=False)  # reconciling it took (not in the JSON)

    def to_dict(self) -> dict[str, Any]:
        """The toll JSON row (keys fixed: the report consumes them)."""
        return {
            "scope": self.scope.to_dict(), "group": self.group, "by": self.by, "group_name": self.group_name,
            "reported_low": _plain(self.reported_low), "reported_high": _plain(self.reported_high),
            "best": _plain(self.best), "sources": self.sources, "documented": int(self.documented),
            "estimated": self.estimated, "grade": self.grade, "grade_reason": self.grade_reason,
            "flags": list(self.flags), "claims": list(self.claims), "discounted": list(self.discounted),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Toll:
        """The toll of a toll JSON row (:meth:`to_dict`): ``Toll.from_dict(t.to_dict()).to_dict() == t.to_dict()``."""
        return cls(scope=Scope.from_dict(d["scope"]), group=d.get("group"), by=d.get("by"),
                   group_name=d.get("group_name"), reported_low=d.get("reported_low"),
                   reported_high=d.get("reported_high"), best=d.get("best"), sources=list(d.get("sources") or []),
                   documented=int(d.get("documented") or 0), estimated=d.get("estimated"),
                   grade=d.get("grade") or "weak", grade_reason=d.get("grade_reason") or "",
                   flags=list(d.get("flags") or []), claims=list(d.get("claims") or []),
                   discounted=list(d.get("discounted") or []))

    def summary(self) -> str:
        """One line: range, best, documented, estimate and grade."""
        rng = "no reported figure" if self.best is None else (
            f"reported {_n(self.reported_low)}–{_n(self.reported_high)}, best {_n(self.best)}")
        est = ""
        if self.estimated:
            e = self.estimated
            est = f", estimated {_n(e['estimate'])} [{_n(e['lower'])}, {_n(e['upper'])}]"
        return f"{self.scope.label()}: {rng}, documented {self.documented:,}{est}; {self.grade}"


def reconcile(claims: list[ClaimRow], documented: int | None, estimate: dict[str, Any] | None, scope: Scope,
              *, places: Places | None = None, notes: Iterable[str] = (), relays: Relays | None = None) -> Toll:
    """Reconcile *claims* for *scope* into a :class:`Toll` (claims outside the scope are ignored).

    *relays*: R2's figures of a wider scope's claims (:class:`~tally.reconcile.rules.Relays`), which
    R2 here starts from (the same toll, sooner: :func:`relays_of`)."""
    pl = places or default_places()
    toll = Toll(scope=scope, documented=int(documented or 0), flags=list(notes))
    inside, bounding, discounted = [], [], []
    for c in claims:
        rel = relation(c, scope, pl)
        if rel == "inside":
            if c.status == "active":
                inside.append(c)
            else:
                discounted.append(Discount(c.id, f"rejected: {c.status_reason or 'no reason given'}"))
        elif rel == "bounds" and c.status == "active":
            bounding.append(c)
    figures = collapse_relays(inside, pl, relays)
    current, corrected, flags = apply_series(figures, pl)
    discounted += corrected
    toll.flags += flags
    by_source: dict[str, list[Figure]] = defaultdict(list)
    for f in current:
        by_source[f.source].append(f)
    chosen: list[Figure] = []
    for fs in by_source.values():
        keep, _left = combine(fs, pl)
        chosen += keep
    cls = clusters(chosen, pl)
    partial_sources = {s for cl in cls for s in cl.sources if s not in cl.complete}
    if chosen:
        toll.reported_low = sum(cl.low for cl in cls)
        toll.reported_high = sum(cl.high for cl in cls)
        toll.best = sum(cl.best for cl in cls)
    for cl in cls:
        toll.flags += cl.flags
        if cl.ratio > MAGNITUDE_RATIO:
            toll.flags.append(f"figures more than an order of magnitude apart ({cl.ratio:.0f}x) among "
                              f"{', '.join(cl.complete)}")
    if toll.documented and (toll.best is None or toll.best < toll.documented):
        if toll.best is not None:
            toll.flags.append(f"best raised from {_n(toll.best)} to the documented count {toll.documented:,}")
        toll.best = float(toll.documented)
    toll.sources, ids = _source_rows(by_source, chosen, partial_sources)
    # Only a source that covers the whole scope gives a figure for it: one complete in each cluster.
    covering = set.intersection(*(set(cl.complete) for cl in cls)) if cls else set()
    for s in toll.sources:
        if toll.documented and s["best"] is not None and s["best"] < toll.documented and s["source"] in covering:
            toll.flags.append(f"{possessive(s['source'])} figure {_n(s['best'])} is below the {toll.documented:,} "
                              f"named victims documented in scope")
    if estimate:
        toll.estimated = {k: estimate.get(k) for k in ("estimate", "lower", "upper", "level", "method", "warnings")}
        lo, hi = estimate.get("lower"), estimate.get("upper")
        if toll.reported_high is not None and lo is not None and toll.reported_high < lo:
            toll.flags.append(f"reported figures (up to {_n(toll.reported_high)}) lie below the estimate's interval "
                              f"[{_n(lo)}, {_n(hi)}]: under-reporting likely")
        if toll.reported_low is not None and hi is not None and toll.reported_low > hi:
            toll.flags.append(f"reported figures (from {_n(toll.reported_low)}) lie above the estimate's interval "
                              f"[{_n(lo)}, {_n(hi)}]")
        if toll.documented and hi is not None and hi < toll.documented:
            toll.flags.append(f"the estimate's interval [{_n(lo)}, {_n(hi)}] lies below the {toll.documented:,} named "
                              f"victims documented in scope: it cannot hold the truth here (its strata may count "
                              f"this scope differently from the records)")
    toll.flags += _bound_flags(bounding, toll, pl)
    if discounted:
        toll.flags.append(f"{len({d.claim_id for d in discounted})} claim(s) discounted")
    toll.discounted = [{"claim_id": d.claim_id, "reason": d.reason} for d in sorted(discounted, key=lambda d: d.claim_id)]
    toll.claims = sorted(ids)  # every f.ids of the chosen figures
    top_ratio = max((cl.ratio for cl in cls), default=1.0)
    contested = [cl for cl in cls if cl.complete and cl.ratio == top_ratio]
    est_ok = bool(estimate and toll.best is not None and estimate.get("lower") is not None
                  and estimate["lower"] <= toll.best <= estimate["upper"])
    ev = Evidence(
        active=len(chosen), discounted=len(discounted), sources=tuple(sorted(by_source)),
        corroborated_clusters=sum(1 for cl in cls if len(cl.sources) >= 2), clusters=len(cls),
        max_ratio=top_ratio,
        contested_between=tuple(contested[0].complete) if contested else (),
        documented=toll.documented, estimate_contains_best=est_ok,
    )
    toll.grade, toll.grade_reason = grade(ev)
    return toll


def relays_of(claims: list[ClaimRow], scope: Scope, *, places: Places | None = None) -> Relays:
    """R2's figures of the active *claims* inside *scope*, as :func:`reconcile` makes them: what a
    question inside *scope* starts R2 from (its ``relays``)."""
    pl = places or default_places()
    return Relays.of(collapse_relays([c for c in claims if relation(c, scope, pl) == "inside" and c.status == "active"],
                                     pl))


@dataclass
class Job:
    """The arguments of one :func:`reconcile` call (see :func:`reconcile_many`)."""

    claims: list[ClaimRow]
    documented: int | None
    estimate: dict[str, Any] | None
    scope: Scope
    notes: list[str] = field(default_factory=list)
    relays: Relays | None = None


def reconcile_many(jobs: Sequence[Job], *, places: Places | None = None, workers: int | None = None,
                   parallel_above: int = PARALLEL_CLAIMS) -> list[Toll]:
    """:func:`reconcile` each job (the groups of a ``--by``), in order.

    The groups are independent, so when they hold more than *parallel_above* claims in all
    they are shared out, largest first, among *workers* forked processes (default: the CPUs this
    process may use), which inherit the claims instead of receiving a copy; the tolls are the same
    as one process gives.  Without ``fork`` (Windows) or with one worker they are worked out here.
    """
    pl = places or default_places()
    workers = workers if workers is not None else _usable_cpus()
    workers = min(workers, len(jobs))
    if workers <= 1 or sum(len(j.claims) for j in jobs) <= parallel_above or "fork" not in mp.get_all_start_methods():
        return [_reconcile_job(j, pl) for j in jobs]
    # Largest group first to the least loaded worker (the governorates of a country differ tenfold).
    shares: list[list[int]] = [[] for _ in range(workers)]
    load = [0] * workers
    for i in sorted(range(len(jobs)), key=lambda i: -len(jobs[i].claims)):
        w = load.index(min(load))
        shares[w].append(i)
        load[w] += len(jobs[i].claims) + 1
    # The workers are forked with the jobs as their initializer's arguments: inherited, not pickled.
    with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork"), initializer=_share,
                             initargs=(list(jobs), pl)) as pool:
        parts = list(pool.map(_reconcile_share, shares))
    out: list[Toll | None] = [None] * len(jobs)
    for share, tolls in zip(shares, parts, strict=True):
        for i, toll in zip(share, tolls, strict=True):
            out[i] = toll
    return [t for t in out if t is not None]


_SHARED: tuple[list[Job], Places] | None = None  # a worker's jobs (set in the worker only)


def _share(jobs: list[Job], places: Places) -> None:
    global _SHARED
    _SHARED = (jobs, places)


def _reconcile_share(share: list[int]) -> list[Toll]:
    assert _SHARED is not None, "reconcile_many's workers get the jobs from their initializer"
    jobs, pl = _SHARED
    return [_reconcile_job(jobs[i], pl) for i in share]


def _reconcile_job(job: Job, places: Places) -> Toll:
    started = time.perf_counter()
    toll = reconcile(job.claims, job.documented, job.estimate, job.scope, places=places, notes=job.notes,
                     relays=job.relays)
    toll.seconds = time.perf_counter() - started
    return toll


def _usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))  # a container or taskset may allow fewer than the machine has
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


def _source_rows(by_source: dict[str, list[Figure]], chosen: list[Figure],
                 partial: set[str]) -> tuple[list[dict[str, Any]], set[int]]:
    """One row per source with a figure among *chosen*, and every claim id behind those figures."""
    rows = []
    used = {id(f) for f in chosen}
    members: set[int] = set()
    for source, fs in sorted(by_source.items()):
        pieces = [f for f in fs if id(f) in used]
        if not pieces:
            continue
        # One pass over the pieces and their reports (sums in the pieces' order, as sum() adds).
        main = pieces[0]
        top = main.claim.value or 0
        reports, outlets = 0, set[str]()
        low: float = 0.0
        high: float = 0.0
        best: float = 0.0
        date: dt.date | None = None
        open_ended = correction = manual = False
        named = True
        superseded: list[int] = []
        victims: set[str] = set()
        for f in pieces:
            cl = f.claim
            value = cl.value
            if (value or 0) > top:
                main, top = f, value or 0
            low += (cl.low if cl.low is not None else value) or 0
            high += cl.upper or 0
            best += value or 0
            if f.date and (date is None or f.date > date):
                date = f.date
            open_ended = open_ended or (cl.high is None and cl.qualifier not in ("exact", "about"))
            superseded += f.superseded
            correction = correction or f.correction
            victims.add(cl.victims)
            named = named and cl.named
            manual = manual or cl.manual
            docs = set[object]()  # f.reports and f.outlets
            for c in f.claims:
                # c.members(), inlined: this runs once per report of every chosen figure
                for cid, doc, _w, o in c.copies or ((c.id, c.document_id, c.reported, c.outlet),):
                    members.add(cid)
                    docs.add(doc if doc is not None else f"m{cid}")
                    if o:
                        outlets.add(o)
            reports += len(docs)
        rows.append({
            "source": source,
            "low": _plain(low),
            "high": None if open_ended else _plain(high),
            "best": _plain(best),
            "qualifier": main.claim.qualifier if len(pieces) == 1 else "sum",
            "date": date.isoformat() if date else None,
            "cumulative": main.claim.cumulative,
            "claim_id": main.claim.id,
            "reports": reports,
            "outlets": sorted(outlets),
            "superseded": sorted(superseded),
            "correction": correction,
            "victims": sorted(victims),
            "pieces": [f.claim.id for f in pieces],
            "named": named,
            "partial": source in partial,
            "manual": manual,
        })
    return rows, members


def _bound_flags(bounding: list[ClaimRow], toll: Toll, places: Places) -> list[str]:
    if not bounding or toll.reported_low is None:
        return []
    current, _d, _f = apply_series(collapse_relays(bounding, places), places)
    latest = max((s["date"] for s in toll.sources if s["date"]), default=None)
    out = []
    for f in current:
        if latest is not None and (f.date is None or f.date.isoformat() < latest):
            continue  # an older wider figure may well be below a newer narrower one
        if f.claim.value is not None and f.claim.value < toll.reported_low and f.claim.qualifier != "at_least":
            out.append(f"{possessive(f.source)} figure {_n(f.claim.value)} for a wider scope ({f.date}) is below this "
                       f"scope's low {_n(toll.reported_low)}")
    return out


# -- grouping -----------------------------------------------------------------------------------

def near(claims: list[ClaimRow], scope: Scope, places: Places) -> list[ClaimRow]:
    """The claims that may lie inside or bound *scope* by place (a cheap cut before :func:`reconcile`).

    A claim all of whose areas lie in governorates other than the scope's can neither lie inside
    the scope nor contain it, so it is outside whatever its other axes; claims unplaced or
    country-wide are kept.
    """
    want = places.anchor(scope.places) if scope.places else None
    if want is None:
        return claims
    wanted = set(want)
    out = []
    for c in claims:
        got = places.anchor(c.areas)
        if got is None or not wanted.isdisjoint(got):
            out.append(c)
    return out


def nearby(claims: list[ClaimRow], places: Places) -> Callable[[Scope], list[ClaimRow]]:
    """:func:`near` for many scopes over the same *claims*: each claim's governorates are looked up once."""
    by_anchor: dict[tuple[str, ...] | None, list[int]] = defaultdict(list)
    for i, c in enumerate(claims):
        by_anchor[places.anchor(c.areas)].append(i)

    def near_scope(scope: Scope) -> list[ClaimRow]:
        want = places.anchor(scope.places) if scope.places else None
        if want is None:
            return claims
        wanted = set(want)
        kept = sorted(i for got, ids in by_anchor.items() if got is None or not wanted.isdisjoint(got) for i in ids)
        return [claims[i] for i in kept]

    return near_scope


def during(claims: list[ClaimRow]) -> Callable[[Scope], list[ClaimRow]]:
    """For many scopes over the same *claims* that differ in period: the claims whose period lets them
    lie inside or bound each scope (a cut before :func:`reconcile`, exact on that axis: the rest are
    outside whatever their other axes).  Claims are looked up by their last day, kept in order."""
    # A claim inside a period ends in it; one bounding it ends at its end or later and starts at its
    # start or earlier, so one ending after the period bounds it only if it spans more than a day (or
    # has no start).  A claim ending before the period does neither, unless it starts after it ends
    # (bad dates: checked always).
    odd = [i for i, c in enumerate(claims) if c.end is not None and c.start is not None and c.start > c.end]
    order = sorted((c.end.toordinal(), i) for i, c in enumerate(claims)
                   if c.end is not None and not (c.start is not None and c.start > c.end))
    ends = [e for e, _i in order]
    spans = [(e, i) for e, i in order if claims[i].start is None or claims[i].start < claims[i].end]  # type: ignore[operator]
    span_ends = [e for e, _i in spans]

    def in_period(scope: Scope) -> list[ClaimRow]:
        lo, hi = scope.date_from, scope.date_to
        if lo is None or hi is None:
            return claims
        first, last = lo.toordinal(), hi.toordinal()
        candidates = [i for _e, i in order[bisect.bisect_left(ends, first):bisect.bisect_right(ends, last)]]
        candidates += [i for _e, i in spans[bisect.bisect_right(span_ends, last):]]
        candidates += odd
        kept = sorted(i for i in candidates if _period_within(claims[i].start, claims[i].end, lo, hi)
                      or _period_contains(claims[i].start, claims[i].end, lo, hi))
        return [claims[i] for i in kept]

    return in_period


def group_scopes(scope: Scope, by: str, claims: list[ClaimRow], *, dates: tuple[dt.date, dt.date] | None = None,
                 places: Places | None = None, origin: dt.date | None = None) -> list[tuple[str, str, Scope, str | None]]:
    """``(key, name, sub-scope, source filter)`` for each group of *scope* split *by* one axis (weeks
    counted from *origin* when the scope has no start: the estimates' weeks, :func:`week_origin`)."""
    pl = places or default_places()
    if by not in GROUPINGS:
        raise InputError(f"unknown grouping {by!r}; use one of {', '.join(GROUPINGS)}")
    def inside() -> list[ClaimRow]:
        return [c for c in claims if relation(c, scope, pl) == "inside"]

    if by == "source":
        return [(s, s, scope, s) for s in sorted({c.source for c in inside()})]
    if by == "victims":
        parts = CATEGORY_PARTS.get(scope.victims, (scope.victims,))
        return [(v, v, scope.with_(victims=v), None) for v in parts]
    if by in ("governorate", "district"):
        level = 1 if by == "governorate" else 2
        keys: list[str] = []
        if scope.places:
            for code in scope.places:
                if pl.level(code) >= level:
                    keys.append(code)
                elif level == 1:
                    keys += pl.children(code, "admin1")
                else:
                    govs = [code] if pl.level(code) == 1 else pl.children(code, "admin1")
                    for g in govs:
                        keys += pl.children(g, "admin2")
        else:
            for c in inside():
                for area in c.areas:
                    k = pl.admin1(area) if level == 1 else pl.district(area)
                    if k and k not in keys:
                        keys.append(k)
            keys.sort()
        return [(k, pl.name(k), scope.with_(places=(k,)), None) for k in dict.fromkeys(keys)]
    # day | week
    lo, hi = scope.date_from, scope.date_to
    if lo is None or hi is None:
        seen = [d for c in inside() for d in (c.start, c.end) if d is not None]
        if dates:
            seen += [d for d in dates if d is not None]
        if not seen:
            return []
        if lo is None and origin is not None and by == "week":
            lo = origin + dt.timedelta(days=(min(seen) - origin).days // 7 * 7)  # the first week holding a date
        lo, hi = lo or min(seen), hi or max(seen)
    step = 1 if by == "day" else 7
    n = (hi - lo).days // step + 1
    if n > MAX_GROUPS:
        raise InputError(f"{n} {by}s between {lo} and {hi}: narrow the period with --from/--to (at most {MAX_GROUPS})")
    out: list[tuple[str, str, Scope, str | None]] = []
    for i in range(n):
        a = lo + dt.timedelta(days=i * step)
        b = min(hi, a + dt.timedelta(days=step - 1))
        out.append((a.isoformat(), a.isoformat() if step == 1 else f"{a.isoformat()} to {b.isoformat()}",
                    scope.with_(date_from=a, date_to=b), None))
    return out


def _plain(x: float | None) -> float | int | None:
    if x is None:
        return None
    return int(x) if float(x).is_integer() else round(float(x), 3)
