"""StanceClassifier, StanceModel and the shipped model."""

import json

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import ParameterGrid

import stancelib
from stancelib import StanceClassifier, StanceFeaturizer
from stancelib.classifier import fit_temperature
from stancelib.persistence import DEFAULT_MODEL, read_metadata
from stancelib.train import (
    blend_context,
    blend_encoder,
    context_from_probas,
    documents,
    encoder_record,
    load_ngram_oof,
    oof_path,
    training_texts,
)

TEXTS = [
    "Berlin will not send soldiers to Ukraine.",
    "There are no plans to deploy NATO troops there.",
    "Any foreign troops would be a target, Moscow warned.",
    "Paris does not rule out sending troops.",
    "London is ready to contribute peacekeepers after a ceasefire.",
    "We should not exclude any option, including soldiers.",
    "Russian forces shelled the city overnight.",
    "The EU approved a new aid package on Monday.",
    "Ukrainian pilots trained in Denmark this summer.",
]
LABELS = ["AGAINST"] * 3 + ["FAVOR"] * 3 + ["NONE"] * 3


def small(**params):
    params.setdefault("calibration_cv", None)
    return StanceClassifier(featurizer=StanceFeaturizer(char_ngrams=None), **params)


def test_fit_predict_proba_and_classes():
    clf = small()
    assert clf.fit(TEXTS, LABELS) is clf
    assert list(clf.classes_) == ["AGAINST", "FAVOR", "NONE"]
    proba = clf.predict_proba(TEXTS)
    assert proba.shape == (len(TEXTS), 3)
    assert np.allclose(proba.sum(axis=1), 1)
    assert list(clf.predict(TEXTS)) == LABELS
    assert np.array_equal(clf.decision_function(TEXTS).argmax(axis=1), proba.argmax(axis=1))


def test_not_fitted_and_clone():
    with pytest.raises(NotFittedError):
        small().predict(TEXTS)
    clf = small(C=3.0)
    assert clone(clf).get_params()["C"] == 3.0
    fitted = small().fit(TEXTS, LABELS)
    assert not hasattr(clone(fitted), "model_")


def test_explain_names_the_features_that_pushed_the_decision():
    clf = small().fit(TEXTS, LABELS)
    top = clf.explain("Rome will not send soldiers.", top=3)
    assert 1 <= len(top) <= 3
    names = [name for name, _ in top]
    assert all(weight > 0 for _, weight in top)
    assert [w for _, w in top] == sorted((w for _, w in top), reverse=True)
    assert any("not" in name or "refusal" in name or "neg:" in name for name in names)
    assert clf.explain("Rome will not send soldiers.", stance="FAVOR") != top
    with pytest.raises(ValueError, match="stance must be one of"):
        clf.explain("x", stance="PRO")
    with pytest.raises(ValueError, match="top must be"):
        clf.explain("x", top=0)


@pytest.mark.parametrize(
    "labels, error, match",
    [
        (["PRO"] * 9, ValueError, "unknown labels"),
        (["FAVOR"] * 9, ValueError, "two different labels"),
        (LABELS[:5], ValueError, "9 texts but 5 labels"),
        ("FAVOR", TypeError, "labels must be a list"),
    ],
)
def test_bad_labels(labels, error, match):
    with pytest.raises(error, match=match):
        small().fit(TEXTS, labels)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"C": -1}, "C must be"),
        ({"class_weight": "x"}, "class_weight"),
        ({"calibration_cv": 1}, "calibration_cv"),
        ({"calibration_cv": 4}, "calibration_cv=4 needs at least that many"),
        ({"nb_alpha": 0}, "nb_alpha"),
        ({"nb_alpha": "1"}, "nb_alpha"),
    ],
)
def test_bad_params(params, match):
    with pytest.raises(ValueError, match=match):
        small(**params).fit(TEXTS, LABELS)


def test_temperature_scaling_calibrates():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 2000)
    # Scores three times too confident: the fitted temperature should undo that.
    true_logits = rng.normal(size=(2000, 3))
    true_logits[np.arange(2000), y] += 1.0
    p = np.exp(true_logits) / np.exp(true_logits).sum(axis=1, keepdims=True)
    y = np.array([rng.choice(3, p=row) for row in p])
    assert 2.4 < fit_temperature(3 * true_logits, y) < 3.6


def test_calibrated_classifier_has_a_temperature():
    clf = StanceClassifier(featurizer=StanceFeaturizer(char_ngrams=None), calibration_cv=3)
    clf.fit(TEXTS * 2, LABELS * 2)
    assert clf.temperature_ > 0 and clf.temperature_ != 1.0


def test_shipped_model_loads_and_labels():
    model = stancelib.load_model()
    assert list(model.classes_) == ["AGAINST", "FAVOR", "NONE"]
    assert stancelib.load_model() is model  # cached
    meta = read_metadata(DEFAULT_MODEL)
    assert meta["cv"]["macro_f1"] > 0.5
    assert meta["training_data"]["n_sentences"] == len(training_texts()[0])
    assert stancelib.predict(["Ottawa will never send troops to Ukraine."]) == ["AGAINST"]


def test_retraining_reproduces_the_shipped_model():
    from joblib import Parallel, delayed

    from stancelib.crossval import _article_folds, _fit, _fit_and_predict
    from stancelib.data import file_sha256, training_path

    meta = read_metadata(DEFAULT_MODEL)
    texts, y = training_texts()
    docs = documents()
    corpus = file_sha256(training_path())
    assert meta["training_data"]["sha256"] == corpus
    featurizer = StanceFeaturizer(**meta["featurizer_params"])
    estimator = StanceClassifier(featurizer=featurizer, **meta["params"])
    # train() fits the model on every sentence and one model per fold of the articles for
    # the context model, whose out-of-fold probabilities it records beside the model. All
    # six fits would take two minutes here: the full fit and the first fold are refitted
    # (side by side, as train() runs them), the first fold's probabilities must be those
    # recorded, and the context models are refitted on the recorded probabilities.
    recorded, fold = load_ngram_oof(
        oof_path(DEFAULT_MODEL), len(texts), corpus, expected_digest=meta["context_oof"]["digest"]
    )
    folds = _article_folds(docs, meta["article_cv"]["n_splits"], len(texts))
    names = list(docs)
    for k, (held_out, _) in enumerate(folds):
        assert all((fold[docs[names[d]]] == k).all() for d in held_out)
    held_out, train_rows = folds[0]
    clf, first_fold = Parallel(n_jobs=2)(
        [
            delayed(_fit)(estimator, texts, y),
            delayed(_fit_and_predict)(
                estimator,
                [texts[i] for i in train_rows],
                y[train_rows],
                [[texts[i] for i in docs[names[d]]] for d in held_out],
            ),
        ]
    )
    for d, proba in zip(held_out, first_fold):
        assert np.allclose(proba, recorded[docs[names[d]]], rtol=0, atol=1e-9)
    probas = [recorded[idx] for idx in docs.values()]
    clf.model_.context, record = context_from_probas(texts, y, docs, probas)
    shipped = stancelib.load_model()
    probe = texts[::7] + [r["text"] for r in stancelib.data.validate_gold()]
    ngrams = shipped.ngram_proba(probe)
    assert list(clf.predict(probe)) == list(shipped.classes_[ngrams.argmax(axis=1)])
    assert np.allclose(clf.predict_proba(probe), ngrams, rtol=0, atol=1e-9)
    assert clf.temperature_ == pytest.approx(shipped.temperature, abs=1e-9)
    assert np.allclose(clf.model_.context.coef, shipped.context.coef, rtol=0, atol=1e-9)
    assert record["cv"] == pytest.approx(meta["context"]["cv"])
    assert record["n_documents"] == meta["context"]["n_documents"]
    # The fine-tuned encoder is recorded as train() records it (it is not refitted here:
    # tools/finetune_encoder.py needs torch and a quarter of an hour), with the context
    # model fitted on out-of-fold blends, and blends the same way.
    blend = blend_encoder(clf)
    blend.context, blend_record = blend_context(
        blend,
        texts,
        y,
        docs,
        probas,
        corpus_sha256=meta["training_data"]["sha256"],
        corpus=training_path(),
    )
    record, recorded = encoder_record(blend, blend_record, training_path()), meta["encoder"]
    # Floating point sums differ in the last bits between CPUs (SIMD widths), so the
    # fitted numbers are compared to 1e-9, like the n-gram model's above; the rest exactly.
    fitted = ("context", "context_record")
    assert {k: v for k, v in record.items() if k not in fitted} == {
        k: v for k, v in recorded.items() if k not in fitted
    }
    assert record["context"]["alpha"] == recorded["context"]["alpha"]
    assert np.allclose(record["context"]["coef"], recorded["context"]["coef"], rtol=0, atol=1e-9)
    ours, theirs = record["context_record"], recorded["context_record"]
    assert ours["cv"] == pytest.approx(theirs["cv"], abs=1e-9)
    assert {**ours, "cv": None} == {**theirs, "cv": None}
    few = probe[::20]
    blended, shipped_blend = clf.model_.with_encoder(blend), stancelib.load_model(encoder=True)
    assert list(blended.predict(few)) == list(shipped_blend.predict(few))
    assert np.allclose(blended.predict_proba(few), shipped_blend.predict_proba(few), atol=1e-9)


def test_label_text_on_the_article():
    article = stancelib.data.read_article()
    rows = stancelib.label_text(article)
    gold = stancelib.data.validate_gold()
    assert [(r["start"], r["end"]) for r in rows] == [(g["start"], g["end"]) for g in gold]
    assert all(article[r["start"] : r["end"]] == r["text"] for r in rows)
    assert all(0 < r["confidence"] <= 1 and r["stance"] in stancelib.LABELS for r in rows)
    json.dumps(rows)  # plain Python types


def test_shipped_settings_come_from_the_search_grid():
    from stancelib.train import DEFAULT_PARAMS, SEARCH_GRID

    assert DEFAULT_PARAMS in list(ParameterGrid(SEARCH_GRID))
    meta = read_metadata(DEFAULT_MODEL)
    assert meta["params"]["loss"] == DEFAULT_PARAMS["loss"]
    assert meta["params"]["C"] == DEFAULT_PARAMS["C"]
    assert meta["featurizer_params"]["min_df"] == DEFAULT_PARAMS["featurizer__min_df"]
    assert StanceClassifier().loss == DEFAULT_PARAMS["loss"]
    assert StanceClassifier().C == DEFAULT_PARAMS["C"]
    assert meta["params"]["nb_alpha"] == DEFAULT_PARAMS.get("nb_alpha")
    assert StanceClassifier().nb_alpha == DEFAULT_PARAMS.get("nb_alpha")
    assert StanceFeaturizer().min_df == DEFAULT_PARAMS["featurizer__min_df"]


@pytest.mark.parametrize("loss", ["squared_hinge", "log_loss"])
def test_both_linear_models_fit_predict_and_calibrate(loss):
    clf = small(loss=loss, calibration_cv=3).fit(TEXTS, LABELS)
    assert list(clf.predict(TEXTS)) == LABELS
    proba = clf.predict_proba(TEXTS)
    assert np.allclose(proba.sum(axis=1), 1) and clf.temperature_ > 0
    # The shipped scores are the linear model's own decision function.
    assert (
        np.argmax(clf.decision_function(TEXTS), axis=1).tolist()
        == np.argmax(proba, axis=1).tolist()
    )


def test_unknown_loss_is_refused():
    with pytest.raises(ValueError, match="loss must be one of"):
        small(loss="hinge").fit(TEXTS, LABELS)


@pytest.mark.parametrize("loss", ["squared_hinge", "log_loss"])
def test_two_classes_are_enough(loss):
    texts, labels = TEXTS[:6], LABELS[:6]
    clf = small(loss=loss, calibration_cv=None).fit(texts, labels)
    assert list(clf.classes_) == ["AGAINST", "FAVOR"]
    assert list(clf.predict(texts)) == labels
    assert clf.predict_proba(texts).shape == (6, 2)


def test_none_prior_moves_probability_to_none_and_keeps_the_others_in_proportion():
    plain = small(calibration_cv=None).fit(TEXTS, LABELS)
    news = small(calibration_cv=None, none_prior=0.8).fit(TEXTS, LABELS)
    assert np.allclose(plain.class_prior_, [1 / 3] * 3)
    p, q = plain.predict_proba(TEXTS), news.predict_proba(TEXTS)
    none = list(news.classes_).index("NONE")
    assert (q[:, none] > p[:, none]).all()
    # Saerens et al.: q is p times target / train prior, renormalised.
    expected = p * np.where(news.classes_ == "NONE", 0.8, 0.1) / (1 / 3)
    assert np.allclose(q, expected / expected.sum(axis=1, keepdims=True))
    # predict stays the argmax of the probabilities and of decision_function
    assert (news.predict(TEXTS) == news.classes_[q.argmax(axis=1)]).all()
    assert (news.predict(TEXTS) == news.classes_[news.decision_function(TEXTS).argmax(1)]).all()


def test_none_prior_equal_to_the_training_share_changes_nothing():
    plain = small(calibration_cv=None).fit(TEXTS, LABELS)
    same = small(calibration_cv=None, none_prior=1 / 3).fit(TEXTS, LABELS)
    assert np.allclose(same.prior_shift_, 0)
    assert np.allclose(same.predict_proba(TEXTS), plain.predict_proba(TEXTS))


@pytest.mark.parametrize("bad", [0, 1, 1.5, -0.2, "0.5", True])
def test_bad_none_prior_is_refused(bad):
    with pytest.raises(ValueError, match="none_prior must be None or a number"):
        small(none_prior=bad).fit(TEXTS, LABELS)


def test_the_shipped_model_expects_news_like_none():
    from stancelib.train import NEWS_NONE_PRIOR

    assert read_metadata(DEFAULT_MODEL)["params"]["none_prior"] == NEWS_NONE_PRIOR


@pytest.mark.parametrize("loss", ["squared_hinge", "log_loss"])
def test_naive_bayes_scaling_is_folded_into_the_coefficients(loss):
    plain = small(loss=loss, nb_alpha=None).fit(TEXTS, LABELS)
    nb = small(loss=loss, nb_alpha=1.0).fit(TEXTS, LABELS)
    assert list(nb.predict(TEXTS)) == LABELS
    assert not np.allclose(nb.model_.coef, plain.model_.coef)
    # Each class's row is a one-vs-rest fit on features scaled by their log-count ratio,
    # the ratio multiplied back in (a reference fit, here for AGAINST with the SVM).
    if loss == "squared_hinge":
        import scipy.sparse as sp
        from sklearn.svm import LinearSVC

        X = nb.featurizer_.transform(TEXTS)
        present = (X > 0).astype(float)
        mine = np.array(LABELS) == "AGAINST"
        p = 1.0 + np.asarray(present[mine].sum(axis=0)).ravel()
        q = 1.0 + np.asarray(present[~mine].sum(axis=0)).ravel()
        ratio = np.log(p / p.sum()) - np.log(q / q.sum())
        ref = LinearSVC(C=nb.C, dual=True, max_iter=nb.max_iter, random_state=0)
        ref.fit(X @ sp.diags(ratio), mine)
        row = list(nb.classes_).index("AGAINST")
        np.testing.assert_allclose(nb.model_.coef[row], ref.coef_.ravel() * ratio, atol=1e-10)
    # The fitted model is the one that predicts: scores are X @ coef.T + intercept.
    X = nb.featurizer_.transform(TEXTS)
    expected = X @ nb.model_.coef.T + nb.model_.intercept
    np.testing.assert_allclose(nb.decision_function(TEXTS), expected, rtol=1e-12, atol=1e-12)


def test_naive_bayes_scaling_with_two_classes_and_in_clone():
    clf = small(nb_alpha=0.5).fit(TEXTS[:6], LABELS[:6])
    assert list(clf.classes_) == ["AGAINST", "FAVOR"]
    assert list(clf.predict(TEXTS[:6])) == LABELS[:6]
    assert clone(clf).get_params()["nb_alpha"] == 0.5


def test_article_cross_validation_scores_held_out_articles_only():
    from stancelib.train import article_cross_validate

    texts = TEXTS * 4
    labels = LABELS * 4
    # Four articles of three sentences; the other 24 sentences stand alone.
    docs = {f"a{k}": [9 * k + i for i in range(3)] for k in range(4)}
    out = article_cross_validate(small(), texts, labels, docs, n_splits=2)
    assert out["n_splits"] == 2 and out["n_documents"] == 4 and len(out["folds"]) == 2
    assert 0 <= out["macro_f1"] <= 1 and out["macro_f1_std"] >= 0
    # Folds fitted in parallel give the same figures.
    assert article_cross_validate(small(), texts, labels, docs, n_splits=2, n_jobs=2) == out
    with pytest.raises(ValueError, match="at least 2 training articles"):
        article_cross_validate(small(), texts, labels, {"a0": [0, 1, 2]})


def test_cross_validation_does_not_depend_on_n_jobs():
    from stancelib.train import cross_validate

    one = cross_validate(small(), TEXTS * 3, LABELS * 3, n_splits=3)
    two = cross_validate(small(), TEXTS * 3, LABELS * 3, n_splits=3, n_jobs=2)
    assert one == two and len(one["predictions"]) == 27
