"""Shared fixtures: workspaces on SQLite (always) and PostgreSQL (with TALLY_TEST_POSTGRES_URL)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from hypothesis import settings

from tally.store.workspace import Workspace

# Fixed seeds for anything random: property tests draw the same examples on every run.
settings.register_profile("tally", derandomize=True, deadline=None)
settings.load_profile("tally")

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
PG_URL = os.environ.get("TALLY_TEST_POSTGRES_URL")


def shared_path(*parts: str) -> Path:
    """A file under ../shared, or skip the test when the reference data is absent (a user's clone)."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"reference data {p} not available")
    return p


def _pg_database():
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"tally_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    return admin, name, url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def ws(request, tmp_path, monkeypatch) -> Workspace:
    """A fresh workspace on SQLite, and again on PostgreSQL when a server is configured."""
    monkeypatch.delenv("TALLY_DATABASE_URL", raising=False)
    if request.param == "sqlite":
        w = Workspace.open(tmp_path / "ws", create=True, actor="tester")
        yield w
        w.close()
        return
    if not PG_URL:
        pytest.skip("TALLY_TEST_POSTGRES_URL not set")
    from sqlalchemy import text

    admin, name, url = _pg_database()
    w = Workspace.open(tmp_path / "ws", create=True, actor="tester", database_url=url)
    yield w
    w.close()
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def sqlite_ws(tmp_path, monkeypatch) -> Workspace:
    """A fresh SQLite workspace only."""
    monkeypatch.delenv("TALLY_DATABASE_URL", raising=False)
    w = Workspace.open(tmp_path / "ws", create=True, actor="tester")
    yield w
    w.close()


@pytest.fixture
def tally_at(tmp_path, monkeypatch):
    """``tally --workspace HOME ARGS...`` run in-process on a new SQLite workspace at *tmp_path*/ws
    (not made yet: run ``init`` first), asserting exit code 0; the result has ``stdout`` and
    ``stderr``.  The fixture's ``home`` attribute is the workspace's directory."""
    from typer.testing import CliRunner

    from tally.cli import app

    monkeypatch.delenv("TALLY_DATABASE_URL", raising=False)
    home = tmp_path / "ws"
    runner = CliRunner()

    def run(*args: str):
        r = runner.invoke(app, ["--workspace", str(home), *args], catch_exceptions=False)
        assert r.exit_code == 0, r.output
        return r

    run.home = home  # type: ignore[attr-defined]
    return run
