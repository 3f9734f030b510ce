"""``tally estimate`` through Typer's runner (the library does the work; the CLI only renders)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

import tally.cli  # noqa: F401  (registers the commands)
from tally.cli.app import app
from tally.core.errors import EstimateError, InputError

from .conftest import reference_path

runner = CliRunner()


def test_cli_estimate_json_has_the_contract_keys() -> None:
    path = reference_path("kosovo_aggregate.csv")
    out = runner.invoke(app, ["estimate", "--captures", str(path), "--method", "loglinear", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert list(data) == ["method", "lists", "observed", "estimate", "lower", "upper", "level", "details", "warnings"]
    assert round(data["estimate"], 1) == 10356.5 and data["details"]["model"] == "[123,14,34]"


def test_cli_estimate_models_table_in_json_and_rich() -> None:
    path = str(reference_path("kosovo_aggregate.csv"))
    out = runner.invoke(app, ["estimate", "--captures", path, "--models", "--criterion", "aic", "--json"])
    assert len(json.loads(out.stdout)["details"]["models"]) == 113
    out = runner.invoke(app, ["estimate", "--captures", path, "--models"])
    assert out.exit_code == 0 and "[123,14,34]" in out.stdout and "log-linear models" in out.stdout


def test_cli_estimate_dga_and_chapman() -> None:
    path = str(reference_path("kosovo_aggregate.csv"))
    out = runner.invoke(app, ["estimate", "--captures", path, "--method", "dga", "--json"])
    data = json.loads(out.stdout)
    assert (data["estimate"], data["lower"], data["upper"]) == (12595, 9827, 16544)
    out = runner.invoke(app, ["estimate", "--captures", path, "--method", "chapman", "--lists", "EXH,ABA", "--level", "0.9"])
    assert out.exit_code == 0 and "7,231.5" in out.stdout and "90% interval" in out.stdout


def test_cli_estimate_errors_are_tally_errors() -> None:
    path = str(reference_path("kosovo_aggregate.csv"))
    out = runner.invoke(app, ["estimate", "--captures", path, "--delta", "1"])
    assert isinstance(out.exception, EstimateError) and "--delta" in str(out.exception)
    out = runner.invoke(app, ["estimate", "--captures", path, "--method", "nope"])
    assert isinstance(out.exception, EstimateError)
    out = runner.invoke(app, ["estimate", "--captures", str(reference_path("rcapture_ill_netherlands_counts.csv"))])
    assert isinstance(out.exception, InputError)
    out = runner.invoke(app, ["estimate", "--by", "planet"])
    assert isinstance(out.exception, EstimateError)


def test_cli_estimate_workspace_mode_goes_through_the_pipeline(tmp_path) -> None:
    """Without --captures the command estimates the workspace's linked persons (tally.pipeline.run_estimate)."""
    ws = str(tmp_path / "ws")
    assert runner.invoke(app, ["--workspace", ws, "init"]).exit_code == 0
    out = runner.invoke(app, ["--workspace", ws, "estimate", "--by", "governorate,month"])
    assert isinstance(out.exception, EstimateError) and "run 'tally link' first" in str(out.exception)


def test_cli_estimate_has_help() -> None:
    out = runner.invoke(app, ["estimate", "--help"])
    assert out.exit_code == 0 and "--captures" in out.stdout
