"""Benchmark of ``tally link``: N simulated records linked end to end (train, predict, cluster).

    PYTHONPATH=. python bench/link.py --records 1000000

Prints wall time per stage, CPU time, the load average at the end, peak memory (max RSS of this process, which holds DuckDB) and
pairwise precision / recall / F1 against the world's key.  The world is generated once in a
child process and cached under bench/.cache/, so its memory is not counted.

The records come from ``tally simulate`` (default world, scaled to N records; read with the
ingest stage's list reader and gazetteer, without the store), or with ``--world invented`` from
tests/link/world.py (four lists, Arabic script / English / French / FAMILY-Given conventions,
families killed together, typos, date and age errors).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "bench" / ".cache"


def _generate(persons: int, seed: int, out: Path) -> None:
    code = (
        "import sys; sys.path.insert(0, %r)\n"
        "from tests.link.world import make_world\n"
        "w = make_world(%d, seed=%d, large=True, days=3000)\n"
        "w.records.to_parquet(%r); w.truth.to_parquet(%r)\n"
    ) % (str(ROOT), persons, seed, str(out.with_suffix(".records.parquet")), str(out.with_suffix(".truth.parquet")))
    subprocess.run([sys.executable, "-c", code], check=True)


def _generate_simulated(records: int, seed: int, out: Path) -> None:
    code = f"""
import sys; sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / "bench")!r}]
from pathlib import Path
import pandas as pd
from link_errors import read_lists
from tally.simulate import simulate
from tally.simulate.spec import make_spec
world = Path({str(out)!r} + ".world")
victims = int({records} / 1.74)
simulate(make_spec(None, seed={seed}, victims=victims, days=max(60, victims // 200)), world)
df = read_lists(world)
df.to_parquet({str(out)!r} + ".records.parquet")
pd.read_csv(world / "truth" / "key.csv", dtype=str).to_parquet({str(out)!r} + ".truth.parquet")
"""
    subprocess.run([sys.executable, "-c", code], check=True)


def _cpu_seconds() -> float:
    """User + system CPU of this process and its finished children (the name workers)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=1_000_000, help="approximate number of records")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--memory-limit", default="2GB", help="DuckDB memory limit")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--engine", default="duckdb", choices=["duckdb", "spark"])
    ap.add_argument("--world", default="simulated", choices=["simulated", "invented"],
                    help="tally simulate's default world (scaled), or tests/link/world.py")
    ap.add_argument("--predict-chunks", type=int, default=1, help="split prediction in n x n chunks")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args()

    sys.path.insert(0, str(ROOT))
    import pandas as pd

    from tally.link.evaluate import score_clusters
    from tally.link.linkage import link_records
    from tally.link.spec import LinkSpec

    CACHE.mkdir(parents=True, exist_ok=True)
    if args.world == "invented":
        persons = int(args.records / 2.35)  # the invented lists hold ~2.35 records per person
        base = CACHE / f"world_{persons}_{args.seed}"
        make = lambda: _generate(persons, args.seed, base)  # noqa: E731
    else:
        base = CACHE / f"simulated_{args.records}_{args.seed}"
        make = lambda: _generate_simulated(args.records, args.seed, base)  # noqa: E731
    if not base.with_suffix(".records.parquet").exists():
        t = time.perf_counter()
        make()
        print(f"generated world in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    records = pd.read_parquet(base.with_suffix(".records.parquet"))
    truth = pd.read_parquet(base.with_suffix(".truth.parquet"))

    spec = LinkSpec(engine=args.engine, memory_limit=args.memory_limit, threads=args.threads,
                    predict_chunks=args.predict_chunks)
    t0, cpu0 = time.perf_counter(), _cpu_seconds()
    result = link_records(records, spec)
    wall, cpu = time.perf_counter() - t0, _cpu_seconds() - cpu0
    pred = records[["record_key", "source", "record_id"]].rename(columns={"record_id": "id"})
    pred["person"] = pred["record_key"].map(result.clusters)
    score = score_clusters(pred, truth)
    m = result.metrics
    figures = {
        "records": len(records),
        "engine": args.engine,
        "world": args.world,
        "predict_chunks": args.predict_chunks,
        "wall_seconds": round(wall, 1),
        "cpu_seconds": round(cpu, 1),  # wall depends on the other sessions' load; CPU much less
        "load_average": os.getloadavg()[0],
        "train_seconds": m.get("seconds_train"),
        "predict_seconds": m.get("seconds_predict"),
        "cluster_seconds": m.get("seconds_cluster"),
        "peak_rss_mb": round(_peak_mb()),
        "precision": round(score.precision, 4),
        "recall": round(score.recall, 4),
        "f1": round(score.f1, 4),
        "persons": score.predicted_persons,
        "true_persons": score.true_persons,
        "largest_person": m.get("cluster", {}).get("largest"),
        "prior_deterministic": m.get("prior_deterministic"),
        "prior_calibrated": m.get("prior_calibrated"),
        "true_prior": score.true_pairs / (len(records) * (len(records) - 1) / 2),
        "pairs_scored": m.get("pairs_scored"),
        "review": m.get("review"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                   f"{round(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30)} GiB",
        "date": time.strftime("%Y-%m-%d"),
    }
    if args.json:
        print(json.dumps(figures))
    else:
        for k, v in figures.items():
            print(f"{k:>20}: {v}")
        for w in result.warnings:
            print(f"  warning: {w}")


if __name__ == "__main__":
    main()
