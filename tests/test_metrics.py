"""The metric code on small cases computed by hand."""

import numpy as np
import pytest

from stancelib.labels import LABELS
from stancelib.metrics import HEADLINE, bootstrap_ci, f_avg, macro_f1, stance_scores

# By hand (rows gold, columns predicted):
#            pred FAVOR  AGAINST  NONE
# FAVOR            1        1       0
# AGAINST          0        1       1
# NONE             1        0       3
# FAVOR:   P = 1/2, R = 1/2, F1 = 1/2;  AGAINST: P = 1/2, R = 1/2, F1 = 1/2;
# NONE:    P = 3/4, R = 3/4, F1 = 3/4;  accuracy = 5/8;
# macro-F1 = (1/2 + 1/2 + 3/4) / 3 = 7/12;  F_avg = (1/2 + 1/2) / 2 = 1/2;
# kappa: p_o = 5/8, p_e = (2*2 + 2*2 + 4*4) / 64 = 3/8, kappa = (5/8 - 3/8) / (5/8) = 2/5.
GOLD = ["FAVOR", "FAVOR", "AGAINST", "AGAINST", "NONE", "NONE", "NONE", "NONE"]
PRED = ["FAVOR", "AGAINST", "AGAINST", "NONE", "NONE", "NONE", "FAVOR", "NONE"]


def test_per_class_scores_by_hand():
    per_class = stance_scores(GOLD, PRED)["per_class"]
    assert list(per_class) == list(LABELS)
    expected = {
        "FAVOR": (0.5, 0.5, 0.5, 2),
        "AGAINST": (0.5, 0.5, 0.5, 2),
        "NONE": (0.75, 0.75, 0.75, 4),
    }
    for label, (precision, recall, f1, support) in expected.items():
        scores = per_class[label]
        assert scores["precision"] == pytest.approx(precision)
        assert scores["recall"] == pytest.approx(recall)
        assert scores["f1"] == pytest.approx(f1)
        assert scores["support"] == support


def test_headline_figures_by_hand():
    scores = stance_scores(GOLD, PRED)
    assert scores["macro_f1"] == pytest.approx(7 / 12)
    assert scores["f_avg"] == pytest.approx(0.5)
    assert scores["accuracy"] == pytest.approx(5 / 8)
    assert scores["kappa"] == pytest.approx(0.4)
    assert macro_f1(GOLD, PRED) == pytest.approx(7 / 12)
    assert f_avg(GOLD, PRED) == pytest.approx(0.5)
    assert set(HEADLINE) <= set(scores)


def test_confusion_matrix_rows_gold_columns_predicted_in_label_order():
    # LABELS order is NONE, AGAINST, FAVOR.
    assert stance_scores(GOLD, PRED)["confusion_matrix"] == [[3, 0, 1], [1, 1, 0], [0, 1, 1]]


def test_unequal_precision_and_recall():
    # FAVOR: predicted 3 times, right once (P = 1/3); gold twice (R = 1/2); F1 = 2/5.
    gold = ["FAVOR", "FAVOR", "NONE", "NONE", "AGAINST"]
    pred = ["FAVOR", "NONE", "FAVOR", "FAVOR", "AGAINST"]
    favor = stance_scores(gold, pred)["per_class"]["FAVOR"]
    assert favor["precision"] == pytest.approx(1 / 3)
    assert favor["recall"] == pytest.approx(1 / 2)
    assert favor["f1"] == pytest.approx(2 / 5)


def test_a_class_absent_everywhere_scores_zero():
    # FAVOR never occurs: its F1 counts as 0 in both averages.
    gold = pred = ["AGAINST", "NONE", "NONE"]
    assert macro_f1(gold, pred) == pytest.approx(2 / 3)
    assert f_avg(gold, pred) == pytest.approx(1 / 2)


@pytest.mark.filterwarnings("error::sklearn.exceptions.UndefinedMetricWarning")
def test_kappa_is_zero_not_nan_when_undefined():
    # Reported as 0, silently: the warning scikit-learn gives would be an error here.
    scores = stance_scores(["NONE", "NONE"], ["NONE", "NONE"])
    assert scores["kappa"] == 0.0
    assert scores["accuracy"] == 1.0


def test_kappa_of_chance_agreement_is_zero():
    # p_o = 1/2, p_e = 1/2 * 1/2 + 1/2 * 1/2 = 1/2.
    gold = ["FAVOR", "FAVOR", "AGAINST", "AGAINST"]
    pred = ["FAVOR", "AGAINST", "FAVOR", "AGAINST"]
    assert stance_scores(gold, pred)["kappa"] == pytest.approx(0.0)


def test_stance_scores_refuses_mismatched_or_empty_input():
    with pytest.raises(ValueError, match="2 gold labels but 1 predictions"):
        stance_scores(["NONE", "FAVOR"], ["NONE"])
    with pytest.raises(ValueError, match="no predictions"):
        stance_scores([], [])


def _noisy_case(n=60, seed=1):
    rng = np.random.default_rng(seed)
    gold = [LABELS[i] for i in rng.integers(0, 3, n)]
    pred = [g if rng.random() < 0.7 else LABELS[rng.integers(0, 3)] for g in gold]
    return gold, pred


def test_bootstrap_interval_contains_the_point_estimate():
    gold, pred = _noisy_case()
    ci = bootstrap_ci(gold, pred, n_resamples=100, seed=0)
    for name, point in (("macro_f1", macro_f1(gold, pred)), ("f_avg", f_avg(gold, pred))):
        assert 0.0 <= ci[name]["low"] <= point <= ci[name]["high"] <= 1.0
        assert ci[name]["low"] < ci[name]["high"]
    assert ci["level"] == 0.95
    assert ci["n_resamples"] == 100


def test_bootstrap_is_deterministic_by_seed():
    gold, pred = _noisy_case()
    first = bootstrap_ci(gold, pred, n_resamples=20, seed=7)
    assert bootstrap_ci(gold, pred, n_resamples=20, seed=7) == first
    assert bootstrap_ci(gold, pred, n_resamples=20, seed=8) != first


def test_bootstrap_of_perfect_predictions_is_a_point():
    gold = ["FAVOR", "AGAINST", "NONE"] * 10  # a resample lacking a class is unlikely
    ci = bootstrap_ci(gold, gold, n_resamples=20, seed=0)
    assert ci["macro_f1"] == {"low": 1.0, "high": 1.0}
    assert ci["f_avg"] == {"low": 1.0, "high": 1.0}


def test_wider_level_gives_a_wider_interval():
    gold, pred = _noisy_case()
    narrow = bootstrap_ci(gold, pred, n_resamples=100, level=0.5, seed=0)["macro_f1"]
    wide = bootstrap_ci(gold, pred, n_resamples=100, level=0.95, seed=0)["macro_f1"]
    assert wide["low"] <= narrow["low"] <= narrow["high"] <= wide["high"]


def _resampled_with_f1_score(gold, pred, n_resamples, seed):
    """The bootstrap as first written: one f1_score call per resample."""
    gold, pred = np.asarray(gold, dtype=object), np.asarray(pred, dtype=object)
    rng = np.random.default_rng(seed)
    out = {"macro_f1": [], "f_avg": []}
    for _ in range(n_resamples):
        idx = rng.integers(0, len(gold), len(gold))
        out["macro_f1"].append(macro_f1(gold[idx], pred[idx]))
        out["f_avg"].append(f_avg(gold[idx], pred[idx]))
    return out


@pytest.mark.parametrize("n", [1, 7, 60])
def test_bootstrap_from_confusion_counts_matches_f1_score_on_each_resample(n):
    # Small samples often lack a class, where F1's zero-division rule decides.
    rng = np.random.default_rng(n)
    gold = list(rng.choice(LABELS, n, p=[0.2, 0.2, 0.6]))
    pred = [g if rng.random() < 0.6 else LABELS[rng.integers(0, 3)] for g in gold]
    expected = _resampled_with_f1_score(gold, pred, 120, seed=3)
    for level in (0.5, 0.95):
        ci = bootstrap_ci(gold, pred, n_resamples=120, level=level, seed=3)
        tail = (1 - level) / 2 * 100
        for name, values in expected.items():
            assert ci[name]["low"] == float(np.percentile(values, tail))
            assert ci[name]["high"] == float(np.percentile(values, 100 - tail))


def test_bootstrap_refuses_mismatched_empty_or_unknown_labels():
    with pytest.raises(ValueError, match="2 gold labels but 1 predictions"):
        bootstrap_ci(["FAVOR", "NONE"], ["NONE"])
    with pytest.raises(ValueError, match="no predictions"):
        bootstrap_ci([], [])
    with pytest.raises(ValueError, match="unknown labels \\['favour'\\]"):
        bootstrap_ci(["FAVOR"], ["favour"])
