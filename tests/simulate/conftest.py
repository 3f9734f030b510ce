"""A small simulated world shared by the simulate tests (3,000 victims, 30 articles)."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from tally.simulate import SimulationResult, SimulationSpec, simulate

SMALL = dict(victims=3000, articles=30, seed=int(os.environ.get("TALLY_TEST_SEED", "7")))


@pytest.fixture(scope="session")
def small_spec() -> SimulationSpec:
    return SimulationSpec(**SMALL).resolved()


@pytest.fixture(scope="session")
def small(tmp_path_factory: pytest.TempPathFactory, small_spec: SimulationSpec) -> SimulationResult:
    return simulate(small_spec, tmp_path_factory.mktemp("small"))


@pytest.fixture(scope="session")
def records(small: SimulationResult) -> pd.DataFrame:
    return pd.read_csv(small.out / "truth" / "records.csv", dtype={"id": str})


@pytest.fixture(scope="session")
def victims(small: SimulationResult) -> pd.DataFrame:
    return pd.read_csv(small.out / "truth" / "victims.csv", keep_default_na=False)


def read_list(out: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(out / "lists" / f"{name}.csv", dtype=str, keep_default_na=False)


def column(rows: pd.DataFrame, name: str) -> pd.Series:
    """A list's column by its English name, whichever language its header is in."""
    from tally.simulate.lists import HEADERS_AR

    return rows[name] if name in rows.columns else rows[HEADERS_AR[name]]
