"""Stance metrics, defined once: per-class scores, macro-F1, SemEval F_avg, kappa and
bootstrap confidence intervals, all computed with scikit-learn's metrics."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    cohen_kappa_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)

from .labels import LABELS, STANCE_LABELS

__all__ = ["HEADLINE", "bootstrap_ci", "f_avg", "macro_f1", "stance_scores"]

#: The headline figures, in the order reports print them.
HEADLINE = ("macro_f1", "f_avg", "accuracy", "kappa")


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
    level: float = 0.95,
    seed: int = 0,
) -> dict[str, dict[str, float]]:
    """Percentile bootstrap confidence intervals for macro-F1 and F_avg.

    Sentences are resampled with replacement `n_resamples` times with a fixed seed.

    Returns
    -------
    dict
        ``{"macro_f1": {"low", "high"}, "f_avg": {"low", "high"}, "level", "n_resamples"}``.
    """
    y_true, y_pred = np.asarray(y_true, dtype=object), np.asarray(y_pred, dtype=object)
    rng = np.random.default_rng(seed)
    samples: dict[str, list[float]] = {"macro_f1": [], "f_avg": []}
    for _ in range(n_resamples):
        idx = rng.integers(0, len(y_true), len(y_true))
        samples["macro_f1"].append(macro_f1(y_true[idx], y_pred[idx]))
        samples["f_avg"].append(f_avg(y_true[idx], y_pred[idx]))
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
