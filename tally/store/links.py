"""Linkage runs, persons, scored pairs and reviewers' decisions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, and_, bindparam, delete, func, insert, select, update

from tally.core.errors import InputError, NotFoundError
from tally.store import audit
from tally.store.schema import link_decisions, link_pairs, link_runs, persons, sources, victim_records

__all__ = [
    "DECISIONS",
    "add_decision",
    "decisions",
    "latest_run",
    "link_input_rows",
    "list_persons",
    "records_of_persons",
    "review_pairs",
    "save_run",
]

DECISIONS = ("match", "no_match", "skip")
LINK_COLUMNS = ("id", "source", "record_id", "name", "sex", "age", "age_group", "date_of_death",
                "governorate_code", "district_code", "place", "status")


def link_input_rows(conn: Connection, ids: Iterable[int] | None = None) -> list[dict[str, Any]]:
    """Victim records as linkage input (record_key = the record's workspace id)."""
    q = (select(victim_records.c.id.label("record_key"), sources.c.name.label("source"),
                *[victim_records.c[c] for c in LINK_COLUMNS if c not in ("id", "source")])
         .select_from(victim_records.join(sources, victim_records.c.source_id == sources.c.id))
         .order_by(victim_records.c.id))
    if ids is not None:
        q = q.where(victim_records.c.id.in_(list(ids)))
    return [dict(r) for r in conn.execute(q).mappings()]


def save_run(conn: Connection, *, actor: str, engine: str, spec: dict[str, Any], model: dict[str, Any],
             metrics: dict[str, Any], clusters: dict[int, int], pairs: Iterable[dict[str, Any]],
             summaries: dict[int, dict[str, Any]]) -> int:
    """Store one run: the run row, its persons, each record's person, the scored pairs; audited.

    *clusters* maps record id -> person key; *summaries* maps person key -> the person's fields
    (name, sex, age, date_of_death, governorate_code, district_code, status, sources, records).
    """
    now = dt.datetime.now(dt.UTC)
    run_id = int(conn.execute(insert(link_runs).values(  # type: ignore[index]  # SQLAlchemy: Optional, but a one-row insert always has its key
        created_at=now, created_by=actor, engine=engine, spec=spec, model=model, metrics=metrics,
        records=len(clusters), persons=len(summaries))).inserted_primary_key[0])
    keys = sorted(summaries)
    rows = [{"link_run_id": run_id, **summaries[k]} for k in keys]
    person_id: dict[int, int] = {}
    for k, row in zip(keys, rows, strict=True):  # one by one: portable ids on SQLite and PostgreSQL
        person_id[k] = int(conn.execute(insert(persons).values(**row)).inserted_primary_key[0])  # type: ignore[index]  # SQLAlchemy: Optional, but a one-row insert always has its key
    conn.execute(update(victim_records).values(person_id=None))
    if clusters:
        conn.execute(
            update(victim_records).where(victim_records.c.id == bindparam("rid")).values(person_id=bindparam("pid")),
            [{"rid": rid, "pid": person_id[k]} for rid, k in clusters.items()],
        )
    pair_rows = [{"link_run_id": run_id, **p} for p in pairs]
    if pair_rows:
        conn.execute(insert(link_pairs), pair_rows)
    audit.append(conn, actor, "link.run", "link_run", [run_id],
                 {"engine": engine, "records": len(clusters), "persons": len(summaries),
                  "pairs": len(pair_rows)})
    return run_id


def latest_run(conn: Connection) -> dict[str, Any]:
    """The most recent linkage run (NotFoundError when the workspace was never linked)."""
    row = conn.execute(select(link_runs).order_by(link_runs.c.id.desc()).limit(1)).mappings().first()
    if row is None:
        raise NotFoundError("the workspace has not been linked yet: run `tally link`")
    return dict(row)


def list_persons(conn: Connection, run_id: int, *, limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
    """Persons of a run, in id order."""
    q = select(persons).where(persons.c.link_run_id == run_id).order_by(persons.c.id).offset(offset)
    if limit is not None:
        q = q.limit(limit)
    return [dict(r) for r in conn.execute(q).mappings()]


def records_of_persons(conn: Connection, person_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """Each person's records (source, record_id, name, date_of_death …)."""
    ids = list(person_ids)
    out: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    if not ids:
        return out
    q = (select(victim_records.c.id, victim_records.c.person_id, sources.c.name.label("source"),
                victim_records.c.record_id, victim_records.c.name, victim_records.c.date_of_death,
                victim_records.c.district_code)
         .select_from(victim_records.join(sources, victim_records.c.source_id == sources.c.id))
         .where(victim_records.c.person_id.in_(ids)).order_by(victim_records.c.id))
    for r in conn.execute(q).mappings():
        out[int(r["person_id"])].append(dict(r))
    return out


def review_pairs(conn: Connection, run_id: int, *, limit: int | None = None) -> list[dict[str, Any]]:
    """Pairs of a run in the review band that no reviewer has decided, most probable first."""
    d = link_decisions
    q = (select(link_pairs)
         .where(link_pairs.c.link_run_id == run_id, link_pairs.c.in_review.is_(True))
         .where(~select(d.c.id).where(and_(d.c.record_l == link_pairs.c.record_l,
                                           d.c.record_r == link_pairs.c.record_r)).exists())
         .order_by(link_pairs.c.match_probability.desc()))
    if limit is not None:
        q = q.limit(limit)
    return [dict(r) for r in conn.execute(q).mappings()]


def add_decision(conn: Connection, a: int, b: int, decision: str, *, actor: str, note: str | None = None) -> None:
    """Record (or replace) a reviewer's decision on a pair of records; audited."""
    if decision not in DECISIONS:
        raise InputError(f"unknown decision {decision!r}; use one of {', '.join(DECISIONS)}")
    if a == b:
        raise InputError("a record cannot be reviewed against itself")
    lo, hi = min(a, b), max(a, b)
    found = conn.execute(select(func.count()).select_from(victim_records)
                         .where(victim_records.c.id.in_([lo, hi]))).scalar_one()
    if found != 2:
        raise NotFoundError(f"no victim record with id {lo if found == 0 else 'among ' + str((lo, hi))}")
    conn.execute(delete(link_decisions).where(link_decisions.c.record_l == lo, link_decisions.c.record_r == hi))
    conn.execute(insert(link_decisions).values(record_l=lo, record_r=hi, decision=decision, note=note,
                                               decided_at=dt.datetime.now(dt.UTC), decided_by=actor))
    audit.append(conn, actor, "link.decide", "victim_record", [lo, hi], {"decision": decision, "note": note})


def decisions(conn: Connection) -> list[tuple[int, int, bool]]:
    """Every match / no-match decision as (record_l, record_r, is_match); skips left out."""
    q = select(link_decisions.c.record_l, link_decisions.c.record_r, link_decisions.c.decision).where(
        link_decisions.c.decision != "skip")
    return [(int(a), int(b), d == "match") for a, b, d in conn.execute(q)]


def record_persons(conn: Connection) -> dict[int, int | None]:
    """Each victim record's person id (None where linkage has not placed it)."""
    from tally.store.schema import victim_records

    return dict(conn.execute(select(victim_records.c.id, victim_records.c.person_id)).all())
