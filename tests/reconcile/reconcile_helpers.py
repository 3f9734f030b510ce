"""Hand-built claim rows for the reconcile unit tests."""

from __future__ import annotations

import datetime as dt
import itertools

from tally.reconcile.figures import ClaimRow

D = dt.date
COAST = ("ocha:SY06", "ocha:SY10", "ocha:SY05", "ocha:SY04")  # Latakia, Tartus, Hama, Homs
_ids = itertools.count(1000)


def row(source: str, best: float, *, victims: str = "civilians", qualifier: str = "at_least",
        cumulative: bool = True, areas: tuple[str, ...] = COAST, date_from: dt.date | None = D(2025, 3, 6),
        date_to: dt.date | None = None, reported: dt.date = D(2025, 3, 8), outlet: str | None = None,
        attributed: bool = True, named: bool = False, id: int | None = None, doc: int | None = None,
        status: str = "active", reason: str | None = None, high: float | None = None, event: str = "killed") -> ClaimRow:
    """One claim row; *high* defaults to the figure unless the qualifier is open-ended."""
    i = id if id is not None else next(_ids)
    hi = high if high is not None else (None if qualifier in ("at_least", "more_than") else best)
    return ClaimRow(id=i, source=source, event=event, victims=victims, qualifier=qualifier, low=best, high=hi,
                    best=best, areas=areas, date_from=date_from, date_to=date_to, cumulative=cumulative,
                    reported=reported, document_id=doc if doc is not None else i, outlet=outlet or source,
                    attributed=attributed, relays_others=not attributed, named=named, status=status, status_reason=reason)


def coastal_rows() -> list[ClaimRow]:
    """The coastal situation as claims: the group's 1,200 relayed by ten outlets, its 1,383 next day,
    the UN's 111 named cases, the broadcaster's 230 security personnel and 250 fighters."""
    rows = [row("Levant Monitor", 1200, id=1, reported=D(2025, 3, 8))]
    rows += [row("Levant Monitor", 1200, id=10 + k, reported=D(2025, 3, 8) + dt.timedelta(days=k % 3),
                 outlet=f"Outlet {k}") for k in range(10)]
    rows += [
        row("United Nations", 111, id=2, qualifier="exact", named=True, reported=D(2025, 3, 9)),
        row("Coast TV", 230, id=3, victims="security_forces", qualifier="about", reported=D(2025, 3, 8)),
        row("Coast TV", 250, id=4, victims="fighters", qualifier="about", reported=D(2025, 3, 8)),
        row("Levant Monitor", 1383, id=5, reported=D(2025, 3, 9)),
    ]
    return rows
