"""Capture histories: which lists each observed person is on, tabulated by pattern.

A :class:`CaptureHistory` holds ``J`` list names, an ``(M, J)`` matrix of distinct 0/1 capture
patterns (never the all-zero pattern: the unobserved are what we estimate) and their counts.
Cells are indexed throughout the package by the binary number the pattern spells, first list
most significant, so ``(1, 0, 1)`` is cell 5 of 8 and cell 0 is the unobserved.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tally.core.errors import EstimateError, InputError, Problem


@dataclass(frozen=True, eq=False)
class CaptureHistory:
    """Counts of people by capture pattern over named lists."""

    lists: tuple[str, ...]
    patterns: np.ndarray
    counts: np.ndarray

    def __post_init__(self) -> None:
        pats = np.asarray(self.patterns, dtype=np.int64).reshape(-1, len(self.lists))
        cnts = np.asarray(self.counts, dtype=np.int64).reshape(-1)
        if len(set(self.lists)) != len(self.lists):
            raise EstimateError(f"list names must be distinct: {list(self.lists)}")
        if pats.shape[0] != cnts.shape[0]:
            raise EstimateError("patterns and counts differ in length")
        if ((pats != 0) & (pats != 1)).any():
            raise EstimateError("capture patterns must be 0/1")
        if (cnts < 0).any():
            raise EstimateError("counts must be non-negative")
        if (cnts[pats.sum(axis=1) == 0] > 0).any():
            raise EstimateError("the all-zero pattern (the unobserved) cannot have a count")
        # Merge duplicates and keep one row per pattern in cell order.
        cells = _cells(pats)
        table = np.bincount(cells, weights=cnts, minlength=2 ** len(self.lists)).astype(np.int64)
        keep = np.flatnonzero(np.bincount(cells, minlength=len(table)) > 0)
        keep = keep[keep > 0]
        object.__setattr__(self, "patterns", _bits(keep, len(self.lists)))
        object.__setattr__(self, "counts", table[keep])
        self.patterns.setflags(write=False)
        self.counts.setflags(write=False)
        object.__setattr__(self, "lists", tuple(str(x) for x in self.lists))

    # -- construction -----------------------------------------------------------------------
    @classmethod
    def from_patterns(
        cls, lists: Sequence[str], patterns: Iterable[Sequence[int]], counts: Iterable[int]
    ) -> CaptureHistory:
        """Build from list names, 0/1 patterns and their counts."""
        pats = np.array([list(p) for p in patterns], dtype=np.int64).reshape(-1, len(lists))
        return cls(tuple(lists), pats, np.array(list(counts), dtype=np.int64))

    @classmethod
    def from_table(cls, lists: Sequence[str], table: Sequence[int] | np.ndarray) -> CaptureHistory:
        """Build from a full ``2**J`` vector of cell counts (cell 0, the unobserved, ignored)."""
        table = np.asarray(table, dtype=np.int64)
        if table.shape != (2 ** len(lists),):
            raise EstimateError(f"a table over {len(lists)} lists needs {2 ** len(lists)} cells")
        cells = np.arange(1, len(table))
        return cls(tuple(lists), _bits(cells, len(lists)), table[1:])

    @classmethod
    def from_records(
        cls, memberships: Iterable[Iterable[str]], lists: Sequence[str] | None = None
    ) -> CaptureHistory:
        """Build from one set of list names per person (people on no list are skipped)."""
        rows = [frozenset(m) for m in memberships]
        names = tuple(lists) if lists is not None else tuple(sorted(set().union(*rows)))
        unknown = set().union(*rows) - set(names) if rows else set()
        if unknown:
            raise EstimateError(f"records name lists not in {list(names)}: {sorted(unknown)}")
        index = {name: j for j, name in enumerate(names)}
        tally = Counter(rows)
        patterns, counts = [], []
        for members, count in tally.items():
            if not members:
                continue
            pat = [0] * len(names)
            for name in members:
                pat[index[name]] = 1
            patterns.append(pat)
            counts.append(count)
        return cls.from_patterns(names, patterns, counts)

    @classmethod
    def from_csv(cls, path: str | Path) -> CaptureHistory:
        """Read one 0/1 column per list and a ``count`` column; every bad cell is reported."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise InputError(f"{path}: cannot read capture file ({exc.strerror})") from exc
        reader = csv.reader(text.splitlines())
        header = [h.strip() for h in next(reader, [])]
        problems: list[Problem] = []
        if "count" not in header:
            raise InputError(f"{path}: no 'count' column", [Problem("no 'count' column", str(path), 1)])
        if "nbcap" in header:
            msg = "frequency-of-capture data (nbcap) has no list identities; MSE needs one 0/1 column per list"
            raise InputError(f"{path}: {msg}", [Problem(msg, str(path), 1, "nbcap")])
        lists = [h for h in header if h != "count"]
        if not lists:
            raise InputError(f"{path}: no list columns", [Problem("no list columns", str(path), 1)])
        ci = header.index("count")
        patterns: list[list[int]] = []
        counts: list[int] = []
        for rowno, row in enumerate(reader, start=2):
            if not any(c.strip() for c in row):
                continue
            if len(row) != len(header):
                problems.append(Problem(f"expected {len(header)} fields, found {len(row)}", str(path), rowno))
                continue
            pat = []
            for j, (name, cell) in enumerate(zip(header, row)):
                value = cell.strip()
                if j == ci:
                    if not value.isdigit():
                        problems.append(Problem(f"count must be a whole number >= 0, not {value!r}", str(path), rowno, name))
                    continue
                if value not in ("0", "1"):
                    problems.append(Problem(f"expected 0 or 1, not {value!r}", str(path), rowno, name))
                    continue
                pat.append(int(value))
            if len(pat) == len(lists) and row[ci].strip().isdigit():
                if sum(pat) == 0 and int(row[ci]) > 0:
                    problems.append(Problem("the all-zero pattern (the unobserved) cannot have a count", str(path), rowno))
                    continue
                patterns.append(pat)
                counts.append(int(row[ci]))
        if problems:
            raise InputError(f"{path}: {len(problems)} bad cell(s)", problems)
        if not counts:
            raise InputError(f"{path}: no capture patterns", [Problem("no rows", str(path))])
        return cls.from_patterns(lists, patterns, counts)

    # -- views ------------------------------------------------------------------------------
    @property
    def n_lists(self) -> int:
        """Number of lists ``J``."""
        return len(self.lists)

    @property
    def observed(self) -> int:
        """Number of distinct people observed on at least one list."""
        return int(self.counts.sum())

    def table(self) -> np.ndarray:
        """Full ``2**J`` vector of counts by cell; cell 0 (the unobserved) is 0."""
        out = np.zeros(2**self.n_lists, dtype=np.int64)
        out[_cells(self.patterns)] = self.counts
        return out

    def list_sizes(self) -> dict[str, int]:
        """How many people each list holds."""
        sizes = (self.patterns * self.counts[:, None]).sum(axis=0)
        return {name: int(s) for name, s in zip(self.lists, sizes)}

    def select(self, lists: Sequence[str]) -> CaptureHistory:
        """Marginal history over a subset of lists, in the order given (people on none dropped)."""
        missing = [name for name in lists if name not in self.lists]
        if missing:
            raise EstimateError(f"no such list(s) {missing}; lists are {list(self.lists)}")
        idx = [self.lists.index(name) for name in lists]
        pats = self.patterns[:, idx]
        seen = pats.sum(axis=1) > 0
        return CaptureHistory(tuple(lists), pats[seen], self.counts[seen])

    def to_rows(self) -> list[dict[str, int]]:
        """One dict per pattern, list names and ``count`` as keys (the CSV format)."""
        return [
            {**{name: int(v) for name, v in zip(self.lists, pat)}, "count": int(c)}
            for pat, c in zip(self.patterns, self.counts)
        ]

    def __repr__(self) -> str:
        return f"CaptureHistory(lists={list(self.lists)}, patterns={len(self.counts)}, observed={self.observed})"


def _cells(patterns: np.ndarray) -> np.ndarray:
    """Cell index of each 0/1 pattern row (first list most significant)."""
    j = patterns.shape[1]
    weights = 2 ** np.arange(j - 1, -1, -1, dtype=np.int64)
    cells: np.ndarray = (np.asarray(patterns, dtype=np.int64) @ weights).astype(np.int64)
    return cells


def _bits(cells: np.ndarray, j: int) -> np.ndarray:
    """0/1 pattern rows of cell indices (inverse of :func:`_cells`)."""
    cells = np.asarray(cells, dtype=np.int64).reshape(-1)
    shifts = np.arange(j - 1, -1, -1, dtype=np.int64)
    return ((cells[:, None] >> shifts[None, :]) & 1).astype(np.int64)


def cell_patterns(j: int) -> np.ndarray:
    """All ``2**J`` 0/1 patterns in cell order (row 0 is the unobserved)."""
    return _bits(np.arange(2**j), j)
