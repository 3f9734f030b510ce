"""``tally link`` on a simulated world through the CLI: simulate, init, ingest, link, eval link.

    PYTHONPATH=. python bench/link_cli.py              # the default world (seed 0, 10k victims)
    PYTHONPATH=. python bench/link_cli.py --seed 1

Runs exactly these commands in a temporary directory and prints the last one's output:

    python -m tally simulate --out T/world --seed S
    python -m tally -w T/ws init
    python -m tally -w T/ws ingest T/world/lists/*.csv
    python -m tally -w T/ws link
    python -m tally -w T/ws eval link T/world/truth/key.csv
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _tally(*args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "tally", *args], capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"tally {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=0, help="simulator seed (default 0: the default world)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        _tally("simulate", "--out", str(t / "world"), "--seed", str(args.seed))
        _tally("-w", str(t / "ws"), "init")
        _tally("-w", str(t / "ws"), "ingest", *sorted(str(p) for p in (t / "world" / "lists").glob("*.csv")))
        t0 = time.perf_counter()
        print(_tally("-w", str(t / "ws"), "link").strip())
        print(f"(link: {time.perf_counter() - t0:.1f} s wall)")
        print(_tally("-w", str(t / "ws"), "eval", "link", str(t / "world" / "truth" / "key.csv")).strip())


if __name__ == "__main__":
    main()
