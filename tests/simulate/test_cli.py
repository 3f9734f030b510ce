"""``tally simulate`` on the command line."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tally.cli import app


def test_cli_simulate_writes_and_summarises(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["simulate", "--out", str(tmp_path), "--victims", "400", "--articles", "4",
                                      "--lists", "3", "--seed", "2"])
    assert result.exit_code == 0, result.output
    assert "victims" in result.output and "400" in result.output
    assert len(list((tmp_path / "lists").glob("*.csv"))) == 3


def test_cli_simulate_json(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["simulate", "--out", str(tmp_path), "--victims", "200", "--articles", "2", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["victims"] == 200 and data["articles"] == 2


def test_cli_simulate_rejects_bad_spec(tmp_path: Path) -> None:
    from tally.core.errors import InputError

    result = CliRunner().invoke(app, ["simulate", "--out", str(tmp_path), "--victims", "0"])
    assert result.exit_code != 0
    assert isinstance(result.exception, InputError)


def test_cli_simulate_reruns_from_its_spec_json(tmp_path: Path) -> None:
    runner = CliRunner()
    first = runner.invoke(app, ["simulate", "--out", str(tmp_path / "a"), "--victims", "300", "--articles", "3", "--seed", "4"])
    assert first.exit_code == 0, first.output
    again = runner.invoke(app, ["simulate", "--out", str(tmp_path / "b"), "--spec", str(tmp_path / "a" / "truth" / "spec.json")])
    assert again.exit_code == 0, again.output
    for name in ("truth/key.csv", "truth/claims.jsonl", "truth/victims.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_cli_simulate_needs_an_in_depth_country(tmp_path: Path) -> None:
    from tally.core.errors import InputError

    result = CliRunner().invoke(app, ["simulate", "--out", str(tmp_path), "--victims", "20", "--country", "FR"])
    assert result.exit_code != 0 and isinstance(result.exception, InputError)
