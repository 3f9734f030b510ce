"""Records -> the columns the linkage model compares (names split and keyed, dates as day numbers)."""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from tally.core.errors import LinkError
from tally.link.names import NameParts, normalise_name, skeleton

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
    if isinstance(value, str):
        s = value.strip()
        return None if s.lower() in _UNKNOWN else s
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


Compact = tuple[str | None, str | None, str | None, tuple[str, ...], int]
_NO_NAME, _OTHER, _ONE_LETTER = 1, 2, 4


def _compact(p: NameParts) -> Compact:
    flags = (_NO_NAME if not p.tokens and not p.kunya else 0) | (_OTHER if p.script == "other" else 0) | (
        _ONE_LETTER if "name of one letter" in p.problems else 0)
    return (p.given, p.father, p.family, p.tokens + ((p.kunya,) if p.kunya else ()), flags)


def _normalise_chunk(names: list[str]) -> list[Compact]:
    return [_compact(normalise_name(n)) for n in names]


def _normalise_all(names: list[str], workers: int) -> dict[str, Compact]:
    """Normalise distinct names (compactly), in *workers* forked processes for large lists."""
    if workers <= 1 or len(names) < 50_000 or "fork" not in mp.get_all_start_methods():
        return dict(zip(names, _normalise_chunk(names), strict=True))
    normalise_name("")  # build the spelling table once, before forking
    chunks = [names[i::workers] for i in range(workers)]
    with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
        results = list(pool.map(_normalise_chunk, chunks, chunksize=1))
    out: dict[str, Compact] = {}
    pool_s: dict[str, str] = {}  # one object per distinct key: unpickled strings are all copies

    def intern(v: str | None) -> str | None:
        return None if v is None else pool_s.setdefault(v, v)

    for chunk, parts in zip(chunks, results, strict=True):
        for n, (g, f, fam, toks, fl) in zip(chunk, parts, strict=True):
            out[n] = (intern(g), intern(f), intern(fam), tuple(intern(t) or "" for t in toks), fl)
    return out


def _column(records: pd.DataFrame, name: str) -> list[Any]:
    return records[name].tolist() if name in records.columns else [None] * len(records)


def _strings(values: list[Any]) -> pd.Series:
    """An Arrow-backed string column (compact, read by DuckDB without copies); None stays null."""
    return pd.Series(pd.arrays.ArrowExtensionArray(pa.array(
        [v if isinstance(v, str) else None for v in values], type=pa.string())))


def prepare(records: pd.DataFrame, workers: int = 1) -> tuple[pd.DataFrame, list[str]]:
    """Validate *records* and derive the model's columns; returns (features, warnings)."""
    missing = [c for c in REQUIRED_COLUMNS if c not in records.columns]
    if missing:
        raise LinkError(f"records lack required column(s): {', '.join(missing)}")
    if records["record_key"].isna().any():
        raise LinkError("records have an empty record_key")
    if records["record_key"].duplicated().any():
        dups = records.loc[records["record_key"].duplicated(), "record_key"].head(5).tolist()
        raise LinkError(f"record_key must be unique; repeated: {dups}")
    warnings: list[str] = []
    names = [v if isinstance(v, str) else None if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v))
             else str(v) for v in records["name"].tolist()]
    parsed = _normalise_all(sorted({n for n in names if n is not None}), workers)
    empty = _compact(normalise_name(None))
    parts = [parsed[n] if n is not None else empty for n in names]
    del parsed, names
    for flag, text in ((_NO_NAME, "{} record(s) without a usable name: linked on the other fields only"),
                       (_OTHER, "{} name(s) in a script other than Arabic or Latin: compared as written"),
                       (_ONE_LETTER, "{} name(s) of one letter")):
        k = sum(1 for p in parts if p[4] & flag)
        if k:
            warnings.append(text.format(k))

    out = pd.DataFrame({"record_key": records["record_key"].astype("int64").to_numpy()})
    out["source"] = _strings([_clean(v) or "?" for v in records["source"].tolist()])
    for i, c in enumerate(("given", "father", "family")):
        vals = [p[i] for p in parts]
        out[c] = _strings(vals)
        out[f"{c}_sk"] = _strings([(skeleton(v) or None) if isinstance(v, str) and v else None for v in vals])
    out["name_tokens"] = pd.Series(pd.arrays.ArrowExtensionArray(pa.array(
        [list(p[3]) if p[3] else None for p in parts], type=pa.list_(pa.string()))))
    del parts
    out["dod"] = pd.array([_day(v) for v in _column(records, "date_of_death")], dtype="Int64")
    out["governorate_code"] = _strings([_clean(v) for v in _column(records, "governorate_code")])
    out["district_code"] = _strings([_clean(v) for v in _column(records, "district_code")])
    ages = pd.to_numeric(pd.Series(_column(records, "age"), dtype=object), errors="coerce")
    ages = ages.where((ages >= 0) & (ages <= 120))
    out["age"] = pd.array(ages.round(), dtype="Int64")
    out["age_group"] = _strings([age_group(a, w) for a, w in zip(ages.tolist(), _column(records, "age_group"),
                                                                  strict=True)])
    sexes = {"m": "male", "f": "female", "ذ": "male", "أ": "female", "ا": "female"}
    out["sex"] = _strings([sexes.get((_clean(v) or " ").lower()[:1]) for v in _column(records, "sex")])
    out["status"] = _strings([(lambda c: None if c is None else c.lower())(_clean(v))
                              for v in _column(records, "status")])
    return out, warnings
