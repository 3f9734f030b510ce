"""Bad input: one clear line naming file/row/column, nothing stored for the file, the batch goes on."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tally.ingest.run import ingest_paths
from tally.store.schema import documents, victim_records


def _counts(ws):
    with ws.connect() as c:
        return (c.execute(select(func.count()).select_from(documents)).scalar_one(),
                c.execute(select(func.count()).select_from(victim_records)).scalar_one())


def _one_failure(ws, path):
    rep = ingest_paths(ws, [path])
    assert rep.count("failed") == 1
    return rep.files[0]


def test_bad_width_rows_are_all_listed(ws, tmp_path):
    f = tmp_path / "w.csv"
    f.write_text("id,name,date_of_death\n1,A,2025-03-01\n2,B\n3,C,2025-03-02,extra\n4,D,2025-03-03\n", encoding="utf-8")
    out = _one_failure(ws, f)
    assert [p.row for p in out.problems] == [3, 4]
    assert "w.csv" in out.message and "nothing was stored" in out.message
    assert "has 2 fields, the header has 3" in str(out.problems[0])
    assert _counts(ws) == (0, 0)


def test_bad_dates_name_row_and_column(ws, tmp_path):
    f = tmp_path / "d.csv"
    f.write_text("id,name,date_of_death\n1,A,2025-03-01\n2,B,yesterday-ish\n3,C,31/31/2025\n", encoding="utf-8")
    out = _one_failure(ws, f)
    assert sorted(p.row for p in out.problems) == [3, 4]
    assert all(p.field == "date_of_death" for p in out.problems)
    assert "row 3, column 'date_of_death'" in str(sorted(out.problems, key=lambda p: p.row)[0])


def test_bad_age_is_reported(sqlite_ws, tmp_path):
    f = tmp_path / "a.csv"
    f.write_text("id,name,age\n1,A,250\n2,B,-3\n", encoding="utf-8")
    out = _one_failure(sqlite_ws, f)
    assert [p.row for p in out.problems] == [2, 3]


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("empty.csv", b"", "empty file"),
        ("header_only.csv", b"id,name\n", "empty file"),
        ("junk.csv", bytes(range(256)) * 64, "binary"),
        ("empty.md", b"---\ntitle: x\n---\n\n", "no text"),
        ("badfront.md", b"---\ntitle: [unclosed\n---\nText\n", "front matter"),
        ("bad.json", b"{not json", "not valid JSON"),
        ("bad.xlsx", b"PK\x03\x04 not really a zip", "xlsx"),
        ("notes.pdf", b"%PDF-1.4", "unknown file type"),
    ],
)
def test_bad_files_get_one_clear_line(ws, tmp_path, name, content, reason):
    f = tmp_path / name
    f.write_bytes(content)
    out = _one_failure(ws, f)
    assert name in out.message and reason in out.message
    assert "\n" not in out.message
    assert _counts(ws) == (0, 0)


def test_unreadable_encoding_is_refused(sqlite_ws, tmp_path):
    f = tmp_path / "enc.csv"
    f.write_bytes(b"id,name\n1," + bytes([0x81, 0x8d, 0x8f, 0x90, 0x9d]) * 40 + b"\x00\x01\x02" * 50 + b"\n")
    out = _one_failure(sqlite_ws, f)
    assert "enc.csv" in out.message


def test_oversized_file_is_refused_without_reading_it(sqlite_ws, tmp_path):
    f = tmp_path / "huge.csv"
    with f.open("wb") as fh:
        fh.write(b"id,name\n")
        fh.truncate(200 * 1024 * 1024)  # sparse: 200 MB on paper
    out = _one_failure(sqlite_ws, f)
    assert "200 MB" in out.message and "TALLY_MAX_FILE_MB" in out.message


def test_batch_goes_on_after_a_failure(ws, tmp_path):
    (tmp_path / "a_bad.csv").write_text("id,name,date_of_death\n1,A,nope\n", encoding="utf-8")
    (tmp_path / "b_good.csv").write_text("id,name,date_of_death\n1,A,2025-03-01\n", encoding="utf-8")
    rep = ingest_paths(ws, [tmp_path])
    assert [f.status for f in rep.files] == ["failed", "added"]
    assert _counts(ws) == (1, 1)


def test_failure_keeps_what_was_stored_before(ws, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("id,name\n1,A\n", encoding="utf-8")
    ingest_paths(ws, [good])
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name\n1\n", encoding="utf-8")
    ingest_paths(ws, [bad])
    assert _counts(ws) == (1, 1)
    # Only the good file's bytes are in the blob store.
    blobs = [p for p in ws.blobs.root.rglob("*") if p.is_file()]
    assert len(blobs) == 1 and blobs[0].read_bytes() == good.read_bytes()
