"""The functions most users need: load a model, label sentences, label a whole article."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from .model import StanceModel
from .persistence import DEFAULT_MODEL, ModelFileError, load_model_file, locate_encoder
from .segment import split_sentences
from .validation import check_path, check_text, check_texts

__all__ = ["label_text", "load_model", "predict", "predict_proba"]

_DEFAULT: dict[bool, StanceModel] = {}


def load_model(
    path: str | Path | None = None, *, trusted: bool = False, encoder: bool = False
) -> StanceModel:
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
    encoder : bool, default=False
        Blend in the fine-tuned transformer the model records (``metadata["encoder"]``):
        better on the development articles, but over a hundred times slower, as it runs
        a 6-layer transformer over every sentence (see the README). False gives the
        n-gram model, which labels tens of thousands of sentences a second.

    Returns
    -------
    StanceModel

    Raises
    ------
    ModelFileError
        The file is missing, its hash does not match, or it is not a stancelib model;
        with `encoder`, the model records no encoder or its file is missing.

    Warns
    -----
    ModelVersionWarning
        The model was saved with other versions of stancelib, scikit-learn or NumPy.

    Examples
    --------
    >>> model = load_model()
    >>> list(model.classes_)
    ['AGAINST', 'FAVOR', 'NONE']
    >>> load_model(encoder=True).encoder
    EncoderBlend(file='encoder.npz', weight=0.3)
    """
    if not isinstance(encoder, bool):
        raise TypeError(f"encoder must be True or False, got {encoder!r}")
    if path is not None:
        path = check_path(path)
    shipped = path is None or path.resolve() == DEFAULT_MODEL
    if shipped and not trusted and encoder in _DEFAULT:
        return _DEFAULT[encoder]
    file = DEFAULT_MODEL if shipped else path
    model = load_model_file(file, trusted=trusted)
    if encoder:
        model = _with_recorded_encoder(model, file)
    if shipped and not trusted:
        _DEFAULT[encoder] = model
    return model


def _with_recorded_encoder(model: StanceModel, file: Path) -> StanceModel:
    from .encoder import EncoderBlend

    if getattr(model, "encoder", None) is not None:
        return model  # saved blended
    record = model.metadata.get("encoder")
    if not record:
        raise ModelFileError(
            f"{file}: the model records no encoder to blend in; train one with "
            "tools/finetune_encoder.py, then python -m stancelib.train"
        )
    blend = EncoderBlend.from_record(record, file.parent, model.classes_)
    locate_encoder(blend, file)
    return model.with_encoder(blend)


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
        Defaults to the shipped n-gram model; ``load_model(encoder=True)`` is the slower,
        more accurate blend with the fine-tuned transformer.

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
        Defaults to the shipped n-gram model; ``load_model(encoder=True)`` is the slower,
        more accurate blend with the fine-tuned transformer.
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
