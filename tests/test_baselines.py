"""The baselines: majority class, keyword rule, TF-IDF + logistic regression."""

import numpy as np
import pytest
from sklearn.base import clone

from stancelib.baselines import BASELINES, KeywordRule, majority_baseline, tfidf_logreg_baseline
from stancelib.labels import LABELS

TEXTS = [
    "Germany will not send troops to Ukraine.",
    "The minister rejected sending soldiers.",
    "Poland refuses to deploy forces there.",
    "Sending troops is out of the question, he said.",
    "France is ready to send troops to Ukraine.",
    "Nothing can be ruled out, including sending troops.",
    "We should send soldiers to train Ukrainians.",
    "Paris is willing to deploy forces.",
    "Prices rose in Kyiv this week.",
    "The summit opened on Monday.",
    "Ukraine asked for more shells.",
    "Talks continued in Brussels.",
]
STANCES = ["AGAINST"] * 4 + ["FAVOR"] * 4 + ["NONE"] * 4


@pytest.mark.parametrize(
    ("text", "stance"),
    [
        ("Germany will not send troops to Ukraine.", "AGAINST"),
        ("Troops? Never.", "AGAINST"),
        ("He ruled out boots on the ground.", "AGAINST"),
        ("Nothing can be ruled out, including sending troops.", "FAVOR"),
        ("France is ready to send soldiers.", "FAVOR"),
        ("Sending peacekeepers is not excluded.", "FAVOR"),
        ("Troops were seen near the border.", "NONE"),
        ("We will never accept this deal.", "NONE"),
        ("Prices rose.", "NONE"),
    ],
)
def test_keyword_rule_on_hand_cases(text, stance):
    assert KeywordRule().fit([]).predict([text])[0] == stance


def test_keyword_rule_learns_nothing_and_returns_labels():
    rule = KeywordRule().fit(TEXTS, STANCES)
    assert list(rule.classes_) == ["AGAINST", "FAVOR", "NONE"]
    pred = rule.predict(TEXTS)
    assert isinstance(pred, np.ndarray) and pred.shape == (len(TEXTS),)
    assert set(pred) <= set(LABELS)
    assert list(rule.predict(TEXTS)) == list(KeywordRule().fit(["other"]).predict(TEXTS))


def test_keyword_rule_refuses_a_bare_string():
    with pytest.raises(TypeError, match="single str"):
        KeywordRule().fit([]).predict("Germany will not send troops.")


def test_majority_predicts_the_most_frequent_training_label():
    y = ["NONE", "FAVOR", "FAVOR", "AGAINST", "FAVOR"]
    model = majority_baseline().fit(["a", "b", "c", "d", "e"], y)
    assert list(model.predict(["anything", "else"])) == ["FAVOR", "FAVOR"]


def test_tfidf_logreg_fits_a_small_corpus_deterministically():
    first = tfidf_logreg_baseline().fit(TEXTS, STANCES)
    second = tfidf_logreg_baseline().fit(TEXTS, STANCES)
    probe = ["Italy will not send troops.", "Rome is ready to send troops.", "Rain fell."]
    pred = first.predict(probe)
    assert set(pred) <= set(LABELS)
    assert list(pred) == list(second.predict(probe))
    assert list(first.predict(TEXTS)) == STANCES  # a linear model fits 12 sentences


@pytest.mark.parametrize("name", list(BASELINES))
def test_every_baseline_is_a_fresh_cloneable_estimator(name):
    estimator = BASELINES[name]()
    assert repr(clone(estimator)) == repr(estimator)  # clone checks the __init__ contract
    fitted = estimator.fit(TEXTS, STANCES)
    assert len(fitted.predict(TEXTS[:3])) == 3
    assert BASELINES[name]() is not estimator


def test_baselines_are_in_report_order():
    assert list(BASELINES) == ["majority", "keyword", "tfidf_logreg"]
