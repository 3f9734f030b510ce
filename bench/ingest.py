"""Benchmark: ingest a large victim CSV into SQLite; prints rows/second and peak memory.

    python bench/ingest.py [--rows 1000000]

Peak memory is the process's maximum resident set size; run it with two sizes to see that it
does not grow with the file (the list is streamed twice, never held in memory).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import tempfile
import time
from pathlib import Path

GOVS = ["Latakia", "Lattakia", "اللاذقية", "Tartus", "Tartous", "Homs", "Hama", "Idlib", "Aleppo", "Daraa"]
NAMES = ["محمد", "أحمد", "علي", "حسين", "Mohammed", "Ahmad", "Ali", "Hussein", "Khalid", "Omar", "Fatima", "Huda"]
FAMILIES = ["العلي", "الأحمد", "Al-Ali", "Haddad", "Khalil", "Nasser", "El-Hussein", "Darwish"]


def write_list(path: Path, rows: int, seed: int = 1) -> None:
    rnd = random.Random(seed)
    with path.open("w", encoding="utf-8") as f:
        f.write("id,name,sex,age,date_of_death,governorate,district,place,status,cause\n")
        for i in range(rows):
            name = f"{rnd.choice(NAMES)} {rnd.choice(NAMES)} {rnd.choice(FAMILIES)}"
            f.write(f"{i},{name},{rnd.choice('MF')},{rnd.randint(1, 90)},{rnd.randint(1, 28):02d}/03/2025,"
                    f"{rnd.choice(GOVS)},,,civilian,shelling\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=1_000_000)
    args = ap.parse_args()
    os.environ.setdefault("TALLY_MAX_FILE_MB", "1000")
    from tally.ingest.run import ingest_paths
    from tally.store.workspace import Workspace

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "big_list.csv"
        write_list(src, args.rows)
        size_mb = src.stat().st_size / 1e6
        ws = Workspace.open(Path(tmp) / "ws", create=True, actor="bench")
        rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        def cpu_s() -> float:
            me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
            return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime

        t, c0 = time.perf_counter(), cpu_s()
        rep = ingest_paths(ws, [src])
        dt, cpu = time.perf_counter() - t, cpu_s() - c0
        rss_kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        assert rep.count("added") == 1, rep.to_dict()
        print(f"rows: {rep.records:,}  file: {size_mb:.0f} MB  time: {dt:.1f} s  "
              f"rate: {rep.records / dt:,.0f} rows/s (CPU time of both processes {cpu:.1f} s)  "
              f"peak RSS: {rss:.0f} MB, parser process {rss_kids:.0f} MB (before ingest: {rss0:.0f} MB)")


if __name__ == "__main__":
    main()
