"""StanceFeaturizer: the scikit-learn contract, each feature family, and the hashing core."""

import pickle
import re

import joblib
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MaxAbsScaler

from stancelib import StanceFeaturizer
from stancelib.extract import FAMILIES
from stancelib.hashing import Batch
from stancelib.vocabulary import HashedVocabulary

CORPUS = [
    "Germany will not send troops to Ukraine, the chancellor said.",
    "We should not exclude sending Western troops, Macron told reporters.",
    "Any deployment would risk a direct confrontation with NATO, Moscow warned.",
    "Russian forces advanced near the city on Tuesday.",
    "“There are no plans to deploy soldiers,” he said.",
    "The UK is ready to contribute peacekeepers after a ceasefire.",
]


@pytest.fixture(scope="module")
def fitted():
    return StanceFeaturizer().fit(CORPUS)


def names_of(featurizer, text):
    X = featurizer.transform([text])
    return set(featurizer.get_feature_names_out()[X.indices])


def test_fit_returns_self_and_sets_fitted_attributes():
    featurizer = StanceFeaturizer()
    assert featurizer.fit(CORPUS) is featurizer
    assert featurizer.n_features_out_ == len(featurizer.get_feature_names_out())


def test_not_fitted_error():
    with pytest.raises(NotFittedError):
        StanceFeaturizer().transform(CORPUS)


def test_clone_and_params_round_trip():
    featurizer = StanceFeaturizer(char_ngrams=(3, 4), negation=False, min_df=2)
    params = featurizer.get_params()
    twin = clone(featurizer)
    assert twin.get_params() == params
    assert StanceFeaturizer().set_params(**params).get_params() == params


def group_norms(featurizer, X):
    """Squared L2 norm of each row within each of the three normalisation groups."""
    names = featurizer.get_feature_names_out()
    group = np.array(
        [0 if n.startswith(("word:", "neg:")) else 1 if n.startswith("char:") else 2 for n in names]
    )
    squared = X.multiply(X).tocsc()
    return np.column_stack(
        [np.asarray(squared[:, group == g].sum(axis=1)).ravel() for g in range(3)]
    )


def test_output_shape_names_and_group_norms(fitted):
    X = fitted.transform(CORPUS + ["", "   "])
    assert X.shape == (len(CORPUS) + 2, fitted.n_features_out_)
    assert X[-2:].nnz == 0
    # Each group is L2-normalised over occurrences: exactly 1 without repeated features,
    # more when a feature repeats (its occurrences add up).
    norms = group_norms(fitted, X[: len(CORPUS)])
    assert np.all((norms == 0) | (norms > 1 - 1e-9))
    assert np.allclose(group_norms(fitted, fitted.transform(["No troops."])), 1.0)


def test_same_output_after_pickle_and_joblib_round_trip(fitted, tmp_path):
    path = tmp_path / "f.joblib"
    joblib.dump(fitted, path)
    for twin in (joblib.load(path), pickle.loads(pickle.dumps(fitted))):
        assert (twin.transform(CORPUS) != fitted.transform(CORPUS)).nnz == 0


def test_works_in_a_pipeline(fitted):
    pipe = make_pipeline(StanceFeaturizer(char_ngrams=None), MaxAbsScaler()).fit(CORPUS)
    assert pipe.transform(CORPUS[:2]).shape[0] == 2


def test_word_ngrams_and_glued_words():
    featurizer = StanceFeaturizer().fit(["Olaf Scholz said he will not send troops."])
    names = names_of(featurizer, "Olaf ScholzSaid he will not send troops.")
    assert {"word:scholz said", "word:said", "word:will not send"} <= names


def test_negation_scope(fitted):
    names = names_of(fitted, "We will not send troops.")
    assert {"neg:send", "neg:troops"} <= names
    # A comma closes the scope; words outside it are not negated.
    assert "neg:exclude" not in names_of(fitted, "No, we exclude it.")


def test_deployment_detector(fitted):
    assert "deploy" in names_of(fitted, "Paris may send a few hundred soldiers.")
    assert "deploy" in names_of(fitted, "There are no soldiers in Ukraine, he said.")
    assert "deploy" not in names_of(fitted, "Prices rose in Paris.")


def test_cue_families_and_conjunctions(fitted):
    names = names_of(fitted, "There are no plans to deploy soldiers, he said.")
    assert {"cue:refusal", "cue:refusal=no plans", "deploy&refusal"} <= names
    names = names_of(fitted, "The UK is ready to contribute peacekeepers.")
    assert {"cue:openness", "deploy&openness"} <= names
    assert "cue:warning" in names_of(fitted, "It would risk a direct confrontation.")


def test_a_refusal_in_a_negation_scope_is_a_double_negation():
    texts = [
        "Sending soldiers cannot be ruled out, he said.",
        "Berlin ruled out sending soldiers.",
        "No, Berlin ruled out sending soldiers.",
    ]
    featurizer = StanceFeaturizer().fit(texts)
    double = names_of(featurizer, texts[0])
    assert {"cue:negated_refusal=ruled out", "deploy&negated_refusal"} <= double
    assert not any(n.startswith("cue:refusal") for n in double)
    assert "cue:refusal=ruled out" in names_of(featurizer, texts[1])
    # A comma closes the scope of "No": the refusal stands.
    assert "cue:refusal=ruled out" in names_of(featurizer, texts[2])
    # Without the cue family, neither fires, even though the negation scope is computed.
    off = StanceFeaturizer(cues=False).fit(texts)
    assert not any(n.startswith("cue:") for n in names_of(off, texts[0]))


def test_reported_speech(fitted):
    names = names_of(fitted, "“No,” he said.")
    assert {"reported:said", "reported:quote"} <= names


@pytest.mark.parametrize("family", FAMILIES)
def test_each_family_can_be_switched_off(family):
    off = {"word": {"word_ngrams": None}, "char": {"char_ngrams": None}}.get(
        family, {family: False}
    )
    prefixes = {
        "word": "word:",
        "char": "char:",
        "negation": "neg:",
        "deployment": "deploy",
        "cues": "cue:",
        "reported_speech": "reported:",
    }
    names = StanceFeaturizer(**off).fit(CORPUS).get_feature_names_out()
    assert not any(n.startswith(prefixes[family]) for n in names)
    assert len(names) > 0


@pytest.mark.parametrize(
    "params, match",
    [
        ({"word_ngrams": (3, 1)}, "word_ngrams"),
        ({"char_ngrams": "2-5"}, "char_ngrams"),
        ({"negation": "yes"}, "negation"),
        ({"min_df": 0}, "min_df"),
        (
            {
                "word_ngrams": None,
                "char_ngrams": None,
                "negation": False,
                "deployment": False,
                "cues": False,
                "reported_speech": False,
            },
            "switched off",
        ),
    ],
)
def test_bad_params_raise_value_error_naming_them(params, match):
    with pytest.raises(ValueError, match=match):
        StanceFeaturizer(**params).fit(CORPUS)


@pytest.mark.parametrize("bad", [None, "one string", b"bytes", 5, [1, 2]])
def test_bad_input_raises_type_error(fitted, bad):
    with pytest.raises(TypeError, match="str"):
        fitted.transform(bad)


def test_min_df_prunes_rare_features():
    small = StanceFeaturizer(min_df=2).fit(CORPUS)
    assert small.n_features_out_ < StanceFeaturizer().fit(CORPUS).n_features_out_


def test_min_df_counts_each_sentence_once():
    # "troops" twice in one sentence and once in another: a df of 2, not 3.
    texts = ["troops and troops", "troops", "prices rose"]
    names = set(StanceFeaturizer(char_ngrams=None, min_df=2).fit(texts).get_feature_names_out())
    assert "word:troops" in names and "word:and" not in names
    idf = StanceFeaturizer(char_ngrams=None).fit(texts).features_
    column = list(idf.names).index("word:troops")
    assert idf.idf[column] == pytest.approx(np.log(4 / 3) + 1)


def test_folds_fitted_on_a_shared_extraction_match_fits_on_their_own_texts():
    featurizer = StanceFeaturizer(min_df=2)
    found = featurizer._extract(CORPUS * 2, with_names=True)
    train, test = [0, 2, 3, 5, 6, 9, 11], [1, 4, 7, 8, 10]
    fold = clone(featurizer)._fit_extracted(found.take(train))
    alone = clone(featurizer).fit([(CORPUS * 2)[i] for i in train])
    assert np.array_equal(fold.features_.vocabulary.keys, alone.features_.vocabulary.keys)
    assert np.array_equal(fold.features_.idf, alone.features_.idf)
    assert list(fold.get_feature_names_out()) == list(alone.get_feature_names_out())
    X_fold = fold._transform_extracted(found.take(test)).toarray()
    X_alone = alone.transform([(CORPUS * 2)[i] for i in test]).toarray()
    np.testing.assert_allclose(X_fold, X_alone, rtol=0, atol=1e-15)


def test_columns_fitted_without_names_are_named_by_key_and_pickle():
    featurizer = StanceFeaturizer(char_ngrams=None)
    featurizer._fit_extracted(featurizer._extract(CORPUS))
    names = featurizer.get_feature_names_out()
    assert all(n.startswith("key:") for n in names) and len(set(names)) == len(names)
    again = pickle.loads(pickle.dumps(featurizer))
    assert list(again.get_feature_names_out()) == list(names)
    assert (again.transform(CORPUS) != featurizer.transform(CORPUS)).nnz == 0


def reference_tokens(text: str) -> list[str]:
    """Plain-Python statement of the tokenizer's rule, to check the vectorised one."""
    folded = Batch.from_texts([text]).texts[0].encode("utf-8", "replace")
    spaced = re.sub(rb"([a-z])([A-Z])", rb"\1 \2", folded)
    return [
        t.decode("utf-8", "replace").lower() for t in re.findall(rb"[A-Za-z0-9\x80-\xff]+", spaced)
    ]


def reference_char_ngrams(text: str) -> set[str]:
    data = Batch.from_texts([text]).buf[:-1].tobytes()
    return {
        "char:" + repr(data[j : j + n].decode("utf-8", "replace"))
        for n in (2, 3)
        for j in range(len(data) - n + 1)
    }


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(alphabet="abAB cdé ,.'’“”\nЖ1", max_size=40), min_size=1, max_size=5))
def test_vectorised_tokens_and_ngrams_match_a_python_reference(texts):
    expected = set()
    for text in texts:
        tokens = reference_tokens(text)
        for n in (1, 2, 3):
            expected.update(
                "word:" + " ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)
            )
    chars = [reference_char_ngrams(text) for text in texts]
    featurizer = StanceFeaturizer(
        char_ngrams=(2, 3),
        negation=False,
        deployment=False,
        cues=False,
        reported_speech=False,
    )
    if not expected and not any(chars):
        with pytest.raises(ValueError, match="no feature"):
            featurizer.fit(texts)
        return
    names = featurizer.fit(texts).get_feature_names_out()
    assert {n for n in names if n.startswith("word:")} == expected
    X = featurizer.transform(texts)
    for i, want in enumerate(chars):
        assert {n for n in names[X[i].indices] if n.startswith("char:")} == want


def test_vocabulary_lookup_is_exact():
    rng = np.random.default_rng(0)
    keys = np.unique(rng.integers(0, 2**63, 5000, dtype=np.int64).astype(np.uint64))
    vocab = HashedVocabulary(keys)
    # Keys that share low bits with vocabulary keys collide in the table and must probe.
    colliding = keys[:100] ^ np.uint64(1 << 40)
    queries = np.concatenate([keys, colliding])
    cols = vocab.lookup(queries)
    assert np.array_equal(cols[: len(keys)], np.arange(len(keys)))
    assert np.all(cols[len(keys) :] == -1)
    assert np.array_equal(pickle.loads(pickle.dumps(vocab)).lookup(keys), np.arange(len(keys)))
