"""Changes made around tally (plain SQL, another program): counted by triggers, noticed by the
revision, and put in the audit log by tally's next write."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import inspect, select, text, update

from tally.store.audit import OUTSIDE, append, recent, revision, verify
from tally.store.schema import WATCHED, changes, metadata, sources
from tally.store.sources import get_or_create
from tally.store.workspace import Workspace


def _rev(ws: Workspace) -> str:
    with ws.connect() as conn:
        return revision(conn)


def _outside(ws: Workspace) -> list[dict]:
    with ws.connect() as conn:
        return [e for e in recent(conn, 100) if e["action"] == OUTSIDE]


def _plain_sql(ws: Workspace, *statements: str) -> None:
    """Statements run as another program would: straight on the database, not in a tally transaction."""
    with ws.engine.begin() as conn:
        for s in statements:
            conn.execute(text(s))


def _triggers(ws: Workspace) -> list[str]:
    """The tables the counting triggers are on, once per trigger."""
    with ws.connect() as conn:
        if conn.dialect.name == "postgresql":
            return sorted(conn.execute(text("SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                                            "WHERE t.tgname LIKE 'tally_changes_%'")).scalars())
        return sorted(conn.execute(text("SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' "
                                        "AND name LIKE 'tally_changes_%'")).scalars())


def test_writes_through_tally_are_audited_and_leave_no_outside_changes(ws):
    triggers = _triggers(ws)
    with ws.begin() as conn:
        get_or_create(conn, "Levant Observatory", kind="organisation")
        append(conn, "tester", "source.add", "source", [1])
    with pytest.raises(RuntimeError), ws.begin() as conn:
        get_or_create(conn, "Rescuers", kind="organisation")
        raise RuntimeError("a failed write")
    with ws.connect() as conn:
        seen = conn.execute(select(changes.c.total, changes.c.audited)).one()
    # tally's own changes are not counted (SQLite: its transactions drop the triggers until they
    # commit) or counted as audited (PostgreSQL)
    assert seen.total == seen.audited
    assert "+" not in _rev(ws)
    assert _outside(ws) == []
    assert _triggers(ws) == triggers  # made again at the commit, and restored by the rollback


def test_a_change_around_tally_moves_the_revision_and_the_next_write_audits_it(ws):
    with ws.begin() as conn:
        get_or_create(conn, "Levant Observatory", kind="organisation")
        append(conn, "tester", "source.add", "source", [1])
    clean = _rev(ws)
    _plain_sql(ws, "UPDATE sources SET name = 'Levant Monitor'")
    once = _rev(ws)
    assert once.startswith(clean + "+")
    _plain_sql(ws, "UPDATE sources SET name = 'Levant Observatory'")
    twice = _rev(ws)
    assert twice not in (clean, once)  # each change moves it: answers kept in between are not read back
    with ws.connect() as conn:
        report = verify(conn)
    assert report.ok and report.outside_pending == 2
    assert str(report).endswith("; 2 changes made to the workspace's data without tally since its last write "
                                "(the next write logs them)")
    # a tally transaction that fails writes nothing, the note of the outside changes included
    with pytest.raises(RuntimeError), ws.begin() as conn:
        raise RuntimeError("a failed write")
    assert _rev(ws) == twice and _outside(ws) == []
    # the next one that succeeds puts them in the audit log, first, and the revision is clean again
    with ws.begin() as conn:
        get_or_create(conn, "Rescuers", kind="organisation")
        append(conn, "tester", "source.add", "source", [2])
    with ws.connect() as conn:
        events = recent(conn, 2)[::-1]
    assert [e["action"] for e in events] == [OUTSIDE, "source.add"]
    assert events[0]["details"]["changes"] == 2  # two rows (SQLite) or two statements (PostgreSQL)
    assert "+" not in _rev(ws) and _rev(ws) != clean
    with ws.connect() as conn:
        report = verify(conn)
    assert report.ok and (report.outside_events, report.outside_pending) == (1, 0)
    assert str(report) == "audit log intact: 3 events, hash chain verified; 1 of them records changes made without tally"
    # and only once
    with ws.begin() as conn:
        append(conn, "tester", "source.add", "source", [2])
    assert len(_outside(ws)) == 1


def test_every_data_table_counts_its_changes(ws):
    # every table but the audit log's and tally's bookkeeping is watched ...
    data = {t.name for t in metadata.sorted_tables if not t.name.startswith("_") and t.name != "audit_events"}
    assert set(WATCHED) == data
    # ... by its triggers (a later migration that rebuilds a table must make them again)
    per_table = 1 if ws.engine.dialect.name == "postgresql" else 3  # a statement trigger; insert, update, delete
    assert _triggers(ws) == sorted(t for t in WATCHED for _ in range(per_table))
    with ws.connect() as conn:
        assert inspect(conn).has_table("_changes")
    # an insert, an update and a delete each count
    before = _rev(ws)
    with ws.engine.begin() as conn:
        conn.execute(sources.insert().values(id=50, name="Outlet X", kind="outlet", created_at=dt.datetime.now(dt.UTC)))
    inserted = _rev(ws)
    with ws.engine.begin() as conn:
        conn.execute(update(sources).where(sources.c.id == 50).values(name="Outlet Y"))
    updated = _rev(ws)
    with ws.engine.begin() as conn:
        conn.execute(sources.delete().where(sources.c.id == 50))
    assert len({before, inserted, updated, _rev(ws)}) == 4


def test_migration_0004_counts_changes_from_then_on(tmp_path, monkeypatch):
    from alembic import command
    from sqlalchemy import create_engine

    from tally.store.workspace import _alembic_config

    monkeypatch.delenv("TALLY_DATABASE_URL", raising=False)
    home = tmp_path / "ws"
    home.mkdir()
    url = f"sqlite:///{home / 'tally.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:  # a workspace made before the counter, with data and an event
        cfg = _alembic_config(url)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0003")
        conn.execute(text("INSERT INTO sources (id, name, kind, created_at) VALUES (1, 'Levant Observatory', "
                          "'organisation', '2025-03-08 00:00:00')"))
        append(conn, "tester", "source.add", "source", [1])
    engine.dispose()
    ws = Workspace.open(home, actor="tester")  # opening migrates: what was there before is not "outside"
    try:
        clean = _rev(ws)
        assert clean.startswith("1:") and "+" not in clean
        _plain_sql(ws, "UPDATE sources SET kind = 'outlet'")
        assert _rev(ws).startswith(clean + "+")
    finally:
        ws.close()


def test_concurrent_tally_writers_log_no_outside_changes(ws):
    import threading

    errors: list[BaseException] = []

    def writer(k: int) -> None:
        try:
            for i in range(10):
                with ws.begin() as conn:
                    sid = get_or_create(conn, f"Outlet {k}-{i}", kind="outlet")
                    append(conn, "tester", "source.add", "source", [sid])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert _outside(ws) == []
    with ws.connect() as conn:
        report = verify(conn)
        assert report.ok and report.checked == 30 and report.outside_pending == 0


def test_the_cli_notes_changes_around_tally_and_its_next_write_logs_them(tally_at):
    import json

    run, home = tally_at, tally_at.home
    run("init")
    run("claims", "add", "--source", "Levant Observatory", "--count", "1200", "--victims", "civilians", "--where",
        "Latakia", "--from", "2025-03-06", "--to", "2025-03-08", "--cumulative", "--date", "2025-03-08")
    first = run("tolls", "--where", "Latakia", "--victims", "civilians", "--json")
    assert json.loads(first.stdout)[0]["best"] == 1200 and "without tally" not in first.stderr
    ws = Workspace.open(home)
    _plain_sql(ws, "UPDATE claims SET low = 1383, best = 1383, high = 1383")
    ws.close()
    # a reader is told, and is not answered from before the change
    r = run("tolls", "--where", "Latakia", "--victims", "civilians", "--json")
    assert json.loads(r.stdout)[0]["best"] == 1383
    assert "note: 1 change made to the workspace's data without tally since its last write" in r.stderr
    assert "1 change made to the workspace's data without tally" in run("audit", "verify").stdout
    # the next write logs it, and then nothing is pending
    run("claims", "add", "--source", "Rescuers", "--count", "12", "--victims", "civilians", "--where", "Homs",
        "--from", "2025-03-07", "--to", "2025-03-07")
    r = run("audit", "verify")
    assert r.stdout.strip() == "audit log intact: 3 events, hash chain verified; 1 of them records changes made " \
                               "without tally"
    assert "without tally" not in run("tolls", "--where", "Latakia", "--json").stderr


def test_migration_0004_downgrades_and_upgrades_again(ws):
    from alembic import command

    from tally.store.workspace import _alembic_config

    made = _triggers(ws)
    cfg = _alembic_config(ws.url)
    with ws.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0003")
    assert _triggers(ws) == []
    with ws.connect() as conn:
        assert not inspect(conn).has_table("_changes")
    with ws.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    assert _triggers(ws) == made
    with ws.engine.begin() as conn:  # counted again
        conn.execute(sources.insert().values(id=7, name="Outlet Z", kind="outlet", created_at=dt.datetime.now(dt.UTC)))
    assert "+" in _rev(ws)


def test_a_migration_counts_its_own_changes_as_audited_and_no_others(ws):
    from tally.store.audit import change_total, pending_outside_changes, settle_changes

    _plain_sql(ws, "INSERT INTO sources (id, name, kind, created_at) VALUES (8, 'Outlet A', 'outlet', "
                   "'2025-03-08 00:00:00')")  # made around tally, before the upgrade
    with ws.engine.begin() as conn:  # as Workspace.upgrade runs a migration that changes data
        before = change_total(conn)
        conn.execute(text("UPDATE sources SET kind = 'organisation' WHERE id = 8"))
        settle_changes(conn, since=before)
    with ws.connect() as conn:
        assert pending_outside_changes(conn) == 1  # the change made around tally is still pending
