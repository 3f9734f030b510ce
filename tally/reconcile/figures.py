"""``ClaimRow``: a stored claim as reconciliation sees it (source, figure, extent, dates, status).

The store hands back plain rows; :meth:`ClaimRow.from_rows` (or :meth:`ClaimRow.from_mapping`) turns one into a row with
canonical area codes, a lattice victim category, the figure's period and the date it was reported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tally.core.quantities import counts_named
from tally.reconcile.scope import CLAIM_CATEGORY, Places, default_places

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
        return cls.from_arguments(claim_arguments(keys, rows, places))

    @classmethod
    def from_arguments(cls, arguments: Iterable[tuple[Any, ...]]) -> list[ClaimRow]:
        """Build from :func:`claim_arguments` worked out before (the rows a workspace keeps)."""
        return [cls(*a) for a in arguments]


def claim_arguments(keys: Sequence[str], rows: Iterable[Sequence[Any]], places: Places | None = None
                    ) -> list[tuple[Any, ...]]:
    """What :meth:`ClaimRow.from_rows` builds each row from: the values of its fields, in order, as a
    tuple of plain values (the claim id first), so that rows can be kept so and read back cheaply."""
    pl = places or default_places()
    names = ("pcodes", "admin1", "country", "reported_at", "published", "date_from", "date_to", "cumulative",
             "victims_text", "quote", "source_name", "source", "document_source", "outlet", "id", "event",
             "victims", "qualifier", "low", "high", "best", "document_id", "source_text", "manual",
             "source_kind", "status", "status_reason", "count_text", "count", "reports", "attributed", "named")
    # Positions by plain indexing (a key the rows lack reads a None appended to each row): one
    # pass over up to 100,000 rows, so no getter call per field.
    n = len(keys)
    pos = {k: i for i, k in enumerate(keys)}
    (i_pcodes, i_admin1, i_country, i_reported_at, i_published, i_date_from, i_date_to, i_cumulative,
     i_victims_text, i_quote, i_source_name, i_source, i_document_source, i_outlet, i_id, i_event, i_victims,
     i_qualifier, i_low, i_high, i_best, i_document_id, i_source_text, i_manual, i_source_kind, i_status,
     i_status_reason, i_count_text, i_count, i_reports, i_attributed, i_named) = (pos.get(k, n) for k in names)
    # Rows of the store lack the claim-JSON names source, count and attributed: read those as
    # None without padding every row (a copy of each row otherwise).
    optional = ("source", "count", "attributed")
    pad = any(k not in pos for k in names if k not in optional)
    has_source, has_count = "source" in pos or pad, "count" in pos or pad
    has_attributed = "attributed" in pos
    pid = id(pl)
    areas_cache = _AREAS
    category = CLAIM_CATEGORY
    date_type = dt.date
    out: list[tuple[Any, ...]] = []
    append = out.append
    # Rows share their code tuples (the store parses each distinct JSON text once): look the
    # areas up by the tuples' identities first, alive as long as the rows.
    by_ids: dict[tuple[int, int, Any], tuple[str, ...]] = {}
    for m in rows:
        if pad:
            m = (*m, None)
        pcodes, admin1, country = m[i_pcodes], m[i_admin1], m[i_country]
        codes = by_ids.get((id(pcodes), id(admin1), country))
        if codes is None:
            key = (tuple(pcodes or ()), tuple(admin1 or ()), country)
            codes = areas_cache.get((pid, key))
            if codes is None:
                codes = areas_cache[(pid, key)] = _areas(key, pl)
            by_ids[(id(pcodes), id(admin1), country)] = codes
        v = m[i_reported_at]
        reported = v if type(v) is date_type else _day(v)
        if reported is None:
            v = m[i_published]
            reported = v if type(v) is date_type else _day(v)
        v = m[i_date_from]
        date_from = v if type(v) is date_type or v is None else _day(v)
        v = m[i_date_to]
        date_to = v if type(v) is date_type or v is None else _day(v)
        cumulative = m[i_cumulative]
        if cumulative is None:
            cumulative = bool(date_from and (end := date_to or reported) and (end - date_from).days >= 2)
        named = m[i_named]  # kept by the store; else read from the victims text and sentence
        if named is None:
            named = counts_named(m[i_victims_text], m[i_quote])
        # A running count dated to a single day, or a count of verified/named victims without a
        # period, counts everyone so far: its start is unknown (see RULES, R1).
        one_day = date_from is not None and date_from == (date_to or reported)
        if named and (date_from is None or one_day):
            cumulative, date_from = True, None
        elif cumulative and one_day:
            date_from = None
        # an unattributed figure is the document's: its declared source, else its outlet
        sname, dsource, outlet = m[i_source_name], m[i_document_source], m[i_outlet]
        source = sname or (m[i_source] if has_source else None) or dsource or outlet or "unknown source"
        is_manual = m[i_manual]
        attributed = m[i_attributed] if has_attributed else m[i_source_text] is not None or is_manual
        low, high, best = m[i_low], m[i_high], m[i_best]
        reports = m[i_reports]
        append((
            int(m[i_id] or 0), str(source), str(m[i_event] or "killed"),
            category.get(str(m[i_victims] or "people"), "unknown"),
            str(m[i_qualifier] or "exact"), None if low is None else float(low),
            None if high is None else float(high), None if best is None else float(best),
            tuple(codes), date_from, date_to, bool(cumulative), reported, m[i_document_id],
            outlet, bool(attributed),
            (sname is None and dsource in (None, outlet)) or (str(m[i_source_kind] or "") == "outlet"),
            bool(named), str(m[i_status] or "active"), m[i_status_reason], bool(is_manual),
            m[i_count_text] or (m[i_count] if has_count else None),
            (tuple(reports) if type(reports[0]) is tuple else tuple(map(tuple, reports))) if reports else (),
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
