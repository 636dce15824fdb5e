"""The stance featurizer: a scikit-learn transformer from raw sentences to a sparse matrix."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .extract import FAMILIES, Extracted, FeatureSpec, FittedFeatures, extract
from .validation import check_texts

__all__ = ["StanceFeaturizer"]


def _check_range(name: str, value) -> tuple[int, int] | None:
    if value is None:
        return None
    if (
        not isinstance(value, tuple | list)
        or len(value) != 2
        or not all(isinstance(v, int | np.integer) and not isinstance(v, bool) for v in value)
        or not 1 <= value[0] <= value[1]
    ):
        raise ValueError(
            f"{name} must be None or a pair (min_n, max_n) with 1 <= min_n <= max_n, got {value!r}"
        )
    return int(value[0]), int(value[1])


class StanceFeaturizer(TransformerMixin, BaseEstimator):
    """Map raw sentences to stance features in one sparse matrix.

    Six feature families, each of which can be switched off for an ablation:

    - ``word``: word n-grams (1-3 by default), as in the SemEval-2016 organisers' SVM;
    - ``char``: character n-grams (2-5 by default), the other half of that baseline;
    - ``negation``: tokens in the scope of a negation cue (``not``, ``no``, ``never``,
      ``n't`` ...), up to `negation_window` tokens in the same clause, marked ``neg:``;
    - ``deployment``: a detector of deployment mentions (send/deploy/station ... followed
      by troops/soldiers/peacekeepers/trainers ..., troops ... in Ukraine, "boots on the
      ground", "reassurance force" ...);
    - ``cues``: cue families for refusal and denial, openness and hedging, and warnings
      of escalation, each alone and in conjunction with a deployment mention; a refusal
      phrase inside a negation scope ("nothing can be ruled out", "did not reject") is a
      double negation and fires ``cue:negated_refusal`` instead;
    - ``reported_speech``: verbs of saying and quote marks.

    N-grams are hashed to 64 bits with vectorised NumPy code and looked up in the
    vocabulary learned by `fit`, so there is no Python loop per n-gram. Values are idf
    weights, L2-normalised within three groups (word and negation; char; cues), as a
    ``FeatureUnion`` of three ``TfidfVectorizer`` would be.

    Parameters
    ----------
    word_ngrams : tuple (min_n, max_n) or None, default=(1, 3)
        Word n-gram range; None switches the family off.
    char_ngrams : tuple (min_n, max_n) or None, default=(2, 5)
        Character n-gram range; None switches the family off.
    negation : bool, default=True
    negation_window : int, default=3
        How many tokens after a negation cue are in its scope.
    deployment : bool, default=True
    cues : bool, default=True
    reported_speech : bool, default=True
    min_df : int, default=1
        Keep features found in at least this many training sentences.

    Attributes
    ----------
    features_ : FittedFeatures
        The vocabulary, idf weights and names learned by `fit`.
    n_features_out_ : int

    Examples
    --------
    >>> featurizer = StanceFeaturizer(char_ngrams=None).fit(
    ...     ["They will not send troops.", "We should not exclude sending troops."])
    >>> X = featurizer.transform(["No troops will be sent."])
    >>> X.shape == (1, len(featurizer.get_feature_names_out()))
    True
    """

    def __init__(
        self,
        *,
        word_ngrams: tuple[int, int] | None = (1, 3),
        char_ngrams: tuple[int, int] | None = (2, 5),
        negation: bool = True,
        negation_window: int = 3,
        deployment: bool = True,
        cues: bool = True,
        reported_speech: bool = True,
        min_df: int = 1,
    ) -> None:
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.negation = negation
        self.negation_window = negation_window
        self.deployment = deployment
        self.cues = cues
        self.reported_speech = reported_speech
        self.min_df = min_df

    def _spec(self) -> FeatureSpec:
        for name in ("negation", "deployment", "cues", "reported_speech"):
            if not isinstance(getattr(self, name), bool | np.bool_):
                raise ValueError(f"{name} must be True or False, got {getattr(self, name)!r}")
        for name in ("negation_window", "min_df"):
            value = getattr(self, name)
            if not isinstance(value, int | np.integer) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be an int >= 1, got {value!r}")
        spec = FeatureSpec(
            word_ngrams=_check_range("word_ngrams", self.word_ngrams),
            char_ngrams=_check_range("char_ngrams", self.char_ngrams),
            negation=bool(self.negation),
            negation_window=int(self.negation_window),
            deployment=bool(self.deployment),
            cues=bool(self.cues),
            reported_speech=bool(self.reported_speech),
        )
        if not any(self.families_on(spec)):
            raise ValueError("every feature family is switched off: nothing to extract")
        return spec

    @staticmethod
    def families_on(spec: FeatureSpec) -> list[str]:
        """Names of the families switched on in `spec`."""
        on = {
            "word": spec.word_ngrams is not None,
            "char": spec.char_ngrams is not None,
            "negation": spec.negation,
            "deployment": spec.deployment,
            "cues": spec.cues,
            "reported_speech": spec.reported_speech,
        }
        return [f for f in FAMILIES if on[f]]

    def fit(self, X: Iterable[str], y=None) -> StanceFeaturizer:
        """Learn the vocabulary and idf weights from training sentences.

        Parameters
        ----------
        X : list of str
        y : ignored

        Returns
        -------
        self
        """
        texts = check_texts(X, allow_empty=False)
        return self._fit_extracted(self._extract(texts, with_names=True))

    def fit_transform(self, X: Iterable[str], y=None) -> sp.csr_matrix:
        """Fit, then featurize the same sentences, extracting their features once.

        Parameters
        ----------
        X : list of str
        y : ignored

        Returns
        -------
        scipy.sparse.csr_matrix of shape (n_sentences, n_features_out_)
        """
        texts = check_texts(X, allow_empty=False)
        found = self._extract(texts, with_names=True)
        return self._fit_extracted(found)._transform_extracted(found)

    # Cross-validation extracts the corpus once and fits each fold on its share of the
    # keys (Extracted.take): a fold then costs a vocabulary, not a pass over the text.
    def _extract(self, texts: list[str], *, with_names: bool = False) -> Extracted:
        return extract(texts, self._spec(), with_names=with_names)

    def _fit_extracted(self, found: Extracted) -> StanceFeaturizer:
        self.features_ = FittedFeatures.fit_extracted(found, self._spec(), min_df=self.min_df)
        if not len(self.features_):
            raise ValueError(f"no feature is found in {self.min_df} or more sentences")
        self.n_features_out_ = len(self.features_)
        return self

    def _transform_extracted(self, found: Extracted) -> sp.csr_matrix:
        return self._matrix(found.n_rows, self.features_.triplets_extracted(found))

    def transform(self, X: Iterable[str]) -> sp.csr_matrix:
        """Featurize sentences.

        Parameters
        ----------
        X : list of str

        Returns
        -------
        scipy.sparse.csr_matrix of shape (n_sentences, n_features_out_)
        """
        check_is_fitted(self, "features_")
        texts = check_texts(X)
        if not texts:
            return sp.csr_matrix((0, self.n_features_out_))
        return self._matrix(len(texts), self.features_.triplets(texts))

    def _matrix(self, n_rows: int, triplets) -> sp.csr_matrix:
        rows, cols, values = triplets
        matrix = sp.csr_matrix((values, (rows, cols)), shape=(n_rows, self.n_features_out_))
        matrix.sum_duplicates()
        return matrix

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Names of the output columns, prefixed by family (``word:``, ``char:``, ``neg:``,
        ``deploy``, ``cue:``, ``reported:``)."""
        check_is_fitted(self, "features_")
        return np.asarray(self.features_.names, dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags
