"""Decomposable (chordal) graphs on a few vertices, with a perfect elimination ordering each."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class DecomposableGraph:
    """An undirected chordal graph over lists ``0..p-1``.

    ``factors`` lists, for each vertex in a perfect ordering, the pair (vertex with its earlier
    neighbours, the earlier neighbours): the graph's likelihood is the product over factors of
    the marginal on the first set divided by the marginal on the second (empty: 1).
    """

    p: int
    edges: frozenset[tuple[int, int]]
    factors: tuple[tuple[frozenset[int], frozenset[int]], ...]

    def cliques(self) -> list[frozenset[int]]:
        """Maximal cliques."""
        sets = [f for f, _ in self.factors]
        return [c for c in sets if not any(c < d for d in sets)]

    def label(self, names: tuple[str, ...] | None = None) -> str:
        """Cliques as ``{A,B}{C}``, largest first."""
        names = names or tuple(str(i + 1) for i in range(self.p))
        cl = sorted(self.cliques(), key=lambda c: (-len(c), sorted(c)))
        return "".join("{" + ",".join(names[i] for i in sorted(c)) + "}" for c in cl)


def _perfect_ordering(p: int, adj: list[set[int]]) -> list[int] | None:
    """Maximum cardinality search; the order if it is perfect (graph chordal), else ``None``."""
    order: list[int] = []
    weight = [0] * p
    left = set(range(p))
    while left:
        v = max(sorted(left), key=lambda u: weight[u])
        order.append(v)
        left.remove(v)
        for u in adj[v] & left:
            weight[u] += 1
    seen: set[int] = set()
    for v in order:
        earlier = adj[v] & seen
        if any(b not in adj[a] for a, b in itertools.combinations(sorted(earlier), 2)):
            return None
        seen.add(v)
    return order


@lru_cache(maxsize=8)
def decomposable_graphs(p: int) -> tuple[DecomposableGraph, ...]:
    """Every decomposable graph on ``p`` labelled vertices (8 for 3, 61 for 4, 822 for 5)."""
    pairs = list(itertools.combinations(range(p), 2))
    out = []
    for mask in range(1 << len(pairs)):
        edges = frozenset(e for k, e in enumerate(pairs) if mask >> k & 1)
        adj: list[set[int]] = [set() for _ in range(p)]
        for a, b in edges:
            adj[a].add(b)
            adj[b].add(a)
        order = _perfect_ordering(p, adj)
        if order is None:
            continue
        seen: set[int] = set()
        factors = []
        for v in order:
            earlier = frozenset(adj[v] & seen)
            factors.append((earlier | {v}, earlier))
            seen.add(v)
        out.append(DecomposableGraph(p, edges, tuple(factors)))
    return tuple(out)
