"""What a report is made of: plain values the orchestrator gathers and the renderer only lays out.

Nothing here is computed from victim data: tolls are ``Toll.to_dict()`` of the reconciliation stage,
estimates are stored ``EstimateResult.to_dict()`` rows, and counts are SQL aggregates from the
store.  A stage that has left nothing in the workspace yet is named in :attr:`ReportData.stages`,
and the sections that depend on it say so instead of showing a number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class StageStatus:
    """Whether a stage's output is in the workspace, and what is missing when it is not."""

    name: str
    ran: bool
    note: str = ""


@dataclass(frozen=True)
class PlaceRow:
    """Documented deaths in one area, with the claims that mention it."""

    code: str | None
    name: str
    level: int  # 1 governorate / first-level, 2 district
    parent: str | None
    count: int
    claim_ids: tuple[int, ...] = ()
    lat: float | None = None
    lon: float | None = None
    point: str | None = None
    toll: dict[str, Any] | None = None  # the reconciled toll of this area (Toll.to_dict()), where claims name it


@dataclass(frozen=True)
class EstimateRow:
    """One stored estimate: its stratum, the spec it ran with and its result dict."""

    id: int
    stratum: dict[str, Any]
    spec: dict[str, Any]
    result: dict[str, Any]  # EstimateResult.to_dict(): method, lists, observed, estimate, lower, upper, ...
    link_run: int | None = None
    names: dict[str, str] = field(default_factory=dict)  # stratum value -> readable name (place codes)

    @property
    def label(self) -> str:
        """The stratum as ``value, ...`` with place codes named (``all`` when unstratified)."""
        return ", ".join(self.names.get(str(v), str(v)) for _, v in sorted(self.stratum.items())) or "all (combined)"


@dataclass(frozen=True)
class ReportData:
    """Everything one report shows; see the module docstring for where each part comes from."""

    title: str
    scope: str | None
    scope_name: str
    generated_at: dt.datetime
    stages: list[StageStatus]
    documented: dict[str, Any]  # unit, count, records, lists, first, last, link_run
    tolls: list[dict[str, Any]] = field(default_factory=list)  # Toll.to_dict(), headline first
    estimates: list[EstimateRow] = field(default_factory=list)
    daily: list[tuple[dt.date, int]] = field(default_factory=list)
    list_running: dict[str, list[tuple[dt.date, int]]] = field(default_factory=dict)  # cumulative per list
    claimed_running: dict[str, list[tuple[dt.date, float, int]]] = field(default_factory=dict)  # (date, best, claim id)
    places: list[PlaceRow] = field(default_factory=list)
    breakdowns: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # status / sex / age group
    sources: list[dict[str, Any]] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)  # provenance appendix
    claims_total: int = 0
    methodology: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # parts that could not be made, said plainly
    attribution: list[str] = field(default_factory=list)

    @property
    def headline(self) -> dict[str, Any] | None:
        """The toll for the whole scope (the first one), or None when there is no toll."""
        return self.tolls[0] if self.tolls else None

    def stage(self, name: str) -> StageStatus | None:
        """The status of stage *name*."""
        return next((s for s in self.stages if s.name == name), None)
