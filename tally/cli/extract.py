"""``tally extract`` (claims from articles) and ``tally eval extract`` (score against gold)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from tally.cli.app import JsonOpt, app, console, eval_app, print_json
from tally.core.errors import InputError



@app.command("extract")
def extract_command(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Article files (with --text).", show_default=False)] = None,
    text: Annotated[bool, typer.Option(
        "--text", help="Stateless: read PATHS as article files (front matter as in ingest), print their claims.")] = False,
    again: Annotated[bool, typer.Option("--again", help="Re-extract every article of the workspace, replacing "
                                                           "its extracted claims (claims entered by hand stay).")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Extract casualty claims: with --text from article files (stateless), else from every article in the workspace not yet extracted."""
    if not text:
        if paths:
            raise InputError("article paths need --text (stateless mode); without it tally extract reads the workspace")
        _extract_workspace(as_json, again)
        return
    if not paths:
        raise InputError("--text needs at least one article file")
    from tally.extract import extract_file

    for path in paths:
        if not path.is_file():
            raise InputError(f"{path}: no such file")
        result = extract_file(path)
        if as_json:
            print_json({"file": str(path), "claims": [c.model_dump(mode="json") for c in result.claims],
                        "sources": [s.model_dump(mode="json", exclude={"id"}) for s in result.sources],
                        "language": result.language, "notes": result.notes})
            continue
        console.print(f"[bold]{path}[/bold]  ({len(result.claims)} claims, language {result.language})")
        for note in result.notes:
            console.print(f"  note: {note}")
        for c in result.claims:
            n = c.count if c.count is not None else c.vague_word
            when = f"{c.date_from}..{c.date_to}" if c.date_from and c.date_to != c.date_from else (c.date_from or "")
            console.print(f"  {c.event:<15} {c.qualifier:<9} {n!s:<12} {c.victims:<15} {', '.join(c.admin1) or c.country or '':<14} "
                          f"{when!s:<22} {c.source or ''}", highlight=False, soft_wrap=True)


def _extract_workspace(as_json: bool, again: bool) -> None:
    from tally.cli.common import workspace
    from tally.pipeline import run_extract

    report = run_extract(workspace(), again=again)
    if as_json:
        print_json(report.to_dict())
    else:
        console.print(report.summary())


# ``tally claims`` is a group (``add``, ``reject`` live in cli/reconcile.py); its callback calls this
# listing when no subcommand is given.
def claims_command(
    as_json: JsonOpt = False,
    event: Annotated[Optional[str], typer.Option("--event", help="Only claims of this event (killed, injured, …).")] = None,
) -> None:
    """List the claims extracted into the workspace."""
    from tally.cli.common import figure, period, table, workspace
    from tally.pipeline import list_claims

    rows = list_claims(workspace(), event=event)
    if as_json:
        for r in rows:
            print_json(r)
        return
    console.print(table(f"{len(rows)} claims", ["id", "source", "figure", "victims", "event", "places", "period", "doc"],
                        [[r["id"], r["source"], figure(r["count"] if r["count"] is not None else r["vague_word"],
                                                       r["qualifier"]),
                          r["victims"], r["event"], ", ".join(r["admin1"]), period(r["date_from"], r["date_to"]),
                          r["document_id"]] for r in rows]))


@eval_app.command("extract")
def eval_extract_command(
    gold_dirs: Annotated[Optional[list[Path]], typer.Argument(
        help="Directories with claims.jsonl and the articles beside it (e.g. a simulation's truth/ "
             "directory); several are scored as one set.")] = None,
    gold: Annotated[Optional[Path], typer.Option("--gold", help="A gold claims JSONL file (instead of GOLD_DIR).")] = None,
    root: Annotated[Optional[Path], typer.Option("--root", help="Directory the gold file's article paths are relative to.")] = None,
    errors: Annotated[bool, typer.Option("--errors", help="Also list missed, spurious and mismatched claims.")] = False,
    country: Annotated[Optional[str], typer.Option(help="Extract as if the articles were ingested with --country (e.g. SY).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Claim-level precision/recall/F1 and per-field accuracy of extraction against gold claims."""
    from tally.extract.evaluate import evaluate

    targets = [gold] if gold else list(gold_dirs or [])
    if not targets:
        raise InputError("give GOLD_DIR... or --gold FILE.jsonl")
    for target in targets:
        if not target.exists():
            raise InputError(f"{target}: not found")
    result = evaluate(targets, root, country=country)
    if as_json:
        out = result.to_dict()
        if errors:
            out["errors"] = result.errors
        print_json(out)
        return
    console.print(result.summary(), highlight=False, markup=False)
    if errors:
        for e in result.errors:
            console.print(json.dumps(e, ensure_ascii=False, default=str), highlight=False, markup=False, soft_wrap=True)
