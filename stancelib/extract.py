"""Feature extraction for stance: the fitted, NumPy-only core behind the featurizer.

:class:`FeatureSpec` says which feature families are on; :func:`extract` turns a batch of
sentences into feature keys; :class:`FittedFeatures` holds what fitting learns (the
vocabulary, inverse document frequencies and feature names) and turns sentences into
``(row, column, value)`` triplets. The scikit-learn estimator in ``features.py`` and the
inference model in ``model.py`` share it, so the model loads without scikit-learn.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from . import cues
from .hashing import Batch, char_ngrams, follows, negated_tokens, stable_hash, word_ngrams
from .vocabulary import HashedVocabulary

__all__ = ["FAMILIES", "GROUPS", "FeatureSpec", "FittedFeatures", "extract"]

#: Feature families, each switched by a parameter of the featurizer.
FAMILIES = ("word", "char", "negation", "deployment", "cues", "reported_speech")
#: Families are normalised in three groups, like a FeatureUnion of three vectorizers.
GROUPS = {
    "word": 0,
    "negation": 0,
    "char": 1,
    "deployment": 2,
    "cues": 2,
    "reported_speech": 2,
}


@dataclass(frozen=True)
class FeatureSpec:
    """Which families are on, and their settings (see ``StanceFeaturizer``)."""

    word_ngrams: tuple[int, int] | None = (1, 3)
    char_ngrams: tuple[int, int] | None = (2, 5)
    negation: bool = True
    negation_window: int = 3
    deployment: bool = True
    cues: bool = True
    reported_speech: bool = True


@dataclass
class Extracted:
    """Feature keys of a batch: one entry per occurrence."""

    n_rows: int
    rows: np.ndarray
    keys: np.ndarray
    # The normalisation group of each occurrence.
    group: np.ndarray
    # Filled only when names are asked for: the spelling of each key.
    names: dict[int, str] = field(default_factory=dict)

    def take(self, indices) -> Extracted:
        """The keys of the sentences at `indices` (distinct), renumbered in that order.

        Cross-validation extracts a corpus once and fits each fold on its share: a
        sentence's keys do not depend on the other sentences of the batch.
        """
        indices = np.asarray(indices, dtype=np.int64)
        position = np.full(self.n_rows, -1, dtype=np.int64)
        position[indices] = np.arange(len(indices))
        rows = position[self.rows]
        keep = rows >= 0
        return Extracted(len(indices), rows[keep], self.keys[keep], self.group[keep], self.names)


class _Lexicon:
    """Phrases of one to three words, hashed like word n-grams, mapped to feature keys."""

    def __init__(self, phrases: dict[str, list[str]]) -> None:
        texts = [p for ps in phrases.values() for p in ps]
        batch = Batch.from_texts(texts)
        starts, ends = batch.tokens()
        t_row = batch.row[starts]
        n_tokens = np.bincount(t_row, minlength=len(texts))
        first_token = np.concatenate(([0], np.cumsum(n_tokens)[:-1]))
        by_n = {
            n: (first, keys)
            for n, first, keys in word_ngrams(batch.span_hash(starts, ends), t_row, 1, 3)
        }
        key_of = {}
        for i, text in enumerate(texts):
            first, keys = by_n[int(n_tokens[i])]
            key_of[text] = int(keys[np.searchsorted(first, first_token[i])])
        self.phrase_keys = np.array(sorted(set(key_of.values())), dtype=np.uint64)
        self.names = {}  # phrase key -> list of feature names
        for family, ps in phrases.items():
            for p in ps:
                self.names.setdefault(key_of[p], []).append((family, p))

    def match(self, ngrams: list[tuple[int, np.ndarray, np.ndarray]], t_row: np.ndarray):
        """(row, family, phrase, first token) of every phrase found."""
        found = []
        phrases = self.phrase_keys  # sorted and unique
        for _, first, keys in ngrams:
            # Membership by binary search in the few hundred phrase keys: np.isin would
            # sort every n-gram key of the batch instead.
            at = np.minimum(np.searchsorted(phrases, keys), len(phrases) - 1)
            hit = np.flatnonzero(phrases[at] == keys)
            starts = first[hit]
            for row, key, start in zip(t_row[starts].tolist(), keys[hit].tolist(), starts.tolist()):
                for family, phrase in self.names[key]:
                    found.append((row, family, phrase, start))
        return found


@lru_cache(maxsize=1)
def _lexicons() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, _Lexicon]:
    words = Batch.from_texts(
        [
            " ".join(cues.NEGATION_WORDS),
            " ".join(cues.DEPLOY_VERBS),
            " ".join(cues.FORCE_NOUNS),
            " ".join(cues.PLACE_WORDS),
        ]
    )
    starts, ends = words.tokens()
    hashes, row = words.span_hash(starts, ends), words.row[starts]
    negation, verbs, forces, places = (hashes[row == i] for i in range(4))
    phrases = dict(cues.CUE_FAMILIES)
    phrases["reported"] = cues.REPORTED_SPEECH
    phrases["deploy"] = cues.DEPLOY_PHRASES
    return negation, verbs, forces, places, _Lexicon(phrases)


def _deployment_rows(t_hash, t_row, found) -> set[int]:
    _, verbs, forces, places, _ = _lexicons()
    is_force = np.isin(t_hash, forces)
    after_verb = follows(np.isin(t_hash, verbs), t_row, 6)
    after_force = follows(is_force, t_row, 6)
    hits = (is_force & (after_verb >= 0)) | (np.isin(t_hash, places) & (after_force >= 0))
    rows = set(t_row[hits].tolist())
    rows.update(row for row, family, *_ in found if family == "deploy")
    return rows


class _Collector:
    def __init__(self, with_names: bool) -> None:
        self.rows: list[np.ndarray] = []
        self.keys: list[np.ndarray] = []
        self.group: list[np.ndarray] = []
        self.with_names = with_names
        self.names: dict[int, str] = {}

    def add(self, rows, keys, family: str, spell=None) -> None:
        keys = np.asarray(keys, dtype=np.uint64)
        self.rows.append(np.asarray(rows, dtype=np.int64))
        self.keys.append(keys)
        self.group.append(np.full(len(keys), GROUPS[family], dtype=np.int8))
        if self.with_names and len(keys):
            unique, first = np.unique(keys, return_index=True)
            for key, i in zip(unique.tolist(), first.tolist()):
                if key not in self.names:
                    self.names[key] = spell(i)

    def add_named(self, pairs: list[tuple[int, str]], family: str) -> None:
        keys = [_key(name) for _, name in pairs]
        self.add(
            [row for row, _ in pairs],
            np.array(keys, dtype=np.uint64),
            family,
            lambda i: pairs[i][1],
        )


_KEY_CACHE: dict[str, int] = {}


def _key(name: str) -> int:
    key = _KEY_CACHE.get(name)
    if key is None:
        key = _KEY_CACHE[name] = stable_hash(name)
    return key


def extract(texts: list[str], spec: FeatureSpec, *, with_names: bool = False) -> Extracted:
    """Feature keys of every sentence in `texts`.

    Parameters
    ----------
    texts : list of str
    spec : FeatureSpec
    with_names : bool, default=False
        Also spell out every key and give its normalisation group (used when fitting).

    Returns
    -------
    Extracted
    """
    if not any(
        (
            spec.word_ngrams,
            spec.char_ngrams,
            spec.negation,
            spec.deployment,
            spec.cues,
            spec.reported_speech,
        )
    ):
        raise ValueError("every feature family is switched off: nothing to extract")
    batch = Batch.from_texts(texts)
    out = _Collector(with_names)
    t_start, t_end = batch.tokens()
    t_hash = batch.span_hash(t_start, t_end)
    t_row = batch.row[t_start]
    tokens: list[str] = []
    if with_names:
        tokens = [
            bytes(batch.buf[s:e]).decode("utf-8", "replace")
            for s, e in zip(t_start.tolist(), t_end.tolist())
        ]
    n_min, n_max = spec.word_ngrams or (1, 3)
    ngrams = word_ngrams(t_hash, t_row, 1, max(n_max, 3))
    if spec.word_ngrams is not None:
        for n, first, keys in ngrams:
            if n_min <= n <= n_max:
                out.add(
                    t_row[first],
                    keys,
                    "word",
                    lambda i, f=first, n=n: "word:" + " ".join(tokens[f[i] : f[i] + n]),
                )
    if spec.char_ngrams is not None:
        for n, starts, keys in char_ngrams(batch, *spec.char_ngrams):
            out.add(
                batch.row[starts],
                keys,
                "char",
                lambda i, s=starts, n=n: (
                    "char:" + repr(bytes(batch.buf[s[i] : s[i] + n]).decode("utf-8", "replace"))
                ),
            )
    negation_hashes, *_, lexicon = _lexicons()
    if spec.negation or spec.cues:
        idx, keys = negated_tokens(
            batch, t_start, t_hash, t_row, negation_hashes, spec.negation_window
        )
    if spec.negation:
        out.add(t_row[idx], keys, "negation", lambda i: "neg:" + tokens[idx[i]])
    if spec.deployment or spec.cues or spec.reported_speech:
        found = lexicon.match(ngrams, t_row)
        deploy = _deployment_rows(t_hash, t_row, found) if spec.deployment else set()
        pairs = [(row, "deploy") for row in sorted(deploy)]
        if spec.cues:
            fired = set()
            negated = set(idx.tolist())
            for row, family, phrase, start in found:
                if family == "refusal" and start in negated:
                    # Double negation: "nothing can be ruled out", "did not reject" open
                    # the door the refusal phrase would close.
                    family = "negated_refusal"
                if family in cues.CUE_FAMILIES or family == "negated_refusal":
                    pairs.append((row, f"cue:{family}={phrase}"))
                    fired.add((row, family))
            for row, family in sorted(fired):
                pairs.append((row, f"cue:{family}"))
                if row in deploy:
                    pairs.append((row, f"deploy&{family}"))
        if spec.reported_speech:
            pairs += [(row, f"reported:{p}") for row, f, p, _ in found if f == "reported"]
            quoted = np.unique(batch.row[np.flatnonzero(batch.buf == ord('"'))])
            pairs += [(row, "reported:quote") for row in quoted.tolist()]
        out.add_named(pairs, "cues")
    return Extracted(
        batch.n_rows,
        np.concatenate(out.rows),
        np.concatenate(out.keys),
        np.concatenate(out.group),
        out.names,
    )


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted.

    ``np.unique`` of NumPy 2.3 hashes when asked for values alone, which here is five
    times slower than sorting.
    """
    values = np.sort(values)
    keep = np.ones(len(values), dtype=bool)
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


class FittedFeatures:
    """What fitting learns: vocabulary, idf weights, groups and names of the columns.

    Parameters
    ----------
    spec : FeatureSpec
    keys : ndarray of uint64
        One key per column.
    idf : ndarray of float64
    groups : ndarray of int8
        Normalisation group of each column.
    names : ndarray of str
    """

    def __init__(self, spec: FeatureSpec, keys, idf, groups, names) -> None:
        self.spec = spec
        self.vocabulary = HashedVocabulary(keys)
        self.idf = np.asarray(idf, dtype=np.float64)
        self.groups = np.asarray(groups, dtype=np.int8)
        self.names = names

    @property
    def names(self) -> np.ndarray:
        """Name of each column (an object array of str), unpacked on first use.

        Columns fitted without names (the folds of a cross-validation) are named by key.
        """
        if self._names is None and getattr(self, "_packed_names", None) is None:
            keys = self.vocabulary.keys.tolist()
            self._names = np.array([f"key:{k:016x}" for k in keys], dtype=object)
        elif self._names is None:
            text, ends = self._packed_names
            starts = np.concatenate([[0], ends[:-1]]).tolist()
            self._names = np.array([text[a:b] for a, b in zip(starts, ends.tolist())], dtype=object)
        return self._names

    @names.setter
    def names(self, value) -> None:
        self._names = None if value is None else np.asarray(value, dtype=object)

    def __getstate__(self) -> dict:
        # An object array of 10^5 str unpickles in a quarter of a second; one str and an
        # offsets array load in a few milliseconds, and predicting never needs the names.
        state = self.__dict__.copy()
        state.pop("_idf2", None)
        names = state.pop("_names")
        if names is None and "_packed_names" not in state:
            names = self.names
        if names is not None:
            lengths = np.fromiter((len(n) for n in names), dtype=np.int64, count=len(names))
            state["_packed_names"] = ("".join(names.tolist()), np.cumsum(lengths))
        return state

    def __setstate__(self, state: dict) -> None:
        names = state.pop("names", None)  # written before names were packed
        self.__dict__.update(state)
        self._names = None if names is None else np.asarray(names, dtype=object)

    @classmethod
    def fit(cls, texts: list[str], spec: FeatureSpec, min_df: int = 1) -> FittedFeatures:
        """Learn the columns from training sentences.

        Columns are the keys found in at least `min_df` sentences; idf is the smoothed
        ``ln((1 + n) / (1 + df)) + 1`` of scikit-learn's ``TfidfTransformer``.
        """
        return cls.fit_extracted(extract(texts, spec, with_names=True), spec, min_df)

    @classmethod
    def fit_extracted(cls, found: Extracted, spec: FeatureSpec, min_df: int = 1) -> FittedFeatures:
        """:meth:`fit` on keys already extracted ``with_names`` (see :func:`extract`)."""
        keys, first, inverse = np.unique(found.keys, return_index=True, return_inverse=True)
        # Document frequency counts each (key, sentence) pair once. Numbering the pairs
        # by key index and row keeps it to one sort of int64, exact, where a 2-D unique
        # sorted structured rows several times slower.
        n_rows = max(found.n_rows, 1)
        pairs = _distinct(inverse.astype(np.int64) * n_rows + found.rows)
        df = np.bincount(pairs // n_rows, minlength=len(keys))
        keep = df >= min_df
        keys, df, groups = keys[keep], df[keep], found.group[first[keep]]
        idf = np.log((1 + found.n_rows) / (1 + df)) + 1.0
        names = None
        if found.names:
            names = [found.names.get(k, f"key:{k:016x}") for k in keys.tolist()]
        return cls(spec, keys, idf, groups, names)

    def __len__(self) -> int:
        return len(self.idf)

    def cells(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Known feature occurrences, by cell, with the inverse norm of each cell.

        A cell is one sentence's share of one normalisation group: ``row * 3 + group``.

        Returns
        -------
        cell : ndarray of int64
            Cell of each known occurrence.
        cols : ndarray of int64
            Column of each known occurrence.
        inv_norm : ndarray of float64, shape (3 * len(texts),)
            One over the L2 norm of the idf values in each cell (0 for an empty cell).
        """
        return self.cells_extracted(extract(texts, self.spec))

    def cells_extracted(self, found: Extracted) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`cells` of keys already extracted (see :func:`extract`)."""
        cols = self.vocabulary.lookup(found.keys)
        known = cols >= 0
        rows, cols = found.rows[known], cols[known]
        cell = rows * 3 + self.groups[cols]
        norm = np.sqrt(np.bincount(cell, weights=self.idf2[cols], minlength=found.n_rows * 3))
        inv_norm = np.zeros_like(norm)
        np.divide(1.0, norm, out=inv_norm, where=norm > 0)
        return cell, cols, inv_norm

    @property
    def idf2(self) -> np.ndarray:
        """Squared idf weights, cached."""
        if getattr(self, "_idf2", None) is None:
            self._idf2 = self.idf * self.idf
        return self._idf2

    def triplets(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(row, column, value)`` of every known feature occurrence.

        Values are ``idf`` divided by the L2 norm of the sentence's idf values within the
        column's group, summed over occurrences (so a repeated n-gram counts twice).
        """
        return self.triplets_extracted(extract(texts, self.spec))

    def triplets_extracted(self, found: Extracted) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`triplets` of keys already extracted (see :func:`extract`)."""
        cell, cols, inv_norm = self.cells_extracted(found)
        return cell // 3, cols, self.idf[cols] * inv_norm[cell]
