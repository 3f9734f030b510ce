"""Every supported format and encoding ingests into the same records."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from tally.ingest.run import ingest_paths
from tally.store.documents import get_document, iter_records
from tally.store.schema import documents

HEADER = "id,name,sex,age,date_of_death,governorate,district,place,status,cause"
ROWS = [
    "1,محمد حسين العلي,ذكر,34,13/03/2025,اللاذقية,جبلة,قرية المختارية,مدني,قصف",
    "2,Mohammed Hussein Al-Ali,M,34,2025-03-12,Lattakia,Jableh,,civilian,shelling",
    "3,Fatima Khalil,F,9,12 March 2025,Tartos,Baniyas,,civilian,",
]


def _records(ws):
    with ws.connect() as c:
        return list(iter_records(c))


def test_ingest_csv_resolves_places_dates_and_scripts(ws, tmp_path):
    f = tmp_path / "org_a.csv"
    f.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    rep = ingest_paths(ws, [f])
    assert rep.count("added") == 1 and rep.records == 3
    recs = _records(ws)
    assert [r["record_id"] for r in recs] == ["1", "2", "3"]
    assert recs[0]["name_script"] == "arabic" and recs[1]["name_script"] == "latin"
    assert recs[0]["date_of_death"] == dt.date(2025, 3, 13)
    assert recs[2]["date_of_death"] == dt.date(2025, 3, 12)
    assert [r["governorate_code"] for r in recs] == ["ocha:SY06", "ocha:SY06", "ocha:SY10"]
    assert [r["district_code"] for r in recs] == ["ocha:SY0602", "ocha:SY0602", "ocha:SY1002"]
    assert recs[2]["governorate"] == "Tartos"  # what was written is kept
    assert recs[0]["sex"] == "male" and recs[2]["sex"] == "female" and recs[0]["status"] == "civilian"
    assert {r["source"] for r in recs} == {"org_a"}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1256"])
def test_ingest_csv_detects_encoding(sqlite_ws, tmp_path, encoding):
    f = tmp_path / "list.csv"
    f.write_bytes(("\n".join([HEADER, ROWS[0], "2,أحمد خليل,ذكر,40,14/03/2025,حمص,,,مدني,"]) + "\n").encode(encoding))
    rep = ingest_paths(sqlite_ws, [f])
    assert rep.count("added") == 1, rep.to_dict()
    recs = _records(sqlite_ws)
    assert recs[0]["name"] == "محمد حسين العلي" and recs[1]["governorate_code"] == "ocha:SY04"


def test_ingest_arabic_headers_tsv(sqlite_ws, tmp_path):
    f = tmp_path / "list.tsv"
    f.write_text("الرقم\tالاسم\tالجنس\tالعمر\tتاريخ الوفاة\tالمحافظة\tالمنطقة\n"
                 "7\tخالد عمر\tذكر\t22\t2025-03-08\tحماة\tمصياف\n", encoding="utf-8")
    ingest_paths(sqlite_ws, [f])
    (r,) = _records(sqlite_ws)
    assert r["record_id"] == "7" and r["age"] == 22 and r["district_code"] == "ocha:SY0504"


def test_ingest_xlsx(sqlite_ws, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws_ = wb.active
    ws_.append(HEADER.split(","))
    ws_.append([1, "Ali Hassan", "male", 30, dt.datetime(2025, 3, 9), "Homs", "", "", "fighter", ""])
    ws_.append([2, "Huda Saleh", "female", None, "10/03/2025", "Hama", "", "", "civilian", ""])
    f = tmp_path / "list.xlsx"
    wb.save(f)
    ingest_paths(sqlite_ws, [f])
    recs = _records(sqlite_ws)
    assert recs[0]["date_of_death"] == dt.date(2025, 3, 9) and recs[0]["status"] == "fighter"
    assert recs[1]["age"] is None and recs[1]["governorate_code"] == "ocha:SY05"


def test_ingest_json_and_jsonl(sqlite_ws, tmp_path):
    recs = [{"id": "a1", "name": "Omar Nasser", "date_of_death": "2025-03-07", "governorate": "Idlib"},
            {"id": "a2", "name": "عمر ناصر", "date_of_death": "2025-03-07", "governorate": "إدلب", "unit": "x"}]
    (tmp_path / "l.json").write_text(json.dumps(recs), encoding="utf-8")
    (tmp_path / "m.jsonl").write_text("\n".join(json.dumps(r) for r in recs), encoding="utf-8")
    rep = ingest_paths(sqlite_ws, [tmp_path / "l.json", tmp_path / "m.jsonl"])
    assert rep.count("added") == 2 and rep.records == 4
    out = _records(sqlite_ws)
    assert all(r["governorate_code"] == "ocha:SY07" for r in out)
    assert out[1]["extra"] == {"unit": "x"}


def test_ingest_mapping_file(sqlite_ws, tmp_path):
    m = tmp_path / "map.toml"
    m.write_text('[columns]\nid = "Ref"\nname = "Victim"\ndate_of_death = "Killed on"\ngovernorate = "Prov"\n')
    f = tmp_path / "odd.csv"
    f.write_text("Ref,Victim,Killed on,Prov,Notes\nR1,Samir Haddad,03/15/2025,Daraa,ok\n", encoding="utf-8")
    ingest_paths(sqlite_ws, [f], mapping=m)
    (r,) = _records(sqlite_ws)
    assert r["record_id"] == "R1" and r["date_of_death"] == dt.date(2025, 3, 15) and r["governorate_code"] == "ocha:SY12"
    assert r["extra"] == {"Notes": "ok"}


def test_ingest_ambiguous_dates_are_reported(sqlite_ws, tmp_path):
    f = tmp_path / "amb.csv"
    f.write_text("id,name,date_of_death\n1,A B,03/04/2025\n2,C D,05/06/2025\n", encoding="utf-8")
    rep = ingest_paths(sqlite_ws, [f])
    assert any("cannot be told apart" in w for w in rep.files[0].warnings)
    assert _records(sqlite_ws)[0]["date_of_death"] == dt.date(2025, 4, 3)


def test_ingest_month_first_column_is_detected(sqlite_ws, tmp_path):
    f = tmp_path / "us.csv"
    f.write_text("id,name,date_of_death\n1,A B,03/04/2025\n2,C D,12/25/2025\n", encoding="utf-8")
    ingest_paths(sqlite_ws, [f])
    assert _records(sqlite_ws)[0]["date_of_death"] == dt.date(2025, 3, 4)


def test_ingest_markdown_article_with_front_matter(ws, tmp_path):
    f = tmp_path / "a.md"
    f.write_text("---\ntitle: Toll rises\noutlet: Example News\npublished: 2025-03-10T12:00:00Z\n"
                 "url: https://example-news.org/a\nlanguage: en\nsource: Coastal Monitor\n---\n\n"
                 "At least 870 civilians have been killed.\n", encoding="utf-8")
    rep = ingest_paths(ws, [f])
    with ws.connect() as c:
        doc = get_document(c, rep.files[0].document_id)
    assert doc["title"] == "Toll rises" and doc["outlet"] == "Example News"
    assert doc["text"].startswith("At least 870") and doc["source_name"] == "Coastal Monitor"
    assert doc["published"].replace(tzinfo=None) == dt.datetime(2025, 3, 10, 12)
    assert ws.blobs.has(doc["sha256"])


def test_ingest_html_article_with_trafilatura(sqlite_ws, tmp_path):
    f = tmp_path / "p.html"
    f.write_text("<html><head><title>Clashes in Homs</title><meta property='og:site_name' content='Example Wire'>"
                 "<meta name='date' content='2025-03-09'></head><body><nav>Home | World</nav><article><h1>Clashes in Homs</h1>"
                 + "<p>Twelve civilians were killed on Saturday in shelling of a market in Homs, residents said.</p>" * 3
                 + "</article><footer>Copyright</footer></body></html>", encoding="utf-8")
    rep = ingest_paths(sqlite_ws, [f])
    assert rep.count("added") == 1, rep.to_dict()
    with sqlite_ws.connect() as c:
        doc = get_document(c, rep.files[0].document_id)
    assert "Twelve civilians were killed" in doc["text"] and "Copyright" not in doc["text"]
    assert doc["media_type"] == "text/html"


def test_ingest_folder_twice_adds_nothing(ws, tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "l.csv").write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    (tmp_path / "d" / "a.txt").write_text("Seven people were killed.\n", encoding="utf-8")
    first = ingest_paths(ws, [tmp_path / "d"])
    second = ingest_paths(ws, [tmp_path / "d"])
    assert first.count("added") == 2 and second.count("unchanged") == 2 and second.records == 0
    with ws.connect() as c:
        assert len(c.execute(select(documents.c.id)).all()) == 2
    assert len(_records(ws)) == 3
