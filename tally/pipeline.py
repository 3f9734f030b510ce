"""The one orchestrator: each ``run_*`` sequences stages over a workspace.

Stages stay blind to each other; only this module (and the thin CLI/web shells above it) knows
the order ingest -> extract -> link -> estimate -> reconcile -> report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from tally.core.errors import NotFoundError
from tally.store.schema import victim_records

from tally.ingest.run import IngestReport, Progress, ingest_paths
from tally.store import audit
from tally.store.workspace import Workspace

if TYPE_CHECKING:
    from tally.link import LinkResult, LinkScore, LinkSpec, Waterfall


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
