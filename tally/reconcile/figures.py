"""``ClaimRow``: a stored claim as reconciliation sees it (source, figure, extent, dates, status).

The store hands back plain rows; :meth:`ClaimRow.from_rows` (or :meth:`ClaimRow.from_mapping`) turns one into a row with
canonical area codes, a lattice victim category, the figure's period and the date it was reported.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
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
        return cls.from_rows(tuple(m), [tuple(m.values())], places)[0]

    @classmethod
    def from_rows(cls, keys: Sequence[str], rows: Iterable[Sequence[Any]], places: Places | None = None) -> list[ClaimRow]:
        """Build from rows of values under *keys* (``tally.store.claims.load_claim_rows``), as :meth:`from_mapping`."""
        pl = places or default_places()
        pos = {k: i for i, k in enumerate(keys)}

        def at(name: str) -> Callable[[Sequence[Any]], Any]:
            i = pos.get(name)
            return (lambda r: None) if i is None else itemgetter(i)

        (pcodes, admin1, country, reported_at, published, date_from_, date_to_, cumulative_, victims_text, quote,
         source_name, source_, document_source, outlet_, id_, event, victims, qualifier, low, high, best, document_id,
         source_text, manual, source_kind, status, status_reason, count_text, count, reports) = (
            at(k) for k in ("pcodes", "admin1", "country", "reported_at", "published", "date_from", "date_to",
                            "cumulative", "victims_text", "quote", "source_name", "source", "document_source", "outlet",
                            "id", "event", "victims", "qualifier", "low", "high", "best", "document_id", "source_text",
                            "manual", "source_kind", "status", "status_reason", "count_text", "count", "reports"))
        attributed_i = pos.get("attributed")
        pid = id(pl)
        out = []
        for m in rows:
            key = (tuple(pcodes(m) or ()), tuple(admin1(m) or ()), country(m))
            codes = _AREAS.get((pid, key))
            if codes is None:
                codes = _AREAS[(pid, key)] = _areas(key, pl)
            reported = _day(reported_at(m)) or _day(published(m))
            date_from, date_to = _day(date_from_(m)), _day(date_to_(m))
            cumulative = cumulative_(m)
            if cumulative is None:
                cumulative = bool(date_from and (date_to or reported) and ((date_to or reported) - date_from).days >= 2)
            vt, q = victims_text(m), quote(m)
            named = bool((vt or q) and _NAMED.search(f"{vt or ''} {q or ''}"))
            # A running count dated to a single day, or a count of verified/named victims without a
            # period, counts everyone so far: its start is unknown (see RULES, R1).
            one_day = date_from is not None and date_from == (date_to or reported)
            if named and (date_from is None or one_day):
                cumulative, date_from = True, None
            elif cumulative and one_day:
                date_from = None
            # an unattributed figure is the document's: its declared source, else its outlet
            sname, dsource, outlet = source_name(m), document_source(m), outlet_(m)
            source = sname or source_(m) or dsource or outlet or "unknown source"
            is_manual = manual(m)
            attributed = (m[attributed_i] if attributed_i is not None
                          else source_text(m) is not None or is_manual)
            out.append(cls(
                id=int(id_(m) or 0), source=str(source), event=str(event(m) or "killed"),
                victims=CLAIM_CATEGORY.get(str(victims(m) or "people"), "unknown"),
                qualifier=str(qualifier(m) or "exact"), low=_num(low(m)), high=_num(high(m)),
                best=_num(best(m)), areas=tuple(codes), date_from=date_from, date_to=date_to,
                cumulative=bool(cumulative), reported=reported, document_id=document_id(m),
                outlet=outlet, attributed=bool(attributed),
                relays_others=(sname is None and dsource in (None, outlet)) or (str(source_kind(m) or "") == "outlet"),
                named=named, status=str(status(m) or "active"),
                status_reason=status_reason(m), manual=bool(is_manual),
                count_text=count_text(m) or count(m),
                copies=tuple(tuple(x) for x in reports(m) or ()),  # type: ignore[misc]
            ))
        return out


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
