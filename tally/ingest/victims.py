"""Victim lists -> validated record rows, in two streamed passes.

Pass 1 reads every row once to find all problems (wrong field counts, bad ages, unreadable dates)
and to decide each date column's day/month order from all its values.  Pass 2 yields the records.
Memory does not grow with the file: pass 1 keeps only the distinct date strings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tally.core.errors import IngestError, Problem
from tally.core.gazetteer import Gazetteer
from tally.ingest.columns import map_headers
from tally.ingest.tables import BAD_WIDTH, read_rows
from tally.ingest.values import DateOrder, decide_order, name_script, parse_age, parse_date, parse_sex, parse_status

MAX_PROBLEMS = 200


@dataclass
class ListPlan:
    """What pass 1 learned about a list: column mapping, date order, problems, warnings."""

    columns: dict[str, str]
    order: DateOrder
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    more_problems: int = 0


def plan_list(path: Path, mapping: dict[str, str] | None = None) -> ListPlan:
    """Pass 1: map columns, decide the date order, and collect every bad row."""
    columns: dict[str, str] | None = None
    dates: set[str] = set()
    plan = ListPlan(columns={}, order=DateOrder())
    date_col: str | None = None
    age_col: str | None = None
    for rowno, row in read_rows(path):
        if BAD_WIDTH in row:
            _problem(plan, Problem(f"row {row[BAD_WIDTH]}", str(path), rowno))
            continue
        if columns is None:
            columns = map_headers(list(row.keys()), mapping)
            inv = {v: k for k, v in columns.items()}
            date_col, age_col = inv.get("date_of_death"), inv.get("age")
        plan.rows += 1
        if date_col is not None:
            v = row.get(date_col)
            if v not in (None, "") and not isinstance(v, (dt.date, dt.datetime)):
                dates.add(str(v))
        if age_col is not None:
            try:
                parse_age(row.get(age_col))
            except ValueError as exc:
                _problem(plan, Problem(str(exc), str(path), rowno, age_col))
    if columns is None:
        if plan.problems:
            raise IngestError(f"{path}: no readable rows", plan.problems)
        raise IngestError(f"{path}: empty file (header but no rows)")
    plan.columns = columns
    plan.order = decide_order(dates)
    if date_col is not None:
        if plan.order.conflict:
            plan.warnings.append(
                f"column {date_col!r} mixes day/month/year and month/day/year dates; read as day/month/year"
            )
        elif plan.order.ambiguous and any("/" in d or "." in d for d in dates):
            plan.warnings.append(
                f"column {date_col!r}: day and month cannot be told apart (no value above 12); read as day/month/year"
            )
        # Check every distinct date once, and report each bad row.
        bad = set()
        for d in dates:
            try:
                parse_date(d, plan.order)
            except ValueError:
                bad.add(d)
        if bad:
            for rowno, row in read_rows(path):
                if BAD_WIDTH not in row and str(row.get(date_col, "")) in bad:
                    _problem(plan, Problem(f"cannot read date {row[date_col]!r}", str(path), rowno, date_col))
    return plan


def _problem(plan: ListPlan, p: Problem) -> None:
    if len(plan.problems) < MAX_PROBLEMS:
        plan.problems.append(p)
    else:
        plan.more_problems += 1


# The order of the values :func:`iter_records` yields (``victim_records`` column names).
RECORD_COLUMNS = (
    "record_id", "row", "name", "name_script", "sex", "age", "age_group", "date_of_death", "governorate",
    "district", "place", "governorate_code", "district_code", "country", "status", "cause", "extra",
)


def iter_records(path: Path, plan: ListPlan, *, source: str, gazetteer: Gazetteer,
                 country: str | None = None) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """Pass 2: yield ``(source name, values in RECORD_COLUMNS order)`` per record (tuples: fast)."""
    cols = plan.columns
    inv = {v: k for k, v in cols.items()}
    h = {std: inv.get(std) for std in (
        "source", "id", "name", "sex", "age", "age_group", "date_of_death", "governorate", "district", "place",
        "status", "cause", "governorate_code", "district_code", "country")}
    resolve = _PlaceResolver(gazetteer, country)
    date_cache: dict[Any, dt.date | None] = {}
    sex_cache: dict[Any, str] = {}
    status_cache: dict[Any, str] = {}
    age_cache: dict[str, tuple[int | None, str | None]] = {}
    order = plan.order
    get_text = _getter
    ncols = len(cols)

    for rowno, row in read_rows(path):
        raw_date = row.get(h["date_of_death"]) if h["date_of_death"] else None
        key = raw_date if isinstance(raw_date, (str, type(None))) else str(raw_date)
        date = date_cache.get(key, _MISSING)
        if date is _MISSING:
            date = date_cache[key] = parse_date(raw_date, order)
        name = get_text(row, h["name"])
        raw_age = row.get(h["age"]) if h["age"] else None
        ag = age_cache.get(raw_age) if isinstance(raw_age, str) else None
        if ag is None:
            ag = parse_age(raw_age)
            if isinstance(raw_age, str):
                age_cache[raw_age] = ag
        age, group = ag
        gov, dist = get_text(row, h["governorate"]), get_text(row, h["district"])
        gcode, dcode, cc = resolve(gov, dist, get_text(row, h["governorate_code"]), get_text(row, h["district_code"]))
        raw_sex = row.get(h["sex"]) if h["sex"] else None
        sex = sex_cache.get(raw_sex)
        if sex is None:
            sex = sex_cache[raw_sex] = parse_sex(raw_sex)
        raw_status = row.get(h["status"]) if h["status"] else None
        status = status_cache.get(raw_status)
        if status is None:
            status = status_cache[raw_status] = parse_status(raw_status)
        extra = ({k: _jsonable(v) for k, v in row.items() if k not in cols and v not in (None, "")}
                 if len(row) > ncols else None)
        yield (get_text(row, h["source"]) or source, (
            get_text(row, h["id"]) or str(rowno), rowno, name, name_script(name), sex, age,
            get_text(row, h["age_group"]) or group, date, gov, dist, get_text(row, h["place"]), gcode, dcode,
            get_text(row, h["country"]) or cc, status, get_text(row, h["cause"]), extra))


_MISSING = object()


def _getter(row: dict[str, Any], header: str | None) -> str | None:
    if header is None:
        return None
    v = row.get(header)
    if v is None:
        return None
    s = v.strip() if isinstance(v, str) else str(v).strip()
    return s or None


def _text(v: Any) -> str | None:
    if v is None:
        return None
    s = str(v).strip()
    return s or None


def _jsonable(v: Any) -> Any:
    return v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v


class _PlaceResolver:
    """Governorate/district as written -> scheme-qualified codes, cached per distinct spelling."""

    def __init__(self, gazetteer: Gazetteer, country: str | None) -> None:
        self.g = gazetteer
        self.country = country
        self.cache: dict[tuple[str | None, str | None], tuple[str | None, str | None, str | None]] = {}

    def __call__(self, gov: str | None, dist: str | None, gcode: str | None,
                 dcode: str | None) -> tuple[str | None, str | None, str | None]:
        if gcode or dcode:
            cc = None
            for code in (dcode, gcode):
                if code and code in self.g.areas:
                    cc = self.g.areas[code].country
            return gcode, dcode, cc
        key = (gov, dist)
        if key not in self.cache:
            self.cache[key] = self._resolve(gov, dist)
        return self.cache[key]

    def _resolve(self, gov: str | None, dist: str | None) -> tuple[str | None, str | None, str | None]:
        g_area = d_area = None
        if gov:
            m = self.g.resolve(gov, country=self.country, kind="admin1")
            g_area = m.area if m else None
        if dist:
            m = self.g.resolve(dist, country=self.country, kind="admin2", parent=g_area.code if g_area else None)
            if m is None and g_area is None:
                m = self.g.resolve(dist, country=self.country)
            d_area = m.area if m and m.area.kind == "admin2" else None
            if g_area is None and m is not None:
                g_area = self.g.admin1(m.area)
        cc = (g_area or d_area).country if (g_area or d_area) else None
        return (g_area.code if g_area else None), (d_area.code if d_area else None), cc

