"""Hierarchical log-linear models on ``J`` lists: enumeration, Rcapture-style names, design matrices.

A model is the tuple of its interaction terms (|T| >= 2) as bitmasks over the lists, first list
the top bit, closed under taking subsets; main effects and the intercept are always in.
"""

from __future__ import annotations

import itertools

import numpy as np

from tally.core.errors import EstimateError
from tally.estimate.captures import cell_patterns


def enumerate_models(j: int) -> list[tuple[int, ...]]:
    """Every hierarchical model's interaction terms (down-closed sets of terms, |T| >= 2, no J-way term)."""
    full = (1 << j) - 1
    candidates = [t for t in range(1, full) if bin(t).count("1") >= 2]
    candidates.sort(key=lambda t: (bin(t).count("1"), t))
    models: list[tuple[int, ...]] = []

    def extend(i: int, chosen: set[int]) -> None:
        if i == len(candidates):
            models.append(tuple(sorted(chosen)))
            return
        extend(i + 1, chosen)
        t = candidates[i]
        subs = [t & ~(1 << b) for b in range(j) if t >> b & 1]
        if all(bin(s).count("1") < 2 or s in chosen for s in subs):
            chosen.add(t)
            extend(i + 1, chosen)
            chosen.remove(t)

    extend(0, set())
    return models


def design(j: int, terms: tuple[int, ...]) -> np.ndarray:
    """Design matrix over all ``2**J`` cells: intercept, main effects, then the interaction terms."""
    cells = np.arange(2**j)
    cols = [np.ones(2**j)] + [cell_patterns(j)[:, k].astype(float) for k in range(j)]
    cols += [((cells & t) == t).astype(float) for t in terms]
    return np.column_stack(cols)


def term_label(j: int, t: int) -> str:
    """Digits (1-based) of the lists in term *t*, e.g. ``"134"``."""
    digits = [str(k + 1) for k in range(j) if t >> (j - 1 - k) & 1]
    return ("" if j < 10 else ".").join(digits)


def model_name(j: int, terms: tuple[int, ...]) -> str:
    """Rcapture's name: generating terms, higher order first, then lists in no interaction."""
    gens = [t for t in terms if not any(u != t and u & t == t for u in terms)]
    covered = 0
    for t in gens:
        covered |= t
    singles = [1 << (j - 1 - k) for k in range(j) if not covered >> (j - 1 - k) & 1]
    order = sorted(gens, key=lambda t: (-bin(t).count("1"), term_label(j, t)))
    return "[" + ",".join(term_label(j, t) for t in [*order, *singles]) + "]"


def parse_model(name: str, j: int) -> tuple[int, ...]:
    """Interaction terms of the hierarchical model named like ``"[123,14,34]"``."""
    body = name.strip().strip("[]")
    gens = []
    for part in filter(None, (p.strip() for p in body.split(","))):
        idx = part.split(".") if "." in part else list(part)
        try:
            bits = [int(d) for d in idx]
        except ValueError as exc:
            raise EstimateError(f"bad model name {name!r}") from exc
        if any(not 1 <= b <= j for b in bits):
            raise EstimateError(f"model {name!r} names a list outside 1..{j}")
        gens.append(sum(1 << (j - b) for b in set(bits)))
    terms = {sub for g in gens for sub in _subsets(g) if bin(sub).count("1") >= 2}
    if (1 << j) - 1 in terms:
        raise EstimateError(f"model {name!r} has the {j}-way interaction: not identifiable")
    return tuple(sorted(terms))


def _subsets(t: int) -> list[int]:
    bits = [1 << b for b in range(t.bit_length()) if t >> b & 1]
    return [sum(c) for r in range(1, len(bits) + 1) for c in itertools.combinations(bits, r)]
