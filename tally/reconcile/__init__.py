"""tally.reconcile: claims + linked victims + estimates -> tolls with ranges, grades and provenance."""

from __future__ import annotations

from tally.reconcile import _native

_native.install()  # the compiled rules when they are built and current (see _native); before they are imported

from tally.reconcile.figures import ClaimRow
from tally.reconcile.grade import GRADE_RULE, GRADES, grade
from tally.reconcile.rules import CONTESTED_RATIO, MAGNITUDE_RATIO, RULES, Relays
from tally.reconcile.scope import Places, Scope
from tally.reconcile.tolls import GROUPINGS, Toll, group_scopes, reconcile

METHODOLOGY = RULES + "\n" + GRADE_RULE

__all__ = ["CONTESTED_RATIO", "GRADES", "GRADE_RULE", "GROUPINGS", "MAGNITUDE_RATIO", "METHODOLOGY", "RULES", "ClaimRow",
           "Places", "Relays", "Scope", "Toll", "grade", "group_scopes", "reconcile"]
