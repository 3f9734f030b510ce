"""Benchmark ``tally extract``: articles per second on the simulator's articles, one core.

    python bench/extract.py [--articles 500] [--seed 0] [--dir SIMDIR]

Simulates a world (or reads SIMDIR/articles), reads every article file once, then times claim
extraction alone (the gazetteer is loaded before the clock starts) and prints articles/second,
claims/second and the claim F1 against the simulator's key.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path


def main() -> None:
    """Run extraction over simulated articles and print the throughput."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--articles", type=int, default=500)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dir", type=Path, default=None, help="an existing simulation directory")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core

    from tally.core.gazetteer import Gazetteer
    from tally.extract import extract_claims, read_article
    from tally.extract.evaluate import evaluate

    with tempfile.TemporaryDirectory() as tmp:
        root = args.dir
        if root is None:
            from tally.simulate import simulate
            from tally.simulate.spec import make_spec

            root = Path(tmp)
            simulate(make_spec(None, seed=args.seed, victims=max(1000, args.articles * 10), articles=args.articles), root)
        paths = sorted((root / "articles").glob("*.md"))
        arts = [read_article(p) for p in paths]
        Gazetteer.default()
        extract_claims("Warm-up: 3 people were killed in Idlib.", published=None, outlet=None)
        t0, c0 = time.perf_counter(), time.process_time()
        claims = sum(len(extract_claims(a.text, published=a.published, outlet=a.outlet, title=a.title).claims) for a in arts)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        f1 = evaluate(root / "truth").f1
    chars = sum(len(a.text) for a in arts)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cpus, python {platform.python_version()}")
    print(f"articles: {len(arts)} ({chars / max(1, len(arts)):.0f} chars each), claims: {claims}")
    print(f"extract: {wall:.2f} s wall, {cpu:.2f} s cpu -> {len(arts) / wall:.0f} articles/s wall, "
          f"{len(arts) / cpu:.0f} articles per cpu-second, {claims / wall:.0f} claims/s")
    print(f"claim F1 against the simulator's key: {f1:.3f}")
    big = ("\n\n".join(a.text for a in arts) * (1 + 1_000_000 // max(1, chars)))[:1_000_000]
    c0 = time.process_time()
    r = extract_claims(big, published=None, outlet="bench")
    print(f"one 1 MB article: {time.process_time() - c0:.2f} s cpu, {len(r.claims)} claims")


if __name__ == "__main__":
    main()
