"""Hierarchical log-linear models for multiple systems estimation (Fienberg 1972; Rcapture)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from collections.abc import Callable
from typing import Any, Literal

import numpy as np
from scipy.optimize import brentq
from scipy.special import gammaln
from scipy.stats import chi2

from tally.core.errors import EstimateError
from tally.estimate.base import EstimateResult, Estimator
from tally.estimate.captures import CaptureHistory
from tally.estimate.hierarchy import design, enumerate_models, model_name, parse_model, term_label
from tally.estimate.warnings import BoundaryWarning, ModelSelectionWarning, SparseDataWarning, caveat

Criterion = Literal["aic", "bic"]
ENUMERATE_UP_TO = 4  # lists; beyond this a stepwise search replaces the full enumeration


@dataclass(frozen=True)
class ModelFit:
    """One fitted log-linear model: Rcapture ``closedpMS.t``'s row for it."""

    name: str
    terms: tuple[int, ...]  # interaction bitmasks (|term| >= 2) of the hierarchical closure
    abundance: float
    stderr: float
    deviance: float
    df: int
    aic: float
    bic: float
    identifiable: bool
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Row of the model table."""
        return {
            "model": self.name, "abundance": self.abundance, "stderr": self.stderr, "deviance": self.deviance,
            "df": self.df, "aic": self.aic, "bic": self.bic, "identifiable": self.identifiable, "note": self.note,
        }


class LogLinear(Estimator):
    r"""Poisson log-linear models on the :math:`2^J-1` observed cells, selected by AIC or BIC.

    Each cell :math:`\omega \ne 0` has :math:`\log \mu_\omega = u + \sum_j u_j \omega_j +
    \sum_{T} u_T \prod_{j\in T}\omega_j` over the interactions :math:`T` of a hierarchical model;
    the unobserved cell is extrapolated as :math:`e^{u}`, so :math:`\hat N = n + e^{\hat u}`.
    With :math:`\ell` the Poisson log-likelihood and :math:`p` the number of parameters,
    AIC :math:`= -2\ell + 2p` and BIC :math:`= -2\ell + p\log n` (Rcapture's definitions).  For up
    to four lists every hierarchical model without the :math:`J`-way term is fitted (8 for three
    lists, 113 for four); beyond that a stepwise search from independence adds and drops terms.
    The interval inverts the multinomial profile likelihood of :math:`N` (Cormack 1992; Rcapture
    ``closedpCI.t``): :math:`\{N: 2[\ell_p(\hat N_p) - \ell_p(N)] \le \chi^2_{1,\text{level}}\}`.

    References: Fienberg, S. E. (1972) The multiple recapture census for closed populations and
    incomplete :math:`2^k` contingency tables, *Biometrika* 59:591–603; Baillargeon, S. & Rivest,
    L.-P. (2007) Rcapture: loglinear models for capture-recapture in R, *J. Stat. Softw.* 19(5);
    Cormack, R. M. (1992) Interval estimation for mark-recapture studies of closed populations,
    *Biometrics* 48:567–576.

    ``model`` fixes the model by its Rcapture name (e.g. ``"[123,14,34]"``) instead of selecting.
    """

    method = "loglinear"
    min_lists = 2

    def __init__(
        self, *, criterion: Criterion = "bic", model: str | None = None, models: bool = False,
        level: float = 0.95, seed: int | None = None,
    ) -> None:
        super().__init__(level=level, seed=seed)
        if criterion not in ("aic", "bic"):
            raise EstimateError(f"criterion must be 'aic' or 'bic', not {criterion!r}")
        self.criterion = criterion
        self.model = model
        self.include_models = models

    # -- public steps -----------------------------------------------------------------------
    def fit_models(self, history: CaptureHistory) -> list[ModelFit]:
        """Fit every candidate model (all hierarchical ones up to 4 lists), best first."""
        j = history.n_lists
        if j <= ENUMERATE_UP_TO:
            fits = [self.fit_model(history, terms) for terms in enumerate_models(j)]
        else:
            fits = self._stepwise(history)
        key: Callable[[ModelFit], float] = (lambda f: f.aic) if self.criterion == "aic" else (lambda f: f.bic)
        return sorted(fits, key=lambda f: (not f.identifiable, key(f)))

    def fit_model(self, history: CaptureHistory, terms: tuple[int, ...]) -> ModelFit:
        """Fit one model given its interaction terms (bitmasks over lists, first list = top bit)."""
        j, n = history.n_lists, history.observed
        y = history.table()[1:].astype(float)
        x = design(j, terms)[1:]
        name = model_name(j, terms)
        p = x.shape[1]
        df = len(y) - p
        zero_margins = [t for t in terms if y[(np.arange(1, 2**j) & t) == t].sum() == 0]
        if zero_margins or df < 0:
            why = "no one is on all of " + ", ".join(term_label(j, t) for t in zero_margins) if zero_margins else "more parameters than cells"
            return ModelFit(name, terms, math.inf, math.inf, math.nan, df, math.inf, math.inf, False, why)
        beta, mu, cov, ok = poisson_fit(x, y)
        ll = float(np.sum(y * np.log(np.where(y > 0, mu, 1.0)) - mu - gammaln(y + 1)))
        ll_sat = float(np.sum(np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0)), 0.0) - y - gammaln(y + 1)))
        n0 = math.exp(beta[0])
        note = "" if ok else "fit did not converge: parameters diverge (boundary)"
        if ok and (np.abs(beta[1:]) > 25).any():
            ok, note = False, "parameters diverge (boundary): some cells fitted as ~0"
        return ModelFit(
            name=name, terms=terms, abundance=n + n0,
            stderr=math.sqrt(n0 + n0**2 * cov[0, 0]) if ok else math.inf,
            deviance=2.0 * (ll_sat - ll), df=df,
            aic=-2.0 * ll + 2.0 * p, bic=-2.0 * ll + p * math.log(n),
            identifiable=ok, note=note,
        )

    def profile_interval(self, history: CaptureHistory, terms: tuple[int, ...]) -> tuple[float, float, float]:
        """Multinomial profile-likelihood interval for ``N``: (lower, upper, profile MLE)."""
        j, n = history.n_lists, history.observed
        x = design(j, terms)
        y_obs = history.table().astype(float)
        cut = chi2.ppf(self.level, 1) / 2.0
        start: list[np.ndarray | None] = [None]

        def profile(n0: float) -> float:
            y = y_obs.copy()
            y[0] = n0
            beta, mu, _, _ = poisson_fit(x, y, beta0=start[0])
            start[0] = beta
            total = n + n0
            logp = np.log(mu / total)
            return float(gammaln(total + 1) - gammaln(n0 + 1) + np.sum(y * logp))

        n0_hat = self.fit_model(history, terms).abundance - n
        # The profile maximum sits near the conditional MLE; refine it by golden search in log n0.
        lo_b, hi_b = math.log(max(n0_hat, 1e-3) / 4), math.log(max(n0_hat, 1e-3) * 4)
        g = (math.sqrt(5) - 1) / 2
        a, b = lo_b, hi_b
        for _ in range(60):
            c, d = b - g * (b - a), a + g * (b - a)
            if profile(math.exp(c)) > profile(math.exp(d)):
                b = d
            else:
                a = c
        n0_p = math.exp((a + b) / 2)
        top = profile(n0_p)
        f: Callable[[float], float] = lambda n0: top - profile(n0) - cut  # noqa: E731
        floor = 1e-9  # n0 = 0 exactly sends the intercept to minus infinity
        lower = 0.0
        if f(floor) > 0:
            start[0] = None
            lower = brentq(f, floor, n0_p, xtol=1e-6)
        hi = max(n0_p * 2, 10.0)
        start[0] = None
        while f(hi) < 0:
            hi *= 2
            if hi > 1e9:
                return n + lower, math.inf, n + n0_p
        start[0] = None
        upper = brentq(f, n0_p, hi, xtol=1e-6)
        return n + lower, n + upper, n + n0_p

    # -- the estimator ----------------------------------------------------------------------
    def _fit(self, history: CaptureHistory) -> EstimateResult:
        j = history.n_lists
        warnings: list[str] = []
        if self.model is not None:
            chosen = self.fit_model(history, parse_model(self.model, j))
            fits = [chosen]
        else:
            fits = self.fit_models(history)
            chosen = fits[0]
        if not chosen.identifiable:
            raise EstimateError(f"log-linear model {chosen.name} cannot be estimated: {chosen.note}")
        bad = [f for f in fits if not f.identifiable]
        if bad:
            warnings.append(caveat(SparseDataWarning, f"{len(bad)} of {len(fits)} models are not estimable from these cells and were skipped"))
        if (history.table()[1:] == 0).any():
            warnings.append(caveat(SparseDataWarning, "some capture patterns have no one: high-order interactions are poorly determined"))
        lower, upper, _ = self.profile_interval(history, chosen.terms)
        if not math.isfinite(upper):
            warnings.append(caveat(BoundaryWarning, "profile likelihood never falls below the cut: no finite upper bound"))
        key = "aic" if self.criterion == "aic" else "bic"
        good = [f for f in fits if f.identifiable]
        close = [f for f in good[1:] if getattr(f, key) - getattr(chosen, key) < 2.0]
        if self.model is None and close:
            spread = [f.abundance for f in [chosen, *close]]
            if max(spread) > 1.2 * min(spread):
                warnings.append(caveat(
                    ModelSelectionWarning,
                    f"{len(close)} model(s) within 2 {key.upper()} of the best give N from {min(spread):,.0f} to {max(spread):,.0f}",
                ))
        details: dict[str, Any] = {
            "model": chosen.name, "criterion": self.criterion if self.model is None else "fixed",
            "stderr": chosen.stderr, "deviance": chosen.deviance, "df": chosen.df, "aic": chosen.aic, "bic": chosen.bic,
            "interval": "multinomial profile likelihood", "models_fitted": len(fits),
        }
        if self.include_models:
            details["models"] = [f.to_dict() for f in fits]
        return EstimateResult(
            method=self.method, lists=history.lists, observed=history.observed, estimate=chosen.abundance,
            lower=lower, upper=upper, level=self.level, details=details, warnings=warnings,
        )

    def _stepwise(self, history: CaptureHistory) -> list[ModelFit]:
        """Greedy hierarchical search from independence: add or drop one term while the criterion falls."""
        j = history.n_lists
        key: Callable[[ModelFit], float] = (lambda f: f.aic) if self.criterion == "aic" else (lambda f: f.bic)
        seen: dict[tuple[int, ...], ModelFit] = {}

        def fit(terms: frozenset[int]) -> ModelFit:
            t = tuple(sorted(terms))
            if t not in seen:
                seen[t] = self.fit_model(history, t)
            return seen[t]

        current: frozenset[int] = frozenset()
        best = fit(current)
        full = (1 << j) - 1
        for _ in range(4 * j * j):
            moves = []
            for t in range(1, full):
                if bin(t).count("1") < 2:
                    continue
                if t not in current and all((t & ~(1 << b)) in current or bin(t & ~(1 << b)).count("1") < 2 for b in range(j) if t >> b & 1):
                    moves.append(current | {t})
                elif t in current and not any(u != t and u & t == t for u in current):
                    moves.append(current - {t})
            cands = [f for f in (fit(m) for m in moves) if f.identifiable]
            step = min(cands, key=key, default=None)
            if step is None or key(step) >= key(best):
                break
            best, current = step, frozenset(step.terms)
        return list(seen.values())


def poisson_fit(x: np.ndarray, y: np.ndarray, beta0: np.ndarray | None = None, tol: float = 1e-12) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """Poisson GLM with log link by Newton's method: (beta, fitted, covariance, converged)."""
    if beta0 is None:
        beta = np.linalg.lstsq(x, np.log(y + 0.5), rcond=None)[0]
    else:
        beta = beta0.copy()
    def objective(b: np.ndarray) -> float:
        eta = np.clip(x @ b, -700, 700)
        return float(np.sum(np.exp(eta) - y * eta))

    dev_old = objective(beta)
    converged = False
    for _ in range(200):
        eta = np.clip(x @ beta, -700, 700)
        mu = np.exp(eta)
        info = x.T @ (mu[:, None] * x)
        grad = x.T @ (y - mu)
        try:
            step = np.linalg.solve(info, grad)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(info, grad, rcond=None)[0]
        # Step-halving keeps Newton monotone when a cell's fit heads for zero.
        t = 1.0
        dev = objective(beta + step)
        while not dev <= dev_old + 1e-12 * (abs(dev_old) + 1.0) and t > 1e-8:
            t /= 2.0
            dev = objective(beta + t * step)
        beta = beta + t * step
        if np.max(np.abs(t * step)) < 1e-10 or abs(dev - dev_old) <= tol * (abs(dev) + 1.0):
            converged = True
            break
        dev_old = dev
    mu = np.exp(np.clip(x @ beta, -700, 700))
    try:
        cov = np.linalg.inv(x.T @ (mu[:, None] * x))
    except np.linalg.LinAlgError:
        cov = np.full((x.shape[1], x.shape[1]), np.inf)
        converged = False
    return beta, mu, cov, converged
