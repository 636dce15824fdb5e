"""Time of the last step of ``python -m stancelib.train``: the full fit and the context model.

``train()`` fits the sentence model on every sentence and, for the context model, one
sentence model per fold of the training articles. It used to fit the first and then the
folds in a pool of ``--jobs`` workers (``clone(estimator).fit`` then
:func:`stancelib.train.fit_document_context`); it now hands all of them to one pool
(:func:`stancelib.train.fit_with_context`). This script times both on the same corpus in
one run, alternating them, and prints the medians and their ratio (above 1: one pool is
faster). It also checks that both give the same coefficients.

Usage::

    python benchmarks/bench_train.py              # the whole corpus, 3 runs each: ~9 minutes
    python benchmarks/bench_train.py --quick      # a quarter of the articles, 2 runs each
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import numpy as np
from sklearn.base import clone

from stancelib.train import (
    SHIPPED_PARAMS,
    documents,
    fit_document_context,
    fit_with_context,
    make_estimator,
    training_texts,
)


def _subset(texts, y, docs, share):
    """The sentences written alone and the first `share` of the articles, renumbered."""
    names = list(docs)[: max(2, int(len(docs) * share))]
    in_docs = {i for idx in docs.values() for i in idx}
    keep = [i for i in range(len(texts)) if i not in in_docs]
    new_docs = {}
    for name in names:
        new_docs[name] = list(range(len(keep), len(keep) + len(docs[name])))
        keep += docs[name]
    return [texts[i] for i in keep], y[keep], new_docs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python benchmarks/bench_train.py")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each way (3)")
    parser.add_argument("--jobs", type=int, default=2, help="workers of the pool (2)")
    parser.add_argument("--quick", action="store_true", help="a quarter of the articles")
    args = parser.parse_args(argv)
    texts, y = training_texts()
    docs = documents()
    repeat = args.repeat
    if args.quick:
        texts, y, docs = _subset(texts, y, docs, 0.25)
        repeat = min(repeat, 2)
    estimator = make_estimator(SHIPPED_PARAMS)

    def separate():
        fitted = clone(estimator).fit(texts, y)
        context, _ = fit_document_context(fitted, texts, y, docs, n_jobs=args.jobs)
        return fitted, context

    def one_pool():
        fitted, _ = fit_with_context(estimator, texts, y, docs, n_jobs=args.jobs)
        return fitted, fitted.model_.context

    times: dict[str, list[float]] = {"full fit, then the folds": [], "one pool": []}
    models = {}
    for run in range(repeat):
        for name, fn in (("full fit, then the folds", separate), ("one pool", one_pool)):
            start = time.perf_counter()
            models[name] = fn()
            times[name].append(time.perf_counter() - start)
            print(f"run {run + 1}/{repeat}: {name}: {times[name][-1]:.1f} s", file=sys.stderr)
    (a_fit, a_ctx), (b_fit, b_ctx) = models.values()
    same = np.array_equal(a_fit.model_.coef, b_fit.model_.coef) and np.array_equal(
        a_ctx.coef, b_ctx.coef
    )
    base, pooled = (statistics.median(t) for t in times.values())
    print(
        f"{len(texts)} sentences, {len(docs)} articles, 5 article folds, "
        f"{args.jobs} workers, {repeat} runs each"
    )
    print(f"{'way':26s} {'median':>8s}  runs (s)")
    for name, t in times.items():
        print(f"{name:26s} {statistics.median(t):7.1f}s  " + ", ".join(f"{x:.1f}" for x in t))
    print(f"ratio (full fit, then the folds / one pool): {base / pooled:.2f}")
    print(f"identical coefficients: {'yes' if same else 'NO'}")
    print(f"{os.cpu_count()} CPUs, load average at start {os.getloadavg()[0]:.1f}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
