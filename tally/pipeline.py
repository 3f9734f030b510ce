"""The one orchestrator: each ``run_*`` sequences stages over a workspace.

Stages stay blind to each other; only this module (and the thin CLI/web shells above it) knows
the order ingest -> extract -> link -> estimate -> reconcile -> report.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tally.core.errors import InputError, NotFoundError, TallyError
from tally.store import audit
from tally.store.answers import Kept
from tally.store.kept_rows import Preparation
from tally.store.workspace import Workspace

if TYPE_CHECKING:
    from tally.core.models import Claim
    from tally.ingest.run import IngestReport, Progress
    from tally.link import LinkResult, LinkScore, LinkSpec, Waterfall
    from tally.reconcile.scope import Places, Scope
    from tally.reconcile.tolls import Toll
    from tally.report.model import ReportData


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
    from tally.ingest.run import ingest_paths

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
    their extracted claims; claims entered by hand, and rejections, stay: see
    ``tally.store.claims.save_claims``); one transaction per document."""
    from tally.extract import extract_claims
    from tally.extract.sources import proper_aliases
    from tally.store import claims as claim_store

    with ws.connect() as conn:
        todo = claim_store.unextracted_articles(conn, again=again)
    total, skipped = 0, {}
    for n, doc in enumerate(todo, start=1):
        result = extract_claims(doc["text"] or "", published=doc["published"], outlet=doc["outlet"], title=doc["title"],
                                country=(doc["meta"] or {}).get("country"))
        if result.notes and not result.claims:
            skipped[doc["id"]] = "; ".join(result.notes)
        with ws.begin() as conn:
            carried: list[tuple[int, str]] = []
            stored = claim_store.save_claims(
                conn, doc["id"], [c.model_dump(mode="json") for c in result.claims],
                [{"name": s.name, "kind": s.kind, "aliases": proper_aliases(s)} for s in result.sources], actor=ws.actor,
                reported_at=doc["published"], carried=carried)
            audit.append(conn, ws.actor, "extract", "document", [doc["id"]],
                         {"claims": stored, "language": result.language, "notes": result.notes}
                         | ({"rejections_kept": [{"claim": i, "why": why} for i, why in carried]} if carried else {}))
        total += stored
        if progress is not None:
            progress(n, len(todo))
    return ExtractReport(len(todo), total, skipped)


def list_claims(ws: Workspace, *, event: str | None = None) -> list[dict[str, object]]:
    """The workspace's active claims (claim JSON plus id, document_id)."""
    from tally.store import claims as claim_store

    with ws.connect() as conn:
        return claim_store.list_claims(conn, event=event)


def audit_events(ws: Workspace, *, limit: int = 20) -> list[dict[str, Any]]:
    """The most recent audit events, newest first."""
    with ws.connect() as conn:
        return audit.recent(conn, limit)


def verify_audit(ws: Workspace) -> audit.AuditReport:
    """Check the audit log's hash chain."""
    with ws.connect() as conn:
        return audit.verify(conn)


# -- report, export and the whole run ------------------------------------------------------------
STAGES = ("ingest", "extract", "link", "estimate", "reconcile")
MAX_REPORT_CLAIMS = 3000


def compute_tolls(ws: Workspace, scope: str | None = None, by: str | None = None) -> list[dict[str, Any]]:
    """``Toll.to_dict()`` of every toll for *scope* (headline first).

    The dicts are exactly what ``tally tolls --json`` prints for the same scope (answers the
    workspace gave since its last write are read back, as there).
    """
    from tally.reconcile.scope import Scope

    tolls = [t.to_dict() for t in run_tolls(ws, Scope.build([scope] if scope else []), by, cached=True)]
    tolls.sort(key=lambda t: (t.get("group") not in (None, "", "all"), str(t.get("group") or "")))
    return tolls


def gather_report(ws: Workspace, scope: str | None = None, *, title: str = "Casualty report") -> ReportData:
    """Collect everything a report shows for *scope* (an area code, default everything)."""
    from tally.core.gazetteer import Gazetteer
    from tally.report.model import EstimateRow, PlaceRow, ReportData, StageStatus
    from tally.store import reporting as q

    gaz = Gazetteer.default()

    def name_of(code: str | None) -> str:
        if not code:
            return "unknown place"
        area = gaz.areas.get(code)
        return area.name if area else code

    tolls = compute_tolls(ws, scope)
    problems: list[str] = []
    try:  # per-area tolls enrich the places table; a failure there must not cost the whole report
        gov_tolls = {t["group"]: t for t in compute_tolls(ws, scope, "governorate") if t.get("group")}
    except (TallyError, KeyError, ValueError) as exc:
        gov_tolls = {}
        problems.append(f"tolls by governorate could not be computed ({type(exc).__name__}: {exc}); "
                        "the places table shows documented counts only")
    with ws.connect() as conn:
        documented = q.documented_summary(conn, scope)
        link_run = q.latest_link_run(conn)
        stored = q.list_estimates(conn)
        claims = q.list_claims(conn)
        sources = q.source_activity(conn)
        n_docs = sum(s["documents"] for s in sources)
        coding = q.claim_stats(conn) if claims else {}
        daily = q.daily_counts(conn, scope)
        by_list = q.daily_counts_by_list(conn, scope)
        by_gov = q.counts_by(conn, "governorate_code", scope)
        by_place = q.counts_by_place(conn, scope)
        breakdowns = {"status": q.counts_by(conn, "status", scope), "sex": q.counts_by(conn, "sex", scope),
                      "age_group": q.counts_by_age_group(conn, scope)}

    def est_row(e: dict[str, Any], stratum: dict[str, Any] | None = None) -> EstimateRow:
        st = e["stratum"] or {} if stratum is None else stratum
        names = {str(v): name_of(str(v)) for v in st.values() if str(v) in gaz.areas}
        return EstimateRow(e["id"], st, e["spec"] or {}, e["result"], e["link_run_id"], names)

    if scope:  # the scope's own stratum is its headline estimate; other strata do not belong here
        estimates = [est_row(e, {}) for e in stored if scope in (e["stratum"] or {}).values()]
    else:
        estimates = [est_row(e) for e in stored]

    deaths = [c for c in claims if c["event"] in ("killed", "executed") and c["status"] == "active"]
    # Keyed by the code without its scheme: claims may write "SY07" where lists resolve "ocha:SY07".
    claims_by_code: dict[str, list[int]] = {}
    for c in deaths:
        for code in c["pcodes"] or []:
            claims_by_code.setdefault(_bare(code), []).append(c["id"])
    places: list[PlaceRow] = []
    districts: dict[str | None, list[dict[str, Any]]] = {}
    for row in by_place:
        if row["district_code"]:
            districts.setdefault(row["governorate_code"], []).append(row)
    for code, n in by_gov:
        places.append(PlaceRow(code, name_of(code), 1, None, n, tuple(claims_by_code.get(_bare(code), ())),
                               toll=gov_tolls.get(code)))
        for row in districts.get(code, []):
            dc = row["district_code"]
            places.append(PlaceRow(dc, name_of(dc), 2, code, row["count"], tuple(claims_by_code.get(_bare(dc), ()))))

    list_running = {name: list(zip([d for d, _ in s], _running([n for _, n in s]), strict=True))
                    for name, s in by_list.items()}
    # Each source's running toll, as the reconciliation read it (R3): the figures its latest one
    # superseded, then that one.  No claim is plotted otherwise: claims marked cumulative mix
    # places and victim groups, and only the reconciliation tells them apart.
    claim_by_id = {c["id"]: c for c in claims}
    claimed: dict[str, list[tuple[Any, float, int]]] = {}
    for src in (tolls[0].get("sources", []) if tolls else []):
        if not src.get("cumulative") or src.get("best") is None:
            continue
        earlier = src.get("superseded") if isinstance(src.get("superseded"), list) else []
        points = []
        for cid in earlier:
            c = claim_by_id.get(cid)
            when = c and (c["date_to"] or c["date_from"] or (c["reported_at"].date() if c["reported_at"] else None))
            if c and when and c["best"] is not None:
                points.append((_as_day(when), float(c["best"]), cid))
        if src.get("date"):
            points.append((_as_day(src["date"]), float(src["best"]), src.get("claim_id")))
        if points:
            claimed[src["source"]] = sorted(points, key=lambda p: (p[0], p[2] or 0))

    # Provenance: the claims behind the figures first, then the newest, up to a bound.
    cited: list[int] = []
    for t in tolls:
        cited += [s["claim_id"] for s in t.get("sources", []) if s.get("claim_id") is not None]
        cited += [i for s in t.get("sources", []) if isinstance(s.get("superseded"), list) for i in s["superseded"]]
        cited += [c if isinstance(c, int) else c.get("claim_id", c.get("id")) for c in t.get("claims") or []]
        cited += [c if isinstance(c, int) else c.get("claim_id", c.get("id")) for c in t.get("discounted") or []]
    for p in places:
        cited += list(p.claim_ids)
    by_id = {c["id"]: c for c in claims}
    keep = list(dict.fromkeys(i for i in cited if i in by_id))[:MAX_REPORT_CLAIMS]
    keep += [c["id"] for c in reversed(claims) if c["id"] not in set(keep)][:max(0, MAX_REPORT_CLAIMS - len(keep))]
    shown = [by_id[i] for i in sorted(keep)]

    from tally.reconcile import METHODOLOGY

    methodology: dict[str, Any] = {"reconcile": METHODOLOGY}
    if coding:
        methodology["coding"] = coding
    if link_run:
        methodology["link"] = {"run": link_run["id"], "engine": link_run["engine"], "created": link_run["created_at"],
                               "records": link_run["records"], "persons": link_run["persons"]}
        methodology["link_spec"] = link_run["spec"] or {}
        methodology["link_metrics"] = link_run["metrics"] or {}
        methodology["link_model"] = _model_levels(link_run["model"])
    if stored:
        specs = {json.dumps(e["spec"], sort_keys=True, default=str) for e in stored}
        methodology["estimate"] = {"methods": sorted({e["result"].get("method") for e in stored}),
                                   "link_run": stored[-1]["link_run_id"], "strata": len(stored),
                                   "specs": [json.loads(s) for s in sorted(specs)]}

    def status(name: str, has_data: bool, what: str) -> StageStatus:
        return StageStatus(name, has_data, "" if has_data else f"no {what} in this workspace yet")

    stages = [status("ingest", n_docs > 0 or documented["records"] > 0, "documents"),
              status("extract", bool(claims), "claims"), status("link", link_run is not None, "link run"),
              status("estimate", bool(stored), "estimates"), status("reconcile", bool(tolls), "tolls")]
    from tally.report.geo import ATTRIBUTION

    return ReportData(
        title=title, scope=scope, scope_name=name_of(scope) if scope else "everything",
        generated_at=dt.datetime.now(dt.UTC), stages=stages, documented=documented, tolls=tolls,
        estimates=estimates, daily=daily, list_running=list_running, claimed_running=claimed, places=places,
        breakdowns=breakdowns, sources=sources, claims=shown, claims_total=len(claims),
        methodology=methodology, problems=problems,
        attribution=[ATTRIBUTION, "Place codes: OCHA Common Operational Datasets; GeoNames (CC BY 4.0)."],
    )


def _bare(code: str | None) -> str:
    return (code or "").split(":", 1)[-1]


def _as_day(v: Any) -> dt.date:
    if isinstance(v, dt.datetime):
        return v.date()
    return v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v)[:10])


def _running(values: list[int]) -> list[int]:
    out, total = [], 0
    for v in values:
        total += v
        out.append(total)
    return out


def _model_levels(model: Any) -> list[dict[str, Any]]:
    """The comparison levels of a Splink-style model JSON with their m and u probabilities."""
    if isinstance(model, str):
        try:
            model = json.loads(model)
        except ValueError:
            return []
    rows = []
    for comp in (model or {}).get("comparisons", []) if isinstance(model, dict) else []:
        for level in comp.get("comparison_levels", []):
            if level.get("is_null_level"):
                continue
            rows.append({"comparison": comp.get("output_column_name", ""), "level": level.get("label_for_charts", ""),
                         "m": level.get("m_probability"), "u": level.get("u_probability")})
    return rows


def run_report(ws: Workspace, out: Path, scope: str | None = None) -> Path:
    """Write the self-contained HTML report of *scope* (default everything) to *out*."""
    from tally.report.html import write_report

    return write_report(gather_report(ws, scope), Path(out))


def export(ws: Workspace, kind: str, fmt: str, out: Path | None) -> int:
    """Export *kind* (claims, records, persons, tolls, estimates) as *fmt*; returns the row count."""
    from tally.report import exports
    from tally.store import documents as docs
    from tally.store import reporting as q

    if kind not in exports.KINDS:
        raise InputError(f"unknown export kind {kind!r}; use {', '.join(exports.KINDS)}")
    if kind == "tolls":  # the headline, then each governorate (as the report shows them)
        tolls = [*compute_tolls(ws, None, None), *compute_tolls(ws, None, "governorate")]
        return exports.write(kind, fmt, tolls, out)
    with ws.connect() as conn:
        rows: Iterable[dict[str, Any]] = {
            "records": lambda: docs.iter_records(conn),
            "claims": lambda: q.iter_claims(conn),
            "persons": lambda: q.iter_persons(conn),
            "estimates": lambda: q.list_estimates(conn),
        }[kind]()
        return exports.write(kind, fmt, rows, out)


@dataclass
class StepOutcome:
    """What one stage did in ``tally run``."""

    stage: str
    status: str  # ran | skipped | failed
    summary: str = ""
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"stage": self.stage, "status": self.status, "summary": self.summary, "seconds": round(self.seconds, 3)}


@dataclass
class RunReport:
    """Outcome of ``tally run``: the ingest batch, each stage, and what changed in the workspace."""

    ingest: IngestReport | None
    steps: list[StepOutcome]
    before: dict[str, Any]
    after: dict[str, Any]

    @property
    def changes(self) -> list[str]:
        """Human-readable differences between the workspace before and after."""
        out = []
        for key, label in (("articles", "articles"), ("records", "victim records"), ("claims", "claims")):
            d = (self.after[key][0] or 0) - (self.before[key][0] or 0)
            if d:
                out.append(f"{d:+,} {label}")
        if self.after["link_run"] != self.before["link_run"]:
            out.append(f"new link run #{self.after['link_run']}")
        if self.after["estimates"] != self.before["estimates"]:
            out.append("new estimates")
        return out or ["nothing changed"]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"ingest": self.ingest.to_dict() if self.ingest else None, "steps": [s.to_dict() for s in self.steps],
                "changes": self.changes}


RunProgress = Callable[[str, str], None]  # (stage, message)
_STATE_FILE = "run_state.json"


def _stage_inputs(fp: dict[str, Any], stage: str) -> Any:
    """The part of the workspace fingerprint a stage's output depends on."""
    return {"extract": fp["articles"], "link": fp["records"], "estimate": [fp["link_run"], fp["records"]],
            "reconcile": [fp["claims"], fp["link_run"], fp["estimates"], fp["records"]]}[stage]


def run_all(ws: Workspace, paths: Iterable[Path] = (), progress: RunProgress | None = None,
            *, country: str | None = None) -> RunReport:
    """``tally run``: ingest *paths*, then extract -> link -> estimate -> reconcile what changed."""
    import time

    from tally.store.reporting import fingerprint

    def say(stage: str, msg: str) -> None:
        if progress:
            progress(stage, msg)

    with ws.connect() as conn:
        before = fingerprint(conn)
    state_path = ws.home / _STATE_FILE
    state = json.loads(state_path.read_text()) if state_path.exists() else {}
    report = None
    paths = list(paths)
    t0 = time.perf_counter()
    if paths:
        say("ingest", f"ingesting {len(paths)} path(s)")
        counts = {"file": 0, "rows": 0}

        def tick(event: str, n: int) -> None:
            counts[event] = counts.get(event, 0) + n
            say("ingest", f"{counts['file']:,} file(s), {counts['rows']:,} records")

        report = run_ingest(ws, paths, country=country, progress=tick)
    steps = [StepOutcome("ingest", "ran" if report else "skipped",
                         f"{report.count('added')} file(s) added, {report.count('unchanged')} unchanged, "
                         f"{report.count('failed')} failed, {report.records:,} records" if report else "no paths given",
                         time.perf_counter() - t0)]
    runners: dict[str, Callable[[Workspace], Any]] = {
        "extract": run_extract, "link": run_link, "estimate": _run_estimates, "reconcile": compute_tolls}
    for stage in STAGES[1:]:
        with ws.connect() as conn:
            key = json.dumps(_stage_inputs(fingerprint(conn), stage), default=str)
        if state.get(stage) == key:
            steps.append(StepOutcome(stage, "skipped", "inputs unchanged since the last run"))
            continue
        say(stage, "running")
        t0 = time.perf_counter()
        try:
            result = runners[stage](ws)
        except TallyError as exc:
            steps.append(StepOutcome(stage, "failed", str(exc), time.perf_counter() - t0))
            say(stage, f"failed: {exc}")
            continue
        steps.append(StepOutcome(stage, "ran", _summarise(result), time.perf_counter() - t0))
        with ws.connect() as conn:  # keyed on the inputs as they are after the stage ran
            state[stage] = json.dumps(_stage_inputs(fingerprint(conn), stage), default=str)
        say(stage, "done")
    state_path.write_text(json.dumps(state, indent=1))
    with ws.connect() as conn:
        after = fingerprint(conn)
    return RunReport(report, steps, before, after)


# What ``tally run`` estimates: weeks, governorates by victim status (civilian tolls), then
# governorates, stored last so that the report's forest plot (the newest run) shows them.  Any
# union of governorates, or of a governorate's statuses, adds up from these (tally.reconcile.estimates).
RUN_ESTIMATES: tuple[tuple[str, ...], ...] = (("week",), ("governorate", "status"), ("governorate",))
RUN_METHOD = "lcmcr"


def _run_estimates(ws: Workspace) -> dict[str, Any]:
    """The estimates of ``tally run`` (:data:`RUN_ESTIMATES`), each stratification on its own."""
    out: dict[str, Any] = {}
    errors = []
    for by in RUN_ESTIMATES:
        try:
            out[" x ".join(by)] = run_estimate(ws, by=list(by), method=RUN_METHOD, seed=1,
                                               **ESTIMATE_OPTIONS.get(RUN_METHOD, {}))
        except TallyError as exc:
            errors.append(f"by {' x '.join(by)}: {exc}")
    if not out:
        raise TallyError("no estimate could be made: " + "; ".join(errors))
    return {**out, **{f"error {i}": e for i, e in enumerate(errors, 1)}}


def _summarise(result: Any) -> str:
    if result is None:
        return "done"
    if isinstance(result, dict) and result and all(hasattr(r, "total") or isinstance(r, str) for r in result.values()):
        return "; ".join(r if isinstance(r, str) else f"by {k}: {_summarise(r)}" for k, r in result.items())
    if isinstance(result, list) and result and isinstance(result[0], dict) and "grade" in result[0]:  # tolls
        t = result[0]
        from tally.core.quantities import format_count, format_range

        rng = ("no reported figure" if t.get("reported_low") is None
               else f"reported {format_range(t.get('reported_low'), t.get('reported_high'))}")
        return f"{rng}, documented {format_count(t.get('documented'))}, grade {t.get('grade')}"
    if isinstance(result, tuple) and result and isinstance(result[0], int):  # (run id, result)
        rest = _summarise(result[1]) if len(result) > 1 else ""
        return f"run #{result[0]}" + (f": {rest}" if rest not in ("", "done", type(result[1]).__name__) else "")
    if isinstance(result, list):
        return f"{len(result)} result(s)"
    est = getattr(result, "total", result)  # a stratified estimate: its combined total
    if all(isinstance(getattr(est, k, None), (int, float)) for k in ("estimate", "lower", "upper")):
        strata = getattr(result, "strata", None)
        return (f"{getattr(est, 'method', 'estimate')} {est.estimate:,.0f} [{est.lower:,.0f}–{est.upper:,.0f}]"
                + (f", {len(strata)} strata" if strata else ""))
    if isinstance(getattr(result, "persons", None), int):
        return f"{result.persons:,} persons"
    for attr in ("summary_line", "summary"):
        fn = getattr(result, attr, None)
        if callable(fn):
            return str(fn()).splitlines()[0]
    return type(result).__name__


# -- reconcile ----------------------------------------------------------------------------------

def run_tolls(ws: Workspace, scope: Scope, by: str | None = None, *, cached: bool = False,
              fresh: bool = False) -> list[Toll]:
    """Reconciled tolls for *scope*, one per group when *by* is given (see ``tally.reconcile``).

    With *cached*, an answer the workspace gave to the same question since its last write is read
    back instead of worked out again, and a new answer is kept (``tally.store.answers``); the
    claims are read from the rows the workspace keeps when they are current
    (``tally.store.kept_rows``).  With *fresh*, neither: the answer is worked out from the
    database (and kept, with *cached*), and the kept rows are dropped, as after writes made
    around tally they may be stale.
    """
    return run_tolls_many(ws, [(scope, by)], cached=cached, fresh=fresh)[0].tolls


@dataclass(frozen=True)
class TollAnswer:
    """One question's tolls (:func:`run_tolls_many`), and what they cost."""

    scope: Scope
    by: str | None
    tolls: list[Toll]
    seconds: float = 0.0  # to work them out alone: loading the scope's claims, then reconciling its groups
    read_back: bool = False  # a kept answer, read back (seconds: 0)


def run_tolls_many(ws: Workspace, questions: Sequence[tuple[Scope, str | None]], *, cached: bool = False,
                   fresh: bool = False, rows: bool | None = None, from_relays: bool | None = None) -> list[TollAnswer]:
    """:func:`run_tolls` for several ``(scope, by)`` questions at once, answered in their order.

    The claims of a scope are loaded once for all the questions about it, and the groups of every
    question are reconciled together (shared among the CPUs, as the groups of one ``--by`` are), so
    asking together is quicker than asking in turn; each answer is the same.  *rows*: read the
    claims from the kept rows when current (default: with *cached* and not *fresh*); *from_relays*:
    start R2 from the relays kept with the current claim rows (:func:`keep_rows`; default: with
    *cached* and not *fresh*).
    """
    from tally.reconcile.estimates import scope_estimate, week_origin
    from tally.reconcile.figures import ClaimRow
    from tally.reconcile.rules import Relays
    from tally.reconcile.scope import claim_filter, default_places
    from tally.reconcile.tolls import Job, Toll, during, group_scopes, nearby, reconcile_many
    from tally.store.audit import revision
    from tally.store.claims import load_claim_rows, locality_names
    from tally.store.scopes import documented_counts, estimate_runs, record_dates

    pl = default_places()
    out: list[TollAnswer | None] = [None] * len(questions)
    asked = [{"scope": scope.to_dict(), "by": by} for scope, by in questions]
    use_rows = (cached and not fresh) if rows is None else rows
    read_relays = (cached and not fresh) if from_relays is None else from_relays
    if fresh and rows is None:
        ws.kept_rows.drop()
    with _gc_paused(), ws.connect() as conn:
        rev = revision(conn) if cached or use_rows else ""
        keys = [ws.answers.key("tolls", q, rev) if cached else "" for q in asked]
        for i, key in enumerate(keys):
            kept = ws.answers.get(key) if cached and not fresh else None
            if kept is not None:
                scope, by = questions[i]
                out[i] = TollAnswer(scope, by, [Toll.from_dict(d) for d in kept], read_back=True)
            elif cached and not fresh and questions[i][1] is None:
                group = _kept_group(ws, asked[i]["scope"], rev)
                if group is not None:
                    out[i] = TollAnswer(questions[i][0], None, [group], read_back=True)
        todo = [i for i, a in enumerate(out) if a is None]
        if not todo:
            return [a for a in out if a is not None]
        loaded: dict[str, tuple[list[ClaimRow], float]] = {}  # by claim filter: rows, seconds to load them
        runs = estimate_runs(conn, pl.canonical)
        named = False
        jobs: list[Job] = []
        made: list[tuple[int, list[tuple[str | None, str | None, Scope, str | None]], int, float]] = []
        # R2's figures of a country's claims, kept with the claim rows (keep_rows): every question
        # about that country or inside it that loads many claims (as many as a workspace keeps its
        # rows from) starts R2 from them (tally.reconcile.rules.Relays); with fewer, reading them
        # would cost about what they save
        relays: dict[Scope, Relays | None] = {}
        rows_origin = (ws.kept_rows.origin(rev) if read_relays else None) or ""  # what the relays are kept under
        many = ws.settings.answers_rows_over
        for i in todo:
            scope, by = questions[i]
            wide = _relays_scope(scope, pl) if rows_origin else None
            started = time.perf_counter()
            wanted = claim_filter(scope, pl)
            fkey = json.dumps(wanted, sort_keys=True, default=str)
            if fkey not in loaded:
                kept = ws.kept_rows.columns(conn, rev, wanted, kept_claims()) if use_rows else None
                loaded[fkey] = (ClaimRow.from_rows(*load_claim_rows(conn, **wanted), places=pl) if kept is None
                                else kept.build(ClaimRow.from_columns), time.perf_counter() - started)
                started = time.perf_counter()
            rows, load_seconds = loaded[fkey]
            if wide is not None and len(rows) < many:
                wide = None
            if wide is not None and wide not in relays:
                relays[wide] = Relays.from_dict(ws.answers.get(_relays_key(wide, rows_origin)))
            if not named and pl.meets_localities(c.areas for c in rows):  # villages the gazetteer lacks: named as reports do
                pl.name_localities(locality_names(conn))
                named = True
            if by is None:
                groups: list[tuple[str | None, str | None, Scope, str | None]] = [(None, None, scope, None)]
            else:
                dates = record_dates(conn, scope) if by in ("day", "week") else None
                groups = list(group_scopes(scope, by, rows, dates=dates, places=pl,  # type: ignore[arg-type]
                                           origin=week_origin(runs) if by == "week" else None))
            near = (nearby(rows, pl) if by in ("governorate", "district")
                    else during(rows) if by in ("day", "week") else None)
            first = len(jobs)
            documented = documented_counts(conn, [sub for _group, _name, sub, _source in groups])  # one query for most --by
            for (_group, _name, sub, source), doc in zip(groups, documented, strict=True):
                subset = rows if source is None else [c for c in rows if c.source == source]
                if near is not None:
                    subset = near(sub)
                job = Job(subset, doc.count, scope_estimate(sub, runs, pl), sub, [doc.note] if doc.note else [])
                if wide is not None:
                    job.relays = relays[wide]
                jobs.append(job)
            made.append((i, groups, first, load_seconds + time.perf_counter() - started))
        tolls = reconcile_many(jobs, places=pl)
        # Kept only if no write landed while the claims were read (PostgreSQL reads each
        # statement's latest data; SQLite's read transaction sees one state throughout).
        keep = cached and revision(conn) == rev
    for i, groups, first, seconds in made:
        scope, by = questions[i]
        mine = tolls[first:first + len(groups)]
        for (group, name, _sub, _source), toll in zip(groups, mine, strict=True):
            toll.group, toll.by, toll.group_name = group, by, name
        seconds += sum(t.seconds for t in mine)
        out[i] = TollAnswer(scope, by, mine, seconds)
        if keep:
            ws.answers.put(keys[i], [t.to_dict() for t in mine], Kept("tolls", asked[i], rev, seconds))
    return [a for a in out if a is not None]


def _relays_scope(scope: Scope, places: Places) -> Scope | None:
    """The scope whose claims hold every claim of *scope*, and whose R2 figures questions share
    (``Relays``): all of the one country *scope*'s places lie in, all victims, all dates, its event
    (killed for executed); None if its places are not all in one country."""
    from tally.reconcile.scope import Scope, event_within

    countries = {a for code in scope.places for a in places.ancestors(code) if places.level(a) == 0}
    if len(countries) != 1:
        return None
    return Scope(places=(countries.pop(),), event="killed" if event_within(scope.event, "killed") else scope.event)


def _relays_key(scope: Scope, origin: str) -> str:
    """The key of the relays of country *scope* kept with the claim rows read at revision *origin*
    (``KeptRows.origin``): a write that changes no claim files the rows under its revision as they
    are, and their relays hold as they are too."""
    from tally.store.answers import Answers

    return Answers.key("relays", {"scope": scope.to_dict()}, origin)


def kept_claims() -> Preparation:
    """How the workspace keeps its claim rows (``tally.store.kept_rows``): as the arguments of
    reconciliation's claims (:func:`tally.reconcile.figures.claim_arguments`), so that a question
    reading them builds its claims at once."""
    from tally.reconcile.figures import claim_arguments
    from tally.reconcile.scope import default_places

    return Preparation("claim arguments", lambda keys, rows: claim_arguments(keys, rows, default_places()))


# Groupings whose groups are scopes asked in their own right: each group's toll is the toll of its
# scope (its claims are cut from the question's by place or period, exactly: see
# tally.reconcile.tolls.nearby and during), whereas a source's group counts that source alone.
_GROUPS_ARE_SCOPES = {"governorate": ("where", "where_names"), "district": ("where", "where_names"),
                      "day": ("from", "to"), "week": ("from", "to"), "victims": ("victims",)}


def _shaped_as_group(scope: dict[str, Any], by: str) -> bool:
    """Whether *scope* (``Scope.to_dict()``) can be a group of an answer grouped *by*: one day, at most
    seven days, one place of a governorate's or district's level or below (``tally.reconcile.tolls.group_scopes``),
    so that no kept answer that cannot hold it is read (an answer by day is megabytes of JSON)."""
    from tally.reconcile.scope import default_places

    if by in ("day", "week"):
        lo, hi = scope.get("from"), scope.get("to")
        if lo is None or hi is None:
            return False
        days = (dt.date.fromisoformat(str(hi)) - dt.date.fromisoformat(str(lo))).days
        return days == 0 if by == "day" else 0 <= days <= 6  # (a week cut by the question's first or last day)
    if by in ("governorate", "district"):
        where = scope.get("where") or []
        return len(where) == 1 and default_places().level(str(where[0])) >= (1 if by == "governorate" else 2)
    return True


def _kept_group(ws: Workspace, scope: dict[str, Any], rev: str) -> Toll | None:
    """The toll of *scope* (``Scope.to_dict()``) as one group of a current kept answer grouped by
    place, period or victims (``Syria by governorate`` holds ``Homs``), or None: a question asked
    for the first time is read back when an answer already worked it out."""
    from tally.reconcile.tolls import Toll

    for kept in ws.answers.current("tolls", rev):
        by = kept.question.get("by") or ""
        varies = _GROUPS_ARE_SCOPES.get(by)
        parent = kept.question.get("scope") or {}
        if (varies is None or any(parent.get(k) != v for k, v in scope.items() if k not in varies)
                or not _shaped_as_group(scope, by)):
            continue
        for row in ws.answers.get(ws.answers.key("tolls", kept.question, rev)) or ():
            if isinstance(row, dict) and row.get("scope") == scope:
                toll = Toll.from_dict(row)
                toll.group = toll.by = toll.group_name = None
                return toll
    return None


@dataclass(frozen=True)
class RefreshReport:
    """What :func:`refresh_answers` did: each question worked out again, with the seconds it took, and
    the seconds keeping the claim rows took (None: not kept)."""

    refreshed: list[tuple[str, float]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    rows: float | None = None
    prepared: list[tuple[str, float]] = field(default_factory=list)  # headline questions never asked, worked out

    def summary(self) -> str:
        """One line per question (and one for the rows)."""
        lines = [] if self.rows is None else [f"kept current: the claim rows, for fast loading ({self.rows:.1f} s)"]
        lines += [f"kept current: {q} ({s:.1f} s)" for q, s in self.refreshed]
        lines += [f"prepared: {q} ({s:.1f} s)" for q, s in self.prepared]
        return "\n".join(lines + [f"could not keep current: {q}: {why}" for q, why in self.failed])


def refresh_answers(ws: Workspace, *, over: float | None = None, limit: int | None = None,
                    progress: Callable[[str], None] | None = None) -> RefreshReport:
    """Work out again the kept answers that took at least *over* seconds (default: the setting
    ``answers_refresh_over``) and are not current, the *limit* most recently asked first, so that
    the next ask reads them back (``tally.store.answers``); first it keeps the claim rows
    (:func:`keep_rows`), which those and later questions load from.  When it keeps them (a large
    workspace), it also prepares the questions a reader asks first (:func:`headline_questions`)
    that are not current, asked or not.  The CLI calls it at the end of every command that wrote;
    *progress* is told each question before they are worked out (together)."""
    from tally.reconcile.scope import Scope
    from tally.store.answers import Answers
    from tally.store.audit import revision
    from tally.store.claims import claim_countries

    over = ws.settings.answers_refresh_over if over is None else over
    limit = ws.settings.answers_refresh_max if limit is None else limit
    started = time.perf_counter()
    kept_rows = keep_rows(ws)
    rows = time.perf_counter() - started if kept_rows else None
    with ws.connect() as conn:
        rev = revision(conn)
        headline = headline_questions(claim_countries(conn), ws.settings.answers_prepare) if kept_rows else []
    first = {Answers.key("tolls", {"scope": scope.to_dict(), "by": by}, rev): (scope, by) for scope, by in headline}
    # the headline questions are prepared below, asked or not: they take no place among the *limit*
    slow = [k for k in ws.answers.slow(over, limit + len(first), kind="tolls")
            if Answers.key(k.kind, k.question, rev) not in first][:limit]
    failed: list[tuple[str, str]] = []
    stale: list[tuple[str, Scope, str | None]] = []
    for kept in slow:
        if kept.kind != "tolls" or ws.answers.path(Answers.key(kept.kind, kept.question, rev)).exists():
            continue  # current already (asked again since the write), or not a question this version asks
        what = f"tolls {kept.question}"
        try:
            scope, by = Scope.from_dict(kept.question["scope"]), kept.question.get("by")
        except (TallyError, KeyError, TypeError, ValueError) as exc:  # e.g. a place the gazetteer no longer has
            failed.append((what, (str(exc) or type(exc).__name__).splitlines()[0]))
            continue
        stale.append((_asked(scope, by), scope, by))
    asked = len(stale)
    stale += [(_asked(scope, by), scope, by) for key, (scope, by) in first.items() if not ws.answers.path(key).exists()]
    if not stale:
        return RefreshReport([], failed, rows)
    for what, _scope, _by in stale:
        if progress is not None:
            progress(what)
    done, unanswered = _work_out_again(ws, stale)
    prepared = {what for what, _scope, _by in stale[asked:]}
    return RefreshReport([d for d in done if d[0] not in prepared], failed + unanswered, rows,
                         [d for d in done if d[0] in prepared])


def headline_questions(countries: Iterable[str], groupings: Iterable[str]) -> list[tuple[Scope, str | None]]:
    """The questions a reader of a large workspace asks first, which writes prepare
    (:func:`refresh_answers`): for each of *countries* (ISO codes) the gazetteer knows, the toll of
    all killed over the whole period, ``"toll"`` in *groupings*, and grouped by each other grouping
    there (``"governorate"`` …), as ``(scope, by)``, as ``tally tolls --where COUNTRY [--by …]`` asks."""
    from tally.reconcile.scope import Scope

    out: list[tuple[Scope, str | None]] = []
    for country in countries:
        try:
            scope = Scope.build([country])
        except TallyError:
            continue  # a country the gazetteer lacks: no scope to prepare
        out += [(scope, None if g == "toll" else g) for g in groupings]
    return out


def _asked(scope: Scope, by: str | None) -> str:
    """How a refresh names a question (``tolls for … by governorate``)."""
    return f"tolls for {scope.label()}" + (f" by {by}" if by else "")


def keep_rows(ws: Workspace, *, over: int | None = None) -> str | None:
    """Keep the workspace's claim rows in a file (``tally.store.kept_rows``) if it holds at least
    *over* claims (default: the setting ``answers_rows_over``), so that the questions asked until its
    next write load their claims from there; how they were kept (``"written"``, ``"patched"`` or
    ``"refiled"``: :meth:`~tally.store.kept_rows.KeptRows.save`), None if they were not.  With
    them it keeps each country's relays (``_keep_relays``).  :func:`refresh_answers` calls it."""
    over = ws.settings.answers_rows_over if over is None else over
    with ws.connect() as conn:
        kept = ws.kept_rows.save(conn, at_least=over, prepared=kept_claims())
        if kept is not None:
            _keep_relays(ws, conn)
    return kept


def _keep_relays(ws: Workspace, conn: Any) -> None:  # conn: a connection of ws (the orchestrator names no SQLAlchemy type)
    """Keep the relays of each country whose claims are many (``tally.reconcile.rules.Relays``),
    worked out from the rows just kept, so that the first question about all of it, or inside it,
    starts R2 from them (:func:`run_tolls_many` reads them: a country's claims, as many as a
    workspace keeps its rows from)."""
    from tally.reconcile.figures import ClaimRow
    from tally.reconcile.scope import claim_filter, default_places
    from tally.reconcile.tolls import relays_of
    from tally.store.audit import revision
    from tally.store.claims import claim_countries

    pl = default_places()
    rev = revision(conn)
    origin = ws.kept_rows.origin(rev)
    if origin is None:
        return
    for scope, _by in headline_questions(claim_countries(conn), ["toll"]):
        wide = _relays_scope(scope, pl)
        if wide is None or ws.answers.path(key := _relays_key(wide, origin)).exists():
            continue  # kept already with these rows (a write that changed no claim refiled them)
        started = time.perf_counter()
        with _gc_paused():
            kept = ws.kept_rows.columns(conn, rev, claim_filter(wide, pl), kept_claims())
            claims = [] if kept is None else kept.build(ClaimRow.from_columns)
            if len(claims) < ws.settings.answers_rows_over:
                continue
            relays = relays_of(claims, wide, places=pl).to_dict()
        ws.answers.put(key, relays, Kept("relays", {"scope": wide.to_dict()}, origin, time.perf_counter() - started))


def _work_out_again(ws: Workspace, questions: list[tuple[str, Scope, str | None]]
                    ) -> tuple[list[tuple[str, float]], list[tuple[str, str]]]:
    """Work out and keep the answers to *questions* (``(what, scope, by)``) all at once (each scope's
    claims loaded once, every group on the CPUs together); if that fails, one at a time, so that a
    question that cannot be answered keeps no other from its answer.  Returns (what, seconds) of
    each question answered and (what, why) of each that was not."""
    try:
        answers = run_tolls_many(ws, [(scope, by) for _what, scope, by in questions], cached=True, fresh=True,
                                 rows=True, from_relays=True)
    except (TallyError, KeyError, TypeError, ValueError) as exc:  # e.g. a place the gazetteer no longer has
        if len(questions) == 1:
            return [], [(questions[0][0], (str(exc) or type(exc).__name__).splitlines()[0])]
        done: list[tuple[str, float]] = []
        failed: list[tuple[str, str]] = []
        for q in questions:
            d, f = _work_out_again(ws, [q])
            done += d
            failed += f
        return done, failed
    return [(what, a.seconds) for (what, _scope, _by), a in zip(questions, answers, strict=True)], []


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
            # The millions of objects allocated meanwhile all sit in the youngest generation, so the
            # first collection after enable() would walk every one of them (a sixth of a national
            # query's time) only to promote them: move them to the oldest generation at once.
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def record_claims(ws: Workspace, document_id: int, claims: list[Claim]) -> list[int]:
    """Store the claims extracted from one document (audited; marks the document extracted)."""
    from tally.store.claims import insert_claims
    from tally.store.documents import mark_extracted

    with ws.begin() as conn:
        ids = insert_claims(conn, document_id, claims, actor=ws.actor)
        mark_extracted(conn, document_id)
        audit.append(conn, ws.actor, "claims.extract", "document", [document_id], {"claims": ids})
    return ids


def add_manual_claim(ws: Workspace, *, source: str, count: float, event: str = "killed", victims: str = "people",
                     qualifier: str = "exact", where: Iterable[str] = (), date_from: object = None,
                     date_to: object = None, cumulative: bool | None = None, note: str = "",
                     reported_at: object = None, low: float | None = None, high: float | None = None,
                     sensitivity: str = "public") -> int:
    """Add a claim that no article carries (a phone call, a field report); audited, marked manual."""
    import datetime as dt

    from tally.core.errors import InputError
    from tally.core.models import Claim  # (pydantic's models: imported when used, not by every command)
    from tally.core.types import EVENTS, SENSITIVITIES, VICTIM_CATEGORIES
    from tally.reconcile.scope import Scope, default_places
    from tally.store.claims import insert_claims

    pl = default_places()
    scope = Scope.build(list(where), date_from, date_to, places=pl)
    if count is None or count < 0:
        raise InputError("--count must be a non-negative number")
    if victims not in VICTIM_CATEGORIES:
        raise InputError(f"--victims {victims!r}: use one of {', '.join(VICTIM_CATEGORIES)}")
    if event not in EVENTS:
        raise InputError(f"--event {event!r}: use one of {', '.join(EVENTS)}")
    if sensitivity not in SENSITIVITIES:
        raise InputError(f"--sensitivity {sensitivity!r}: use one of {', '.join(SENSITIVITIES)}")
    text = f"{count:.15g}"  # the figure as written (1200000, never 1.2e+06)
    lo, hi, best = _interpret(text, qualifier)
    lo = low if low is not None else lo
    hi = high if high is not None else hi
    admin1 = sorted({a for a in (pl.admin1(c) for c in scope.places) if a})
    countries = sorted({c.split(":")[1][:2] for c in (*admin1, *scope.places) if ":" in c and c.split(":")[1][:2].isalpha()})
    when = _as_datetime(reported_at) or dt.datetime.now(dt.UTC)
    # A figure of killings to come is a typing slip (2027 for 2025); a day ahead is allowed for time zones.
    latest = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)
    for flag, day in (("--from", scope.date_from), ("--to", scope.date_to), ("--date", when.date())):
        if day is not None and day > latest:
            raise InputError(f"{flag} {day} is in the future (today is {latest - dt.timedelta(days=1)})")
    claim = Claim(event=event, count=text, qualifier=qualifier, low=lo, high=hi, best=best,  # type: ignore[arg-type]
                  victims=victims, source=source, places=list(scope.names), country=countries[0] if countries else None,  # type: ignore[arg-type]
                  admin1=admin1, pcodes=list(scope.places), date_from=scope.date_from, date_to=scope.date_to,
                  cumulative=cumulative, quote=note or "")
    with ws.begin() as conn:
        [cid] = insert_claims(conn, None, [claim], actor=ws.actor, reported_at=when, manual=True, sensitivity=sensitivity)
        audit.append(conn, ws.actor, "claim.add", "claim", [cid],
                     {"source": source, "count": count, "qualifier": qualifier, "victims": victims, "event": event,
                      "where": list(scope.places), "from": scope.date_from, "to": scope.date_to, "note": note,
                      "sensitivity": sensitivity})
    return cid


def reject_claim(ws: Workspace, claim_id: int, why: str) -> None:
    """Reject a claim with a reason: kept and shown as discounted, never counted; audited."""
    from tally.store.claims import reject_claim as _reject

    with ws.begin() as conn:
        before = _reject(conn, claim_id, why)
        audit.append(conn, ws.actor, "claim.reject", "claim", [claim_id], {"why": why, "before": before})


def restore_claim(ws: Workspace, claim_id: int, why: str) -> None:
    """Undo a rejection: the claim is counted again (with its relays); audited, with the reason."""
    from tally.store.claims import restore_claim as _restore

    with ws.begin() as conn:
        before = _restore(conn, claim_id, why)
        audit.append(conn, ws.actor, "claim.restore", "claim", [claim_id], {"why": why, "before": before})


def _interpret(text: str, qualifier: str) -> tuple[float | None, float | None, float | None]:
    """A typed figure read as an extracted one is (``tally.core.quantities.interpret``): "more than 1,200"
    is the same claim whether it came in a phone call or an article."""
    from tally.core.errors import InputError
    from tally.core.quantities import interpret

    typed = ("exact", "about", "at_least", "more_than", "up_to")  # a range: add_manual_claim's low and high
    if qualifier not in typed:
        raise InputError(f"qualifier {qualifier!r}: use one of {', '.join(typed)}")
    return interpret(text, qualifier)  # type: ignore[arg-type]


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
        pid = links.record_persons(conn)
    pred = pd.DataFrame({"source": [r["source"] for r in rows], "id": [r["record_id"] for r in rows],
                         "person": [pid.get(r["record_key"]) for r in rows]})
    pred["person"] = pred["person"].fillna(-1).astype("int64").astype(str)
    return score_clusters(pred, truth)


# --- estimate -------------------------------------------------------------------------------

ESTIMATE_STRATA = ("governorate", "week", "month", "sex", "status")
# Chains for estimates made as part of a run: LCMCR's R-example chains (4 x 110,000 sweeps) cost
# ~5 CPU-s per stratum; 2 x 25,000 cost ~0.5 s and covered as often on the simulator (bench/RESULTS.md).
ESTIMATE_OPTIONS: dict[str, dict[str, Any]] = {"lcmcr": {"burnin": 5000, "samples": 1000, "thinning": 20, "chains": 2}}
STORED_DRAWS = 1000  # posterior draws kept per stratum, so that unions of strata can be estimated later


def _stratum_of(person: dict[str, Any], by: list[str], weeks: tuple[dt.date, dt.date] | None = None
                ) -> tuple[str, dict[str, Any]]:
    """A person's stratum as a display name and as the stored scope (what reconciliation matches).

    Weeks are seven-day periods counted from *weeks*' first day (the earliest date of death), the
    last one ending on its last day (the latest): the periods ``tally tolls --by week`` asks about.
    """
    import calendar

    names, scope = [], {}
    for key in by:
        if key in ("month", "week"):
            d = person["date"]
            if d is None:
                names.append(f"{key}=unknown")
                scope[key] = "unknown"
                continue
            if key == "month":
                last = calendar.monthrange(d.year, d.month)[1]
                names.append(f"month={d:%Y-%m}")
                lo, hi = dt.date(d.year, d.month, 1), dt.date(d.year, d.month, last)
            else:
                first, end = weeks or (d, d)
                lo = first + dt.timedelta(days=7 * ((d - first).days // 7))
                hi = min(lo + dt.timedelta(days=6), end)
                names.append(f"week={lo.isoformat()}")
            # a second period key narrows the first (month and week together: their overlap)
            lo = max(lo, dt.date.fromisoformat(scope["from"])) if "from" in scope else lo
            hi = min(hi, dt.date.fromisoformat(scope["to"])) if "to" in scope else hi
            scope.update({"from": lo.isoformat(), "to": hi.isoformat()})
        else:
            names.append(f"{key}={person[key]}")
            scope[key] = person[key]
    return ",".join(names), scope


def _thin(draws: Any, n: int = STORED_DRAWS) -> list[int]:
    """At most *n* posterior draws, evenly spaced, as plain integers."""
    import numpy as np

    d = np.asarray(draws)
    if d.size > n:
        d = d[np.linspace(0, d.size - 1, n).round().astype(int)]
    return [int(round(float(x))) for x in d]


def run_estimate(ws: Workspace, *, by: Iterable[str] = (), method: str = "loglinear",
                 weeks_from: dt.date | None = None, **options: Any) -> Any:
    """Multiple systems estimation on the workspace's linked persons, stored and audited.

    Each person's capture pattern is the set of lists (sources) naming them.  With *by*, one
    estimate per stratum and a total combined by :func:`tally.estimate.estimate_strata` (posterior
    draws summed for Bayesian methods); without, one estimate for everyone.  Returns an
    ``EstimateResult`` or a ``StratifiedResult``.  Weeks are counted from *weeks_from* (default:
    the earliest date of death, as ``tally tolls --by week`` does without ``--from``).
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
    if weeks_from is not None and "week" in by:
        spec["weeks_from"] = weeks_from.isoformat()
    if by:
        grouped: dict[str, list[frozenset[str]]] = {}
        scopes: dict[str, dict[str, Any]] = {}
        dates = [p["date"] for p in people if p["date"] is not None]
        weeks = (weeks_from or min(dates), max(dates)) if dates else None
        for p in people:
            name, scope = _stratum_of(p, by, weeks)
            grouped.setdefault(name, []).append(p["lists"])
            scopes[name] = scope
        histories = {k: CaptureHistory.from_records(v, lists=lists) for k, v in sorted(grouped.items())}
        result = estimate_strata(histories, estimator)
        rows = []
        for k, r in result.strata.items():
            d = r.to_dict()
            if r.draws is not None:  # kept so that a union of strata gets its own interval
                d["draws"] = _thin(r.draws)
            rows.append((scopes[k], d))
        total = result.total.to_dict()
        # What tolls need to add strata up: the strata that could not be estimated (their people
        # are known, their missed ones are not) and the countries the persons were recorded in.
        total["failed_strata"] = [{"stratum": scopes[k], "name": k, "observed": len(grouped[k]), "reason": why}
                                  for k, why in result.failed.items()]
        total["countries"] = sorted({str(p["governorate"]).split(":", 1)[-1][:2] for p in people
                                     if str(p["governorate"]).startswith("ocha:")})
        rows.append(({}, total))
    else:
        result = estimator.fit(CaptureHistory.from_records([p["lists"] for p in people], lists=lists))
        rows = [({}, result.to_dict())]
    with ws.begin() as conn:
        save_estimates(conn, actor=ws.actor, link_run_id=run_id, method=method, spec=spec, rows=rows)
    return result
