"""Would correcting the class prior for news text help? Scored on the development articles.

The training corpus is close to balanced, while news is mostly NONE. Re-weighting the
calibrated probabilities from the corpus prior to a news-like prior (Saerens et al. 2002)
is the standard fix, StanceClassifier's ``none_prior``. This script scores it on the
development articles (never the gold article) for several shares of NONE, the others
keeping their corpus proportions, so that the choice is made on data meant for choosing.
It starts from the shipped model's probabilities with its own correction undone, and marks
the share the shipped model uses (``stancelib.train.NEWS_NONE_PRIOR``).

Run: python tools/check_prior.py
"""

from __future__ import annotations

import numpy as np

import stancelib
from stancelib import data
from stancelib.classifier import prior_shift
from stancelib.metrics import f_avg, macro_f1
from stancelib.model import softmax
from stancelib.train import training_texts

SHARES = (None, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


def main() -> None:
    model = stancelib.load_model()
    classes = [str(c) for c in model.classes_]
    _, y_train = training_texts()
    corpus = np.array([np.mean(y_train == c) for c in classes])
    shipped = model.metadata.get("params", {}).get("none_prior")
    dev = data.validate_dev()
    y_dev = [r["stance"] for r in dev]
    log_p = np.log(model.predict_proba([r["text"] for r in dev]))
    log_p -= prior_shift(classes, corpus, shipped)  # back to the corpus prior
    none = corpus[classes.index("NONE")]
    print(f"development articles: {len(dev)} sentences; corpus share of NONE {none:.3f}")
    print("NONE prior  dev macro-F1  dev F_avg  predicted NONE")
    for share in SHARES:
        proba = softmax(log_p + prior_shift(classes, corpus, share))
        pred = [classes[k] for k in proba.argmax(axis=1)]
        label = "corpus" if share is None else f"{share:.1f}"
        mark = "  <- shipped" if share == shipped else ""
        print(
            f"{label:>10}  {macro_f1(y_dev, pred):12.4f}  {f_avg(y_dev, pred):9.4f}"
            f"  {pred.count('NONE'):14d}{mark}"
        )


if __name__ == "__main__":
    main()
