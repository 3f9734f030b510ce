"""Benchmark of tally.estimate: speed on Kosovo and, with --calibration, coverage by simulation.

    python bench/estimate.py                 # LCMCR it/s and ESS/s, dga and log-linear wall time
    python bench/estimate.py --calibration   # + 200 replicates per model drawn from its own assumptions

Speed: LCMCR on Kosovo (K=10, the R help example's burn-in 10,000 and 1,000 draws every 100,
4 chains) with one worker thread and with one per core; effective samples of N per second are the
pooled split-chain ESS divided by the whole run's wall time (burn-in included).  R's LCMCR does
about 90,000 it/s on one core here and one effective draw per ~550 iterations: ~165 ESS/s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tally.estimate import CaptureHistory, Chapman, GraphicalBMA, LatentClass, LogLinear  # noqa: E402
from tally.estimate.hierarchy import design  # noqa: E402

REFERENCE = Path(__file__).resolve().parents[1] / ".." / "shared" / "reference" / "mse"
KOSOVO_TABLE = [0, 306, 936, 123, 845, 31, 217, 32, 1131, 106, 228, 42, 177, 18, 181, 27]  # LCMCR's kosovo_aggregate


def kosovo() -> CaptureHistory:
    """Kosovo from the shared reference file, or the same counts built in when it is absent."""
    path = REFERENCE / "kosovo_aggregate.csv"
    if path.exists():
        return CaptureHistory.from_csv(path)
    return CaptureHistory.from_table(["EXH", "ABA", "OSCE", "HRW"], KOSOVO_TABLE)


def timed(fn, repeat: int = 5) -> float:
    """Median wall seconds of *repeat* calls (after one warm-up call)."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def speed() -> None:
    h = kosovo()
    LatentClass(burnin=10, samples=10, thinning=1, chains=1, seed=0).fit(h)  # JIT load
    print("LCMCR, Kosovo, K=10, burn-in 10,000, 1,000 draws x thinning 100, 4 chains; 3 seeds")
    iters = 4 * (10_000 + 100_000)
    for workers in sorted({1, os.cpu_count() or 1}):
        wall = cpu = ess = 0.0
        for seed in (1, 2, 3):
            cpu0, start = time.process_time(), time.perf_counter()
            r = LatentClass(seed=seed, chains=4, workers=workers).fit(h)
            wall += time.perf_counter() - start
            cpu += time.process_time() - cpu0
            ess += r.details["ess"]
            print(f"    seed {seed}: median {r.estimate:,.0f} [{r.lower:,.0f}, {r.upper:,.0f}], ESS {r.details['ess']:.0f}, R-hat {r.details['rhat']:.3f}")
        print(
            f"  workers={workers}: {3 * iters / wall:,.0f} it/s wall, {3 * iters / cpu:,.0f} it per CPU-second; "
            f"{3 * 400_000 / ess:.0f} sampling it per effective draw of N; "
            f"{ess / wall:.0f} ESS/s wall (burn-in included), {ess / cpu:.0f} ESS per CPU-second"
        )
    t = timed(lambda: GraphicalBMA().fit(h))
    print(f"dga, Kosovo, delta 1/16, 61 graphs: {t:.3f} s")
    t = timed(lambda: LogLinear(models=True).fit(h))
    print(f"log-linear, Kosovo, 113-model table + profile interval: {t:.3f} s")


# -- calibration ---------------------------------------------------------------------------
def _history(table: np.ndarray, j: int) -> CaptureHistory:
    table = table.copy()
    table[0] = 0
    return CaptureHistory.from_table([f"L{i + 1}" for i in range(j)], table)


def sim_chapman(rng: np.random.Generator, n: int) -> CaptureHistory:
    """Two independent lists, catch probabilities 0.3 and 0.4."""
    a, b = rng.random(n) < 0.3, rng.random(n) < 0.4
    return _history(np.bincount(2 * a + b, minlength=4), 2)


def sim_loglinear(rng: np.random.Generator, n: int) -> CaptureHistory:
    """Log-linear model [12,3,4] on 4 lists: main effects and one positive 1-2 interaction."""
    x = design(4, (0b1100,))
    eta = x @ np.array([0.0, -1.2, -1.0, -1.5, -0.8, 0.9])
    p = np.exp(eta) / np.exp(eta).sum()
    return _history(rng.multinomial(n, p), 4)


def sim_lcmcr(rng: np.random.Generator, n: int) -> CaptureHistory:
    """Two latent classes (30% / 70%) of independent lists, 5 lists."""
    z = rng.random(n) < 0.3
    lam = np.where(z[:, None], [0.5, 0.4, 0.6, 0.3, 0.5], [0.15, 0.2, 0.1, 0.25, 0.15])
    x = (rng.random((n, 5)) < lam).astype(int)
    return _history(np.bincount(x @ (2 ** np.arange(4, -1, -1)), minlength=32), 5)


def sim_dga(rng: np.random.Generator, n: int) -> CaptureHistory:
    """Decomposable graph {1,2}{3}{4}: lists 1 and 2 dependent, 3 and 4 independent of all."""
    p12 = np.array([0.45, 0.2, 0.15, 0.2])  # (0,0), (0,1), (1,0), (1,1)
    x12 = rng.choice(4, size=n, p=p12)
    x3, x4 = rng.random(n) < 0.3, rng.random(n) < 0.25
    return _history(np.bincount(x12 * 4 + 2 * x3 + x4, minlength=16), 4)


def calibration(replicates: int, only: str | None = None) -> list[str]:
    n = 2000
    cases = [
        ("chapman", sim_chapman, lambda i: Chapman()),
        ("loglinear (true model [12,3,4])", sim_loglinear, lambda i: LogLinear(model="[12,3,4]")),
        ("loglinear (BIC selection)", sim_loglinear, lambda i: LogLinear()),
        ("dga (delta 1/16)", sim_dga, lambda i: GraphicalBMA(seed=i)),
        # Shorter than the R default (10,000 + 1,000 x 100) to keep 200 replicates near two minutes:
        # N = 2,000 on 5 well-separated lists mixes far faster than Kosovo.
        ("lcmcr (2 chains, burn-in 10,000, 500 x 20)", sim_lcmcr, lambda i: LatentClass(seed=i, chains=2, burnin=10_000, samples=500, thinning=20)),
    ]
    lines = []
    for name, simulate, make in cases:
        if only and only not in name:
            continue
        rng = np.random.default_rng(20261125)
        covered, errors, widths, start = 0, [], [], time.perf_counter()
        for i in range(replicates):
            r = make(i).fit(simulate(rng, n))
            covered += r.lower <= n <= r.upper
            errors.append(r.estimate - n)
            widths.append(r.upper - r.lower)
        wall = time.perf_counter() - start
        line = (
            f"| {name} | {replicates} | {covered / replicates:.1%} | {np.mean(errors):+.1f} ({np.mean(errors) / n:+.2%}) "
            f"| {np.sqrt(np.mean(np.square(errors))):.1f} | {np.median(widths):.0f} | {wall:.0f} s |"
        )
        print(line, flush=True)
        lines.append(line)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calibration", action="store_true", help="Run the coverage study (200 replicates per model).")
    parser.add_argument("--replicates", type=int, default=200, help="Replicates per model in the calibration study.")
    parser.add_argument("--only", help="Calibrate only the models whose name contains this text.")
    parser.add_argument("--no-speed", action="store_true", help="Skip the speed measurements.")
    args = parser.parse_args()
    if not args.no_speed:
        speed()
    if args.calibration:
        print("\nCalibration, N = 2000 per replicate, 95% intervals")
        print("| model (data drawn from it) | replicates | coverage | bias (relative) | RMSE | median width | wall |")
        print("|---|---|---|---|---|---|---|")
        calibration(args.replicates, args.only)


if __name__ == "__main__":
    main()
