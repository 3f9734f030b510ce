"""``tally link`` (run, review, explain, decide), ``tally persons`` and ``tally eval link``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from tally.cli.app import JsonOpt, app, console, eval_app, print_json
from tally.cli.common import table, workspace

link_app = typer.Typer(help="Link victim records into persons (Splink), review uncertain pairs, explain a pair.")
app.add_typer(link_app, name="link")


@link_app.callback(invoke_without_command=True)
def link(
    ctx: typer.Context,
    engine: Annotated[Optional[str], typer.Option(help="duckdb (default) or spark.")] = None,
    threshold: Annotated[Optional[float], typer.Option(help="Match probability at which two records link.")] = None,
    spec: Annotated[Optional[Path], typer.Option(help="A link spec file (JSON or TOML).")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Link all victim records of the workspace into persons and store the run."""
    if ctx.invoked_subcommand is not None:
        return
    from tally.link import LinkSpec
    from tally.pipeline import run_link

    base = LinkSpec.load(spec) if spec else LinkSpec()
    overrides = {k: v for k, v in {"engine": engine, "threshold": threshold}.items() if v is not None}
    the_spec = LinkSpec.parse({**base.to_dict(), **overrides}) if overrides else base
    run_id, result = run_link(workspace(), the_spec)
    m = result.metrics
    if json_out:
        print_json({"run": run_id, **m, "warnings": list(result.warnings)})
        return
    console.print(
        f"link run {run_id} ({the_spec.engine}): {m.get('records', 0):,} records -> {m.get('persons', 0):,} persons; "
        f"{m.get('pairs_scored', 0):,} pairs kept, {m.get('review', 0):,} to review "
        f"(`tally link review`); {m.get('seconds_total', 0)} s"
    )
    for w in result.warnings:
        console.print(f"[yellow]warning:[/yellow] {w}", highlight=False)


def _side_by_side(a: dict, b: dict) -> None:
    fields = ["source", "record_id", "name", "sex", "age", "age_group", "date_of_death", "governorate_code",
              "district_code", "place", "status"]
    console.print(table(None, ["field", f"record {a['record_key']}", f"record {b['record_key']}"],
                        [(f, a.get(f), b.get(f)) for f in fields]))


@link_app.command("review")
def review(
    limit: Annotated[int, typer.Option(help="Review at most N pairs.")] = 20,
) -> None:
    """Show uncertain pairs side by side with their waterfall; answer m(atch), n(o match), s(kip), q(uit)."""
    from tally.pipeline import decide_link, explain_link
    from tally.store import links

    ws = workspace()
    with ws.connect() as conn:
        run = links.latest_run(conn)
        queue = links.review_pairs(conn, run["id"], limit=limit)
    if not queue:
        console.print("nothing to review")
        return
    answers = {"m": "match", "n": "no_match", "s": "skip"}
    done = 0
    for i, pair in enumerate(queue, 1):
        a, b = int(pair["record_l"]), int(pair["record_r"])
        with ws.connect() as conn:
            recs = {r["record_key"]: r for r in links.link_input_rows(conn, [a, b])}
        console.rule(f"pair {i}/{len(queue)}: weight {pair['match_weight']:+.2f}, "
                     f"probability {pair['match_probability']:.3f}")
        _side_by_side(recs[a], recs[b])
        console.print(explain_link(ws, a, b).summary(), highlight=False)
        choice = typer.prompt("same person? [m]atch / [n]o match / [s]kip / [q]uit", default="s").strip().lower()[:1]
        if choice == "q":
            break
        if choice not in answers:
            console.print("not understood: skipped")
            choice = "s"
        decide_link(ws, a, b, answers[choice])
        done += 1
    console.print(f"{done} decision(s) stored; they are respected by every later `tally link`")


@link_app.command("decide")
def decide(
    record_a: Annotated[int, typer.Argument(help="Workspace id of one record.")],
    record_b: Annotated[int, typer.Argument(help="Workspace id of the other record.")],
    decision: Annotated[str, typer.Argument(help="match, no_match or skip.")],
    note: Annotated[Optional[str], typer.Option(help="Why (kept in the audit log).")] = None,
) -> None:
    """Record a decision on a pair without the interactive review."""
    from tally.pipeline import decide_link

    decide_link(workspace(), record_a, record_b, decision.replace("-", "_"), note)
    console.print(f"{decision} stored for records {record_a} and {record_b}")


@link_app.command("explain")
def explain(
    record_a: Annotated[int, typer.Argument(help="Workspace id of one record.")],
    record_b: Annotated[int, typer.Argument(help="Workspace id of the other record.")],
    json_out: JsonOpt = False,
) -> None:
    """Print the match-weight waterfall of one pair under the latest model."""
    from tally.pipeline import explain_link

    wf = explain_link(workspace(), record_a, record_b)
    if json_out:
        print_json(wf.to_dict())
    else:
        console.print(wf.summary(), highlight=False)


@app.command("persons")
def persons_cmd(
    limit: Annotated[Optional[int], typer.Option(help="Show at most N persons.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """List the persons of the latest linkage run with their records."""
    from tally.store import links

    with workspace().connect() as conn:
        run = links.latest_run(conn)
        people = links.list_persons(conn, run["id"], limit=limit)
        recs = links.records_of_persons(conn, [p["id"] for p in people])
    if json_out:
        print_json([{**p, "records": [
            {"id": r["id"], "source": r["source"], "record_id": r["record_id"], "name": r["name"]}
            for r in recs[p["id"]]]} for p in people])
        return
    rows = [(p["id"], p["name"], p["date_of_death"], p["district_code"] or p["governorate_code"],
             "; ".join(f"{r['source']}:{r['record_id']}" for r in recs[p["id"]])) for p in people]
    console.print(table(f"persons of link run {run['id']}", ["person", "name", "died", "place", "records"], rows))


@eval_app.command("link")
def eval_link(
    truth_csv: Annotated[Path, typer.Argument(help="Key CSV with columns source,id,person.")],
    json_out: JsonOpt = False,
) -> None:
    """Pairwise precision, recall and F1 of the workspace's persons against a key."""
    from tally.pipeline import evaluate_link

    score = evaluate_link(workspace(), truth_csv)
    if json_out:
        print_json(score.to_dict())
    else:
        console.print(score.summary(), highlight=False)
