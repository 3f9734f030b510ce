"""Multiple systems estimation (capture–recapture): pure maths on capture histories.

Four estimators share one interface, ``Estimator.fit(history) -> EstimateResult``:
:class:`Chapman` (two lists), :class:`LogLinear` (hierarchical log-linear models, Rcapture),
:class:`LatentClass` (LCMCR) and :class:`GraphicalBMA` (dga).  :func:`estimate_strata` fits one
per stratum and combines them into a total.
"""

from __future__ import annotations

import inspect
from typing import Any

from tally.core.errors import EstimateError
from tally.estimate.base import EstimateResult, Estimator
from tally.estimate.captures import CaptureHistory
from tally.estimate.chapman import Chapman
from tally.estimate.dga import GraphicalBMA
from tally.estimate.lcmcr import LatentClass
from tally.estimate.loglinear import LogLinear, ModelFit
from tally.estimate.strata import StratifiedResult, estimate_strata, histories_by_stratum

ESTIMATORS: dict[str, type[Estimator]] = {
    "chapman": Chapman,
    "dga": GraphicalBMA,
    "lcmcr": LatentClass,
    "loglinear": LogLinear,
}


def get_estimator(name: str, **options: Any) -> Estimator:
    """The estimator called *name* (chapman, loglinear, lcmcr, dga) built with *options* (``None`` ones ignored)."""
    try:
        cls = ESTIMATORS[name.lower()]
    except KeyError:
        raise EstimateError(f"unknown method {name!r}; choose one of {', '.join(sorted(ESTIMATORS))}") from None
    given = {k: v for k, v in options.items() if v is not None}
    accepted = set(inspect.signature(cls.__init__).parameters) - {"self"}
    unknown = sorted(set(given) - accepted)
    if unknown:
        raise EstimateError(f"method {name!r} takes no option(s) {', '.join(unknown)}")
    return cls(**given)


__all__ = [
    "CaptureHistory",
    "Chapman",
    "ESTIMATORS",
    "EstimateResult",
    "Estimator",
    "GraphicalBMA",
    "LatentClass",
    "LogLinear",
    "ModelFit",
    "StratifiedResult",
    "estimate_strata",
    "get_estimator",
    "histories_by_stratum",
]
