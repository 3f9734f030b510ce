"""Bench: where the time of a ``tally tolls`` question goes, step by step and rule by rule.

On the news stream of ``bench/tolls.py`` (100,000 claims by default), with the claim rows kept as
every write keeps them.  Run::

    /work/main/.venv/bin/python bench/tolls_phases.py [--claims 100000] [--keep DIR] [--runs 3] [--no-relays]

Prints, for each question:

* **a fresh process, clocked** (the question never asked: its kept answers removed first; Syria's
  relays, ``tally.reconcile.rules.Relays``, kept as keeping the rows keeps them, or with
  ``--no-relays`` removed, as R2 worked out from scratch):
  importing ``tally.cli``, reaching the library call (the command's own imports, the scope, the
  workspace), reading and building the claims, the rules, keeping the answer and freeing the
  objects, printing; and the collector's passes while ``tally.cli`` is imported;
* **the rules in process**, on the claims read from the kept rows, the collector paused as
  ``run_tolls`` pauses it: R1 (how each claim stands to the scope), R2 (relays), R3 (running
  tolls), R4 (sums within a source), R5 (clusters across sources, with their ranges) and the
  source rows, and the whole ``reconcile`` call.

Each figure is the range over ``--runs`` runs: this host's timings move by a tenth from one minute
to the next, so single runs say little.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from tolls import _forget, _options, built  # noqa: E402

from tally.pipeline import _relays_key, _relays_scope, keep_rows, kept_claims, open_workspace  # noqa: E402
from tally.reconcile import _native  # noqa: E402
from tally.reconcile import rules as R  # noqa: E402
from tally.reconcile import tolls as T  # noqa: E402
from tally.reconcile.figures import ClaimRow  # noqa: E402
from tally.reconcile.scope import Scope, claim_filter, default_places  # noqa: E402
from tally.store.audit import revision  # noqa: E402

QUESTIONS = [
    ("Syria all victims, whole period", dict(where=["iso:SY"])),
    ("Syria all victims, from 2025-01-01", dict(where=["iso:SY"], date_from="2025-01-01")),
    ("coastal civilians, whole period", dict(where=["Latakia", "Tartus", "Hama", "Homs"], victims="civilians")),
]

# Run in a fresh interpreter: ``tally`` with clocks around its steps, reported as JSON on stderr.
CLOCKED = r"""
import gc, json, sys, time
passes = [0]
gc.callbacks.append(lambda phase, info: passes.__setitem__(0, passes[0] + (phase == "stop")))
t0 = time.perf_counter()
import tally.cli as cli
t1 = time.perf_counter()
imported_passes = passes[0]
import tally.pipeline as P
import tally.reconcile.tolls as T
marks = {}
def clock(name, fn):
    def clocked(*a, **k):
        marks[name + " start"] = time.perf_counter()
        try:
            return fn(*a, **k)
        finally:
            marks[name + " end"] = time.perf_counter()
    return clocked
P.run_tolls_many = clock("run", P.run_tolls_many)
T.reconcile_many = clock("rules", T.reconcile_many)
sys.argv = ["tally", *sys.argv[1:]]
try:
    cli.main()
except SystemExit:
    pass
t9 = time.perf_counter()
print(json.dumps({"imports": t1 - t0, "to the call": marks["run start"] - t1,
                  "claims": marks["rules start"] - marks["run start"], "rules": marks["rules end"] - marks["rules start"],
                  "keeping, freeing": marks["run end"] - marks["rules end"], "printing": t9 - marks["run end"],
                  "whole": t9 - t0, "passes on import": imported_passes}), file=sys.stderr)
"""


def _scope(kw: dict) -> Scope:
    kw = dict(kw)
    return Scope.build(kw.pop("where"), kw.pop("date_from", None), kw.pop("date_to", None), **kw)


def fresh(home: Path, kw: dict, runs: int, relays: bool) -> dict[str, list[float]]:
    """The clocked steps of *runs* fresh ``tally tolls`` processes, each asking *kw* for the first time
    (with Syria's *relays* kept, else none)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-c", CLOCKED, "--workspace", str(home), "tolls", *_options(kw, None), "--json"]
    steps: dict[str, list[float]] = defaultdict(list)
    syria = Scope.build(["iso:SY"])
    for _ in range(runs):
        _forget(home, syria, None, kind="relays")
        if relays:
            ws = open_workspace(home)
            keep_rows(ws, over=0)  # the rows are current: kept again with Syria's relays
            ws.close()
        _forget(home, _scope(kw), None)
        done = subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for k, v in json.loads(done.stderr.strip().splitlines()[-1]).items():
            steps[k].append(v)
    return steps


def in_process(ws, kw: dict, runs: int, relays: bool) -> dict[str, list[float]]:
    """The rules' times, one by one, on the claims of *kw* read from the kept rows (*runs* times), R2
    from Syria's kept relays if *relays* and ``tally tolls`` would read them (read anew each run, as a
    fresh process reads them).

    The rules are called here in the order ``tally.reconcile.tolls.reconcile`` calls them (compiled,
    it calls them directly, so they cannot be clocked inside it): a change to that order belongs
    here too.  The whole ``reconcile`` is timed beside them, so a sum that drifts from it shows."""
    pl = default_places()
    scope = _scope(kw)
    steps: dict[str, list[float]] = defaultdict(list)
    paused = gc.isenabled()
    gc.disable()
    try:
        for _ in range(runs):
            with ws.connect() as conn:
                t = time.perf_counter()
                rev = revision(conn)
                kept = ws.kept_rows.columns(conn, rev, claim_filter(scope, pl), kept_claims())
                if kept is None:
                    raise SystemExit("the kept rows are not current for this question: run it again")
                rows = kept.build(ClaimRow.from_columns)
                steps["claims"].append(time.perf_counter() - t)
            # the relays as run_tolls_many reads them: the scope's country's, if it loads as many
            # claims as rows are kept from (the coast's 16,576 claims are too few)
            wide = _relays_scope(scope, pl)
            origin = ws.kept_rows.origin(rev)
            relays_here = relays and origin is not None and wide is not None and len(rows) >= ws.settings.answers_rows_over
            got = R.Relays.from_dict(ws.answers.get(_relays_key(wide, origin))) if relays_here else None
            t0 = time.perf_counter()
            inside = [c for c in rows if c.status == "active" and R.relation(c, scope, pl) == "inside"]
            t1 = time.perf_counter()
            figures = R.collapse_relays(inside, pl, got)
            t2 = time.perf_counter()
            current, _discounted, _flags = R.apply_series(figures, pl)
            t3 = time.perf_counter()
            by_source: dict[str, list[R.Figure]] = defaultdict(list)
            for f in current:
                by_source[f.source].append(f)
            chosen: list[R.Figure] = []
            for fs in by_source.values():
                chosen += R.combine(fs, pl)[0]
            t4 = time.perf_counter()
            clusters = R.clusters(chosen, pl)
            t5 = time.perf_counter()
            T._source_rows(by_source, chosen, {s for cl in clusters for s in cl.sources if s not in cl.complete})
            t6 = time.perf_counter()
            got = R.Relays.from_dict(ws.answers.get(_relays_key(wide, origin))) if relays_here else None
            T.reconcile(rows, 0, None, scope, places=pl, relays=got)
            t7 = time.perf_counter()
            for name, seconds in (("R1", t1 - t0), ("R2", t2 - t1), ("R3", t3 - t2), ("R4", t4 - t3), ("R5", t5 - t4),
                                  ("source rows", t6 - t5), ("reconcile", t7 - t6)):
                steps[name].append(seconds)
            steps["sizes"] = [len(rows), len(inside), len(figures), len(current), len(chosen), len(clusters)]
    finally:
        if paused:
            gc.enable()
    return steps


def _range(values: list[float], scale: float = 1000.0) -> str:
    lo, hi = min(values) * scale, max(values) * scale
    return f"{lo:.0f}" if round(lo) == round(hi) else f"{lo:.0f}–{hi:.0f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--claims", type=int, default=100_000)
    ap.add_argument("--keep", type=Path, help="Build the workspace here and keep it (reused when it exists).")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-relays", dest="relays", action="store_false",
                    help="Remove Syria's relays, which keeping the rows keeps, before each question.")
    args = ap.parse_args()
    home = built(args.keep, args.claims)
    ws = open_workspace(home)
    print(f"  {_native.running().summary()}")
    print(f"  claim rows kept: {keep_rows(ws, over=0)}")
    for label, kw in QUESTIONS:
        print(f"\n{label} (ms; range over {args.runs} runs)")
        steps = fresh(home, kw, args.runs, args.relays)
        print("  fresh process: " + ", ".join(f"{k} {_range(v)}" for k, v in steps.items() if k != "passes on import")
              + f"; the collector's passes while importing tally.cli: {_range(steps['passes on import'], 1)}")
        steps = in_process(ws, kw, args.runs, args.relays)
        n_rows, n_inside, n_figures, n_current, n_chosen, n_clusters = steps.pop("sizes")
        print("  in process:    " + ", ".join(f"{k} {_range(v)}" for k, v in steps.items()))
        print(f"  ({n_rows:,} claims read, {n_inside:,} inside, {n_figures:,} figures, {n_current:,} current, "
              f"{n_chosen:,} chosen, {n_clusters:,} clusters)")
    ws.close()
    print(f"\nmachine: {os.cpu_count()} cpus, load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
