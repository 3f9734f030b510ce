"""Ingest files into a workspace: one transaction per file, idempotent by content hash."""

from __future__ import annotations

import contextlib

import datetime as dt
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tally.core.errors import IngestError, Problem, TallyError
from tally.core.gazetteer import Gazetteer
from tally.ingest.articles import read_article
from tally.ingest.columns import load_mapping
from tally.ingest.tables import TABLE_SUFFIXES
from tally.ingest.victims import RECORD_COLUMNS, iter_records, plan_list
from tally.store import audit
from tally.store.documents import find_by_sha, insert_document, set_record_count
from tally.store.documents import insert_records_fast as insert_records
from tally.store.sources import get_or_create
from tally.store.workspace import Workspace, sha256_file

ARTICLE_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm")
MEDIA_TYPES = {
    ".md": "text/markdown", ".markdown": "text/markdown", ".txt": "text/plain", ".html": "text/html",
    ".htm": "text/html", ".csv": "text/csv", ".tsv": "text/tab-separated-values", ".json": "application/json",
    ".jsonl": "application/jsonl", ".ndjson": "application/jsonl",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass
class FileOutcome:
    """What happened to one file."""

    path: str
    status: str  # added | unchanged | failed
    kind: str | None = None
    document_id: int | None = None
    records: int = 0
    message: str | None = None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"path": self.path, "status": self.status, "kind": self.kind, "document_id": self.document_id,
                "records": self.records, "message": self.message, "problems": [str(p) for p in self.problems],
                "warnings": self.warnings}


@dataclass
class IngestReport:
    """Outcomes of one ingest batch."""

    files: list[FileOutcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        """How many files ended with *status*."""
        return sum(1 for f in self.files if f.status == status)

    @property
    def failed(self) -> list[FileOutcome]:
        """The files that could not be ingested."""
        return [f for f in self.files if f.status == "failed"]

    @property
    def records(self) -> int:
        """Victim records added."""
        return sum(f.records for f in self.files)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"added": self.count("added"), "unchanged": self.count("unchanged"), "failed": self.count("failed"),
                "records": self.records, "files": [f.to_dict() for f in self.files]}


PARALLEL_BYTES = 4_000_000  # lists above this size are parsed in a separate process


def _start_methods() -> list[str]:
    import multiprocessing as mp

    return mp.get_all_start_methods()


COLUMNS = (*RECORD_COLUMNS, "source_id", "document_id", "sensitivity")

Progress = Callable[[str, int], None]  # (event, amount): "file" 1 per file, "rows" per batch


def batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """*items* in lists of *size* (the last one shorter)."""
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def batches_from_process(make_items: Callable[[], Iterable[Any]], size: int) -> Iterator[list[Any]]:
    """Batches of ``make_items()`` computed in a forked child process, so that parsing (one core)
    and database writes (the other) run in parallel without sharing the GIL.  Errors raised in the
    child are raised here again; the child is ended if the consumer stops early."""
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)

    def produce() -> None:
        # the child's copy of the reading end is closed first: were it kept, a consumer killed
        # outright (SIGKILL) would leave the child blocked for ever on a full pipe that it
        # itself still reads; closed, the next send fails and the child ends
        recv.close()
        try:
            for batch in batches(make_items(), size):
                send.send(("batch", batch))
            send.send(("done", None))
        except (BrokenPipeError, ConnectionResetError):  # the consumer is gone: nobody to tell
            pass
        except BaseException as exc:  # handed to the consumer, as its type and message
            with contextlib.suppress(OSError):
                send.send(("error", (type(exc), str(exc))))
        finally:
            send.close()

    proc = ctx.Process(target=produce, daemon=True)
    proc.start()
    send.close()
    try:
        while True:
            kind, payload = recv.recv()
            if kind == "done":
                break
            if kind == "error":
                exc_type, message = payload
                raise exc_type(message) if issubclass(exc_type, (ValueError, TallyError)) else IngestError(message)
            yield payload
    except EOFError as exc:
        raise IngestError("the parsing process ended unexpectedly") from exc
    finally:
        recv.close()
        if proc.is_alive():
            proc.terminate()
        proc.join()


def walk(paths: Iterable[Path]) -> Iterator[Path]:
    """Files under *paths* (directories walked, sorted, hidden files skipped)."""
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith(".") and Path(name).suffix.lower() in (*ARTICLE_SUFFIXES, *TABLE_SUFFIXES):
                        yield Path(root) / name
        else:
            yield p


def infer_kind(path: Path) -> str:
    """article or victims, by the file name."""
    suffix = path.suffix.lower()
    if suffix in ARTICLE_SUFFIXES:
        return "article"
    if suffix in TABLE_SUFFIXES:
        return "victims"
    raise IngestError(f"{path}: unknown file type {suffix or '(no suffix)'!r}; give --kind")


def ingest_paths(ws: Workspace, paths: Iterable[Path], *, source: str | None = None, kind: str | None = None,
                 mapping: Path | None = None, country: str | None = None,
                 progress: Progress | None = None) -> IngestReport:
    """Ingest every file under *paths*; a failing file is reported and the batch goes on."""
    report = IngestReport()
    columns = load_mapping(mapping) if mapping else None
    for path in walk(paths):
        try:
            outcome = ingest_file(ws, path, source=source, kind=kind, columns=columns, country=country,
                                  progress=progress)
        except TallyError as exc:
            problems = exc.problems if isinstance(exc, IngestError) else []
            outcome = FileOutcome(str(path), "failed", message=str(exc), problems=problems)
        report.files.append(outcome)
        if progress:
            progress("file", 1)
    return report


def ingest_file(ws: Workspace, path: Path, *, source: str | None = None, kind: str | None = None,
                columns: dict[str, str] | None = None, country: str | None = None,
                progress: Progress | None = None) -> FileOutcome:
    """Ingest one file in one transaction; IngestError (naming file/row/column) if it is bad."""
    if not path.is_file():
        raise IngestError(f"{path}: no such file")
    size = path.stat().st_size
    if size == 0:
        raise IngestError(f"{path}: empty file")
    limit = ws.settings.max_file_mb * 1024 * 1024
    if size > limit:
        raise IngestError(
            f"{path}: file is {size / 1048576:.0f} MB, above the {ws.settings.max_file_mb:g} MB limit (TALLY_MAX_FILE_MB)"
        )
    kind = kind or infer_kind(path)
    sha = sha256_file(path)
    with ws.connect() as conn:
        existing = find_by_sha(conn, sha)
    if existing is not None:
        return FileOutcome(str(path), "unchanged", existing["kind"], existing["id"], 0)
    now = dt.datetime.now(dt.UTC)
    base = {"sha256": sha, "kind": kind, "media_type": MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream"),
            "path": str(path), "size": size, "retrieved": now, "ingested_at": now, "ingested_by": ws.actor}
    if kind == "article":
        return _ingest_article(ws, path, base, source, country)
    if kind == "victims":
        return _ingest_victims(ws, path, base, source, columns, country, progress)
    raise IngestError(f"{path}: unknown kind {kind!r} (article or victims)")


def _ingest_article(ws: Workspace, path: Path, base: dict[str, Any], source: str | None,
                    country: str | None) -> FileOutcome:
    art = read_article(path)
    meta = dict(art.meta)
    if country and not meta.get("country"):
        meta["country"] = country.upper()  # the country the article was gathered for: extraction's prior
    sensitivity = art.sensitivity or "public"
    if sensitivity not in ("public", "restricted", "protected"):
        raise IngestError(f"{path}: sensitivity {sensitivity!r} is not public, restricted or protected")
    with ws.begin() as conn:
        who = source or art.source or art.outlet
        sid = get_or_create(conn, who, kind="outlet" if who == art.outlet else "unknown") if who else None
        if art.outlet and art.outlet != who:
            get_or_create(conn, art.outlet, kind="outlet")
        doc_id = insert_document(conn, {
            **base, "title": art.title, "outlet": art.outlet, "url": art.url, "published": art.published,
            "language": art.language, "source_id": sid, "sensitivity": sensitivity, "text": art.text, "meta": meta,
        })
        audit.append(conn, ws.actor, "ingest", "document", [doc_id],
                     {"sha256": base["sha256"], "path": base["path"], "kind": "article"})
        ws.blobs.put(path, base["sha256"])
    return FileOutcome(str(path), "added", "article", doc_id, 0)


def _ingest_victims(ws: Workspace, path: Path, base: dict[str, Any], source: str | None,
                    columns: dict[str, str] | None, country: str | None, progress: Progress | None) -> FileOutcome:
    plan = plan_list(path, columns)
    if plan.problems:
        more = f" (and {plan.more_problems} more)" if plan.more_problems else ""
        raise IngestError(f"{path}: {len(plan.problems) + plan.more_problems} bad row(s){more}; nothing was stored",
                          plan.problems)
    name = source or path.stem
    gaz = Gazetteer.default()
    batch_size = ws.settings.batch_size
    n = 0
    with ws.begin() as conn:
        sid = get_or_create(conn, name, kind="organisation")
        source_ids = {name: sid}
        doc_id = insert_document(conn, {**base, "title": path.name, "source_id": sid, "sensitivity": "restricted",
                                        "meta": {"columns": plan.columns, "date_order": plan.order.order,
                                                 "warnings": plan.warnings}})
        try:
            # Large lists are parsed in a child process while this one writes the previous batch.
            def records() -> Iterable[Any]:
                return iter_records(path, plan, source=name, gazetteer=gaz, country=country)

            parallel = base["size"] > PARALLEL_BYTES and "fork" in _start_methods()
            for batch in batches_from_process(records, batch_size) if parallel else batches(records(), batch_size):
                rows = []
                for src, values in batch:
                    sid = source_ids.get(src)
                    if sid is None:
                        sid = source_ids[src] = get_or_create(conn, src, kind="organisation")
                    rows.append((*values, sid, doc_id, "restricted"))
                insert_records(conn, COLUMNS, rows)
                n += len(batch)
                if progress:
                    progress("rows", len(batch))
        except ValueError as exc:  # a value pass 1 accepted but pass 2 cannot read: the file changed
            raise IngestError(f"{path}: {exc}") from exc
        set_record_count(conn, doc_id, n)
        audit.append(conn, ws.actor, "ingest", "document", [doc_id],
                     {"sha256": base["sha256"], "path": base["path"], "kind": "victims", "records": n,
                      "sources": sorted(source_ids)})
        ws.blobs.put(path, base["sha256"])
    return FileOutcome(str(path), "added", "victims", doc_id, n, warnings=plan.warnings)


__all__ = ["FileOutcome", "IngestReport", "batches", "infer_kind", "ingest_file", "ingest_paths", "walk"]
