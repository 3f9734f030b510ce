"""Clustering scored pairs into persons without chaining.

Connected components at a pairwise threshold chain: one weak link joins two families, and
thousands of records end up as "one person".  Here pairs are merged greedily, strongest first,
and a merge is refused when

- the two clusters would hold two records of the same list (lists name a person once, unless
  the list is declared to have duplicates; a near-certain pair within one list — a record
  entered twice — is merged first and then counts as one record of that list),
- the merged cluster would exceed the largest-cluster bound,
- a reviewer said two of their records are different people, or
- the merge joins more than two records and the mean probability of the pairs scored between
  the two clusters (strong negatives included) is below the threshold: one strong link does
  not glue two groups, nor a record to a group whose other records it contradicts.

Last, a record still alone whose partner's cluster holds one record of its own list joins it
when its pair with that record reaches ``twin_threshold`` (the record was entered twice: the
first pass merges only near-certain twins, before cross-list evidence exists).

Reviewed matches are merged first, whatever the score.  The person key of a cluster is its
smallest record key, so the result does not depend on the engine or the order of the input.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["ClusterStats", "cluster_pairs"]


@dataclass
class ClusterStats:
    """What clustering did, for the run's metrics."""

    merged: int = 0
    merged_duplicates: int = 0
    merged_twins: int = 0
    refused_same_list: int = 0
    refused_size: int = 0
    refused_reviewed: int = 0
    refused_second_pass: int = 0
    vetoed_given_name: int = 0
    vetoed_age: int = 0
    vetoed_father_in_list: int = 0
    largest: int = 0
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        """Plain dict (for JSON)."""
        return {k: v for k, v in self.__dict__.items()}


class _UF:
    def __init__(self, n: int, sources: np.ndarray, dup_ok: np.ndarray) -> None:
        self.parent = list(range(n))
        self.members: dict[int, list[int]] = {}
        self.srcs: dict[int, set[int]] = {}
        self.sources = sources.tolist()  # Python lists: numpy scalar access is slow in the loop
        self.dup_ok = dup_ok.tolist()

    def find(self, a: int) -> int:
        p = self.parent  # a Python list
        root = a
        while p[root] != root:
            root = p[root]
        while p[a] != root:
            p[a], a = root, p[a]
        return root

    def group(self, r: int) -> list[int]:
        return self.members.get(r, [r])

    def src(self, r: int) -> set[int]:
        s = self.srcs.get(r)
        if s is None:
            s = set() if self.dup_ok[r] else {self.sources[r]}
        return s

    def union(self, ra: int, rb: int) -> int:
        if len(self.group(ra)) < len(self.group(rb)):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra] = self.group(ra) + self.group(rb)
        self.srcs[ra] = self.src(ra) | self.src(rb)
        self.members.pop(rb, None)
        self.srcs.pop(rb, None)
        return ra


def _lookup(codes_sorted: np.ndarray, p_sorted: np.ndarray, n: int, x: int, y: int) -> float | None:
    want = min(x, y) * n + max(x, y)
    at = int(np.searchsorted(codes_sorted, want, side="right")) - 1
    return float(p_sorted[at]) if at >= 0 and codes_sorted[at] == want else None


def cluster_pairs(
    record_keys: np.ndarray,
    sources: np.ndarray,
    pairs: pd.DataFrame,
    threshold: float,
    *,
    max_size: int | None = None,
    sources_with_duplicates: Iterable[str] = (),
    must_link: Iterable[tuple[int, int]] = (),
    cannot_link: Iterable[tuple[int, int]] = (),
    given_name_veto: bool = True,
    duplicate_threshold: float | None = None,
    twin_threshold: float | None = None,
) -> tuple[pd.Series, ClusterStats]:
    """Cluster *pairs* (key_l, key_r, match_probability[, given_differs][, ages_apart]) into persons.

    Returns a Series record_key -> person key (the smallest record key of its cluster).
    """
    keys = np.asarray(record_keys, dtype="int64")
    order = np.argsort(keys, kind="stable")
    skeys = keys[order]
    n = len(keys)
    src_codes, src_names = pd.factorize(pd.Series(sources).astype(str))
    src_sorted = np.asarray(src_codes)[order]
    dup_names = set(sources_with_duplicates)
    dup_ok = np.array([src_names[c] in dup_names for c in src_sorted], dtype=bool)
    uf = _UF(n, src_sorted, dup_ok)
    stats = ClusterStats()

    def idx(k: np.ndarray) -> np.ndarray:
        return np.searchsorted(skeys, np.asarray(k, dtype="int64"))

    def known(k: int) -> bool:
        i = int(np.searchsorted(skeys, k))
        return i < n and skeys[i] == k

    cannot: dict[int, set[int]] = {}
    for a, b in cannot_link:
        if known(a) and known(b):
            ia, ib = int(idx(np.array([a]))[0]), int(idx(np.array([b]))[0])
            cannot.setdefault(ia, set()).add(ib)
            cannot.setdefault(ib, set()).add(ia)

    def conflicts(ra: int, rb: int) -> bool:
        if not cannot:
            return False
        gb = set(uf.group(rb))
        return any(cannot.get(m, set()) & gb for m in uf.group(ra))

    for a, b in must_link:
        if not (known(a) and known(b)):
            continue
        ra, rb = uf.find(int(idx(np.array([a]))[0])), uf.find(int(idx(np.array([b]))[0]))
        if ra == rb:
            continue
        if conflicts(ra, rb):
            stats.notes.append(f"reviewed match {a}-{b} contradicts a reviewed no-match: not merged")
            continue
        uf.union(ra, rb)
        stats.merged += 1

    if len(pairs):
        p = pairs["match_probability"].to_numpy(dtype=float)
        il = idx(pairs["key_l"].to_numpy())
        ir = idx(pairs["key_r"].to_numpy())
        lo, hi = np.minimum(il, ir).astype("int64"), np.maximum(il, ir).astype("int64")
        # pair code -> probability as sorted arrays (a dict of every pair cost ~150 bytes a pair);
        # on a repeated pair the last one wins, as a dict would have it
        codes = lo * n + hi
        by_code = np.argsort(codes, kind="stable")
        codes_sorted, p_sorted = codes[by_code], p[by_code]
        del codes, by_code
        veto = (
            pairs["given_differs"].to_numpy(dtype=bool)
            if given_name_veto and "given_differs" in pairs
            else np.zeros(len(pairs), dtype=bool)
        )
        keep = p >= threshold
        stats.vetoed_given_name = int((keep & veto).sum())
        if "ages_apart" in pairs:  # recorded ages too far apart: always two people (unless reviewed)
            apart = pairs["ages_apart"].to_numpy(dtype=bool)
            stats.vetoed_age = int((keep & apart & ~veto).sum())
            veto = veto | apart
        if "father_differs" in pairs:
            # one list, one convention: two of its records whose fathers' names clearly differ are
            # two people (namesake cousins), never one victim entered twice
            kin = pairs["father_differs"].to_numpy(dtype=bool) & (src_sorted[lo] == src_sorted[hi])
            stats.vetoed_father_in_list = int((keep & kin & ~veto).sum())
            veto = veto | kin
        vetoed_codes = np.sort(lo[veto] * n + hi[veto])
        keep &= ~veto
        if duplicate_threshold is not None:
            # phase 1: a record entered twice in one list (a near-certain pair of the same list)
            # joins its twin; the pair then counts as one record of that list
            src_l = np.asarray(src_sorted)[lo]
            src_h = np.asarray(src_sorted)[hi]
            dup = np.flatnonzero(keep & (src_l == src_h) & (p >= duplicate_threshold))
            dup = dup[np.lexsort((hi[dup], lo[dup], -p[dup]))]
            for j in dup.tolist():
                ra, rb = uf.find(int(lo[j])), uf.find(int(hi[j]))
                if ra != rb and len(uf.group(ra)) == 1 and len(uf.group(rb)) == 1 and not conflicts(ra, rb):
                    uf.union(ra, rb)
                    stats.merged_duplicates += 1
        sel = np.flatnonzero(keep)
        # strongest first; ties broken by the keys so the result is deterministic
        sel = sel[np.lexsort((hi[sel], lo[sel], -p[sel]))]
        for a, b in zip(lo[sel].tolist(), hi[sel].tolist(), strict=True):
            ra, rb = uf.find(a), uf.find(b)
            if ra == rb:
                continue
            ga, gb = uf.group(ra), uf.group(rb)
            if max_size is not None and len(ga) + len(gb) > max_size:
                stats.refused_size += 1
                continue
            if uf.src(ra) & uf.src(rb):
                stats.refused_same_list += 1
                continue
            if conflicts(ra, rb):
                stats.refused_reviewed += 1
                continue
            if len(ga) + len(gb) > 2:  # not for two single records: their own pair decides
                want = np.array([min(x, y) * n + max(x, y) for x in ga for y in gb], dtype="int64")
                at = np.searchsorted(codes_sorted, want, side="right") - 1
                found = (at >= 0) & (codes_sorted[np.maximum(at, 0)] == want)
                vals = p_sorted[at[found]].tolist()
                if not vals or sum(vals) / len(vals) < threshold:
                    stats.refused_second_pass += 1
                    continue
            uf.union(ra, rb)
            stats.merged += 1

        if twin_threshold is not None:
            # phase 3: a record left alone whose partner's cluster already holds one record of
            # its own list is that record entered twice, when the two are close enough and the
            # record fits the cluster as a whole (strongest partner first)
            def lookup(x: int, y: int) -> float | None:
                return _lookup(codes_sorted, p_sorted, n, x, y)

            for a, b in zip(lo[sel].tolist(), hi[sel].tolist(), strict=True):
                for r, other in ((a, b), (b, a)):
                    if len(uf.group(uf.find(r))) != 1 or uf.dup_ok[r]:
                        continue
                    rc = uf.find(other)
                    group = uf.group(rc)
                    if max_size is not None and len(group) + 1 > max_size:
                        continue
                    twins = [m for m in group if uf.sources[m] == uf.sources[r]]
                    if len(twins) != 1 or conflicts(uf.find(r), rc):
                        continue
                    pt = lookup(r, twins[0])
                    code = min(r, twins[0]) * n + max(r, twins[0])
                    at = int(np.searchsorted(vetoed_codes, code))
                    if at < len(vetoed_codes) and vetoed_codes[at] == code:
                        continue
                    vals = [v for v in (lookup(r, m) for m in group) if v is not None]
                    if pt is None or pt < twin_threshold or not vals or sum(vals) / len(vals) < threshold:
                        continue
                    uf.union(uf.find(r), rc)
                    stats.merged_twins += 1

    roots = np.array([uf.find(i) for i in range(n)], dtype="int64")
    # person key = smallest record key in the cluster
    first = pd.Series(skeys).groupby(roots).transform("min").to_numpy()
    sizes = pd.Series(roots).value_counts()
    stats.largest = int(sizes.max()) if len(sizes) else 0
    result = pd.Series(first, index=pd.Index(skeys, name="record_key"), name="person")
    return result, stats
