"""Scope queries for reconciliation: documented persons in a scope, the estimate for a scope.

A *scope* here is anything with ``record_filter()`` returning plain filters (see
``tally.reconcile.scope.Scope.record_filter``) and, for estimates, ``places``, ``date_from``,
``date_to``, ``victims`` and ``event``; the store never imports the reconcile package.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Connection, and_, distinct, func, or_, select

from tally.store.schema import estimates, victim_records


class ScopeLike(Protocol):
    """What the store needs to know of a scope."""

    places: tuple[str, ...]
    date_from: dt.date | None
    date_to: dt.date | None
    victims: str
    event: str

    def record_filter(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Documented:
    """Named victims in a scope: persons when linkage has run, else records (and a note saying so)."""

    count: int
    persons: bool
    note: str | None = None


def _record_conditions(f: dict[str, Any]) -> list[Any]:
    vr = victim_records.c
    conds: list[Any] = [vr.name.is_not(None), vr.name != ""]
    places: list[ColumnElement[bool]] = []
    if f["governorates"]:
        places.append(vr.governorate_code.in_(f["governorates"]))
    if f["districts"]:
        places.append(vr.district_code.in_(f["districts"]))
    if f["countries"]:
        places.append(vr.country.in_(f["countries"]))
        places.append(and_(vr.country.is_(None), or_(*[vr.governorate_code.like(f"ocha:{c}%") for c in f["countries"]])))
    if places:
        conds.append(or_(*places))
    if f["date_from"] is not None:
        conds.append(vr.date_of_death >= f["date_from"])
    if f["date_to"] is not None:
        conds.append(vr.date_of_death <= f["date_to"])
    if f["statuses"]:
        conds.append(vr.status.in_(f["statuses"]))
        if set(f["statuses"]) == {"unknown"}:
            # a person of unknown status is one no list gives a status: one list's civilian whom another
            # list records without one is a civilian, never also counted among the unknown
            other = victim_records.alias("other_records")
            known = select(other.c.person_id).where(other.c.person_id.is_not(None), other.c.status.is_not(None),
                                                    other.c.status != "unknown")
            conds.append(or_(vr.person_id.is_(None), vr.person_id.not_in(known)))
    if f["sex"]:
        conds.append(vr.sex == f["sex"])
    if f["adult"]:
        conds.append(or_(vr.age.is_(None), vr.age >= 18))
    if f["child"]:
        conds.append(vr.age < 18)
    return conds


def documented_count(conn: Connection, scope: ScopeLike) -> Documented:
    """Distinct linked persons with a named record in *scope*; distinct records if no linkage has run."""
    return documented_counts(conn, [scope])[0]


def documented_counts(conn: Connection, scopes: Sequence[ScopeLike]) -> list[Documented]:
    """:func:`documented_count` of each of *scopes*, in order.  Scopes that differ only in one
    governorate, one district or one day each (the groups of a ``--by governorate``, ``district``
    or ``day``) are counted in one query grouped by that column, not one query each: the same
    counts, each group's records being those its own conditions select."""
    filters = [s.record_filter() for s in scopes]
    out: list[Documented | None] = [_without_records(f) for f in filters]
    todo = [i for i, d in enumerate(out) if d is None]
    axis = _common_axis([filters[i] for i in todo]) if len(todo) > 1 else None
    vr = victim_records.c
    counts = (func.count(distinct(vr.person_id)), func.count(), func.count(vr.person_id))
    if axis is None:
        for i in todo:
            out[i] = _documented(filters[i], *conn.execute(select(*counts).where(*_record_conditions(filters[i]))).one())
        return [d for d in out if d is not None]
    column, values, common = axis
    got: dict[Any, tuple[Any, ...]] = {}
    for key, *row in conn.execute(select(column, *counts).where(*_record_conditions(common), *values).group_by(column)):
        got[_d(key) if column is vr.date_of_death else key] = tuple(row)
    for i in todo:
        f = filters[i]
        key = f["date_from"] if column is vr.date_of_death else (f["governorates"] or f["districts"])[0]
        out[i] = _documented(f, *got.get(key, (0, 0, 0)))
    return [d for d in out if d is not None]


_AXIS_KEYS = {"places": ("governorates", "districts", "countries"), "day": ("date_from", "date_to")}


def _common_axis(filters: list[dict[str, Any]]) -> tuple[Any, list[Any], dict[str, Any]] | None:
    """How to count records for *filters* (``record_filter()``s) in one grouped query: the column to
    group by, the conditions selecting every group's values, and the filter common to all of
    them; None unless they differ only in one governorate each, one district each or one day each."""
    vr = victim_records.c
    first = filters[0]
    for axis, keys in _AXIS_KEYS.items():
        if any({k: v for k, v in f.items() if k not in keys} != {k: v for k, v in first.items() if k not in keys}
               for f in filters):
            continue
        if axis == "day":
            days = [f["date_from"] for f in filters]
            if any(d is None or f["date_to"] != d for d, f in zip(days, filters, strict=True)):
                return None
            return (vr.date_of_death, [vr.date_of_death >= min(days), vr.date_of_death <= max(days)],
                    {**first, "date_from": None, "date_to": None})
        common = {**first, "governorates": [], "districts": [], "countries": []}
        for column, key, other in ((vr.governorate_code, "governorates", "districts"),
                                   (vr.district_code, "districts", "governorates")):
            if all(len(f[key]) == 1 and not f[other] and not f["countries"] for f in filters):
                return column, [column.in_(sorted({f[key][0] for f in filters}))], common
    return None


def _without_records(f: dict[str, Any]) -> Documented | None:
    """The documented count of a scope that no record can lie in (*f*: its ``record_filter()``), else None."""
    if f.get("event", "killed") not in ("killed", "executed"):
        return Documented(0, True)
    unmatched = f.get("unmatched_places") or []
    if unmatched and not (f["governorates"] or f["districts"] or f["countries"]):
        return Documented(0, True, f"documented not counted: victim records carry no village code and "
                                   f"{', '.join(unmatched)} lies in no known district")
    return None


def _documented(f: dict[str, Any], linked: Any, total: Any, with_person: Any) -> Documented:
    """The documented count of a scope (*f*: its ``record_filter()``) from its records' distinct
    persons, records, and records linked to a person."""
    linked, unlinked = int(linked or 0), int(total or 0) - int(with_person or 0)
    note = None
    if f.get("approximate_places"):
        note = "documented counted in the district containing each village (records carry no village code)"
    if linked == 0 and unlinked:
        return Documented(unlinked, False, _join(note, "documented counts victim records, not persons: no linkage has "
                                                       "run, so people on several lists are counted more than once"))
    if unlinked:
        note = _join(note, f"{unlinked} record(s) in scope are not linked yet and are counted as separate persons")
    return Documented(linked + unlinked, True, note)


def _join(a: str | None, b: str) -> str:
    return f"{a}; {b}" if a else b


def record_dates(conn: Connection, scope: ScopeLike) -> tuple[dt.date | None, dt.date | None]:
    """First and last date of death among the named records in *scope*."""
    vr = victim_records.c
    lo, hi = conn.execute(select(func.min(vr.date_of_death), func.max(vr.date_of_death))
                          .where(*_record_conditions(scope.record_filter()))).one()
    return _d(lo), _d(hi)


def _d(v: Any) -> dt.date | None:
    if v is None:
        return None
    if isinstance(v, dt.date):
        return v if not isinstance(v, dt.datetime) else v.date()
    return dt.date.fromisoformat(str(v)[:10])


_PLACE_KEYS = ("where", "places", "governorates", "governorate", "districts", "district", "area", "areas")
_STATUS_TO_VICTIMS = {"civilian": "civilians", "fighter": "fighters", "security_forces": "security_forces",
                      "unknown": "unknown", "all": "all"}


_KNOWN = {*_PLACE_KEYS, "victims", "status", "from", "to", "date_from", "date_to", "event"}


def stratum_key(stratum: dict[str, Any], canonical: Any = None) -> tuple[Any, ...] | None:
    """Normalise an estimate's stratum to ``(places, from, to, victims, event)`` for matching.

    None when the stratum has a dimension a scope cannot express (e.g. ``sex``), so it never matches.
    """
    if set(stratum) - _KNOWN:
        return None
    places: list[str] = []
    for k in _PLACE_KEYS:
        v = stratum.get(k)
        if v:
            for code in ([v] if isinstance(v, str) else list(v)):
                places.extend(canonical(code) if canonical else [code])
    victims = stratum.get("victims") or stratum.get("status") or "all"
    victims = _STATUS_TO_VICTIMS.get(victims, victims)
    return (frozenset(places), _d(stratum.get("from") or stratum.get("date_from")),
            _d(stratum.get("to") or stratum.get("date_to")), victims, stratum.get("event") or "killed")


def latest_estimate(conn: Connection, scope: ScopeLike, canonical: Any = None) -> dict[str, Any] | None:
    """The newest estimate whose stratum is exactly *scope* (its ``result`` JSON plus ``id``), or None."""
    want = (frozenset(scope.places), scope.date_from, scope.date_to, scope.victims, scope.event)
    for row in conn.execute(select(estimates.c.id, estimates.c.stratum, estimates.c.result, estimates.c.method)
                            .order_by(estimates.c.id.desc())).mappings():
        if stratum_key(dict(row["stratum"] or {}), canonical) == want:
            result = dict(row["result"] or {})
            result.setdefault("method", row["method"])
            result["id"] = row["id"]
            return result
    return None


def stratum_parts(stratum: dict[str, Any], canonical: Any = None) -> dict[str, Any]:
    """A stored stratum split by axis, for adding strata up: ``places`` (``None``: unknown; empty:
    not stratified by place), ``from``/``to`` and ``dated`` (False: unknown date), ``victims`` and
    ``event``.  Axes a scope cannot restrict (sex) are left out: a scope holds every value of them."""
    places: tuple[str, ...] | None = ()
    for k in _PLACE_KEYS:
        v = stratum.get(k)
        if v == "unknown":
            places = None
        elif v and places is not None:
            for code in ([v] if isinstance(v, str) else list(v)):
                places += tuple(canonical(code) if canonical else [code])
    dated = not any(stratum.get(k) == "unknown" for k in ("month", "week"))
    victims = stratum.get("victims") or stratum.get("status") or "all"
    return {"places": None if places is None else tuple(dict.fromkeys(places)), "dated": dated,
            "from": _d(stratum.get("from") or stratum.get("date_from")) if dated else None,
            "to": _d(stratum.get("to") or stratum.get("date_to")) if dated else None,
            "victims": _STATUS_TO_VICTIMS.get(victims, victims), "event": stratum.get("event") or "killed"}


def estimate_runs(conn: Connection, canonical: Any = None) -> list[dict[str, Any]]:
    """Every estimation run, newest first (a run: the rows one ``save_estimates`` stored).

    Each is ``{"id", "method", "strata": [{"id", "stratum", "key", "parts", "result"}], "total": the
    run's total result or None, "failed": the strata it could not estimate, with their parts}``.
    """
    runs: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in conn.execute(select(estimates.c.id, estimates.c.created_at, estimates.c.link_run_id, estimates.c.method,
                                   estimates.c.stratum, estimates.c.result).order_by(estimates.c.id)).mappings():
        run = runs.setdefault((row["created_at"], row["link_run_id"], row["method"]),
                              {"id": row["id"], "method": row["method"], "strata": [], "total": None, "failed": []})
        stratum = dict(row["stratum"] or {})
        result = dict(row["result"] or {})
        result.setdefault("method", row["method"])
        result["id"] = row["id"]
        if not stratum:
            run["total"] = result
            run["failed"] = [{**f, "parts": stratum_parts(dict(f.get("stratum") or {}), canonical)}
                             for f in result.get("failed_strata") or []]
            continue
        run["strata"].append({"id": row["id"], "stratum": stratum, "key": stratum_key(stratum, canonical),
                              "parts": stratum_parts(stratum, canonical), "result": result})
    return sorted(runs.values(), key=lambda r: -r["id"])
