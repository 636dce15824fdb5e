"""How much of the fine-tuned encoder to blend in? Scored on the development articles.

The encoder was fine-tuned on every training sentence, so the training corpus cannot
judge its share in the blend without fine-tuning it once per fold (half an hour each on
two cores). The development articles, news written for this project and never trained
on, can: this script scores the blend ``(1 - w) * log p_ngram + w * (log p_encoder +
shift)`` for several weights w, sentences alone and read with the context model, and
marks the weight the shipped model uses (``stancelib.train.ENCODER_WEIGHT``). The gold
article is not consulted.

Run: python tools/check_encoder.py [--encoder stancelib/models/encoder.npz]
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
from stancelib.train import ENCODER_FILE, ENCODER_WEIGHT, training_texts

WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--encoder", type=Path, default=ENCODER_FILE, help="encoder file")
    args = parser.parse_args(argv)
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
        z = (1 - w) * np.log(ngram) + w * (log_encoder + shift)
        proba = np.exp(z - z.max(axis=1, keepdims=True))
        proba /= proba.sum(axis=1, keepdims=True)
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
