"""Stance metrics, defined once: per-class scores, macro-F1, SemEval F_avg, kappa and
bootstrap confidence intervals, computed with scikit-learn's metrics (the bootstrap's
thousand resamples from their confusion counts in NumPy, by the same definitions)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import (
    accuracy_score,
    cohen_kappa_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)

from .labels import LABELS, STANCE_LABELS

__all__ = ["HEADLINE", "LEVEL", "bootstrap_ci", "f_avg", "macro_f1", "stance_scores"]

#: The headline figures, in the order reports print them.
HEADLINE = ("macro_f1", "f_avg", "accuracy", "kappa")

#: The confidence level of the bootstrap intervals that reports give.
LEVEL = 0.95


def macro_f1(y_true: Sequence[str], y_pred: Sequence[str]) -> float:
    """Macro-averaged F1 over the three classes (a class never seen scores 0)."""
    return float(f1_score(y_true, y_pred, labels=list(LABELS), average="macro", zero_division=0))


def f_avg(y_true: Sequence[str], y_pred: Sequence[str]) -> float:
    """SemEval-2016 Task 6 F_avg: the mean of the F1 of FAVOR and of AGAINST."""
    return float(
        f1_score(y_true, y_pred, labels=list(STANCE_LABELS), average="macro", zero_division=0)
    )


def stance_scores(y_true: Sequence[str], y_pred: Sequence[str]) -> dict[str, Any]:
    """All the scores of one set of predictions.

    Returns
    -------
    dict
        ``macro_f1``, ``f_avg``, ``accuracy``, ``kappa`` (Cohen's, against the gold),
        ``per_class`` (``{label: {precision, recall, f1, support}}``) and
        ``confusion_matrix`` (rows gold, columns predicted, both in ``LABELS`` order).

    Examples
    --------
    >>> s = stance_scores(["FAVOR", "AGAINST", "NONE", "NONE"],
    ...                   ["FAVOR", "NONE", "NONE", "NONE"])
    >>> round(s["macro_f1"], 3), round(s["f_avg"], 3), s["accuracy"]
    (0.6, 0.5, 0.75)
    """
    y_true, y_pred = list(y_true), list(y_pred)
    if len(y_true) != len(y_pred):
        raise ValueError(f"{len(y_true)} gold labels but {len(y_pred)} predictions")
    if not y_true:
        raise ValueError("no predictions to score")
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=list(LABELS), zero_division=0
    )
    with warnings.catch_warnings():
        # Kappa is 0/0 when gold and predictions use one and the same label; that case is
        # reported as 0 below, so scikit-learn's warning about it would only be noise.
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        kappa = cohen_kappa_score(y_true, y_pred, labels=list(LABELS))
    return {
        "macro_f1": macro_f1(y_true, y_pred),
        "f_avg": f_avg(y_true, y_pred),
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "kappa": 0.0 if np.isnan(kappa) else float(kappa),
        "per_class": {
            label: {
                "precision": float(precision[i]),
                "recall": float(recall[i]),
                "f1": float(f1[i]),
                "support": int(support[i]),
            }
            for i, label in enumerate(LABELS)
        },
        "confusion_matrix": confusion_matrix(y_true, y_pred, labels=list(LABELS)).tolist(),
    }


def bootstrap_ci(
    y_true: Sequence[str],
    y_pred: Sequence[str],
    *,
    n_resamples: int = 1000,
    level: float = LEVEL,
    seed: int = 0,
) -> dict[str, dict[str, float]]:
    """Percentile bootstrap confidence intervals for macro-F1 and F_avg.

    Sentences are resampled with replacement `n_resamples` times with a fixed seed.
    Each resample's scores are :func:`macro_f1` and :func:`f_avg` of it, computed from its
    confusion counts in NumPy.

    Returns
    -------
    dict
        ``{"macro_f1": {"low", "high"}, "f_avg": {"low", "high"}, "level", "n_resamples"}``.
    """
    y_true, y_pred = list(y_true), list(y_pred)
    if len(y_true) != len(y_pred):
        raise ValueError(f"{len(y_true)} gold labels but {len(y_pred)} predictions")
    if not y_true:
        raise ValueError("no predictions to score")
    # Each resample is scored from its confusion counts, a thousand at a time with one
    # bincount, rather than by a thousand calls to f1_score: the same F1 definition
    # (2 TP / (gold + predicted), 0 for a class absent from both), the same draws.
    code = {label: i for i, label in enumerate(LABELS)}
    unknown = sorted({str(v) for v in (*y_true, *y_pred)} - set(code))
    if unknown:
        raise ValueError(f"unknown labels {unknown}; expected labels among {list(LABELS)}")
    k = len(LABELS)
    cell = np.array([code[t] * k + code[p] for t, p in zip(y_true, y_pred)], dtype=np.int64)
    n = len(cell)
    rng = np.random.default_rng(seed)
    counts = np.empty((n_resamples, k * k), dtype=np.int64)
    chunk = max(1, 4_000_000 // n)  # bounds the index matrix at about 32 MB
    for first in range(0, n_resamples, chunk):
        size = min(chunk, n_resamples - first)
        idx = rng.integers(0, n, (size, n))
        offset = np.arange(size, dtype=np.int64)[:, None] * (k * k)
        flat = np.bincount((cell[idx] + offset).ravel(), minlength=size * k * k)
        counts[first : first + size] = flat.reshape(size, k * k)
    matrix = counts.reshape(n_resamples, k, k).astype(np.float64)
    tp = np.diagonal(matrix, axis1=1, axis2=2)
    denominator = matrix.sum(axis=2) + matrix.sum(axis=1)
    f1 = np.zeros_like(tp)
    np.divide(2 * tp, denominator, out=f1, where=denominator > 0)
    stance = [code[label] for label in STANCE_LABELS]
    samples = {"macro_f1": f1.mean(axis=1), "f_avg": f1[:, stance].mean(axis=1)}
    tail = (1 - level) / 2 * 100
    out: dict[str, Any] = {
        name: {
            "low": float(np.percentile(values, tail)),
            "high": float(np.percentile(values, 100 - tail)),
        }
        for name, values in samples.items()
    }
    out.update(level=level, n_resamples=n_resamples, seed=seed)
    return out
