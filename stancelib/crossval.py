"""Cross-validation of a stance estimator: over a stratified split of the sentences, and
over the training articles, whose out-of-fold probabilities the context model is fitted
on. Nothing here reads the development articles or the gold."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.model_selection import GroupKFold, StratifiedKFold

from .classifier import StanceClassifier
from .metrics import f_avg, macro_f1

__all__ = ["article_cross_validate", "cross_validate", "out_of_fold_document_proba"]


def _article_folds(
    docs: dict[str, list[int]], n_splits: int, n_texts: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """``GroupKFold`` over the articles: each fold's held-out articles (their positions
    in `docs`) and the rows it trains on, every row outside them."""
    names = list(docs)
    n_splits = min(n_splits, len(names))
    if n_splits < 2:
        raise ValueError(f"at least 2 training articles are needed, got {len(names)}")
    folds = []
    for _, held_out in GroupKFold(n_splits).split(
        np.zeros(len(names)), groups=np.arange(len(names))
    ):
        held = np.zeros(n_texts, dtype=bool)
        for d in held_out:
            held[docs[names[d]]] = True
        folds.append((held_out, np.flatnonzero(~held)))
    return folds


def _fit(estimator, texts, y):
    return clone(estimator).fit(texts, y)


def _fit_and_predict(estimator, texts, y, documents):
    model = _fit(estimator, texts, y)
    return [model.predict_proba(doc) for doc in documents]


def _fit_in_one_pool(estimator, texts, y, docs, n_splits, n_jobs, progress, *, full):
    """The article folds of :func:`out_of_fold_document_proba` and, with `full`, the fit of
    `estimator` on every sentence, as jobs of one ``joblib`` pool: with 2 workers, the fit
    and 5 folds take 3 rounds instead of 1 + 3."""
    y = np.asarray(y, dtype=object)
    names = list(docs)
    folds = _article_folds(docs, n_splits, len(texts))
    jobs = [
        delayed(_fit_and_predict)(
            estimator,
            [texts[i] for i in train],
            y[train],
            [[texts[i] for i in docs[names[d]]] for d in held_out],
        )
        for held_out, train in folds
    ]
    if full:
        jobs.insert(0, delayed(_fit)(estimator, texts, y))
    results = Parallel(n_jobs=n_jobs, return_as="generator")(jobs)
    fitted = next(results) if full else None
    if fitted is not None and progress:
        progress(f"  fitted on all {len(texts)} sentences")
    out: list[np.ndarray | None] = [None] * len(names)
    for k, ((held_out, _), probas) in enumerate(zip(folds, results), start=1):
        for d, proba in zip(held_out, probas):
            out[d] = proba
        if progress:
            progress(f"  articles fold {k}/{len(folds)}: {len(held_out)} articles held out")
    return fitted, out


def out_of_fold_document_proba(
    estimator: StanceClassifier,
    texts: Sequence[str],
    y: Sequence[str],
    docs: dict[str, list[int]],
    *,
    n_splits: int = 5,
    n_jobs: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[np.ndarray]:
    """The sentence model's probabilities for each article, from a model not trained on it.

    Articles are split into `n_splits` groups (``GroupKFold``); each group's probabilities
    come from `estimator` refitted on every sentence outside the group, the sentences
    written on their own included. `n_jobs` folds are fitted in parallel (as for
    ``joblib.Parallel``); the probabilities do not depend on it.

    Returns
    -------
    list of ndarray
        One ``(n_sentences, n_classes)`` array per article, in the order of `docs`.
    """
    _, probas = _fit_in_one_pool(estimator, texts, y, docs, n_splits, n_jobs, progress, full=False)
    return probas


def cross_validate(
    estimator: StanceClassifier,
    texts: Sequence[str],
    y: Sequence[str],
    *,
    n_splits: int = 5,
    random_state: int = 0,
    n_jobs: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Stratified k-fold cross-validation of a stance estimator.

    Each fold's model is fitted uncalibrated; `n_jobs` folds are fitted in parallel (as for
    ``joblib.Parallel``), and the figures do not depend on it.

    Returns
    -------
    dict
        Mean and standard deviation over folds of ``macro_f1`` and ``f_avg``, the
        per-fold figures, and the pooled out-of-fold predictions.
    """
    y = np.asarray(y, dtype=object)
    folds = StratifiedKFold(n_splits, shuffle=True, random_state=random_state)
    splits = list(folds.split(np.zeros(len(y)), y))
    oof = np.empty(len(y), dtype=object)
    per_fold = _score_folds(estimator, texts, y, splits, n_jobs, progress, "fold", oof)
    out: dict[str, Any] = {"n_splits": n_splits, "random_state": random_state}
    out.update(_fold_summary(per_fold))
    out["predictions"] = [str(p) for p in oof]
    return out


def article_cross_validate(
    estimator: StanceClassifier,
    texts: Sequence[str],
    y: Sequence[str],
    docs: dict[str, list[int]],
    *,
    n_splits: int = 5,
    n_jobs: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Cross-validation over the training articles: the score on articles never seen.

    Articles are split into `n_splits` groups (``GroupKFold``); each group is scored by
    `estimator` fitted, uncalibrated, on every sentence outside it, the sentences written
    on their own included. A stratified split of sentences scores each one with its
    article-mates in training; this split scores what the library is for, the sentences
    of a new article. `n_jobs` folds are fitted in parallel; the figures do not depend
    on it.

    Returns
    -------
    dict
        Mean and standard deviation over folds of ``macro_f1`` and ``f_avg``, the
        per-fold figures, and ``n_documents``.
    """
    y = np.asarray(y, dtype=object)
    names = list(docs)
    folds = _article_folds(docs, n_splits, len(texts))
    splits = [
        (train, np.concatenate([docs[names[d]] for d in held_out])) for held_out, train in folds
    ]
    per_fold = _score_folds(estimator, texts, y, splits, n_jobs, progress, "articles fold")
    return {"n_splits": len(folds), "n_documents": len(names), **_fold_summary(per_fold)}


def _score_folds(estimator, texts, y, splits, n_jobs, progress, name, oof=None):
    """Fit `estimator` uncalibrated on each split's training rows and score its test rows."""
    jobs = (
        delayed(_fit_and_label)(
            estimator, [texts[j] for j in train], y[train], [texts[j] for j in test]
        )
        for train, test in splits
    )
    per_fold: list[dict[str, float]] = []
    results = Parallel(n_jobs=n_jobs, return_as="generator")(jobs)
    for i, ((_, test), pred) in enumerate(zip(splits, results), start=1):
        if oof is not None:
            oof[test] = pred
        per_fold.append({"macro_f1": macro_f1(y[test], pred), "f_avg": f_avg(y[test], pred)})
        if progress:
            progress(f"  {name} {i}/{len(splits)}: macro-F1 {per_fold[-1]['macro_f1']:.3f}")
    return per_fold


def _fit_and_label(estimator, texts, y, test_texts):
    model = clone(estimator).set_params(calibration_cv=None)
    return model.fit(texts, y).predict(test_texts)


def _fold_summary(per_fold: list[dict[str, float]]) -> dict[str, Any]:
    """Mean and standard deviation over folds of each figure, and the folds themselves."""
    out: dict[str, Any] = {}
    for name in ("macro_f1", "f_avg"):
        values = [f[name] for f in per_fold]
        out[name] = float(np.mean(values))
        out[f"{name}_std"] = float(np.std(values))
    out["folds"] = per_fold
    return out
