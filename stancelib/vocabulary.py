"""A fitted vocabulary of 64-bit feature keys with a vectorised lookup.

Keys seen in training become columns. Lookup is an open-addressing table indexed by the
key's low bits and checked against 32 of its high bits, so that a batch of millions of
keys is mapped to columns with a few array gathers (a binary search would be ten times
slower on this machine, because it misses the cache at every step).
"""

from __future__ import annotations

import numpy as np

__all__ = ["HashedVocabulary"]

_MAX_PROBES = 64
_HIGH = np.uint64(0xFFFFFFFF00000000)
_LOW = np.uint64(0xFFFFFFFF)
_EMPTY = np.uint64(0xFFFFFFFFFFFFFFFF)


class HashedVocabulary:
    """Map 64-bit keys to column indices.

    Parameters
    ----------
    keys : ndarray of uint64
        The distinct keys, in column order.
    """

    def __init__(self, keys: np.ndarray) -> None:
        self.keys = np.asarray(keys, dtype=np.uint64)
        self._build()

    def __len__(self) -> int:
        return len(self.keys)

    def __getstate__(self) -> dict:
        return {"keys": self.keys}  # the table is rebuilt on load, not stored

    def __setstate__(self, state: dict) -> None:
        self.keys = np.asarray(state["keys"], dtype=np.uint64)
        self._build()

    def _build(self) -> None:
        size = 1 << max(10, (8 * len(self.keys)).bit_length())
        self._mask = size - 1
        # One uint64 per slot: the key's high 32 bits, then the column (EMPTY if none),
        # so that a probe is a single gather.
        self._table = np.full(size, _EMPTY, dtype=np.uint64)
        high = self.keys & _HIGH
        pending = np.arange(len(self.keys))
        slots = (self.keys & np.uint64(self._mask)).astype(np.int64)
        for _ in range(_MAX_PROBES):
            if not len(pending):
                break
            free = self._table[slots[pending]] == _EMPTY
            candidates = pending[free]
            # Among keys that want the same free slot, the first one takes it.
            _, first = np.unique(slots[candidates], return_index=True)
            winners = candidates[first]
            self._table[slots[winners]] = high[winners] | winners.astype(np.uint64)
            placed = np.zeros(len(self.keys), dtype=bool)
            placed[winners] = True
            pending = pending[~placed[pending]]
            slots[pending] = (slots[pending] + 1) & self._mask
        if len(pending):  # pragma: no cover - needs 64 colliding keys in a row
            raise RuntimeError("vocabulary table is too full")

    def lookup(self, keys: np.ndarray) -> np.ndarray:
        """Columns of `keys`, with -1 for keys not in the vocabulary.

        A key matches a slot when its low bits (the slot) and its high 32 bits agree:
        a false match needs two 64-bit hashes that share 53 or more bits.
        """
        keys = np.asarray(keys, dtype=np.uint64)
        out = np.full(len(keys), -1, dtype=np.int64)
        high = keys & _HIGH
        slots = (keys & np.uint64(self._mask)).astype(np.int64)
        todo = None
        for _ in range(_MAX_PROBES):
            entry = self._table[slots]
            hit = (entry & _HIGH) == high
            cols = (entry & _LOW).astype(np.int64)
            if todo is None:
                out = np.where(hit, cols, -1)
            else:
                out[todo[hit]] = cols[hit]
            more = np.flatnonzero(~hit & (entry != _EMPTY))
            if not len(more):
                break
            todo = more if todo is None else todo[more]
            high = high[more]
            slots = (slots[more] + 1) & self._mask
        return out
