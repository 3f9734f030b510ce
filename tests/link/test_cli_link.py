"""The link commands over a real workspace: link, persons, export, explain, review, decide, eval."""

from __future__ import annotations

import csv
import json

from typer.testing import CliRunner

from tally.cli import app

runner = CliRunner()

# Invented people: (Arabic, Latin, sex, age, date, governorate)
PEOPLE = [
    ("محمد حسين العلي", "Mohammed Hussein Al-Ali", "M", 34, "2014-03-02", "Homs"),
    ("أحمد حسين العلي", "Ahmad Hussein Al-Ali", "M", 31, "2014-03-02", "Homs"),
    ("فاطمة حسين العلي", "Fatima Hussein Al-Ali", "F", 28, "2014-03-02", "Homs"),
    ("خالد عمر الخطيب", "Khaled Omar Al-Khatib", "M", 45, "2015-07-19", "Aleppo"),
    ("يوسف إبراهيم النجار", "Youssef Ibrahim Al-Najjar", "M", 22, "2013-11-05", "Idlib"),
    ("عائشة محمود الحداد", "Aisha Mahmoud Al-Haddad", "F", 60, "2016-01-30", "Latakia"),
    ("عبد الرحمن سعيد الزعبي", "Abdul Rahman Said Al-Zoubi", "M", 19, "2014-08-21", "Daraa"),
    ("مريم خالد الشامي", "Maryam Khaled Al-Shami", "F", 8, "2015-02-14", "Damascus"),
    ("وليد طارق الحلبي", "Walid Tariq Al-Halabi", "M", 52, "2013-06-09", "Aleppo"),
    ("زينب علي الرفاعي", "Zainab Ali Al-Rifai", "F", 41, "2016-09-03", "Hama"),
]


def _run(ws, *args, input=None):
    return runner.invoke(app, ["--workspace", str(ws), *args], input=input, catch_exceptions=False)


def _lists(tmp_path):
    a, b, key = tmp_path / "org_a.csv", tmp_path / "org_b.csv", tmp_path / "key.csv"
    with a.open("w", encoding="utf-8", newline="") as fa, b.open("w", encoding="utf-8", newline="") as fb, \
            key.open("w", encoding="utf-8", newline="") as fk:
        wa, wb, wk = csv.writer(fa), csv.writer(fb), csv.writer(fk)
        for w in (wa, wb):
            w.writerow(["id", "name", "sex", "age", "date_of_death", "governorate"])
        wk.writerow(["source", "id", "person"])
        for i, (ar, lat, sex, age, day, gov) in enumerate(PEOPLE):
            wa.writerow([f"a{i}", ar, sex, age, day, gov])
            wk.writerow(["org_a", f"a{i}", f"P{i}"])
            if i % 5 != 4:  # list b misses two people
                wb.writerow([f"b{i}", lat, sex, age, day, gov])
                wk.writerow(["org_b", f"b{i}", f"P{i}"])
    return a, b, key


def test_cli_link_end_to_end(tmp_path):
    ws = tmp_path / "ws"
    a, b, key = _lists(tmp_path)
    assert _run(ws, "init").exit_code == 0
    assert _run(ws, "ingest", str(a)).exit_code == 0
    assert _run(ws, "ingest", str(b)).exit_code == 0
    r = _run(ws, "link", "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["records"] == 18
    persons = json.loads(_run(ws, "persons", "--json").stdout)
    assert sum(len(p["records"]) for p in persons) == 18
    # siblings (same father, family, day, place) stay apart
    by_name = {rec["name"]: p["id"] for p in persons for rec in p["records"]}
    assert by_name["محمد حسين العلي"] != by_name["أحمد حسين العلي"] != by_name["فاطمة حسين العلي"]

    export = tmp_path / "export.csv"
    assert _run(ws, "export", "records", "--out", str(export)).exit_code == 0
    rows = list(csv.DictReader(export.open(encoding="utf-8")))
    assert all(r["person"] for r in rows)

    r = _run(ws, "eval", "link", str(key), "--json")
    score = json.loads(r.stdout)
    assert score["precision"] == 1.0 and score["records"] == 18

    ids = {rec["name"]: rec["id"] for p in persons for rec in p["records"]}
    ra, rb = ids["محمد حسين العلي"], ids["Mohammed Hussein Al-Ali"]
    r = _run(ws, "link", "explain", str(ra), str(rb))
    assert r.exit_code == 0 and "given_name" in r.stdout and "total" in r.stdout

    # a reviewer splits that pair: the next run respects it
    assert _run(ws, "link", "decide", str(ra), str(rb), "no_match", "--note", "test").exit_code == 0
    assert _run(ws, "link").exit_code == 0
    persons = json.loads(_run(ws, "persons", "--json").stdout)
    by_id = {rec["id"]: p["id"] for p in persons for rec in p["records"]}
    assert by_id[ra] != by_id[rb]
    r = _run(ws, "link", "review", "--limit", "2", input="s\nq\n")
    assert r.exit_code == 0
    assert _run(ws, "audit", "verify").exit_code == 0


def test_cli_link_errors_are_one_line(tmp_path):
    from tally.cli import main  # noqa: F401  (the entry point presents TallyError)

    ws = tmp_path / "ws"
    _run(ws, "init")
    r = runner.invoke(app, ["--workspace", str(ws), "persons"])
    assert r.exit_code != 0
    r = runner.invoke(app, ["--workspace", str(ws), "link", "decide", "1", "2", "perhaps"])
    assert r.exit_code != 0
