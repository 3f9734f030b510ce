"""Claims: insert extracted and manual claims, reject them, and load them for reconciliation.

Callers audit their writes (``tally.store.audit.append``) in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Text, and_, cast, func, insert, or_, select, update

from tally.core.errors import InputError, NotFoundError
from tally.core.models import Claim
from tally.store.schema import claims, documents, sources
from tally.store.sources import get_or_create

CLAIM_FIELDS = ("event", "qualifier", "vague_word", "low", "high", "best", "victims", "victims_text", "places",
                "country", "admin1", "pcodes", "date_from", "date_to", "cumulative", "perpetrator", "quote",
                "start", "end")


def _row(claim: Claim) -> dict[str, Any]:
    d = claim.model_dump()
    row = {k: d[k] for k in CLAIM_FIELDS}
    row["count_text"] = d["count"]
    row["source_text"] = d["source"]
    return row


def insert_claims(conn: Connection, document_id: int | None, items: Sequence[Claim], *, actor: str,
                  source_id: int | None = None, reported_at: dt.datetime | None = None,
                  manual: bool = False, sensitivity: str = "public") -> list[int]:
    """Insert *items* (claims of one document, or manual ones) and return their ids.

    A claim that names its source (``claim.source``) is filed under that source (created, or
    found by alias); otherwise under *source_id* (default: the document's source).  ``reported_at``
    defaults to the document's publication time.
    """
    if document_id is not None and (source_id is None or reported_at is None):
        doc = conn.execute(select(documents.c.source_id, documents.c.published, documents.c.sensitivity)
                           .where(documents.c.id == document_id)).first()
        if doc is None:
            raise NotFoundError(f"no document with id {document_id}")
        source_id = source_id if source_id is not None else doc.source_id
        reported_at = reported_at or doc.published
        sensitivity = doc.sensitivity or sensitivity
    now = dt.datetime.now(dt.UTC)
    cache: dict[str, int] = {}
    ids = []
    for c in items:
        row = _row(c)
        sid = source_id
        if c.source:
            if c.source not in cache:
                cache[c.source] = get_or_create(conn, c.source)
            sid = cache[c.source]
        row.update(document_id=document_id, source_id=sid, reported_at=reported_at, manual=manual, status="active",
                   sensitivity=sensitivity, created_at=now, created_by=actor)
        ids.append(int(conn.execute(insert(claims).values(**row)).inserted_primary_key[0]))
    return ids


def reject_claim(conn: Connection, claim_id: int, why: str) -> dict[str, Any]:
    """Mark a claim rejected with a reason (it stays visible, as discounted); returns the old status."""
    if not why or not why.strip():
        raise InputError("say why the claim is rejected (--why)")
    row = conn.execute(select(claims.c.id, claims.c.status, claims.c.status_reason)
                       .where(claims.c.id == claim_id)).first()
    if row is None:
        raise NotFoundError(f"no claim with id {claim_id}")
    conn.execute(update(claims).where(claims.c.id == claim_id).values(status="rejected", status_reason=why.strip()))
    return {"status": row.status, "status_reason": row.status_reason}


def _columns() -> list[Any]:
    return [claims.c.id, claims.c.document_id, claims.c.source_id, sources.c.name.label("source_name"),
            claims.c.source_text, claims.c.event, claims.c.count_text, claims.c.qualifier, claims.c.low, claims.c.high,
            claims.c.best, claims.c.victims, claims.c.victims_text, claims.c.places, claims.c.country,
            claims.c.admin1, claims.c.pcodes, claims.c.date_from, claims.c.date_to, claims.c.cumulative,
            claims.c.reported_at, claims.c.manual, claims.c.status, claims.c.status_reason, claims.c.quote,
            documents.c.published, documents.c.outlet]


def _joined() -> Any:
    return claims.outerjoin(sources, claims.c.source_id == sources.c.id).outerjoin(
        documents, claims.c.document_id == documents.c.id)


def load_claims(conn: Connection, *, events: Iterable[str] = (), victims: Iterable[str] = (),
                date_from: dt.date | None = None, date_to: dt.date | None = None,
                area_prefixes: Iterable[str] = (), area_exact: Iterable[str] = (),
                source: str | None = None) -> list[dict[str, Any]]:
    """Claims (any status) that may bear on a scope, with source name, outlet and publication time.

    A loose pre-filter: event and victim category in the given sets, a period that reaches the
    scope's, and places whose codes start with one of *area_prefixes* or equal one of *area_exact*
    (plus claims with no coded place).  Reconciliation decides exactly.
    """
    q = select(*_columns()).select_from(_joined())
    ev, vi = list(events), list(victims)
    if ev:
        q = q.where(claims.c.event.in_(ev))
    if vi:
        q = q.where(claims.c.victims.in_(vi))
    if date_from is not None:
        q = q.where(or_(func.coalesce(claims.c.date_to, claims.c.reported_at, claims.c.date_from).is_(None),
                        func.coalesce(claims.c.date_to, claims.c.reported_at, claims.c.date_from) >= date_from.isoformat()))
    if date_to is not None:
        q = q.where(or_(claims.c.date_from.is_(None), claims.c.date_from <= date_to))
    pre, exact = list(dict.fromkeys(area_prefixes)), list(dict.fromkeys(area_exact))
    if pre or exact:
        pc, a1 = cast(claims.c.pcodes, Text), cast(claims.c.admin1, Text)
        conds = [col.like(f'%"{p}%') for p in pre for col in (pc, a1)]
        conds += [col.like(f'%"{p}"%') for p in exact for col in (pc, a1)]
        conds.append(and_(pc == "[]", a1 == "[]"))
        q = q.where(or_(*conds))
    if source:
        q = q.where(sources.c.name == source)
    return [dict(r) for r in conn.execute(q.order_by(claims.c.id)).mappings()]


def list_claims(conn: Connection, *, status: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    """Claims with their source, newest first."""
    q = select(*_columns()).select_from(_joined()).order_by(claims.c.id.desc())
    if status:
        q = q.where(claims.c.status == status)
    if limit:
        q = q.limit(limit)
    return [dict(r) for r in conn.execute(q).mappings()]


def get_claim(conn: Connection, claim_id: int) -> dict[str, Any]:
    """One claim with its source; NotFoundError if absent."""
    row = conn.execute(select(*_columns()).select_from(_joined()).where(claims.c.id == claim_id)).mappings().first()
    if row is None:
        raise NotFoundError(f"no claim with id {claim_id}")
    return dict(row)
