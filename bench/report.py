"""Report at scale: a workspace of 1,000,000 victim records (4 lists, 14 governorates, 3 years),
2,000 claims and 15 stored estimates -> `run_report` time and file size.

    python bench/report.py [--records N] [--keep DIR]

Aggregates, not rows, go into the report: the acceptance bound is < 60 s and < 5 MB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert  # noqa: E402

from tally import pipeline  # noqa: E402
from tally.store.schema import claims, documents, estimates, victim_records  # noqa: E402
from tally.store.sources import get_or_create  # noqa: E402

NOW = dt.datetime.now(dt.UTC)


def build(home: Path, n: int, seed: int = 1) -> pipeline.Workspace:
    rng = random.Random(seed)
    ws = pipeline.init_workspace(home, actor="bench")
    govs = [f"ocha:SY{i:02d}" for i in range(1, 15)]
    weights = [rng.uniform(0.2, 3) for _ in govs]
    start = dt.date(2012, 1, 1)
    with ws.begin() as conn:
        lists = [get_or_create(conn, f"list-{k}", kind="organisation") for k in range(4)]
        outlets = [get_or_create(conn, f"outlet-{k}", kind="outlet") for k in range(6)]
        docs = [int(conn.execute(insert(documents).values(
            sha256=f"{k:064x}", kind="victims", media_type="text/csv", size=1, title=f"list-{k}.csv",
            source_id=lists[k], meta={}, records=0, ingested_at=NOW, ingested_by="bench")).inserted_primary_key[0])
            for k in range(4)]
        art = int(conn.execute(insert(documents).values(
            sha256="f" * 64, kind="article", media_type="text/markdown", size=1, title="article", outlet="outlet-0",
            source_id=outlets[0], meta={}, records=0, ingested_at=NOW, ingested_by="bench")).inserted_primary_key[0])
    batch, row = [], 0
    for i in range(n):
        k = i % 4
        g = rng.choices(govs, weights)[0]
        batch.append({"document_id": docs[k], "source_id": lists[k], "record_id": str(i), "row": i,
                      "name": f"person {i}", "name_script": "latin", "sex": rng.choice(("male", "female", "unknown")),
                      "age": rng.randrange(0, 90) if rng.random() < 0.7 else None, "age_group": None,
                      "date_of_death": start + dt.timedelta(days=int(rng.triangular(0, 3 * 365, 400))),
                      "governorate": None, "district": None, "place": None, "governorate_code": g,
                      "district_code": f"{g}{rng.randrange(1, 6):02d}", "country": "SY",
                      "status": rng.choice(("civilian", "civilian", "fighter", "unknown")), "cause": None,
                      "extra": {}, "sensitivity": "restricted", "person_id": None})
        if len(batch) == 50_000:
            with ws.begin() as conn:
                conn.execute(insert(victim_records), batch)
            row += len(batch)
            batch = []
    if batch:
        with ws.begin() as conn:
            conn.execute(insert(victim_records), batch)
    with ws.begin() as conn:
        conn.execute(insert(claims), [
            {"document_id": art, "source_id": rng.choice(outlets), "event": "killed", "count_text": "x",
             "qualifier": "at_least", "low": float(c * 10), "high": None, "best": float(c * 10), "victims": "people",
             "places": [], "country": "SY", "admin1": [], "pcodes": [rng.choice(govs)],
             "date_from": start + dt.timedelta(days=c // 2), "date_to": start + dt.timedelta(days=c // 2),
             "cumulative": c % 3 == 0, "quote": f"at least {c * 10} people were killed, the monitor said",
             "reported_at": NOW, "created_at": NOW, "created_by": "bench", "status": "active"}
            for c in range(2000)])
        conn.execute(insert(estimates), [
            {"created_at": NOW, "created_by": "bench", "link_run_id": None, "method": "loglinear",
             "stratum": ({"governorate": g} if g else {}), "spec": {"method": "loglinear"},
             "result": {"method": "loglinear", "lists": ["list-0", "list-1", "list-2", "list-3"], "observed": 1000,
                        "estimate": 1500.0, "lower": 1200.0, "upper": 2100.0, "level": 0.95, "details": {},
                        "warnings": []}} for g in [None, *govs]])
    return ws


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--keep", type=Path, help="build the workspace here and keep it")
    ap.add_argument("--reuse", action="store_true", help="with --keep: reuse a workspace built there before")
    args = ap.parse_args()
    home = args.keep or Path(tempfile.mkdtemp(prefix="tally-bench-"))
    try:
        t0 = time.perf_counter()
        reuse = args.reuse and args.keep and (home / "tally.db").exists()
        ws = pipeline.open_workspace(home, actor="bench") if reuse else build(home, args.records)
        t_build = time.perf_counter() - t0
        t0, c0 = time.perf_counter(), time.process_time()
        out = pipeline.run_report(ws, home / "report.html")
        t_report, c_report = time.perf_counter() - t0, time.process_time() - c0
        size = out.stat().st_size
        print(f"records={args.records:,} build={t_build:.1f}s report={t_report:.1f}s wall ({c_report:.1f}s CPU) size={size / 1e6:.2f}MB "
              f"(bounds: <60 s, <5 MB) -> {'OK' if t_report < 60 and size < 5e6 else 'OVER'}")
        ws.close()
    finally:
        if not args.keep:
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
