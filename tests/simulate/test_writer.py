"""Output layout, determinism and the truth files' formats."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import yaml

from tally.core.models import Claim
from tally.simulate import SimulationResult, SimulationSpec, simulate

from .conftest import SMALL


def _digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_simulate_same_seed_is_byte_identical(tmp_path: Path, small: SimulationResult) -> None:
    again = simulate(SimulationSpec(**SMALL), tmp_path / "again")
    assert _digest(again.out) == _digest(small.out)


def test_simulate_different_seeds_differ(tmp_path: Path, small: SimulationResult) -> None:
    other = simulate(SimulationSpec(**{**SMALL, "seed": SMALL["seed"] + 1}), tmp_path / "other")
    a, b = _digest(small.out), _digest(other.out)
    for name in ("truth/victims.csv", "truth/key.csv", "truth/claims.jsonl"):
        assert a[name] != b[name]
    assert set(a) != set(b)  # article names carry titles and dates


def test_simulate_writes_layout(small: SimulationResult, small_spec: SimulationSpec) -> None:
    out = small.out
    for org in small_spec.organisations:
        assert (out / "lists" / f"{org.name}.csv").is_file()
    assert len(list((out / "articles").glob("*.md"))) == 30
    for name in ("victims.csv", "key.csv", "events.csv", "displacement.csv", "claims.jsonl", "spec.json", "records.csv"):
        assert (out / "truth" / name).is_file()
    spec = SimulationSpec.model_validate_json((out / "truth" / "spec.json").read_text(encoding="utf-8"))
    assert spec == small_spec


def test_truth_files_have_contract_columns(small: SimulationResult) -> None:
    t = small.out / "truth"
    assert list(pd.read_csv(t / "key.csv", nrows=1).columns) == ["source", "id", "person"]
    assert list(pd.read_csv(t / "victims.csv", nrows=1).columns) == [
        "person", "name_ar", "given", "father", "grandfather", "family", "sex", "age", "date", "governorate_pcode",
        "district_pcode", "place", "status", "perpetrator", "event_id"]


def test_key_covers_every_list_row(small: SimulationResult) -> None:
    key = pd.read_csv(small.out / "truth" / "key.csv", dtype={"id": str})
    for name, n in small.lists.items():
        rows = pd.read_csv(small.out / "lists" / f"{name}.csv", dtype=str, keep_default_na=False)
        ids = rows.iloc[:, 0]
        assert len(rows) == n and ids.is_unique
        assert set(ids) == set(key.loc[key.source == name, "id"])
    assert key.person.between(1, small.victims).all()


def test_list_headers_follow_the_contract(small: SimulationResult, small_spec: SimulationSpec) -> None:
    english = {"id", "name", "sex", "age", "age_group", "date_of_death", "governorate", "district", "place", "status", "cause"}
    arabic = {"الرقم", "الاسم", "الجنس", "العمر", "الفئة العمرية", "تاريخ الوفاة", "المحافظة", "المنطقة", "المكان", "الوضع", "السبب"}
    for org in small_spec.organisations:
        header = (small.out / "lists" / f"{org.name}.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
        assert set(header) <= (arabic if org.arabic_headers else english)
        assert len(header) >= 10


def test_articles_have_front_matter(small: SimulationResult) -> None:
    for path in sorted((small.out / "articles").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        assert text.startswith("---\n")
        front = yaml.safe_load(text.split("---\n")[1])
        assert set(front) == {"title", "outlet", "published", "url", "language"}
        assert path.name.startswith(str(front["published"])[:10])
        assert front["url"].startswith("https://")


def test_claims_jsonl_matches_claim_model(small: SimulationResult) -> None:
    lines = (small.out / "truth" / "claims.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 30
    keys = set(Claim.model_fields)
    for line in lines:
        row = json.loads(line)
        assert (small.out / row["file"]).is_file()
        for c in row["claims"]:
            assert set(c) == keys
            Claim.model_validate(c)


def test_simulate_is_identical_across_processes_and_hash_seeds(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(root)}
    subprocess.run([sys.executable, "-m", "tally", "simulate", "--out", str(tmp_path / "child"), "--victims", "500",
                    "--articles", "5", "--seed", "9", "--json"], check=True, env=env, capture_output=True)
    simulate(SimulationSpec(victims=500, articles=5, seed=9), tmp_path / "here")  # this process: another hash seed
    assert _digest(tmp_path / "child") == _digest(tmp_path / "here")


def test_simulate_refuses_a_directory_with_other_files(tmp_path: Path) -> None:
    import pytest

    from tally.core.errors import InputError

    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(InputError):
        simulate(SimulationSpec(victims=50, articles=1), tmp_path)
    assert (tmp_path / "notes.txt").exists()


def test_simulate_overwrites_an_earlier_simulation(tmp_path: Path) -> None:
    simulate(SimulationSpec(victims=80, articles=3, seed=1), tmp_path)
    second = simulate(SimulationSpec(victims=60, articles=2, seed=2), tmp_path)
    assert len(list((tmp_path / "articles").glob("*.md"))) == 2
    assert len((tmp_path / "truth" / "victims.csv").read_text(encoding="utf-8").splitlines()) == second.victims + 1
