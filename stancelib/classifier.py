"""The stance classifier: the featurizer and a linear model (a linear SVM or a logistic
regression), with calibrated probabilities, as a scikit-learn estimator."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize_scalar
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from .extract import Extracted
from .features import StanceFeaturizer
from .labels import LABELS
from .model import StanceModel, softmax
from .validation import check_texts

__all__ = ["LOSSES", "StanceClassifier", "prior_shift"]

#: The linear models a StanceClassifier can fit, by the loss they minimise.
LOSSES = ("squared_hinge", "log_loss")


def check_labels(labels: Any, n: int) -> np.ndarray:
    """Stance labels as an array of str, checked against the label set."""
    if labels is None or isinstance(labels, str | bytes) or not isinstance(labels, Iterable):
        raise TypeError(f"labels must be a list of str among {list(LABELS)}, got {labels!r}")
    y = np.asarray(list(labels), dtype=object)
    if len(y) != n:
        raise ValueError(f"got {n} texts but {len(y)} labels")
    unknown = sorted({str(v) for v in y} - set(LABELS))
    if unknown:
        raise ValueError(f"unknown labels {unknown}; expected labels among {list(LABELS)}")
    if len(set(y)) < 2:
        raise ValueError("at least two different labels are needed to fit a classifier")
    return y


def fit_temperature(scores: np.ndarray, y_index: np.ndarray) -> float:
    """The softmax temperature that minimises the log loss of `scores` (Guo et al. 2017)."""

    def nll(log_t: float) -> float:
        p = softmax(scores / np.exp(log_t))
        return -np.log(np.clip(p[np.arange(len(y_index)), y_index], 1e-12, None)).mean()

    return float(np.exp(minimize_scalar(nll, bounds=(-3, 3), method="bounded").x))


def prior_shift(classes, class_prior: np.ndarray, none_prior: float | None) -> np.ndarray:
    """Log-weights that move calibrated probabilities to a prior with `none_prior` NONE.

    The other classes keep their proportions in `class_prior` (Saerens et al. 2002);
    ``softmax(log p + shift)`` is the re-weighted distribution. Zeros when `none_prior` is
    None or NONE is not among `classes`.
    """
    classes = list(classes)
    if none_prior is None or "NONE" not in classes:
        return np.zeros(len(classes))
    none = classes.index("NONE")
    # At least two classes were fitted, so the others' share is above 0.
    target = class_prior * (1 - none_prior) / (1 - class_prior[none])
    target[none] = none_prior
    return np.log(target / class_prior)


def _one_row_per_class(coef: np.ndarray, intercept: np.ndarray):
    """Linear scores with one row per class, also for two classes.

    With two classes scikit-learn fits one row ``w`` for the second class; the rows
    ``-w/2`` and ``w/2`` give the same decision, and under a softmax the same probability
    as the sigmoid of ``w``.
    """
    if coef.shape[0] == 1:
        return np.vstack([-coef / 2, coef / 2]), np.concatenate([-intercept / 2, intercept / 2])
    return coef, intercept


class StanceClassifier(ClassifierMixin, BaseEstimator):
    """Stance classifier: :class:`StanceFeaturizer` and a linear model.

    The linear model is a one-vs-rest linear SVM (``loss="squared_hinge"``, scikit-learn's
    ``LinearSVC``) or a multinomial logistic regression (``loss="log_loss"``). Either way,
    probabilities are calibrated by temperature scaling: the softmax temperature of the
    linear scores is fitted on out-of-fold scores of a stratified `calibration_cv`-fold
    split of the training data.

    Parameters
    ----------
    featurizer : StanceFeaturizer, optional
        Cloned before fitting; defaults to ``StanceFeaturizer()``.
    loss : {"squared_hinge", "log_loss"}, default="squared_hinge"
        The linear SVM or the logistic regression.
    C : float, default=1.0
        Inverse regularisation strength of the linear model. The defaults of `loss`, `C`
        and `nb_alpha` won the cross-validated search over the training articles
        (``python -m stancelib.train --search``), together with ``min_df=1`` for the
        featurizer (see :data:`stancelib.train.DEFAULT_PARAMS`).
    class_weight : {"balanced"} or None, default=None
    nb_alpha : float or None, default=1.0
        With a number, each class's one-vs-rest model is fitted on features scaled by
        their naive Bayes log-count ratio for that class, smoothed by `nb_alpha` (NBSVM,
        Wang and Manning 2012): a feature seen mostly in one class weighs more in its
        model before the penalty. The ratios are folded into the coefficients, so
        prediction is unchanged. None fits the plain linear model.
    none_prior : float or None, default=None
        The share of ``NONE`` sentences expected in the text to label. The probabilities
        are re-weighted from the training prior to this one (Saerens et al. 2002), the
        other classes keeping their training proportions; None keeps the training prior.
        A balanced corpus trains well, but news is mostly ``NONE``: the shipped model
        uses the share chosen on the development articles
        (:data:`stancelib.train.NEWS_NONE_PRIOR`).
    max_iter : int, default=2000
    calibration_cv : int or None, default=5
        Folds used to fit the temperature; None keeps a temperature of 1.
    random_state : int, default=0
        Seeds the calibration folds: training twice gives identical coefficients.

    Attributes
    ----------
    featurizer_ : StanceFeaturizer
    model_ : StanceModel
        The fitted NumPy model that predicts; what :func:`stancelib.save_model` writes.
    classes_ : ndarray of str
    temperature_ : float
    class_prior_ : ndarray of float
        The share of each class in the training labels.
    prior_shift_ : ndarray of float
        ``log(target prior / class_prior_)``, added to the calibrated log-probabilities
        (zeros without `none_prior`).

    Examples
    --------
    >>> clf = StanceClassifier(calibration_cv=None).fit(
    ...     ["We will not send troops.", "Troops could be sent.", "Prices rose."],
    ...     ["AGAINST", "FAVOR", "NONE"])
    >>> clf.predict(["They will not send troops."])[0]
    'AGAINST'
    """

    def __init__(
        self,
        *,
        featurizer: StanceFeaturizer | None = None,
        loss: str = "squared_hinge",
        C: float = 1.0,
        class_weight: str | None = None,
        nb_alpha: float | None = 1.0,
        none_prior: float | None = None,
        max_iter: int = 2000,
        calibration_cv: int | None = 5,
        random_state: int = 0,
    ) -> None:
        self.featurizer = featurizer
        self.loss = loss
        self.C = C
        self.class_weight = class_weight
        self.nb_alpha = nb_alpha
        self.none_prior = none_prior
        self.max_iter = max_iter
        self.calibration_cv = calibration_cv
        self.random_state = random_state

    def _validate_params(self) -> None:
        if self.loss not in LOSSES:
            raise ValueError(f"loss must be one of {list(LOSSES)}, got {self.loss!r}")
        if (
            not isinstance(self.C, int | float | np.number)
            or isinstance(self.C, bool)
            or not self.C > 0
        ):
            raise ValueError(f"C must be a positive number, got {self.C!r}")
        if self.none_prior is not None and (
            not isinstance(self.none_prior, int | float | np.number)
            or isinstance(self.none_prior, bool)
            or not 0 < self.none_prior < 1
        ):
            raise ValueError(
                f"none_prior must be None or a number between 0 and 1, got {self.none_prior!r}"
            )
        if self.nb_alpha is not None and (
            not isinstance(self.nb_alpha, int | float | np.number)
            or isinstance(self.nb_alpha, bool)
            or not self.nb_alpha > 0
        ):
            raise ValueError(f"nb_alpha must be None or a positive number, got {self.nb_alpha!r}")
        if self.class_weight not in (None, "balanced"):
            raise ValueError(f"class_weight must be None or 'balanced', got {self.class_weight!r}")
        if self.calibration_cv is not None and (
            not isinstance(self.calibration_cv, int) or self.calibration_cv < 2
        ):
            raise ValueError(
                f"calibration_cv must be None or an int >= 2, got {self.calibration_cv!r}"
            )
        if self.featurizer is not None and not isinstance(self.featurizer, StanceFeaturizer):
            raise TypeError(
                f"featurizer must be a StanceFeaturizer, got {type(self.featurizer).__name__}"
            )

    def _new_featurizer(self) -> StanceFeaturizer:
        return clone(self.featurizer) if self.featurizer is not None else StanceFeaturizer()

    def _fit_linear(self, found: Extracted, y: np.ndarray):
        featurizer = self._new_featurizer()
        X = featurizer._fit_extracted(found)._transform_extracted(found)
        params = dict(
            C=self.C,
            class_weight=self.class_weight,
            max_iter=self.max_iter,
            random_state=self.random_state,
        )
        if self.loss == "squared_hinge":
            # Far fewer sentences than features: the dual problem, which scikit-learn's
            # "auto" picks too; saying so keeps older versions from warning.
            linear = LinearSVC(dual=True, **params)
        else:
            linear = LogisticRegression(**params)
        # Both solvers do only small dense BLAS work on a sparse matrix; threaded BLAS made
        # fits up to 14x slower on a busy 2-core machine, and one thread keeps float sums,
        # hence coefficients, identical from machine to machine.
        with threadpool_limits(limits=1):
            if self.nb_alpha is None:
                linear.fit(X, y)
                return featurizer, (linear.classes_, linear.coef_, linear.intercept_)
            return featurizer, self._fit_nb(linear, X, y)

    def _fit_nb(self, linear, X, y: np.ndarray):
        """One-vs-rest models on naive-Bayes-scaled features, the scaling folded in."""
        classes = np.unique(y)
        present = X.copy()
        present.data[:] = 1.0
        # Counts of sentences, whole numbers in float64: the rest's is exactly the total's
        # minus the class's.
        total = np.asarray(present.sum(axis=0)).ravel()
        coef, intercept = [], []
        for c in classes:
            mine = y == c
            in_class = np.asarray(present[mine].sum(axis=0)).ravel()
            p = self.nb_alpha + in_class
            q = self.nb_alpha + (total - in_class)
            ratio = np.log(p / p.sum()) - np.log(q / q.sum())
            model = clone(linear).fit(X @ sp.diags(ratio), mine)
            coef.append(model.coef_.ravel() * ratio)
            intercept.append(model.intercept_[0])
        return classes, np.array(coef), np.array(intercept)

    def fit(self, X: Iterable[str], y: Iterable[str]) -> StanceClassifier:
        """Fit the featurizer, the linear model and the calibration temperature.

        Parameters
        ----------
        X : list of str
            Training sentences.
        y : list of str
            Their stances, among ``FAVOR``, ``AGAINST`` and ``NONE``.

        Returns
        -------
        self
        """
        self._validate_params()
        texts = check_texts(X, allow_empty=False, name="X")
        y = check_labels(y, len(texts))
        if self.calibration_cv:
            counts = {c: int(np.sum(y == c)) for c in np.unique(y)}
            rarest = min(counts, key=counts.get)
            if counts[rarest] < self.calibration_cv:
                raise ValueError(
                    f"calibration_cv={self.calibration_cv} needs at least that many sentences "
                    f"of each label, got {counts[rarest]} {rarest}; pass a smaller "
                    "calibration_cv, or None to keep a temperature of 1"
                )
        # Extracted once, with the names of the features, for the fit and every fold.
        found = self._new_featurizer()._extract(texts, with_names=True)
        self.featurizer_, (classes, coef, intercept) = self._fit_linear(found, y)
        self.classes_ = classes.astype(object)
        self.temperature_ = 1.0
        if self.calibration_cv:
            self.temperature_ = fit_temperature(*self._out_of_fold_scores(found, y))
        self.class_prior_ = np.array([np.mean(y == c) for c in self.classes_])
        self.prior_shift_ = prior_shift(self.classes_, self.class_prior_, self.none_prior)
        coef, intercept = _one_row_per_class(coef, intercept)
        # softmax((s + T * shift) / T) = softmax(s / T + shift): the re-weighting lives in
        # the intercept, so that predict stays the argmax of decision_function.
        self.model_ = StanceModel(
            self.featurizer_.features_,
            coef,
            intercept + self.temperature_ * self.prior_shift_,
            self.classes_,
            self.temperature_,
        )
        return self

    def _out_of_fold_scores(self, found: Extracted, y: np.ndarray):
        folds = StratifiedKFold(self.calibration_cv, shuffle=True, random_state=self.random_state)
        scores = np.zeros((len(y), len(self.classes_)))
        for train, test in folds.split(np.zeros(len(y)), y):
            featurizer, (_, coef, intercept) = self._fit_linear(found.take(train), y[train])
            coef, intercept = _one_row_per_class(coef, intercept)
            X_test = featurizer._transform_extracted(found.take(test))
            scores[test] = X_test @ coef.T + intercept
        return scores, np.searchsorted(self.classes_, y)

    def decision_function(self, X: Iterable[str]) -> np.ndarray:
        """Linear scores, one column per class in ``classes_``."""
        check_is_fitted(self, "model_")
        return self.model_.decision_function(X)

    def predict_proba(self, X: Iterable[str]) -> np.ndarray:
        """Calibrated probabilities, one column per class in ``classes_``."""
        check_is_fitted(self, "model_")
        return self.model_.predict_proba(X)

    def predict(self, X: Iterable[str]) -> np.ndarray:
        """Stance of each sentence."""
        check_is_fitted(self, "model_")
        return self.model_.predict(X)

    def predict_document_proba(self, sentences: Iterable[str]) -> np.ndarray:
        """Probabilities for one document's sentences; see
        :meth:`StanceModel.predict_document_proba` (the sentence model's own unless a
        context model was attached to ``model_``)."""
        check_is_fitted(self, "model_")
        return self.model_.predict_document_proba(sentences)

    def explain(self, text: str, top: int = 5, stance: str | None = None):
        """The features that pushed the decision; see :meth:`StanceModel.explain`."""
        check_is_fitted(self, "model_")
        return self.model_.explain(text, top=top, stance=stance)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags
