"""Choose the context model's L2 penalty by cross-validation over the training articles.

The sentence model's out-of-fold probabilities for the training articles (each from a
model not trained on that article) are those ``python -m stancelib.train`` recorded beside
the shipped model (``--refit`` computes them again, about two minutes); the context model
is then cross-validated over articles for each penalty. Neither the development articles
nor the gold are read. The shipped penalty, ``stancelib.train.CONTEXT_ALPHA``, is marked.

Run: python tools/check_context.py [--refit]
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from stancelib.train import (
    CONTEXT_ALPHA,
    SHIPPED_PARAMS,
    context_cv,
    documents,
    make_estimator,
    out_of_fold_document_proba,
    recorded_document_proba,
    training_texts,
)

ALPHAS = (0.001, 0.01, 0.1, 1.0, 10.0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--refit",
        action="store_true",
        help="fit the sentence model on each fold again instead of reading the "
        "probabilities recorded beside the shipped model",
    )
    args = parser.parse_args(argv)
    texts, y = training_texts()
    docs = documents()
    say = lambda message: print(message, file=sys.stderr, flush=True)  # noqa: E731
    probas = None
    if not args.refit:
        try:
            probas = recorded_document_proba(params=SHIPPED_PARAMS)
        except ValueError as error:
            say(f"{error}; fitting them again")
    if probas is None:
        probas = out_of_fold_document_proba(
            make_estimator(SHIPPED_PARAMS), texts, y, docs, progress=say
        )
    sentences = [[texts[i] for i in idx] for idx in docs.values()]
    labels = [list(y[idx]) for idx in docs.values()]
    classes = np.unique(y)
    n = sum(len(s) for s in sentences)
    print(f"training articles: {len(docs)} ({n} sentences), 5-fold CV over articles")
    print("    alpha  macro-F1  F_avg")
    for i, alpha in enumerate(ALPHAS):
        cv = context_cv(sentences, probas, labels, classes, alpha=alpha)
        if i == 0:
            print(f"    alone    {cv['alone_macro_f1']:.4f}  {cv['alone_f_avg']:.4f}")
        mark = "  <- shipped" if alpha == CONTEXT_ALPHA else ""
        print(f"{alpha:9g}    {cv['macro_f1']:.4f}  {cv['f_avg']:.4f}{mark}")


if __name__ == "__main__":
    main()
