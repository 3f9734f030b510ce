"""The demo's pipeline time: simulate (20,000 victims, 4 lists, 300 articles, seed 2024), then time
``run_all`` (ingest -> extract -> link -> estimate -> reconcile) and the report.

    python bench/demo.py [--out DIR]

Target: the pipeline part under 3 minutes on a 2-core machine.  Stages missing from the build are
listed as missing and take no time, so read the per-stage seconds beside the total.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tally.demo import run_demo  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, help="keep the demo here (default: a temporary folder)")
    args = ap.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="tally-demo-"))
    try:
        t = run_demo(out)
        stages = ", ".join(f"{s['stage']} {s['status']} {s['seconds']:.1f}s" for s in t["steps"])
        print(f"pipeline={t['pipeline_s']:.1f}s report={t['report_s']:.1f}s simulate={t['simulate_s']:.1f}s "
              f"(target: pipeline < 180 s) -> {'OK' if t['pipeline_s'] < 180 else 'OVER'}; {stages}")
    finally:
        if not args.out:
            shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
