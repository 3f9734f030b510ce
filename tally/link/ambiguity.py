"""Close calls between namesakes: a link's probability given that a record matches at most one
record of each other list.

Pairwise probabilities ignore that a list names a victim once.  When record *a* scores alike with
two records *b1*, *b2* of another list that are not the same person (two cousins of one name,
killed together, and *a* lacks the father's name that would tell them apart), each pair may score
0.99 while *a* can be only one of them: clustering then takes the stronger, a coin toss on equal
evidence.  Refusing both links is no better on the default simulated world (precision rises by
what recall loses, and the person count grows); the run queues such links for review instead.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["exclusive_probability"]


def exclusive_probability(
    key_l: np.ndarray, key_r: np.ndarray, p: np.ndarray, src_l: np.ndarray, src_r: np.ndarray,
    candidate: np.ndarray, twin: np.ndarray | None = None,
) -> np.ndarray:
    """Pairwise probabilities adjusted for the rule that a record matches at most one record of a list.

    For a pair (a, b), a of list S and b of list T, the rivals are a's other candidates in T and
    b's other candidates in S (pairs flagged *candidate*), except a rival whose pair with b (resp.
    a) is flagged *twin*: the same person entered twice.  With odds o = p / (1 - p),

        p' = o_ab / (1 + o_ab + Σ_rivals o)

    the posterior of the pair when a matches one of its candidates in T or none (and b likewise);
    p' = p for a pair without rivals.  Pairs within one list and non-candidates are returned as given.
    """
    key_l, key_r = np.asarray(key_l, dtype="int64"), np.asarray(key_r, dtype="int64")
    src_l, src_r = np.asarray(src_l), np.asarray(src_r)
    p = np.asarray(p, dtype=float)
    out = p.copy()
    idx = np.flatnonzero((src_l != src_r) & np.asarray(candidate, dtype=bool))
    if not len(idx):
        return out
    odds = p[idx] / np.maximum(1 - p[idx], 1e-12)
    # directed candidate edges x -> y (y of list sy), both orientations of each pair
    edges = pd.DataFrame({
        "x": np.concatenate([key_l[idx], key_r[idx]]), "y": np.concatenate([key_r[idx], key_l[idx]]),
        "sy": np.concatenate([src_r[idx], src_l[idx]]), "pair": np.concatenate([idx, idx]),
    })
    rivals = edges.merge(pd.DataFrame({"x": edges["x"], "sy": edges["sy"], "y_j": edges["y"],
                                       "o_j": np.concatenate([odds, odds])}), on=["x", "sy"])
    rivals = rivals[rivals["y"].to_numpy() != rivals["y_j"].to_numpy()]
    if len(rivals) and twin is not None and np.any(twin):
        # a rival that is y's own twin (the list named the person twice) is no rival
        twin = np.asarray(twin, dtype=bool)
        n = int(max(key_l.max(), key_r.max())) + 1
        known = np.sort(np.minimum(key_l[twin], key_r[twin]) * n + np.maximum(key_l[twin], key_r[twin]))
        y, yj = rivals["y"].to_numpy(), rivals["y_j"].to_numpy()
        want = np.minimum(y, yj) * n + np.maximum(y, yj)
        at = np.minimum(np.searchsorted(known, want), max(len(known) - 1, 0))
        twin = (known[at] == want) if len(known) else np.zeros(len(want), dtype=bool)
        rivals = rivals[~twin]
    against = rivals.groupby("pair")["o_j"].sum()
    total = np.zeros(len(p))
    total[against.index.to_numpy()] = against.to_numpy()
    out[idx] = odds / (1 + odds + total[idx])
    return out
