"""``tally simulate``: write a documentation world with known truth (lists, articles, key)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from tally.cli.app import JsonOpt, app, console, print_json
from tally.core.errors import InputError

_STAGES = ("geography", "world", "lists", "articles", "writing")


@app.command("simulate")
def simulate_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory to write lists/, articles/ and truth/ into: new, empty, or an earlier simulation (replaced).")],
    seed: Annotated[Optional[int], typer.Option("--seed", help="Random seed (default 0); the same seed gives byte-identical output.")] = None,
    victims: Annotated[Optional[int], typer.Option("--victims", help="Number of people killed (default 10,000).")] = None,
    lists: Annotated[Optional[int], typer.Option("--lists", help="Number of organisations publishing victim lists (default 4).")] = None,
    articles: Annotated[Optional[int], typer.Option("--articles", help="Number of news articles (default 200).")] = None,
    country: Annotated[Optional[str], typer.Option("--country", help="ISO alpha-2 code of the country (default SY).")] = None,
    days: Annotated[Optional[int], typer.Option("--days", help="Length of the period in days (default 60).")] = None,
    spec_file: Annotated[Optional[Path], typer.Option("--spec", help="A spec.json to start from (flags override it).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Simulate killings, the organisations' victim lists and the news, with the truth to score against."""
    from tally.simulate import simulate
    from tally.simulate.spec import make_spec

    base = None
    if spec_file is not None:
        try:
            base = json.loads(spec_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(f"{spec_file}: cannot read spec ({exc})") from exc
    spec = make_spec(base, seed=seed, victims=victims, lists=lists, articles=articles, country=country, days=days)
    if as_json:
        print_json(simulate(spec, out).to_dict())
        return
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=console, transient=True) as progress:
        task = progress.add_task("simulating", total=len(_STAGES))

        def step(stage: str) -> None:
            progress.update(task, description=stage, completed=_STAGES.index(stage))

        result = simulate(spec, out, progress=step)
        progress.update(task, completed=len(_STAGES))
    table = Table(title=f"Simulated world (seed {result.seed}) in {result.out}", show_header=True)
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("victims", f"{result.victims:,}")
    table.add_row("events (bursts)", f"{result.events:,} ({result.bursts:,})")
    for name, n in result.lists.items():
        table.add_row(f"list: {name}", f"{n:,}")
    table.add_row("articles", f"{result.articles:,}")
    table.add_row("gold claims", f"{result.claims:,}")
    table.add_row("displacement rows", f"{result.displacement_rows:,}")
    console.print(table)
    console.print(f"written in {result.seconds:.1f} s; truth in {result.out / 'truth'}", highlight=False)
