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


def test_training_records_the_out_of_fold_probabilities_of_its_context_model(tmp_path):
    from stancelib import ModelFileError, StanceClassifier, StanceFeaturizer
    from stancelib.persistence import read_metadata
    from stancelib.train import (
        context_from_probas,
        documents,
        load_ngram_oof,
        oof_path,
        out_of_fold_document_proba,
        recorded_document_proba,
        train,
        training_texts,
    )

    rows = stancelib.data.validate_training()
    names = list(dict.fromkeys(r["doc"] for r in rows if r.get("doc")))[:4]
    corpus = tmp_path / "train.jsonl"
    lines = stancelib.data.training_path().read_text(encoding="utf-8").splitlines()
    # Four articles and every twentieth sentence written on its own.
    alone = [i for i, r in enumerate(rows) if r.get("doc") is None][::20]
    kept = sorted(alone + [i for i, r in enumerate(rows) if r.get("doc") in names])
    corpus.write_text("".join(lines[i] + "\n" for i in kept), encoding="utf-8")
    out = tmp_path / "m.joblib"
    fitted, meta = train(corpus, out, n_splits=2, encoder=None)
    assert oof_path(out) == tmp_path / "m_oof.npz"
    assert meta["context_oof"]["file"] == "m_oof.npz"
    assert read_metadata(out)["context_oof"] == meta["context_oof"]
    texts, y = training_texts(corpus)
    docs = documents(corpus)
    sha = stancelib.data.file_sha256(corpus)
    proba, fold = load_ngram_oof(
        oof_path(out), len(texts), sha, expected_digest=meta["context_oof"]["digest"]
    )
    estimator = StanceClassifier(
        featurizer=StanceFeaturizer(**meta["featurizer_params"]), **meta["params"]
    )
    expected = out_of_fold_document_proba(estimator, texts, y, docs, n_splits=2)
    outside = np.ones(len(texts), dtype=bool)
    for idx, p in zip(docs.values(), expected):
        assert np.array_equal(proba[idx], p)
        assert len(set(fold[idx])) == 1 and fold[idx][0] in (0, 1)
        outside[idx] = False
    assert np.isnan(proba[outside]).all() and (fold[outside] == -1).all()
    assert set(fold[~outside]) == {0, 1}
    context, record = context_from_probas(texts, y, docs, expected, n_splits=2)
    assert np.array_equal(context.coef, fitted.model_.context.coef)
    assert record == meta["context"]
    # The check tools read them back per article instead of refitting.
    params = {**meta["params"], "featurizer__min_df": meta["featurizer_params"]["min_df"]}
    recorded = recorded_document_proba(out, params, corpus)
    assert len(recorded) == len(expected)
    assert all(np.array_equal(a, b) for a, b in zip(recorded, expected))
    with pytest.raises(ModelFileError, match=r"other parameters than expected \(C\)"):
        recorded_document_proba(out, {**params, "C": params["C"] * 2}, corpus)
    # A file of another corpus, or not the one recorded with the model, is refused.
    with pytest.raises(ModelFileError, match="another version of the training corpus"):
        load_ngram_oof(oof_path(out), len(texts), "0" * 64)
    other = tmp_path / "other.joblib"
    train(corpus, other, n_splits=3, encoder=None)
    with pytest.raises(ModelFileError, match="not the file recorded with the model"):
        load_ngram_oof(
            oof_path(other), len(texts), sha, expected_digest=meta["context_oof"]["digest"]
        )
    with pytest.raises(ModelFileError, match="not a file of out-of-fold n-gram"):
        load_ngram_oof(tmp_path / "missing.npz", len(texts), sha)
