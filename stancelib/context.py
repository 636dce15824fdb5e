"""Document context: read each sentence's stance again with its neighbours.

A sentence model sees one sentence. News quotes run over several sentences, and the
annotation guidelines (rules 2 and 11) give a sentence that only points back at its
neighbour's claim ("This is our assessment," the spokesman said) the stance of that claim.
:class:`ContextModel` adds to the sentence model's log-probabilities a small learned term
in its neighbours' log-probabilities, gated by what links the sentences: a quotation
carried over from the sentence before, an anaphor or a connective at the start.

Like :class:`stancelib.model.StanceModel`, it predicts with NumPy alone; fitting it
(:func:`fit_context`) uses SciPy.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import islice

import numpy as np

from .model import softmax

__all__ = [
    "ContextModel",
    "context_feature_names",
    "context_features",
    "fit_context",
    "log_proba",
    "quotes",
]

#: Log-probabilities are clipped here, so that a near-certain sentence does not dominate.
LOG_FLOOR = -10.0
#: An opening quotation mark left unclosed is forgotten after this many sentences: scraped
#: text drops closing marks, and a real quotation rarely runs longer without one.
MAX_QUOTE_SENTENCES = 4

_OPEN = "\u201c\u00ab\u201e"
_CLOSE = "\u201d\u00bb"
_QUOTE_MARKS = re.compile(f'[{_OPEN}{_CLOSE}"]')
_WORD = re.compile(r"[A-Za-z']+")
_ANAPHORS = frozenset("this that these those such it so".split())
_CONNECTIVES = frozenset("and but or also moreover nor yet".split())


def quotes(sentences: Sequence[str]) -> np.ndarray:
    """Whether each sentence starts inside a quotation opened in a sentence before it.

    Curly and angle quotation marks open and close; a straight double quote closes an open
    quotation and opens one otherwise.

    Parameters
    ----------
    sentences : sequence of str
        The sentences of one document, in reading order.

    Returns
    -------
    ndarray of bool, shape (n_sentences,)
    """
    inside = np.zeros(len(sentences), dtype=bool)
    open_since: int | None = None
    for i, text in enumerate(sentences):
        if open_since is not None and i - open_since > MAX_QUOTE_SENTENCES:
            open_since = None
        inside[i] = open_since is not None
        is_open = open_since is not None
        # Only the quotation marks matter: a regex finds them without a Python step per
        # character.
        for match in _QUOTE_MARKS.finditer(text):
            ch = match.group()
            if ch in _OPEN:
                is_open = True
            elif ch in _CLOSE:
                is_open = False
            elif ch == '"':
                is_open = not is_open
        if not is_open:
            open_since = None
        elif open_since is None:
            open_since = i
    return inside


def _starts(text: str, words: frozenset[str], first: int = 3) -> bool:
    # Only the first words are read: no need to tokenise a long sentence whole.
    return any(m.group().lower() in words for m in islice(_WORD.finditer(text), first))


def context_feature_names(classes: Sequence[str]) -> list[str]:
    """Names of the columns :func:`context_features` returns."""
    names = []
    for block in ("prev|quote", "prev|anaphor", "prev|connective", "next|next_quote"):
        names += [f"{block}:{c}" for c in classes]
    return names + ["quote", "anaphor", "connective", "next_quote"]


def context_features(sentences: Sequence[str], proba: np.ndarray) -> np.ndarray:
    """What links each sentence of one document to its neighbours.

    Each neighbour's log-probabilities enter only through a link: the previous sentence's
    when this one starts inside its quotation, with an anaphor ("this", "it", "such" among
    the first three words) or with a connective ("And", "But"); the next sentence's when
    it continues a quotation this one opens.

    Parameters
    ----------
    sentences : sequence of str
        The document's sentences, in reading order.
    proba : ndarray of shape (n_sentences, n_classes)
        The sentence model's calibrated probabilities for them.

    Returns
    -------
    ndarray of shape (n_sentences, 4 * n_classes + 4)
        Columns named by :func:`context_feature_names`.
    """
    proba = np.asarray(proba, dtype=np.float64)
    if proba.ndim != 2 or len(proba) != len(sentences):
        raise ValueError(f"got {len(sentences)} sentences but probabilities of shape {proba.shape}")
    n, k = proba.shape
    logp = log_proba(proba)
    prev = np.vstack([np.zeros((1, k)), logp[:-1]])[:n]
    nxt = np.vstack([logp[1:], np.zeros((1, k))])[:n]
    quote = quotes(sentences).astype(float)
    anaphor = np.array([_starts(s, _ANAPHORS) for s in sentences], dtype=float)
    connective = np.array([_starts(s, _CONNECTIVES, first=1) for s in sentences], dtype=float)
    next_quote = np.append(quote[1:], 0.0)[:n]
    return np.hstack(
        [
            prev * quote[:, None],
            prev * anaphor[:, None],
            prev * connective[:, None],
            nxt * next_quote[:, None],
            np.column_stack([quote, anaphor, connective, next_quote]),
        ]
    ).reshape(n, 4 * k + 4)


def log_proba(proba: np.ndarray) -> np.ndarray:
    """Log-probabilities clipped to ``[LOG_FLOOR, 0]``."""
    return np.clip(np.log(np.clip(proba, 1e-300, None)), LOG_FLOOR, 0.0)


class ContextModel:
    """Fitted weights of the context model (see the module docstring).

    The score of each class is the sentence model's log-probability plus a linear term in
    :func:`context_features`, so that a zero `coef` gives back the sentence model's
    probabilities exactly.

    Parameters
    ----------
    coef : ndarray of shape (n_classes, n_features)
    classes : sequence of str
        Must be the sentence model's classes, in its order.
    alpha : float
        The L2 penalty it was fitted with (for the record).
    """

    def __init__(self, coef: np.ndarray, classes: Sequence[str], alpha: float) -> None:
        self.coef = np.asarray(coef, dtype=np.float64)
        self.classes_ = np.asarray(list(classes), dtype=object)
        self.alpha = float(alpha)
        expected = (len(self.classes_), len(context_feature_names(self.classes_)))
        if self.coef.shape != expected:
            raise ValueError(f"coef has shape {self.coef.shape}, expected {expected}")

    def __repr__(self) -> str:
        return f"ContextModel(classes={list(self.classes_)}, alpha={self.alpha:g})"

    def feature_names(self) -> list[str]:
        """Names of the input columns, in order."""
        return context_feature_names(self.classes_)

    def predict_proba(self, sentences: Sequence[str], proba: np.ndarray) -> np.ndarray:
        """Probabilities of each sentence's stance given its neighbours.

        Parameters
        ----------
        sentences : sequence of str
            One document's sentences, in reading order.
        proba : ndarray of shape (n_sentences, n_classes)
            The sentence model's probabilities for them.

        Returns
        -------
        ndarray of shape (n_sentences, n_classes)
        """
        X = context_features(sentences, proba)
        return softmax(log_proba(np.asarray(proba, dtype=np.float64)) + X @ self.coef.T)


def _penalised_loss(w, X, base, Y, alpha):
    W = w.reshape(Y.shape[1], X.shape[1])
    scores = base + X @ W.T
    p = softmax(scores.copy())
    nll = -np.log(np.clip((p * Y).sum(axis=1), 1e-300, None)).mean()
    grad = (p - Y).T @ X / len(Y) + alpha * W
    return nll + 0.5 * alpha * (W**2).sum(), grad.ravel()


def fit_context(
    documents: Sequence[Sequence[str]],
    probas: Sequence[np.ndarray],
    labels: Sequence[Sequence[str]],
    classes: Sequence[str],
    *,
    alpha: float = 0.001,
) -> ContextModel:
    """Fit the context model on annotated documents.

    Minimises the mean log loss plus ``alpha / 2 * ||coef||^2`` (L-BFGS); the penalty pulls
    the model toward the sentence model's own probabilities.

    Parameters
    ----------
    documents : sequence of sequences of str
        Each document's sentences, in reading order.
    probas : sequence of ndarray
        The sentence model's probabilities for each document, out of fold: from a model
        that was not trained on that document, so that the context model learns how far to
        trust it on unseen text.
    labels : sequence of sequences of str
        Each document's gold stances.
    classes : sequence of str
        The sentence model's classes, in its order.
    alpha : float, default=0.001
        L2 penalty; the default was chosen by cross-validation over the training articles
        (``python tools/check_context.py``).

    Returns
    -------
    ContextModel
    """
    from scipy.optimize import minimize

    classes = list(classes)
    if not (len(documents) == len(probas) == len(labels)):
        raise ValueError("documents, probas and labels must have the same length")
    if not documents:
        raise ValueError("at least one document is needed to fit the context model")
    X = np.vstack([context_features(d, p) for d, p in zip(documents, probas)])
    base = np.vstack([log_proba(np.asarray(p, dtype=np.float64)) for p in probas])
    y = [str(v) for lab in labels for v in lab]
    if len(y) != len(X):
        raise ValueError(f"got {len(X)} sentences but {len(y)} labels")
    unknown = sorted(set(y) - set(classes))
    if unknown:
        raise ValueError(f"unknown labels {unknown}; expected labels among {classes}")
    Y = np.zeros((len(y), len(classes)))
    Y[np.arange(len(y)), [classes.index(v) for v in y]] = 1.0
    w0 = np.zeros(len(classes) * X.shape[1])
    result = minimize(_penalised_loss, w0, args=(X, base, Y, alpha), jac=True, method="L-BFGS-B")
    return ContextModel(result.x.reshape(len(classes), X.shape[1]), classes, alpha)
