"""How much of the fine-tuned encoder to blend in? Scored on the development articles,
or by cross-validation over the training articles (``--cv``).

The shipped encoder was fine-tuned on every training sentence, so the training corpus can
judge its share in the blend only through encoders fine-tuned once per fold (``--cv``
below). The development articles, news written for this project and never trained on,
can judge the shipped encoder itself: this script scores the blend
``(1 - w) * log p_ngram + w * (log p_encoder + shift)`` for several weights w, sentences
alone and read with the context model, and
marks the weight the shipped model uses (``stancelib.train.ENCODER_WEIGHT``). The gold
article is not consulted.

With ``--cv`` it scores the same weights by cross-validation over the training articles
instead, the development articles not read: ``stancelib/models/encoder_oof.npz`` holds
the log-probabilities of encoders fine-tuned without each fold's articles
(``tools/finetune_encoder.py --fold K --out DIR/foldK.npz``, about 12 minutes each on two
cores, gathered by ``--gather DIR``), the n-gram model's out-of-fold probabilities come from
the same folds (recorded beside the shipped model by ``python -m stancelib.train``;
``--refit`` fits them again, about two minutes), and the context model is cross-validated
on each blend as ``python tools/check_context.py`` does.

Run: python tools/check_encoder.py [--encoder FILE] [--cv [--refit]] [--gather DIR]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

import stancelib
from stancelib import data, load_model
from stancelib.classifier import prior_shift
from stancelib.encoder import EncoderBlend, blend
from stancelib.metrics import f_avg, macro_f1
from stancelib.train import (
    ENCODER_FILE,
    ENCODER_OOF,
    ENCODER_WEIGHT,
    SHIPPED_PARAMS,
    context_cv,
    documents,
    load_encoder_oof,
    make_estimator,
    out_of_fold_document_proba,
    recorded_document_proba,
    training_texts,
)

WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0)


def gather(folder: Path, folds: int = 5) -> None:
    """Write the out-of-fold log-probabilities of the fold encoders to ENCODER_OOF.

    Every fold must have been fine-tuned on the corpus as it is now; the file records its
    SHA-256, which ``python -m stancelib.train`` checks before fitting on it.
    """
    texts, _ = training_texts()
    corpus = data.file_sha256(data.training_path())
    rows = [i for idx in documents().values() for i in idx]
    log_encoder = np.full((len(texts), 3), np.nan)
    for k in range(1, folds + 1):
        try:
            fold = load_encoder_oof(folder / f"fold{k}.oof.npz", len(texts), corpus)
        except ValueError as error:
            raise SystemExit(str(error)) from None
        held_out = ~np.isnan(fold).any(axis=1)
        log_encoder[held_out] = fold[held_out]
    if np.isnan(log_encoder[rows]).any():
        raise SystemExit(f"{folder}: the folds do not cover every training article sentence")
    np.savez(
        ENCODER_OOF,
        rows=np.array(rows),
        log_proba=log_encoder[rows],
        train_sha256=np.array(corpus),
    )
    print(f"wrote {ENCODER_OOF}", file=sys.stderr)


def cross_validated(refit: bool = False) -> None:
    texts, y = training_texts()
    docs = documents()
    classes = [str(c) for c in np.unique(y)]
    corpus = np.array([np.mean(y == c) for c in classes])
    shift = prior_shift(classes, corpus, SHIPPED_PARAMS["none_prior"])
    try:
        log_encoder = load_encoder_oof(
            ENCODER_OOF,
            len(texts),
            data.file_sha256(data.training_path()),
            data.training_path(),
        )
    except ValueError as error:
        raise SystemExit(str(error)) from None
    rows = [i for idx in docs.values() for i in idx]
    if np.isnan(log_encoder[rows]).any():
        raise SystemExit(f"{ENCODER_OOF}: not every training article sentence is covered")
    ngram = None
    if not refit:
        try:
            ngram = recorded_document_proba(params=SHIPPED_PARAMS)
        except ValueError as error:
            print(f"{error}; fitting them again", file=sys.stderr)
    if ngram is None:
        ngram = out_of_fold_document_proba(make_estimator(SHIPPED_PARAMS), texts, y, docs, n_jobs=2)
    sentences = [[texts[i] for i in idx] for idx in docs.values()]
    labels = [list(y[idx]) for idx in docs.values()]
    print(
        f"training articles: {len(docs)} ({len(rows)} sentences), 5-fold CV over articles; "
        "encoders fine-tuned without each fold's articles"
    )
    print("weight  alone macro-F1  context macro-F1  context F_avg")
    for w in WEIGHTS:
        probas = [blend(p, log_encoder[idx], w, shift) for p, idx in zip(ngram, docs.values())]
        cv = context_cv(sentences, probas, labels, classes)
        mark = "  <- ENCODER_WEIGHT" if w == ENCODER_WEIGHT else ""
        print(
            f"{w:6.1f}  {cv['alone_macro_f1']:16.4f}  {cv['macro_f1']:16.4f}"
            f"  {cv['f_avg']:13.4f}{mark}"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--encoder", type=Path, default=ENCODER_FILE, help="encoder file")
    parser.add_argument(
        "--cv",
        action="store_true",
        help=f"score by CV over the training articles, from {ENCODER_OOF.name}",
    )
    parser.add_argument(
        "--gather",
        type=Path,
        metavar="DIR",
        help=f"first gather DIR/fold{{1..5}}.oof.npz into {ENCODER_OOF.name} (which python "
        "-m stancelib.train fits the blend's context model on)",
    )
    parser.add_argument(
        "--refit",
        action="store_true",
        help="with --cv: fit the n-gram model on each fold again instead of reading the "
        "probabilities recorded beside the shipped model",
    )
    args = parser.parse_args(argv)
    if args.gather is not None:
        gather(args.gather)
    if args.cv or args.gather is not None:
        return cross_validated(args.refit)
    model = stancelib.load_model()
    classes = [str(c) for c in model.classes_]
    _, y_train = training_texts()
    corpus = np.array([np.mean(y_train == c) for c in classes])
    shift = prior_shift(classes, corpus, model.metadata.get("params", {}).get("none_prior"))
    shipped = (model.metadata.get("encoder") or {}).get("weight")
    dev = data.validate_dev()
    texts = [r["text"] for r in dev]
    y_dev = [r["stance"] for r in dev]
    docs: dict[str, list[int]] = {}
    for i, r in enumerate(dev):
        docs.setdefault(r["doc"], []).append(i)
    ngram = model.ngram_proba(texts)
    encoder = EncoderBlend.from_file(args.encoder, 1.0, shift).encoder
    log_encoder = encoder.predict_log_proba(texts)
    # The blend's own context model, fitted for the shipped share on out-of-fold blends of
    # the training articles; the n-gram model's when the model records none.
    reader = (model.metadata.get("encoder") or {}).get("context") and load_model(
        encoder=True
    ).encoder.context
    reader = reader or model.context
    print(f"development articles: {len(dev)} sentences in {len(docs)} articles")
    print(
        "context: "
        + ("the blend's context model" if reader is not model.context else "the n-gram model's")
    )
    print("weight  alone macro-F1  context macro-F1  context F_avg")
    for w in WEIGHTS:
        proba = blend(ngram, log_encoder, w, shift)
        read = proba.copy()
        for idx in docs.values():
            read[idx] = reader.predict_proba([texts[i] for i in idx], proba[idx])
        alone = [classes[k] for k in proba.argmax(axis=1)]
        context = [classes[k] for k in read.argmax(axis=1)]
        mark = "  <- shipped" if w == shipped else ""
        if shipped is None and w == ENCODER_WEIGHT:
            mark = "  <- ENCODER_WEIGHT"
        print(
            f"{w:6.1f}  {macro_f1(y_dev, alone):16.4f}  {macro_f1(y_dev, context):16.4f}"
            f"  {f_avg(y_dev, context):13.4f}{mark}"
        )


if __name__ == "__main__":
    main()
