"""The workspace's schema: the migrations build exactly ``tally.store.schema``, the stamped head is
known without Alembic, and opening an up-to-date workspace does not load Alembic."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from tally.store.migrations import HEAD
from tally.store.schema import metadata
from tally.store.workspace import _alembic_config

ROOT = Path(__file__).resolve().parents[2]


def test_head_constant_is_alembics_head():
    head = ScriptDirectory.from_config(_alembic_config("sqlite://")).get_current_head()
    assert HEAD == head, "a new migration was added: set tally.store.migrations.HEAD to its revision"


def test_migrations_build_the_declared_schema(ws):
    with ws.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        assert ctx.get_current_revision() == HEAD
        assert compare_metadata(ctx, metadata) == []


def test_an_up_to_date_workspace_opens_without_alembic(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "TALLY_DATABASE_URL"}
    env["PYTHONPATH"] = str(ROOT)
    code = ("import sys\nfrom tally.store.workspace import Workspace\n"
            f"Workspace.open({str(tmp_path / 'ws')!r}, create=True).close()\n"  # creates: runs the migrations
            "print('created', 'alembic' in sys.modules)\n")
    assert subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True).stdout.split() == ["created", "True"]
    code = ("import sys\nfrom tally.store.workspace import Workspace\n"
            f"Workspace.open({str(tmp_path / 'ws')!r}).close()\n"
            "print('opened', 'alembic' in sys.modules)\n")
    assert subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True).stdout.split() == ["opened", "False"]


def test_a_directory_that_is_not_a_workspace_is_refused_and_left_as_it_was(tmp_path, monkeypatch):
    import pytest
    from typer.testing import CliRunner

    from tally.cli import app
    from tally.core.errors import ConfigError
    from tally.store.workspace import Workspace

    monkeypatch.delenv("TALLY_DATABASE_URL", raising=False)
    monkeypatch.delenv("TALLY_HOME", raising=False)
    plain = tmp_path / "notes"
    plain.mkdir()
    with pytest.raises(ConfigError, match="is not a tally workspace .tally.db not found.; run 'tally init'"):
        Workspace.open(plain)
    monkeypatch.chdir(plain)  # the default workspace: the current directory
    for args in (["tolls"], ["claims", "add", "--source", "Levant Observatory", "--count", "3"], ["audit", "verify"]):
        r = CliRunner().invoke(app, args)  # tally.cli.main prints it as one line (tests/cli)
        assert isinstance(r.exception, ConfigError) and "is not a tally workspace" in str(r.exception), args
    assert list(plain.iterdir()) == []  # no database, no answers left behind
    r = CliRunner().invoke(app, ["init"])
    assert r.exit_code == 0, r.output
    Workspace.open(plain).close()  # a workspace now
