"""Word overlap between sets of sentences: how our own data is kept clear of the gold.

The corpus tests and ``tools/check_part.py`` (which checks a new part before it is merged)
judge overlap the same way, with these functions: a shared run of six words, a
``difflib`` ratio above 0.6, and a word-set Jaccard similarity above 0.8.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from difflib import SequenceMatcher

import numpy as np
import scipy.sparse as sp

__all__ = ["close_pairs", "near_duplicates", "shares_ngram", "words"]

_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    """Lower-cased words of `text` (letters and digits; a typographic apostrophe splits)."""
    return _WORD.findall(text.lower().replace("’", "'"))


def shares_ngram(texts: Sequence[str], others: Sequence[str], n: int = 6) -> list[int]:
    """Indices of the `texts` that share a run of `n` consecutive words with any of `others`.

    Examples
    --------
    >>> shares_ngram(["a b c d e f g", "a b c x e f"], ["z a b c d e f"])
    [0]
    """
    grams = {tuple(w[i : i + n]) for o in others for w in [words(o)] for i in range(len(w) - n + 1)}
    return [
        k
        for k, text in enumerate(texts)
        if any(tuple(w[i : i + n]) in grams for w in [words(text)] for i in range(len(w) - n + 1))
    ]


def near_duplicates(texts: Sequence[str], limit: float = 0.8) -> list[tuple[int, int]]:
    """Index pairs ``i < j`` whose word sets have a Jaccard similarity above `limit`.

    Examples
    --------
    >>> near_duplicates(["no plans to send troops", "No plans to send troops!", "prices rose"])
    [(0, 1)]
    """
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for i, text in enumerate(texts):
        for w in set(words(text)):
            rows.append(i)
            cols.append(vocab.setdefault(w, len(vocab)))
    X = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(texts), len(vocab)))
    inter = (X @ X.T).tocoo()
    size = np.asarray(X.sum(axis=1)).ravel()
    upper = inter.row < inter.col
    i, j, n = inter.row[upper], inter.col[upper], inter.data[upper]
    jaccard = n / (size[i] + size[j] - n)
    keep = jaccard > limit
    return sorted(zip(i[keep].tolist(), j[keep].tolist()))


def close_pairs(
    texts: Sequence[str], others: Sequence[str], limit: float = 0.6
) -> list[tuple[int, int]]:
    """Index pairs ``(i, j)`` whose lower-cased ``difflib`` ratio is above `limit`.

    ``SequenceMatcher.ratio`` costs a Python loop per pair; with ``rapidfuzz`` installed
    (the ``test`` extra), its Indel similarity, ``2 * LCS / total length``, is computed for
    every pair in C++ first. It bounds the ratio from above (difflib's matching blocks never
    exceed the longest common subsequence), so only the pairs above the bound go to difflib
    and the result is the same.

    Examples
    --------
    >>> close_pairs(["No troops will go.", "Prices rose."], ["no troops will go!", "Rain."])
    [(0, 0)]
    """
    low, other_low = [t.lower() for t in texts], [o.lower() for o in others]
    if not low or not other_low:
        return []
    try:
        from rapidfuzz.distance import Indel
        from rapidfuzz.process import cdist
    except ImportError:
        candidates = [(i, j) for i in range(len(low)) for j in range(len(other_low))]
    else:
        bound = cdist(low, other_low, scorer=Indel.normalized_similarity)
        candidates = list(zip(*(a.tolist() for a in np.nonzero(bound > limit))))
    return [
        (i, j) for i, j in candidates if SequenceMatcher(None, low[i], other_low[j]).ratio() > limit
    ]
