"""Time of the bootstrap confidence intervals that every evaluation report carries.

:func:`stancelib.metrics.bootstrap_ci` scores each of its 1,000 resamples from the
resample's confusion counts, all of them with one ``bincount`` per thousand. It used to
call scikit-learn's ``f1_score`` twice per resample (macro-F1 and F_avg), a loop kept here
as the baseline. Both are timed on the same labels in one run, alternating, on a case of
the gold article's size (50 sentences) and of the development articles' (2,293); the
script prints the medians, their ratio (above 1: the counts are faster) and whether the
intervals are identical.

Usage::

    python benchmarks/bench_bootstrap.py            # 5 runs each, about a minute
    python benchmarks/bench_bootstrap.py --repeat 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import numpy as np

from stancelib.labels import LABELS
from stancelib.metrics import bootstrap_ci, f_avg, macro_f1


def with_f1_score(y_true, y_pred, n_resamples=1000, level=0.95, seed=0):
    """The bootstrap as first written: two ``f1_score`` calls per resample."""
    y_true, y_pred = np.asarray(y_true, dtype=object), np.asarray(y_pred, dtype=object)
    rng = np.random.default_rng(seed)
    samples = {"macro_f1": [], "f_avg": []}
    for _ in range(n_resamples):
        idx = rng.integers(0, len(y_true), len(y_true))
        samples["macro_f1"].append(macro_f1(y_true[idx], y_pred[idx]))
        samples["f_avg"].append(f_avg(y_true[idx], y_pred[idx]))
    tail = (1 - level) / 2 * 100
    out = {
        name: {"low": float(np.percentile(v, tail)), "high": float(np.percentile(v, 100 - tail))}
        for name, v in samples.items()
    }
    out.update(level=level, n_resamples=n_resamples, seed=seed)
    return out


def labels(n: int, seed: int = 0) -> tuple[list[str], list[str]]:
    """Gold labels and predictions right about four times in five."""
    rng = np.random.default_rng(seed)
    gold = [str(g) for g in rng.choice(LABELS, n, p=[0.25, 0.25, 0.5])]
    pred = [g if rng.random() < 0.8 else str(rng.choice(LABELS)) for g in gold]
    return gold, pred


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python benchmarks/bench_bootstrap.py")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each way (5)")
    args = parser.parse_args(argv)
    ways = {"f1_score per resample": with_f1_score, "confusion counts": bootstrap_ci}
    same = True
    print(f"{'sentences':>9s}  {'way':22s} {'median':>9s}  ratio")
    for n in (50, 2293):
        gold, pred = labels(n)
        times: dict[str, list[float]] = {name: [] for name in ways}
        results = {}
        for _ in range(args.repeat):
            for name, fn in ways.items():
                start = time.perf_counter()
                results[name] = fn(gold, pred)
                times[name].append(time.perf_counter() - start)
        same = same and results["f1_score per resample"] == results["confusion counts"]
        base, new = (statistics.median(t) for t in times.values())
        for name, t in times.items():
            ratio = f"{base / new:6.1f}" if name == "confusion counts" else ""
            print(f"{n:9d}  {name:22s} {statistics.median(t) * 1000:7.1f}ms  {ratio}".rstrip())
    print(f"identical intervals: {'yes' if same else 'NO'}")
    print(f"{args.repeat} runs each, 1000 resamples; {os.cpu_count()} CPUs")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
