"""The one orchestrator: each ``run_*`` sequences stages over a workspace.

Stages stay blind to each other; only this module (and the thin CLI/web shells above it) knows
the order ingest -> extract -> link -> estimate -> reconcile -> report.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from tally.core.errors import NotFoundError
from tally.core.models import Claim
from tally.ingest.run import IngestReport, Progress, ingest_paths
from tally.store import audit
from tally.store.schema import victim_records
from tally.store.workspace import Workspace

if TYPE_CHECKING:
    from tally.link import LinkResult, LinkScore, LinkSpec, Waterfall
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


def run_extract(ws: Workspace, *, again: bool = False,
                progress: Callable[[int, int], None] | None = None) -> ExtractReport:
    """Extract claims from every ingested article not yet extracted (*again*: from all, replacing
    their extracted claims; claims entered by hand stay); one transaction per document."""
    from tally.extract import extract_claims
    from tally.extract.sources import proper_aliases
    from tally.store import claims as claim_store

    with ws.connect() as conn:
        todo = claim_store.unextracted_articles(conn, again=again)
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


# --- link -----------------------------------------------------------------------------------


def _person_summaries(records: Any, clusters: Any) -> dict[int, dict[str, Any]]:
    """Each person's shown fields: the first record's name, the commonest sex/place/status …"""
    import pandas as pd

    df = records.assign(person=records["record_key"].map(clusters))
    out: dict[int, dict[str, Any]] = {}
    first = df.sort_values("record_key").groupby("person", sort=True)
    firsts = first.first()
    srcs = first["source"].agg(lambda s: sorted(set(s)))
    sizes = first.size()
    for k in firsts.index:
        row = firsts.loc[k]

        def val(c: str) -> Any:
            v = row.get(c)
            return None if v is None or (not isinstance(v, (list, str)) and pd.isna(v)) else v

        age = val("age")
        out[int(k)] = {
            "name": val("name"), "sex": val("sex") or "unknown", "age": None if age is None else int(age),
            "date_of_death": val("date_of_death"), "governorate_code": val("governorate_code"),
            "district_code": val("district_code"), "status": val("status") or "unknown",
            "sources": srcs.loc[k], "records": int(sizes.loc[k]),
        }
    return out


def run_link(ws: Workspace, spec: LinkSpec | None = None) -> tuple[int, LinkResult]:
    """Link every victim record of *ws* into persons and store the run; returns (run id, result)."""
    import pandas as pd

    from tally.link import link_records
    from tally.store import links

    with ws.connect() as conn:
        rows = links.link_input_rows(conn)
        decided = links.decisions(conn)
    records = pd.DataFrame(rows, columns=["record_key", *links.LINK_COLUMNS[1:]])
    result = link_records(records, spec, decided)
    clusters = {int(k): int(v) for k, v in result.clusters.items()}
    pairs = [
        {"record_l": int(a), "record_r": int(b), "match_weight": float(w), "match_probability": float(p),
         "in_review": bool(r)}
        for a, b, w, p, r in result.pairs[["key_l", "key_r", "match_weight", "match_probability", "in_review"]]
        .itertuples(index=False)
    ]
    metrics = {**result.metrics, "warnings": list(result.warnings)}
    with ws.begin() as conn:
        run_id = links.save_run(conn, actor=ws.actor, engine=result.spec.engine, spec=result.spec.to_dict(),
                                model=result.model_json, metrics=metrics, clusters=clusters, pairs=pairs,
                                summaries=_person_summaries(records, result.clusters))
    return run_id, result


def explain_link(ws: Workspace, a: int, b: int) -> Waterfall:
    """The waterfall of records *a* and *b* under the workspace's latest linkage model."""
    import pandas as pd

    from tally.link import explain_pair, prepare
    from tally.store import links

    with ws.connect() as conn:
        run = links.latest_run(conn)
        rows = links.link_input_rows(conn, [a, b])
    found = {r["record_key"] for r in rows}
    for k in (a, b):
        if k not in found:
            raise NotFoundError(f"no victim record with id {k}")
    feats, _ = prepare(pd.DataFrame(rows))
    fa = feats[feats["record_key"] == a]
    fb = feats[feats["record_key"] == b]
    return explain_pair(run["model"], fa, fb)


def decide_link(ws: Workspace, a: int, b: int, decision: str, note: str | None = None) -> None:
    """Record a reviewer's decision on records *a* and *b* (match, no_match or skip); audited."""
    from tally.store import links

    with ws.begin() as conn:
        links.add_decision(conn, a, b, decision, actor=ws.actor, note=note)


def evaluate_link(ws: Workspace, truth_csv: Path) -> LinkScore:
    """Score the workspace's persons against a key CSV (source,id,person)."""
    import pandas as pd

    from tally.link import read_truth, score_clusters
    from tally.store import links

    truth = read_truth(truth_csv)
    with ws.connect() as conn:
        links.latest_run(conn)
        rows = links.link_input_rows(conn)
        pid = dict(conn.execute(select(victim_records.c.id, victim_records.c.person_id)).all())
    pred = pd.DataFrame({"source": [r["source"] for r in rows], "id": [r["record_id"] for r in rows],
                         "person": [pid.get(r["record_key"]) for r in rows]})
    pred["person"] = pred["person"].fillna(-1).astype("int64").astype(str)
    return score_clusters(pred, truth)


# --- estimate -------------------------------------------------------------------------------

ESTIMATE_STRATA = ("governorate", "month", "sex", "status")


def _stratum_of(person: dict[str, Any], by: list[str]) -> tuple[str, dict[str, Any]]:
    """A person's stratum as a display name and as the stored scope (what reconciliation matches)."""
    import calendar

    names, scope = [], {}
    for key in by:
        if key == "month":
            d = person["date"]
            if d is None:
                names.append("month=unknown")
                scope["month"] = "unknown"
                continue
            last = calendar.monthrange(d.year, d.month)[1]
            names.append(f"month={d:%Y-%m}")
            scope.update({"from": f"{d:%Y-%m}-01", "to": f"{d:%Y-%m}-{last:02d}"})
        else:
            names.append(f"{key}={person[key]}")
            scope[key] = person[key]
    return ",".join(names), scope


def run_estimate(ws: Workspace, *, by: Iterable[str] = (), method: str = "loglinear", **options: Any) -> Any:
    """Multiple systems estimation on the workspace's linked persons, stored and audited.

    Each person's capture pattern is the set of lists (sources) naming them.  With *by*, one
    estimate per stratum and a total combined by :func:`tally.estimate.estimate_strata` (posterior
    draws summed for Bayesian methods); without, one estimate for everyone.  Returns an
    ``EstimateResult`` or a ``StratifiedResult``.
    """
    from tally.core.errors import EstimateError
    from tally.estimate import CaptureHistory, estimate_strata, get_estimator
    from tally.store.estimates import person_memberships, save_estimates
    from tally.store.links import latest_run

    by = [b for b in by]
    bad = [b for b in by if b not in ESTIMATE_STRATA]
    if bad:
        raise EstimateError(f"cannot stratify by {', '.join(bad)}; use {', '.join(ESTIMATE_STRATA)}")
    with ws.connect() as conn:
        try:
            run_id = int(latest_run(conn)["id"])
        except NotFoundError as exc:
            raise EstimateError("no linkage run in this workspace: run 'tally link' first") from exc
        people = list(person_memberships(conn))
    if not people:
        raise EstimateError("no linked persons to estimate from")
    lists = sorted(set().union(*(p["lists"] for p in people)))
    estimator = get_estimator(method, **options)
    spec = {"method": method, "by": by, "options": {k: v for k, v in options.items()}, "lists": lists}
    if by:
        grouped: dict[str, list[frozenset[str]]] = {}
        scopes: dict[str, dict[str, Any]] = {}
        for p in people:
            name, scope = _stratum_of(p, by)
            grouped.setdefault(name, []).append(p["lists"])
            scopes[name] = scope
        histories = {k: CaptureHistory.from_records(v, lists=lists) for k, v in sorted(grouped.items())}
        result = estimate_strata(histories, estimator)
        rows = [(scopes[k], r.to_dict()) for k, r in result.strata.items()]
        rows.append(({}, result.total.to_dict()))
    else:
        result = estimator.fit(CaptureHistory.from_records([p["lists"] for p in people], lists=lists))
        rows = [({}, result.to_dict())]
    with ws.begin() as conn:
        save_estimates(conn, actor=ws.actor, link_run_id=run_id, method=method, spec=spec, rows=rows)
    return result
