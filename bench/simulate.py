"""Benchmark ``tally simulate``: wall time and peak memory (run one size per process).

    python bench/simulate.py                      # 100,000 victims, 4 lists, 500 articles
    python bench/simulate.py --victims 1000000    # the linkage benchmark's world
"""

from __future__ import annotations

import argparse
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    """Run one simulation and print its wall time and peak resident memory."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--victims", type=int, default=100_000)
    ap.add_argument("--lists", type=int, default=4)
    ap.add_argument("--articles", type=int, default=500)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=None, help="keep the output here (default: a temporary directory)")
    args = ap.parse_args()

    from tally.simulate import SimulationSpec, simulate

    spec = SimulationSpec(victims=args.victims, lists=args.lists, articles=args.articles, seed=args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp)
        t0 = time.perf_counter()
        result = simulate(spec, out)
        wall = time.perf_counter() - t0
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cpu = _cpu_model()
    print(f"simulate victims={args.victims:,} lists={args.lists} articles={args.articles} seed={args.seed}")
    print(f"  records={sum(result.lists.values()):,} claims={result.claims:,} output={size / 1e6:.1f} MB")
    print(f"  wall={wall:.1f} s  peak_rss={peak_mb:,.0f} MB  (python {platform.python_version()}, {cpu})")


def _cpu_model() -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        model = next((line.split(":", 1)[1].strip() for line in out.splitlines() if line.startswith("Model name")), "")
        return f"{model}, nproc={subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()}"
    except OSError:
        return platform.processor() or "unknown cpu"


if __name__ == "__main__":
    sys.exit(main())
