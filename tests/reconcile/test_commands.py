"""``tally tolls`` and ``tally claims`` through Typer's runner."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from tally.cli import app
from tally.core.errors import TallyError

runner = CliRunner()
COAST = "Latakia,Tartus,Hama,Homs"


def _run(ws, *args):
    return runner.invoke(app, ["--workspace", str(ws), *args], catch_exceptions=False)


def _add(ws, *args):
    r = _run(ws, "claims", "add", "--json", *args)
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)["id"]


def test_tolls_json_rows_and_manual_claims(tmp_path):
    ws = tmp_path / "ws"
    assert _run(ws, "init").exit_code == 0
    a = _add(ws, "--source", "Levant Observatory", "--count", "1200", "--qualifier", "at_least", "--victims", "civilians",
             "--where", COAST, "--from", "2025-03-06", "--to", "2025-03-08", "--cumulative", "--date", "2025-03-08",
             "--note", "phone call with the director")
    b = _add(ws, "--source", "Levant Observatory", "--count", "1383", "--victims", "civilians", "--where", COAST,
             "--from", "2025-03-06", "--to", "2025-03-09", "--cumulative", "--date", "2025-03-09")
    c = _add(ws, "--source", "Coast TV", "--count", "230", "--qualifier", "about", "--victims", "security_forces",
             "--where", COAST, "--from", "2025-03-06", "--cumulative", "--date", "2025-03-08")
    r = _run(ws, "tolls", "--where", COAST, "--from", "2025-03-06", "--victims", "civilians", "--json")
    assert r.exit_code == 0, r.output
    [row] = json.loads(r.stdout)
    assert row["group"] is None and row["best"] == 1383 and row["sources"][0]["superseded"] == [a]
    assert row["scope"]["where_names"] == ["Lattakia", "Tartous", "Hama", "Homs"]
    r = _run(ws, "tolls", "--where", COAST, "--from", "2025-03-06", "--by", "victims", "--json")
    rows = json.loads(r.stdout)
    assert [(x["group"], x["best"]) for x in rows] == [("civilians", 1383), ("security_forces", 230),
                                                       ("fighters", None), ("unknown", None)]
    assert _run(ws, "claims", "reject", str(c), "--why", "unsourced").exit_code == 0
    r = _run(ws, "tolls", "--where", COAST, "--from", "2025-03-06", "--victims", "security_forces", "--json")
    [row] = json.loads(r.stdout)
    assert row["grade"] == "discounted" and row["discounted"] == [{"claim_id": c, "reason": "rejected: unsourced"}]
    r = _run(ws, "claims", "--json")  # the extraction's listing: active claims, one JSON object a line
    assert sorted(json.loads(line)["id"] for line in r.stdout.splitlines()) == [a, b]
    r = _run(ws, "claims", "--status", "all", "--json")
    assert sorted(x["id"] for x in json.loads(r.stdout)) == [a, b, c]
    r = _run(ws, "tolls", "--where", COAST, "--from", "2025-03-06", "--to", "2025-03-19", "--by", "week", "--json")
    assert [(x["group"], x["scope"]["to"]) for x in json.loads(r.stdout)] == [("2025-03-06", "2025-03-12"),
                                                                               ("2025-03-13", "2025-03-19")]
    assert _run(ws, "tolls", "--where", COAST, "--by", "governorate").exit_code == 0
    assert _run(ws, "audit", "verify").exit_code == 0


def test_tolls_rules_prints_the_methodology(tmp_path):
    r = _run(tmp_path, "tolls", "--rules")
    assert r.exit_code == 0 and "Repetition is not corroboration" in r.stdout and "contested" in r.stdout


def test_tolls_bad_input_is_one_line_error(tmp_path):
    ws = tmp_path / "ws"
    _run(ws, "init")
    cases = [
        (["tolls", "--by", "month"], "unknown grouping 'month'"),
        (["tolls", "--event", "exploded"], "unknown event 'exploded'"),
        (["tolls", "--victims", "kids"], "unknown victim category 'kids'"),
        (["tolls", "--from", "2025-13-01"], "cannot read date '2025-13-01'"),
        (["tolls", "--where", "Nowhereville"], "unknown place 'Nowhereville'"),
        (["claims", "add", "--source", "X", "--count", "5", "--victims", "kids"], "--victims 'kids': use one of"),
        (["claims", "add", "--source", "X", "--count", "5", "--event", "exploded"], "--event 'exploded': use one of"),
        (["claims", "add", "--source", "X", "--count", "5", "--qualifier", "roughly"], "qualifier 'roughly'"),
        (["claims", "reject", "999", "--why", "typo"], "no claim with id 999"),
        (["claims", "add", "--source", "X", "--count", "5", "--where", "Narnia"],  # not Narita, Japan
         "unknown place 'Narnia' (the nearest known name is Narita, JP)"),
        (["claims", "add", "--source", "X", "--count", "5", "--from", "2999-03-01"], "--from 2999-03-01 is in the future"),
        (["claims", "add", "--source", "X", "--count", "5", "--date", "2999-03-01"], "--date 2999-03-01 is in the future"),
    ]
    for args, message in cases:  # `tally` prints an InputError as "error: <message>" on one line (tally.cli.main)
        r = runner.invoke(app, ["--workspace", str(ws), *args])
        assert isinstance(r.exception, TallyError), (args, r.output)
        assert message in str(r.exception) and "\n" not in str(r.exception), (args, str(r.exception))
    assert json.loads(_run(ws, "claims", "--status", "all", "--json").stdout or "[]") == []  # nothing was stored
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "tally", "--workspace", str(ws), "tolls", "--event", "exploded"],
                       capture_output=True, text=True)
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr.strip().splitlines() == ["error: unknown event 'exploded'; use one of killed, injured, executed, "
                                             "displaced, detained, missing, homes_destroyed, other"]


def test_a_country_wide_claim_in_a_fresh_process(tmp_path):
    """A claim placed by a country code alone, added and grouped by governorate in fresh processes
    (where only the light gazetteer is loaded: the country's area is made up from its ISO code)."""
    import subprocess
    import sys

    ws = tmp_path / "ws"
    _run(ws, "init")

    def tally(*args):
        r = subprocess.run([sys.executable, "-m", "tally", "--workspace", str(ws), *args], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        return r.stdout

    tally("claims", "add", "--source", "Levant Observatory", "--count", "40", "--where", "iso:SY",
          "--from", "2025-03-06", "--to", "2025-03-08", "--cumulative", "--date", "2025-03-08")
    rows = json.loads(tally("tolls", "--by", "governorate", "--fresh", "--json"))
    assert rows == []  # a country-wide figure lies inside no governorate, and none is named by a claim
    [row] = json.loads(tally("tolls", "--where", "iso:SY", "--fresh", "--json"))
    assert row["best"] == 40 and row["scope"]["where"] == ["iso:SY"]


def test_tolls_table_shows_the_reported_range_then_documented_then_best(tmp_path):
    ws = tmp_path / "ws"
    assert _run(ws, "init").exit_code == 0
    for source, count in (("Levant Observatory", "1200"), ("Coast Monitor", "1450")):
        _add(ws, "--source", source, "--count", count, "--victims", "civilians", "--where", COAST,
             "--from", "2025-03-06", "--to", "2025-03-09", "--cumulative", "--date", "2025-03-09")
    r = runner.invoke(app, ["--workspace", str(ws), "tolls", "--where", COAST, "--from", "2025-03-06",
                            "--victims", "civilians"], env={"COLUMNS": "160"}, catch_exceptions=False)
    assert r.exit_code == 0, r.output
    header = next(line for line in r.stdout.splitlines() if "reported" in line)
    assert [w for w in header.replace("┃", " ").split()] == ["reported", "documented", "best", "estimated", "sources", "grade"]
    row = next(line for line in r.stdout.splitlines() if "1,200–1,450" in line)
    assert [c.strip() for c in row.split("│")[1:4]] == ["1,200–1,450", "0", "1,200"]  # reported, documented, best


def test_villages_the_gazetteer_lacks_in_manual_claims_and_scopes(tmp_path):
    """'--where Raqqa/Ain Zita' names a village under its governorate: two villages' incidents that day
    add up in Raqqa; a village's toll reads its own claims and counts no documented victims (records
    carry no village code) instead of all of them."""
    ws = tmp_path / "ws"
    assert _run(ws, "init").exit_code == 0
    day = ["--victims", "civilians", "--from", "2025-01-21", "--to", "2025-01-21", "--date", "2025-01-21"]
    _add(ws, "--source", "Rescuers", "--count", "7", "--where", "Raqqa/Ain Zita", *day)
    _add(ws, "--source", "Medical sources", "--count", "31", "--where", "Raqqa/Tell al-Gharbi", *day)
    [raqqa] = json.loads(_run(ws, "tolls", "--where", "Raqqa", "--json").stdout)
    assert (raqqa["reported_low"], raqqa["reported_high"]) == (38, 38)
    [village] = json.loads(_run(ws, "tolls", "--where", "Raqqa/Tal el-Gharbi", "--json").stdout)  # another spelling
    assert village["scope"]["where"] == ["ocha:SY11/tell-ghrb"] and village["best"] == 31
    assert village["documented"] == 0 and any("no village code" in f for f in village["flags"])
    import pytest

    with pytest.raises(TallyError, match="unknown place 'Nowhere'"):
        _run(ws, "tolls", "--where", "Nowhere/Ain Zita")
    with pytest.raises(TallyError, match="'Hama' is a province of its own"):  # a slash meant as a comma
        _run(ws, "tolls", "--where", "Homs/Hama")
    [district] = json.loads(_run(ws, "tolls", "--where", "Raqqa/Tell Abiad", "--json").stdout)  # a listed district
    assert district["scope"]["where"] == ["ocha:SY1102"]
