"""The CLI: thin commands, help on every command, one-line errors and exit codes."""

from __future__ import annotations

import json
import os

import click
import pytest
from typer.testing import CliRunner

from tally.cli import app
from tally.core.settings import Settings

runner = CliRunner()


def _run(ws_dir, *args):
    return runner.invoke(app, ["--workspace", str(ws_dir), *args], catch_exceptions=False)


def _commands(group: click.Group, prefix=()):
    for name, cmd in group.commands.items():
        yield (*prefix, name), cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, (*prefix, name))


def test_cli_every_command_has_help():
    import typer.main

    root = typer.main.get_command(app)
    missing = [" ".join(path) for path, cmd in _commands(root) if not (cmd.help or "").strip()]
    assert not missing, f"commands without help: {missing}"


def test_settings_every_setting_is_documented():
    undocumented = [name for name, f in Settings.model_fields.items() if not (f.description or "").strip()]
    assert not undocumented


def test_cli_init_ingest_records_export_audit(tmp_path):
    ws = tmp_path / "ws"
    assert _run(ws, "init").exit_code == 0
    lst = tmp_path / "org.csv"
    lst.write_text("id,name,sex,date_of_death,governorate\n1,Ali Hassan,M,2025-03-07,Latakia\n2,علي حسن,ذكر,07/03/2025,اللاذقية\n",
                   encoding="utf-8")
    r = _run(ws, "ingest", str(lst), "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["records"] == 2
    r = _run(ws, "ingest", str(lst))
    assert "0 added, 1 unchanged" in r.stdout
    r = _run(ws, "records", "--json")
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert [x["governorate_code"] for x in rows] == ["ocha:SY06", "ocha:SY06"]
    out = tmp_path / "out.csv"
    assert _run(ws, "export", "records", "--format", "csv", "--out", str(out)).exit_code == 0
    header = out.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[:3] == ["source", "id", "person"]
    assert _run(ws, "audit", "verify").exit_code == 0
    r = _run(ws, "sources", "--json")
    assert [s["name"] for s in json.loads(r.stdout)] == ["org"]
    r = _run(ws, "documents", "--json")
    doc_id = json.loads(r.stdout)[0]["id"]
    assert _run(ws, "show", str(doc_id), "--json").exit_code == 0


def test_cli_export_round_trips_through_ingest(tmp_path):
    ws, ws2 = tmp_path / "ws", tmp_path / "ws2"
    lst = tmp_path / "org.csv"
    lst.write_text("id,name,sex,age,date_of_death,governorate,district,status\n"
                   "1,Ali Hassan,M,33,2025-03-07,Latakia,Jableh,civilian\n2,علي حسن,ذكر,,07/03/2025,اللاذقية,,fighter\n",
                   encoding="utf-8")
    _run(ws, "ingest", str(lst))
    out = tmp_path / "export.csv"
    _run(ws, "export", "records", "--out", str(out))
    assert _run(ws2, "ingest", str(out)).exit_code == 0
    a = [json.loads(x) for x in _run(ws, "records", "--json").stdout.splitlines()]
    b = [json.loads(x) for x in _run(ws2, "records", "--json").stdout.splitlines()]
    assert a == b


def test_cli_failed_ingest_exits_nonzero_with_one_line(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name,date_of_death\n1,A,not a date\n", encoding="utf-8")
    r = _run(tmp_path / "ws", "ingest", str(bad))
    assert r.exit_code == 1
    assert "bad.csv" in r.output and "row 2, column 'date_of_death'" in r.output


def test_cli_audit_verify_fails_on_tampering(tmp_path):
    from sqlalchemy import update

    from tally.store.schema import audit_events
    from tally.store.workspace import Workspace

    ws = tmp_path / "ws"
    f = tmp_path / "a.txt"
    f.write_text("Five civilians were killed.\n", encoding="utf-8")
    _run(ws, "ingest", str(f))
    w = Workspace.open(ws)
    with w.begin() as c:
        c.execute(update(audit_events).values(actor="mallory"))
    w.close()
    r = _run(ws, "audit", "verify")
    assert r.exit_code == 1 and "event 1" in r.output


@pytest.mark.parametrize("args", [["show", "999"]])
def test_cli_errors_are_one_line(tmp_path, args):
    import subprocess
    import sys

    ws = tmp_path / "ws"
    _run(ws, "init")
    p = subprocess.run([sys.executable, "-m", "tally", "--workspace", str(ws), *args], capture_output=True, text=True)
    assert p.returncode == 1
    assert p.stderr.strip().count("\n") == 0 and "no document with id 999" in p.stderr


def test_a_table_never_breaks_a_figure_and_never_cuts_a_column(monkeypatch):
    from rich.console import Console

    from tally.cli import common

    def render(columns, rows, width=80):
        monkeypatch.setattr(common, "console", Console(width=width, record=True, file=open(os.devnull, "w")))
        common.console.print(common.table("tolls", columns, rows))
        return common.console.export_text()

    columns = ["governorate", "reported", "documented", "best", "estimated", "sources", "grade"]
    rows = [("Damascus", "1,771–1,777", "1,723", "1,723", "1,996 [1,881–2,165]", 8, "confirmed"),
            ("Rural Damascus", "49", "529", "529", None, 7, "contested")]
    out = render(columns, rows)
    # at 80 columns: every figure and every word whole (the estimate may go under its interval)
    for token in ("1,771–1,777", "1,723", "1,996", "[1,881–2,165]", "governorate", "documented", "confirmed",
                  "contested", "Rural"):
        assert token in out, token
    assert all(len(line) <= 80 for line in out.splitlines())
    # with room, a boxed table with each estimate on the line of its interval
    out = render(columns, rows, width=120)
    assert "1,996 [1,881–2,165]" in out and "┃ governorate" in out
    # a long text beside others: wrapped between its words, the table's right edge still there
    people = render(["person", "name", "died", "place", "records"],
                    [(1, "EL-HAMMOUD Mouhamad", "2024-11-29", "ocha:SY0703",
                      "; ".join(f"Centre for Documentation of Violations:CDV/0000{i}" for i in range(6)))])
    lines = people.splitlines()[1:]  # below the title
    assert all(len(line) <= 80 and line[-1] in "┓┃┩│┘" for line in lines)
    assert "Violations:CDV/00005" in people and "EL-HAMMOUD" in people
    # too many columns to keep anything whole: everything folds, nothing is cut off
    wide = render([f"column {i}" for i in range(12)], [tuple(f"2025-03-{i + 10}" for i in range(12))])
    assert all(len(line) <= 80 for line in wide.splitlines())
    lines = wide.splitlines()
    rule = next(i for i, line in enumerate(lines) if line.startswith("─"))
    # the last column is there to its end: its header's last line ends "11", its cell's "21"
    assert lines[rule - 1].rstrip().endswith("11") and lines[-1].rstrip().endswith("21")


def test_a_claim_reads_as_its_figure_and_period():
    from tally.cli.common import figure, period

    assert [figure("1,200", "at_least"), figure("230", "about"), figure("1,383", "exact"), figure("hundreds", "vague")] == [
        "at least 1,200", "about 230", "1,383", "hundreds"]
    assert [period("2025-03-06", "2025-03-08"), period("2025-03-07", "2025-03-07"), period(None, "2025-03-08"),
            period(None, None)] == ["2025-03-06 to 2025-03-08", "2025-03-07", "to 2025-03-08", ""]


def test_importing_the_cli_leaves_the_collector_as_it_found_it():
    """The collector waits while the CLI's libraries are imported, then runs again as before: on if it
    was on, off if the importer had turned it off. No collection runs during the import."""
    import subprocess
    import sys

    probe = ("import gc, sys\n"
             "runs = []\n"
             "gc.callbacks.append(lambda phase, info: runs.append(phase))\n"
             "if sys.argv[1] == 'off':\n"
             "    gc.disable()\n"
             "import tally.cli\n"
             "print(gc.isenabled(), len(runs))\n")
    for state, expected in (("on", "True 0"), ("off", "False 0")):
        out = subprocess.run([sys.executable, "-c", probe, state], capture_output=True, text=True, check=True)
        assert out.stdout.split() == expected.split(), (state, out.stdout, out.stderr)
