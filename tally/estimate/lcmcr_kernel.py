"""The compiled Gibbs sweep of :class:`~tally.estimate.lcmcr.LatentClass` (Numba, no GIL).

One chain per call, random numbers from Numba's thread-local Mersenne Twister seeded at entry,
so a chain's draws depend on its seed only.  Mirrors the update order of LCMCR's C++ sampler:
class counts per pattern, list probabilities, stick weights, the unobserved count and its
classes, then the concentration ``alpha``.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

SMALL = 12  # below this many people a multinomial is drawn person by person


@njit(cache=True, nogil=True)
def _gamma_draw(shape: float) -> float:
    """Gamma(shape >= 1, 1) draw: a sum of exponentials for small whole shapes (counts of people
    in near-empty classes, the common case), else Marsaglia & Tsang (2000)."""
    if shape <= 6.0 and shape == math.floor(shape):
        prod = 1.0
        for _ in range(int(shape)):
            prod *= 1.0 - np.random.random()
        return -math.log(prod)
    d = shape - 1.0 / 3.0
    c = 1.0 / math.sqrt(9.0 * d)
    while True:
        x = np.random.standard_normal()
        v = 1.0 + c * x
        if v <= 0.0:
            continue
        v = v * v * v
        u = np.random.random()
        if u < 1.0 - 0.0331 * x * x * x * x:
            return d * v
        if math.log(u) < 0.5 * x * x + d * (1.0 - v + math.log(v)):
            return d * v


@njit(cache=True, nogil=True)
def _log_gamma_draw(shape: float) -> float:
    """log of a Gamma(shape, 1) draw, accurate for tiny shapes (which underflow when exponentiated)."""
    if shape >= 1.0:
        return math.log(_gamma_draw(shape))
    return math.log(_gamma_draw(shape + 1.0)) + math.log(1.0 - np.random.random()) / shape


@njit(cache=True, nogil=True)
def _multinomial(total: int, probs: np.ndarray, out: np.ndarray) -> None:
    """Multinomial draw; *probs* need not be normalised.

    Conditional binomials while many remain, then one categorical draw per remaining person
    (cheaper than a binomial per class once few are left).  Exact either way.
    """
    k = probs.shape[0]
    mass = 0.0
    for i in range(k):
        mass += probs[i]
        out[i] = 0
    left = total
    i = 0
    while left > SMALL and i < k - 1:
        if mass <= 0.0:
            break
        p = probs[i] / mass
        if p >= 1.0:
            c = left
        elif p <= 0.0:
            c = 0
        else:
            c = np.random.binomial(left, p)
        out[i] = c
        left -= c
        mass -= probs[i]
        i += 1
    if left == 0:
        return
    if mass <= 0.0 or i == k - 1:
        out[k - 1 if mass <= 0.0 else i] += left
        return
    for _ in range(left):
        u = np.random.random() * mass
        h = i
        acc = probs[h]
        while acc < u and h < k - 1:
            h += 1
            acc += probs[h]
        out[h] += 1


@njit(cache=True, nogil=True)
def _sort_classes(nu: np.ndarray, log_nu: np.ndarray, lam: np.ndarray, count: np.ndarray, count0: np.ndarray) -> None:
    """Permute the latent classes into decreasing order of weight (all class-indexed state)."""
    order = np.argsort(-log_nu)
    log_nu[:] = log_nu[order].copy()
    for k in range(nu.shape[0]):
        nu[k] = math.exp(log_nu[k])
    lam[:, :] = lam[:, order].copy()
    count[:, :] = count[:, order].copy()
    count0[:] = count0[order].copy()


@njit(cache=True, nogil=True)
def sample_chain(
    cells: np.ndarray, freq: np.ndarray, K: int, a_alpha: float, b_alpha: float,
    burnin: int, samples: int, thinning: int, seed: int, out: np.ndarray,
) -> None:
    """Run one chain; write ``samples`` draws of ``N`` (every ``thinning`` after ``burnin``) into *out*."""
    np.random.seed(seed)
    M, J = cells.shape
    n = 0
    for m in range(M):
        n += freq[m]
    lam = np.empty((J, K))
    for j in range(J):
        s: float = 0  # a count here (Numba types this s int64); probabilities in s below
        for m in range(M):
            s += cells[m, j] * freq[m]
        for k in range(K):
            lam[j, k] = s / n
    # Start as LCMCR 0.4.14 does: class weights from uniform stick-breaking, small alpha, and a
    # warm-up without alpha updates after which classes are relabelled by decreasing weight.
    nu = np.empty(K)
    log_nu = np.empty(K)
    acc = 0.0
    for k in range(K - 1):
        g1 = _log_gamma_draw(1.0)
        g2 = _log_gamma_draw(1.0)
        hi = max(g1, g2)
        ls = hi + math.log(math.exp(g1 - hi) + math.exp(g2 - hi))
        log_nu[k] = g1 - ls + acc
        acc += g2 - ls
    log_nu[K - 1] = acc
    alpha = 0.3 / K
    count = np.zeros((M, K), dtype=np.int64)
    count0 = np.zeros(K, dtype=np.int64)
    count_k = np.zeros(K, dtype=np.int64)
    aux1 = np.zeros((J, K), dtype=np.int64)
    aux0 = np.zeros((J, K), dtype=np.int64)
    probs = np.empty(K)
    zero = np.empty(K)
    row = np.empty(K, dtype=np.int64)
    n0 = 0
    warm = 500
    total = warm + burnin + samples * thinning
    kept = 0
    for it in range(total):
        # 1. classes of the observed, pattern by pattern
        # (linear scale, as LCMCR: lambda stays well inside (0, 1) under its Beta(1+a, 1+b) draws)
        for k in range(K):
            nu[k] = math.exp(log_nu[k])
        for m in range(M):
            for k in range(K):
                s = nu[k]
                for j in range(J):
                    s *= lam[j, k] if cells[m, j] == 1 else 1.0 - lam[j, k]
                probs[k] = s
            _multinomial(freq[m], probs, row)
            for k in range(K):
                count[m, k] = row[k]
        # 2. list probabilities within classes
        for j in range(J):
            for k in range(K):
                aux1[j, k] = 0
                aux0[j, k] = count0[k]
        for m in range(M):
            for k in range(K):
                c = count[m, k]
                if c:
                    for j in range(J):
                        if cells[m, j] == 1:
                            aux1[j, k] += c
                        else:
                            aux0[j, k] += c
        for j in range(J):
            for k in range(K):
                g1 = _gamma_draw(1.0 + aux1[j, k])
                v = g1 / (g1 + _gamma_draw(1.0 + aux0[j, k]))
                lam[j, k] = min(max(v, 1e-300), 1.0 - 1e-16)
        # 3. stick-breaking weights
        for k in range(K):
            count_k[k] = count0[k]
            for m in range(M):
                count_k[k] += count[m, k]
        acc = 0.0
        n_acc = 0
        for k in range(K - 1):
            n_acc += count_k[k]
            g1 = _log_gamma_draw(1.0 + count_k[k])
            g2 = _log_gamma_draw(alpha + (n0 + n - n_acc))
            hi = max(g1, g2)
            ls = hi + math.log(math.exp(g1 - hi) + math.exp(g2 - hi))
            log_nu[k] = g1 - ls + acc
            acc += g2 - ls
        log_nu[K - 1] = acc
        # 4. the unobserved: how many, then their classes
        p0 = 0.0
        for k in range(K):
            s = math.exp(log_nu[k])
            for j in range(J):
                s *= 1.0 - lam[j, k]
            zero[k] = s
            p0 += s
        p_seen = min(max(1.0 - p0, 1e-300), 1.0)
        # LCMCR 0.4.14 truncates N at 21 n (redraws beyond it); bounded retries here.
        n0 = np.random.negative_binomial(n, p_seen)
        tries = 0
        while n0 > 20 * n and tries < 1000:
            n0 = np.random.negative_binomial(n, p_seen)
            tries += 1
        if n0 > 20 * n:
            n0 = 20 * n
        _multinomial(n0, zero, count0)
        if it == warm - 1:
            # As LCMCR after its warm-up: relabel classes by decreasing weight, which suits the
            # stick-breaking prior (its weights decrease in expectation).
            _sort_classes(nu, log_nu, lam, count, count0)
        # 5. concentration (held during LCMCR's warm-up)
        if it >= warm:
            alpha = np.random.gamma(a_alpha + K - 1.0, 1.0 / (b_alpha - log_nu[K - 1]))
            done = it - warm - burnin + 1
            if done > 0 and done % thinning == 0 and kept < samples:
                out[kept] = n + n0
                kept += 1
