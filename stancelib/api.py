"""The functions most users need: load a model, label sentences, label a whole article."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from .model import StanceModel
from .persistence import DEFAULT_MODEL, load_model_file
from .segment import split_sentences
from .validation import check_text, check_texts

__all__ = ["label_text", "load_model", "predict", "predict_proba"]

_DEFAULT: StanceModel | None = None


def load_model(path: str | Path | None = None, *, trusted: bool = False) -> StanceModel:
    """Load the shipped stance model, or a model file of one's own.

    The file's SHA-256 is checked before it is unpickled (``joblib.load`` runs code from
    the file): the shipped model against the hash stored in the package, another model
    against the ``<path>.json`` sidecar written by :func:`stancelib.save_model`.

    Parameters
    ----------
    path : str or Path, optional
        A model file; defaults to the model shipped in the package (cached after the
        first load).
    trusted : bool, default=False
        Skip the hash check, for a file you made yourself and whose sidecar was lost.

    Returns
    -------
    StanceModel

    Raises
    ------
    ModelFileError
        The file is missing, its hash does not match, or it is not a stancelib model.

    Warns
    -----
    ModelVersionWarning
        The model was saved with other versions of stancelib, scikit-learn or NumPy.

    Examples
    --------
    >>> model = load_model()
    >>> list(model.classes_)
    ['AGAINST', 'FAVOR', 'NONE']
    """
    global _DEFAULT
    if path is None or Path(path).resolve() == DEFAULT_MODEL:
        if _DEFAULT is None or trusted:
            model = load_model_file(DEFAULT_MODEL, trusted=trusted)
            if trusted:
                return model
            _DEFAULT = model
        return _DEFAULT
    return load_model_file(path, trusted=trusted)


def _model(model: StanceModel | None) -> StanceModel:
    if model is None:
        return load_model()
    if not hasattr(model, "predict_proba"):
        raise TypeError(
            f"model must be a StanceModel or a fitted StanceClassifier, got {type(model).__name__}"
        )
    return model


def predict(texts: Iterable[str], model: StanceModel | None = None) -> list[str]:
    """Stance of each sentence: ``FAVOR``, ``AGAINST`` or ``NONE``.

    Parameters
    ----------
    texts : list of str
        Sentences (a bare string is refused: use :func:`label_text` for an article).
    model : StanceModel, optional
        Defaults to the shipped model.

    Returns
    -------
    list of str

    Examples
    --------
    >>> predict(["The chancellor said Germany will not send soldiers to Ukraine."])
    ['AGAINST']
    """
    texts = check_texts(texts)
    return [str(label) for label in _model(model).predict(texts)]


def predict_proba(texts: Iterable[str], model: StanceModel | None = None) -> np.ndarray:
    """Calibrated probabilities, columns in ``model.classes_`` order."""
    return _model(model).predict_proba(check_texts(texts))


def label_text(
    text: str, model: StanceModel | None = None, *, context: bool = True
) -> list[dict[str, Any]]:
    """Split a whole text into sentences and label each one.

    Parameters
    ----------
    text : str
        An article or any text; an empty text gives an empty list.
    model : StanceModel, optional
        Defaults to the shipped model.
    context : bool, default=True
        Read each sentence with its neighbours, so that a sentence continuing a quotation
        or pointing back at the one before can take its stance
        (:meth:`StanceModel.predict_document_proba`); False labels each sentence on its
        own, as :func:`predict` does.

    Returns
    -------
    list of dict
        One per sentence, in order: ``start``, ``end`` (offsets in `text`), ``text``,
        ``stance`` and ``confidence`` (the calibrated probability of that stance).

    Examples
    --------
    >>> rows = label_text("Troops? Never. Nothing can be ruled out, he said.")
    >>> [r["text"] for r in rows]
    ['Troops?', 'Never.', 'Nothing can be ruled out, he said.']
    """
    text = check_text(text)
    sentences = split_sentences(text)
    if not sentences:
        return []
    if not isinstance(context, bool):
        raise TypeError(f"context must be True or False, got {context!r}")
    model = _model(model)
    texts = [s.text for s in sentences]
    if context and hasattr(model, "predict_document_proba"):
        proba = model.predict_document_proba(texts)
    else:
        proba = model.predict_proba(texts)
    best = proba.argmax(axis=1)
    return [
        {
            "start": s.start,
            "end": s.end,
            "text": s.text,
            "stance": str(model.classes_[k]),
            "confidence": float(p[k]),
        }
        for s, k, p in zip(sentences, best, proba)
    ]
