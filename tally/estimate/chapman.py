"""Two-list estimation: Chapman's nearly unbiased form of the Lincoln–Petersen estimator."""

from __future__ import annotations

import math
from collections.abc import Sequence

from scipy.stats import norm

from tally.core.errors import EstimateError
from tally.estimate.base import EstimateResult, Estimator
from tally.estimate.captures import CaptureHistory
from tally.estimate.warnings import SparseDataWarning, caveat


class Chapman(Estimator):
    r"""Chapman (1951) estimator for two lists, with Seber's (1970) variance.

    With :math:`n_1, n_2` the list sizes and :math:`m` the people on both,

    .. math::
        \hat N = \frac{(n_1+1)(n_2+1)}{m+1} - 1, \qquad
        \widehat{\mathrm{Var}}(\hat N) = \frac{(n_1+1)(n_2+1)(n_1-m)(n_2-m)}{(m+1)^2(m+2)},

    and the interval is :math:`\hat N \pm z_{(1+\text{level})/2}\,\mathrm{se}`, floored at the
    observed count.  The Lincoln–Petersen estimate :math:`n_1 n_2/m` with variance
    :math:`n_1 n_2 (n_1-m)(n_2-m)/m^3` is reported in ``details``.  Both assume the lists are
    independent and every person equally catchable within each list.

    References: Chapman, D. G. (1951) Some properties of the hypergeometric distribution with
    applications to zoological sample censuses, *Univ. Calif. Publ. Stat.* 1:131–160;
    Seber, G. A. F. (1970) *Biometrika* 57:313–318.

    ``lists`` picks two lists from a longer history (people on neither are dropped).
    """

    method = "chapman"
    min_lists = 2

    def __init__(self, *, lists: Sequence[str] | None = None, level: float = 0.95, seed: int | None = None) -> None:
        super().__init__(level=level, seed=seed)
        self.lists = tuple(lists) if lists is not None else None
        if self.lists is not None and len(self.lists) != 2:
            raise EstimateError(f"Chapman takes exactly two lists, not {len(self.lists)}")

    def fit(self, history: CaptureHistory) -> EstimateResult:
        """Estimate from the two lists of *history* (or the two named in ``lists``)."""
        if self.lists is not None:
            history = history.select(self.lists)
        if history.n_lists != 2:
            raise EstimateError(
                f"Chapman needs exactly two lists; got {history.n_lists} ({', '.join(history.lists)}): "
                "name two (lists=[a, b]; on the command line --lists a,b) or use loglinear, lcmcr or dga"
            )
        return super().fit(history)

    def _fit(self, history: CaptureHistory) -> EstimateResult:
        n1, n2 = history.list_sizes().values()
        table = history.table()
        m = int(table[3])
        observed = history.observed
        est = (n1 + 1) * (n2 + 1) / (m + 1) - 1
        var = (n1 + 1) * (n2 + 1) * (n1 - m) * (n2 - m) / ((m + 1) ** 2 * (m + 2))
        se = math.sqrt(var)
        z = float(norm.ppf(0.5 + self.level / 2))
        lp = n1 * n2 / m
        lp_se = math.sqrt(n1 * n2 * (n1 - m) * (n2 - m) / m**3)
        warnings: list[str] = []
        if m < 7:
            warnings.append(caveat(SparseDataWarning, f"only {m} people on both lists (< 7): Chapman is biased and the interval unreliable"))
        lower = est - z * se
        if lower < observed:
            warnings.append(caveat(SparseDataWarning, "normal interval reached below the observed count; floored there"))
            lower = float(observed)
        return EstimateResult(
            method=self.method,
            lists=history.lists,
            observed=observed,
            estimate=est,
            lower=lower,
            upper=est + z * se,
            level=self.level,
            details={
                "n1": n1,
                "n2": n2,
                "m": m,
                "se": se,
                "lincoln_petersen": lp,
                "lincoln_petersen_se": lp_se,
                "lincoln_petersen_lower": lp - z * lp_se,
                "lincoln_petersen_upper": lp + z * lp_se,
            },
            warnings=warnings,
        )
