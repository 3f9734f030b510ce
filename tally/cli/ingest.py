"""``tally init``, ``tally ingest`` and the inspection commands."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from tally.cli.app import JsonOpt, app, console, err_console, print_json
from tally.cli.common import progress_bar, table, workspace


@app.command()
def init() -> None:
    """Create a workspace (database, migrations, blob store) in --workspace or the current directory."""
    from tally.pipeline import init_workspace
    from tally.cli.app import state

    ws = init_workspace(state.workspace, actor=state.actor)
    console.print(f"workspace ready: {ws.home.resolve()} ({ws._safe_url})")


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to ingest (folders are walked).")],
    source: Annotated[Optional[str], typer.Option(help="Who published these files (default: file name / front matter).")] = None,
    kind: Annotated[Optional[str], typer.Option(help="article or victims (default: inferred from the file name).")] = None,
    mapping: Annotated[Optional[Path], typer.Option(help="TOML file mapping standard fields to this list's headers.")] = None,
    country: Annotated[Optional[str], typer.Option(help="ISO country code to resolve place names in (e.g. SY): victim lists' places, and for articles the country their places are taken to be in unless they clearly name another.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Ingest articles and victim lists, keeping each raw file and its provenance."""
    from tally.pipeline import run_ingest

    ws = workspace(create=True)
    with progress_bar() as bar:
        files = bar.add_task("files", total=None)
        rows = bar.add_task("records", total=None)

        def progress(event: str, n: int) -> None:
            bar.advance(files if event == "file" else rows, n)

        report = run_ingest(ws, paths, source=source, kind=kind, mapping=mapping, country=country, progress=progress)
    if json_out:
        print_json(report.to_dict())
    else:
        for f in report.files:
            if f.status == "failed":
                err_console.print(f"[red]failed[/red] {f.message}", highlight=False, soft_wrap=True)
                for p in f.problems:
                    err_console.print(f"  {p}", highlight=False, soft_wrap=True)
            else:
                for w in f.warnings:
                    err_console.print(f"[yellow]warning[/yellow] {f.path}: {w}", highlight=False, soft_wrap=True)
        console.print(f"{report.count('added')} added, {report.count('unchanged')} unchanged, "
                      f"{report.count('failed')} failed; {report.records} victim records added")
    if report.failed:
        raise typer.Exit(1)


@app.command()
def sources(json_out: JsonOpt = False) -> None:
    """List the sources (organisations, outlets, authorities, persons) with their aliases."""
    from tally.store.sources import list_sources

    with workspace().connect() as conn:
        rows = list_sources(conn)
    if json_out:
        print_json(rows)
    else:
        console.print(table("sources", ["id", "name", "kind", "aliases", "documents"],
                            [(r["id"], r["name"], r["kind"], ", ".join(r["aliases"]), r["documents"]) for r in rows]))


@app.command()
def documents(
    kind: Annotated[Optional[str], typer.Option(help="Only article or victims.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """List ingested documents with their provenance (hash, path, times)."""
    from tally.store.documents import list_documents

    with workspace().connect() as conn:
        rows = list_documents(conn, kind)
    if json_out:
        print_json(rows)
    else:
        console.print(table("documents", ["id", "kind", "title", "source", "published", "records", "sha256"],
                            [(r["id"], r["kind"], r["title"], r["source_name"], r["published"], r["records"],
                              r["sha256"][:12]) for r in rows]))


@app.command()
def show(
    id: Annotated[int, typer.Argument(help="Document id.")],
    json_out: JsonOpt = False,
) -> None:
    """Show one document with its metadata and text."""
    from tally.store.documents import get_document

    with workspace().connect() as conn:
        doc = get_document(conn, id)
    if json_out:
        print_json(doc)
        return
    for k, v in doc.items():
        if k != "text":
            console.print(f"[bold]{k}[/bold]: {v}", highlight=False)
    if doc.get("text"):
        console.print()
        console.print(doc["text"], highlight=False)


@app.command()
def records(
    source: Annotated[Optional[str], typer.Option(help="Only this source's records.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many rows in the table (0: all).")] = 50,
    json_out: JsonOpt = False,
) -> None:
    """List victim records as ingested, with resolved place codes."""
    from tally.store.documents import iter_records

    with workspace().connect() as conn:
        if json_out:
            for r in iter_records(conn, source=source):
                sys.stdout.write(json.dumps(_record_row(r), ensure_ascii=False, default=str) + "\n")
            return
        rows = []
        for r in iter_records(conn, source=source):
            rows.append(r)
            if limit and len(rows) >= limit:
                break
    console.print(table("victim records", ["id", "source", "record", "name", "sex", "age", "date", "governorate", "code", "status"],
                        [(r["id"], r["source"], r["record_id"], r["name"], r["sex"], r["age"] if r["age"] is not None else r["age_group"],
                          r["date_of_death"], r["governorate"], r["governorate_code"], r["status"]) for r in rows]))


EXPORT_COLUMNS = ("source", "id", "person", "name", "sex", "age", "age_group", "date_of_death", "governorate",
                  "district", "place", "governorate_code", "district_code", "country", "status", "cause")


def _record_row(r: dict) -> dict:
    return {"source": r["source"], "id": r["record_id"], "person": r.get("person_id"),
            **{k: r.get(k) for k in EXPORT_COLUMNS[3:]}}


export_app = typer.Typer(help="Export workspace data as open files.", no_args_is_help=True)
app.add_typer(export_app, name="export")


# The export kinds (records, claims, persons, tolls, estimates) live in tally.cli.report.


audit_app = typer.Typer(help="The audit log of every write.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def audit_verify() -> None:
    """Check the audit log's hash chain; exit 1 and name the first broken event if any."""
    from tally.pipeline import verify_audit

    report = verify_audit(workspace(note_outside=False))  # the report says it
    if report.ok:
        console.print(str(report), highlight=False, soft_wrap=True)
    else:
        err_console.print(f"[red]{report}[/red]", highlight=False)
        raise typer.Exit(1)


@audit_app.command("log")
def audit_log(
    limit: Annotated[int, typer.Option(help="Show the last N events.")] = 20,
    json_out: JsonOpt = False,
) -> None:
    """Show the most recent audit events."""
    from tally.pipeline import audit_events

    rows = audit_events(workspace(), limit=limit)
    if json_out:
        print_json(rows)
    else:
        console.print(table("audit log", ["id", "at", "actor", "action", "object", "ids"],
                            [(r["id"], r["at"], r["actor"], r["action"], r["object_type"], r["object_ids"][:5]) for r in rows]))
