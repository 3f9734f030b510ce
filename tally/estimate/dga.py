"""Bayesian model averaging over decomposable graphical models (Madigan & York 1997; R ``dga``)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from scipy.special import gammaln

from tally.core.errors import EstimateError
from tally.estimate.base import EstimateResult, Estimator
from tally.estimate.captures import CaptureHistory
from tally.estimate.graphs import decomposable_graphs
from tally.estimate.warnings import PriorSensitivityWarning, SparseDataWarning, TruncationWarning, caveat

LogPrior = Callable[[np.ndarray], np.ndarray]
TAIL_TOLERANCE = 1e-7  # posterior mass allowed in the top tenth of the grid of missing counts
GRID_SIZES = (5, 20, 80, 200)  # grids of missing counts tried, in multiples of the observed count


def logsumexp(a: np.ndarray) -> float:
    """``log(sum(exp(a)))`` without overflow (plain NumPy: scipy's version is slow to import)."""
    top = float(np.max(a))
    return top + math.log(float(np.sum(np.exp(a - top))))


class GraphicalBMA(Estimator):
    r"""Average over every decomposable graphical model of the :math:`J` lists (3 to 5).

    For graph :math:`g` with cliques :math:`C` and separators :math:`S`, a hyper-Dirichlet prior
    with :math:`\delta\,2^{J-|A|}` prior counts in each cell of marginal :math:`A` gives, with the
    unobserved cell set to :math:`n_0`,

    .. math::
        p(y, n_0 \mid g) = \binom{N}{n_0, y_1, \dots} \frac{\prod_C h_C}{\prod_S h_S}, \quad
        h_A = \frac{\Gamma(\delta 2^J)}{\Gamma(N + \delta 2^J)}
              \prod_{a} \frac{\Gamma(y_{A,a} + \delta 2^{J-|A|})}{\Gamma(\delta 2^{J-|A|})},

    and :math:`p(n_0, g \mid y) \propto p(y, n_0 \mid g)\, p(N)\, p(g)` with :math:`p(N) \propto 1/N`
    and a uniform prior over graphs.  The posterior of :math:`N = n + n_0` is computed exactly on
    a grid of :math:`n_0` that is widened until the mass in its top tenth is below
    ``TAIL_TOLERANCE`` (checked, not assumed).  The estimate is the posterior median and the
    interval the central quantiles, each the first grid value whose cumulative mass exceeds the
    level (as ``dga::posteriorQuantiles``).  The answer moves with :math:`\delta` (default
    :math:`2^{-J}`), which is therefore always reported.

    References: Madigan, D. & York, J. C. (1997) Bayesian methods for estimation of the size of a
    closed population, *Biometrika* 84:19–31; Johndrow, J., Lum, K. & Ball, P. R package ``dga``.
    """

    method = "dga"
    min_lists = 3
    max_lists = 5

    def __init__(
        self, *, delta: float | None = None, grid: Sequence[int] | np.ndarray | None = None,
        log_prior: LogPrior | None = None, draws: int = 10_000, level: float = 0.95, seed: int | None = None,
    ) -> None:
        super().__init__(level=level, seed=seed)
        if delta is not None and not delta > 0:
            raise EstimateError(f"delta must be positive, not {delta}")
        self.delta = delta
        self.grid = None if grid is None else np.asarray(grid, dtype=np.int64)
        self.log_prior = log_prior
        self.n_draws = int(draws)

    def posterior(self, history: CaptureHistory, n0: np.ndarray, delta: float) -> np.ndarray:
        """Log posterior weights shaped ``(graphs, len(n0))`` (unnormalised)."""
        j = history.n_lists
        y = history.table().astype(float)
        n = float(y.sum())
        big_n = n + n0
        total_alpha = delta * 2**j
        denom = gammaln(total_alpha) - gammaln(big_n + total_alpha)
        cells = np.arange(2**j)
        term: dict[frozenset[int], np.ndarray | float] = {frozenset(): 0.0}

        def h(members: frozenset[int]) -> np.ndarray | float:
            if members not in term:
                mask = sum(1 << (j - 1 - v) for v in members)
                margins = np.bincount(cells & mask, weights=y, minlength=2**j)[np.unique(cells & mask)]
                alpha = delta * 2 ** (j - len(members))
                # margins[0] is the cell where everyone in `members` is absent: it holds the n0 unobserved.
                fixed = np.sum(gammaln(margins[1:] + alpha)) - len(margins) * gammaln(alpha)
                term[members] = denom + gammaln(margins[0] + n0 + alpha) + fixed
            return term[members]

        graphs = decomposable_graphs(j)
        out = np.empty((len(graphs), len(n0)))
        for g, graph in enumerate(graphs):
            acc = np.zeros(len(n0))
            for full, sep in graph.factors:
                acc += h(full) - h(sep)
            out[g] = acc
        coef = gammaln(big_n + 1) - np.sum(gammaln(y[1:] + 1)) - gammaln(n0 + 1)
        prior = self.log_prior(big_n) if self.log_prior is not None else -np.log(big_n)
        logp: np.ndarray = out + coef + prior
        return logp

    def _fit(self, history: CaptureHistory) -> EstimateResult:
        j, n = history.n_lists, history.observed
        delta = self.delta if self.delta is not None else 2.0**-j
        warnings: list[str] = []
        if self.grid is not None:
            n0 = self.grid
            logw = self.posterior(history, n0, delta)
            top = n0 >= n0[0] + 0.9 * (n0[-1] - n0[0])
            tail = float(np.exp(logsumexp(logw[:, top]) - logsumexp(logw)))
            if tail > TAIL_TOLERANCE:
                warnings.append(caveat(TruncationWarning, f"{tail:.2g} of the posterior lies in the top tenth of the given grid"))
        else:
            for multiple in GRID_SIZES:
                size = multiple * max(n, 200)
                n0 = np.arange(size + 1)
                logw = self.posterior(history, n0, delta)
                tail = float(np.exp(logsumexp(logw[:, n0 >= 0.9 * size]) - logsumexp(logw)))
                if tail <= TAIL_TOLERANCE:
                    break
            else:
                warnings.append(caveat(
                    TruncationWarning,
                    f"{tail:.2g} of the posterior still lies near N = {n + size:,} ({GRID_SIZES[-1]} times the observed): "
                    "the tail is heavy (a near-saturated graph dominates); the upper end is truncated",
                ))
        logw -= logsumexp(logw)
        weights = np.exp(logw)
        post = weights.sum(axis=0)
        graph_prob = weights.sum(axis=1)
        big_n = n + n0.astype(float)
        cum = np.cumsum(post)
        tail_q = (1.0 - self.level) / 2.0

        def quantile(q: float) -> float:
            return float(big_n[min(int(np.searchsorted(cum, q, side="right")), len(cum) - 1)])

        graphs = decomposable_graphs(j)
        order = np.argsort(-graph_prob)
        top = [{"graph": graphs[g].label(history.lists), "probability": float(graph_prob[g])} for g in order[:5]]
        mean = float(np.sum(post * big_n))
        if (history.table()[1:] == 0).any():
            warnings.append(caveat(SparseDataWarning, "some capture patterns have no one: graphs with their interactions rest on the prior"))
        if self.delta is None:
            warnings.append(caveat(PriorSensitivityWarning, f"delta = 2^-{j} = {delta:g} (the default); dga's answer moves strongly with delta"))
        details: dict[str, Any] = {
            "delta": delta,
            "graphs": len(graphs),
            "grid": [int(n0[0]), int(n0[-1])],
            "tail_mass": tail,
            "mean": mean,
            "sd": float(math.sqrt(max(np.sum(post * big_n**2) - mean**2, 0.0))),
            "mode": float(big_n[np.argmax(post)]),
            "bayes_estimator": float(np.sum(post / big_n) / np.sum(post / big_n**2)),
            "top_graphs": top,
        }
        # Exact summaries above; the draws (inverse-CDF from the exact posterior) only serve to
        # combine strata, where totals are sums of independent strata.
        rng = np.random.default_rng(self._seed())
        idx = np.minimum(np.searchsorted(cum, rng.random(self.n_draws) * cum[-1], side="right"), len(cum) - 1)
        return EstimateResult(
            method=self.method, lists=history.lists, observed=n, estimate=quantile(0.5),
            lower=quantile(tail_q), upper=quantile(1.0 - tail_q), level=self.level, details=details,
            warnings=warnings, draws=big_n[idx],
        )
