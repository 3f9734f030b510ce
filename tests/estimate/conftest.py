"""Shared fixtures: the R reference files in ../shared/reference/mse (skipped when absent)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tally.estimate import CaptureHistory

REFERENCE = Path(__file__).resolve().parents[2] / ".." / "shared" / "reference" / "mse"


def reference_path(name: str) -> Path:
    """Path of a reference file, skipping the test when the shared folder is not there."""
    path = REFERENCE / name
    if not path.exists():
        pytest.skip(f"reference file {name} not found beside the repository (../shared/reference/mse)")
    return path


def load(name: str) -> CaptureHistory:
    """A reference capture history."""
    return CaptureHistory.from_csv(reference_path(name))


def reference_rows(name: str) -> list[dict[str, str]]:
    """Rows of a reference CSV as dicts."""
    with reference_path(name).open(newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def kosovo() -> CaptureHistory:
    """Kosovo 1999, four lists (EXH, ABA, OSCE, HRW), 4,400 observed."""
    return load("kosovo_aggregate.csv")
