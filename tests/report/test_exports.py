"""Exports: every kind in every format, HXL hashtags, ACLED/UCDP columns, and the records round trip."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from sqlalchemy import insert
from typer.testing import CliRunner

from tally import pipeline
from tally.cli import app
from tally.report.exports import COLUMNS, FORMATS, columns_markdown
from tally.store.documents import iter_records
from tally.store.schema import link_runs, persons

README = Path(__file__).resolve().parents[2] / "README.md"


def read(path: Path, fmt: str) -> tuple[list[str], list[dict[str, object]], list[str] | None]:
    if fmt == "parquet":
        t = pq.read_table(path)
        return t.column_names, t.to_pylist(), None
    if fmt == "json":
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        return list(rows[0]) if rows else [], rows, None
    with path.open(encoding="utf-8", newline="") as f:
        lines = list(csv.reader(f))
    header, tags = lines[0], (lines[1] if fmt == "hxl" else None)
    body = lines[2:] if fmt == "hxl" else lines[1:]
    return header, [dict(zip(header, r, strict=True)) for r in body], tags


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", ["claims", "records", "estimates", "tolls"])
def test_export_every_kind_and_format(ws, tmp_path: Path, kind: str, fmt: str) -> None:
    out = tmp_path / f"{kind}.{fmt}"
    n = pipeline.export(ws, kind, fmt, out)
    header, rows, tags = read(out, fmt)
    assert header == [c.name for c in COLUMNS[kind]]
    assert len(rows) == n == {"claims": 4, "records": 100, "estimates": 2, "tolls": 2}[kind]  # tolls: all, Idleb
    if fmt == "hxl":
        assert tags == [c.hxl for c in COLUMNS[kind]]
        assert all(t.startswith("#") for t in tags)


def test_claims_export_follows_acled_and_hxl(ws, tmp_path: Path) -> None:
    pipeline.export(ws, "claims", "hxl", tmp_path / "c.csv")
    header, rows, tags = read(tmp_path / "c.csv", "hxl")
    tag = dict(zip(header, tags or [], strict=True))
    assert tag["fatalities"] == "#affected+killed" and tag["admin1_code"] == "#adm1+code"
    assert tag["date_reported"] == "#date+reported" and tag["source"] == "#org"
    first = rows[0]
    assert first["event_id_cnty"] == "SY1" and first["event_date"] == "2023-02-01" and first["year"] == "2023"
    assert first["fatalities"] == "1200" and first["source"] == "Syrian Network"
    assert first["notes"] == "quote number 1: the toll rose" and first["admin1_code"] == "ocha:SY07"
    injured = rows[3]
    assert injured["event"] == "injured" and injured["fatalities"] == ""  # only deaths are fatalities


def test_tolls_export_is_ucdp_low_best_high(ws, tmp_path: Path) -> None:
    pipeline.export(ws, "tolls", "json", tmp_path / "t.json")
    row, idleb = read(tmp_path / "t.json", "json")[1]
    toll = pipeline.compute_tolls(ws)[0]
    # the scope spelt out: the headline is everywhere, all dates; then one row per governorate
    assert {k: row[k] for k in ("where", "where_names", "from", "to", "victims", "event", "by")} == {
        "where": None, "where_names": None, "from": None, "to": None, "victims": "all", "event": "killed", "by": None}
    assert (idleb["where"], idleb["where_names"], idleb["by"]) == ("ocha:SY07", "Idleb", "governorate")
    assert idleb["best"] == pipeline.compute_tolls(ws, None, "governorate")[0]["best"]
    assert (row["low"], row["best"], row["high"]) == (toll["reported_low"], toll["best"], toll["reported_high"])
    assert row["estimate"] == toll["estimated"]["estimate"] and row["grade"] == toll["grade"]
    assert row["sources"] == ";".join(s["source"] for s in toll["sources"])
    assert row["claims"] == ";".join(str(c) for c in toll["claims"])
    # both sources' figures count, each from its own latest claim (claim 3 is superseded by claim 1)
    assert sorted(row["sources"].split(";")) == ["Health Directorate", "Syrian Network"]
    assert sorted(row["claims"].split(";")) == ["1", "2"]


def test_persons_export(tmp_path: Path) -> None:
    ws = pipeline.init_workspace(tmp_path / "ws", actor="test")
    now = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    with ws.begin() as conn:
        run = conn.execute(insert(link_runs).values(created_at=now, created_by="t", engine="duckdb", spec={},
                                                     metrics={}, records=3, persons=2)).inserted_primary_key[0]
        conn.execute(insert(persons), [
            {"link_run_id": run, "name": "A", "sex": "male", "age": 30, "date_of_death": dt.date(2023, 1, 2),
             "governorate_code": "ocha:SY07", "sources": ["l1", "l2"], "records": 2},
            {"link_run_id": run, "name": "B", "sex": "female", "age": None, "date_of_death": None,
             "governorate_code": None, "sources": ["l1"], "records": 1}])
    for fmt in FORMATS:
        out = tmp_path / f"p.{fmt}"
        assert pipeline.export(ws, "persons", fmt, out) == 2
    _, rows, _ = read(tmp_path / "p.parquet", "parquet")
    assert rows[0]["sources"] == "l1;l2" and rows[0]["date_of_death"] == dt.date(2023, 1, 2)
    ws.close()


FIELDS = ("record_id", "name", "sex", "age", "age_group", "date_of_death", "governorate", "district", "place",
          "governorate_code", "district_code", "country", "status", "cause")


def test_records_csv_round_trips_through_ingest(ws, tmp_path: Path) -> None:
    out = tmp_path / "records.csv"
    pipeline.export(ws, "records", "csv", out)
    ws2 = pipeline.init_workspace(tmp_path / "ws2", actor="test")
    rep = pipeline.run_ingest(ws2, [out])
    assert not rep.failed, rep.to_dict()

    def snapshot(w: object) -> list[tuple[object, ...]]:
        with w.connect() as conn:  # type: ignore[attr-defined]
            return sorted((r["source"], *(r[k] for k in FIELDS)) for r in iter_records(conn))

    assert snapshot(ws2) == snapshot(ws)
    ws2.close()


def test_export_cli_writes_file(ws, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "c.hxl.csv"
    res = CliRunner().invoke(app, ["--workspace", str(ws.home), "export", "claims", "--format", "hxl", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "4 claims written" in res.output and out.read_text(encoding="utf-8").splitlines()[1].startswith("#event+id")


def test_readme_documents_every_export_column() -> None:
    text = README.read_text(encoding="utf-8")
    assert columns_markdown() in text
