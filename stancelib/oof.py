"""Files of out-of-fold probabilities, each tied to the training corpus it was made from.

The context models read what a sentence model says of articles it was not trained on.
Two such files lie beside the shipped model:

- ``encoder_oof.npz``: log-probabilities of the encoders fine-tuned without each fold of
  the training articles (``tools/check_encoder.py --gather``), which training reads;
- ``default_oof.npz``: the n-gram model's own out-of-fold probabilities and the fold of
  each row, which ``python -m stancelib.train`` writes with the model, so that a check
  can refit one fold and fit the context model on the recorded rest.

Both record the SHA-256 of the corpus: row numbers alone cannot tell that the sentences
under them changed.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import numpy as np

from .data import prefix_rows
from .encoder import EncoderFileError
from .persistence import ModelFileError, _write_temporary

__all__ = [
    "digest",
    "load_encoder_oof",
    "load_ngram_oof",
    "oof_path",
    "read_oof",
    "write_oof",
]


def digest(arrays: dict[str, np.ndarray]) -> str:
    """SHA-256 of arrays' names, dtypes, shapes and bytes, in sorted order of names.

    A file's own hash would change with the zip's timestamps; this one changes only with
    what it holds.
    """
    h = hashlib.sha256()
    for name in sorted(arrays):
        a = np.ascontiguousarray(arrays[name])
        h.update(f"{name}|{a.dtype.str}|{a.shape}|".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def write_oof(path: str | Path, arrays: dict[str, np.ndarray]) -> str:
    """Write `arrays` to an ``.npz`` file; returns their :func:`digest`.

    `arrays` holds ``rows``, the per-row values, any other per-row arrays and
    ``train_sha256``. The file is written to a temporary name and renamed into place, so
    a crash never leaves a half-written file where a good one was.
    """
    path = Path(path)
    if "train_sha256" not in arrays or "rows" not in arrays:
        raise ValueError("an out-of-fold file needs 'rows' and 'train_sha256'")
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    tmp = _write_temporary(path, lambda fh: fh.write(buffer.getvalue()))
    tmp.replace(path)
    return digest(arrays)


def read_oof(
    path: str | Path,
    n_rows: int,
    corpus_sha256: str,
    *,
    key: str,
    what: str,
    redo: str,
    error: type[Exception] = ValueError,
    expected_digest: str | None = None,
    corpus: str | Path | None = None,
) -> dict[str, np.ndarray]:
    """Read a file of :func:`write_oof`, checked against the corpus it was made from.

    Parameters
    ----------
    path : str or Path
    n_rows : int
        Sentences in the training corpus.
    corpus_sha256 : str
        SHA-256 of the training corpus being fitted (``data.file_sha256``).
    key : str
        The array of per-row values (``"proba"``, ``"log_proba"``).
    what : str
        What the file holds, for messages ("out-of-fold encoder log-probabilities").
    redo : str
        How to make the file again, for messages.
    error : exception class, default=ValueError
        What to raise.
    expected_digest : str, optional
        The :func:`digest` the file must have (recorded with the model it belongs to).
    corpus : str or Path, optional
        The corpus file. With it, a file made from the corpus before rows were appended
        to it (:func:`stancelib.data.prefix_rows`) is accepted, for the rows it covers.

    Returns
    -------
    dict of ndarray
        `key` as an ``(n_rows, n_columns)`` array, NaN in rows the file has none for; each
        other 1-D array of the file (as ``fold``) spread the same way over `n_rows`, -1
        where absent; and ``rows``, the rows the file covers.

    Raises
    ------
    error
        The file is missing or not such a file, was made from another version of the
        corpus, does not fit it, or is not the one recorded.
    """
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
        rows, values = arrays["rows"], arrays[key]
    except (OSError, EOFError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        raise error(f"{path}: not a file of {what} ({exc})") from None
    made_from = str(arrays["train_sha256"]) if "train_sha256" in arrays else None
    if made_from is None:
        raise error(f"{path} does not record the corpus it was made from: {redo}")
    before = None
    if made_from != corpus_sha256 and corpus is not None and len(rows):
        before = prefix_rows(corpus, made_from)
        if before is not None and int(rows.max()) >= before:
            before = None
    if made_from != corpus_sha256 and before is None:
        raise error(
            f"{path} was made from another version of the training corpus (SHA-256 "
            f"{made_from[:12]}..., the corpus now has {corpus_sha256[:12]}...): {redo}"
        )
    if expected_digest is not None and digest(arrays) != expected_digest:
        raise error(f"{path}: not the file recorded with the model (its contents differ): {redo}")
    per_row = [name for name in arrays if name not in ("rows", key, "train_sha256")]
    if (
        rows.ndim != 1
        or values.ndim != 2
        or len(rows) != len(values)
        or len(rows) == 0
        or rows.min() < 0
        or rows.max() >= n_rows
        or any(arrays[name].shape != rows.shape for name in per_row)
    ):
        raise error(f"{path}: its rows do not fit a corpus of {n_rows} sentences")
    full = np.full((n_rows, values.shape[1]), np.nan)
    full[rows] = values
    out = {"rows": rows, key: full}
    for name in per_row:
        spread = np.full(n_rows, -1, dtype=arrays[name].dtype)
        spread[rows] = arrays[name]
        out[name] = spread
    return out


def oof_path(model_path: str | Path) -> Path:
    """Where training writes a model's out-of-fold probabilities: ``<name>_oof.npz``."""
    model_path = Path(model_path)
    return model_path.with_name(f"{model_path.stem}_oof.npz")


def load_encoder_oof(
    path: str | Path, n_rows: int, corpus_sha256: str, corpus: str | Path | None = None
) -> np.ndarray:
    """Out-of-fold encoder log-probabilities, checked against the corpus they came from.

    Parameters
    ----------
    path : str or Path
        A file written by ``tools/check_encoder.py --gather DIR``: the row numbers, their
        log-probabilities and the SHA-256 of the training corpus the fold encoders were
        fine-tuned on.
    n_rows : int
        Sentences in the training corpus.
    corpus_sha256 : str
        SHA-256 of the training corpus being fitted (``data.file_sha256``).
    corpus : str or Path, optional
        The corpus file: with it, a file made before rows were appended to the corpus is
        accepted, its rows unchanged since (the new rows get NaN, as the sentences written
        on their own do).

    Returns
    -------
    ndarray of shape (n_rows, n_classes)
        One row per training sentence, NaN where the file has none (sentences written on
        their own, outside any article).

    Raises
    ------
    stancelib.encoder.EncoderFileError
        A ``ValueError``: if the file is not such a file, or was made from another
        version of the corpus (row numbers alone cannot tell that the sentences under
        them changed).
    """
    redo = (
        "fine-tune the fold encoders again (tools/finetune_encoder.py --fold K) and gather "
        "them (tools/check_encoder.py --gather DIR), or train without it (--no-encoder-oof)"
    )
    what = "out-of-fold encoder log-probabilities"
    found = read_oof(
        path,
        n_rows,
        corpus_sha256,
        key="log_proba",
        what=what,
        redo=redo,
        error=EncoderFileError,
        corpus=corpus,
    )
    return found["log_proba"]


def load_ngram_oof(
    path: str | Path, n_rows: int, corpus_sha256: str, *, expected_digest: str | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The n-gram model's out-of-fold probabilities that its context model was fitted on.

    ``python -m stancelib.train`` writes them beside the model (:func:`oof_path`) and
    records their digest in its metadata (``context_oof``).

    Parameters
    ----------
    path : str or Path
    n_rows : int
        Sentences in the training corpus.
    corpus_sha256 : str
        SHA-256 of the training corpus (``data.file_sha256``).
    expected_digest : str, optional
        The digest recorded with the model (``metadata["context_oof"]["digest"]``).

    Returns
    -------
    proba : ndarray of shape (n_rows, n_classes)
        NaN for the sentences written on their own, outside any article.
    fold : ndarray of int, shape (n_rows,)
        The article fold (from 0) whose model gave each row, -1 outside the articles.

    Raises
    ------
    stancelib.ModelFileError
        A ``ValueError``: the file is missing or is not such a file, or was made from
        another corpus or for another model.
    """
    found = read_oof(
        path,
        n_rows,
        corpus_sha256,
        key="proba",
        what="out-of-fold n-gram probabilities",
        redo="rebuild the model with python -m stancelib.train",
        error=ModelFileError,
        expected_digest=expected_digest,
    )
    if "fold" not in found:
        raise ModelFileError(f"{path}: the file does not record the fold of each row")
    return found["proba"], found["fold"]
