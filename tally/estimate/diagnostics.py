"""MCMC diagnostics: split R-hat and effective sample size (Vehtari et al. 2021, Stan's rules)."""

from __future__ import annotations

import numpy as np


def _autocov(x: np.ndarray) -> np.ndarray:
    """Autocovariance of each row of *x* at every lag, by FFT."""
    n = x.shape[-1]
    xc = x - x.mean(axis=-1, keepdims=True)
    size = 1 << (2 * n - 1).bit_length()
    f = np.fft.rfft(xc, n=size, axis=-1)
    acov: np.ndarray = np.fft.irfft(f * np.conjugate(f), n=size, axis=-1)[..., :n] / n
    return acov


def effective_sample_size(chains: np.ndarray) -> float:
    """Effective sample size of draws shaped ``(chains, draws)`` (Geyer's initial monotone sequence)."""
    x = np.atleast_2d(np.asarray(chains, dtype=float))
    m, n = x.shape
    if n < 4:
        return float(m * n)
    acov = _autocov(x)
    chain_var = acov[:, 0] * n / (n - 1.0)
    w = chain_var.mean()
    var_plus = w * (n - 1.0) / n
    if m > 1:
        var_plus += x.mean(axis=1).var(ddof=1)
    if var_plus <= 0:
        return float(m * n)
    rho = 1.0 - (w - acov.mean(axis=0)) / var_plus
    rho[0] = 1.0
    # Sum pairs of autocorrelations while positive, forced monotone (Geyer 1992).
    pairs = rho[: (n // 2) * 2].reshape(-1, 2).sum(axis=1)
    positive = np.flatnonzero(pairs <= 0)
    stop = positive[0] if positive.size else len(pairs)
    pairs = np.minimum.accumulate(pairs[:stop]) if stop else pairs[:1]
    tau = -1.0 + 2.0 * pairs.sum()
    return float(m * n / max(tau, 1.0 / np.log10(max(m * n, 10))))


def split_rhat(chains: np.ndarray) -> float:
    """Split-chain potential scale reduction factor R-hat on draws shaped ``(chains, draws)``."""
    x = np.atleast_2d(np.asarray(chains, dtype=float))
    n = x.shape[1] // 2
    if n < 2:
        return float("nan")
    halves = np.concatenate([x[:, :n], x[:, -n:]], axis=0)
    w = halves.var(axis=1, ddof=1).mean()
    b = n * halves.mean(axis=1).var(ddof=1)
    if w == 0:
        return 1.0
    return float(np.sqrt(((n - 1) / n * w + b / n) / w))


def split_ess(chains: np.ndarray) -> float:
    """Effective sample size over split chains (what Stan and ArviZ report as bulk ESS, unranked)."""
    x = np.atleast_2d(np.asarray(chains, dtype=float))
    n = x.shape[1] // 2
    if n < 2:
        return float(x.size)
    return effective_sample_size(np.concatenate([x[:, :n], x[:, -n:]], axis=0))
