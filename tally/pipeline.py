"""The one orchestrator: each ``run_*`` sequences stages over a workspace.

Stages stay blind to each other; only this module (and the thin CLI/web shells above it) knows
the order ingest -> extract -> link -> estimate -> reconcile -> report.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from tally.ingest.run import IngestReport, Progress, ingest_paths
from tally.store import audit
from tally.store.workspace import Workspace


def open_workspace(home: Path | str | None = None, *, create: bool = False, **overrides: object) -> Workspace:
    """Open the workspace at *home* (default ``$TALLY_HOME`` or the current directory)."""
    return Workspace.open(home, create=create, **overrides)


def init_workspace(home: Path | str | None = None, **overrides: object) -> Workspace:
    """Create the workspace directory, database schema and blob store (idempotent)."""
    ws = Workspace.open(home, create=True, **overrides)
    ws.blobs.root.mkdir(parents=True, exist_ok=True)
    return ws


def run_ingest(ws: Workspace, paths: Iterable[Path], *, source: str | None = None, kind: str | None = None,
               mapping: Path | None = None, country: str | None = None,
               progress: Progress | None = None) -> IngestReport:
    """Ingest files and folders into *ws* (idempotent; one transaction per file)."""
    return ingest_paths(ws, paths, source=source, kind=kind, mapping=mapping, country=country, progress=progress)


def verify_audit(ws: Workspace) -> audit.AuditReport:
    """Check the audit log's hash chain."""
    with ws.connect() as conn:
        return audit.verify(conn)
