"""``tally estimate``: population size by multiple systems estimation, from a file or the workspace."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer
from rich.table import Table

from tally.cli.app import JsonOpt, app, console, print_json
from tally.core.errors import EstimateError, TallyError

if TYPE_CHECKING:  # imported where used: scipy costs every other command a second at start-up
    from tally.estimate import EstimateResult, StratifiedResult

METHODS = ("chapman", "loglinear", "lcmcr", "dga")
STRATA = ("governorate", "week", "month", "sex", "status")
# Which flags each method understands (flag name -> estimator keyword).
APPLIES = {
    "chapman": {"lists": "lists", "level": "level"},
    "loglinear": {"criterion": "criterion", "models": "models", "level": "level"},
    "lcmcr": {"K": "K", "burnin": "burnin", "samples": "samples", "thinning": "thinning", "chains": "chains", "seed": "seed", "level": "level"},
    "dga": {"delta": "delta", "seed": "seed", "level": "level"},
}


@app.command("estimate")
def estimate_command(
    captures: Annotated[Optional[Path], typer.Option("--captures", help="CSV of capture patterns: one 0/1 column per list and a 'count' column. Without it, estimate from the workspace's linked persons.")] = None,
    method: Annotated[str, typer.Option("--method", help="chapman | loglinear | lcmcr | dga.")] = "loglinear",
    criterion: Annotated[Optional[str], typer.Option("--criterion", help="Log-linear model selection: aic or bic (default bic).")] = None,
    models: Annotated[bool, typer.Option("--models", help="Log-linear: print the whole table of fitted models.")] = False,
    level: Annotated[Optional[float], typer.Option("--level", help="Interval level (default 0.95).")] = None,
    seed: Annotated[Optional[int], typer.Option("--seed", help="Random seed (lcmcr, dga draws); recorded in the result.")] = None,
    burnin: Annotated[Optional[int], typer.Option("--burnin", help="LCMCR burn-in iterations per chain (default 10,000).")] = None,
    samples: Annotated[Optional[int], typer.Option("--samples", help="LCMCR draws kept per chain (default 1,000).")] = None,
    thinning: Annotated[Optional[int], typer.Option("--thinning", help="LCMCR iterations between kept draws (default 100).")] = None,
    chains: Annotated[Optional[int], typer.Option("--chains", help="LCMCR independent chains (default 4; R-hat and ESS reported).")] = None,
    K: Annotated[Optional[int], typer.Option("--K", help="LCMCR maximum number of latent classes (default 10).")] = None,
    delta: Annotated[Optional[float], typer.Option("--delta", help="dga hyper-Dirichlet prior count (default 2^-lists; always reported).")] = None,
    lists: Annotated[Optional[str], typer.Option("--lists", help="Chapman: the two lists to use, comma-separated.")] = None,
    by: Annotated[Optional[str], typer.Option("--by", help="Workspace mode: stratify by any of governorate,week,month,sex,status (weeks count from the earliest date of death).")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Estimate the total, documented and undocumented, by multiple systems estimation."""
    method = method.lower()
    if method not in METHODS:
        raise EstimateError(f"--method must be one of {', '.join(METHODS)}, not {method!r}")
    given = {
        "criterion": criterion, "models": models or None, "level": level, "seed": seed, "burnin": burnin,
        "samples": samples, "thinning": thinning, "chains": chains, "K": K, "delta": delta,
        "lists": [x.strip() for x in lists.split(",")] if lists else None,
    }
    stray = [f"--{k}" for k, v in given.items() if v is not None and k not in APPLIES[method]]
    if stray:
        raise EstimateError(f"{', '.join(stray)} does not apply to --method {method}")
    options = {APPLIES[method][k]: v for k, v in given.items() if v is not None}
    strata = [s.strip() for s in by.split(",") if s.strip()] if by else []
    bad = [s for s in strata if s not in STRATA]
    if bad:
        raise EstimateError(f"--by takes {', '.join(STRATA)}; not {', '.join(bad)}")
    if captures is not None:
        if strata:
            raise EstimateError("--by stratifies the workspace's persons; a --captures file has no strata")
        from tally.estimate import CaptureHistory, get_estimator

        result: EstimateResult | StratifiedResult = get_estimator(method, **options).fit(CaptureHistory.from_csv(captures))
    else:
        try:
            from tally.pipeline import run_estimate  # late: the workspace needs the store
        except ImportError as exc:
            raise TallyError("estimating from the workspace needs tally.pipeline.run_estimate, which is not available; use --captures FILE.csv") from exc
        from tally.cli.common import workspace

        result = run_estimate(workspace(), by=strata, method=method, **options)
    if json_out:
        print_json(result.to_dict())
        return
    render(result)


def render(result: EstimateResult | StratifiedResult) -> None:
    """Print a result (or a stratified one) as Rich tables, caveats beside the numbers."""
    from tally.estimate import StratifiedResult
    if isinstance(result, StratifiedResult):
        table = Table(title=f"{result.total.method}: estimate by stratum ({result.total.level:.0%} intervals)")
        for col in ("stratum", "observed", "estimate", "lower", "upper", "warnings"):
            table.add_column(col, justify="right" if col in ("observed", "estimate", "lower", "upper") else "left")
        for name, r in result.strata.items():
            table.add_row(name, f"{r.observed:,}", _n(r.estimate), _n(r.lower), _n(r.upper), str(len(r.warnings)))
        for name, why in result.failed.items():
            table.add_row(name, "", "—", "", "", why)
        t = result.total
        table.add_row("[bold]total[/bold]", f"{t.observed:,}", _n(t.estimate), _n(t.lower), _n(t.upper), t.details.get("combination", ""))
        console.print(table)
        for w in t.warnings:
            console.print(f"[yellow]warning:[/yellow] {w}", highlight=False)
        return
    table = Table(title=f"{result.method} on {len(result.lists)} lists", show_header=False)
    table.add_column("", style="bold")
    table.add_column("")
    table.add_row("lists", ", ".join(result.lists))
    table.add_row("observed", f"{result.observed:,}")
    table.add_row("estimate", _n(result.estimate))
    table.add_row(f"{result.level:.0%} interval", f"[{_n(result.lower)}, {_n(result.upper)}]")
    for key, value in result.details.items():
        if isinstance(value, (str, int, float, bool)):
            table.add_row(key, _n(value) if isinstance(value, float) else str(value))
    console.print(table)
    for w in result.warnings:
        console.print(f"[yellow]warning:[/yellow] {w}", highlight=False)
    if "models" in result.details:
        console.print(_models_table(result.details["models"]))


def _models_table(rows: list[dict[str, Any]]) -> Table:
    table = Table(title="log-linear models (best first)")
    for col in ("model", "abundance", "stderr", "deviance", "df", "aic", "bic", "note"):
        table.add_column(col, justify="left" if col in ("model", "note") else "right")
    for r in rows:
        table.add_row(r["model"], _n(r["abundance"]), _n(r["stderr"]), f"{r['deviance']:.4f}", str(r["df"]), f"{r['aic']:.4f}", f"{r['bic']:.4f}", r["note"])
    return table


def _n(x: float) -> str:
    if not isinstance(x, float) or x != x or x in (float("inf"), float("-inf")):
        return str(x)
    if float(x).is_integer():
        return f"{x:,.0f}"
    return f"{x:,.1f}" if abs(x) >= 100 else f"{x:.4g}"
