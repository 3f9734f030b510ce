"""Capture histories out of the store, and estimates into it."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, insert, select

from tally.store import audit
from tally.store.schema import estimates, sources, victim_records


def person_memberships(conn: Connection) -> Iterator[dict[str, Any]]:
    """One row per linked person: the lists (sources) naming them and their stratum fields.

    A person's governorate, sex and status are the most common non-empty values among their
    records; the date is the earliest recorded date of death.
    """
    vr = victim_records.c
    q = (select(vr.person_id, sources.c.name, vr.governorate_code, vr.date_of_death, vr.sex, vr.status)
         .select_from(victim_records.join(sources, vr.source_id == sources.c.id))
         .where(vr.person_id.is_not(None)).order_by(vr.person_id))
    current: int | None = None
    rows: list[Any] = []
    for r in conn.execution_options(yield_per=20000).execute(q):
        if r[0] != current and rows:
            yield _person(rows)
            rows = []
        current = r[0]
        rows.append(r)
    if rows:
        yield _person(rows)


def _mode(values: list[Any], empty: Any = None) -> Any:
    vals = [v for v in values if v not in (None, "", "unknown")]
    return Counter(vals).most_common(1)[0][0] if vals else empty


def _person(rows: list[Any]) -> dict[str, Any]:
    dates = [r[3] if isinstance(r[3], dt.date) else dt.date.fromisoformat(str(r[3])[:10]) for r in rows if r[3]]
    return {
        "person": rows[0][0],
        "lists": frozenset(r[1] for r in rows),
        "governorate": _mode([r[2] for r in rows], "unknown"),
        "date": min(dates) if dates else None,
        "sex": _mode([r[4] for r in rows], "unknown"),
        "status": _mode([r[5] for r in rows], "unknown"),
    }


def save_estimates(conn: Connection, *, actor: str, link_run_id: int | None, method: str,
                   spec: dict[str, Any], rows: list[tuple[dict[str, Any], dict[str, Any]]]) -> list[int]:
    """Store ``(stratum, result)`` pairs of one estimation run; audited as one event."""
    now = dt.datetime.now(dt.UTC)
    ids = []
    for stratum, result in rows:
        ids.append(int(conn.execute(insert(estimates).values(  # type: ignore[index]  # SQLAlchemy: Optional, but a one-row insert always has its key
            created_at=now, created_by=actor, link_run_id=link_run_id, method=method, stratum=stratum, spec=spec,
            result=result)).inserted_primary_key[0]))
    audit.append(conn, actor, "estimate", "estimate", ids, {"method": method, "spec": spec, "link_run_id": link_run_id})
    return ids
