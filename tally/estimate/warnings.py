"""Statistical caveats that travel with an estimate.

Each caveat is a ``*Warning`` class (so callers may also raise or filter them with the standard
:mod:`warnings` machinery); on a result they are recorded as strings ``"<Name>: <message>"`` in
:attr:`EstimateResult.warnings`, printed beside the number.
"""

from __future__ import annotations


class EstimateWarning(UserWarning):
    """Base of every statistical caveat on an estimate."""


class SparseDataWarning(EstimateWarning):
    """Small or empty cells/overlaps make the estimate fragile."""


class BoundaryWarning(EstimateWarning):
    """A fitted model sits on the boundary (parameters diverge, cells fitted as zero)."""


class ConvergenceWarning(EstimateWarning):
    """An MCMC sampler shows signs of non-convergence (R-hat, effective sample size)."""


class TruncationWarning(EstimateWarning):
    """A posterior grid or interval search was truncated before the tail was negligible."""


class PriorSensitivityWarning(EstimateWarning):
    """The answer depends strongly on a prior hyper-parameter that must be stated."""


class ModelSelectionWarning(EstimateWarning):
    """Competing models give materially different answers."""


def caveat(kind: type[EstimateWarning], message: str) -> str:
    """Format one caveat for :attr:`EstimateResult.warnings`."""
    return f"{kind.__name__}: {message}"


__all__ = [
    "BoundaryWarning",
    "ConvergenceWarning",
    "EstimateWarning",
    "ModelSelectionWarning",
    "PriorSensitivityWarning",
    "SparseDataWarning",
    "TruncationWarning",
    "caveat",
]
