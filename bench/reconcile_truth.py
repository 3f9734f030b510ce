"""Bench: reconciled tolls on the simulator's world, compared with the truth.

Simulates a world, then runs the whole pipeline on it — ingest lists and articles, extract claims,
link records, estimate (LCMCR by default) by governorate, week, governorate × status and month —
and asks ``run_tolls`` for every governorate (whole period; all victims and civilians), every week
(all governorates) and every month.  A scope is *covered* when the true number of people killed in it
lies in the reported range [reported_low, reported_high] or in the estimate's interval.  Run::

    /work/main/.venv/bin/python bench/reconcile_truth.py [--victims 5000] [--articles 300] [--seed 3] [--claims gold] [--method loglinear]

Prints one line per scope and the coverage rates (reported range, estimate interval, either), plus
how often the documented count stays at or below the truth (it must: named persons are dead).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tally import pipeline  # noqa: E402
from tally.reconcile.scope import Scope  # noqa: E402
from tally.simulate.spec import make_spec  # noqa: E402
from tally.simulate.writer import simulate  # noqa: E402


def _truth(path: Path) -> list[tuple[str, dt.date]]:
    with path.open(encoding="utf-8") as f:
        return [(f"ocha:{r['governorate_pcode']}" if ":" not in r["governorate_pcode"] else r["governorate_pcode"],
                 dt.date.fromisoformat(r["date"])) for r in csv.DictReader(f)]


def _inside(x: int, lo: float | None, hi: float | None) -> bool:
    return lo is not None and hi is not None and lo <= x <= hi


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--victims", type=int, default=5000)
    ap.add_argument("--articles", type=int, default=300)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--method", default="lcmcr", help="Estimation method (loglinear, chapman, dga, lcmcr).")
    ap.add_argument("--strata", default="governorate;week;governorate,status;month",
                    help="Estimation runs, ';' between runs, ',' between the axes of one run.")
    ap.add_argument("--claims", choices=("extracted", "gold"), default="extracted",
                    help="Claims from running extraction on the articles, or the simulator's gold claims "
                         "(reconciliation alone, as if extraction were perfect).")
    ap.add_argument("--keep", type=Path, help="Work in this directory and keep it.")
    args = ap.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="tally-bench-truth-"))
    world, home = root / "world", root / f"ws-{args.claims}"
    t0 = time.perf_counter()
    spec = make_spec(victims=args.victims, articles=args.articles, seed=args.seed)
    if not (world / "truth" / "spec.json").exists():
        simulate(spec, world)
    ws = pipeline.init_workspace(home, actor="bench")
    report = pipeline.run_ingest(ws, [world / "lists"], country="SY")
    pipeline.run_ingest(ws, [world / "articles"], country="SY")  # as `make demo`: a Syrian world
    print(f"simulated and ingested in {time.perf_counter() - t0:.0f} s ({report.records:,} list records)", flush=True)
    t = time.perf_counter()
    if args.claims == "gold":
        print(f"stored {_gold_claims(ws, world)} gold claims", flush=True)
    else:
        extracted = pipeline.run_extract(ws)
        print(f"extracted {extracted.claims} claims in {time.perf_counter() - t:.0f} s", flush=True)
    t = time.perf_counter()
    pipeline.run_link(ws)
    print(f"linked in {time.perf_counter() - t:.0f} s", flush=True)
    t = time.perf_counter()
    options = dict(pipeline.ESTIMATE_OPTIONS.get(args.method, {}), seed=args.seed)
    for by in [b.split(",") for b in args.strata.split(";") if b]:
        t, c = time.perf_counter(), time.process_time()
        try:
            pipeline.run_estimate(ws, by=by, method=args.method, weeks_from=spec.start, **options)
            print(f"estimated by {'×'.join(by)} ({args.method}) in {time.perf_counter() - t:.0f} s wall, "
                  f"{time.process_time() - c:.0f} s cpu", flush=True)
        except Exception as exc:  # an estimate that cannot be made leaves the reported range to be judged alone
            print(f"estimation by {by[0]} failed: {exc}")

    truth = _truth(world / "truth" / "victims.csv")
    start, end = spec.start, spec.end
    rows = []
    t = time.perf_counter()
    by_gov = pipeline.run_tolls(ws, Scope.build(["iso:SY"]), "governorate")
    by_gov_civ = pipeline.run_tolls(ws, Scope.build(["iso:SY"], victims="civilians"), "governorate")
    by_week = pipeline.run_tolls(ws, Scope.build(["iso:SY"], start, end), "week")
    months = []
    first = dt.date(start.year, start.month, 1)
    while first <= end:
        nxt = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
        [toll] = pipeline.run_tolls(ws, Scope(date_from=first, date_to=nxt - dt.timedelta(days=1)))
        months.append(toll)
        first = nxt
    elapsed = time.perf_counter() - t
    counts_gov = Counter(g for g, _d in truth)
    for toll in by_gov:
        rows.append(("governorate", toll.group_name, counts_gov.get(toll.group, 0), toll))
    civ_truth = _civilian_counts(world / "truth" / "victims.csv")
    for toll in by_gov_civ:
        rows.append(("gov civilians", toll.group_name, civ_truth.get(toll.group, 0), toll))
    for toll in by_week:
        lo, hi = toll.scope.date_from, toll.scope.date_to
        n = sum(1 for _g, d in truth if lo <= d <= hi)
        rows.append(("week", toll.group, n, toll))

    for toll in months:
        lo, hi = toll.scope.date_from, toll.scope.date_to
        rows.append(("month", f"{lo:%Y-%m}", sum(1 for _g, d in truth if lo <= d <= hi), toll))
    stats: dict[str, Counter[str]] = {}
    print(f"\n{'kind':<14} {'scope':<22} {'truth':>6} {'low':>7} {'best':>7} {'high':>7} {'doc':>6} "
          f"{'estimate [interval]':>26} grade")
    for kind, name, n, toll in rows:
        est = toll.estimated
        in_range = _inside(n, toll.reported_low, toll.reported_high)
        in_est = bool(est) and _inside(n, est["lower"], est["upper"])
        s = stats.setdefault(kind, Counter())
        s["scopes"] += 1
        s["range"] += in_range
        s["estimate"] += in_est
        s["has_estimate"] += bool(est)
        s["either"] += in_range or in_est
        s["doc_ok"] += toll.documented <= n
        s["has_figure"] += toll.best is not None
        if est:
            s.setdefault("widths", []).append((est["upper"] - est["lower"]) / max(n, 1))  # type: ignore[attr-defined]
        e = f"{est['estimate']:,.0f} [{est['lower']:,.0f}, {est['upper']:,.0f}]" if est else ""
        f = lambda x: "" if x is None else f"{x:,.0f}"  # noqa: E731
        print(f"{kind:<14} {str(name):<22} {n:>6} {f(toll.reported_low):>7} {f(toll.best):>7} "
              f"{f(toll.reported_high):>7} {toll.documented:>6} {e:>26} {toll.grade}")
    print()
    for kind, s in stats.items():
        k = s["scopes"]
        print(f"{kind:<14} {k} scopes: truth in reported range {s['range']}/{k}, in estimate interval "
              f"{s['estimate']}/{s['has_estimate']}, in either {s['either']}/{k} ({100 * s['either'] / k:.0f}%); "
              f"documented <= truth {s['doc_ok']}/{k}; scopes with a reported figure {s['has_figure']}/{k}; "
              f"interval width / truth: median {_median(s.get('widths'))}")
    tot = Counter()
    for s in stats.values():
        tot.update({k: v for k, v in s.items() if k != "widths"})
    widths = [w for s in stats.values() for w in s.get("widths", [])]
    print(f"{'all':<14} {tot['scopes']} scopes: in reported range {tot['range']}, in estimate interval "
          f"{tot['estimate']}/{tot['has_estimate']}, in either {tot['either']} "
          f"({100 * tot['either'] / tot['scopes']:.0f}%); "
          f"interval width / truth: median {_median(widths)}")
    print(f"\ntolls for {len(rows)} scopes in {elapsed:.1f} s")


def _median(xs: list[float] | None) -> str:
    import statistics

    return f"{statistics.median(xs):.2f}" if xs else "–"


def _gold_claims(ws: object, world: Path) -> int:
    """Store the simulator's gold claims for each ingested article (instead of extracting them)."""
    import json

    from sqlalchemy import select

    from tally.core.models import Claim
    from tally.store.schema import documents

    with ws.connect() as conn:  # type: ignore[attr-defined]
        docs = {Path(p).name: i for i, p in conn.execute(select(documents.c.id, documents.c.path)
                                                         .where(documents.c.kind == "article"))}
    n = 0
    with (world / "truth" / "claims.jsonl").open(encoding="utf-8") as f:
        for line in f:
            item = json.loads(line)
            claims = [Claim(**c) for c in item["claims"]]
            if claims:
                pipeline.record_claims(ws, docs[Path(item["file"]).name], claims)  # type: ignore[arg-type]
                n += len(claims)
    return n


def _civilian_counts(path: Path) -> Counter[str]:
    with path.open(encoding="utf-8") as f:
        return Counter(f"ocha:{r['governorate_pcode']}" for r in csv.DictReader(f) if r["status"] == "civilian")


if __name__ == "__main__":
    main()
