"""Training is deterministic: the same seed gives the same model, bit for bit."""

import hashlib
import os
import subprocess
import sys

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from stancelib import StanceClassifier, StanceFeaturizer
from stancelib.train import training_texts

SEED = 0


@pytest.fixture(scope="module")
def subset():
    """A small stratified subset of the corpus, so that training takes a second."""
    texts, y = training_texts()
    rng = np.random.default_rng(SEED)
    keep = np.sort(
        np.concatenate(
            [rng.choice(np.flatnonzero(y == c), 40, replace=False) for c in sorted(set(y))]
        )
    )
    return [texts[i] for i in keep], y[keep], texts[::5]


def fit(texts, y, random_state=SEED):
    # Word n-grams and the cue families only, to keep the test fast; the calibration folds
    # are drawn from the seed, so they are part of what must repeat.
    featurizer = StanceFeaturizer(char_ngrams=None)
    clf = StanceClassifier(featurizer=featurizer, calibration_cv=3, random_state=random_state)
    # One BLAS thread: on a busy 2-core machine threaded L-BFGS is many times slower on
    # this small problem, and both processes must run the same arithmetic.
    with threadpool_limits(1):
        return clf.fit(texts, y)


def fingerprint(model) -> str:
    digest = hashlib.sha256()
    for array in (model.coef, model.intercept, np.array([model.temperature])):
        digest.update(np.ascontiguousarray(array).tobytes())
    digest.update(model.features.vocabulary.keys.tobytes())
    return digest.hexdigest()


def test_same_seed_gives_identical_coefficients_and_predictions(subset):
    texts, y, probe = subset
    first, second = fit(texts, y), fit(texts, y)
    assert np.array_equal(first.model_.coef, second.model_.coef)
    assert np.array_equal(first.model_.intercept, second.model_.intercept)
    assert first.temperature_ == second.temperature_
    assert np.array_equal(first.predict(probe), second.predict(probe))
    assert np.array_equal(first.predict_proba(probe), second.predict_proba(probe))


def test_featurizer_does_not_depend_on_the_order_of_training_sentences(subset):
    texts, _, probe = subset
    order = np.random.default_rng(1).permutation(len(texts))
    a = StanceFeaturizer().fit(texts)
    b = StanceFeaturizer().fit([texts[i] for i in order])
    assert np.array_equal(a.features_.vocabulary.keys, b.features_.vocabulary.keys)
    assert np.array_equal(a.get_feature_names_out(), b.get_feature_names_out())
    assert np.array_equal(a.features_.idf, b.features_.idf)
    assert (a.transform(probe) != b.transform(probe)).nnz == 0


def test_training_does_not_depend_on_the_process(subset):
    # Hash randomisation (PYTHONHASHSEED) and set order must not leak into the model.
    texts, y, _ = subset
    script = (
        "import sys, numpy as np\n"
        "from tests.test_determinism import fingerprint, fit\n"
        "from stancelib.train import training_texts\n"
        "texts, y = training_texts()\n"
        "index = [int(i) for i in sys.argv[1].split(',')]\n"
        "print(fingerprint(fit([texts[i] for i in index], y[index]).model_))\n"
    )
    all_texts, _ = training_texts()
    position = {t: i for i, t in enumerate(all_texts)}
    index = ",".join(str(position[t]) for t in texts)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": root}
    done = subprocess.run(
        [sys.executable, "-c", script, index], capture_output=True, text=True, env=env, cwd=root
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == fingerprint(fit(texts, y).model_)
