"""The audit log: an append-only hash chain of every write.

Each event stores the SHA-256 of the previous event; its own hash covers its id, time, actor,
action, object type, object ids, details and that previous hash.  Editing, deleting or reordering
any row breaks the chain at that row, which :func:`verify` reports.

Changes made around tally (plain SQL, another program) write no event.  Triggers count every change
of the data tables (``tally.store.schema.changes``); each tally transaction first notes the changes
it did not make (:func:`note_outside_changes`: an event ``changes.outside`` with their number, so
the log says when the data were touched outside it, if not how), and its own are not counted
(SQLite: :func:`pause_counting`) or counted as audited when it ends (PostgreSQL:
:func:`settle_changes`).  Until then :func:`revision` says the data changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select, update

from tally.store.schema import audit_events, audit_head, changes

GENESIS = "0" * 64
OUTSIDE = "changes.outside"  # the action of the event that records changes made around tally


def _canonical(event: dict[str, Any]) -> bytes:
    return json.dumps(event, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def event_hash(ev: dict[str, Any]) -> str:
    """The hash of one event (all fields but ``hash`` itself)."""
    body = {k: ev[k] for k in ("id", "at", "actor", "action", "object_type", "object_ids", "details", "prev_hash")}
    return hashlib.sha256(_canonical(body)).hexdigest()


def append(conn: Connection, actor: str, action: str, object_type: str,
           object_ids: Iterable[int | str] = (), details: dict[str, Any] | None = None) -> int:
    """Append one event inside the caller's transaction; returns its id."""
    # Touch the head row first: this takes the write lock, serialising concurrent appenders.
    res = conn.execute(update(audit_head).where(audit_head.c.id == 1).values(last_id=audit_head.c.last_id))
    if res.rowcount == 0:
        conn.execute(insert(audit_head).values(id=1, last_id=0, last_hash=GENESIS))
    head = conn.execute(select(audit_head.c.last_id, audit_head.c.last_hash).where(audit_head.c.id == 1)).one()
    ev = {
        "id": head.last_id + 1,
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="microseconds"),
        "actor": actor,
        "action": action,
        "object_type": object_type,
        "object_ids": [i for i in object_ids],
        "details": json.loads(_canonical(details or {})),
        "prev_hash": head.last_hash,
    }
    ev["hash"] = event_hash(ev)
    conn.execute(insert(audit_events).values(**ev))
    conn.execute(update(audit_head).where(audit_head.c.id == 1).values(last_id=ev["id"], last_hash=ev["hash"]))
    return int(ev["id"])


def outside_note(n: int) -> str:
    """What to tell a user of *n* changes made around tally, not logged yet."""
    return (f"{n} change{'s' if n != 1 else ''} made to the workspace's data without tally since its last write "
            f"(the next write logs {'them' if n != 1 else 'it'})")


@dataclass(frozen=True)
class AuditReport:
    """Result of :func:`verify`: how many events were checked and the first broken one."""

    checked: int
    ok: bool
    broken_id: int | None = None
    reason: str | None = None
    outside_events: int = 0  # events that record changes made without tally (:data:`OUTSIDE`)
    outside_pending: int = 0  # changes made without tally since its last write, not yet logged

    def __str__(self) -> str:
        if not self.ok:
            return f"audit log broken at event {self.broken_id}: {self.reason}"
        out = f"audit log intact: {self.checked} event{'s' if self.checked != 1 else ''}, hash chain verified"
        if self.outside_events:
            out += (f"; {self.outside_events} of them record{'s' if self.outside_events == 1 else ''} changes "
                    f"made without tally")
        if self.outside_pending:
            out += f"; {outside_note(self.outside_pending)}"
        return out


def verify(conn: Connection) -> AuditReport:
    """Walk the chain in id order and report the first event that does not fit."""
    prev, expected_id, n, outside = GENESIS, 1, 0, 0
    rows = conn.execute(select(audit_events).order_by(audit_events.c.id))
    for row in rows.mappings():
        ev = dict(row)
        n += 1
        outside += ev["action"] == OUTSIDE
        if ev["id"] != expected_id:
            return AuditReport(n, False, expected_id, f"event {expected_id} is missing (next id is {ev['id']})")
        if ev["prev_hash"] != prev:
            return AuditReport(n, False, ev["id"], "previous-hash link does not match (row deleted or reordered)")
        if event_hash(ev) != ev["hash"]:
            return AuditReport(n, False, ev["id"], "content does not match its hash (row edited)")
        prev, expected_id = ev["hash"], expected_id + 1
    head = conn.execute(select(audit_head.c.last_id, audit_head.c.last_hash)).first()
    if head is not None and (head.last_id != expected_id - 1 or head.last_hash != prev):
        return AuditReport(n, False, head.last_id, "chain ends before the recorded head (events deleted at the end)")
    return AuditReport(n, True, outside_events=outside, outside_pending=pending_outside_changes(conn))


def recent(conn: Connection, limit: int = 20) -> list[dict[str, Any]]:
    """The last *limit* events, newest first."""
    q = select(audit_events).order_by(audit_events.c.id.desc()).limit(limit)
    return [dict(r) for r in conn.execute(q).mappings()]


def revision(conn: Connection) -> str:
    """The workspace's revision: the id and hash of the last event, which every write through tally
    moves; followed by ``+`` and the change counter when the data changed around tally since (see
    the module), so that answers kept before such a change are not read back."""
    head = conn.execute(select(audit_head.c.last_id, audit_head.c.last_hash).where(audit_head.c.id == 1)).first()
    rev = f"{head.last_id}:{head.last_hash}" if head is not None else f"0:{GENESIS}"
    total, audited = _counter(conn)
    return f"{rev}+{total}" if total != audited else rev


def _counter(conn: Connection) -> tuple[int, int]:
    """The change counter: (changes counted, changes audited)."""
    seen = conn.execute(select(changes.c.total, changes.c.audited).where(changes.c.id == 1)).first()
    return (int(seen.total), int(seen.audited)) if seen is not None else (0, 0)


def change_total(conn: Connection) -> int | None:
    """The changes counted so far, None if the schema has no counter yet (before migration 0004)."""
    from sqlalchemy import inspect

    return _counter(conn)[0] if inspect(conn).has_table(changes.name) else None


def pending_outside_changes(conn: Connection) -> int:
    """How many changes were made around tally since its last write (none logged yet)."""
    total, audited = _counter(conn)
    return total - audited


def note_outside_changes(conn: Connection, actor: str) -> int:
    """At the start of a tally transaction: take the change counter (serialising writers, as
    :func:`append` does) and, if the data changed around tally since the last tally transaction,
    append an :data:`OUTSIDE` event saying how many changes (rows on SQLite, statements on
    PostgreSQL); returns that number."""
    conn.execute(update(changes).where(changes.c.id == 1).values(total=changes.c.total))
    n = pending_outside_changes(conn)
    if not n:
        return 0
    append(conn, actor, OUTSIDE, "workspace", [], {
        "changes": n, "note": "the workspace's data were changed without tally (plain SQL or another program) "
                              "since its last write; what changed is not known"})
    return n


def pause_counting(conn: Connection) -> list[str]:
    """On SQLite, drop the triggers that count changes for the rest of this tally transaction and
    return their definitions, for :func:`resume_counting` to make them again before it commits.

    SQLite's triggers fire once per row, and tally's bulk writes would pay for it: a million
    victim records ingested in 29 s instead of 17 s.  Tally's own changes need no counting (they
    are audited), the drop is undone by a rollback like any other change, and no other program
    can write meanwhile (SQLite has one writer at a time, and tally's transactions take the lock
    first), so nothing made around tally goes uncounted.  PostgreSQL's triggers fire once per
    statement and stay."""
    if conn.dialect.name != "sqlite":
        return []
    rows = conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                                "AND name LIKE 'tally!_changes!_%' ESCAPE '!'").all()
    for name, _sql in rows:
        conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
    return [str(sql) for _name, sql in rows]


def resume_counting(conn: Connection, paused: list[str]) -> None:
    """Make again the triggers :func:`pause_counting` dropped."""
    for sql in paused:
        conn.exec_driver_sql(sql)


def settle_changes(conn: Connection, since: int | None = None) -> None:
    """At the end of a tally transaction: count every change so far as audited (the transaction's
    own, and those :func:`note_outside_changes` recorded at its start); with *since* (the
    :func:`change_total` at its start), only the transaction's own, leaving any made around tally
    before it pending (a migration's)."""
    audited = changes.c.total if since is None else changes.c.audited + (changes.c.total - since)
    conn.execute(update(changes).where(changes.c.id == 1).values(audited=audited))
