"""Fitting the context model (:mod:`stancelib.context`) on the training articles: on the
sentence model's out-of-fold probabilities, its penalty cross-validated over articles."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from sklearn.model_selection import GroupKFold

from .classifier import StanceClassifier
from .context import ContextModel, fit_context
from .crossval import _fit_in_one_pool, out_of_fold_document_proba
from .metrics import f_avg, macro_f1

__all__ = [
    "CONTEXT_ALPHA",
    "context_cv",
    "context_from_probas",
    "fit_document_context",
    "fit_with_context",
]

#: The context model's L2 penalty, chosen by cross-validation over the training articles
#: (``python tools/check_context.py``), the development articles and the gold not consulted.
CONTEXT_ALPHA = 0.001


def context_cv(
    sentences: Sequence[Sequence[str]],
    probas: Sequence[np.ndarray],
    labels: Sequence[Sequence[str]],
    classes: Sequence[str],
    *,
    alpha: float = CONTEXT_ALPHA,
    n_splits: int = 5,
) -> dict[str, float]:
    """Cross-validate the context model over articles, on out-of-fold probabilities.

    Returns
    -------
    dict
        Pooled macro-F1 and F_avg of the sentences labelled alone and with context.
    """
    classes = np.asarray(list(classes), dtype=object)
    n = len(sentences)
    alone: list[str] = []
    with_context: list[str] = []
    gold: list[str] = []
    for _, test in GroupKFold(min(n_splits, n)).split(np.zeros(n), groups=np.arange(n)):
        train = [d for d in range(n) if d not in set(test)]
        model = fit_context(
            [sentences[d] for d in train],
            [probas[d] for d in train],
            [labels[d] for d in train],
            classes,
            alpha=alpha,
        )
        for d in test:
            alone += list(classes[probas[d].argmax(axis=1)])
            with_context += list(classes[model.predict_proba(sentences[d], probas[d]).argmax(1)])
            gold += list(labels[d])
    return {
        "alone_macro_f1": macro_f1(gold, alone),
        "alone_f_avg": f_avg(gold, alone),
        "macro_f1": macro_f1(gold, with_context),
        "f_avg": f_avg(gold, with_context),
    }


def fit_document_context(
    estimator: StanceClassifier,
    texts: Sequence[str],
    y: Sequence[str],
    docs: dict[str, list[int]],
    *,
    alpha: float = CONTEXT_ALPHA,
    n_splits: int = 5,
    n_jobs: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[ContextModel, dict[str, Any]]:
    """Fit the context model on the training articles, for the sentence model `estimator`.

    Returns
    -------
    (ContextModel, dict)
        The model, and what to record about it: the articles' count and the
        cross-validated figures of :func:`context_cv`.
    """
    probas = out_of_fold_document_proba(
        estimator, texts, y, docs, n_splits=n_splits, n_jobs=n_jobs, progress=progress
    )
    return context_from_probas(texts, y, docs, probas, alpha, n_splits)


def fit_with_context(
    estimator: StanceClassifier,
    texts: Sequence[str],
    y: Sequence[str],
    docs: dict[str, list[int]],
    *,
    alpha: float = CONTEXT_ALPHA,
    n_splits: int = 5,
    n_jobs: int | None = None,
    progress: Callable[[str], None] | None = None,
    return_probas: bool = False,
) -> tuple[StanceClassifier, dict[str, Any]] | tuple[StanceClassifier, dict[str, Any], list]:
    """Fit a clone of `estimator` on every sentence and its context model on the articles.

    The same models as ``clone(estimator).fit(texts, y)`` followed by
    :func:`fit_document_context`, the full fit running in the same pool of `n_jobs`
    workers as the article folds.

    Returns
    -------
    (StanceClassifier, dict)
        The fitted classifier, its context model attached to ``model_``, and the record
        of :func:`fit_document_context`; with `return_probas`, also the articles'
        out-of-fold probabilities (:func:`out_of_fold_document_proba`).
    """
    fitted, probas = _fit_in_one_pool(
        estimator, texts, y, docs, n_splits, n_jobs, progress, full=True
    )
    fitted.model_.context, record = context_from_probas(texts, y, docs, probas, alpha, n_splits)
    if return_probas:
        return fitted, record, probas
    return fitted, record


def context_from_probas(
    texts: Sequence[str],
    y: Sequence[str],
    docs: dict[str, list[int]],
    probas: Sequence[np.ndarray],
    alpha: float = CONTEXT_ALPHA,
    n_splits: int = 5,
) -> tuple[ContextModel, dict[str, Any]]:
    """The context model and its record, fitted on out-of-fold probabilities already made.

    What :func:`fit_document_context` does after refitting the folds: `probas` holds one
    array per article of `docs`, in its order (:func:`out_of_fold_document_proba`, or the
    rows of :func:`stancelib.oof.load_ngram_oof`).
    """
    y = np.asarray(y, dtype=object)
    sentences = [[texts[i] for i in idx] for idx in docs.values()]
    labels = [list(y[idx]) for idx in docs.values()]
    classes = np.unique(y)
    model = fit_context(sentences, probas, labels, classes, alpha=alpha)
    record = {
        "n_documents": len(docs),
        "n_sentences": sum(len(idx) for idx in docs.values()),
        "alpha": alpha,
        "cv": context_cv(sentences, probas, labels, classes, alpha=alpha, n_splits=n_splits),
    }
    return model, record
