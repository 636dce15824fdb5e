"""Baselines that stancelib is compared with, on the same gold and the same corpus.

- ``majority``: the most frequent label of the training corpus;
- ``keyword``: a hand rule: a sentence that mentions troops is AGAINST when it has a
  refusal word, FAVOR when it has an openness word, and NONE otherwise;
- ``tfidf_logreg``: the plain scikit-learn pipeline of the SemEval-2016 organisers'
  kind: TF-IDF word 1-3-grams and character 2-5-grams, logistic regression.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.dummy import DummyClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from .validation import check_texts

__all__ = ["BASELINES", "KeywordRule", "majority_baseline", "tfidf_logreg_baseline"]


def tfidf_logreg_baseline() -> Pipeline:
    """TF-IDF word 1-3-grams + character 2-5-grams + logistic regression, defaults else."""
    return Pipeline(
        [
            (
                "features",
                FeatureUnion(
                    [
                        ("word", TfidfVectorizer(analyzer="word", ngram_range=(1, 3))),
                        ("char", TfidfVectorizer(analyzer="char", ngram_range=(2, 5))),
                    ]
                ),
            ),
            ("clf", LogisticRegression(max_iter=2000, random_state=0)),
        ]
    )


def majority_baseline() -> DummyClassifier:
    """Always the most frequent label of the training data."""
    return DummyClassifier(strategy="most_frequent")


_TROOPS = re.compile(r"\b(?:troops?|soldiers?|forces|boots on the ground|peacekeep\w*)\b", re.I)
_REFUSE = re.compile(
    r"\b(?:no|not|never|won't|will not|reject\w*|oppos\w*|refus\w*|den(?:y|ied|ies)"
    r"|rule[sd]? out)\b",
    re.I,
)
_OPEN = re.compile(
    r"\b(?:not (?:be )?rul(?:e|ed|ing) out|nothing can be ruled out|not exclud\w*"
    r"|ready to|willing to|prepared to|should send|could send|support\w* sending)\b",
    re.I,
)


class KeywordRule(ClassifierMixin, BaseEstimator):
    """A keyword rule: troop mention + openness phrase = FAVOR, + refusal word = AGAINST.

    It learns nothing; `fit` only records the classes.
    """

    def fit(self, X: Iterable[str], y=None) -> KeywordRule:
        check_texts(X)
        self.classes_ = np.array(["AGAINST", "FAVOR", "NONE"], dtype=object)
        return self

    def predict(self, X: Iterable[str]) -> np.ndarray:
        out = []
        for text in check_texts(X):
            if not _TROOPS.search(text):
                out.append("NONE")
            elif _OPEN.search(text):
                out.append("FAVOR")
            elif _REFUSE.search(text):
                out.append("AGAINST")
            else:
                out.append("NONE")
        return np.array(out, dtype=object)


#: Name -> factory of each baseline, in report order.
BASELINES = {
    "majority": majority_baseline,
    "keyword": KeywordRule,
    "tfidf_logreg": tfidf_logreg_baseline,
}
