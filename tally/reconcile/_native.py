"""The reconciliation rules compiled with mypyc, and loaded only while they match their source.

On a large workspace the rules run hundreds of thousands of times per question.  mypyc (the
compiler that ships with mypy) turns these type-annotated modules into C extensions that run the
same code in about a third less time (all of Syria's 100,000 claims: 1.3 s instead of 2.0–2.2 s,
bench/RESULTS.md); the Python source stays the one definition of the rules, and the compiled
modules give the same tolls (``tests/reconcile/test_native.py`` compares them).

``python -m tally.reconcile compile`` (``make`` runs it) compiles :data:`MODULES` into a
directory of the interpreter's environment (``<sys.prefix>/tally-native/<cache tag>``, or
``TALLY_NATIVE_DIR``), with a manifest of the SHA-256 of each module's source.
:func:`install`, which ``tally.reconcile`` calls before it imports them, puts the compiled modules
first on the import path only if every source still has the digest it was compiled from: an
edited rule never runs from a stale build, it runs as Python until the next build.  With
``TALLY_NATIVE=0`` the Python source runs always.  Without a C compiler or mypyc the build says so
in one line, and tally runs the rules as Python.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

# Compiled together (one shared library): figures, rules and tolls read each other's classes natively.
MODULES = ("tally.reconcile.scope", "tally.reconcile.figures", "tally.reconcile.rules", "tally.reconcile.tolls")
_MANIFEST = "manifest.json"
_HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Status:
    """Whether the rules run compiled, and why (not)."""

    compiled: bool
    why: str
    root: Path
    files: dict[str, str] = field(default_factory=dict, compare=False)  # a current build's files, by module

    def summary(self) -> str:
        """One line."""
        how = "compiled with mypyc" if self.compiled else "Python (not compiled)"
        return f"reconciliation rules: {how}: {self.why}"


def root() -> Path:
    """Where the compiled modules of this interpreter are kept."""
    given = os.environ.get("TALLY_NATIVE_DIR")
    return Path(given) if given else Path(sys.prefix) / "tally-native" / (sys.implementation.cache_tag or "python")


def _stem(module: str) -> str:
    """The file name of one of :data:`MODULES` without its suffix (``rules``)."""
    return module.rsplit(".", 1)[1]


def digests() -> dict[str, str]:
    """SHA-256 of each compiled module's source, by module name."""
    return {m: hashlib.sha256((_HERE / f"{_stem(m)}.py").read_bytes()).hexdigest() for m in MODULES}


def _manifest(where: Path) -> dict[str, object] | None:
    try:
        data = json.loads((where / _MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def status(where: Path | None = None) -> Status:
    """Whether :func:`install` would load compiled modules (without loading them)."""
    where = where or root()
    if os.environ.get("TALLY_NATIVE", "1") == "0":
        return Status(False, "TALLY_NATIVE=0", where)
    return _built(where)


def _built(where: Path) -> Status:
    """Whether *where* holds a build of the current sources for this interpreter."""
    m = _manifest(where)
    if m is None:
        return Status(False, "not built (`make`, or `python -m tally.reconcile compile`, builds them)", where)
    files = m.get("files")
    if m.get("python") != sys.implementation.cache_tag or not isinstance(files, dict):
        return Status(False, f"built for another Python ({m.get('python')}): build them again", where)
    if m.get("sources") != digests():
        return Status(False, "their source changed since they were built: build them again", where)
    missing = [f for f in files.values() if not (where / str(f)).is_file()]
    if missing:
        return Status(False, f"{missing[0]} is missing: build them again", where)
    return Status(True, f"built {m.get('built', '?')} in {where}", where,
                  {str(name): str(f) for name, f in files.items()})


class _Finder(importlib.abc.MetaPathFinder):
    """Finds the compiled modules (and their shared library) in one build directory."""

    def __init__(self, files: dict[str, Path]) -> None:
        self.files = files

    def find_spec(self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
                  ) -> importlib.machinery.ModuleSpec | None:
        so = self.files.get(fullname)
        if so is None:
            return None
        return importlib.util.spec_from_file_location(fullname, so,
                                                      loader=importlib.machinery.ExtensionFileLoader(fullname, str(so)))


_INSTALLED: Status | None = None


def install() -> Status:
    """Load the compiled modules for the rest of the process when they are current (see the module);
    called once, before any of :data:`MODULES` is imported."""
    global _INSTALLED
    if _INSTALLED is not None:
        return _INSTALLED
    st = status()
    if st.compiled and not any(m in sys.modules for m in MODULES):
        sys.meta_path.insert(0, _Finder({name: st.root / f for name, f in st.files.items()}))
    elif st.compiled:
        st = Status(False, "the Python modules were imported first", st.root)
    _INSTALLED = st
    return st


def running() -> Status:
    """How the rules run in this process."""
    return _INSTALLED if _INSTALLED is not None else status()


class BuildError(RuntimeError):
    """The compiler could not build the modules (tally runs them as Python)."""


def build(where: Path | None = None, *, force: bool = False) -> Status:
    """Compile :data:`MODULES` into *where* (default :func:`root`) unless a current build is there.

    The sources are compiled in a temporary copy of the package; the build directory is replaced
    whole, so a failed build leaves the previous one (which :func:`install` ignores once stale).
    """
    where = where or root()
    current = _built(where)
    if current.compiled and not force:
        return current
    if shutil.which(os.environ.get("CC", "cc")) is None and shutil.which("gcc") is None:
        raise BuildError("no C compiler (cc) on this machine")
    if importlib.util.find_spec("mypyc") is None:
        raise BuildError("mypyc is not installed (it comes with mypy: pip install mypy)")
    started = time.perf_counter()
    sums = digests()
    with tempfile.TemporaryDirectory(prefix="tally-native-") as tmp:
        work = Path(tmp)
        shutil.copytree(_HERE.parent, work / "tally", ignore=_not_source)
        files = [f"tally/reconcile/{_stem(m)}.py" for m in MODULES]
        env = {**os.environ, "PYTHONPATH": tmp}
        done = subprocess.run([sys.executable, "-m", "mypyc", *files], cwd=tmp, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            lines = [ln for ln in (done.stdout + done.stderr).splitlines() if "error" in ln.lower()]
            raise BuildError(lines[0] if lines else f"mypyc exited with {done.returncode}")
        if digests() != sums:
            raise BuildError("a source changed while it was compiled: build again")
        built = {m: _extension(work / "tally" / "reconcile", _stem(m)) for m in MODULES}
        shared = [p for p in work.iterdir() if p.name.split(".")[0].endswith("__mypyc") and _is_extension(p)]
        missing = [m for m, p in built.items() if p is None]
        if missing or len(shared) != 1:
            raise BuildError(f"mypyc built no extension for {', '.join(missing) or 'the shared library'}")
        where.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".build-", dir=where.parent))
        try:
            out: dict[str, str] = {shared[0].name.split(".")[0]: shared[0].name}
            for m, p in built.items():
                assert p is not None
                out[m] = f"{m}.{p.name.split('.', 1)[1]}"
                shutil.copy2(p, staging / out[m])
            shutil.copy2(shared[0], staging / shared[0].name)
            manifest = {"python": sys.implementation.cache_tag, "sources": sums, "files": out,
                        "built": time.strftime("%Y-%m-%d %H:%M:%S"),
                        "seconds": round(time.perf_counter() - started, 1)}
            (staging / _MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
            if where.exists():
                shutil.rmtree(where)
            staging.rename(where)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return _built(where)


def _is_extension(path: Path) -> bool:
    return any(path.name.endswith(suffix) for suffix in importlib.machinery.EXTENSION_SUFFIXES)


def _extension(folder: Path, stem: str) -> Path | None:
    """The extension module *stem* built in *folder* (``rules.cpython-311-x86_64-linux-gnu.so``, ``rules.pyd``…)."""
    return next((p for p in folder.iterdir() if p.name.split(".")[0] == stem and _is_extension(p)), None)


def _not_source(folder: str, names: list[str]) -> list[str]:
    """What the build's copy of the package leaves out: all but folders, modules and ``py.typed``."""
    return [n for n in names if n == "__pycache__"
            or not (n.endswith(".py") or n == "py.typed" or os.path.isdir(os.path.join(folder, n)))]


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m tally.reconcile compile [--force] | status``; one line out.  A build that cannot be
    done is not an error: tally runs the rules as Python, and says so."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["status"]:
        print(status().summary())
        return 0
    if args[:1] != ["compile"] or args[1:] not in ([], ["--force"]):
        print("usage: python -m tally.reconcile compile [--force] | status", file=sys.stderr)
        return 2
    before = _built(root())
    try:
        st = build(force="--force" in args)
    except (BuildError, OSError) as exc:
        print(f"note: the reconciliation rules run as Python: could not compile them ({exc})", file=sys.stderr)
        return 0
    if before.compiled and "--force" not in args:
        line = st.summary()
    else:
        took = (_manifest(st.root) or {}).get("seconds", "?")
        line = f"compiled the reconciliation rules with mypyc in {took} s ({st.root})"
    print(line + (" (TALLY_NATIVE=0: tally runs them as Python)" if not status().compiled else ""))
    return 0

