"""Answers a workspace has given, kept until anything they were worked out from changes.

A country-wide toll takes a second or two to reconcile from 100,000 claims; asked again of an
unchanged workspace, it is read back from a file in the workspace (``answers/``).  Each answer is
filed under a key made of

* the question: its kind (``tolls``; ``relays``, R2's figures of a country's claims, which the
  questions inside that country start from: ``tally.reconcile.rules.Relays``) and parameters
  (scope, grouping);
* the workspace's revision: the head of its audit log (``tally.store.audit``), which every write
  of tally moves, in the write's own transaction, whoever makes it and from whatever machine
  (relays: the revision the kept claim rows were read at, ``KeptRows.origin``, which a write that
  changes no claim leaves as it is);
* the code's fingerprint: the name, size and modification time of every file of the installed
  ``tally`` package (its gazetteer included), and the Python version.

So an answer is never read back once a claim, document, link, estimate or line of code it could
depend on has changed; it is simply not found and worked out again.  Writes made around tally
(plain SQL on the database) are not audited and do not move the revision: callers offer a way
to recompute (``tally tolls --fresh``).  An unreadable answer is ignored and replaced; a workspace
whose directory cannot be written keeps no answers and works everything out every time.

Beside each answer, a small ``.about`` file says what was asked, at which revision and how long
it took to work out (:class:`Kept`).  A new answer replaces the older ones to the same question
(they can never be read again), and :meth:`Answers.slow` lists the questions that were slow to
work out, so that a command that writes can work them out again before it returns
(``tally.pipeline.refresh_answers``): the next ask reads them back.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

LIMIT = 256  # answers kept per workspace; the least recently written go first ...
MAX_BYTES = 256 * 1024 * 1024  # ... and beyond this size in all (a country-wide answer is ~1 MB per 100,000 claims)


def fingerprint(root: Path) -> str:
    """A digest of the files under *root* (names, sizes, modification times; bytecode left out) and Python's version."""
    h = hashlib.sha256(f"{sys.version_info[:3]}\n".encode())
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".pyc", ".pyo")):
                continue
            path = os.path.join(folder, name)
            st = os.stat(path)
            h.update(f"{os.path.relpath(path, root)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


@cache
def code_fingerprint() -> str:
    """:func:`fingerprint` of the installed ``tally`` package (worked out once per process: a millisecond)."""
    return fingerprint(Path(__file__).resolve().parents[1])


class Answers:
    """The answers kept in one directory, a JSON file each, named by key."""

    def __init__(self, root: Path, limit: int = LIMIT, max_bytes: int = MAX_BYTES) -> None:
        self.root = root
        self.limit = limit
        self.max_bytes = max_bytes

    @staticmethod
    def key(kind: str, question: dict[str, Any], revision: str) -> str:
        """The key of *question* of *kind* asked of a workspace at *revision*, with this code: the
        question's digest, a dash, the digest of question, revision and code together."""
        asked = _digest({"kind": kind, "question": question})[:_QUESTION]
        return f"{asked}-{_digest({'kind': kind, 'question': question, 'revision': revision, 'code': code_fingerprint()})}"

    def path(self, key: str) -> Path:
        """Where the answer filed under *key* lives."""
        return self.root / f"{key}.json"

    def _about_path(self, key: str) -> Path:
        return self.root / f"{key}.about"

    def get(self, key: str) -> Any | None:
        """The answer filed under *key*, or None when there is none (or it cannot be read)."""
        try:
            return json.loads(self.path(key).read_text(encoding="utf-8"))["answer"]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, answer: Any, about: Kept | None = None) -> bool:
        """File *answer* (JSON-able) under *key*, atomically, with what was asked (*about*); older
        answers to the same question go.  False when the directory cannot be written."""
        # json.dumps, not json.dump: only the one-shot call uses the C encoder (a national answer
        # lists tens of thousands of claim ids: 0.2 s in the Python one).
        text = json.dumps({"answer": answer}, ensure_ascii=False, default=str, separators=(",", ":"))
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            self._write(self.path(key), text)
            if about is not None:
                self._write(self._about_path(key), json.dumps(about.to_dict(), default=str))
            asked, _sep, _rest = key.partition("-")
            for p in self.root.glob(f"{asked}-*"):  # the same question at another revision, or with other code
                if p.stem != key and p.suffix in (".json", ".about"):
                    p.unlink(missing_ok=True)
            self._prune()
        except OSError:
            return False
        return True

    def _write(self, path: Path, text: str) -> None:
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".", suffix=".tmp")  # not *.json: never pruned mid-write
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def current(self, kind: str, revision: str) -> list[Kept]:
        """What was asked of the kept answers of *kind* that are current: worked out at *revision*
        with this code (their keys are the keys they would be filed under now)."""
        return [kept for p, kept in self._abouts()
                if kept.kind == kind and kept.revision == revision and self.key(kind, kept.question, revision) == p.stem]

    def slow(self, seconds: float, limit: int, kind: str | None = None) -> list[Kept]:
        """What was asked of the kept answers (of *kind*, if given) that took at least *seconds* to
        work out, the most recently answered first, at most *limit*."""
        found = []
        for p, kept in self._abouts():
            if kind is not None and kept.kind != kind:
                continue
            try:
                when = self.path(p.stem).stat().st_mtime_ns
            except OSError:
                continue  # its answer pruned
            if kept.seconds >= seconds:
                found.append((when, kept))
        found.sort(key=lambda x: x[0], reverse=True)
        return [k for _when, k in found[:limit]]

    def _abouts(self) -> Iterator[tuple[Path, Kept]]:
        """Each ``.about`` file with what it records (unreadable ones left out)."""
        for p in self.root.glob("*.about"):
            try:
                yield p, Kept.from_dict(json.loads(p.read_text(encoding="utf-8")))
            except (OSError, ValueError, KeyError, TypeError):
                continue

    def _prune(self) -> None:
        kept = []
        for p in self.root.glob("*.json"):
            try:
                st = p.stat()
            except OSError:
                continue
            kept.append((st.st_mtime_ns, st.st_size, p))
        kept.sort()
        size = sum(n for _t, n, _p in kept)
        while kept and (len(kept) > self.limit or size > self.max_bytes):
            _t, n, p = kept.pop(0)
            p.unlink(missing_ok=True)
            p.with_suffix(".about").unlink(missing_ok=True)
            size -= n


@dataclass(frozen=True)
class Kept:
    """What a kept answer answers: the question's kind and parameters, the workspace revision it
    was worked out at, and how many seconds that took."""

    kind: str
    question: dict[str, Any]
    revision: str
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        """As stored in the ``.about`` file."""
        return {"kind": self.kind, "question": self.question, "revision": self.revision, "seconds": self.seconds}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Kept:
        """The :meth:`to_dict` form read back."""
        return cls(str(d["kind"]), dict(d["question"]), str(d["revision"]), float(d["seconds"]))


_QUESTION = 16  # hex digits of the question's digest that start a key


def _digest(data: dict[str, Any]) -> str:
    text = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()
