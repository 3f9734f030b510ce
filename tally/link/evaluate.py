"""Scoring a linkage against a key: pairwise precision, recall, F1 and cluster counts."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from tally.core.errors import LinkError

__all__ = ["LinkScore", "read_truth", "score_clusters"]


@dataclass(frozen=True)
class LinkScore:
    """Pairwise scores of predicted persons against true persons."""

    records: int
    true_pairs: int
    predicted_pairs: int
    true_positive_pairs: int
    precision: float
    recall: float
    f1: float
    predicted_persons: int
    true_persons: int
    exact_clusters: int  # predicted persons identical to a true person
    unmatched_records: int  # records in the prediction missing from the key (ignored)

    def to_dict(self) -> dict[str, float | int]:
        """Plain dict (for JSON)."""
        return asdict(self)

    def summary(self) -> str:
        """One paragraph for the terminal."""
        return (
            f"records {self.records:,}  persons predicted {self.predicted_persons:,} / true "
            f"{self.true_persons:,}  (exact {self.exact_clusters:,})\n"
            f"pairs: predicted {self.predicted_pairs:,}  true {self.true_pairs:,}  "
            f"correct {self.true_positive_pairs:,}\n"
            f"precision {self.precision:.4f}  recall {self.recall:.4f}  F1 {self.f1:.4f}"
        )


def _pairs(sizes: pd.Series) -> int:
    s = sizes.astype("int64")
    return int((s * (s - 1) // 2).sum())


def score_clusters(predicted: pd.DataFrame, truth: pd.DataFrame) -> LinkScore:
    """Score *predicted* (source, id, person) against *truth* (source, id, person)."""
    for name, df in (("prediction", predicted), ("key", truth)):
        missing = {"source", "id", "person"} - set(df.columns)
        if missing:
            raise LinkError(f"{name} lacks column(s): {', '.join(sorted(missing))}")
    pred = predicted[["source", "id", "person"]].astype({"source": str, "id": str}).copy()
    true = truth[["source", "id", "person"]].astype({"source": str, "id": str}).copy()
    if true.duplicated(["source", "id"]).any():
        raise LinkError("the key names a record twice (source, id)")
    both = pred.merge(true, on=["source", "id"], suffixes=("_p", "_t"), how="inner")
    unmatched = len(pred) - len(both)
    tp = _pairs(both.groupby(["person_p", "person_t"]).size())
    pp = _pairs(both.groupby("person_p").size())
    tt = _pairs(both.groupby("person_t").size())
    precision = tp / pp if pp else 1.0
    recall = tp / tt if tt else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    sig_p = both.groupby("person_p")["person_t"].agg(["nunique", "first", "size"])
    size_t = both.groupby("person_t").size()
    exact = int(((sig_p["nunique"] == 1) & (sig_p["size"].to_numpy() == size_t.reindex(sig_p["first"]).to_numpy())).sum())
    return LinkScore(
        records=len(both),
        true_pairs=tt,
        predicted_pairs=pp,
        true_positive_pairs=tp,
        precision=precision,
        recall=recall,
        f1=f1,
        predicted_persons=int(both["person_p"].nunique()),
        true_persons=int(both["person_t"].nunique()),
        exact_clusters=exact,
        unmatched_records=unmatched,
    )


def read_truth(path: str | Path) -> pd.DataFrame:
    """Read a key CSV with columns source,id,person."""
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError) as exc:
        raise LinkError(f"cannot read key {path}: {exc}") from exc
    missing = {"source", "id", "person"} - set(df.columns)
    if missing:
        raise LinkError(f"key {path} lacks column(s): {', '.join(sorted(missing))}")
    return df
