"""Pairwise scoring against a key."""

from __future__ import annotations

import pandas as pd
import pytest

from tally.core.errors import LinkError
from tally.link.evaluate import read_truth, score_clusters


def _df(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["source", "id", "person"])


def test_score_clusters_counts_pairs() -> None:
    truth = _df([("a", "1", "X"), ("b", "1", "X"), ("c", "1", "X"), ("a", "2", "Y"), ("b", "2", "Y")])
    pred = _df([("a", "1", "p"), ("b", "1", "p"), ("c", "1", "q"), ("a", "2", "q"), ("b", "2", "r")])
    s = score_clusters(pred, truth)
    assert (s.true_pairs, s.predicted_pairs, s.true_positive_pairs) == (4, 2, 1)
    assert s.precision == pytest.approx(0.5) and s.recall == pytest.approx(0.25)
    assert s.f1 == pytest.approx(2 * 0.5 * 0.25 / 0.75)
    assert (s.predicted_persons, s.true_persons, s.exact_clusters) == (3, 2, 0)


def test_score_clusters_perfect() -> None:
    truth = _df([("a", "1", "X"), ("b", "1", "X"), ("a", "2", "Y")])
    s = score_clusters(truth.assign(person=["k", "k", "m"]), truth)
    assert s.f1 == 1.0 and s.exact_clusters == 2


def test_read_truth_checks_columns(tmp_path) -> None:
    p = tmp_path / "key.csv"
    p.write_text("source,id\na,1\n")
    with pytest.raises(LinkError, match="person"):
        read_truth(p)
