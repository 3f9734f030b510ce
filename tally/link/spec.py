"""LinkSpec: what a user writes to steer linkage (JSON or TOML), stored with every run."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from tally.core.errors import LinkError

__all__ = ["DEFAULT_BLOCKING_RULES", "DEFAULT_DETERMINISTIC_RULES", "LinkSpec"]

# SQL over the prepared columns (see tally.link.features); l./r. are the two records.
DEFAULT_BLOCKING_RULES: tuple[str, ...] = (
    # names alone make huge blocks on real lists (a few names are very common): each name rule
    # is also tied to a place or a day
    "l.given = r.given and l.family = r.family and l.governorate_code = r.governorate_code",
    "l.given = r.given and l.family = r.family and l.dod = r.dod",
    "l.given = r.family and l.family = r.given",
    "l.given_sk = r.given_sk and l.family_sk = r.family_sk and l.dod = r.dod",
    "l.given = r.given and l.father = r.father and l.governorate_code = r.governorate_code",
    "l.given_sk = r.given_sk and l.dod = r.dod and l.governorate_code = r.governorate_code",
    "l.family_sk = r.family_sk and l.dod = r.dod and l.governorate_code = r.governorate_code",
    "l.given_sk = r.given_sk and l.district_code = r.district_code and l.age = r.age",
    # both names spelled differently and the date copied a few days off, wherever the place:
    # two 7-day grids three days apart, so that any two dates within 3 days share a week in
    # one of them (an equi-join on the week keeps blocks small on long periods; a date window
    # or a governorate would make blocks of billions of pairs at a million records)
    "l.given_sk = r.given_sk and l.family_sk = r.family_sk and floor(l.dod / 7) = floor(r.dod / 7)",
    "l.given_sk = r.given_sk and l.family_sk = r.family_sk and floor((l.dod + 3) / 7) = floor((r.dod + 3) / 7)",
)
# Rules that admit (almost) no false positive: used to calibrate the prior, never to link.
DEFAULT_DETERMINISTIC_RULES: tuple[str, ...] = (
    "l.given = r.given and l.father = r.father and l.family = r.family and l.dod = r.dod",
    "l.given = r.given and l.family = r.family and l.dod = r.dod and l.district_code = r.district_code"
    " and l.age = r.age",
)


class LinkSpec(BaseModel):
    """Settings of one linkage run; every field has a safe default."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    engine: Literal["duckdb", "spark"] = Field("duckdb", description="Backend that runs Splink.")
    threshold: float = Field(0.6, gt=0, lt=1, description="Match probability at or above which a pair links.")
    review_band: tuple[float, float] = Field(
        (0.3, 0.97), description="Pairs with a probability in [low, high) go to the review queue."
    )
    review_list_clashes: bool = Field(
        False, description="Also queue pairs that the one-record-per-list rule kept apart (their persons "
        "already hold a record of the other's list; few are matches)."
    )
    review_close_calls: bool = Field(
        True, description="Also queue links that were a close call between two records of one list (namesakes "
        "killed together): below the threshold once a record may match only one of them (tally.link.ambiguity).",
    )
    keep_pairs_above: float = Field(0.05, ge=0, lt=1, description="Pairs stored with the run (probability floor).")
    blocking_rules: list[str] = Field(default_factory=lambda: list(DEFAULT_BLOCKING_RULES))
    deterministic_rules: list[str] = Field(default_factory=lambda: list(DEFAULT_DETERMINISTIC_RULES))
    deterministic_recall: float = Field(
        0.6, gt=0, le=1, description="Assumed recall of the deterministic rules (prior calibration)."
    )
    max_cluster_size: int | None = Field(
        None, ge=1, description="Largest person allowed; default: twice the number of lists."
    )
    duplicate_threshold: float | None = Field(
        0.99, gt=0, le=1,
        description="Two records of one list at or above this probability are one person entered twice "
        "(None: never merge within a list unless it is in sources_with_duplicates).",
    )
    twin_threshold: float | None = Field(
        0.9, gt=0, le=1,
        description="A record left alone joins its partner's person when that person holds one record of the "
        "same list and the two records reach this probability: one victim entered twice (None: never).",
    )
    sources_with_duplicates: list[str] = Field(
        default_factory=list, description="Lists that may name one person twice (within-list links allowed)."
    )
    given_name_veto: bool = Field(
        True, description="Never link two records whose given names clearly differ (siblings), unless reviewed."
    )
    age_veto_years: int | None = Field(
        10, ge=0, description="Never link two records whose recorded ages differ by more than this many "
        "years, unless reviewed (None: ages only weigh in the model).",
    )
    veto_spares_same_age_and_sex: bool = Field(
        False, description="The given-name veto spares pairs of the same sex and age (within a year): "
        "more recall on lists that spell given names very differently, a little less sibling safety."
    )
    given_name_m: dict[str, float] = Field(
        default_factory=lambda: {"exact": 0.88, "swapped": 0.03, "fuzzy": 0.07, "else": 0.02},
        description="m probabilities of the given-name levels among true matches (domain knowledge).",
    )
    min_reviewed_for_m: int = Field(
        30, ge=1, description="Reviewed matches needed before m probabilities are re-estimated from them."
    )
    em_max_pairs: float = Field(2e6, gt=0, description="Pairs sampled for each EM session.")
    u_max_pairs: float = Field(5e6, gt=0, description="Random pairs used to estimate u probabilities.")
    exact_u_max_groups: int = Field(
        5000, ge=0, description="Comparisons whose columns take at most this many distinct value combinations "
        "get u probabilities counted over all pairs of records instead of sampled (0: sample every comparison).",
    )
    memory_limit: str = Field("2GB", description="DuckDB memory limit (also the Spark driver memory).")
    threads: int = Field(2, ge=1, description="Worker threads (DuckDB threads, Spark local cores).")
    predict_chunks: int = Field(1, ge=1, description="Split prediction in n x n chunks to bound memory.")
    seed: int = Field(42, description="Seed of every random sample.")
    model: dict[str, Any] | None = Field(
        None, description="A trained Splink model (JSON) to reuse instead of training."
    )

    @model_validator(mode="after")
    def _check(self) -> LinkSpec:
        low, high = self.review_band
        if not 0 <= low <= high <= 1:
            raise ValueError("review_band must be 0 <= low <= high <= 1")
        if not self.blocking_rules:
            raise ValueError("blocking_rules must not be empty")
        if set(self.given_name_m) != {"exact", "swapped", "fuzzy", "else"}:
            raise ValueError("given_name_m needs exactly: exact, swapped, fuzzy, else")
        if abs(sum(self.given_name_m.values()) - 1) > 1e-6:
            raise ValueError("given_name_m must sum to 1")
        return self

    @classmethod
    def load(cls, path: str | Path) -> LinkSpec:
        """Read a spec from a JSON or TOML file, reporting every problem at once."""
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8")
            data = tomllib.loads(text) if p.suffix.lower() == ".toml" else json.loads(text)
        except (OSError, ValueError) as exc:
            raise LinkError(f"cannot read link spec {p}: {exc}") from exc
        return cls.parse(data, where=str(p))

    @classmethod
    def parse(cls, data: dict[str, Any], where: str = "link spec") -> LinkSpec:
        """Validate a dict into a spec; one LinkError listing every problem."""
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(x) for x in e['loc']) or 'spec'}: {e['msg']}" for e in exc.errors()
            )
            raise LinkError(f"invalid {where}: {problems}") from exc

    def to_dict(self) -> dict[str, Any]:
        """The spec as plain JSON-able data (stored with each run)."""
        return self.model_dump(mode="json")
