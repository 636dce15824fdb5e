"""Vectorised 64-bit hashing of word and character n-grams with NumPy.

Python-level n-gram extraction (as in scikit-learn's vectorizers) costs a dictionary
lookup and a string slice per n-gram, several hundred per sentence. Here a whole batch of
sentences is laid out in one byte buffer and every n-gram's hash is computed with array
arithmetic on a polynomial prefix hash: ``h(s, e) = (H[e] - H[s]) * P^-s`` modulo 2**64.
The hashes are then looked up in a fitted vocabulary (``vocabulary.py``), so the
feature space has names and no hashing collisions that matter.

Nothing here imports scikit-learn: this is the inference hot path.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

__all__ = [
    "Batch",
    "char_ngrams",
    "fold",
    "follows",
    "mix64",
    "negated_tokens",
    "stable_hash",
    "word_ngrams",
]

_U64 = np.uint64
_P = 0x100000001B3  # odd, so invertible modulo 2**64
_P_INV = pow(_P, -1, 1 << 64)
_SEP = 10  # "\n" separates sentences in the buffer; input newlines become spaces

# Typographic variants folded to ASCII so that `it”said` splits into two words and
# `“troops”` and `"troops"` are the same n-grams.
_FOLD = str.maketrans(
    {
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u2032": "'",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2026": "...",
        "\u00a0": " ",
        "\u2009": " ",
        "\u200b": "",
        "\ufeff": "",
        "\n": " ",
        "\r": " ",
        "\t": " ",
        "\x0b": " ",
        "\x0c": " ",
        "\x85": " ",
        "\u2028": " ",
        "\u2029": " ",
    }
)

# As (old, new) pairs for str.replace: str.translate looks every character up in a dict
# once the text has any non-ASCII character, and was 35x slower than a replace per pair,
# each a C scan that is skipped when the character is absent. No replacement produces a
# character that another pair replaces, so the order does not matter.
_FOLD_PAIRS = tuple((chr(k), v) for k, v in _FOLD.items())
_FOLD_PAIRS_KEEP_NL = tuple(pair for pair in _FOLD_PAIRS if pair[0] != "\n")


def fold(text: str, keep_newlines: bool = False) -> str:
    r"""Typographic quotes, dashes and spaces made ASCII; line breaks made spaces unless kept.

    Examples
    --------
    >>> fold("“Never” — he said\nit")
    '"Never" - he said it'
    """
    for old, new in _FOLD_PAIRS_KEEP_NL if keep_newlines else _FOLD_PAIRS:
        if old in text:
            text = text.replace(old, new)
    return text


_LOWER = np.arange(256, dtype=np.uint8)
_LOWER[65:91] += 32
_IS_WORD = np.zeros(256, dtype=bool)
_IS_WORD[48:58] = _IS_WORD[65:91] = _IS_WORD[97:123] = True
_IS_WORD[128:] = True  # bytes of non-ASCII letters (Cyrillic, CJK, accents)
_IS_UPPER = np.zeros(256, dtype=bool)
_IS_UPPER[65:91] = True
_IS_LOWER = np.zeros(256, dtype=bool)
_IS_LOWER[97:123] = True
_IS_CLAUSE_END = np.zeros(256, dtype=bool)
_IS_CLAUSE_END[[ord(c) for c in '.,;:!?"()']] = True


def mix64(x: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser: spreads every input bit over the 64 output bits."""
    x = np.asarray(x, dtype=_U64)
    x = (x ^ (x >> _U64(30))) * _U64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> _U64(27))) * _U64(0x94D049BB133111EB)
    return x ^ (x >> _U64(31))


def stable_hash(name: str) -> int:
    """A 64-bit hash of a string that is the same in every process and platform."""
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "little")


def _salt(name: str) -> np.uint64:
    return _U64(stable_hash(name))


@lru_cache(maxsize=4)
def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    p = np.full(n, _P, dtype=_U64)
    p[0] = 1
    q = np.full(n, _P_INV, dtype=_U64)
    q[0] = 1
    return np.cumprod(p), np.cumprod(q)


def _powers_for(n: int) -> tuple[np.ndarray, np.ndarray]:
    size = 1 << max(16, (n - 1).bit_length())  # few distinct sizes keep the cache useful
    p, q = _powers(size)
    return p[:n], q[:n]


@dataclass
class Batch:
    """A batch of sentences laid out for vectorised hashing.

    Attributes
    ----------
    joined : str
        The folded texts (typographic quotes and dashes made ASCII, no line breaks inside
        a text), each followed by ``\n``.
    buf : ndarray of uint8
        Their lower-cased UTF-8 bytes, joined by ``\\n``.
    row : ndarray of int64
        For each byte, the index of its sentence (the separator gets the next one).
    ends : ndarray of int64
        End offset (exclusive) of each sentence in `buf`.
    prefix : ndarray of uint64
        Prefix hash: ``prefix[i]`` hashes ``buf[:i]``.
    """

    joined: str
    buf: np.ndarray
    row: np.ndarray
    ends: np.ndarray
    prefix: np.ndarray
    inv_pow: np.ndarray
    raw: np.ndarray

    @classmethod
    def from_texts(cls, texts: list[str]) -> Batch:
        joined = "\n".join(texts) + "\n"
        if joined.count("\n") == len(texts):
            # No text has a line break of its own: fold the whole batch in one call.
            joined = fold(joined, keep_newlines=True)
        else:
            joined = "\n".join(fold(t) for t in texts) + "\n"
        raw = np.frombuffer(joined.encode("utf-8", "replace"), dtype=np.uint8)
        lowered = joined.lower().encode("utf-8", "replace")
        # str.lower() knows every script; in the rare case where it changes the byte
        # length (e.g. "İ"), the offsets must stay aligned, so lower ASCII only.
        buf = np.frombuffer(lowered, dtype=np.uint8) if len(lowered) == len(raw) else _LOWER[raw]
        ends = np.flatnonzero(raw == _SEP)
        row = np.zeros(len(buf), dtype=np.int64)
        row[ends[:-1] + 1] = 1
        row = np.cumsum(row)
        powers, inv_powers = _powers_for(len(buf) + 1)
        prefix = np.zeros(len(buf) + 1, dtype=_U64)
        np.cumsum(buf.astype(_U64) * powers[: len(buf)], out=prefix[1:])
        return cls(joined, buf, row, ends, prefix, inv_powers, raw)

    @property
    def texts(self) -> list[str]:
        """The folded texts."""
        return self.joined[:-1].split("\n")

    @property
    def n_rows(self) -> int:
        return len(self.ends)

    def span_hash(self, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """Hashes of ``buf[starts[i]:ends[i]]`` for every i."""
        h = (self.prefix[ends] - self.prefix[starts]) * self.inv_pow[starts]
        return mix64(h ^ ((ends - starts).astype(_U64) << _U64(56)))

    def tokens(self) -> tuple[np.ndarray, np.ndarray]:
        """Start and end offsets of word tokens.

        A token is a run of letters and digits (any non-ASCII byte counts as a letter);
        a lower-case letter followed by a capital also splits (``ScholzSaid``).
        """
        word = _IS_WORD[self.raw]
        camel = np.zeros_like(word)
        camel[1:] = _IS_LOWER[self.raw[:-1]] & _IS_UPPER[self.raw[1:]]
        prev_word = np.concatenate(([False], word[:-1]))
        next_word = np.concatenate((word[1:], [False]))
        next_camel = np.concatenate((camel[1:], [False]))
        starts = np.flatnonzero(word & (~prev_word | camel))
        ends = np.flatnonzero(word & (~next_word | next_camel)) + 1
        return starts, ends


def word_ngrams(
    token_hash: np.ndarray, token_row: np.ndarray, n_min: int, n_max: int
) -> list[tuple[int, np.ndarray, np.ndarray]]:
    """Word n-gram keys of every sentence, n-grams never crossing sentences.

    Returns
    -------
    list of (n, first, keys)
        For each n, the index of each n-gram's first token and its key.
    """
    out = []
    chained = token_hash
    for n in range(1, n_max + 1):
        if n > 1:
            chained = mix64(chained[:-1] * _U64(_P) ^ token_hash[n - 1 :])
        if n >= n_min and len(chained):
            first = np.flatnonzero(token_row[: len(chained)] == token_row[n - 1 :])
            out.append((n, first, chained[first] ^ _salt(f"word{n}")))
    return out


def char_ngrams(batch: Batch, n_min: int, n_max: int) -> list[tuple[int, np.ndarray, np.ndarray]]:
    """Character (byte) n-gram keys of every sentence, n-grams never crossing sentences.

    Returns
    -------
    list of (n, starts, keys)
        For each n, the byte offset of each n-gram and its key.
    """
    out = []
    pos = np.flatnonzero(batch.buf != _SEP)
    pos_end = batch.ends[batch.row[pos]]
    for n in range(n_min, n_max + 1):
        idx = pos[pos + n <= pos_end]
        out.append((n, idx, batch.span_hash(idx, idx + n) ^ _salt(f"char{n}")))
    return out


def negated_tokens(
    batch: Batch,
    token_starts: np.ndarray,
    token_hash: np.ndarray,
    token_row: np.ndarray,
    cue_hashes: np.ndarray,
    window: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Keys for tokens in the scope of a negation cue.

    The scope of a cue (``not``, ``no``, ``never``, ``n't`` ...) is the next `window`
    tokens of the same clause: punctuation or a quote mark closes it.

    Returns
    -------
    token_index, keys : ndarray
    """
    index = np.arange(len(token_hash))
    if not len(index):
        return index, np.zeros(0, dtype=_U64)
    clause = np.cumsum(_IS_CLAUSE_END[batch.buf])[token_starts]
    is_cue = np.isin(token_hash, cue_hashes)
    cue = follows(is_cue, token_row, window)
    scoped = (cue >= 0) & (clause[np.maximum(cue, 0)] == clause) & ~is_cue
    idx = np.flatnonzero(scoped)
    return idx, token_hash[idx] ^ _salt("neg")


def follows(marked: np.ndarray, token_row: np.ndarray, window: int) -> np.ndarray:
    """For each token, the index of the nearest marked token among the `window` tokens
    before it in the same sentence, or -1."""
    index = np.arange(len(marked))
    if not len(index):  # no token in the whole batch (empty or punctuation-only texts)
        return index
    last = np.maximum.accumulate(np.where(marked, index, -1))
    # A token's own mark does not count: look at the previous token's view.
    last = np.concatenate(([-1], last[:-1]))
    ok = (last >= 0) & (index - last <= window)
    ok &= token_row[np.maximum(last, 0)] == token_row
    return np.where(ok, last, -1)
