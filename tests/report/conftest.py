"""A real SQLite workspace with two victim lists (ingested), and claims, a link run and
estimates inserted as the later stages write them; tolls come from the real reconciliation."""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert

from tally import pipeline
from tally.store.schema import claims, documents, estimates, link_runs

GOVS = [("Idleb", "ocha:SY07"), ("Aleppo", "ocha:SY02"), ("Homs", "ocha:SY04"), ("Dar'a", "ocha:SY12")]
NOW = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)


def write_list(path: Path, n: int, seed: int) -> None:
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "name", "sex", "age", "date_of_death", "governorate", "status"])
        for i in range(n):
            gov = rng.choice(GOVS)[0]
            day = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(60))
            age = "" if rng.random() < 0.2 else str(rng.randrange(1, 80))
            w.writerow([f"{path.stem}-{i}", f"Name {seed}-{i}", rng.choice(["male", "female", ""]), age,
                        day.isoformat(), gov, rng.choice(["civilian", "civilian", "fighter", ""])])


def _claim(doc: int, src: int | None, i: int, **kw: Any) -> dict[str, Any]:
    base = {"document_id": doc, "source_id": src, "event": "killed", "count_text": str(kw.get("best")),
            "qualifier": "exact", "victims": "people", "places": ["Idlib"], "country": "SY", "admin1": ["Idleb"],
            "pcodes": ["ocha:SY07"], "date_from": dt.date(2023, 2, 1), "date_to": dt.date(2023, 2, 28),
            "cumulative": True, "quote": f"quote number {i}: the toll rose", "reported_at": NOW,
            "created_at": NOW, "created_by": "test", "status": "active"}
    base.update(kw)
    return base


@pytest.fixture(scope="session")
def workspace_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ws")
    lists = root / "lists"
    lists.mkdir()
    write_list(lists / "network.csv", 60, 1)
    write_list(lists / "directorate.csv", 40, 2)
    home = root / "home"
    ws = pipeline.init_workspace(home, actor="test")
    rep = pipeline.run_ingest(ws, [lists], country="SY")
    assert not rep.failed, rep.to_dict()
    from tally.store.sources import get_or_create

    with ws.begin() as conn:
        s1 = get_or_create(conn, "Syrian Network")
        s2 = get_or_create(conn, "Health Directorate")
        doc = int(conn.execute(insert(documents).values(
            sha256="a" * 64, kind="article", media_type="text/markdown", size=10, title="Toll rises in Idlib",
            outlet="Outlet A", url="https://example.org/a", published=NOW, source_id=s1, text="...", meta={},
            records=0, ingested_at=NOW, ingested_by="test")).inserted_primary_key[0])
        conn.execute(insert(claims), [
            _claim(doc, s1, 1, best=1200.0, low=1200.0, high=None, qualifier="at_least"),
            _claim(doc, s2, 2, best=1450.0, low=1450.0, high=1450.0, date_to=dt.date(2023, 3, 1)),
            _claim(doc, s1, 3, best=900.0, low=900.0, high=900.0, date_to=dt.date(2023, 1, 31)),
            _claim(doc, s2, 4, event="injured", best=40.0, low=40.0, high=40.0, cumulative=False),
        ])
        run = int(conn.execute(insert(link_runs).values(
            created_at=NOW, created_by="test", engine="duckdb", spec={"threshold": 0.9, "blocking": ["dob"]},
            model={"m": [0.9]}, metrics={"pairs": 10}, records=100, persons=0)).inserted_primary_key[0])
        conn.execute(insert(estimates), [
            {"created_at": NOW, "created_by": "test", "link_run_id": run, "method": "loglinear", "stratum": {},
             "spec": {"method": "loglinear", "level": 0.95},
             "result": {"method": "loglinear", "lists": ["directorate", "network"], "observed": 87,
                        "estimate": 1612.4, "lower": 1401.0, "upper": 1987.0, "level": 0.95, "details": {},
                        "warnings": ["few overlaps between lists"]}},
            {"created_at": NOW, "created_by": "test", "link_run_id": run, "method": "chapman",
             "stratum": {"governorate": "ocha:SY07"}, "spec": {"method": "chapman", "level": 0.95},
             "result": {"method": "chapman", "lists": ["directorate", "network"], "observed": 30,
                        "estimate": 52.0, "lower": 40.5, "upper": 71.25, "level": 0.95, "details": {},
                        "warnings": []}},
        ])
    ws.close()
    return home


@pytest.fixture()
def ws(workspace_dir: Path):  # type: ignore[no-untyped-def]
    """The session's workspace (shared: a test that writes to it works on a copy, as ``ws_linked`` does)."""
    w = pipeline.open_workspace(workspace_dir, actor="test")
    yield w
    w.close()


def _copy(workspace_dir: Path, home: Path) -> Path:
    """A copy of the workspace without the answers it kept: a copy changed by raw SQL, which
    the audit log does not see, must not read back the tolls of the original."""
    import shutil

    shutil.copytree(workspace_dir, home, ignore=shutil.ignore_patterns("answers"))
    return home


@pytest.fixture()
def list_writer():  # type: ignore[no-untyped-def]
    """``write_list(path, n, seed)``: a small victim list CSV."""
    return write_list


@pytest.fixture()
def ws_linked(workspace_dir: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A copy of the workspace whose records are linked: the first 25 of each list are the same people."""
    from sqlalchemy import case, update

    from tally.store.schema import victim_records as vr

    w = pipeline.open_workspace(_copy(workspace_dir, tmp_path / "linked"), actor="test")
    with w.begin() as conn:
        n = vr.c.row  # rows are numbered from 2 (the header is row 1) in each list
        conn.execute(update(vr).values(person_id=case(
            (n < 27, n), else_=n + 1000 * vr.c.source_id)))
    yield w
    w.close()
