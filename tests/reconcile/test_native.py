"""The rules compiled with mypyc (tally.reconcile._native): the same tolls as the Python source, and
never loaded once that source has changed.

Every other test runs the rules as this process loads them: compiled after ``make`` (CI sets
TALLY_EXPECT_NATIVE=1, so a build that silently failed fails here), as Python without a build.
The comparisons below run ``tally tolls`` in fresh processes both ways.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tally.reconcile import _native

ROOT = Path(__file__).resolve().parents[2]
BUILT = _native.status()
needs_build = pytest.mark.skipif(not BUILT.compiled and os.environ.get("TALLY_EXPECT_NATIVE") != "1",
                                 reason=f"the compiled rules are not built here ({BUILT.why})")

_PROBE = ("import json, sys, tally.reconcile as r, tally.reconcile.rules as rules;"
          "s = r._native.running(); print(json.dumps([s.compiled, s.why, rules.__file__]))")


def _probe(**env: str) -> tuple[bool, str, str]:
    done = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True,
                          env={**os.environ, "TALLY_NATIVE": "1", **env}, cwd=ROOT)
    compiled, why, file = json.loads(done.stdout)
    return compiled, why, file


@needs_build
def test_the_compiled_rules_are_built_current_and_loaded():
    assert BUILT.compiled, BUILT.why
    compiled, why, file = _probe()
    assert compiled, why
    assert file.endswith(".so") and "tally-native" in file


def test_with_tally_native_0_the_python_source_runs():
    compiled, why, file = _probe(TALLY_NATIVE="0")
    assert not compiled and why == "TALLY_NATIVE=0"
    assert file == str(ROOT / "tally" / "reconcile" / "rules.py")


def test_without_a_build_the_python_source_runs(tmp_path):
    compiled, why, file = _probe(TALLY_NATIVE_DIR=str(tmp_path / "none"))
    assert not compiled and why.startswith("not built")
    assert file.endswith("rules.py")


@needs_build
def test_a_build_of_other_sources_is_never_loaded(tmp_path):
    stale = tmp_path / "stale"
    shutil.copytree(BUILT.root, stale)
    manifest = json.loads((stale / "manifest.json").read_text())
    manifest["sources"]["tally.reconcile.rules"] = "0" * 64  # as if rules.py was edited after the build
    (stale / "manifest.json").write_text(json.dumps(manifest))
    compiled, why, file = _probe(TALLY_NATIVE_DIR=str(stale))
    assert not compiled and "source changed" in why
    assert file.endswith("rules.py")
    assert _native.status(stale).summary().startswith("reconciliation rules: Python (not compiled)")


@needs_build
def test_a_current_build_is_not_built_again_even_with_tally_native_0(monkeypatch):
    stamp = (BUILT.root / "manifest.json").stat().st_mtime_ns
    monkeypatch.setenv("TALLY_NATIVE", "0")
    assert _native.build(BUILT.root).compiled  # current: nothing compiled
    assert (BUILT.root / "manifest.json").stat().st_mtime_ns == stamp


def _bench_build():
    spec = importlib.util.spec_from_file_location("bench_tolls", ROOT / "bench" / "tolls.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build


QUESTIONS = [
    [],
    ["--where", "Syria", "--by", "governorate"],
    ["--where", "Syria", "--victims", "civilians", "--by", "week"],
    ["--where", "Homs", "--by", "source"],
    ["--where", "Latakia,Tartus,Hama,Homs", "--victims", "civilians", "--from", "2024-12-20"],
    ["--where", "Aleppo", "--by", "victims"],
    ["--where", "Idlib", "--from", "2025-01-01", "--to", "2025-01-31", "--by", "day"],
]


@needs_build
def test_compiled_and_python_rules_give_the_same_tolls(tmp_path):
    """The bench's news stream (incidents relayed by outlets, weekly and national running tolls) at
    6,000 claims: every question's JSON is the same both ways, byte for byte."""
    home = tmp_path / "ws"
    _bench_build()(home, 6_000, seed=3)
    answered = 0
    for question in QUESTIONS:
        outs = []
        for native in ("1", "0"):
            done = subprocess.run([sys.executable, "-m", "tally", "--workspace", str(home), "tolls", *question,
                                   "--json", "--fresh"], capture_output=True, text=True, cwd=ROOT,
                                  env={**os.environ, "TALLY_NATIVE": native})
            assert done.returncode == 0, done.stderr
            outs.append(done.stdout)
        assert outs[0] == outs[1], question
        answered += sum(1 for t in json.loads(outs[0]) if t["best"])
    assert answered >= 15  # tolls with a reported figure (20 here): the rules had work to do


@pytest.mark.parametrize("cls", ["ClaimRow", "Figure"])
def test_written_out_inits_take_what_the_dataclass_fields_declare(cls):
    """ClaimRow and Figure write their ``__init__`` out, so that compiled it runs natively: it must take
    the fields @dataclass would (names, order, defaults; None for a list made fresh), so that
    ``dataclasses.replace`` and every caller build the same object, with its derived fields set."""
    import dataclasses
    import inspect

    from tally.reconcile.figures import ClaimRow
    from tally.reconcile.rules import Figure

    kind = {"ClaimRow": ClaimRow, "Figure": Figure}[cls]
    params = list(inspect.signature(kind).parameters.values())
    fields = [f for f in dataclasses.fields(kind) if f.init]
    assert [p.name for p in params] == [f.name for f in fields]
    for p, f in zip(params, fields, strict=True):
        if f.default_factory is not dataclasses.MISSING:
            assert p.default is None, f.name
        else:
            assert p.default == (inspect.Parameter.empty if f.default is dataclasses.MISSING else f.default), f.name
    c = ClaimRow(7, "Monitor", "killed", "civilians", "about", 10.0, 14.0, None, ("ocha:SY06",),
                 cumulative=False, reported=__import__("datetime").date(2025, 3, 8))
    assert (c.value, c.upper, c.end, c.start, c.as_of, c.figure_key) == (
        10.0, 14.0, c.reported, c.reported, c.reported, ("killed", "civilians", 10.0, 14.0, None))
    again = dataclasses.replace(c, source="Agency", date_from=__import__("datetime").date(2025, 3, 6))
    assert (again.source, again.start, again.end, again.value) == ("Agency", again.date_from, c.reported, 10.0)
    f = Figure(c)
    assert (f.claims, f.superseded, f.source, f.correction, f.extent, f.date) == ([], [], "Monitor", False, None, None)
    assert Figure(c).claims is not f.claims
