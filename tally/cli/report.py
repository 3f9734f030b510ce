"""``tally report``, ``tally run`` and the ``tally export`` kinds."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from tally.cli.app import JsonOpt, app, console, err_console, print_json
from tally.cli.common import table, workspace
from tally.cli.ingest import export_app

FormatOpt = Annotated[str, typer.Option("--format", "-f", help="csv, json (JSON Lines), parquet or hxl (HXL-tagged CSV).")]
OutOpt = Annotated[Optional[Path], typer.Option("--out", "-o", help="Output file (default: standard output; parquet needs a file).")]


@app.command()
def report(
    out: Annotated[Path, typer.Option("--out", "-o", help="The HTML file to write.")] = Path("report.html"),
    scope: Annotated[Optional[str], typer.Option(help="An area code to report on, e.g. ocha:SY07 (default: everything).")] = None,
) -> None:
    """Write one self-contained HTML report: headline figures, timeline, places, estimates, sources, provenance."""
    from tally.pipeline import run_report

    path = run_report(workspace(), out, scope)
    console.print(f"report written to {path} ({path.stat().st_size / 1024:,.0f} KB)")


@app.command("run")
def run(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Articles and victim lists to ingest first (files or folders).")] = None,
    country: Annotated[Optional[str], typer.Option(help="ISO country code to resolve place names in (e.g. SY).")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Ingest PATHs, then extract -> link -> estimate -> reconcile whatever their inputs changed."""
    from tally.pipeline import run_all

    ws = workspace(create=True)
    with console.status("starting", spinner="dots") as status:
        def progress(stage: str, message: str) -> None:
            status.update(f"[bold]{stage}[/bold]: {message}")

        result = run_all(ws, paths or [], progress, country=country)
    if json_out:
        print_json(result.to_dict())
        return
    console.print(table("tally run", ["stage", "status", "what happened", "seconds"],
                        [(s.stage, s.status, s.summary, f"{s.seconds:.1f}") for s in result.steps]))
    console.print("changed: " + "; ".join(result.changes))
    if result.ingest and result.ingest.failed:
        for f in result.ingest.failed:
            err_console.print(f"[red]failed[/red] {f.message}", highlight=False, soft_wrap=True)
        raise typer.Exit(1)


def _export(kind: str, format: str, out: Optional[Path]) -> None:
    from tally.pipeline import export

    n = export(workspace(), kind, format, out)
    if out:
        console.print(f"{n:,} {kind} written to {out}")


@export_app.command("records")
def export_records(format: FormatOpt = "csv", out: OutOpt = None) -> None:
    """Export victim records; the CSV reads back with `tally ingest` into the same records."""
    _export("records", format, out)


@export_app.command("claims")
def export_claims(format: FormatOpt = "csv", out: OutOpt = None) -> None:
    """Export claims with ACLED-style columns (event_date, actor1, admin1, location, source, notes, fatalities)."""
    _export("claims", format, out)


@export_app.command("persons")
def export_persons(format: FormatOpt = "csv", out: OutOpt = None) -> None:
    """Export the persons of the newest link run."""
    _export("persons", format, out)


@export_app.command("tolls")
def export_tolls(format: FormatOpt = "csv", out: OutOpt = None) -> None:
    """Export reconciled tolls with UCDP-style low/best/high, documented and estimated."""
    _export("tolls", format, out)


@export_app.command("estimates")
def export_estimates(format: FormatOpt = "csv", out: OutOpt = None) -> None:
    """Export the newest estimates per stratum with their intervals and warnings."""
    _export("estimates", format, out)
