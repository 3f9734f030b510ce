"""The estimator machinery every method shares, and the frozen result it returns.

An :class:`Estimator` validates a :class:`~tally.estimate.captures.CaptureHistory` (enough lists,
some overlap, no empty list), seeds its random stream, calls the method's ``_fit`` and checks the
answer (never below the observed count).  Bayesian methods hand their chains of ``N`` to
:meth:`Estimator._posterior` which summarises them and attaches R-hat and effective sample size.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from tally.core.errors import EstimateError
from tally.estimate.captures import CaptureHistory
from tally.estimate.diagnostics import split_ess, split_rhat
from tally.estimate.warnings import ConvergenceWarning, caveat

RHAT_LIMIT = 1.01  # Vehtari, Gelman, Simpson, Carpenter & Bürkner (2021), Bayesian Analysis 16:667
JSON_KEYS = ("method", "lists", "observed", "estimate", "lower", "upper", "level", "details", "warnings")


@dataclass(frozen=True, eq=False)
class EstimateResult:
    """One population-size estimate with its interval, details and caveats."""

    method: str
    lists: tuple[str, ...]
    observed: int
    estimate: float
    lower: float
    upper: float
    level: float
    details: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    draws: np.ndarray | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape: exactly ``method, lists, observed, estimate, lower, upper, level, details, warnings``."""
        out = {
            "method": self.method,
            "lists": list(self.lists),
            "observed": int(self.observed),
            "estimate": _plain(self.estimate),
            "lower": _plain(self.lower),
            "upper": _plain(self.upper),
            "level": float(self.level),
            "details": _plain(self.details),
            "warnings": list(self.warnings),
        }
        return out

    def summary(self) -> str:
        """Plain-text summary: the number, its interval and every caveat beside it."""
        pct = f"{self.level * 100:g}%"
        lines = [
            f"{self.method} on {len(self.lists)} lists ({', '.join(self.lists)})",
            f"  observed  {self.observed:,}",
            f"  estimate  {_fmt(self.estimate)}   {pct} interval [{_fmt(self.lower)}, {_fmt(self.upper)}]",
        ]
        for key, value in self.details.items():
            if isinstance(value, (str, int, float, bool)) or value is None:
                lines.append(f"  {key:<9} {value}")
        lines.extend(f"  warning: {w}" for w in self.warnings)
        return "\n".join(lines)

    def to_html(self) -> str:
        """A small self-contained HTML table of the estimate, interval and caveats."""
        e = html.escape
        rows = [
            ("method", self.method),
            ("lists", ", ".join(self.lists)),
            ("observed", f"{self.observed:,}"),
            ("estimate", _fmt(self.estimate)),
            (f"{self.level * 100:g}% interval", f"[{_fmt(self.lower)}, {_fmt(self.upper)}]"),
        ]
        body = "".join(f"<tr><th>{e(k)}</th><td>{e(str(v))}</td></tr>" for k, v in rows)
        warn = "".join(f"<li>{e(w)}</li>" for w in self.warnings)
        return f'<table class="estimate">{body}</table>' + (f'<ul class="warnings">{warn}</ul>' if warn else "")

    def __str__(self) -> str:
        return self.summary()


class Estimator:
    """Base of every ``*Estimator``: validation, seeding, posterior summaries and diagnostics."""

    method: ClassVar[str] = "estimator"
    min_lists: ClassVar[int] = 2
    max_lists: ClassVar[int | None] = None

    def __init__(self, *, level: float = 0.95, seed: int | None = None) -> None:
        if not 0.0 < level < 1.0:
            raise EstimateError(f"level must lie strictly between 0 and 1, not {level}")
        self.level = float(level)
        self.seed = seed

    def fit(self, history: CaptureHistory) -> EstimateResult:
        """Estimate the population size from *history*."""
        self.validate(history)
        result = self._fit(history)
        if not result.estimate >= history.observed - 1e-9 or not result.lower >= history.observed - 1e-9:
            raise EstimateError(f"{self.method}: estimate fell below the observed count (a bug)")
        return result

    def _fit(self, history: CaptureHistory) -> EstimateResult:
        raise NotImplementedError

    # -- validation -------------------------------------------------------------------------
    def validate(self, history: CaptureHistory) -> None:
        """Refuse data from which this method cannot estimate anything."""
        j = history.n_lists
        if j < self.min_lists:
            raise EstimateError(f"{self.method} needs at least {self.min_lists} lists; got {j} ({', '.join(history.lists)})")
        if self.max_lists is not None and j > self.max_lists:
            raise EstimateError(f"{self.method} handles at most {self.max_lists} lists; got {j}")
        if history.observed == 0:
            raise EstimateError("no one is observed: nothing to estimate from")
        empty = [name for name, size in history.list_sizes().items() if size == 0]
        if empty:
            raise EstimateError(f"list(s) {', '.join(empty)} hold no one; drop them before estimating")
        if not (history.counts[history.patterns.sum(axis=1) >= 2] > 0).any():
            raise EstimateError("no one is on more than one list: without overlap nothing can be estimated")

    # -- helpers for subclasses ---------------------------------------------------------------
    def _seed(self) -> int:
        """The seed to use: the one given, or fresh entropy (recorded so a run can be repeated)."""
        if self.seed is not None:
            return int(self.seed)
        entropy = np.random.SeedSequence().entropy
        assert isinstance(entropy, int)  # typed int | Sequence[int] | None: fresh entropy is an int
        return int(entropy % (2**31 - 1))

    def _posterior(
        self,
        history: CaptureHistory,
        chains: np.ndarray,
        details: dict[str, Any],
        warnings: list[str],
    ) -> EstimateResult:
        """Summarise posterior draws of ``N`` shaped ``(chains, draws)``: median and central interval."""
        chains = np.atleast_2d(np.asarray(chains, dtype=float))
        draws = chains.reshape(-1)
        tail = (1.0 - self.level) / 2.0
        lower, median, upper = np.quantile(draws, [tail, 0.5, 1.0 - tail])
        rhat = split_rhat(chains)
        ess = split_ess(chains)
        details = {
            **details,
            "mean": float(draws.mean()),
            "sd": float(draws.std(ddof=1)) if draws.size > 1 else 0.0,
            "chains": int(chains.shape[0]),
            "draws": int(draws.size),
            "rhat": rhat,
            "ess": ess,
        }
        warnings = list(warnings)
        if math.isfinite(rhat) and rhat > RHAT_LIMIT:
            warnings.append(caveat(ConvergenceWarning, f"R-hat of N is {rhat:.3f} (> {RHAT_LIMIT}): chains disagree; run longer"))
        if ess < 100:
            warnings.append(caveat(ConvergenceWarning, f"only {ess:.0f} effective draws of N: interval ends are noisy"))
        return EstimateResult(
            method=self.method,
            lists=history.lists,
            observed=history.observed,
            estimate=float(median),
            lower=float(lower),
            upper=float(upper),
            level=self.level,
            details=details,
            warnings=warnings,
            draws=draws,
        )


def _fmt(x: float) -> str:
    if x is None or not math.isfinite(x):
        return str(x)
    return f"{x:,.1f}" if abs(x - round(x)) > 1e-9 else f"{x:,.0f}"


def _plain(value: Any) -> Any:
    """Convert numpy scalars/arrays and tuples to JSON-ready Python values."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (np.floating, float)):
        f = float(value)
        return f if math.isfinite(f) else None
    if isinstance(value, np.bool_):
        return bool(value)
    return value
