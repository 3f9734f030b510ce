"""STYLE.md: mypy strict on core, store, estimate, reconcile (configured in pyproject.toml, [tool.mypy])."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow  # about 10 s with a cold .mypy_cache, a second with a warm one
def test_strict_packages_type_check(monkeypatch: pytest.MonkeyPatch) -> None:
    api = pytest.importorskip("mypy.api")
    # The configured files are relative to the repository root, and so is the cache (.mypy_cache, git-ignored).
    monkeypatch.chdir(ROOT)
    stdout, stderr, status = api.run(["--config-file", str(ROOT / "pyproject.toml")])
    assert status == 0 and stdout.startswith("Success"), f"mypy (exit {status}):\n{stdout}{stderr}"
