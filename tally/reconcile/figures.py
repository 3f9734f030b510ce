"""``ClaimRow``: a stored claim as reconciliation sees it (source, figure, extent, dates, status).

The store hands back plain mappings; :meth:`ClaimRow.from_mapping` turns one into a row with
canonical area codes, a lattice victim category, the figure's period and the date it was reported.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tally.reconcile.scope import CLAIM_CATEGORY, Places, default_places

# A count of individually named or verified victims: a floor, not an estimate of the total.
_NAMED = re.compile(r"\b(?:named|by name|names? of|identified|verified|individually)\b", re.I)


@dataclass(frozen=True)
class ClaimRow:
    """One claim with everything reconciliation needs."""

    id: int
    source: str
    event: str
    victims: str  # lattice category (see scope.CLAIM_CATEGORY)
    qualifier: str = "exact"
    low: float | None = None
    high: float | None = None
    best: float | None = None
    areas: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    cumulative: bool = False
    reported: dt.date | None = None
    document_id: int | None = None
    outlet: str | None = None
    attributed: bool = True
    named: bool = False
    status: str = "active"
    status_reason: str | None = None
    manual: bool = False
    count_text: str | None = None

    # -- derived ---------------------------------------------------------------------------
    @property
    def value(self) -> float | None:
        """The figure (best, else low)."""
        return self.best if self.best is not None else self.low

    @property
    def upper(self) -> float | None:
        """The figure's upper end (high, else the figure)."""
        return self.high if self.high is not None else self.value

    @property
    def end(self) -> dt.date | None:
        """Last day the figure covers: its stated end, else the day it was reported."""
        return self.date_to or self.reported or self.date_from

    @property
    def start(self) -> dt.date | None:
        """First day the figure covers; an incident without dates is the day it was reported."""
        if self.date_from is not None:
            return self.date_from
        return None if self.cumulative else self.end

    @property
    def as_of(self) -> dt.date | None:
        """The date of the figure (for running tolls: the day it stands for)."""
        return self.date_to or self.reported or self.date_from

    @property
    def figure_key(self) -> tuple[Any, ...]:
        """What makes two claims the same figure: event, victims and the numbers."""
        return (self.event, self.victims, self.low, self.high, self.best)

    @classmethod
    def from_mapping(cls, m: Mapping[str, Any], places: Places | None = None) -> ClaimRow:
        """Build from a store row (``tally.store.claims.load_claims``) or a claim-JSON mapping."""
        pl = places or default_places()
        codes: list[str] = []
        raw = list(m.get("pcodes") or []) or list(m.get("admin1") or [])
        if not raw and m.get("country"):
            raw = [f"iso:{str(m['country']).upper()}"]
        for c in raw:
            for cc in pl.canonical(str(c)):
                if cc not in codes:
                    codes.append(cc)
        # keep only the most specific areas: drop an area when a finer one below it is also given
        codes = [c for c in codes if not any(o != c and c in pl.ancestors(o) for o in codes)]
        reported = _day(m.get("reported_at")) or _day(m.get("published"))
        date_from, date_to = _day(m.get("date_from")), _day(m.get("date_to"))
        cumulative = m.get("cumulative")
        if cumulative is None:
            cumulative = bool(date_from and (date_to or reported) and ((date_to or reported) - date_from).days >= 2)
        text = " ".join(str(m.get(k) or "") for k in ("victims_text", "quote"))
        source = m.get("source_name") or m.get("source") or m.get("outlet") or "unknown source"
        return cls(
            id=int(m.get("id") or 0), source=str(source), event=str(m.get("event") or "killed"),
            victims=CLAIM_CATEGORY.get(str(m.get("victims") or "people"), "unknown"),
            qualifier=str(m.get("qualifier") or "exact"), low=_num(m.get("low")), high=_num(m.get("high")),
            best=_num(m.get("best")), areas=tuple(codes), date_from=date_from, date_to=date_to,
            cumulative=bool(cumulative), reported=reported, document_id=m.get("document_id"),
            outlet=m.get("outlet"), attributed=bool(m.get("attributed", m.get("source_text") is not None or m.get("manual"))),
            named=bool(_NAMED.search(text)), status=str(m.get("status") or "active"),
            status_reason=m.get("status_reason"), manual=bool(m.get("manual")),
            count_text=m.get("count_text") or m.get("count"),
        )


def _num(v: Any) -> float | None:
    return None if v is None else float(v)


def _day(v: Any) -> dt.date | None:
    if v is None or v == "":
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    s = str(v)
    try:
        return dt.date.fromisoformat(s[:10])
    except ValueError:
        return None
