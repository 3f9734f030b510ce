"""A tally workspace: a directory with the database (or a database URL) and the blob store."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path

from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, create_engine, event, make_url, text
from sqlalchemy.exc import SQLAlchemyError

from tally.core.errors import ConfigError, StoreError
from tally.core.settings import Settings, get_settings
from tally.store import audit
from tally.store.answers import Answers
from tally.store.migrations import HEAD

if TYPE_CHECKING:
    import sqlite3

    from tally.store.kept_rows import KeptRows

    from alembic.config import Config
    from sqlalchemy.pool import ConnectionPoolEntry

MIGRATIONS = Path(__file__).parent / "migrations"


def _alembic_config(url: str) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def _one_line(exc: BaseException) -> str:
    """A database exception as one line: its class and the driver's first message line."""
    orig = getattr(exc, "orig", None) or exc
    first = (str(orig).strip().splitlines() or [""])[0]
    return f"{orig.__class__.__name__}: {first}"


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """SHA-256 of a file, streamed."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


class BlobStore:
    """Content-addressed store of raw files: ``blobs/ab/cdef…`` named by SHA-256."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        """Where the blob with this digest lives."""
        return self.root / sha256[:2] / sha256[2:]

    def put(self, source: Path, sha256: str) -> Path:
        """Copy *source* in (atomically, via a temporary file); a no-op if already there."""
        dest = self.path(sha256)
        if dest.exists():
            return dest
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as out, source.open("rb") as src:
                shutil.copyfileobj(src, out, 1 << 20)
            os.replace(tmp, dest)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return dest

    def has(self, sha256: str) -> bool:
        """True if the blob is stored."""
        return self.path(sha256).exists()


class Workspace:
    """Database engine + blob store of one workspace; schema brought up to date on open."""

    def __init__(self, settings: Settings | None = None, *, create: bool = False) -> None:
        self.settings = settings or get_settings()
        self.home = Path(self.settings.home)
        if create:
            self.home.mkdir(parents=True, exist_ok=True)
        elif not self.home.is_dir():
            raise ConfigError(f"workspace {self.home} does not exist; run 'tally init' first")
        self.blobs = BlobStore(self.home / "blobs")
        self.answers = Answers(self.home / "answers")
        self.url = self.settings.db_url
        database = _sqlite_file(self.url)
        if not create and database is not None and not database.exists():
            # Opening is not creating: a command run in the wrong directory must not leave a
            # database there (nor answer from an empty one as if it were the workspace).
            raise ConfigError(f"{self.home} is not a tally workspace ({database.name} not found); run 'tally init' "
                              f"there, or name the workspace with --workspace or TALLY_HOME")
        self.engine = self._make_engine()
        self.upgrade()

    @cached_property
    def kept_rows(self) -> KeptRows:
        """The claim rows kept for fast loading (``tally.store.kept_rows``), beside the kept answers."""
        from tally.store.kept_rows import KeptRows

        return KeptRows(self.answers.root)

    @classmethod
    def open(cls, home: Path | str | None = None, *, create: bool = False, **overrides: object) -> Workspace:
        """Open (or with *create*, create) the workspace at *home*."""
        settings = get_settings(home=Path(home) if home else None, **overrides)
        return cls(settings, create=create)

    @property
    def actor(self) -> str:
        """Who acts in this session (audit log)."""
        return self.settings.who

    def _make_engine(self) -> Engine:
        try:
            if self.url.startswith("sqlite"):
                engine = create_engine(self.url, connect_args={"timeout": 60})

                @event.listens_for(engine, "connect")
                def _pragmas(dbapi_conn: sqlite3.Connection, _rec: ConnectionPoolEntry) -> None:
                    cur = dbapi_conn.cursor()
                    cur.execute("PRAGMA journal_mode=WAL")
                    cur.execute("PRAGMA synchronous=NORMAL")
                    cur.execute("PRAGMA foreign_keys=ON")
                    cur.execute("PRAGMA cache_size=-65536")  # 64 MB page cache: faster index inserts
                    cur.close()
                    # Let SQLAlchemy's begin() issue BEGIN so transactions are real.
                    dbapi_conn.isolation_level = None

                @event.listens_for(engine, "begin")
                def _begin(conn: Connection) -> None:
                    # Writers take the write lock up front, so that two writers never deadlock
                    # upgrading read locks; readers stay deferred and never block anyone.
                    write = conn.get_execution_options().get("tally_write", False)
                    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

                return engine
            return create_engine(self.url, pool_pre_ping=True)
        except (SQLAlchemyError, ImportError) as exc:
            raise StoreError(f"cannot open database {self.url.split('@')[-1]}: {_one_line(exc)}") from exc

    @property
    def _safe_url(self) -> str:
        from sqlalchemy.engine import make_url

        return make_url(self.url).render_as_string(hide_password=True)

    def upgrade(self) -> None:
        """Bring the schema to the newest Alembic revision.

        A workspace already at :data:`tally.store.migrations.HEAD` is recognised by one query,
        without loading Alembic (a third of a command's start-up).
        """
        if self._revision() == HEAD:
            return
        from alembic import command
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        try:
            with self.engine.connect() as conn0, conn0.execution_options(tally_write=True).begin() as _t:
                conn = conn0
                cfg = _alembic_config(self.url)
                head = ScriptDirectory.from_config(cfg).get_current_head()
                current = MigrationContext.configure(conn).get_current_revision()
                if current != head:
                    before = audit.change_total(conn)
                    cfg.attributes["connection"] = conn
                    command.upgrade(cfg, "head")
                    if before is not None:  # a migration's own changes to the data were made by tally
                        audit.settle_changes(conn, since=before)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot migrate database {self._safe_url}: {_one_line(exc)}") from exc

    def _revision(self) -> str | None:
        """The schema revision stamped in the database, or None (no schema yet, or unreadable)."""
        try:
            with self.engine.connect() as conn:
                return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except SQLAlchemyError:
            return None

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A transaction: committed on success, rolled back on any exception."""
        try:
            with self.engine.connect() as conn:
                conn = conn.execution_options(tally_write=True)
                with conn.begin():
                    # changes made around tally since its last transaction go in the audit log first,
                    # and this transaction's own are counted as audited when it ends (tally.store.audit)
                    audit.note_outside_changes(conn, self.actor)
                    paused = audit.pause_counting(conn)
                    yield conn
                    audit.resume_counting(conn, paused)
                    audit.settle_changes(conn)
        except SQLAlchemyError as exc:
            raise StoreError(f"database error: {_one_line(exc)}") from exc

    def connect(self) -> Connection:
        """A connection for reads."""
        return self.engine.connect()

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()


def _sqlite_file(url: str) -> Path | None:
    """The database file of an SQLite *url*; None for another database, or one in memory."""
    try:
        parsed = make_url(url)
    except (SQLAlchemyError, ValueError):
        return None  # reported when the engine is made
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)
