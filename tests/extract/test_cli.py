"""The extract commands through Typer's runner."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tally.cli import app

GOLD = Path(__file__).parent / "gold"
runner = CliRunner()


def test_cli_extract_text_json_prints_one_object_per_file() -> None:
    files = [str(GOLD / "heldout" / "h01-ua-kharkiv.md"), str(GOLD / "heldout" / "h07-ua-odesa-fr.md")]
    res = runner.invoke(app, ["extract", "--text", *files, "--json"])
    assert res.exit_code == 0, res.output
    first, second = (json.loads(line) for line in res.output.splitlines())
    assert first["file"] == files[0] and first["claims"][0]["event"] == "killed"
    assert set(first["claims"][0]) >= {"event", "count", "qualifier", "low", "high", "best", "victims", "source",
                                       "admin1", "date_from", "date_to", "cumulative", "quote", "start", "end"}
    assert second["claims"] == [] and second["notes"]


def test_cli_extract_needs_text_for_paths() -> None:
    res = runner.invoke(app, ["extract", "x.md"])
    assert res.exit_code != 0


def test_cli_eval_extract_prints_scores() -> None:
    res = runner.invoke(app, ["eval", "extract", str(GOLD / "dev"), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["f1"] >= 0.95 and "source" in out["fields"]


def test_cli_extract_and_claims_in_a_workspace(tmp_path: Path) -> None:
    ws = str(tmp_path / "ws")
    assert runner.invoke(app, ["-w", ws, "init"]).exit_code == 0
    assert runner.invoke(app, ["-w", ws, "ingest", str(GOLD / "dev" / "d09-ua-sumy.md")]).exit_code == 0
    res = runner.invoke(app, ["-w", ws, "extract", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["claims"] == 3
    res = runner.invoke(app, ["-w", ws, "claims", "--json"])
    rows = [json.loads(line) for line in res.output.splitlines()]
    assert [(r["event"], r["count"]) for r in rows] == [("killed", "35"), ("killed", "two"), ("injured", "117")]


def test_cli_ingest_country_is_the_articles_prior_too(tmp_path: Path) -> None:
    """`tally ingest --country SY` places an article's claims in Syria unless its own places say otherwise."""
    art = tmp_path / "umm-rifaat.md"
    art.write_text("---\ntitle: Village shelled\noutlet: Levant Wire\npublished: 2025-03-09T10:00:00+00:00\n---\n\n"
                   "Umm Rifaat was hit on Sunday by pro-government militias, and at least 14 civilians died, "
                   "according to residents.\n\nTalks held in Astana in 2020 produced a ceasefire that lasted seven "
                   "months.\n", encoding="utf-8")
    for country, expected in ((None, "KZ"), ("SY", "SY")):
        ws = str(tmp_path / f"ws-{country}")
        assert runner.invoke(app, ["-w", ws, "init"]).exit_code == 0
        res = runner.invoke(app, ["-w", ws, "ingest", str(art), *(["--country", country] if country else [])])
        assert res.exit_code == 0, res.output
        assert runner.invoke(app, ["-w", ws, "extract"]).exit_code == 0
        res = runner.invoke(app, ["-w", ws, "claims", "--json"])
        [claim] = [json.loads(line) for line in res.output.splitlines() if json.loads(line)["event"] == "killed"]
        assert claim["country"] == expected


def test_cli_eval_extract_country_is_the_ingest_prior(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(
        "---\ntitle: Village shelled\noutlet: Levant Wire\npublished: 2025-03-09T10:00:00+00:00\n---\n\n"
        "Umm Rifaat was hit on Sunday, and at least 14 civilians died, according to residents.\n\n"
        "Talks held in Astana in 2020 produced a ceasefire that lasted seven months.\n", encoding="utf-8")
    gold = {"file": "a.md", "claims": [{"event": "killed", "count": "14", "qualifier": "at_least", "victims": "civilians",
                                        "country": "SY", "quote": "Umm Rifaat was hit on Sunday, and at least 14 "
                                        "civilians died, according to residents."}]}
    (tmp_path / "claims.jsonl").write_text(json.dumps(gold) + "\n", encoding="utf-8")
    accuracy = {}
    for extra in ([], ["--country", "SY"]):
        res = runner.invoke(app, ["eval", "extract", str(tmp_path), "--json", *extra])
        assert res.exit_code == 0, res.output
        out = json.loads(res.output)
        assert out["f1"] == 1.0
        accuracy[bool(extra)] = out["fields"]["country"]
    assert accuracy == {False: 0.0, True: 1.0}
