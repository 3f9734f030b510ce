"""Benchmark ``tally extract``: articles per second on the simulator's articles, one core.

    python bench/extract.py [--articles 500] [--seed 0] [--dir SIMDIR]

Simulates a world (or reads SIMDIR/articles), reads every article file once, then times claim
extraction alone (the gazetteer is loaded before the clock starts) and prints articles/second,
claims/second and the claim F1 against the simulator's key.  Then the CPU time of one 1 MB article
(best of 3), made of the simulator's articles, of the gold articles (tests/extract/gold), and of
the gold articles with each copy's numbers changed so that no sentence repeats.
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
    gold = [read_article(p) for p in sorted((Path(__file__).resolve().parents[1] / "tests/extract/gold").glob("*/*.md"))]
    for name, text in (("simulator-style", _megabyte([a.text for a in arts])),
                       ("gold-style", _megabyte([a.text for a in gold])),
                       ("gold-style, numbers varied per copy", _megabyte([a.text for a in gold], vary=True))):
        best, n = min(_timed(text, arts[0].published) for _ in range(3))
        print(f"one 1 MB article, {name}: {best:.2f} s cpu (best of 3), {n} claims")


def _megabyte(texts: list[str], *, vary: bool = False) -> str:
    """Articles joined and repeated to one megabyte; with *vary*, each copy's numbers are raised by the
    copy's index, so that no sentence repeats (nothing is served from a per-sentence cache)."""
    one = "\n\n".join(texts)
    copies = 1 + 1_000_000 // max(1, len(one))
    if not vary:
        return (one * copies)[:1_000_000]
    import re

    return "\n\n".join(re.sub(r"\d+", lambda m, k=k: str(int(m.group()) + k), one) for k in range(copies))[:1_000_000]


def _timed(text: str, published: object) -> tuple[float, int]:
    from tally.extract import extract_claims

    c0 = time.process_time()
    r = extract_claims(text, published=published, outlet="bench")  # type: ignore[arg-type]
    return time.process_time() - c0, len(r.claims)


if __name__ == "__main__":
    main()
