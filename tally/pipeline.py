"""The one orchestrator: each ``run_*`` sequences stages over a workspace.

Stages stay blind to each other; only this module (and the thin CLI/web shells above it) knows
the order ingest -> extract -> link -> estimate -> reconcile -> report.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from typing import TYPE_CHECKING

from tally.core.models import Claim
from tally.ingest.run import IngestReport, Progress, ingest_paths
from tally.store import audit
from tally.store.workspace import Workspace

if TYPE_CHECKING:
    from tally.reconcile.scope import Scope
    from tally.reconcile.tolls import Toll


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


# -- reconcile ----------------------------------------------------------------------------------

def run_tolls(ws: Workspace, scope: Scope, by: str | None = None) -> list[Toll]:
    """Reconciled tolls for *scope*, one per group when *by* is given (see ``tally.reconcile``)."""
    from tally.reconcile.figures import ClaimRow
    from tally.reconcile.scope import claim_filter, default_places
    from tally.reconcile.tolls import group_scopes, reconcile
    from tally.store.claims import load_claims
    from tally.store.scopes import documented_count, latest_estimate, record_dates

    pl = default_places()
    out: list[Toll] = []
    with _gc_paused(), ws.connect() as conn:
        rows = [ClaimRow.from_mapping(r, pl) for r in load_claims(conn, grouped=True, **claim_filter(scope, pl))]
        if by is None:
            groups: list[tuple[str | None, str | None, Scope, str | None]] = [(None, None, scope, None)]
        else:
            dates = record_dates(conn, scope) if by in ("day", "week") else None
            groups = list(group_scopes(scope, by, rows, dates=dates, places=pl))  # type: ignore[arg-type]
        for key, name, sub, source in groups:
            subset = rows if source is None else [c for c in rows if c.source == source]
            doc = documented_count(conn, sub)
            est = latest_estimate(conn, sub, pl.canonical)
            toll = reconcile(subset, doc.count, est, sub, places=pl, notes=[doc.note] if doc.note else [])
            toll.group, toll.by, toll.group_name = key, by, name
            out.append(toll)
    return out


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: reconciling 100,000 claims allocates millions of small
    containers and the collector's repeated passes over them would double the time; nothing here
    makes cycles that must be freed early, and the collector runs again afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def record_claims(ws: Workspace, document_id: int, claims: list[Claim]) -> list[int]:
    """Store the claims extracted from one document (audited; marks the document extracted)."""
    import datetime as dt

    from sqlalchemy import update

    from tally.store.claims import insert_claims
    from tally.store.schema import documents

    with ws.begin() as conn:
        ids = insert_claims(conn, document_id, claims, actor=ws.actor)
        conn.execute(update(documents).where(documents.c.id == document_id).values(extracted_at=dt.datetime.now(dt.UTC)))
        audit.append(conn, ws.actor, "claims.extract", "document", [document_id], {"claims": ids})
    return ids


def add_manual_claim(ws: Workspace, *, source: str, count: float, event: str = "killed", victims: str = "people",
                     qualifier: str = "exact", where: Iterable[str] = (), date_from: object = None,
                     date_to: object = None, cumulative: bool | None = None, note: str = "",
                     reported_at: object = None, low: float | None = None, high: float | None = None) -> int:
    """Add a claim that no article carries (a phone call, a field report); audited, marked manual."""
    import datetime as dt

    from tally.core.errors import InputError
    from tally.reconcile.scope import Scope, default_places
    from tally.store.claims import insert_claims

    pl = default_places()
    scope = Scope.build(list(where), date_from, date_to, places=pl)
    if count is None or count < 0:
        raise InputError("--count must be a non-negative number")
    lo, hi, best = _interpret(float(count), qualifier)
    lo = low if low is not None else lo
    hi = high if high is not None else hi
    admin1 = sorted({a for a in (pl.admin1(c) for c in scope.places) if a})
    countries = sorted({c.split(":")[1][:2] for c in (*admin1, *scope.places) if ":" in c and c.split(":")[1][:2].isalpha()})
    when = _as_datetime(reported_at) or dt.datetime.now(dt.UTC)
    claim = Claim(event=event, count=f"{count:g}", qualifier=qualifier, low=lo, high=hi, best=best,  # type: ignore[arg-type]
                  victims=victims, source=source, places=list(scope.names), country=countries[0] if countries else None,  # type: ignore[arg-type]
                  admin1=admin1, pcodes=list(scope.places), date_from=scope.date_from, date_to=scope.date_to,
                  cumulative=cumulative, quote=note or "")
    with ws.begin() as conn:
        [cid] = insert_claims(conn, None, [claim], actor=ws.actor, reported_at=when, manual=True)
        audit.append(conn, ws.actor, "claim.add", "claim", [cid],
                     {"source": source, "count": count, "qualifier": qualifier, "victims": victims, "event": event,
                      "where": list(scope.places), "from": scope.date_from, "to": scope.date_to, "note": note})
    return cid


def reject_claim(ws: Workspace, claim_id: int, why: str) -> None:
    """Reject a claim with a reason: kept and shown as discounted, never counted; audited."""
    from tally.store.claims import reject_claim as _reject

    with ws.begin() as conn:
        before = _reject(conn, claim_id, why)
        audit.append(conn, ws.actor, "claim.reject", "claim", [claim_id], {"why": why, "before": before})


def _interpret(n: float, qualifier: str) -> tuple[float | None, float | None, float | None]:
    from tally.core.errors import InputError

    table = {"exact": (n, n, n), "about": (n, n, n), "at_least": (n, None, n), "more_than": (n + 1, None, n + 1),
             "up_to": (0.0, n, n)}
    if qualifier not in table:
        raise InputError(f"qualifier {qualifier!r}: use one of {', '.join(table)}")
    return table[qualifier]


def _as_datetime(v: object) -> object:
    import datetime as dt

    if v is None or v == "":
        return None
    if isinstance(v, dt.datetime):
        return v
    if isinstance(v, dt.date):
        return dt.datetime(v.year, v.month, v.day, tzinfo=dt.UTC)
    try:
        out = dt.datetime.fromisoformat(str(v))
    except ValueError:
        from tally.core.errors import InputError

        raise InputError(f"cannot read date {v!r}; write it as YYYY-MM-DD") from None
    return out if out.tzinfo else out.replace(tzinfo=dt.UTC)
