"""Read-only queries the report and the exports need: aggregates, claims, persons, stored estimates.

Every aggregate is computed in SQL (``GROUP BY``), so a report over a million victim records moves
a few thousand numbers out of the database, never the rows.  Documented deaths are counted as the
reconciliation stage counts them (``store.scopes.documented_count``): named victim records, one per
linked person (``person_id``) plus every named record not linked yet.  Before any linkage that is
the number of named records, and people on several lists are counted more than once.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, String, case, cast, distinct, func, literal, select

from tally.store.claims import document_sources, with_documents
from tally.store.schema import claims, documents, estimates, link_runs, persons, sources, victim_records

AGE_GROUPS = (("0-17", 0, 17), ("18-59", 18, 59), ("60+", 60, 200))
vr = victim_records.c


def latest_link_run(conn: Connection) -> dict[str, Any] | None:
    """The newest link run (spec, model, metrics, counts), or None if linkage never ran."""
    row = conn.execute(select(link_runs).order_by(link_runs.c.id.desc()).limit(1)).mappings().first()
    return dict(row) if row else None


def _documented() -> Any:
    """Distinct linked persons plus unlinked records: the reconciliation's documented count."""
    return (func.count(distinct(vr.person_id))
            + func.coalesce(func.sum(case((vr.person_id.is_(None), 1), else_=0)), 0)).label("n")


def _where(scope: str | None) -> Any:
    where = vr.name.is_not(None) & (vr.name != "")
    if scope:
        where = where & ((vr.governorate_code == scope) | (vr.district_code == scope))
    return where


def documented_summary(conn: Connection, scope: str | None = None) -> dict[str, Any]:
    """Documented deaths in *scope*: count, unit (persons once linkage ran, else records), dates, lists."""
    n, linked, first, last = conn.execute(
        select(_documented(), func.count(vr.person_id), func.min(vr.date_of_death), func.max(vr.date_of_death))
        .where(_where(scope))).one()
    any_scope = literal(True) if not scope else ((vr.governorate_code == scope) | (vr.district_code == scope))
    records, lists = conn.execute(select(func.count(), func.count(distinct(vr.source_id))).where(any_scope)).one()
    run = latest_link_run(conn)
    return {"unit": "persons" if linked else "records", "link_run": run["id"] if run and linked else None,
            "count": int(n or 0), "records": int(records), "lists": int(lists), "first": first, "last": last,
            "scope": scope}


def counts_by(conn: Connection, field: str, scope: str | None = None) -> list[tuple[Any, int]]:
    """Documented deaths grouped by one record column (``sex``, ``status``, ``governorate_code`` ...), largest first."""
    col = victim_records.c[field]
    n = _documented()
    rows = conn.execute(select(col, n).where(_where(scope)).group_by(col).order_by(n.desc(), col)).all()
    return [(k, int(c)) for k, c in rows]


def counts_by_place(conn: Connection, scope: str | None = None) -> list[dict[str, Any]]:
    """Documented deaths per (governorate code, district code), largest first."""
    n = _documented()
    rows = conn.execute(select(vr.governorate_code, vr.district_code, n).where(_where(scope))
                        .group_by(vr.governorate_code, vr.district_code).order_by(n.desc())).all()
    return [{"governorate_code": a, "district_code": b, "count": int(c)} for a, b, c in rows]


def counts_by_age_group(conn: Connection, scope: str | None = None) -> list[tuple[str, int]]:
    """Documented deaths per age group: ages binned 0-17/18-59/60+, else the list's own age group."""
    whens = [((vr.age >= lo) & (vr.age <= hi), literal(name)) for name, lo, hi in AGE_GROUPS]
    group = case(*whens, else_=func.coalesce(cast(vr.age_group, String), literal("unknown"))).label("g")
    rows = conn.execute(select(group, _documented()).where(_where(scope)).group_by(group)).all()
    return sorted(((str(k), int(c)) for k, c in rows), key=lambda kv: -kv[1])


def _day() -> Any:
    # coalesce(d, d) is d; grouping on it rather than on the column keeps SQLite from walking the
    # date index row by row, which is three times slower than one scan on a million records.
    return func.coalesce(vr.date_of_death, vr.date_of_death).label("day")


def daily_counts(conn: Connection, scope: str | None = None) -> list[tuple[Any, int]]:
    """Documented deaths per date of death (dated deaths only), in date order."""
    day = _day()
    rows = conn.execute(select(day, _documented()).where(_where(scope) & day.is_not(None))
                        .group_by(day).order_by(day)).all()
    return [(_as_date(k), int(c)) for k, c in rows]


def _as_date(v: Any) -> Any:
    import datetime as dt

    return dt.date.fromisoformat(v[:10]) if isinstance(v, str) else v


def daily_counts_by_list(conn: Connection, scope: str | None = None) -> dict[str, list[tuple[Any, int]]]:
    """Each victim list's documented deaths per date of death: the lists' own running tolls."""
    day = _day()
    q = (select(vr.source_id, day, _documented()).where(_where(scope) & day.is_not(None))
         .group_by(vr.source_id, day).order_by(vr.source_id, day))
    names = dict(conn.execute(select(sources.c.id, sources.c.name)).all())
    out: dict[str, list[tuple[Any, int]]] = {}
    for sid, d, n in conn.execute(q):
        out.setdefault(names.get(sid, str(sid)), []).append((_as_date(d), int(n)))
    return out


# Who gives a claim's figure: its own source, else its document's (an unattributed figure is the document's).
_SOURCE = func.coalesce(sources.c.name, document_sources.c.name).label("source")


def list_claims(conn: Connection, *, event: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    """Claims with their source name (their document's when they name none) and document (title, outlet, url,
    published), in id order."""
    q = (select(claims, _SOURCE, documents.c.title.label("document_title"),
                documents.c.outlet.label("outlet"), documents.c.url.label("url"),
                documents.c.published.label("published"))
         .select_from(with_documents())
         .order_by(claims.c.id))
    if event:
        q = q.where(claims.c.event == event)
    if limit:
        q = q.limit(limit)
    return [dict(r) for r in conn.execute(q).mappings()]


def iter_claims(conn: Connection, batch: int = 5000) -> Iterator[dict[str, Any]]:
    """Every claim (see :func:`list_claims`), streamed."""
    q = (select(claims, _SOURCE, documents.c.outlet.label("outlet"),
                documents.c.url.label("url"), documents.c.title.label("document_title"))
         .select_from(with_documents())
         .order_by(claims.c.id))
    for r in conn.execution_options(yield_per=batch).execute(q).mappings():
        yield dict(r)


def count_claims(conn: Connection) -> int:
    """How many claims the workspace holds."""
    return int(conn.execute(select(func.count()).select_from(claims)).scalar_one())


def source_activity(conn: Connection) -> list[dict[str, Any]]:
    """Per source: documents, victim records, claims, first/last claim date, outlets relaying its claims."""
    docs: dict[int | None, int] = dict(conn.execute(select(documents.c.source_id, func.count()).group_by(documents.c.source_id)).all())
    recs: dict[int, int] = dict(conn.execute(select(victim_records.c.source_id, func.count())
                                          .group_by(victim_records.c.source_id)).all())
    when = func.coalesce(claims.c.date_to, claims.c.date_from)
    cl = {sid: (n, a, b, r) for sid, n, a, b, r in conn.execute(
        select(claims.c.source_id, func.count(), func.min(when), func.max(when), func.max(claims.c.reported_at))
        .group_by(claims.c.source_id)).all()}
    # Relayed: distinct outlets (other than the source itself) whose documents carry its claims.
    relay_q = (select(claims.c.source_id, func.count(func.distinct(documents.c.outlet)))
               .select_from(claims.join(documents, claims.c.document_id == documents.c.id)
                            .join(sources, claims.c.source_id == sources.c.id))
               .where(documents.c.outlet.is_not(None) & (documents.c.outlet != sources.c.name))
               .group_by(claims.c.source_id))
    relayed: dict[int, int] = dict(conn.execute(relay_q).all())
    out = []
    for r in conn.execute(select(sources).order_by(sources.c.name)).mappings():
        sid = r["id"]
        n, first, last, reported = cl.get(sid, (0, None, None, None))
        out.append({"source": r["name"], "kind": r["kind"], "documents": int(docs.get(sid, 0)),
                    "records": int(recs.get(sid, 0)), "claims": int(n), "first": first, "last": last,
                    "last_reported": reported, "relayed_by": int(relayed.get(sid, 0))})
    return out


def claim_stats(conn: Connection) -> dict[str, Any]:
    """How claims were coded: counts by event, qualifier, victim category and status."""
    def group(col: Any) -> dict[str, int]:
        return {str(k): int(n) for k, n in conn.execute(select(col, func.count()).group_by(col).order_by(col))}
    return {"event": group(claims.c.event), "qualifier": group(claims.c.qualifier),
            "victims": group(claims.c.victims), "status": group(claims.c.status),
            "manual": group(claims.c.manual)}


def iter_persons(conn: Connection, link_run: int | None = None, batch: int = 10000) -> Iterator[dict[str, Any]]:
    """Persons of *link_run* (default: the newest), streamed in id order."""
    if link_run is None:
        run = latest_link_run(conn)
        if run is None:
            return
        link_run = int(run["id"])
    q = select(persons).where(persons.c.link_run_id == link_run).order_by(persons.c.id)
    for r in conn.execution_options(yield_per=batch).execute(q).mappings():
        yield dict(r)


def list_estimates(conn: Connection) -> list[dict[str, Any]]:
    """Stored estimates of the newest estimation run (one batch: same time of writing), in id order."""
    last = conn.execute(select(estimates.c.created_at).order_by(estimates.c.id.desc()).limit(1)).scalar()
    if last is None:
        return []
    q = select(estimates).where(estimates.c.created_at == last).order_by(estimates.c.id)
    return [dict(r) for r in conn.execute(q).mappings()]


def fingerprint(conn: Connection) -> dict[str, Any]:
    """Cheap counters that change when a stage's inputs change (what ``tally run`` compares)."""
    def one(q: Any) -> Any:
        return conn.execute(q).scalar_one()
    arts = documents.c.kind == "article"
    return {
        "articles": [one(select(func.count()).where(arts)), one(select(func.max(documents.c.id)).where(arts))],
        "records": [one(select(func.count()).select_from(victim_records)), one(select(func.max(victim_records.c.id)))],
        "claims": [one(select(func.count()).select_from(claims)), one(select(func.max(claims.c.id)))],
        "link_run": one(select(func.max(link_runs.c.id))),
        "estimates": one(select(func.max(estimates.c.id))),
    }
