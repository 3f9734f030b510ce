"""Confidence grades of a reconciled figure (after Airwars' grading of civilian-harm incidents).

The first rule that applies gives the grade; :data:`GRADE_RULE` is the text the report prints.
"""

from __future__ import annotations

from dataclasses import dataclass

from tally.reconcile.rules import CONTESTED_RATIO

GRADES = ("confirmed", "fair", "weak", "contested", "discounted")

GRADE_RULE = f"""\
Grades, first that applies:
  discounted  no figure in the scope stands (every one was rejected, retracted or contradicted by
              its own source) and no named victim is documented there.
  contested   independent sources disagree about the same killings by more than {CONTESTED_RATIO:g}x
              (highest complete figure over lowest), after corrections and relays are resolved.
  confirmed   two or more independent sources report the killings of every cluster (relays
              of one source count once), or named victims are documented in the scope.
  fair        a single source for part of the killings, corroborated elsewhere by an independent
              source, or a single source whose figure lies inside the estimate's interval.
  weak        a single source, uncorroborated (or no figure at all).
"""


@dataclass(frozen=True)
class Evidence:
    """What the grade is decided on."""

    active: int  # figures standing in the scope
    discounted: int  # claims discounted in the scope
    sources: tuple[str, ...]  # independent sources with a standing figure
    corroborated_clusters: int  # clusters seen by two or more independent sources
    clusters: int
    max_ratio: float  # largest disagreement between complete figures of one cluster
    contested_between: tuple[str, ...] = ()
    documented: int = 0
    estimate_contains_best: bool = False


def grade(ev: Evidence) -> tuple[str, str]:
    """The grade and the reason, by :data:`GRADE_RULE`."""
    if ev.active == 0 and ev.discounted > 0 and not ev.documented:
        return "discounted", f"all {ev.discounted} claim(s) in scope were rejected or contradicted by their own source"
    if ev.max_ratio > CONTESTED_RATIO:
        return "contested", (f"sources disagree by {ev.max_ratio:.1f}x (> {CONTESTED_RATIO:g}x): "
                             f"{', '.join(ev.contested_between)}")
    named = f"{ev.documented:,} named victim(s) documented" if ev.documented else ""
    if ev.clusters and ev.corroborated_clusters == ev.clusters:
        why = f"{len(ev.sources)} independent sources ({', '.join(ev.sources)})"
        return "confirmed", why + (f" and {named}" if named else "")
    if ev.documented:
        src = f"; {len(ev.sources)} source(s)" if ev.sources else "; no reported figure"
        return "confirmed", named + src
    if ev.corroborated_clusters:
        return "fair", (f"{ev.corroborated_clusters} of {ev.clusters} part(s) reported by two or more independent "
                        f"sources ({', '.join(ev.sources)})")
    if len(ev.sources) == 1 and ev.estimate_contains_best:
        return "fair", f"a single source ({ev.sources[0]}) whose figure lies inside the estimate's interval"
    if not ev.sources:
        return "weak", "no reported figure in scope"
    if len(ev.sources) == 1:
        return "weak", f"a single source ({ev.sources[0]})"
    return "weak", f"{len(ev.sources)} sources, each for different killings ({', '.join(ev.sources)}); none corroborated"
