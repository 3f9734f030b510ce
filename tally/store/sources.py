"""Sources and their aliases: one row per reporting organisation, outlet, authority or person."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable

from sqlalchemy import Connection, insert, select

from tally.store.schema import source_aliases, sources


def source_key(name: str) -> str:
    """Fold a source name for alias matching (case, accents, punctuation, a leading 'the')."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(c for c in s if not unicodedata.combining(c)).casefold()
    s = re.sub(r"[^\w]+", " ", s).strip()
    return re.sub(r"^the ", "", s)


def get_or_create(conn: Connection, name: str, *, kind: str = "unknown", aliases: Iterable[str] = ()) -> int:
    """The id of the source known by *name* or any alias; created (with its aliases) if new."""
    names = [name, *aliases]
    keys = [source_key(n) for n in names if n and source_key(n)]
    found = conn.execute(select(source_aliases.c.source_id).where(source_aliases.c.key.in_(keys))).first()
    if found is not None:
        sid = int(found[0])
    else:
        row = conn.execute(select(sources.c.id).where(sources.c.name == name)).first()
        if row is not None:
            sid = int(row[0])
        else:
            sid = int(conn.execute(insert(sources).values(name=name, kind=kind, created_at=dt.datetime.now(dt.UTC))).inserted_primary_key[0])  # type: ignore[index]  # SQLAlchemy: Optional, but a one-row insert always has its key
    known = set(conn.execute(select(source_aliases.c.key).where(source_aliases.c.key.in_(keys))).scalars())
    for n in names:
        k = source_key(n) if n else ""
        if k and k not in known:
            conn.execute(insert(source_aliases).values(source_id=sid, alias=n, key=k))
            known.add(k)
    return sid


def list_sources(conn: Connection) -> list[dict[str, object]]:
    """Every source with its aliases and how many documents it has."""
    from sqlalchemy import func

    from tally.store.schema import documents

    alias_rows = conn.execute(select(source_aliases.c.source_id, source_aliases.c.alias)).all()
    by_source: dict[int, list[str]] = {}
    for sid, alias in alias_rows:
        by_source.setdefault(sid, []).append(alias)
    counts: dict[int | None, int] = dict(conn.execute(select(documents.c.source_id, func.count()).group_by(documents.c.source_id)).all())
    out = []
    for r in conn.execute(select(sources).order_by(sources.c.id)).mappings():
        out.append({
            "id": r["id"], "name": r["name"], "kind": r["kind"],
            "aliases": sorted(a for a in by_source.get(r["id"], []) if a != r["name"]),
            "documents": counts.get(r["id"], 0),
        })
    return out
