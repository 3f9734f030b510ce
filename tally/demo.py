"""``python -m tally.demo --out DIR``: simulate a conflict, run the whole pipeline, write the report.

Simulates (fixed seed) 20,000 victims, 4 victim lists and 300 articles into ``DIR/sim``, then
``run_all`` (ingest -> extract -> link -> estimate -> reconcile) on ``DIR/workspace``, then the
report ``DIR/report.html``; prints a summary table and the timings (also kept in
``DIR/timing.json``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from tally import pipeline
from tally.core.errors import TallyError
from tally.core.quantities import format_count as _n, format_range
from tally.simulate import SimulationSpec, simulate


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def run_demo(out: Path, *, victims: int = 20_000, lists: int = 4, articles: int = 300, seed: int = 2024,
             console: Console | None = None) -> dict[str, Any]:
    """Simulate, run the pipeline and write the report under *out*; returns timings and paths."""
    con = console or Console()
    out = Path(out)
    sim_dir, home, report = out / "sim", out / "workspace", out / "report.html"
    t0 = time.perf_counter()
    with con.status("simulating a conflict") as status:
        sim = simulate(SimulationSpec(seed=seed, victims=victims, lists=lists, articles=articles), sim_dir,
                       progress=lambda step: status.update(f"simulating: {step}"))
    t_sim = time.perf_counter() - t0
    if home.exists():  # a fresh workspace each time: the demo measures a full run
        import shutil

        shutil.rmtree(home)
    ws = pipeline.init_workspace(home, actor="demo")
    t0 = time.perf_counter()
    with con.status("running the pipeline") as status:
        result = pipeline.run_all(ws, [sim_dir / "lists", sim_dir / "articles"],
                                  lambda stage, msg: status.update(f"[bold]{stage}[/bold]: {msg}"),
                                  country="SY")
    t_pipeline = time.perf_counter() - t0
    t0 = time.perf_counter()
    pipeline.run_report(ws, report)
    t_report = time.perf_counter() - t0
    tolls = pipeline.compute_tolls(ws)
    ws.close()
    timing = {"simulate_s": round(t_sim, 2), "pipeline_s": round(t_pipeline, 2), "report_s": round(t_report, 2),
              "victims": sim.victims, "lists": sim.lists, "articles": sim.articles, "seed": seed,
              "steps": [s.to_dict() for s in result.steps], "nproc": os.cpu_count(), "cpu": _cpu(),
              "report": str(report), "report_bytes": report.stat().st_size}
    (out / "timing.json").write_text(json.dumps(timing, indent=1))
    _print(con, result, tolls, sim.victims, timing)
    return timing


def _print(con: Console, result: pipeline.RunReport, tolls: list[dict[str, Any]], truth: int,
           timing: dict[str, Any]) -> None:
    steps = Table(title="pipeline", header_style="bold")
    for c in ("stage", "status", "what happened", "seconds"):
        steps.add_column(c)
    for s in result.steps:
        colour = {"ran": "green", "skipped": "dim", "failed": "red"}[s.status]
        steps.add_row(s.stage, f"[{colour}]{s.status}[/{colour}]", s.summary, f"{s.seconds:.1f}")
    con.print(steps)
    head = Table(title="headline (everything)", header_style="bold")
    for c in ("figure", "value", "note"):
        head.add_column(c)
    if tolls:
        t = tolls[0]
        head.add_row("documented", _n(t["documented"]), t["grade"])
        rng = format_range(t["reported_low"], t["reported_high"])
        head.add_row("reported", rng, f"{len(t['sources'])} source(s)")
        e = t.get("estimated")
        head.add_row("estimated", _n(e["estimate"]) if e else "—",
                     f"{e['level']:.0%} interval {_n(round(e['lower']))}–{_n(round(e['upper']))}" if e else "no estimate")
    else:
        head.add_row("tolls", "—", "no toll for this workspace")
    head.add_row("simulated truth", f"{truth:,}", "victims the simulator killed (known only here)")
    con.print(head)
    con.print(f"changed: {'; '.join(result.changes)}")
    con.print(f"pipeline {timing['pipeline_s']:.1f} s, report {timing['report_s']:.1f} s "
              f"(simulation {timing['simulate_s']:.1f} s) on {timing['nproc']} cores, {timing['cpu']}")
    con.print(f"report: [bold]{Path(timing['report']).resolve()}[/bold]")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: ``python -m tally.demo --out DIR``."""
    ap = argparse.ArgumentParser(prog="python -m tally.demo", description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path("demo"), help="folder for the simulation, workspace and report")
    ap.add_argument("--victims", type=int, default=20_000)
    ap.add_argument("--lists", type=int, default=4)
    ap.add_argument("--articles", type=int, default=300)
    ap.add_argument("--seed", type=int, default=2024)
    args = ap.parse_args(argv)
    con = Console()
    try:
        run_demo(args.out, victims=args.victims, lists=args.lists, articles=args.articles, seed=args.seed, console=con)
    except TallyError as exc:
        con.print(f"[red]error:[/red] {exc}", highlight=False)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
