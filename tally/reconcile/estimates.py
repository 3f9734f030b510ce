"""The estimate of a scope: a stored stratum that is exactly the scope, or a union of stored strata.

An estimation run stratifies linked persons (by governorate, week, month, status …): its strata
are disjoint and together hold every person.  A scope that is exactly one stratum takes that
stratum's estimate.  Otherwise, a scope that is a union of strata of one run — every stratum either
inside the scope or apart from it on some axis — takes the sum of those strata, with the interval
of the sum (posterior draws added for Bayesian methods: :func:`add_stored`).  A
stratum that straddles the scope's edge rules the run out; nothing is apportioned.  Strata that
could not be estimated add their observed people with no allowance for those missed, and strata
of unknown place or date are left out of scopes that restrict place or date: both are stated in
the estimate's warnings.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import replace
from statistics import NormalDist
from typing import Any

from tally.core.errors import EstimateError
from tally.reconcile.scope import Places, Scope, category_overlap, category_within, event_within


def week_origin(runs: list[dict[str, Any]]) -> dt.date | None:
    """The first day of the weeks of the newest run estimated by week (strata of seven days), or None:
    ``--by week`` counts its weeks from it, so that each week's toll finds its stratum's estimate."""
    for run in runs:
        starts: list[dt.date] = [k[1] for k in (s.get("key") for s in run["strata"])
                                 if k is not None and k[1] is not None and k[2] is not None and (k[2] - k[1]).days == 6]
        if starts:
            return min(starts)
    return None


def scope_estimate(scope: Scope, runs: list[dict[str, Any]], places: Places) -> dict[str, Any] | None:
    """The estimate for *scope* from stored *runs* (``tally.store.scopes.estimate_runs``), or None.

    The newest stratum that is exactly the scope wins; else the newest run whose strata add up to it.
    A victim category (civilians …) whose places and period hold people of no recorded status is
    apportioned instead, when it can be (:func:`_apportioned`): a list that records no status puts
    the people only it names outside every category's stratum, and the category's own estimate
    then runs low.
    """
    got = _stored(scope, runs, places)
    if scope.victims in ("all", "unknown") or (got is not None and not got.get("unknown_status")):
        return got
    shared = _apportioned(scope, runs, places)
    return shared if shared is not None else got


def _stored(scope: Scope, runs: list[dict[str, Any]], places: Places) -> dict[str, Any] | None:
    want = (frozenset(scope.places), scope.date_from, scope.date_to, scope.victims, scope.event)
    for run in runs:
        if run["total"] is not None and want == (frozenset(), None, None, "all", "killed"):
            return dict(run["total"])  # the run's total: everyone, everywhere, all the time
        for row in reversed(run["strata"]):
            if row["key"] == want:
                return _with_status_note(dict(row["result"]), scope, run, places)
    for run in runs:
        got = _union(scope, run, places)
        if got is not None:
            return _with_status_note(got, scope, run, places)
    return None


def _with_status_note(result: dict[str, Any], scope: Scope, run: dict[str, Any], places: Places) -> dict[str, Any]:
    """Say how many people of the scope's places and period the lists give no victim status: an
    estimate for one category (civilians) counts only those recorded in it."""
    if scope.victims in ("all", "unknown"):
        return result
    countries = tuple(f"iso:{c}" for c in (run["total"] or {}).get("countries") or ())
    unknown = 0
    for row in run["strata"]:
        parts = row["parts"]
        if parts["victims"] == "unknown" and "inside" == _relation({**parts, "victims": scope.victims}, scope, places,
                                                                   countries):
            unknown += int(row["result"].get("observed") or 0)
    unknown += sum(int(f.get("observed") or 0) for f in run.get("failed") or []
                   if f["parts"]["victims"] == "unknown"
                   and _relation({**f["parts"], "victims": scope.victims}, scope, places, countries) == "inside")
    if unknown:
        result["unknown_status"] = unknown
        result["warnings"] = [f"{unknown} person(s) in these places and period have no recorded victim status and "
                              f"are not in this {scope.victims} estimate, which may therefore run low",
                              *(result.get("warnings") or [])]
    return result


def _apportioned(scope: Scope, runs: list[dict[str, Any]], places: Places) -> dict[str, Any] | None:
    """A category's estimate as the all-victims estimate of its places and period times the
    category's share among the people there whose status is recorded.

    Posterior draws of the total are multiplied by draws of the share (Beta with Jeffreys' prior
    over the counts of a run stratified by status), so the interval carries both uncertainties;
    no draw falls below the people recorded in the category.  Assumes status is missing at random
    and that the undocumented are of the category in the same share as the documented: the
    estimate's warnings say so.  None when there is no such total with posterior draws, or no run
    whose status strata fit the scope's places and period.
    """
    base = _stored(replace(scope, victims="all"), runs, places)
    if base is None or not base.get("draws"):
        return None
    counts = next((c for c in (_category_counts(scope, run, places) for run in runs) if c is not None), None)
    if counts is None:
        return None
    k_in, k_known, unknown = counts
    if k_known == 0:
        return None
    import numpy as np  # only here: a toll's import stays light

    total = np.asarray(base["draws"], dtype=float)
    share = np.random.default_rng(0).beta(k_in + 0.5, k_known - k_in + 0.5, size=len(total))
    draws = np.maximum(total * share, k_in)
    level = float(base.get("level") or 0.95)
    tail = (1.0 - level) / 2.0
    lower, estimate, upper = (float(x) for x in np.quantile(draws, [tail, 0.5, 1.0 - tail]))
    note = (f"apportioned: the all-victims estimate of these places and period ({base['estimate']:,.0f} "
            f"[{base['lower']:,.0f}, {base['upper']:,.0f}]) times the {scope.victims}' share among the "
            f"{k_known:,} people there with a recorded status ({k_in:,}, {k_in / k_known:.0%}); {unknown:,} have "
            "none. Assumes status is missing at random and the undocumented share the documented's mix")
    return {"method": f"{base['method']} x share", "observed": k_in, "estimate": estimate, "lower": lower,
            "upper": upper, "level": level,
            "details": {"combination": "posterior draws of the total times Beta draws of the share",
                        "total": {k: base.get(k) for k in ("estimate", "lower", "upper", "observed")},
                        "in_category": k_in, "recorded_status": k_known, "unknown_status": unknown},
            "warnings": [note, *(base.get("warnings") or [])], "id": base.get("id")}


def _category_counts(scope: Scope, run: dict[str, Any], places: Places) -> tuple[int, int, int] | None:
    """(people in the scope's category, people of any recorded status, people of no recorded status)
    in the scope's places and period, from a run stratified by status; None if *run* is not one or
    its strata do not fit the scope."""
    countries = tuple(f"iso:{c}" for c in (run["total"] or {}).get("countries") or ())
    rows = [(r["parts"], int(r["result"].get("observed") or 0)) for r in run["strata"]]
    rows += [(f["parts"], int(f.get("observed") or 0)) for f in run.get("failed") or []]
    if not rows or any(parts["victims"] == "all" for parts, _ in rows):
        return None
    k_in = k_known = unknown = 0
    for parts, observed in rows:
        rel = _relation({**parts, "victims": scope.victims}, scope, places, countries)  # place, period, event
        if rel == "partial":
            return None
        if rel != "inside":
            continue
        if parts["victims"] == "unknown":
            unknown += observed
            continue
        fit = _victims(parts["victims"], scope.victims)
        if fit == "partial":
            return None
        k_known += observed
        k_in += observed if fit == "inside" else 0
    return k_in, k_known, unknown


def _union(scope: Scope, run: dict[str, Any], places: Places) -> dict[str, Any] | None:
    if not run["strata"]:
        return None
    total = run["total"] or {}
    countries = tuple(f"iso:{c}" for c in total.get("countries") or ())
    inside: dict[str, dict[str, Any]] = {}
    left_out: list[str] = []
    for row in run["strata"]:
        rel = _relation(row["parts"], scope, places, countries)
        if rel == "partial":
            return None
        if rel == "inside":
            inside[_name(row["stratum"])] = row["result"]
        elif rel == "unknown":
            left_out.append(f"{_name(row['stratum'])} ({row['result'].get('observed', 0)} observed)")
    fixed, unestimated = 0, []
    for f in run.get("failed") or []:
        rel = _relation(f["parts"], scope, places, countries)
        if rel == "partial":
            return None
        if rel == "inside":
            fixed += int(f.get("observed") or 0)
            unestimated.append(f"{f.get('name')} ({f.get('observed')} observed: {f.get('reason')})")
    if not inside:
        return None
    if len(inside) == 1 and not fixed and not left_out:
        return dict(next(iter(inside.values())))
    try:
        out = add_stored(inside, fixed=fixed, level=float(next(iter(inside.values())).get("level") or 0.95))
    except EstimateError:
        return None
    notes = []
    if unestimated:
        notes.append(f"{len(unestimated)} stratum/strata could not be estimated and add only the people observed, "
                     f"with nothing for those missed: {'; '.join(unestimated)}")
    if left_out:
        notes.append(f"strata of unknown place or date left out: {'; '.join(left_out)}")
    out["warnings"] = notes + out["warnings"]
    out["id"] = [r.get("id") for r in inside.values()]
    return out


def _name(stratum: dict[str, Any]) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(stratum.items()))


def _relation(parts: dict[str, Any], scope: Scope, places: Places, countries: tuple[str, ...]) -> str:
    """``inside`` | ``outside`` | ``partial`` | ``unknown`` (a value the scope restricts is unknown)."""
    axes = [_places(parts["places"], scope, places, countries), _period(parts, scope),
            _victims(parts["victims"], scope.victims), _event(parts["event"], scope.event)]
    if "outside" in axes:
        return "outside"
    if "partial" in axes:
        return "partial"
    return "unknown" if "unknown" in axes else "inside"


def _places(codes: tuple[str, ...] | None, scope: Scope, places: Places, countries: tuple[str, ...]) -> str:
    if not scope.places:
        return "inside"
    if codes is None:
        return "unknown"
    if not codes:  # not stratified by place: the persons' countries
        codes = countries
        if not codes:
            return "partial"
    if places.within(codes, scope.places):
        return "inside"
    return "partial" if places.overlap(codes, scope.places) else "outside"


def _period(parts: dict[str, Any], scope: Scope) -> str:
    lo, hi = scope.date_from, scope.date_to
    if lo is None and hi is None:
        return "inside"
    if not parts["dated"]:
        return "unknown"
    a, b = parts["from"], parts["to"]
    if (b is not None and lo is not None and b < lo) or (a is not None and hi is not None and a > hi):
        return "outside"
    if (lo is None or (a is not None and a >= lo)) and (hi is None or (b is not None and b <= hi)):
        return "inside"
    return "partial"


def _victims(cat: str, want: str) -> str:
    if category_within(cat, want):
        return "inside"
    return "partial" if category_overlap(cat, want) else "outside"


def _event(event: str, want: str) -> str:
    if event_within(event, want):
        return "inside"
    return "partial" if event_within(want, event) else "outside"


def add_stored(parts: Mapping[str, Mapping[str, Any]], *, fixed: int = 0, level: float = 0.95,
               seed: int = 0) -> dict[str, Any]:
    """The estimate of a union of disjoint strata from their stored results (``EstimateResult.to_dict()``).

    Bayesian results carry posterior draws (``draws``): the union's draws are sums of one draw per
    stratum, paired at random (seeded), and its median and interval are read off them, as
    :func:`tally.estimate.estimate_strata` does for a run's total.  Frequentist results add
    estimates and variances (delta-method standard errors; normal interval floored at the observed).
    *fixed* people (of strata that could not be estimated) are added as counted, with nothing for
    those missed.  Raises :class:`EstimateError` when the strata carry neither draws nor errors.
    """
    if not parts:
        raise EstimateError("no strata to add up")
    tail = (1.0 - level) / 2.0
    observed = sum(int(r.get("observed") or 0) for r in parts.values()) + fixed
    methods = sorted({str(r.get("method")) for r in parts.values()})
    if all(r.get("draws") for r in parts.values()):
        import numpy as np  # only when strata are added: a toll's import stays light

        rng = np.random.default_rng(seed)
        size = max(len(r["draws"]) for r in parts.values())
        total = np.full(size, float(fixed))
        for r in parts.values():
            d = np.asarray(r["draws"], dtype=float)
            total += rng.permutation(d) if len(d) == size else rng.choice(d, size=size, replace=True)
        lower, estimate, upper = (float(x) for x in np.quantile(total, [tail, 0.5, 1.0 - tail]))
        details: dict[str, Any] = {"combination": "sum of one posterior draw per stratum", "draws": size}
        summed = total.tolist()
    else:
        ses = [_stderr(r) for r in parts.values()]
        estimate = sum(float(r["estimate"]) for r in parts.values()) + fixed
        se = math.sqrt(sum(s * s for s in ses))
        z = NormalDist().inv_cdf(1.0 - tail)
        lower, upper = max(estimate - z * se, float(observed)), estimate + z * se
        details = {"combination": "sum of MLEs; variance the sum of strata variances; normal interval", "stderr": se}
        summed = None
    details.update({"strata": len(parts), "strata_names": sorted(parts)})
    warnings = list(dict.fromkeys(f"[{name}] {w}" for name, r in parts.items() for w in r.get("warnings") or []))
    out = {"method": "+".join(methods), "observed": observed, "estimate": estimate, "lower": lower,
           "upper": upper, "level": level, "details": details, "warnings": warnings}
    if summed is not None:
        out["draws"] = summed
    return out


def _stderr(result: Mapping[str, Any]) -> float:
    details = result.get("details") or {}
    for key in ("se", "stderr"):
        if details.get(key) is not None:
            return float(details[key])
    raise EstimateError(f"stratum estimated by {result.get('method')} carries no posterior draws or standard error "
                        "to add strata with")
