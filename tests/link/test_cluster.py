"""Clustering without chaining."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tally.link.cluster import cluster_pairs


def _pairs(rows: list[tuple[int, int, float]], veto: set[tuple[int, int]] = frozenset()) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["key_l", "key_r", "match_probability"])
    df["given_differs"] = [(a, b) in veto for a, b, _ in rows]
    return df


def test_cluster_pairs_does_not_chain_through_one_list() -> None:
    # a chain 1-2-3-4-5 across alternating lists: connected components would make one person
    keys = np.array([1, 2, 3, 4, 5])
    sources = np.array(["a", "b", "a", "b", "a"])
    pairs = _pairs([(1, 2, 0.99), (2, 3, 0.98), (3, 4, 0.97), (4, 5, 0.96)])
    clusters, stats = cluster_pairs(keys, sources, pairs, 0.9)
    assert clusters[1] == clusters[2] and clusters[3] == clusters[4]
    assert clusters[2] != clusters[3] and clusters[5] == 5
    assert stats.refused_same_list >= 1 and stats.largest == 2


def test_cluster_pairs_largest_cluster_bound() -> None:
    keys = np.arange(1, 7)
    sources = np.array(list("abcdef"))
    rows = [(i, j, 0.99) for i in range(1, 7) for j in range(i + 1, 7)]
    clusters, stats = cluster_pairs(keys, sources, _pairs(rows), 0.9, max_size=3)
    assert clusters.value_counts().max() == 3
    assert stats.refused_size > 0


def test_cluster_pairs_second_pass_refuses_weak_glue() -> None:
    # two solid pairs joined by a single strong link whose other cross pairs are weak
    keys = np.array([1, 2, 3, 4])
    sources = np.array(["a", "b", "c", "d"])
    rows = [(1, 2, 0.999), (3, 4, 0.998), (2, 3, 0.95), (1, 3, 0.1), (1, 4, 0.1), (2, 4, 0.1)]
    clusters, stats = cluster_pairs(keys, sources, _pairs(rows), 0.9)
    assert clusters[1] == clusters[2] != clusters[3] == clusters[4]
    assert stats.refused_second_pass == 1


def test_cluster_pairs_reviewed_decisions_win() -> None:
    keys = np.array([1, 2, 3])
    sources = np.array(["a", "b", "a"])
    pairs = _pairs([(1, 2, 0.99)])
    clusters, _ = cluster_pairs(keys, sources, pairs, 0.9, cannot_link=[(1, 2)], must_link=[(1, 3)])
    assert clusters[1] != clusters[2]
    assert clusters[1] == clusters[3]  # reviewed: same list allowed


def test_cluster_pairs_given_name_veto() -> None:
    keys = np.array([1, 2])
    sources = np.array(["a", "b"])
    pairs = _pairs([(1, 2, 0.999)], veto={(1, 2)})
    clusters, stats = cluster_pairs(keys, sources, pairs, 0.9)
    assert clusters[1] != clusters[2] and stats.vetoed_given_name == 1
    clusters, _ = cluster_pairs(keys, sources, pairs, 0.9, given_name_veto=False)
    assert clusters[1] == clusters[2]


def test_cluster_pairs_duplicates_allowed_in_declared_list() -> None:
    keys = np.array([1, 2])
    sources = np.array(["a", "a"])
    pairs = _pairs([(1, 2, 0.99)])
    assert cluster_pairs(keys, sources, pairs, 0.9)[0].nunique() == 2
    assert cluster_pairs(keys, sources, pairs, 0.9, sources_with_duplicates=["a"])[0].nunique() == 1


def test_cluster_pairs_deterministic_person_keys() -> None:
    rng = np.random.default_rng(3)
    keys = np.arange(100, 160)
    sources = rng.choice(list("abcd"), size=60)
    rows = [(int(a), int(b), float(p)) for a, b, p in zip(rng.choice(keys, 80), rng.choice(keys, 80), rng.random(80))
            if a != b]
    pairs = _pairs(rows)
    c1, _ = cluster_pairs(keys, sources, pairs, 0.5)
    perm = rng.permutation(len(keys))
    c2, _ = cluster_pairs(keys[perm], sources[perm], pairs.sample(frac=1, random_state=1), 0.5)
    assert (c1.sort_index() == c2.sort_index()).all()
    assert all(c1[k] <= k for k in keys)


def test_cluster_pairs_singleton_refused_by_a_contradicting_member() -> None:
    # record 3 fits record 1 well but record 2 (already with 1) not at all: a namesake
    keys = np.array([1, 2, 3])
    sources = np.array(["a", "b", "c"])
    rows = [(1, 2, 0.999), (1, 3, 0.95), (2, 3, 0.001)]
    clusters, stats = cluster_pairs(keys, sources, _pairs(rows), 0.9)
    assert clusters[1] == clusters[2] != clusters[3]
    assert stats.refused_second_pass == 1


def test_cluster_pairs_record_entered_twice_joins_its_twin() -> None:
    # 1 and 3 are one victim entered twice in list a (pair 0.93: below the first pass's 0.99);
    # 2 in list b fits both; 4 in list a is a namesake that fits 2 but not its twin 1
    keys = np.array([1, 2, 3, 4])
    sources = np.array(["a", "b", "a", "a"])
    rows = [(1, 2, 0.99), (2, 3, 0.98), (1, 3, 0.93), (2, 4, 0.97), (1, 4, 0.2)]
    clusters, stats = cluster_pairs(keys, sources, _pairs(rows), 0.7, duplicate_threshold=0.99,
                                    twin_threshold=0.9)
    assert clusters[1] == clusters[2] == clusters[3] != clusters[4]
    assert stats.merged_twins == 1
    assert clusters[4] == 4
    # without the twin pass (or with a stricter bar) the list constraint keeps 3 apart
    for twin in (None, 0.95):
        clusters, _ = cluster_pairs(keys, sources, _pairs(rows), 0.7, duplicate_threshold=0.99, twin_threshold=twin)
        assert clusters[3] == 3 and clusters[1] == clusters[2]


def test_cluster_pairs_father_veto_within_one_list() -> None:
    # 1 and 3 of list a: namesake cousins (fathers' names clearly differ) scored as a double entry;
    # 2 of list b without a father's name fits both
    keys = np.array([1, 2, 3])
    sources = np.array(["a", "b", "a"])
    rows = [(1, 2, 0.99), (2, 3, 0.98), (1, 3, 0.995)]
    pairs = _pairs(rows)
    clusters, stats = cluster_pairs(keys, sources, pairs, 0.7, duplicate_threshold=0.99, twin_threshold=0.9)
    assert clusters[1] == clusters[2] == clusters[3]  # without the column: merged as a double entry
    pairs["father_differs"] = [True, False, True]  # 1-2 differ too, but they are of two lists
    clusters, stats = cluster_pairs(keys, sources, pairs, 0.7, duplicate_threshold=0.99, twin_threshold=0.9)
    assert clusters[1] == clusters[2] != clusters[3]  # neither a double entry nor a twin
    assert stats.vetoed_father_in_list == 1 and stats.merged_twins == 0 and stats.merged_duplicates == 0


def test_cluster_pairs_twin_pass_respects_the_vetoes() -> None:
    # 3 scores 0.95 with 1 of its own list, but their given names clearly differ (siblings)
    keys = np.array([1, 2, 3])
    sources = np.array(["a", "b", "a"])
    rows = [(1, 2, 0.99), (2, 3, 0.98), (1, 3, 0.95)]
    clusters, stats = cluster_pairs(keys, sources, _pairs(rows, veto={(1, 3)}), 0.7, duplicate_threshold=0.99,
                                    twin_threshold=0.9)
    assert clusters[3] == 3 and stats.merged_twins == 0
