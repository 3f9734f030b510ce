"""Estimates per stratum and a total whose interval is computed properly.

Bayesian methods (LCMCR, dga) return posterior draws of ``N`` for every stratum; strata are
independent, so draws of the total are sums of one draw per stratum, and the total's median and
interval are read off those sums.  Frequentist methods (Chapman, log-linear) give the total as
the sum of the strata MLEs with variance the sum of the strata variances (delta-method standard
errors), and a normal interval floored at the observed total.  Interval ends are never added.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.stats import norm

from tally.core.errors import EstimateError
from tally.estimate.base import EstimateResult, Estimator
from tally.estimate.captures import CaptureHistory
from tally.estimate.warnings import SparseDataWarning, caveat


@dataclass(frozen=True, eq=False)
class StratifiedResult:
    """Per-stratum results, the strata that could not be estimated, and the combined total."""

    strata: dict[str, EstimateResult]
    total: EstimateResult
    failed: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON shape: ``{"total": {...}, "strata": {name: {...}}, "failed": {name: reason}}``."""
        return {
            "total": self.total.to_dict(),
            "strata": {name: r.to_dict() for name, r in self.strata.items()},
            "failed": dict(self.failed),
        }

    def summary(self) -> str:
        """Plain-text summary of the total and each stratum."""
        parts = [self.total.summary()]
        parts += [f"[{name}]\n{r.summary()}" for name, r in self.strata.items()]
        parts += [f"[{name}] not estimated: {why}" for name, why in self.failed.items()]
        return "\n\n".join(parts)


def estimate_strata(histories_by_stratum: Mapping[str, CaptureHistory], estimator: Estimator) -> StratifiedResult:
    """Fit *estimator* on each stratum and combine the strata into a total."""
    if not histories_by_stratum:
        raise EstimateError("no strata to estimate")
    results: dict[str, EstimateResult] = {}
    failed: dict[str, str] = {}
    dropped: list[str] = []
    for name, history in histories_by_stratum.items():
        # A list that names no one in this stratum says nothing about it: estimate without it.
        empty = [x for x, size in history.list_sizes().items() if size == 0]
        if empty and len(empty) < history.n_lists:
            history = history.select([x for x in history.lists if x not in empty])
            dropped.append(f"stratum {name!r}: list(s) {', '.join(empty)} hold no one there and were left out")
        try:
            results[name] = estimator.fit(history)
        except EstimateError as exc:
            failed[name] = str(exc)
    if not results:
        raise EstimateError("no stratum could be estimated: " + "; ".join(f"{k}: {v}" for k, v in failed.items()))
    warnings = [caveat(SparseDataWarning, f"stratum {k!r} not estimated ({v}); the total leaves out its people") for k, v in failed.items()]
    warnings += [caveat(SparseDataWarning, d) for d in dropped]
    for name, r in results.items():
        warnings += [f"[{name}] {w}" for w in r.warnings]
    lists = tuple(dict.fromkeys(name for r in results.values() for name in r.lists))
    observed = sum(r.observed for r in results.values())
    level = estimator.level
    tail = (1.0 - level) / 2.0
    first = next(iter(results.values()))
    if all(r.draws is not None for r in results.values()):
        rng = np.random.default_rng(0 if estimator.seed is None else estimator.seed)
        size = max(len(r.draws) for r in results.values())  # type: ignore[arg-type]
        total_draws = np.zeros(size)
        for r in results.values():
            d = np.asarray(r.draws, dtype=float)
            # Independent strata: pair draws at random (resampling when lengths differ).
            total_draws += rng.permutation(d) if len(d) == size else rng.choice(d, size=size, replace=True)
        lower, median, upper = np.quantile(total_draws, [tail, 0.5, 1.0 - tail])
        estimate = float(median)
        combination = "sum of one posterior draw per stratum"
        details: dict[str, Any] = {"combination": combination, "mean": float(total_draws.mean()), "draws": size}
        draws: np.ndarray | None = total_draws
    else:
        ses = [_stderr(r) for r in results.values()]
        estimate = sum(r.estimate for r in results.values())
        se = math.sqrt(sum(s * s for s in ses))
        z = float(norm.ppf(1.0 - tail))
        lower, upper = max(estimate - z * se, float(observed)), estimate + z * se
        details = {"combination": "sum of MLEs; variance the sum of strata variances; normal interval", "stderr": se}
        draws = None
    details.update({"strata": len(results), "failed": len(failed)})
    total = EstimateResult(
        method=first.method, lists=lists, observed=observed, estimate=estimate, lower=float(lower),
        upper=float(upper), level=level, details=details, warnings=warnings, draws=draws,
    )
    return StratifiedResult(strata=results, total=total, failed=failed)


def histories_by_stratum(
    rows: Iterable[tuple[str, Iterable[str]]], lists: list[str] | None = None,
) -> dict[str, CaptureHistory]:
    """Capture histories per stratum from ``(stratum, lists the person is on)`` pairs, one per linked person."""
    grouped: dict[str, list[frozenset[str]]] = {}
    for stratum, members in rows:
        grouped.setdefault(str(stratum), []).append(frozenset(members))
    names = lists or sorted(set().union(*(m for ms in grouped.values() for m in ms)))
    return {k: CaptureHistory.from_records(v, lists=names) for k, v in sorted(grouped.items())}


def _stderr(result: EstimateResult) -> float:
    """The delta-method standard error a frequentist result carries."""
    for key in ("se", "stderr"):
        if key in result.details and result.details[key] is not None:
            return float(result.details[key])
    raise EstimateError(f"{result.method} result carries no standard error to combine strata with")
