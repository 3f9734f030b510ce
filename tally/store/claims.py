"""Claims: save the claims extracted from a document (with their sources), list them back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from tally.store.schema import claims, documents, sources
from tally.store.sources import get_or_create

# Claim JSON key -> claims column, where they differ.
_COLUMN = {"count": "count_text", "source": "source_text"}
CLAIM_KEYS = ("event", "count", "qualifier", "vague_word", "low", "high", "best", "victims", "victims_text", "source",
              "places", "country", "admin1", "pcodes", "date_from", "date_to", "cumulative", "perpetrator", "quote",
              "start", "end")


def unextracted_articles(conn: Connection, *, again: bool = False) -> list[dict[str, Any]]:
    """Articles with text that have not been through extraction yet (with *again*: all of them), in id order."""
    q = (select(documents.c.id, documents.c.text, documents.c.title, documents.c.outlet, documents.c.published,
                documents.c.language)
         .where(documents.c.kind == "article", documents.c.text.is_not(None))
         .order_by(documents.c.id))
    if not again:
        q = q.where(documents.c.extracted_at.is_(None))
    return [dict(r) for r in conn.execute(q).mappings()]


def save_claims(conn: Connection, document_id: int, found: Iterable[dict[str, Any]],
                found_sources: Iterable[dict[str, Any]], *, actor: str, reported_at: dt.datetime | None = None) -> int:
    """Replace the extracted claims of *document_id* with *found* (claim JSON dicts) and mark it extracted."""
    ids: dict[str, int] = {}
    now = dt.datetime.now(dt.UTC)
    for s in found_sources:
        ids[s["name"]] = get_or_create(conn, s["name"], kind=s.get("kind") or "unknown", aliases=s.get("aliases") or ())
    conn.execute(delete(claims).where(claims.c.document_id == document_id, claims.c.manual.is_(False)))
    rows = []
    for c in found:
        row = {_COLUMN.get(k, k): c.get(k) for k in CLAIM_KEYS}
        for k in ("date_from", "date_to"):
            if isinstance(row[k], str):
                row[k] = dt.date.fromisoformat(row[k])
        name = c.get("source")
        if name and name not in ids:
            ids[name] = get_or_create(conn, name)
        row.update(document_id=document_id, source_id=ids.get(name) if name else None, reported_at=reported_at,
                   manual=False, status="active", created_at=now, created_by=actor)
        rows.append(row)
    if rows:
        conn.execute(insert(claims), rows)
    conn.execute(update(documents).where(documents.c.id == document_id).values(extracted_at=now))
    return len(rows)


def list_claims(conn: Connection, *, event: str | None = None, document_id: int | None = None) -> list[dict[str, Any]]:
    """Active claims as claim JSON dicts plus ``id``, ``document_id`` and the source's canonical name."""
    q = (select(claims, sources.c.name.label("source_name"))
         .select_from(claims.outerjoin(sources, claims.c.source_id == sources.c.id))
         .where(claims.c.status == "active").order_by(claims.c.id))
    if event:
        q = q.where(claims.c.event == event)
    if document_id is not None:
        q = q.where(claims.c.document_id == document_id)
    out = []
    for r in conn.execute(q).mappings():
        d: dict[str, Any] = {"id": r["id"], "document_id": r["document_id"]}
        for k in CLAIM_KEYS:
            v = r[_COLUMN.get(k, k)]
            d[k] = v.isoformat() if isinstance(v, dt.date) else v
        d["source"] = r["source_name"] or r["source_text"]
        out.append(d)
    return out
