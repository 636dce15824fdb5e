"""The context model: quotation tracking, its features, fitting and its use on articles."""

import numpy as np
import pytest

import stancelib
from stancelib.context import (
    MAX_QUOTE_SENTENCES,
    ContextModel,
    context_feature_names,
    context_features,
    fit_context,
    quotes,
)
from stancelib.train import CONTEXT_ALPHA

CLASSES = ["AGAINST", "FAVOR", "NONE"]


def test_quotes_follow_opening_and_closing_marks():
    doc = [
        "\u201cWe will not send soldiers.",
        "That is our position,\u201d the minister said.",
        "Prices rose.",
        '"No troops," he said.',
        '"Never.',
        'Not now," she added.',
    ]
    assert quotes(doc).tolist() == [False, True, False, False, False, True]


def test_an_unclosed_quotation_is_forgotten():
    doc = ["\u201cIt begins."] + ["And goes on."] * (MAX_QUOTE_SENTENCES + 2)
    inside = quotes(doc)
    assert inside[1 : MAX_QUOTE_SENTENCES + 1].all() and not inside[-1]


def test_features_gate_the_neighbours_by_their_link():
    doc = ["\u201cWe will not send troops.", "This is our position,\u201d he said.", "Rain."]
    proba = np.array([[0.8, 0.1, 0.1], [0.1, 0.1, 0.8], [0.1, 0.1, 0.8]])
    X = context_features(doc, proba)
    names = context_feature_names(CLASSES)
    assert X.shape == (3, len(names))
    row = dict(zip(names, X[1]))
    assert row["quote"] == 1 and row["anaphor"] == 1 and row["connective"] == 0
    assert row["prev|quote:AGAINST"] == pytest.approx(np.log(0.8))
    assert dict(zip(names, X[0]))["next|next_quote:NONE"] == pytest.approx(np.log(0.8))
    assert not X[2].any()  # no link to either neighbour


def test_features_refuse_mismatched_probabilities():
    with pytest.raises(ValueError, match="2 sentences but probabilities of shape"):
        context_features(["One.", "Two."], np.ones((3, 3)) / 3)


def test_zero_weights_give_back_the_sentence_model():
    proba = np.array([[0.7, 0.2, 0.1], [0.2, 0.2, 0.6]])
    zero = ContextModel(np.zeros((3, len(context_feature_names(CLASSES)))), CLASSES, 1.0)
    assert np.allclose(zero.predict_proba(["\u201cA.", "This, too.\u201d"], proba), proba)


def pointer_documents(n=30):
    """Articles where a stance is followed by a pointer the sentence model reads as NONE."""
    rng = np.random.default_rng(0)
    docs, probas, labels = [], [], []
    for i in range(n):
        stance = ["AGAINST", "FAVOR"][i % 2]
        p = np.full(3, 0.05)
        p[CLASSES.index(stance)] = 0.9
        noise = rng.dirichlet([1, 1, 8])
        docs.append(["Headline", "\u201cA claim.", "This is our view,\u201d he said.", "Weather."])
        probas.append(np.vstack([[0.1, 0.1, 0.8], p, noise, [0.05, 0.05, 0.9]]))
        labels.append(["NONE", stance, stance, "NONE"])
    return docs, probas, labels


def test_fit_context_learns_that_a_pointer_takes_the_claim_before_it():
    docs, probas, labels = pointer_documents()
    model = fit_context(docs, probas, labels, CLASSES, alpha=0.01)
    for doc, p, lab in zip(docs[:4], probas[:4], labels[:4]):
        assert [CLASSES[k] for k in model.predict_proba(doc, p).argmax(1)] == lab
    # The sentence model's own reading of the pointer was NONE.
    assert CLASSES[probas[0][2].argmax()] == "NONE"


def test_fit_context_is_deterministic_and_pulled_toward_the_sentence_model():
    docs, probas, labels = pointer_documents()
    first = fit_context(docs, probas, labels, CLASSES, alpha=0.01)
    assert np.array_equal(first.coef, fit_context(docs, probas, labels, CLASSES, alpha=0.01).coef)
    strong = fit_context(docs, probas, labels, CLASSES, alpha=100.0)
    assert np.abs(strong.coef).max() < np.abs(first.coef).max() / 10


def test_fit_context_refuses_bad_input():
    docs, probas, labels = pointer_documents(4)
    with pytest.raises(ValueError, match="same length"):
        fit_context(docs, probas[:3], labels, CLASSES)
    with pytest.raises(ValueError, match="unknown labels"):
        fit_context(docs, probas, [["PRO"] * 4] * 4, CLASSES)
    with pytest.raises(ValueError, match="at least one document"):
        fit_context([], [], [], CLASSES)
    with pytest.raises(ValueError, match="coef has shape"):
        ContextModel(np.zeros((3, 2)), CLASSES, 1.0)


def test_the_shipped_model_reads_articles_with_context():
    model = stancelib.load_model()
    assert isinstance(model.context, ContextModel)
    record = model.metadata["context"]
    assert record["n_documents"] >= 20 and record["alpha"] == CONTEXT_ALPHA
    doc = ["Prices rose.", "Rain fell."]
    assert model.predict_document_proba(doc).shape == (2, 3)
    assert model.predict_document_proba([]).shape == (0, 3)
    with pytest.raises(TypeError, match="sentences must be a list of str"):
        model.predict_document_proba("One sentence.")


def test_label_text_context_switch():
    text = (
        "\u201cWe will never send our soldiers to Ukraine. That is our position and it will "
        "not change,\u201d the minister said. Prices rose in March."
    )
    alone = stancelib.label_text(text, context=False)
    assert [r["stance"] for r in alone] == stancelib.predict([r["text"] for r in alone])
    with_context = stancelib.label_text(text)
    assert [r["text"] for r in with_context] == [r["text"] for r in alone]
    assert with_context[0]["stance"] == "AGAINST"
    with pytest.raises(TypeError, match="context must be True or False"):
        stancelib.label_text(text, context="yes")


def test_out_of_fold_probabilities_do_not_depend_on_n_jobs():
    from stancelib import StanceClassifier, StanceFeaturizer
    from stancelib.train import documents, out_of_fold_document_proba, training_texts

    texts, y = training_texts()
    docs = dict(list(documents().items())[:6])
    # A small corpus: the articles' sentences and a few hundred others.
    keep = sorted({i for idx in docs.values() for i in idx} | set(range(0, 3000, 10)))
    renumber = {old: new for new, old in enumerate(keep)}
    docs = {d: [renumber[i] for i in idx] for d, idx in docs.items()}
    small = StanceClassifier(featurizer=StanceFeaturizer(char_ngrams=None), calibration_cv=None)
    texts, y = [texts[i] for i in keep], y[keep]
    one = out_of_fold_document_proba(small, texts, y, docs, n_splits=3)
    two = out_of_fold_document_proba(small, texts, y, docs, n_splits=3, n_jobs=2)
    assert len(one) == len(docs) and all(np.array_equal(a, b) for a, b in zip(one, two))
    assert [len(p) for p in one] == [len(idx) for idx in docs.values()]
