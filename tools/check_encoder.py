"""How much of the fine-tuned encoder to blend in? Scored on the development articles.

The encoder was fine-tuned on every training sentence, so the training corpus cannot
judge its share in the blend without fine-tuning it once per fold (half an hour each on
two cores). The development articles, news written for this project and never trained
on, can: this script scores the blend ``(1 - w) * log p_ngram + w * (log p_encoder +
shift)`` for several weights w, sentences alone and read with the context model, and
marks the weight the shipped model uses (``stancelib.train.ENCODER_WEIGHT``). The gold
article is not consulted.

With ``--cv DIR`` it scores the same weights by cross-validation over the training articles
instead, the development articles not read: ``DIR/fold{1..5}.oof.npz`` hold the
log-probabilities of encoders fine-tuned without each fold's articles
(``tools/finetune_encoder.py --fold K``, about 15 minutes each on two cores), the n-gram
model's out-of-fold probabilities come from the same folds, and the context model is
cross-validated on each blend as ``python tools/check_context.py`` does.

Run: python tools/check_encoder.py [--encoder stancelib/models/encoder.npz] [--cv DIR]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import stancelib
from stancelib import data
from stancelib.classifier import prior_shift
from stancelib.encoder import EncoderBlend
from stancelib.metrics import f_avg, macro_f1
from stancelib.train import (
    ENCODER_FILE,
    ENCODER_WEIGHT,
    SHIPPED_PARAMS,
    context_cv,
    documents,
    make_estimator,
    out_of_fold_document_proba,
    training_texts,
)

WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0)


def blend(ngram: np.ndarray, log_encoder: np.ndarray, shift: np.ndarray, w: float):
    """The blend of EncoderBlend.combine, from arrays."""
    z = (1 - w) * np.log(ngram) + w * (log_encoder + shift)
    proba = np.exp(z - z.max(axis=1, keepdims=True))
    return proba / proba.sum(axis=1, keepdims=True)


def cross_validated(folder: Path) -> None:
    texts, y = training_texts()
    docs = documents()
    classes = [str(c) for c in np.unique(y)]
    corpus = np.array([np.mean(y == c) for c in classes])
    shift = prior_shift(classes, corpus, SHIPPED_PARAMS["none_prior"])
    log_encoder = np.full((len(texts), len(classes)), np.nan)
    for k in range(1, 6):
        with np.load(folder / f"fold{k}.oof.npz") as oof:
            log_encoder[oof["rows"]] = oof["log_proba"]
    rows = [i for idx in docs.values() for i in idx]
    if np.isnan(log_encoder[rows]).any():
        raise SystemExit(f"{folder}: the folds do not cover every training article sentence")
    ngram = out_of_fold_document_proba(make_estimator(SHIPPED_PARAMS), texts, y, docs, n_jobs=2)
    sentences = [[texts[i] for i in idx] for idx in docs.values()]
    labels = [list(y[idx]) for idx in docs.values()]
    print(
        f"training articles: {len(docs)} ({len(rows)} sentences), 5-fold CV over articles; "
        "encoders fine-tuned without each fold's articles"
    )
    print("weight  alone macro-F1  context macro-F1  context F_avg")
    for w in WEIGHTS:
        probas = [blend(p, log_encoder[idx], shift, w) for p, idx in zip(ngram, docs.values())]
        cv = context_cv(sentences, probas, labels, classes)
        mark = "  <- ENCODER_WEIGHT" if w == ENCODER_WEIGHT else ""
        print(
            f"{w:6.1f}  {cv['alone_macro_f1']:16.4f}  {cv['macro_f1']:16.4f}"
            f"  {cv['f_avg']:13.4f}{mark}"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--encoder", type=Path, default=ENCODER_FILE, help="encoder file")
    parser.add_argument("--cv", type=Path, metavar="DIR", help="out-of-fold encoder files")
    args = parser.parse_args(argv)
    if args.cv is not None:
        return cross_validated(args.cv)
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
    print(f"development articles: {len(dev)} sentences in {len(docs)} articles")
    print("weight  alone macro-F1  context macro-F1  context F_avg")
    for w in WEIGHTS:
        proba = blend(ngram, log_encoder, shift, w)
        read = proba.copy()
        for idx in docs.values():
            read[idx] = model.context.predict_proba([texts[i] for i in idx], proba[idx])
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
