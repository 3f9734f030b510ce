"""The one orchestrator: each ``run_*`` sequences stages over a workspace.

Stages stay blind to each other; only this module (and the thin CLI/web shells above it) knows
the order ingest -> extract -> link -> estimate -> reconcile -> report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class ExtractReport:
    """What :func:`run_extract` did: documents read, claims stored, documents skipped and why."""

    documents: int = 0
    claims: int = 0
    skipped: dict[int, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {"documents": self.documents, "claims": self.claims, "skipped": {str(k): v for k, v in self.skipped.items()}}

    def summary(self) -> str:
        """One line per fact."""
        lines = [f"extracted {self.claims} claims from {self.documents} articles"]
        lines += [f"  document {k}: {v}" for k, v in self.skipped.items()]
        return "\n".join(lines)


def run_extract(ws: Workspace, *, progress: Callable[[int, int], None] | None = None) -> ExtractReport:
    """Extract claims from every ingested article not yet extracted; one transaction per document."""
    from tally.extract import extract_claims
    from tally.extract.sources import proper_aliases
    from tally.store import claims as claim_store

    with ws.connect() as conn:
        todo = claim_store.unextracted_articles(conn)
    total, skipped = 0, {}
    for n, doc in enumerate(todo, start=1):
        result = extract_claims(doc["text"] or "", published=doc["published"], outlet=doc["outlet"], title=doc["title"])
        if result.notes and not result.claims:
            skipped[doc["id"]] = "; ".join(result.notes)
        with ws.begin() as conn:
            stored = claim_store.save_claims(
                conn, doc["id"], [c.model_dump(mode="json") for c in result.claims],
                [{"name": s.name, "kind": s.kind, "aliases": proper_aliases(s)} for s in result.sources], actor=ws.actor,
                reported_at=doc["published"])
            audit.append(conn, ws.actor, "extract", "document", [doc["id"]],
                         {"claims": stored, "language": result.language, "notes": result.notes})
        total += stored
        if progress is not None:
            progress(n, len(todo))
    return ExtractReport(len(todo), total, skipped)


def list_claims(ws: Workspace, *, event: str | None = None) -> list[dict[str, object]]:
    """The workspace's active claims (claim JSON plus id, document_id)."""
    from tally.store import claims as claim_store

    with ws.connect() as conn:
        return claim_store.list_claims(conn, event=event)


def verify_audit(ws: Workspace) -> audit.AuditReport:
    """Check the audit log's hash chain."""
    with ws.connect() as conn:
        return audit.verify(conn)
