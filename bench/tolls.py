"""Bench: a workspace of 100,000 claims, then time scope queries of ``tally tolls``.

The claims imitate a news stream: incidents (a district, a day, one victim category) each reported
by one to three sources and relayed by several outlets; weekly running tolls per governorate from
monitoring groups, relayed; national running tolls.  Beside them, three lists of named victims
(6,250 persons, ~10,900 records, linked), which every toll's documented count queries.  Run::

    /work/main/.venv/bin/python bench/tolls.py [--claims 100000] [--keep DIR]

Prints the build time, then each query's wall time: the library call on an open workspace (claims
from the database), and the ``tally tolls`` command in a fresh process three ways: from the
database (``--fresh``), worked out (a question never asked before: no kept answer, the claims
read from the rows a write keeps, ``tally.store.kept_rows``; its JSON is checked against the
library's) and read back (the workspace's kept answer, ``tally.store.answers``); then Syria's
civilians and fighters, never asked, after Syria by victims (read from that answer's groups); then a write
through tally (``tally claims add``, which keeps the rows and works the slow kept answers out
again before it returns) and the first ask of each query after it; then the same on a workspace
where nothing was asked: the write prepares the headline questions, and the first ask of each of
:data:`FIRST_ASKS` (prepared or not) is timed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tally.core.gazetteer import Gazetteer  # noqa: E402
from tally.pipeline import init_workspace, keep_rows, open_workspace, run_tolls  # noqa: E402
from tally.reconcile import _native  # noqa: E402
from tally.reconcile.scope import Scope  # noqa: E402
from tally.store.answers import Answers  # noqa: E402
from tally.store.schema import claims, documents, link_runs, persons, sources, victim_records  # noqa: E402

START = dt.date(2024, 12, 1)
DAYS = 120
CATS = ["civilians"] * 6 + ["children", "women", "security_forces", "fighters", "people"]


def build(home: Path, n_claims: int, seed: int = 1) -> float:
    """Fill a fresh workspace at *home* with about *n_claims* claims; returns seconds taken."""
    rng = random.Random(seed)
    t0 = time.perf_counter()
    ws = init_workspace(home, actor="bench")
    gaz = Gazetteer.load(world=False)
    govs = sorted(a.code for a in gaz.areas.values() if a.kind == "admin1" and a.code.startswith("ocha:SY"))
    dists = {g: [a.code for a in gaz.children(g, "admin2")] for g in govs}
    now = dt.datetime.now(dt.UTC)
    monitors = [f"Monitor {i}" for i in range(12)]
    agencies = [f"Agency {i}" for i in range(30)]
    outlets = [f"Outlet {i}" for i in range(150)]
    names = monitors + agencies + outlets
    with ws.begin() as conn:
        conn.execute(insert(sources), [{"id": i + 1, "name": n, "kind": "outlet" if n in outlets else "organisation",
                                        "created_at": now} for i, n in enumerate(names)])
    sid = {n: i + 1 for i, n in enumerate(names)}
    docs: list[dict] = []
    rows: list[dict] = []

    def report(source: str, outlet: str, day: dt.date, **claim) -> None:
        doc_id = len(docs) + 1
        published = dt.datetime.combine(day, dt.time(8 + rng.randrange(12)), dt.UTC)
        docs.append({"id": doc_id, "sha256": hashlib.sha256(f"{doc_id}".encode()).hexdigest(), "kind": "article",
                     "media_type": "text/markdown", "size": 1000, "outlet": outlet, "published": published,
                     "source_id": sid[outlet], "text": "", "meta": {}, "ingested_at": now, "ingested_by": "bench"})
        # a sentence as long as reports' (the demo's average ~100 characters), never one of named victims
        quote = (f"{source} said {claim['count_text']} {claim['victims'].replace('_', ' ')} were {claim['event']} "
                 f"there on {day:%d %B}, according to local sources and medical staff.")
        rows.append({"document_id": doc_id, "source_id": sid[source], "source_text": source if source != outlet else None,
                     "qualifier": "exact", "quote": quote, "start": 0, "end": 0, "reported_at": published, "manual": False,
                     "status": "active", "sensitivity": "public", "created_at": now, "created_by": "bench",
                     "places": [], "country": "SY", **claim})

    def figure(n: int, victims: str, event: str = "killed") -> dict:
        q = rng.choice(["exact", "exact", "at_least", "about"])
        return {"event": event, "count_text": str(n), "qualifier": q, "low": n, "high": None if q == "at_least" else n,
                "best": n, "victims": victims}

    # weekly running tolls per governorate from the monitors, each relayed by a few outlets
    for m in monitors:
        for g in govs:
            total = 0
            for week in range(DAYS // 7):
                total += rng.randint(0, 60)
                day = START + dt.timedelta(days=7 * week + 6)
                f = figure(total, "civilians")
                claim = {**f, "pcodes": [g], "admin1": [g], "date_from": START, "date_to": day, "cumulative": True}
                for outlet in [m, *rng.sample(outlets, rng.randint(1, 4))]:
                    report(m, outlet, day + dt.timedelta(days=rng.randint(0, 2)), **claim)
    # national running tolls
    for a in agencies[:5]:
        total = 0
        for d in range(0, DAYS, 3):
            total += rng.randint(50, 300)
            day = START + dt.timedelta(days=d)
            claim = {**figure(total, "people"), "pcodes": [], "admin1": [], "date_from": START, "date_to": day,
                     "cumulative": True}
            for outlet in [a, *rng.sample(outlets, 3)]:
                report(a, outlet, day, **claim)
    # incidents until the target is reached
    while len(rows) < n_claims:
        g = rng.choice(govs)
        d = rng.choice(dists[g]) if dists[g] else g
        day = START + dt.timedelta(days=rng.randrange(DAYS))
        victims = rng.choice(CATS)
        n = max(1, int(rng.paretovariate(1.5)))
        for src in rng.sample(agencies, rng.randint(1, 3)):
            val = max(1, n + rng.randint(-1, 2))
            claim = {**figure(val, victims), "pcodes": [d], "admin1": [g], "date_from": day, "date_to": day,
                     "cumulative": False}
            for outlet in [src, *rng.sample(outlets, rng.randint(0, 3))]:
                report(src, outlet, day + dt.timedelta(days=rng.randint(0, 1)), **claim)
    del rows[n_claims:]
    used = {r["document_id"] for r in rows}
    docs = [d for d in docs if d["id"] in used]
    with ws.begin() as conn:
        for i in range(0, len(docs), 5000):
            conn.execute(insert(documents), docs[i:i + 5000])
        for i in range(0, len(rows), 5000):
            conn.execute(insert(claims), rows[i:i + 5000])
        _named_victims(conn, random.Random(seed + 1), dists, n_claims // 16, now, first_doc=max(d["id"] for d in docs) + 1,
                       first_source=len(names) + 1)
    ws.close()
    return time.perf_counter() - t0


def _named_victims(conn, rng: random.Random, dists: dict[str, list[str]], n_victims: int, now: dt.datetime, *,
                   first_doc: int, first_source: int) -> None:
    """Three lists of named victims (as documentation groups keep them): *n_victims* persons, each on
    one to three lists (about 1.75 records each), linked by one link run, so that every toll has a
    documented count to query (``tally.store.scopes``)."""
    lists = ["List A", "List B", "List C"]
    conn.execute(insert(sources), [{"id": first_source + k, "name": n, "kind": "organisation", "created_at": now}
                                   for k, n in enumerate(lists)])
    conn.execute(insert(documents), [{"id": first_doc + k, "sha256": hashlib.sha256(n.encode()).hexdigest(),
                                      "kind": "victims", "media_type": "text/csv", "size": 1000, "outlet": None,
                                      "published": None, "source_id": first_source + k, "text": "", "meta": {},
                                      "ingested_at": now, "ingested_by": "bench"} for k, n in enumerate(lists)])
    run = conn.execute(insert(link_runs).values(created_at=now, created_by="bench", engine="bench", spec={})
                       ).inserted_primary_key[0]
    conn.execute(insert(persons), [{"id": p + 1, "link_run_id": run} for p in range(n_victims)])
    govs = sorted(dists)
    records: list[dict] = []
    for p in range(n_victims):
        g = rng.choice(govs)
        d = rng.choice(dists[g]) if dists[g] else None
        day = START + dt.timedelta(days=rng.randrange(DAYS))
        status = rng.choices(["civilian", "fighter", "security_forces", "unknown"], [70, 15, 10, 5])[0]
        sex, age = rng.choice(["male", "male", "female"]), rng.choice([None, rng.randrange(1, 90)])
        on = [k for k in range(3) if rng.random() < 0.55] or [rng.randrange(3)]
        for k in on:
            records.append({"document_id": first_doc + k, "source_id": first_source + k, "record_id": f"{p}",
                            "row": len(records) + 2, "name": f"Victim {p}", "sex": sex, "age": age,
                            "date_of_death": day, "governorate_code": g, "district_code": d, "country": "SY",
                            "status": status, "extra": {}, "person_id": p + 1})
    for i in range(0, len(records), 5000):
        conn.execute(insert(victim_records), records[i:i + 5000])


def built(home: Path | None, n_claims: int) -> Path:
    """The bench's workspace: at *home* if given (built there unless it holds one already), else in a
    new temporary directory, built."""
    home = home or Path(tempfile.mkdtemp(prefix="tally-bench-tolls-"))
    if not (home / "tally.db").exists():
        print(f"building {n_claims:,} claims in {home} ...", flush=True)
        print(f"  built in {build(home, n_claims):.1f} s")
    return home


QUERIES = [
    ("coastal civilians, whole period", dict(where=["Latakia", "Tartus", "Hama", "Homs"], victims="civilians"), None),
    ("Latakia civilians, one week", dict(where=["Latakia"], date_from="2025-01-06", date_to="2025-01-12",
                                         victims="civilians"), None),
    ("Syria all victims, whole period", dict(where=["iso:SY"]), None),
    ("Syria civilians by governorate", dict(where=["iso:SY"], victims="civilians"), "governorate"),
    ("Homs civilians by week", dict(where=["Homs"], victims="civilians"), "week"),
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--claims", type=int, default=100_000)
    ap.add_argument("--keep", type=Path, help="Build the workspace here and keep it.")
    ap.add_argument("--dump", type=Path, help="Write each query's tolls JSON to this directory (to compare outputs).")
    args = ap.parse_args()
    home = built(args.keep, args.claims)
    ws = open_workspace(home)
    Scope.build(["Latakia"])  # load the gazetteer outside the timings
    print(f"  {_native.running().summary()}")
    library: dict[str, list[dict]] = {}
    for label, query, by in QUERIES:
        kw = dict(query)
        scope = Scope.build(kw.pop("where"), kw.pop("date_from", None), kw.pop("date_to", None), **kw)
        times, cpu = [], []
        for _ in range(3):
            t, c = time.perf_counter(), time.process_time()
            out = run_tolls(ws, scope, by)
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        best = out[0]
        library[label] = json.loads(json.dumps([t.to_dict() for t in out], default=str))
        if args.dump:
            args.dump.mkdir(parents=True, exist_ok=True)
            text = json.dumps([t.to_dict() for t in out], sort_keys=True, ensure_ascii=False, indent=1, default=str)
            (args.dump / f"{label.replace(' ', '_').replace(',', '')}.json").write_text(text + "\n", encoding="utf-8")
        print(f"  {label:<34} {min(times) * 1000:6.0f} ms wall {min(cpu) * 1000:6.0f} ms cpu  ({len(out)} row(s); "
              f"first: best {best.best}, {len(best.claims)} claims used, {len(best.sources)} sources)")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    # The same queries as `tally tolls` commands, each in a fresh process, best of 3 wall: first from
    # the database (--fresh, which also drops the kept rows) ...
    walls: dict[str, dict[str, list[float]]] = {label: {} for label, _kw, _by in QUERIES}
    for label, kw, by in QUERIES:
        walls[label]["database"] = _ask(home, kw, by, env, ["--fresh"])
    # ... then kept rows, as a write through tally keeps them; worked out (no kept answer), read back
    t = time.perf_counter()
    kept = keep_rows(ws, over=0)
    print(f"  rows kept (as every write through tally keeps them): {kept}, {time.perf_counter() - t:.2f} s")
    ws.close()
    for label, kw, by in QUERIES:
        walls[label]["worked out"] = _ask(home, kw, by, env, [], forget=True, expect=library[label])
        walls[label]["read back"] = _ask(home, kw, by, env, [])
        w = {k: min(v) for k, v in walls[label].items()}
        print(f"  tally tolls in a fresh process, {label:<34} from the database {w['database']:.2f} s, "
              f"worked out {w['worked out']:.2f} s, read back {w['read back']:.2f} s wall (best of 3)")
    groups_read(home, env)
    after_a_write(home, env)
    nothing_asked(home, env)
    load = os.getloadavg()[0]
    print(f"  machine: {os.cpu_count()} cpus, load average {load:.1f} during the run")


def _ask(home: Path, kw: dict, by: str | None, env: dict[str, str], extra: list[str], *, forget: bool = False,
         expect: list[dict] | None = None) -> list[float]:
    """Wall times of three ``tally tolls`` commands asking *kw* (with *forget*: each after removing the
    kept answers, as for a question never asked); with *expect*, each answer must be that JSON."""
    cmd = [sys.executable, "-m", "tally", "--workspace", str(home), "tolls", *_options(kw, by), "--json", *extra]
    out = []
    for _ in range(3):
        if forget:
            kw2 = dict(kw)
            _forget(home, Scope.build(kw2.pop("where"), kw2.pop("date_from", None), kw2.pop("date_to", None), **kw2), by)
        t = time.perf_counter()
        done = subprocess.run(cmd, check=True, env=env, stdout=subprocess.PIPE, text=True)
        out.append(time.perf_counter() - t)
        if expect is not None and json.loads(done.stdout) != expect:
            raise SystemExit(f"tally tolls {' '.join(cmd[5:])} answered otherwise than the library from the database")
    return out


def _forget(home: Path, scope: Scope, by: str | None, kind: str = "tolls") -> None:
    """Remove the answer the workspace keeps to *scope* grouped *by* (its key starts with the
    question's digest), as for a question never asked (*kind* ``relays``: the relays kept with the
    toll of *scope*, ``tally.reconcile.rules.Relays``)."""
    question = {"scope": scope.to_dict(), "by": by} if kind == "tolls" else {"scope": scope.to_dict()}
    asked = Answers.key(kind, question, "").partition("-")[0]
    for p in (home / "answers").glob(f"{asked}-*.json"):
        p.unlink()


def _options(kw: dict, by: str | None) -> list[str]:
    """The ``tally tolls`` options asking the query *kw* (grouped *by*)."""
    args = ["--where", ",".join(kw["where"])]
    for key, flag in (("date_from", "--from"), ("date_to", "--to"), ("victims", "--victims")):
        if kw.get(key):
            args += [flag, kw[key]]
    return [*args, "--by", by] if by else args


def groups_read(home: Path, env: dict[str, str]) -> None:
    """Country-wide questions never asked, each one group of an answer kept just before (Syria by
    victims): read from it (``tally.pipeline._kept_group``), checked against the database's; in a
    copy of the workspace, so that the answers kept here are not worked out again by the write."""
    import shutil

    with tempfile.TemporaryDirectory(prefix="tally-bench-groups-") as tmp:
        copy = Path(tmp) / "ws"
        shutil.copytree(home, copy)
        _groups_read(copy, env)


def _groups_read(home: Path, env: dict[str, str]) -> None:
    cmd = [sys.executable, "-m", "tally", "--workspace", str(home), "tolls", "--json"]
    t = time.perf_counter()
    subprocess.run([*cmd, "--where", "iso:SY", "--by", "victims"], check=True, env=env, stdout=subprocess.DEVNULL)
    print(f"  tally tolls, Syria by victims (kept): {time.perf_counter() - t:.2f} s wall")
    for victims in ("civilians", "fighters"):
        _forget(home, Scope.build(["iso:SY"], victims=victims), None)  # never asked: no answer of its own
        t = time.perf_counter()
        done = subprocess.run([*cmd, "--where", "iso:SY", "--victims", victims], check=True, env=env,
                              stdout=subprocess.PIPE, text=True)
        wall = time.perf_counter() - t
        fresh = subprocess.run([*cmd, "--where", "iso:SY", "--victims", victims, "--fresh"], check=True, env=env,
                               stdout=subprocess.PIPE, text=True)
        if json.loads(done.stdout) != json.loads(fresh.stdout):
            raise SystemExit(f"Syria, {victims}: the answer read from the kept group differs from the database's")
        print(f"  tally tolls, Syria {victims}, never asked, a group of that answer: {wall:.2f} s wall (equal to --fresh)")


def _a_write(cmd: list[str], env: dict[str, str], count: int, where: str, day: str, reported: str,
             note: str) -> tuple[float, list[str]]:
    """``tally claims add`` of an incident (*count* civilians in *where* on *day*) in a fresh process:
    its wall time, and what the refresh that ends it says (kept current …, prepared …)."""
    t = time.perf_counter()
    done = subprocess.run([*cmd, "claims", "add", "--source", "Field team", "--count", str(count), "--victims",
                           "civilians", "--where", where, "--from", day, "--to", day, "--incident", "--date", reported,
                           "--note", note], check=True, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t
    return wall, [line for line in done.stderr.splitlines() if line.startswith(("kept current:", "prepared:"))]


def after_a_write(home: Path, env: dict[str, str]) -> None:
    """A write through tally (``claims add``, in a copy of the workspace), then each query once.

    The workspace keeps the answers the queries above gave; the write keeps the rows and works out
    again the answers that were slow to work out (``tally.pipeline.refresh_answers``) before it
    returns, so the first ask after it reads them back.  Prints the write's time, what it kept
    current, and each ask's; then checks each answer against the database's (``--fresh``).
    """
    import shutil

    with tempfile.TemporaryDirectory(prefix="tally-bench-write-") as tmp:
        copy = Path(tmp) / "ws"
        shutil.copytree(home, copy)
        cmd = [sys.executable, "-m", "tally", "--workspace", str(copy)]
        wall, kept = _a_write(cmd, env, 3, "Homs", "2025-01-10", "2025-01-11", "bench: a write")
        answers = sum(1 for line in kept if line.startswith("kept current: tolls"))
        print(f"  a write (tally claims add) in a fresh process: {wall:.2f} s wall, keeping the rows and {answers} slow "
              f"answer(s) current:")
        for line in kept:
            print(f"    {line}")
        answers = {}
        for label, kw, by in QUERIES:
            t = time.perf_counter()
            done = subprocess.run([*cmd, "tolls", *_options(kw, by), "--json"], check=True, env=env,
                                  stdout=subprocess.PIPE, text=True)
            print(f"  tally tolls, first ask after the write, {label:<34} {time.perf_counter() - t:.2f} s wall")
            answers[label] = json.loads(done.stdout)
        # what the write kept (rows and answers) must be what the database gives now
        for label, kw, by in QUERIES:
            done = subprocess.run([*cmd, "tolls", *_options(kw, by), "--json", "--fresh"], check=True, env=env,
                                  stdout=subprocess.PIPE, text=True)
            if json.loads(done.stdout) != answers[label]:
                raise SystemExit(f"after the write, {label}: the kept answer differs from the database's")
        print("  after the write, every answer equals the one worked out from the database (--fresh)")


# Asked first after a write on a workspace where nothing was asked: the headline questions the write
# prepared, one group of them, and questions it did not prepare (worked out).
FIRST_ASKS = [
    ("Syria all victims, whole period", ["--where", "Syria"]),
    ("Syria all victims by governorate", ["--where", "Syria", "--by", "governorate"]),
    ("Homs all victims, whole period", ["--where", "Homs"]),
    ("Syria civilians, whole period", ["--where", "Syria", "--victims", "civilians"]),
    ("Syria all victims, from 2025-01-01", ["--where", "Syria", "--from", "2025-01-01"]),
]


def nothing_asked(home: Path, env: dict[str, str]) -> None:
    """A write through tally on a workspace where no question was ever asked (a copy, its kept answers
    removed), then the first ask of each of :data:`FIRST_ASKS`, each checked against ``--fresh``.

    The write keeps the rows and prepares the headline questions (``TALLY_ANSWERS_PREPARE``:
    ``tally.pipeline.headline_questions``), so the first ask of those, and of any of their groups,
    reads them back; the others are worked out."""
    import shutil

    with tempfile.TemporaryDirectory(prefix="tally-bench-first-") as tmp:
        copy = Path(tmp) / "ws"
        shutil.copytree(home, copy)
        for p in (copy / "answers").glob("*"):
            if p.suffix in (".json", ".about"):
                p.unlink()
        cmd = [sys.executable, "-m", "tally", "--workspace", str(copy)]
        wall, kept = _a_write(cmd, env, 4, "Hama", "2025-01-12", "2025-01-13", "bench: a first write")
        print(f"  nothing asked yet: a write (tally claims add) in a fresh process: {wall:.2f} s wall, which")
        for line in kept:
            print(f"    {line}")
        for label, args in FIRST_ASKS:
            t = time.perf_counter()
            done = subprocess.run([*cmd, "tolls", *args, "--json"], check=True, env=env, stdout=subprocess.PIPE,
                                  text=True)
            wall = time.perf_counter() - t
            fresh = subprocess.run([*cmd, "tolls", *args, "--json", "--fresh"], check=True, env=env,
                                   stdout=subprocess.PIPE, text=True)
            if json.loads(done.stdout) != json.loads(fresh.stdout):
                raise SystemExit(f"nothing asked, {label}: the first answer differs from the database's")
            print(f"  tally tolls, first ask ever, {label:<34} {wall:.2f} s wall (equal to --fresh)")
            # --fresh dropped the kept rows: keep them again, as the next write through tally would
            again = open_workspace(copy)
            keep_rows(again)
            again.close()


if __name__ == "__main__":
    main()
