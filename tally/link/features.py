"""Records -> the columns the linkage model compares (names split and keyed, dates as day numbers)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from tally.core.errors import LinkError
from tally.link.names import normalise_name, skeleton

__all__ = ["FEATURE_COLUMNS", "REQUIRED_COLUMNS", "age_group", "prepare"]

REQUIRED_COLUMNS: tuple[str, ...] = ("record_key", "source", "name")
OPTIONAL_COLUMNS: tuple[str, ...] = (
    "record_id", "sex", "age", "age_group", "date_of_death", "governorate_code", "district_code",
    "place", "status",
)
FEATURE_COLUMNS: tuple[str, ...] = (
    "record_key", "source", "given", "father", "family", "given_sk", "father_sk", "family_sk",
    "name_tokens", "dod", "governorate_code", "district_code", "age", "age_group", "sex", "status",
)
_EPOCH = dt.date(1970, 1, 1)
_UNKNOWN = {"", "unknown", "nan", "none", "null", "na", "n/a"}


def age_group(age: Any, written: Any = None) -> str | None:
    """Coarse age group: child (<18), adult (18-59), elderly (60+), from the age or as written."""
    if written is not None and not (isinstance(written, float) and np.isnan(written)):
        w = str(written).strip().lower()
        if w and w not in _UNKNOWN:
            if any(k in w for k in ("child", "minor", "infant", "boy", "girl", "طفل")):
                return "child"
            if any(k in w for k in ("elder", "old", "senior", "مسن")):
                return "elderly"
            if "adult" in w or "بالغ" in w:
                return "adult"
            digits = [int(x) for x in "".join(c if c.isdigit() else " " for c in w).split()]
            if digits:
                age = digits[0] if age is None or pd.isna(age) else age
    if age is None or pd.isna(age):
        return None
    a = int(age)
    return "child" if a < 18 else "adult" if a < 60 else "elderly"


def _clean(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    s = str(value).strip()
    return None if s.lower() in _UNKNOWN else s


def _day(value: Any) -> int | None:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.date()
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return (value - _EPOCH).days
    try:
        return (dt.date.fromisoformat(str(value).strip()[:10]) - _EPOCH).days
    except ValueError:
        return None


def prepare(records: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Validate *records* and derive the model's columns; returns (features, warnings)."""
    missing = [c for c in REQUIRED_COLUMNS if c not in records.columns]
    if missing:
        raise LinkError(f"records lack required column(s): {', '.join(missing)}")
    df = records.copy()
    for c in OPTIONAL_COLUMNS:
        if c not in df.columns:
            df[c] = None
    if df["record_key"].isna().any():
        raise LinkError("records have an empty record_key")
    if df["record_key"].duplicated().any():
        dups = df.loc[df["record_key"].duplicated(), "record_key"].head(5).tolist()
        raise LinkError(f"record_key must be unique; repeated: {dups}")
    warnings: list[str] = []
    names = df["name"].map(lambda v: None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v))
    parsed = {n: normalise_name(n) for n in pd.unique(names.dropna())}
    empty = normalise_name(None)
    parts = [parsed.get(n, empty) if n is not None else empty for n in names]
    no_name = sum(1 for p in parts if not p.tokens and not p.kunya)
    if no_name:
        warnings.append(f"{no_name} record(s) without a usable name: linked on the other fields only")
    other = sum(1 for p in parts if p.script == "other")
    if other:
        warnings.append(f"{other} name(s) in a script other than Arabic or Latin: compared as written")
    short = sum(1 for p in parts if "name of one letter" in p.problems)
    if short:
        warnings.append(f"{short} name(s) of one letter")

    def col(attr: str) -> list[str | None]:
        return [getattr(p, attr) for p in parts]

    out = pd.DataFrame({"record_key": df["record_key"].astype("int64").to_numpy()})
    out["source"] = [_clean(v) or "?" for v in df["source"].tolist()]
    for c in ("given", "father", "family"):
        vals = col(c)
        out[c] = pd.Series(vals, dtype=object)
        out[f"{c}_sk"] = pd.Series([(skeleton(v) or None) if isinstance(v, str) and v else None for v in vals],
                                   dtype=object)
    out["name_tokens"] = [list(p.tokens) + ([p.kunya] if p.kunya else []) or None for p in parts]
    out["name_tokens"] = [t if t else None for t in out["name_tokens"]]
    out["dod"] = pd.array([_day(v) for v in df["date_of_death"]], dtype="Int64")
    out["governorate_code"] = [_clean(v) for v in df["governorate_code"]]
    out["district_code"] = [_clean(v) for v in df["district_code"]]
    ages = pd.to_numeric(df["age"], errors="coerce")
    ages = ages.where((ages >= 0) & (ages <= 120))
    out["age"] = pd.array(ages.round(), dtype="Int64")
    out["age_group"] = [age_group(a, w) for a, w in zip(ages.tolist(), df["age_group"].tolist(), strict=True)]
    sexes = {"m": "male", "f": "female", "ذ": "male", "أ": "female", "ا": "female"}
    out["sex"] = [sexes.get((_clean(v) or " ").lower()[:1]) for v in df["sex"].tolist()]
    out["status"] = [(lambda c: None if c is None else c.lower())(_clean(v)) for v in df["status"].tolist()]
    for c in ("given", "father", "family", "given_sk", "father_sk", "family_sk", "governorate_code",
              "district_code", "age_group", "sex", "status", "source"):
        out[c] = pd.Series([v if isinstance(v, str) else None for v in out[c].tolist()], dtype=object)
    return out, warnings
