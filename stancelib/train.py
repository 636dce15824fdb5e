"""Train the default stance model from the training corpus, and choose its settings by
cross-validation on that corpus alone.

The folds live in :mod:`stancelib.crossval`, the grid search in
:mod:`stancelib.selection`, the context model's fit in :mod:`stancelib.context_fit` and
the out-of-fold files in :mod:`stancelib.oof`; their public names are importable from
here too, as the tools and earlier code use them.

Usage::

    python -m stancelib.train            # rebuild stancelib/models/default.joblib
    python -m stancelib.train --search   # the model selection grid, by 5-fold CV
    python -m stancelib.train --help
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from . import data
from .classifier import StanceClassifier
from .context import ContextModel
from .context_fit import (
    CONTEXT_ALPHA,
    context_cv,
    context_from_probas,
    fit_document_context,
    fit_with_context,
)
from .crossval import (
    _article_folds,
    article_cross_validate,
    cross_validate,
    out_of_fold_document_proba,
)
from .encoder import EncoderBlend
from .encoder import blend as blend_proba
from .oof import digest, load_encoder_oof, load_ngram_oof, oof_path, write_oof
from .persistence import DEFAULT_MODEL, ModelFileError, place_encoder, read_metadata, save_model
from .selection import SEARCH_GRID, make_estimator, search, selection_cv

__all__ = [
    "CONTEXT_ALPHA",
    "DEFAULT_PARAMS",
    "ENCODER_FILE",
    "ENCODER_OOF",
    "ENCODER_WEIGHT",
    "NEWS_NONE_PRIOR",
    "SEARCH_GRID",
    "SHIPPED_PARAMS",
    "article_cross_validate",
    "blend_context",
    "blend_encoder",
    "context_cv",
    "context_from_probas",
    "cross_validate",
    "documents",
    "encoder_record",
    "fit_document_context",
    "fit_with_context",
    "load_encoder_oof",
    "load_ngram_oof",
    "main",
    "make_estimator",
    "oof_path",
    "out_of_fold_document_proba",
    "recorded_document_proba",
    "search",
    "selection_cv",
    "train",
]


#: The shipped model's settings: the winner of ``python -m stancelib.train --search`` on the
#: training corpus (macro-F1 of 5-fold CV over the training articles), the gold article
#: never consulted. StanceClassifier's default loss, C and nb_alpha are the same, and
#: StanceFeaturizer's min_df (a test keeps them in step).
DEFAULT_PARAMS: dict[str, Any] = {
    "loss": "squared_hinge",
    "C": 1.0,
    "nb_alpha": 1.0,
    "featurizer__min_df": 1,
}

#: The share of NONE the shipped model expects (StanceClassifier's ``none_prior``). The
#: balanced corpus cannot choose it, so it is chosen on the development articles, news
#: written for this project and never trained on: ``python tools/check_prior.py``.
NEWS_NONE_PRIOR = 0.4

#: Everything the shipped model is built with: what ``python -m stancelib.train`` fits.
SHIPPED_PARAMS: dict[str, Any] = {**DEFAULT_PARAMS, "none_prior": NEWS_NONE_PRIOR}

#: The fine-tuned transformer blended with the n-gram model, written by
#: ``tools/finetune_encoder.py`` (needs torch; inference needs NumPy only).
ENCODER_FILE = DEFAULT_MODEL.parent / "encoder.npz"

#: Log-probabilities of the training articles' sentences from encoders fine-tuned without
#: them, for the blend's context model (:func:`blend_context`).
ENCODER_OOF = DEFAULT_MODEL.parent / "encoder_oof.npz"

#: The encoder's share in the blend (:class:`stancelib.encoder.EncoderBlend`), chosen by
#: cross-validation over the training articles with encoders fine-tuned without each fold
#: (``python tools/check_encoder.py --cv``); the development articles checked it after.
ENCODER_WEIGHT = 0.3


def _say(message: str, quiet: bool) -> None:
    if not quiet:
        print(message, file=sys.stderr, flush=True)


def training_texts(path: str | Path | None = None) -> tuple[list[str], np.ndarray]:
    """Sentences and stances of the training corpus, read with :func:`data.load_training`."""
    dataset = data.load_training(path)
    names = dataset.features["stance"].names
    return list(dataset["text"]), np.array([names[i] for i in dataset["stance"]], dtype=object)


def documents(path: str | Path | None = None) -> dict[str, list[int]]:
    """The training corpus's articles: each ``doc`` name and its sentences' row numbers."""
    rows = data.validate_training(path)
    out: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        if row.get("doc") is not None:
            out.setdefault(row["doc"], []).append(i)
    return out


def blend_encoder(
    estimator: StanceClassifier,
    path: str | Path = ENCODER_FILE,
    weight: float = ENCODER_WEIGHT,
) -> EncoderBlend:
    """The blend of a fitted classifier's model with the encoder file at `path`.

    The encoder gets the classifier's news prior (``prior_shift_``), so that both halves
    of the blend expect the same share of NONE. ``estimator.model_.with_encoder(blend)``
    is the blended model; :func:`train` records the blend in the model's metadata, so
    that ``stancelib.load_model(encoder=True)`` rebuilds it.

    Parameters
    ----------
    estimator : StanceClassifier
        Fitted.
    path : str or Path, default=ENCODER_FILE
    weight : float, default=ENCODER_WEIGHT

    Returns
    -------
    EncoderBlend

    Raises
    ------
    EncoderFileError
        The file is missing or not an encoder file.
    ValueError
        The encoder's classes are not the classifier's.
    """
    blend = EncoderBlend.from_file(path, weight, estimator.prior_shift_)
    encoder = blend.encoder
    if list(encoder.classes_) != list(estimator.classes_):
        raise ValueError(
            f"{path}: the encoder's classes {list(encoder.classes_)} are not the "
            f"classifier's {list(estimator.classes_)}"
        )
    return blend


def _oof_arrays(texts, docs, probas, n_splits, corpus_sha256) -> dict[str, np.ndarray]:
    """What :func:`oof_path`'s file holds: each article row, its out-of-fold
    probabilities and its fold, and the corpus's SHA-256."""
    fold_of = np.empty(len(docs), dtype=np.int64)
    for k, (held_out, _) in enumerate(_article_folds(docs, n_splits, len(texts))):
        fold_of[held_out] = k
    idx = list(docs.values())
    return {
        "rows": np.concatenate([np.asarray(i, dtype=np.int64) for i in idx]),
        "proba": np.vstack(probas),
        "fold": np.concatenate([np.full(len(i), fold_of[d]) for d, i in enumerate(idx)]),
        "train_sha256": np.array(corpus_sha256),
    }


def recorded_document_proba(
    model_path: str | Path | None = None,
    params: dict[str, Any] | None = None,
    corpus: str | Path | None = None,
) -> list[np.ndarray]:
    """Per training article, the out-of-fold probabilities recorded with a trained model.

    What :func:`out_of_fold_document_proba` computes for the model's parameters, read
    from the file ``python -m stancelib.train`` wrote beside the model instead of six
    refits (two minutes here), once the file is checked against the model's metadata
    and the corpus as it is now.

    Parameters
    ----------
    model_path : str or Path, optional
        The model; defaults to the shipped one.
    params : dict, optional
        The classifier parameters the caller expects the model to have been trained with
        (such as :data:`SHIPPED_PARAMS`); a model trained otherwise is refused.
    corpus : str or Path, optional
        The training corpus the model was trained on; defaults to the shipped one.

    Returns
    -------
    list of ndarray
        One ``(n_sentences, n_classes)`` array per article, in the order of
        :func:`documents`.

    Raises
    ------
    stancelib.ModelFileError
        A ``ValueError``: the model records no such file, was trained with other
        parameters or on another corpus, or the file does not match its record.
    """
    model_path = Path(model_path) if model_path is not None else DEFAULT_MODEL
    meta = read_metadata(model_path)
    if not meta.get("context_oof"):
        raise ModelFileError(
            f"{model_path}: the model records no out-of-fold probabilities; "
            "rebuild it with python -m stancelib.train"
        )
    if params is not None:
        recorded = {
            **meta.get("params", {}),
            **{f"featurizer__{k}": v for k, v in meta.get("featurizer_params", {}).items()},
        }
        differing = sorted(k for k, v in params.items() if recorded.get(k) != v)
        if differing:
            raise ModelFileError(
                f"{model_path}: trained with other parameters than expected "
                f"({', '.join(differing)})"
            )
    texts, _ = training_texts(corpus)
    proba, _ = load_ngram_oof(
        oof_path(model_path),
        len(texts),
        data.file_sha256(corpus if corpus is not None else data.training_path()),
        expected_digest=meta["context_oof"]["digest"],
    )
    return [proba[idx] for idx in documents(corpus).values()]


def blend_context(
    blend: EncoderBlend,
    texts: Sequence[str],
    y: Sequence[str],
    docs: dict[str, list[int]],
    ngram_probas: Sequence[np.ndarray],
    path: str | Path = ENCODER_OOF,
    *,
    corpus_sha256: str,
    corpus: str | Path | None = None,
    alpha: float = CONTEXT_ALPHA,
    n_splits: int = 5,
) -> tuple[ContextModel, dict[str, Any]]:
    """Fit the context model that reads the blend's probabilities.

    The n-gram model's context model was fitted on its own out-of-fold probabilities; the
    blend's is fitted the same way on out-of-fold blends: the n-gram model's
    `ngram_probas` and the log-probabilities in `path` of encoders fine-tuned without each
    fold's articles (``tools/finetune_encoder.py --fold K``, gathered by
    ``tools/check_encoder.py --gather DIR``), on the same folds. The file must have been
    made from the corpus whose SHA-256 is `corpus_sha256`, or from the file `corpus`
    before rows were appended to it (:func:`load_encoder_oof`).

    Returns
    -------
    (ContextModel, dict)
        The model and its record (:func:`context_cv` figures, alone and with context).
    """
    full = load_encoder_oof(path, len(texts), corpus_sha256, corpus)
    blended = []
    for proba, idx in zip(ngram_probas, docs.values()):
        if np.isnan(full[idx]).any():
            raise ValueError(f"{path}: no out-of-fold encoder probabilities for some articles")
        blended.append(blend_proba(proba, full[idx], blend.weight, blend.shift))
    return context_from_probas(texts, y, docs, blended, alpha, n_splits)


def encoder_record(
    blend: EncoderBlend,
    context_record: dict[str, Any] | None,
    corpus: str | Path | None = None,
) -> dict[str, Any]:
    """What the model's metadata records of the blend, for ``load_model(encoder=True)``.

    With the training `corpus`, also ``train_rows``: how many of its first rows the
    encoder was fine-tuned on (all of them, or those it had before more were appended;
    None when it was fine-tuned on another version, see :func:`stancelib.data.prefix_rows`).
    """
    record = {**blend.encoder.metadata, **blend.record(), "context_record": context_record}
    tuned_on = record.get("train_sha256")
    if corpus is not None:
        record["train_rows"] = data.prefix_rows(corpus, tuned_on) if tuned_on else None
    return record


def train(
    data_path: str | Path | None = None,
    out: str | Path | None = None,
    *,
    n_splits: int = 5,
    random_state: int = 0,
    n_jobs: int | None = None,
    progress: Callable[[str], None] | None = None,
    encoder: str | Path | None = ENCODER_FILE,
    encoder_oof: str | Path | None = ENCODER_OOF,
) -> tuple[StanceClassifier, dict[str, Any]]:
    """Cross-validate, fit and save the default model.

    The sentence model is fitted on every training sentence; when the corpus has articles
    (rows with a ``doc``), a context model is fitted on them too
    (:func:`fit_document_context`) and attached to the saved model. The fine-tuned encoder,
    when its file exists, is recorded in the metadata with its share in the blend
    (:func:`blend_encoder`), for ``stancelib.load_model(encoder=True)``; the saved model
    itself is the n-gram model, fast enough for millions of sentences. The
    cross-validation figures are the n-gram model's.

    Parameters
    ----------
    data_path : str or Path, optional
        Training corpus; defaults to ``fixtures/train.jsonl``.
    out : str or Path, optional
        Where to write the model; defaults to the shipped model in the package.
    n_splits : int, default=5
    random_state : int, default=0
    n_jobs : int, optional
        Folds of the cross-validations and of the context model fitted in parallel
        (``joblib``); the model and the figures do not depend on it.
    encoder : str or Path or None, default=ENCODER_FILE
        The encoder file to record for the blend (copied beside the model when it is
        elsewhere); None, or a default file that does not exist, records none.
    encoder_oof : str or Path or None, default=ENCODER_OOF
        Out-of-fold encoder log-probabilities of the training articles, to fit the blend's
        context model (:func:`blend_context`); without the file (or with None) the blend
        reads sentences alone. A file made from another version of the corpus is refused
        (:class:`~stancelib.encoder.EncoderFileError`), unless only rows were appended to
        the corpus since (:func:`stancelib.data.prefix_rows`).

    Returns
    -------
    (StanceClassifier, dict)
        The fitted classifier and the metadata written beside the model.
    """
    say = progress or (lambda message: None)
    path = Path(data_path) if data_path is not None else data.training_path()
    texts, y = training_texts(path)
    estimator = make_estimator(SHIPPED_PARAMS, random_state)
    say(f"cross-validating on {len(texts)} sentences ({n_splits} folds)")
    cv = cross_validate(
        estimator,
        texts,
        y,
        n_splits=n_splits,
        random_state=random_state,
        n_jobs=n_jobs,
        progress=say,
    )
    docs = documents(path)
    article_cv = context_record = ngram_probas = None
    if len(docs) >= 2:
        say(f"cross-validating over {len(docs)} training articles ({n_splits} folds)")
        article_cv = article_cross_validate(
            estimator, texts, y, docs, n_splits=n_splits, n_jobs=n_jobs, progress=say
        )
        say(f"fitting on all {len(texts)} sentences, and the context model on {len(docs)} articles")
        estimator, context_record, ngram_probas = fit_with_context(
            estimator,
            texts,
            y,
            docs,
            n_splits=n_splits,
            n_jobs=n_jobs,
            progress=say,
            return_probas=True,
        )
    else:
        say(f"fitting on all {len(texts)} sentences")
        estimator.fit(texts, y)
    corpus_sha256 = data.file_sha256(path)
    oof_arrays = None
    if ngram_probas is not None:
        oof_arrays = _oof_arrays(texts, docs, ngram_probas, n_splits, corpus_sha256)
    metadata = {
        "training_data": {
            "file": path.name,
            "sha256": corpus_sha256,
            "n_sentences": len(texts),
        },
        "params": {k: v for k, v in estimator.get_params(deep=False).items() if k != "featurizer"},
        "featurizer_params": estimator.featurizer_.get_params(),
        "cv": {k: v for k, v in cv.items() if k != "predictions"},
        "article_cv": article_cv,
        "temperature": estimator.temperature_,
        "context": context_record,
        "context_oof": None,
        "encoder": None,
    }
    model_path = Path(out or DEFAULT_MODEL)
    if oof_arrays is not None:
        metadata["context_oof"] = {"file": oof_path(model_path).name, "digest": digest(oof_arrays)}
    if encoder is not None and (Path(encoder).is_file() or Path(encoder) != ENCODER_FILE):
        say(f"recording the encoder {encoder} for the blend")
        blend = blend_encoder(estimator, encoder)
        blend_record = None
        if len(docs) >= 2 and encoder_oof is not None and Path(encoder_oof).is_file():
            say(f"fitting the blend's context model on {encoder_oof}")
            blend.context, blend_record = blend_context(
                blend,
                texts,
                y,
                docs,
                ngram_probas,
                encoder_oof,
                corpus_sha256=metadata["training_data"]["sha256"],
                corpus=path,
                n_splits=n_splits,
            )
        metadata["encoder"] = encoder_record(blend, blend_record, path)
        seen = metadata["encoder"]["train_rows"]
        if seen is None:
            say("warning: the encoder was fine-tuned on another version of the corpus")
        elif seen < len(texts):
            # The corpus grows by appending; the encoder is fine-tuned again when time
            # allows, and meanwhile is recorded with the rows it saw.
            say(
                f"note: the encoder was fine-tuned on the first {seen} of the corpus's "
                f"{len(texts)} sentences, before the rest were added"
            )
    side = save_model(estimator.model_, model_path, metadata)
    if metadata["encoder"] is not None:
        place_encoder(blend, model_path.parent)
    written = [str(model_path), str(side)]
    if oof_arrays is not None:
        write_oof(oof_path(model_path), oof_arrays)
        written.append(str(oof_path(model_path)))
    say(f"wrote {', '.join(written[:-1])} and {written[-1]}")
    return estimator, metadata


def main(argv: Sequence[str] | None = None, *, prog: str = "python -m stancelib.train") -> int:
    """Command line entry point; returns the exit code."""
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Rebuild the default stance model from the training corpus.",
    )
    parser.add_argument("--data", type=Path, help="training JSONL (default: fixtures/train.jsonl)")
    parser.add_argument(
        "--out",
        type=Path,
        help=f"model file to write (default: the shipped {DEFAULT_MODEL.name})",
    )
    parser.add_argument(
        "--search",
        action="store_true",
        help="run the model-selection grid by cross-validation instead",
    )
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds (5)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (0)")
    parser.add_argument(
        "--jobs", type=int, default=None, help="parallel fits, as for joblib (-1: every core)"
    )
    parser.add_argument(
        "--encoder",
        type=Path,
        default=ENCODER_FILE,
        help=f"fine-tuned encoder to record for the blend (default: {ENCODER_FILE.name}, "
        "if present)",
    )
    parser.add_argument("--no-encoder", action="store_true", help="record no encoder")
    parser.add_argument(
        "--no-encoder-oof",
        action="store_true",
        help=f"do not fit the blend's context model on {ENCODER_OOF.name} (the blend then "
        "reads sentences alone); needed when the corpus changed after the fold encoders",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress messages")
    args = parser.parse_args(argv)
    say = lambda message: _say(message, args.quiet)  # noqa: E731
    if args.folds < 2:
        parser.error("--folds must be 2 or more")
    start = time.perf_counter()
    try:
        if args.search:
            texts, y = training_texts(args.data)
            docs = documents(args.data)
            if len(docs) >= args.folds:
                say(
                    f"searching {SEARCH_GRID} by {args.folds}-fold CV over {len(docs)} "
                    f"training articles ({len(texts)} sentences in all)"
                )
            else:
                docs = None
                say(f"searching {SEARCH_GRID} by {args.folds}-fold CV on {len(texts)} sentences")
            results = search(
                texts,
                y,
                docs=docs,
                n_splits=args.folds,
                random_state=args.seed,
                n_jobs=args.jobs,
                progress=say,
            )
            for rank, row in enumerate(results, start=1):
                print(
                    f"{rank:2d}. {row['params']}  macro-F1 {row['macro_f1']:.3f} "
                    f"(+/- {row['macro_f1_std']:.3f})  F_avg {row['f_avg']:.3f}"
                )
        else:
            _, meta = train(
                args.data,
                args.out,
                n_splits=args.folds,
                random_state=args.seed,
                n_jobs=args.jobs,
                progress=say,
                encoder=None if args.no_encoder else args.encoder,
                encoder_oof=None if args.no_encoder_oof else ENCODER_OOF,
            )
            print(
                f"CV macro-F1 {meta['cv']['macro_f1']:.3f} "
                f"(+/- {meta['cv']['macro_f1_std']:.3f}), "
                f"F_avg {meta['cv']['f_avg']:.3f}"
            )
            if meta["article_cv"]:
                acv = meta["article_cv"]
                print(
                    f"CV over {acv['n_documents']} training articles: macro-F1 "
                    f"{acv['macro_f1']:.3f} (+/- {acv['macro_f1_std']:.3f}), "
                    f"F_avg {acv['f_avg']:.3f}"
                )
            if meta["context"]:
                cv = meta["context"]["cv"]
                print(
                    f"context model, CV over {meta['context']['n_documents']} training "
                    f"articles: macro-F1 {cv['macro_f1']:.3f} with context, "
                    f"{cv['alone_macro_f1']:.3f} sentences alone"
                )
            blend_record = (meta["encoder"] or {}).get("context_record")
            if blend_record:
                cv = blend_record["cv"]
                print(
                    f"blend with the encoder (weight {meta['encoder']['weight']:g}), CV over "
                    f"the training articles: macro-F1 {cv['macro_f1']:.3f} with its context "
                    f"model, {cv['alone_macro_f1']:.3f} sentences alone"
                )
    except (data.DataFileError, ModelFileError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    say(f"done in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
