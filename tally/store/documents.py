"""Documents and victim records: insert in batches, read back for inspection and export."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, insert, select, update

from tally.core.errors import NotFoundError
from tally.store.schema import documents, sources, victim_records

RECORD_FIELDS = (
    "record_id", "name", "name_script", "sex", "age", "age_group", "date_of_death", "governorate", "district",
    "place", "governorate_code", "district_code", "country", "status", "cause",
)


def find_by_sha(conn: Connection, sha256: str) -> dict[str, Any] | None:
    """The document with this content hash, or None."""
    row = conn.execute(select(documents).where(documents.c.sha256 == sha256)).mappings().first()
    return dict(row) if row else None


def insert_document(conn: Connection, values: dict[str, Any]) -> int:
    """Insert one document row and return its id."""
    return int(conn.execute(insert(documents).values(**values)).inserted_primary_key[0])  # type: ignore[index]  # SQLAlchemy: Optional, but a one-row insert always has its key


def set_record_count(conn: Connection, doc_id: int, n: int) -> None:
    """Record how many victim records a list document holds."""
    conn.execute(update(documents).where(documents.c.id == doc_id).values(records=n))


def insert_records(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert a batch of victim record rows (executemany)."""
    if rows:
        conn.execute(insert(victim_records), rows)


def get_document(conn: Connection, doc_id: int) -> dict[str, Any]:
    """One document with its source name; NotFoundError if absent."""
    q = (select(documents, sources.c.name.label("source_name"))
         .select_from(documents.outerjoin(sources, documents.c.source_id == sources.c.id))
         .where(documents.c.id == doc_id))
    row = conn.execute(q).mappings().first()
    if row is None:
        raise NotFoundError(f"no document with id {doc_id}")
    return dict(row)


def list_documents(conn: Connection, kind: str | None = None) -> list[dict[str, Any]]:
    """Documents without their text, newest first."""
    cols = [c for c in documents.c if c.name not in ("text",)]
    q = (select(*cols, sources.c.name.label("source_name"))
         .select_from(documents.outerjoin(sources, documents.c.source_id == sources.c.id))
         .order_by(documents.c.id))
    if kind:
        q = q.where(documents.c.kind == kind)
    return [dict(r) for r in conn.execute(q).mappings()]


def iter_records(conn: Connection, *, source: str | None = None, batch: int = 10000) -> Iterator[dict[str, Any]]:
    """Victim records with their source name, in id order (streamed)."""
    q = (select(victim_records, sources.c.name.label("source"))
         .select_from(victim_records.join(sources, victim_records.c.source_id == sources.c.id))
         .order_by(victim_records.c.id))
    if source:
        q = q.where(sources.c.name == source)
    result = conn.execution_options(yield_per=batch).execute(q).mappings()
    for r in result:
        yield dict(r)


def get_record(conn: Connection, record_id: int) -> dict[str, Any]:
    """One victim record by its workspace id."""
    q = (select(victim_records, sources.c.name.label("source"))
         .select_from(victim_records.join(sources, victim_records.c.source_id == sources.c.id))
         .where(victim_records.c.id == record_id))
    row = conn.execute(q).mappings().first()
    if row is None:
        raise NotFoundError(f"no victim record with id {record_id}")
    return dict(row)


def insert_records_fast(conn: Connection, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """Insert victim records given as tuples in *columns* order; on SQLite straight through the
    DB-API cursor (about three times faster than Core), elsewhere through Core."""
    if not rows:
        return
    import json

    j = columns.index("extra")
    if conn.dialect.name != "sqlite":
        conn.execute(insert(victim_records), [
            {**dict(zip(columns, r)), "extra": r[j] or {}} for r in rows])
        return
    d = columns.index("date_of_death")
    sql = f"INSERT INTO victim_records ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
    params = []
    for r in rows:
        vals = list(r)
        vals[j] = json.dumps(vals[j], ensure_ascii=False) if vals[j] else "{}"
        if vals[d] is not None:
            vals[d] = vals[d].isoformat()
        params.append(tuple(vals))
    conn.exec_driver_sql(sql, params)


def mark_extracted(conn: Connection, doc_id: int) -> None:
    """Record that claims were extracted from a document now."""
    import datetime as dt

    conn.execute(update(documents).where(documents.c.id == doc_id).values(extracted_at=dt.datetime.now(dt.UTC)))
