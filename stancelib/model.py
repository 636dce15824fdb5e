"""The fitted stance model used for inference: NumPy only, fast to load and to run.

:class:`StanceModel` holds the fitted featurizer state and a linear classifier's weights.
It is what :func:`stancelib.load_model` returns and what the shipped model file contains;
``StanceClassifier`` (scikit-learn) builds one when it is fitted. Keeping scikit-learn out
of this module keeps ``import stancelib`` plus loading the model well under a second.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from .extract import FittedFeatures

if TYPE_CHECKING:
    from .context import ContextModel
    from .encoder import EncoderBlend
from .validation import check_text, check_texts

__all__ = ["StanceModel"]

#: Sentences per batch when predicting: memory stays flat in the number of sentences.
BATCH_SIZE = 2048
#: Characters per batch, so that a few huge texts do not make one huge batch.
BATCH_CHARS = 1_000_000


def _batches(texts: list[str]) -> Iterator[tuple[int, int]]:
    start, chars = 0, 0
    for i, text in enumerate(texts):
        chars += len(text)
        if i + 1 - start >= BATCH_SIZE or chars >= BATCH_CHARS:
            yield start, i + 1
            start, chars = i + 1, 0
    if start < len(texts):
        yield start, len(texts)


def softmax(scores: np.ndarray) -> np.ndarray:
    """Row-wise softmax, stable for large scores."""
    z = scores - scores.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


class StanceModel:
    """A fitted linear stance model over stance features.

    Parameters
    ----------
    features : FittedFeatures
        The fitted featurizer state.
    coef : ndarray of shape (n_classes, n_features)
    intercept : ndarray of shape (n_classes,)
    classes : sequence of str
    temperature : float, default=1.0
        Softmax temperature fitted on out-of-fold scores, so that probabilities are
        calibrated.
    metadata : dict, optional
        How the model was made (versions, data hash, cross-validation scores).
    context : ContextModel, optional
        Reads each sentence of a document again with its neighbours
        (:meth:`predict_document_proba`); None labels every sentence on its own.
    encoder : EncoderBlend, optional
        A fine-tuned transformer whose probabilities are blended with the n-gram model's
        (:meth:`predict_proba`); None uses the n-gram model alone.
    """

    def __init__(
        self,
        features: FittedFeatures,
        coef: np.ndarray,
        intercept: np.ndarray,
        classes: Iterable[str],
        temperature: float = 1.0,
        metadata: dict[str, Any] | None = None,
        context: ContextModel | None = None,
        encoder: EncoderBlend | None = None,
    ) -> None:
        self.features = features
        self.context = context
        self.encoder = encoder
        self.coef = np.ascontiguousarray(coef, dtype=np.float64)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        self.classes_ = np.asarray(list(classes), dtype=object)
        self.temperature = float(temperature)
        self.metadata = dict(metadata or {})
        if self.coef.shape != (len(self.classes_), len(features)):
            raise ValueError(
                f"coef has shape {self.coef.shape}, expected {(len(self.classes_), len(features))}"
            )

    def __repr__(self) -> str:
        return (
            f"StanceModel(classes={list(self.classes_)}, n_features={len(self.features)}, "
            f"temperature={self.temperature:.3g})"
        )

    def decision_function(self, texts: Iterable[str]) -> np.ndarray:
        """Linear scores, one column per class in ``classes_``.

        Parameters
        ----------
        texts : list of str

        Returns
        -------
        ndarray of shape (n_sentences, n_classes)
        """
        texts = check_texts(texts)
        out = np.empty((len(texts), len(self.classes_)))
        weights = self._idf_weights()
        for start, end in _batches(texts):
            # A score is sum(idf * coef / norm): summing idf * coef per cell first and
            # scaling each cell by its inverse norm once saves three passes per occurrence.
            cell, cols, inv_norm = self.features.cells(texts[start:end])
            for k, w in enumerate(weights):
                per_cell = np.bincount(cell, weights=w[cols], minlength=len(inv_norm))
                out[start:end, k] = (per_cell * inv_norm).reshape(-1, 3).sum(axis=1)
        out += self.intercept
        return out

    def _idf_weights(self) -> np.ndarray:
        # Not pickled (see __getstate__): derived from coef and idf on first use.
        if getattr(self, "_weights", None) is None:
            self._weights = np.ascontiguousarray(self.coef * self.features.idf)
        return self._weights

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state.pop("_weights", None)
        return state

    def with_encoder(self, encoder: EncoderBlend | None) -> StanceModel:
        """A copy of this model that blends `encoder` in (None: the n-gram model alone).

        The copy shares the fitted arrays; neither model is changed by the other.
        """
        copy = object.__new__(type(self))
        copy.__dict__.update(self.__dict__)
        copy.encoder = encoder
        return copy

    def ngram_proba(self, texts: Iterable[str]) -> np.ndarray:
        """The n-gram model's calibrated probabilities, without the encoder's."""
        return softmax(self.decision_function(texts) / self.temperature)

    def predict_proba(self, texts: Iterable[str]) -> np.ndarray:
        """Calibrated class probabilities, columns in ``classes_`` order.

        With an encoder (``self.encoder``), the n-gram model's probabilities blended with
        the fine-tuned transformer's; otherwise :meth:`ngram_proba`.
        """
        blend = getattr(self, "encoder", None)  # models saved before it existed
        if blend is None:
            return self.ngram_proba(texts)
        texts = check_texts(texts)
        return blend.combine(texts, self.ngram_proba(texts))

    def predict(self, texts: Iterable[str]) -> np.ndarray:
        """Stance labels (``FAVOR``, ``AGAINST`` or ``NONE``)."""
        if getattr(self, "encoder", None) is None:
            return self.classes_[self.decision_function(texts).argmax(axis=1)]
        return self.classes_[self.predict_proba(texts).argmax(axis=1)]

    def predict_document_proba(self, sentences: Iterable[str]) -> np.ndarray:
        """Probabilities for the sentences of one document, each read with its neighbours.

        With a context model (``self.context``), a sentence that continues a quotation or
        points back at the one before ("This is our position," he said) can take its
        stance from it; without one, this is :meth:`predict_proba`.

        Parameters
        ----------
        sentences : list of str
            One document's sentences, in reading order.

        Returns
        -------
        ndarray of shape (n_sentences, n_classes)
        """
        sentences = check_texts(sentences, name="sentences")
        proba = self.predict_proba(sentences)
        context = self.document_context()
        if context is None or not sentences:
            return proba
        return context.predict_proba(sentences, proba)

    def document_context(self) -> ContextModel | None:
        """The context model that reads this model's probabilities: the blend's own with an
        encoder (fitted on blended probabilities), otherwise ``self.context``."""
        blend = getattr(self, "encoder", None)
        if blend is not None:
            return blend.context
        return getattr(self, "context", None)  # models saved before it existed

    def predict_document(self, sentences: Iterable[str]) -> np.ndarray:
        """Stance labels for the sentences of one document; see :meth:`predict_document_proba`."""
        return self.classes_[self.predict_document_proba(sentences).argmax(axis=1)]

    def explain(
        self, text: str, top: int = 5, stance: str | None = None
    ) -> list[tuple[str, float]]:
        """The features that pushed the decision toward a stance.

        Parameters
        ----------
        text : str
            One sentence.
        top : int, default=5
            How many features to return.
        stance : str, optional
            The class to explain; defaults to the predicted one.

        Returns
        -------
        list of (feature name, contribution)
            The largest contributions ``x_j * (w_stance,j - mean_k w_k,j)``, strongest
            first: how much each feature raised the stance's score over the average class.
        """
        text = check_text(text)
        if not isinstance(top, int | np.integer) or isinstance(top, bool) or top < 1:
            raise ValueError(f"top must be an int >= 1, got {top!r}")
        if stance is None:
            k = int(self.predict_proba([text]).argmax())
        elif stance in list(self.classes_):
            k = list(self.classes_).index(stance)
        else:
            raise ValueError(f"stance must be one of {list(self.classes_)}, got {stance!r}")
        _, cols, values = self.features.triplets([text])
        relative = self.coef[k, cols] - self.coef[:, cols].mean(axis=0)
        contrib = np.bincount(cols, weights=values * relative, minlength=len(self.features))
        order = np.argsort(-contrib, kind="stable")[:top]
        return [(str(self.features.names[j]), float(contrib[j])) for j in order if contrib[j] > 0]

    def feature_names(self) -> np.ndarray:
        """Names of the model's features, in column order."""
        return self.features.names

    def top_features(self, stance: str, top: int = 20) -> list[tuple[str, float]]:
        """The features with the strongest weights for `stance` relative to the others."""
        if stance not in list(self.classes_):
            raise ValueError(f"stance must be one of {list(self.classes_)}, got {stance!r}")
        k = list(self.classes_).index(stance)
        relative = self.coef[k] - self.coef.mean(axis=0)
        order = np.argsort(-relative, kind="stable")[:top]
        return [(str(self.features.names[j]), float(relative[j])) for j in order]
