"""The audit hash chain catches edited, deleted and reordered rows."""

from __future__ import annotations

from sqlalchemy import delete, select, update

from tally.store import audit
from tally.store.schema import audit_events


def _events(ws, n=4):
    with ws.begin() as c:
        for i in range(n):
            audit.append(c, "tester", "edit", "victim_record", [i], {"field": "age", "to": i})


def _verify(ws):
    with ws.connect() as c:
        return audit.verify(c)


def test_audit_chain_verifies_when_untouched(ws):
    _events(ws)
    rep = _verify(ws)
    assert rep.ok and rep.checked == 4


def test_audit_detects_edited_row(ws):
    _events(ws)
    with ws.begin() as c:
        c.execute(update(audit_events).where(audit_events.c.id == 2).values(actor="someone else"))
    rep = _verify(ws)
    assert not rep.ok and rep.broken_id == 2 and "edited" in rep.reason


def test_audit_detects_deleted_row(ws):
    _events(ws)
    with ws.begin() as c:
        c.execute(delete(audit_events).where(audit_events.c.id == 3))
    rep = _verify(ws)
    assert not rep.ok and rep.broken_id == 3


def test_audit_detects_deleted_last_row(ws):
    _events(ws)
    with ws.begin() as c:
        c.execute(delete(audit_events).where(audit_events.c.id == 4))
    assert not _verify(ws).ok


def test_audit_detects_reordered_rows(ws):
    _events(ws)
    with ws.begin() as c:
        rows = {r["id"]: dict(r) for r in c.execute(select(audit_events)).mappings()}
        for a, b in ((2, 3), (3, 2)):
            vals = {k: v for k, v in rows[b].items() if k != "id"}
            c.execute(update(audit_events).where(audit_events.c.id == a).values(**vals))
    rep = _verify(ws)
    assert not rep.ok and rep.broken_id == 2


def test_audit_rollback_leaves_no_event(ws):
    _events(ws, 1)
    try:
        with ws.begin() as c:
            audit.append(c, "tester", "ingest", "document", [9])
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    rep = _verify(ws)
    assert rep.ok and rep.checked == 1
