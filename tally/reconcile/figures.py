"""``ClaimRow``: a stored claim as reconciliation sees it (source, figure, extent, dates, status).

The store hands back plain mappings; :meth:`ClaimRow.from_mapping` turns one into a row with
canonical area codes, a lattice victim category, the figure's period and the date it was reported.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tally.reconcile.scope import CLAIM_CATEGORY, Places, default_places

# A count of individually named or verified victims: a floor, not an estimate of the total.
_NAMED = re.compile(r"\b(?:named|by name|names? of|identified|verified|individually)\b", re.I)


@dataclass(eq=False, slots=True)
class ClaimRow:
    """One claim with everything reconciliation needs (treat as immutable: ``dataclasses.replace`` to change)."""

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
    relays_others: bool = False  # an outlet's own text: an unattributed figure may be a relay of another source
    named: bool = False
    status: str = "active"
    status_reason: str | None = None
    manual: bool = False
    count_text: str | None = None
    # identical reports of this claim grouped by the store: (claim id, document id, reported, outlet)
    copies: tuple[tuple[int, int | None, dt.date | None, str | None], ...] = ()

    def members(self) -> tuple[tuple[int, int | None, dt.date | None, str | None], ...]:
        """This claim and every identical report of it as ``(id, document id, reported, outlet)``."""
        return self.copies or ((self.id, self.document_id, self.reported, self.outlet),)

    # -- derived (computed once: reconciliation reads them many times) ---------------------------
    value: float | None = field(init=False)  # the figure: best, else low
    upper: float | None = field(init=False)  # its upper end: high, else the figure
    end: dt.date | None = field(init=False)  # last day covered: stated end, else the day reported
    start: dt.date | None = field(init=False)  # first day; an undated incident is the day reported
    as_of: dt.date | None = field(init=False)  # the figure's date (running tolls: the day it stands for)
    figure_key: tuple[Any, ...] = field(init=False)  # what makes two claims the same figure

    def __post_init__(self) -> None:
        self.value = self.best if self.best is not None else self.low
        self.upper = self.high if self.high is not None else self.value
        self.end = self.date_to or self.reported or self.date_from
        self.start = self.date_from if self.date_from is not None else (None if self.cumulative else self.end)
        self.as_of = self.end
        self.figure_key = (self.event, self.victims, self.low, self.high, self.best)

    @classmethod
    def from_mapping(cls, m: Mapping[str, Any], places: Places | None = None) -> ClaimRow:
        """Build from a store row (``tally.store.claims.load_claims``) or a claim-JSON mapping."""
        pl = places or default_places()
        key = (tuple(m.get("pcodes") or ()), tuple(m.get("admin1") or ()), m.get("country"))
        codes = _AREAS.get((id(pl), key))
        if codes is None:
            codes = _AREAS[(id(pl), key)] = _areas(key, pl)
        reported = _day(m.get("reported_at")) or _day(m.get("published"))
        date_from, date_to = _day(m.get("date_from")), _day(m.get("date_to"))
        cumulative = m.get("cumulative")
        if cumulative is None:
            cumulative = bool(date_from and (date_to or reported) and ((date_to or reported) - date_from).days >= 2)
        text = " ".join(str(m.get(k) or "") for k in ("victims_text", "quote"))
        named = bool(_NAMED.search(text))
        # A running count dated to a single day, or a count of verified/named victims without a
        # period, counts everyone so far: its start is unknown (see RULES, R1).
        one_day = date_from is not None and date_from == (date_to or reported)
        if named and (date_from is None or one_day):
            cumulative, date_from = True, None
        elif cumulative and one_day:
            date_from = None
        # an unattributed figure is the document's: its declared source, else its outlet
        source = (m.get("source_name") or m.get("source") or m.get("document_source") or m.get("outlet")
                  or "unknown source")
        return cls(
            id=int(m.get("id") or 0), source=str(source), event=str(m.get("event") or "killed"),
            victims=CLAIM_CATEGORY.get(str(m.get("victims") or "people"), "unknown"),
            qualifier=str(m.get("qualifier") or "exact"), low=_num(m.get("low")), high=_num(m.get("high")),
            best=_num(m.get("best")), areas=tuple(codes), date_from=date_from, date_to=date_to,
            cumulative=bool(cumulative), reported=reported, document_id=m.get("document_id"),
            outlet=m.get("outlet"), attributed=bool(m.get("attributed", m.get("source_text") is not None or m.get("manual"))),
            relays_others=(m.get("source_name") is None and m.get("document_source") in (None, m.get("outlet"))) or (
                str(m.get("source_kind") or "") == "outlet"),
            named=named, status=str(m.get("status") or "active"),
            status_reason=m.get("status_reason"), manual=bool(m.get("manual")),
            count_text=m.get("count_text") or m.get("count"),
            copies=tuple(tuple(x) for x in m.get("reports") or ()),  # type: ignore[misc]
        )


_AREAS: dict[tuple[int, tuple[Any, ...]], tuple[str, ...]] = {}


def _areas(key: tuple[Any, ...], pl: Places) -> tuple[str, ...]:
    pcodes, admin1, country = key
    raw = list(pcodes) or list(admin1)
    if not raw and country:
        raw = [f"iso:{str(country).upper()}"]
    codes: list[str] = []
    for c in raw:
        for cc in pl.canonical(str(c)):
            if cc not in codes:
                codes.append(cc)
    # keep only the most specific areas: drop an area when a finer one below it is also given
    return tuple(c for c in codes if not any(o != c and c in pl.ancestors(o) for o in codes))


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
