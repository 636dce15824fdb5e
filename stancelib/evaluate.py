"""Evaluate a stance model on the annotated article, with baselines side by side.

Usage::

    python -m stancelib.evaluate                  # the shipped model on the shipped gold
    python -m stancelib.evaluate --json report.json
    python -m stancelib.evaluate --dev            # also the development articles
    python -m stancelib.evaluate --cv             # also 5-fold CV on the training corpus
    python -m stancelib.evaluate --ablation       # gold and CV with each feature family off
    python -m stancelib.evaluate --help

The report (:func:`evaluate`) is a dict that :func:`format_report` prints and ``--json``
writes as is. Its shape::

    {"metadata": {"model": {"path", "sha256", "cv", "article_cv", "training_data"},
                  "gold": {"path", "sha256", "n_sentences"}, "article": {"path", "sha256"},
                  "train": {"path", "sha256", "n_sentences"} or null,
                  "versions": {...}, "seed", "resamples", "level"},
     "model": {"macro_f1", "f_avg", "accuracy", "kappa",
               "per_class": {LABEL: {"precision", "recall", "f1", "support"}},
               "ci": {"macro_f1": [low, high], "f_avg": [low, high]},
               "confusion_matrix": {"labels": [...], "matrix": [[...]]},
               "predictions": [{"id", "text", "holder", "gold", "pred", "confidence"}],
               "errors": [the predictions whose pred differs from gold],
               "context": bool,
               "sentences_alone": {"macro_f1", "f_avg", "accuracy", "kappa"}
                                  (with context),
               "ngrams_only": {...} (a model blending an encoder: its n-gram half)},
     "baselines": {"majority" | "keyword" | "tfidf_logreg":
                   {"macro_f1", "f_avg", "accuracy", "kappa", "per_class",
                    "confusion_matrix"}},
     "actors": [{"holder", "n_sentences", "gold", "pred", "gold_counts", "pred_counts",
                 "correct"}],
     "actor_accuracy": float or null,
     "dev": {"path", "sha256", "n_sentences", "n_docs",
             "systems": {NAME: {"macro_f1", "f_avg", "accuracy", "kappa", "per_class"}},
             "by_style": {"clean" | "scraped" | "other": {"n_sentences", "n_docs",
                                                "systems": {NAME: {"macro_f1", "f_avg"}}}},
             "unquoted": {"n_sentences", "n_docs", "systems": {...}} (the articles outside
                         data.QUOTED_IN_BRIEFS)}
            (with --dev),
     "cv": {...} (with --cv), "ablation": {...} (with --ablation)}

Actor level. A holder's sentences are the gold sentences that name that holder and carry a
gold stance (``FAVOR`` or ``AGAINST``). The holder's gold stance is the majority of their
gold stances, and the predicted stance is the majority of the *stance-bearing predictions*
on the same sentences: sentences predicted ``NONE`` abstain. When every one of the holder's
sentences is predicted ``NONE`` the predicted stance is ``NONE``, and when ``FAVOR`` and
``AGAINST`` tie (by gold or by prediction) the stance is ``NONE`` too, as undecided. A
holder counts as correct when the predicted stance equals the gold stance, so a holder the
model never recognises, or on whom it is split, counts as wrong.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from . import data
from .baselines import BASELINES
from .extract import FAMILIES
from .labels import LABELS, STANCE_LABELS
from .metrics import HEADLINE, LEVEL, bootstrap_ci, f_avg, macro_f1, stance_scores
from .persistence import DEFAULT_MODEL, ModelFileError, versions
from .progress import show_progress
from .report import format_report, headline

__all__ = [
    "ABLATIONS",
    "ablation",
    "actor_stances",
    "cross_validation",
    "evaluate",
    "format_report",
    "headline",
    "main",
]

#: Featurizer parameters that switch each feature family off, for the ablation.
ABLATIONS: dict[str, dict[str, Any]] = {
    "word": {"word_ngrams": None},
    "char": {"char_ngrams": None},
    "negation": {"negation": False},
    "deployment": {"deployment": False},
    "cues": {"cues": False},
    "reported_speech": {"reported_speech": False},
}
assert tuple(ABLATIONS) == FAMILIES, "every feature family needs an ablation setting"

#: Classifier parameters read from a model's metadata to rebuild it for --cv/--ablation.
_REBUILT_PARAMS = ("loss", "C", "class_weight", "none_prior", "max_iter")
Progress = Callable[[str], None]


# --------------------------------------------------------------------------- helpers


def _display_path(path: str | Path | None) -> str | None:
    """A path relative to the working directory, or else to the project, when below it."""
    if path is None:
        return None
    path = Path(path).resolve()
    for base in (Path.cwd(), Path(__file__).resolve().parents[1]):
        if path.is_relative_to(base):
            return str(path.relative_to(base))
    return str(path)


def _file_info(path: Path) -> dict[str, Any]:
    return {"path": _display_path(path), "sha256": data.file_sha256(path)}


def _resolve_model(
    model: Any, encoder: bool = False, trusted: bool = False
) -> tuple[Any, Path | None]:
    """The model object and its file (None for a model passed in memory)."""
    if model is None or isinstance(model, str | Path):
        from .api import load_model

        path = DEFAULT_MODEL if model is None else Path(model)
        return load_model(path, encoder=encoder, trusted=trusted), path
    if encoder:
        raise ValueError("encoder=True needs a model file (or None for the shipped model)")
    if not hasattr(model, "predict_proba") or not hasattr(model, "classes_"):
        raise TypeError(
            "model must be a path, a StanceModel or a fitted StanceClassifier, "
            f"got {type(model).__name__}"
        )
    return model, None


def _model_metadata(model: Any) -> dict[str, Any]:
    meta = getattr(getattr(model, "model_", model), "metadata", None)
    return meta if isinstance(meta, dict) else {}


def _read_gold(gold: str | Path | None, article: str | Path | None) -> list[dict[str, Any]]:
    """Gold rows (id, text, holder, stance as a name), loaded with :func:`data.load_gold`."""
    dataset = data.load_gold(gold, article)
    names = dataset.features["stance"].names
    return [
        {
            "id": int(row["id"]),
            "text": row["text"],
            "holder": row["holder"],
            "stance": names[row["stance"]],
        }
        for row in dataset
    ]


def _scores(y_true: Sequence[str], y_pred: Sequence[str]) -> dict[str, Any]:
    """stance_scores with the confusion matrix labelled."""
    scores = stance_scores(y_true, y_pred)
    scores["confusion_matrix"] = {"labels": list(LABELS), "matrix": scores["confusion_matrix"]}
    return scores


def _majority(counts: Counter) -> str:
    """FAVOR or AGAINST by majority of `counts`; NONE when neither is counted or they tie."""
    favor, against = counts.get("FAVOR", 0), counts.get("AGAINST", 0)
    if favor > against:
        return "FAVOR"
    if against > favor:
        return "AGAINST"
    return "NONE"


def _estimator_params(model_metadata: dict[str, Any]) -> dict[str, Any]:
    """The parameters a model was trained with, flat, to rebuild it for --cv/--ablation."""
    recorded = model_metadata.get("params")
    out = {}
    if isinstance(recorded, dict):
        out = {k: recorded[k] for k in _REBUILT_PARAMS if k in recorded}
        # Models written before the loss parameter existed were logistic regressions.
        out.setdefault("loss", "log_loss")
    featurizer = model_metadata.get("featurizer_params")
    if isinstance(featurizer, dict):
        out.update({f"featurizer__{k}": v for k, v in featurizer.items()})
    return out


# ----------------------------------------------------------------------- the report


def actor_stances(
    holders: Sequence[str | None], gold: Sequence[str], pred: Sequence[str]
) -> tuple[list[dict[str, Any]], float | None]:
    """The actor table: each gold holder's stance by gold and by prediction.

    See the module docstring for how ties and sentences predicted ``NONE`` are handled.

    Parameters
    ----------
    holders : list of str or None
        The gold holder of each sentence (None for no holder).
    gold, pred : list of str
        Gold and predicted stance of each sentence.

    Returns
    -------
    (list of dict, float or None)
        One row per holder, in order of first appearance: ``holder``, ``n_sentences``,
        ``gold``, ``pred``, ``gold_counts``, ``pred_counts`` (``{label: count}``) and
        ``correct``; and the share of holders whose stance is right (None without holders).

    Examples
    --------
    >>> rows, share = actor_stances(
    ...     ["Ann", "Ann", "Bob", None], ["FAVOR", "FAVOR", "AGAINST", "NONE"],
    ...     ["FAVOR", "NONE", "NONE", "NONE"])
    >>> [(r["holder"], r["gold"], r["pred"], r["correct"]) for r in rows], share
    ([('Ann', 'FAVOR', 'FAVOR', True), ('Bob', 'AGAINST', 'NONE', False)], 0.5)
    """
    if not len(holders) == len(gold) == len(pred):
        raise ValueError(
            f"got {len(holders)} holders, {len(gold)} gold labels and {len(pred)} predictions"
        )
    groups: dict[str, list[int]] = {}
    for i, (holder, stance) in enumerate(zip(holders, gold)):
        if holder and holder.strip() and stance in STANCE_LABELS:
            groups.setdefault(holder.strip(), []).append(i)
    rows = []
    for holder, idx in groups.items():
        gold_counts = Counter(gold[i] for i in idx)
        pred_counts = Counter(pred[i] for i in idx)
        gold_stance, pred_stance = _majority(gold_counts), _majority(pred_counts)
        rows.append(
            {
                "holder": holder,
                "n_sentences": len(idx),
                "gold": gold_stance,
                "pred": pred_stance,
                "gold_counts": {label: gold_counts.get(label, 0) for label in LABELS},
                "pred_counts": {label: pred_counts.get(label, 0) for label in LABELS},
                "correct": gold_stance == pred_stance,
            }
        )
    share = sum(r["correct"] for r in rows) / len(rows) if rows else None
    return rows, share


def evaluate(
    model: Any = None,
    gold: str | Path | None = None,
    train: str | Path | None = None,
    *,
    article: str | Path | None = None,
    baselines: bool = True,
    resamples: int = 1000,
    seed: int = 0,
    dev: bool | str | Path = False,
    context: bool = True,
    encoder: bool = False,
    trusted: bool = False,
) -> dict[str, Any]:
    """Score a stance model on a gold article, with baselines, intervals and actors.

    Parameters
    ----------
    model : str, Path, StanceModel or fitted StanceClassifier, optional
        A model file (its SHA-256 is checked) or a model in memory; defaults to the
        shipped model.
    gold : str or Path, optional
        Gold JSONL; defaults to ``fixtures/article_gold.jsonl``.
    train : str or Path, optional
        Training corpus the baselines are fitted on; defaults to ``fixtures/train.jsonl``.
        Not read when `baselines` is False.
    article : str or Path, optional
        The article the gold offsets refer to; defaults to ``fixtures/article.txt``.
    baselines : bool, default=True
        Also score the majority, keyword and TF-IDF + logistic regression baselines.
    resamples : int, default=1000
        Bootstrap resamples for the 95% confidence intervals of the model's figures.
    seed : int, default=0
        Seeds the bootstrap.
    dev : bool, str or Path, default=False
        Also score the model (and the baselines) on the development articles: True for
        ``fixtures/dev.jsonl``, or a file in that format. Adds the ``dev`` key.
    context : bool, default=True
        Label the article as :func:`stancelib.label_text` does, each sentence read with its
        neighbours when the model has a context model; the figures of the sentences
        labelled alone are reported beside them (``model["sentences_alone"]``). False
        labels each sentence alone.
    encoder : bool, default=False
        Score the model with its fine-tuned encoder blended in
        (``stancelib.load_model(encoder=True)``); its n-gram half is scored beside it
        (``model["ngrams_only"]``).
    trusted : bool, default=False
        Load a model file without checking its SHA-256, as
        ``stancelib.load_model(path, trusted=True)``: only for a file you made yourself.

    Returns
    -------
    dict
        The report; its shape is described in the module docstring.

    Raises
    ------
    DataFileError
        A gold, article or training file is missing or malformed (names file and line).
    ModelFileError
        The model file is missing, tampered with or not a stancelib model.
    """
    if not isinstance(resamples, int) or isinstance(resamples, bool) or resamples < 1:
        raise ValueError(f"resamples must be an int >= 1, got {resamples!r}")
    gold_file = Path(gold) if gold is not None else data.gold_path()
    article_file = Path(article) if article is not None else data.article_path()
    rows = _read_gold(gold_file, article_file)
    estimator, model_file = _resolve_model(model, encoder, trusted)
    texts = [r["text"] for r in rows]
    y_true = [r["stance"] for r in rows]

    alone = np.asarray(estimator.predict_proba(texts), dtype=float)
    with_context = context and _has_context(estimator)
    proba = _context_model(estimator).predict_proba(texts, alone) if with_context else alone
    best = proba.argmax(axis=1)
    classes = [str(c) for c in estimator.classes_]
    y_pred = [classes[k] for k in best]
    predictions = [
        {
            "id": r["id"],
            "text": r["text"],
            "holder": r["holder"],
            "gold": r["stance"],
            "pred": pred,
            "confidence": float(proba[i, best[i]]),
        }
        for i, (r, pred) in enumerate(zip(rows, y_pred))
    ]
    ci = bootstrap_ci(y_true, y_pred, n_resamples=resamples, level=LEVEL, seed=seed)
    scored = _scores(y_true, y_pred)
    report_model = {
        **{name: scored[name] for name in HEADLINE},
        "per_class": scored["per_class"],
        "ci": {name: [ci[name]["low"], ci[name]["high"]] for name in ("macro_f1", "f_avg")},
        "confusion_matrix": scored["confusion_matrix"],
        "predictions": predictions,
        "errors": [p for p in predictions if p["gold"] != p["pred"]],
        "context": with_context,
    }
    if with_context:
        scored = _scores(y_true, [classes[k] for k in alone.argmax(axis=1)])
        report_model["sentences_alone"] = {name: scored[name] for name in HEADLINE}
    ngrams = _ngrams_only(estimator, texts, context)
    if ngrams is not None:
        scored = _scores(y_true, [classes[k] for k in ngrams.argmax(axis=1)])
        report_model["ngrams_only"] = {name: scored[name] for name in HEADLINE}

    train_info = None
    baseline_reports: dict[str, Any] = {}
    fitted_baselines: dict[str, Any] = {}
    if baselines:
        from .train import training_texts

        train_file = Path(train) if train is not None else data.training_path()
        train_texts, train_y = training_texts(train_file)
        train_info = {**_file_info(train_file), "n_sentences": len(train_texts)}
        for name, factory in BASELINES.items():
            fitted = fitted_baselines[name] = factory().fit(train_texts, train_y)
            scored = _scores(y_true, [str(p) for p in fitted.predict(texts)])
            baseline_reports[name] = {
                **{key: scored[key] for key in HEADLINE},
                "per_class": scored["per_class"],
                "confusion_matrix": scored["confusion_matrix"],
            }

    actors, actor_accuracy = actor_stances([r["holder"] for r in rows], y_true, y_pred)
    model_meta = _model_metadata(estimator)
    metadata = {
        "model": {
            "path": _display_path(model_file),
            "sha256": data.file_sha256(model_file) if model_file is not None else None,
            "cv": model_meta.get("cv"),
            "article_cv": model_meta.get("article_cv"),
            "training_data": model_meta.get("training_data"),
            "params": model_meta.get("params"),
            "featurizer_params": model_meta.get("featurizer_params"),
            # The encoder's record when it is blended in, None for the n-gram model alone.
            "encoder": _blend_record(estimator),
        },
        "gold": {**_file_info(gold_file), "n_sentences": len(rows)},
        "article": _file_info(article_file),
        "train": train_info,
        "versions": {**versions(), "python": platform.python_version()},
        "seed": seed,
        "resamples": resamples,
        "level": LEVEL,
    }
    report = {
        "metadata": metadata,
        "model": report_model,
        "baselines": baseline_reports,
        "actors": actors,
        "actor_accuracy": actor_accuracy,
    }
    dev_file = _dev_file(dev)
    if dev_file is not None:
        report["dev"] = _dev_scores(estimator, fitted_baselines, dev_file, context)
    return report


def _dev_file(dev: bool | str | Path | None) -> Path | None:
    """The development file a ``dev`` argument names: True for the shipped one, a path,
    or None for False and None."""
    if dev is False or dev is None:
        return None
    return data.dev_path() if dev is True else Path(dev)


def _context_model(estimator: Any) -> Any:
    """The context model that reads a StanceModel's (or fitted StanceClassifier's)
    probabilities, the blend's own with an encoder; None if there is none."""
    model = getattr(estimator, "model_", estimator)
    if hasattr(model, "document_context"):
        return model.document_context()
    return getattr(model, "context", None)


def _has_context(estimator: Any) -> bool:
    return _context_model(estimator) is not None


def _blend(estimator: Any) -> Any:
    """The encoder a StanceModel (or fitted StanceClassifier) blends in, or None."""
    return getattr(getattr(estimator, "model_", estimator), "encoder", None)


def _blend_record(estimator: Any) -> dict[str, Any] | None:
    blend = _blend(estimator)
    if blend is None:
        return None
    meta = _model_metadata(estimator).get("encoder") or {}
    return {
        **{k: meta[k] for k in ("base", "n_train", "train_sha256") if k in meta},
        **blend.record(),
    }


def _ngrams_only(estimator: Any, texts: list[str], context: bool) -> np.ndarray | None:
    """The probabilities of a blended model's n-gram half alone, read as `texts` are (one
    document, with context or not); None for a model without an encoder."""
    if _blend(estimator) is None:
        return None
    model = getattr(estimator, "model_", estimator)
    proba = model.ngram_proba(texts)
    if context and model.context is not None:
        return model.context.predict_proba(texts, proba)
    return proba


def _dev_scores(
    estimator: Any, fitted_baselines: dict[str, Any], path: Path, context: bool = False
) -> dict[str, Any]:
    """Headline figures of the model and the fitted baselines on the development articles."""
    rows = data.validate_dev(path)
    texts = [r["text"] for r in rows]
    y_true = [r["stance"] for r in rows]
    predictions: dict[str, list[str]] = {}
    classes = np.asarray(estimator.classes_, dtype=object)
    by_doc: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        by_doc.setdefault(r["doc"], []).append(i)
    context_model = _context_model(estimator) if context else None
    if context_model is not None:
        # The sentence model runs once; the context model re-reads each article from it.
        alone = np.asarray(estimator.predict_proba(texts), dtype=float)
        pred = np.empty(len(rows), dtype=object)
        for idx in by_doc.values():
            doc = context_model.predict_proba([texts[i] for i in idx], alone[idx])
            pred[idx] = classes[doc.argmax(axis=1)]
        predictions["stancelib"] = [str(p) for p in pred]
        predictions["stancelib, sentences alone"] = [str(p) for p in classes[alone.argmax(1)]]
    else:
        predictions["stancelib"] = [str(p) for p in estimator.predict(texts)]
    if _blend(estimator) is not None:
        pred = np.empty(len(rows), dtype=object)
        for idx in by_doc.values():
            ngrams = _ngrams_only(estimator, [texts[i] for i in idx], context)
            pred[idx] = classes[ngrams.argmax(axis=1)]
        predictions["stancelib, n-grams only"] = [str(p) for p in pred]
    for name, system in fitted_baselines.items():
        predictions[name] = [str(p) for p in system.predict(texts)]
    scores = {}
    for name, pred in predictions.items():
        scored = _scores(y_true, pred)
        scores[name] = {
            **{key: scored[key] for key in HEADLINE},
            "per_class": scored["per_class"],
        }

    def group(idx: list[int]) -> dict[str, Any]:
        gold = [y_true[i] for i in idx]
        return {
            "n_sentences": len(idx),
            "n_docs": len({rows[i]["doc"] for i in idx}),
            "systems": {
                name: {
                    "macro_f1": macro_f1(gold, [pred[i] for i in idx]),
                    "f_avg": f_avg(gold, [pred[i] for i in idx]),
                }
                for name, pred in predictions.items()
            },
        }

    styles = [_style(r["doc"]) for r in rows]
    by_style = {
        style: group([i for i, s in enumerate(styles) if s == style])
        for style in sorted(set(styles))
    }
    unquoted = [i for i, r in enumerate(rows) if r["doc"] not in data.QUOTED_IN_BRIEFS]
    return {
        **_file_info(path),
        "n_sentences": len(rows),
        "n_docs": len({r["doc"] for r in rows}),
        "systems": scores,
        "by_style": by_style,
        "unquoted": group(unquoted),
    }


def _style(doc: str) -> str:
    # A user's own development file need not name its articles as ours are named.
    try:
        return data.dev_style(doc)
    except ValueError:
        return "other"


def cross_validation(
    train: str | Path | None = None,
    *,
    params: dict[str, Any] | None = None,
    n_splits: int = 5,
    seed: int = 0,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Stratified k-fold cross-validation of a StanceClassifier on the training corpus.

    Always recomputed (it fits `n_splits` models), with :func:`stancelib.train.cross_validate`,
    the figure used for model selection.

    Parameters
    ----------
    train : str or Path, optional
        Training corpus; defaults to ``fixtures/train.jsonl``.
    params : dict, optional
        StanceClassifier parameters (``featurizer__`` keys go to the featurizer); defaults
        to the shipped model's, :data:`stancelib.train.SHIPPED_PARAMS`.
    n_splits : int, default=5
    seed : int, default=0
        Seeds the folds and the classifier.
    progress : callable, optional
        Called with a message after each fold.

    Returns
    -------
    dict
        ``macro_f1``, ``macro_f1_std``, ``f_avg``, ``f_avg_std``, ``folds``, ``n_splits``,
        ``random_state``, ``params`` and ``train`` (path and SHA-256 of the corpus).
    """
    from .train import SHIPPED_PARAMS, cross_validate, make_estimator, training_texts

    train_file = Path(train) if train is not None else data.training_path()
    texts, y = training_texts(train_file)
    params = dict(SHIPPED_PARAMS if params is None else params)
    if progress:
        progress(f"cross-validating on {len(texts)} sentences ({n_splits} folds)")
    out = cross_validate(
        make_estimator(params, seed),
        texts,
        y,
        n_splits=n_splits,
        random_state=seed,
        progress=progress,
    )
    out.pop("predictions", None)
    out["params"] = params
    out["train"] = {**_file_info(train_file), "n_sentences": len(texts)}
    return out


def ablation(
    gold: str | Path | None = None,
    train: str | Path | None = None,
    *,
    article: str | Path | None = None,
    params: dict[str, Any] | None = None,
    cv: bool = True,
    dev: bool | str | Path = False,
    families: Sequence[str] | None = None,
    n_splits: int = 5,
    seed: int = 0,
    n_jobs: int | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Gold and cross-validation figures with each feature family switched off in turn.

    For the full configuration and each family of :data:`ABLATIONS`, a StanceClassifier is
    cross-validated on the training corpus and fitted on all of it to label the gold
    sentences. The gold figures are reported only: nothing is chosen from them.

    Parameters
    ----------
    gold, train, article : str or Path, optional
        Default to the shipped fixtures.
    params : dict, optional
        StanceClassifier parameters to start from (``featurizer__`` keys for the featurizer);
        defaults to the shipped model's, :data:`stancelib.train.SHIPPED_PARAMS`.
    cv : bool, default=True
        Also cross-validate each configuration (``n_splits`` more fits each): over the
        training articles when the corpus has at least `n_splits` of them
        (:func:`stancelib.train.article_cross_validate`, as the model search), else by a
        stratified split of sentences. Without it the rows carry gold figures only and
        ``cv`` is None.
    dev : bool, str or Path, default=False
        Also label the development articles with each configuration (sentences alone):
        True for ``fixtures/dev.jsonl``, or a file in that format. Each row then has a
        ``dev`` entry; else it is None.
    families : sequence of str, optional
        The families to switch off, among :data:`ABLATIONS`; all of them by default. The
        full model's row always comes first.
    n_splits : int, default=5
    seed : int, default=0
    n_jobs : int, optional
        Configurations fitted in parallel, as for ``joblib.Parallel`` (-1: every core);
        the figures do not depend on it.
    progress : callable, optional
        Called with a message as each configuration is done.

    Returns
    -------
    dict
        ``rows``: one per configuration, ``removed`` (None for the full model, else the
        family switched off), ``gold``, ``cv`` and ``dev`` (each ``{"macro_f1", "f_avg"}``,
        CV with ``*_std`` too); and ``n_splits``, ``seed``.
    """
    from .train import SHIPPED_PARAMS, documents, training_texts

    rows = _read_gold(gold, article)
    gold_texts, y_gold = [r["text"] for r in rows], [r["stance"] for r in rows]
    texts, y = training_texts(train)
    docs = documents(train) if cv else {}
    docs = docs if len(docs) >= n_splits else {}
    dev_file = _dev_file(dev)
    dev_rows = data.validate_dev(dev_file) if dev_file is not None else []
    dev_texts, y_dev = [r["text"] for r in dev_rows], [r["stance"] for r in dev_rows]
    base = dict(SHIPPED_PARAMS if params is None else params)
    configs: list[tuple[str | None, dict[str, Any]]] = [(None, {})]
    if families is None:
        families = list(ABLATIONS)
    elif isinstance(families, str) or not all(isinstance(f, str) for f in families):
        raise TypeError(f"families must be a list of family names, got {families!r}")
    unknown = sorted(set(families) - set(ABLATIONS))
    if unknown:
        raise ValueError(f"unknown families {unknown}; expected among {list(ABLATIONS)}")
    configs += [(family, ABLATIONS[family]) for family in families]
    from joblib import Parallel, delayed

    jobs = (
        delayed(_ablation_row)(
            removed,
            {**base, **{f"featurizer__{k}": v for k, v in off.items()}},
            texts,
            y,
            gold_texts,
            y_gold,
            dev_texts,
            y_dev,
            cv=cv,
            docs=docs,
            n_splits=n_splits,
            seed=seed,
        )
        for removed, off in configs
    )
    out_rows = []
    for i, row in enumerate(Parallel(n_jobs=n_jobs, return_as="generator")(jobs), start=1):
        out_rows.append(row)
        if progress:
            label = "full model" if row["removed"] is None else f"without {row['removed']}"
            cv_text = f", CV macro-F1 {row['cv']['macro_f1']:.3f}" if row["cv"] else ""
            progress(
                f"ablation {i}/{len(configs)}: {label}: "
                f"gold macro-F1 {row['gold']['macro_f1']:.3f}{cv_text}"
            )
    return {
        "rows": out_rows,
        "n_splits": n_splits if cv else None,
        "cv_articles": len(docs) if docs else None,
        "seed": seed,
        "params": base,
    }


def _ablation_row(
    removed, config, texts, y, gold_texts, y_gold, dev_texts, y_dev, *, cv, docs, n_splits, seed
):
    from .train import make_estimator, selection_cv

    estimator = make_estimator(config, seed)
    scores = None
    if cv:
        # The cross-validation the model search uses.
        scores = selection_cv(estimator, texts, y, docs, n_splits=n_splits, random_state=seed)
    # Calibrated like the shipped model: with a news prior, the temperature moves the
    # decision, so the full model's row reproduces the shipped model's gold figures.
    fitted = estimator.fit(texts, y)
    scored = stance_scores(y_gold, [str(p) for p in fitted.predict(gold_texts)])
    on_dev = None
    if dev_texts:
        pred = [str(p) for p in fitted.predict(dev_texts)]
        on_dev = {"macro_f1": macro_f1(y_dev, pred), "f_avg": f_avg(y_dev, pred)}
    return {
        "removed": removed,
        "gold": {"macro_f1": scored["macro_f1"], "f_avg": scored["f_avg"]},
        "cv": scores,
        "dev": on_dev,
    }


# ------------------------------------------------------------------ command line


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description=(
            "Evaluate the stance model on the annotated article: per-class precision, "
            "recall and F1, macro-F1, SemEval F_avg, Cohen's kappa, 95% bootstrap "
            "intervals, the confusion matrix, every misclassified sentence, majority / "
            "keyword / TF-IDF baselines and the actor-level table."
        ),
        epilog="Exit status: 0 on success, 2 on bad arguments or input files.",
    )
    parser.add_argument("--model", type=Path, help="model file (default: the shipped model)")
    parser.add_argument(
        "--trusted",
        action="store_true",
        help="load --model without checking its SHA-256 (only a file you made yourself)",
    )
    parser.add_argument(
        "--gold", type=Path, help="gold JSONL (default: fixtures/article_gold.jsonl)"
    )
    parser.add_argument(
        "--article",
        type=Path,
        help="article the gold offsets refer to (default: fixtures/article.txt)",
    )
    parser.add_argument(
        "--train",
        type=Path,
        help="training corpus for the baselines, --cv and --ablation "
        "(default: fixtures/train.jsonl)",
    )
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the report as JSON")
    parser.add_argument("--quiet", action="store_true", help="print only the headline line")
    parser.add_argument(
        "--cv",
        action="store_true",
        help="recompute stratified 5-fold cross-validation on the training corpus",
    )
    parser.add_argument(
        "--ablation",
        action="store_true",
        help="gold and CV figures with each feature family switched off (slow)",
    )
    parser.add_argument(
        "--dev",
        nargs="?",
        type=Path,
        const=True,
        default=False,
        metavar="PATH",
        help="also score the model and baselines on development articles, and with "
        "--ablation each configuration (default file: fixtures/dev.jsonl)",
    )
    parser.add_argument(
        "--encoder",
        action="store_true",
        help="blend in the model's fine-tuned transformer (slower; see the README)",
    )
    parser.add_argument("--no-baselines", action="store_true", help="skip the baselines")
    parser.add_argument(
        "--no-context",
        action="store_true",
        help="label each sentence alone, not with its neighbours",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of bootstrap and folds (0)")
    parser.add_argument("--resamples", type=int, default=1000, help="bootstrap resamples (1000)")
    parser.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="ablation configurations fitted in parallel, as for joblib (-1: every core)",
    )
    return parser


def main(argv: Sequence[str] | None = None, *, prog: str = "python -m stancelib.evaluate") -> int:
    """Command line entry point; returns the exit code (0 success, 2 bad arguments or files)."""
    parser = _parser(prog)
    try:
        args = parser.parse_args(argv)
        if args.resamples < 1:
            parser.error(f"--resamples must be 1 or more, got {args.resamples}")
    except SystemExit as exc:  # argparse exits 0 after --help, 2 on a bad argument
        return exc.code if isinstance(exc.code, int) else 2

    def say(message: str) -> None:
        if not args.quiet:
            print(message, file=sys.stderr, flush=True)

    if not args.quiet:
        show_progress()  # the encoder's, with --encoder

    start = time.perf_counter()
    try:
        report = evaluate(
            args.model,
            args.gold,
            args.train,
            article=args.article,
            baselines=not args.no_baselines,
            resamples=args.resamples,
            seed=args.seed,
            dev=args.dev,
            context=not args.no_context,
            encoder=args.encoder,
            trusted=args.trusted,
        )
        params = _estimator_params(report["metadata"]["model"])
        if args.cv:
            report["cv"] = cross_validation(args.train, params=params, seed=args.seed, progress=say)
        if args.ablation:
            report["ablation"] = ablation(
                args.gold,
                args.train,
                article=args.article,
                params=params,
                dev=args.dev,
                seed=args.seed,
                n_jobs=args.jobs,
                progress=say,
            )
        if args.json is not None:
            text = json.dumps(report, indent=2, ensure_ascii=False) + "\n"
            args.json.write_text(text, encoding="utf-8")
    except (data.DataFileError, ModelFileError, OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(headline(report) if args.quiet else format_report(report))
    if args.json is not None:
        say(f"wrote {args.json}")
    if args.cv or args.ablation:
        say(f"done in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
