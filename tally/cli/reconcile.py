"""``tally tolls`` and ``tally claims`` (list, ``add`` a manual claim, ``reject`` one, ``restore`` it)."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from tally.cli.app import JsonOpt, app, console, err_console, print_json
from tally.cli.common import figure, period, table, workspace
from tally.core.quantities import format_count, format_range

WhereOpt = Annotated[Optional[list[str]], typer.Option(
    "--where", help="Place name or area code (repeat, or separate with commas), e.g. Latakia or ocha:SY06.")]
FromOpt = Annotated[Optional[str], typer.Option("--from", help="First day, YYYY-MM-DD.")]
ToOpt = Annotated[Optional[str], typer.Option("--to", help="Last day, YYYY-MM-DD.")]


def _num(x: object) -> str:
    """A number of people for the table (tally's one format: whole persons from 100), blank when absent."""
    return "" if x is None else format_count(float(x))  # type: ignore[arg-type]


@app.command()
def tolls(
    where: WhereOpt = None,
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    victims: Annotated[str, typer.Option(help="all, civilians, women, children, security_forces, fighters, unknown.")] = "all",
    event: Annotated[str, typer.Option(help="Event counted (killed, injured, …).")] = "killed",
    by: Annotated[Optional[str], typer.Option(help="One row per governorate, district, day, week, source or victims.")] = None,
    rules: Annotated[bool, typer.Option("--rules", help="Print the reconciliation rules and grades, then stop.")] = False,
    fresh: Annotated[bool, typer.Option("--fresh", help="Work the tolls out again from the database, and keep them, even if "
                                        "the workspace has not changed since it last answered the same question; "
                                        "drops the claim rows kept for fast loading (needed only after writes made "
                                        "around tally, in plain SQL).")] = False,
    json_out: JsonOpt = False,
) -> None:
    """Reconciled tolls: reported low/best/high across sources, documented, estimated, grade, flags.

    An answer is kept in the workspace until its next write, and read back when the same question is asked again.
    """
    if rules:
        from tally.reconcile import GRADE_RULE, RULES

        console.print(RULES + "\n" + GRADE_RULE, highlight=False, soft_wrap=True)  # as written, not re-wrapped
        return
    from tally.core.flags import summarise_flags
    from tally.pipeline import run_tolls
    from tally.reconcile.scope import Scope

    scope = Scope.build(where or [], date_from, date_to, victims=victims, event=event)
    ws = workspace()
    # a country-wide question asked for the first time takes seconds on 100,000 claims: say what is worked on
    with err_console.status(f"tolls for {scope.label()}{f' by {by}' if by else ''} …"):
        result = run_tolls(ws, scope, by, cached=True, fresh=fresh)
    if json_out:
        print_json([t.to_dict() for t in result])
        return
    rows = []
    for t in result:
        est = t.estimated
        # The reported range, then the documented count, then best: best is the reported best raised to
        # the documented count (R6), so it may lie above what any source reported.
        reported = "" if t.reported_low is None else format_range(t.reported_low, t.reported_high)
        rows.append(([t.group_name or t.group or ""] if by else []) + [
            reported, _num(t.documented), _num(t.best),
            f"{_num(est['estimate'])} [{_num(est['lower'])}–{_num(est['upper'])}]" if est else "", len(t.sources),
            t.grade])
    console.print(table(scope.label(), ([by] if by else []) + ["reported", "documented", "best", "estimated", "sources",
                                                                "grade"], rows))
    for t in result:
        head = f"{t.group_name or t.group}: " if by else ""
        if by is None:
            for s in t.sources:
                console.print(f"  {s['source']}: {_num(s['best'])} ({s['qualifier']}, {s['date']}), {s['reports']} report(s)"
                              + (f", supersedes {len(s['superseded'])}" if s["superseded"] else "")
                              + (" — correction" if s["correction"] else ""), highlight=False)
            console.print(f"  grade {t.grade}: {t.grade_reason}", highlight=False)
        for g in summarise_flags(t.flags):
            for f in g.shown:
                console.print(f"  [yellow]flag[/yellow] {head}{f}", highlight=False)
            if g.more:
                console.print(f"  [yellow]flag[/yellow] {head}… and {g.more:,} more “{g.kind}” flags (--json lists "
                              f"them all)", highlight=False)


claims_app = typer.Typer(help="Claims: list them, add a manual claim, reject one, restore it.", invoke_without_command=True)
app.add_typer(claims_app, name="claims")


@claims_app.callback()
def claims_list(
    ctx: typer.Context,
    event: Annotated[Optional[str], typer.Option("--event", help="Only claims of this event (killed, injured, …).")] = None,
    status: Annotated[Optional[str], typer.Option(help="active (default), rejected or all.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """List the claims in the workspace (when no subcommand is given); rejected ones with --status."""
    if ctx.invoked_subcommand is not None:
        return
    if status in (None, "active"):
        from tally.cli.extract import claims_command

        claims_command(as_json=json_out, event=event)
        return
    from tally.store.claims import claim_rows

    with workspace().connect() as conn:
        rows = [r for r in claim_rows(conn, status=None if status == "all" else status)
                if event is None or r["event"] == event]
    if json_out:
        print_json(rows)
        return
    console.print(table(f"{len(rows)} claims", ["id", "source", "figure", "victims", "event", "places", "period", "doc",
                                                "status"],
                        [(r["id"], r["source_name"], figure(r["count_text"], r["qualifier"]), r["victims"], r["event"],
                          ", ".join(r["pcodes"] or []), period(r["date_from"], r["date_to"]),
                          r["document_id"] if r["document_id"] is not None else "manual",
                          r["status"] + (f" ({r['status_reason']})" if r["status_reason"] else "")) for r in rows]))


@claims_app.command("add")
def claims_add(
    source: Annotated[str, typer.Option(help="Who gave the figure (organisation, person).")],
    count: Annotated[float, typer.Option(help="The figure.")],
    qualifier: Annotated[str, typer.Option(help="exact, about, at_least, more_than or up_to.")] = "exact",
    victims: Annotated[str, typer.Option(help="civilians, security_forces, fighters, children, women, families, people, other.")] = "people",
    event: Annotated[str, typer.Option(help="killed, injured, executed, …")] = "killed",
    where: WhereOpt = None,
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    cumulative: Annotated[Optional[bool], typer.Option("--cumulative/--incident", help="A running toll, or one incident.")] = None,
    date: Annotated[Optional[str], typer.Option(help="When the figure was given (default: now).")] = None,
    note: Annotated[str, typer.Option(help="How it was obtained: 'phone call with …', 'field report …'.")] = "",
    sensitivity: Annotated[str, typer.Option(help="public, restricted or protected (who may see it, its note "
                                             "included: a witness's call may need protecting).")] = "public",
    json_out: JsonOpt = False,
) -> None:
    """Add a manual claim (a phone call, a field report); audited."""
    from tally.pipeline import add_manual_claim

    cid = add_manual_claim(workspace(), source=source, count=count, qualifier=qualifier, victims=victims, event=event,
                           where=where or [], date_from=date_from, date_to=date_to, cumulative=cumulative,
                           reported_at=date, note=note, sensitivity=sensitivity)
    if json_out:
        print_json({"id": cid})
    else:
        console.print(f"claim {cid} added")


@claims_app.command("reject")
def claims_reject(
    id: Annotated[int, typer.Argument(help="Claim id.")],
    why: Annotated[str, typer.Option("--why", help="Why it is rejected (kept in the audit log and the toll).")],
) -> None:
    """Reject a claim: it stays visible as discounted and is never counted; audited."""
    from tally.pipeline import reject_claim

    reject_claim(workspace(), id, why)
    console.print(f"claim {id} rejected")


@claims_app.command("restore")
def claims_restore(
    id: Annotated[int, typer.Argument(help="Claim id.")],
    why: Annotated[str, typer.Option("--why", help="Why the rejection is undone (kept in the audit log).")],
) -> None:
    """Undo a rejection made in error: the claim is counted again; audited."""
    from tally.pipeline import restore_claim

    restore_claim(workspace(), id, why)
    console.print(f"claim {id} restored")
