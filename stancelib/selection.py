"""Model selection: the grid of settings searched by ``python -m stancelib.train
--search`` and the cross-validation that scores each, on the training corpus alone."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from joblib import Parallel, delayed
from sklearn.model_selection import ParameterGrid

from .classifier import StanceClassifier
from .crossval import article_cross_validate, cross_validate
from .features import StanceFeaturizer

__all__ = ["SEARCH_GRID", "make_estimator", "search", "selection_cv"]

#: The grids searched by ``--search``, as for scikit-learn's ``ParameterGrid``: the linear
#: SVM, plain and on naive-Bayes-scaled features (NBSVM), and the logistic regression, each
#: over the range of C where its optimum can lie.
#: ``featurizer__`` keys are StanceFeaturizer parameters.
SEARCH_GRID: list[dict[str, list[Any]]] = [
    {
        "loss": ["squared_hinge"],
        "C": [1.0, 3.0, 10.0, 30.0],
        "nb_alpha": [None, 1.0],
        "featurizer__min_df": [1, 2],
    },
    {
        "loss": ["log_loss"],
        "C": [10.0, 30.0, 100.0],
        "featurizer__min_df": [1],
    },
]


def make_estimator(params: dict[str, Any], random_state: int = 0) -> StanceClassifier:
    """A StanceClassifier from flat parameters, ``featurizer__`` ones going to the featurizer."""
    featurizer = {k.split("__", 1)[1]: v for k, v in params.items() if k.startswith("featurizer__")}
    own = {k: v for k, v in params.items() if not k.startswith("featurizer__")}
    return StanceClassifier(
        featurizer=StanceFeaturizer(**featurizer) if featurizer else None,
        random_state=random_state,
        **own,
    )


def _param_order(name: str) -> tuple[int, str]:
    # loss, then C, then the featurizer's parameters: the order the results print in.
    return ({"loss": 0, "C": 1}.get(name, 2), name)


def search(
    texts: Sequence[str],
    y: Sequence[str],
    *,
    docs: dict[str, list[int]] | None = None,
    grid: dict[str, list[Any]] | list[dict[str, list[Any]]] | None = None,
    n_splits: int = 5,
    random_state: int = 0,
    n_jobs: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[dict[str, Any]]:
    """Cross-validate every combination of `grid`, best macro-F1 first.

    `grid` is a dict of parameter lists, or a list of them, as for scikit-learn's
    ``ParameterGrid``; it defaults to :data:`SEARCH_GRID`. With `docs`, the training
    articles (see :func:`stancelib.train.documents`), each combination is scored on
    held-out articles (:func:`article_cross_validate`); without, by a stratified split
    of the sentences (:func:`cross_validate`). `n_jobs` combinations are fitted in
    parallel (as for ``joblib.Parallel``); the results do not depend on it.
    """
    combos = [
        {k: params[k] for k in sorted(params, key=_param_order)}
        for params in ParameterGrid(grid or SEARCH_GRID)
    ]
    jobs = (
        delayed(_search_one)(params, texts, y, docs, n_splits, random_state) for params in combos
    )
    results = []
    for row in Parallel(n_jobs=n_jobs, return_as="generator")(jobs):
        results.append(row)
        if progress:
            progress(
                f"  {row['params']}: macro-F1 {row['macro_f1']:.3f} "
                f"(+/- {row['macro_f1_std']:.3f}), F_avg {row['f_avg']:.3f}"
            )
    return sorted(results, key=lambda r: -r["macro_f1"])


def _search_one(params, texts, y, docs, n_splits, random_state) -> dict[str, Any]:
    estimator = make_estimator(params, random_state)
    scores = selection_cv(estimator, texts, y, docs, n_splits=n_splits, random_state=random_state)
    return {"params": params, **{k: scores[k] for k in ("macro_f1", "macro_f1_std", "f_avg")}}


def selection_cv(
    estimator: StanceClassifier,
    texts: Sequence[str],
    y: Sequence[str],
    docs: dict[str, list[int]] | None,
    *,
    n_splits: int = 5,
    random_state: int = 0,
) -> dict[str, float]:
    """The cross-validation that chooses settings: over the training articles `docs`
    (:func:`article_cross_validate`) when given, else a stratified split of sentences
    (:func:`cross_validate`).

    Returns
    -------
    dict
        ``macro_f1``, ``macro_f1_std``, ``f_avg`` and ``f_avg_std``.
    """
    if docs:
        scores = article_cross_validate(estimator, texts, y, docs, n_splits=n_splits)
    else:
        scores = cross_validate(estimator, texts, y, n_splits=n_splits, random_state=random_state)
    return {k: scores[k] for k in ("macro_f1", "macro_f1_std", "f_avg", "f_avg_std")}
