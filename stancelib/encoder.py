"""A fine-tuned MiniLM sentence classifier, run with NumPy alone.

The n-gram model knows only the words of our corpus; a small pretrained transformer
brings what it learned from real English, which real news sentences need. The weights
of all-MiniLM-L6-v2 (6 layers, 384 dimensions, Apache-2.0), fine-tuned on the training
corpus by ``tools/finetune_encoder.py``, ship as one ``.npz`` file; this module tokenizes
(BERT's uncased WordPiece) and runs the forward pass in NumPy, so that inference needs
neither torch nor transformers.

:class:`SentenceEncoder` gives class probabilities per sentence; the shipped
:class:`~stancelib.model.StanceModel` blends them with its n-gram model's.
"""

from __future__ import annotations

import json
import logging
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .data import file_sha256
from .persistence import ModelFileError
from .progress import Progress
from .validation import check_texts

if TYPE_CHECKING:
    from .context import ContextModel

__all__ = [
    "MAX_TOKENS",
    "EncoderBlend",
    "EncoderFileError",
    "SentenceEncoder",
    "WordPiece",
    "blend",
    "export_metadata",
]

#: Tokens per sentence, [CLS] and [SEP] included; longer sentences are cut.
MAX_TOKENS = 128
#: Sentences per forward pass: bounds the attention tensors' memory.
BATCH = 64
#: A word longer than this is one [UNK], as in BERT.
MAX_WORD_CHARS = 100

_log = logging.getLogger(__name__)

_META = "__meta__"
_VOCAB = "__vocab__"


class EncoderFileError(ModelFileError):
    """An encoder file is missing, tampered with, or not a stancelib encoder."""


def _is_punctuation(ch: str) -> bool:
    # BERT counts every non-alphanumeric ASCII character as punctuation, "$" and "^" too.
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(cp: int) -> bool:
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0x20000 <= cp <= 0x2A6DF
        or 0x2A700 <= cp <= 0x2B73F
        or 0x2B740 <= cp <= 0x2B81F
        or 0x2B820 <= cp <= 0x2CEAF
        or 0xF900 <= cp <= 0xFAFF
        or 0x2F800 <= cp <= 0x2FA1F
    )


class WordPiece:
    """BERT's uncased tokenizer: clean, lowercase, strip accents, split, then WordPiece.

    Parameters
    ----------
    vocab : sequence of str
        Token strings in id order; must hold ``[UNK]``, ``[CLS]``, ``[SEP]`` and ``[PAD]``.

    Examples
    --------
    >>> wp = WordPiece(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "troops", "no", "##t", "!"])
    >>> wp.tokenize("Troops? Not!")
    ['troops', '[UNK]', 'no', '##t', '!']
    """

    def __init__(self, vocab: Sequence[str]) -> None:
        self.vocab = {token: i for i, token in enumerate(vocab)}
        missing = [t for t in ("[UNK]", "[CLS]", "[SEP]", "[PAD]") if t not in self.vocab]
        if missing:
            raise ValueError(f"vocabulary lacks the special tokens {missing}")
        self.unk, self.cls, self.sep, self.pad = (
            self.vocab[t] for t in ("[UNK]", "[CLS]", "[SEP]", "[PAD]")
        )
        self._cache: dict[str, list[str]] = {}

    def _words(self, text: str) -> list[str]:
        chars = []
        for ch in text:
            cp = ord(ch)
            if cp == 0 or cp == 0xFFFD:
                continue
            cat = unicodedata.category(ch)
            if ch in "\t\n\r" or cat == "Zs":
                chars.append(" ")
            elif cat in ("Cc", "Cf"):
                continue
            elif _is_cjk(cp):
                chars.append(f" {ch} ")
            else:
                chars.append(ch)
        text = unicodedata.normalize("NFD", "".join(chars).lower())
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
        words = []
        for chunk in text.split():
            start = 0
            for i, ch in enumerate(chunk):
                if _is_punctuation(ch):
                    if start < i:
                        words.append(chunk[start:i])
                    words.append(ch)
                    start = i + 1
            if start < len(chunk):
                words.append(chunk[start:])
        return words

    def _pieces(self, word: str) -> list[str]:
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        pieces = self._longest_first(word) if len(word) <= MAX_WORD_CHARS else None
        if pieces is None:
            pieces = ["[UNK]"]
        if len(self._cache) < 200_000:
            self._cache[word] = pieces
        return pieces

    def _longest_first(self, word: str) -> list[str] | None:
        """Greedy longest-match WordPiece; None when some part is in no piece."""
        pieces: list[str] = []
        start = 0
        while start < len(word):
            for end in range(len(word), start, -1):
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.vocab:
                    break
            else:
                return None
            pieces.append(piece)
            start = end
        return pieces

    def tokenize(self, text: str) -> list[str]:
        """The WordPiece tokens of `text`, without [CLS] and [SEP]."""
        return [piece for word in self._words(text) for piece in self._pieces(word)]

    def encode(self, text: str, max_tokens: int = MAX_TOKENS) -> list[int]:
        """Token ids with [CLS] and [SEP], cut to `max_tokens`."""
        ids = [self.vocab.get(p, self.unk) for p in self.tokenize(text)]
        return [self.cls, *ids[: max_tokens - 2], self.sep]


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    from scipy.special import erf  # exact GELU, as BERT's "gelu"; loaded on first use

    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0, dtype=x.dtype)))


def export_metadata(
    path: str | Path, weights: dict[str, np.ndarray], vocab: Sequence[str], meta: dict[str, Any]
) -> None:
    """Write an encoder file: float16 weights, the vocabulary and the settings.

    Parameters
    ----------
    path : str or Path
        The ``.npz`` file to write.
    weights : dict of str to ndarray
        A BERT state dict (``embeddings.*``, ``encoder.layer.*``) plus ``head.weight`` and
        ``head.bias``; integer buffers and the unused pooler are left out.
    vocab : sequence of str
        WordPiece tokens in id order.
    meta : dict
        JSON-serialisable settings; must hold ``classes`` and ``config`` (``hidden``,
        ``layers``, ``heads``, ``eps``).
    """
    arrays = {
        name: np.asarray(value, dtype=np.float16)
        for name, value in weights.items()
        if np.issubdtype(np.asarray(value).dtype, np.floating) and not name.startswith("pooler")
    }
    arrays[_VOCAB] = np.asarray(list(vocab), dtype=str)
    arrays[_META] = np.asarray(json.dumps(meta, sort_keys=True))
    with open(path, "wb") as fh:
        np.savez(fh, **arrays)


class SentenceEncoder:
    """Class probabilities from a fine-tuned MiniLM, computed with NumPy.

    Parameters
    ----------
    weights : dict of str to ndarray
        The arrays of an encoder file (see :func:`export_metadata`).
    vocab : sequence of str
    meta : dict

    Attributes
    ----------
    classes_ : ndarray of str
    metadata : dict
    """

    def __init__(
        self, weights: dict[str, np.ndarray], vocab: Sequence[str], meta: dict[str, Any]
    ) -> None:
        self.metadata = dict(meta)
        self.classes_ = np.asarray(meta["classes"], dtype=object)
        config = meta["config"]
        self.heads = int(config["heads"])
        self.eps = float(config["eps"])
        self.n_layers = int(config["layers"])
        # The arrays as stored (float16 halves the file). The forward pass runs in float32
        # (_prepare), except the word embeddings, half the weights: only the rows of a
        # batch's tokens are converted.
        self.weights = dict(weights)
        self.tokenizer = WordPiece(vocab)
        head = self.weights["head.weight"]
        if head.shape[0] != len(self.classes_):
            raise ValueError(f"head has {head.shape[0]} rows for {len(self.classes_)} classes")
        self._prepare()

    @classmethod
    def from_file(cls, path: str | Path, sha256: str | None = None) -> SentenceEncoder:
        """Load an encoder file, checking its SHA-256 when one is given.

        Raises
        ------
        EncoderFileError
            The file is missing, its hash differs, or it is not an encoder file.
        """
        path = Path(path)
        if not path.is_file():
            raise EncoderFileError(f"encoder file not found: {path}")
        if sha256 is not None and file_sha256(path) != sha256:
            raise EncoderFileError(
                f"{path} does not match the SHA-256 recorded for it: the file was changed "
                "or replaced; rebuild it with tools/finetune_encoder.py"
            )
        try:
            with np.load(path, allow_pickle=False) as npz:
                arrays = {name: npz[name] for name in npz.files}
            meta = json.loads(str(arrays.pop(_META)))
            vocab = [str(t) for t in arrays.pop(_VOCAB)]
            return cls(arrays, vocab, meta)
        except EncoderFileError:
            raise
        except (OSError, ValueError, KeyError, json.JSONDecodeError) as exc:
            raise EncoderFileError(f"{path} is not a stancelib encoder file: {exc}") from exc

    def __repr__(self) -> str:
        return f"SentenceEncoder(classes={list(self.classes_)}, layers={self.n_layers})"

    def _prepare(self) -> None:
        # Weights as the forward pass wants them: float32, transposed to (in, out) and
        # contiguous, query, key and value side by side, so that each step is one GEMM.
        def f32(name: str) -> np.ndarray:
            return np.ascontiguousarray(self.weights[name], dtype=np.float32)

        def dense(name: str) -> tuple[np.ndarray, np.ndarray]:
            return np.ascontiguousarray(f32(name + ".weight").T), f32(name + ".bias")

        def norm(name: str) -> tuple[np.ndarray, np.ndarray]:
            return f32(name + ".weight"), f32(name + ".bias")

        self._embed = {
            "position": f32("embeddings.position_embeddings.weight"),
            "type": f32("embeddings.token_type_embeddings.weight")[0],
            "norm": norm("embeddings.LayerNorm"),
        }
        self._layers = []
        for i in range(self.n_layers):
            p = f"encoder.layer.{i}."
            qkv = [dense(p + f"attention.self.{n}") for n in ("query", "key", "value")]
            self._layers.append(
                {
                    "qkv": (
                        np.ascontiguousarray(np.hstack([w for w, _ in qkv])),
                        np.concatenate([b for _, b in qkv]),
                    ),
                    "attention": dense(p + "attention.output.dense"),
                    "norm1": norm(p + "attention.output.LayerNorm"),
                    "inner": dense(p + "intermediate.dense"),
                    "outer": dense(p + "output.dense"),
                    "norm2": norm(p + "output.LayerNorm"),
                }
            )
        self._head = dense("head")

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        n, length = ids.shape
        words = self.weights["embeddings.word_embeddings.weight"]
        x = words[ids.ravel()].astype(np.float32)  # (n * length, hidden): 2-D GEMMs below
        x = x.reshape(n, length, -1)
        x += self._embed["position"][:length]
        x += self._embed["type"]
        x = _layer_norm(x.reshape(n * length, -1), *self._embed["norm"], self.eps)
        hidden = x.shape[-1]
        dh = hidden // self.heads
        scale = np.float32(1 / np.sqrt(dh))
        # Padding gets a large negative score, so that no token attends to it.
        bias = np.where(mask[:, None, None, :], 0.0, -1e9).astype(np.float32)
        for layer in self._layers:
            w, b = layer["qkv"]
            qkv = (x @ w + b).reshape(n, length, 3, self.heads, dh).transpose(2, 0, 3, 1, 4)
            q, k, v = qkv[0], qkv[1], qkv[2]
            scores = (q * scale) @ k.transpose(0, 1, 3, 2) + bias
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            ctx = (scores @ v).transpose(0, 2, 1, 3).reshape(n * length, hidden)
            w, b = layer["attention"]
            x = _layer_norm(x + (ctx @ w + b), *layer["norm1"], self.eps)
            w, b = layer["inner"]
            h = _gelu(x @ w + b)
            w, b = layer["outer"]
            x = _layer_norm(x + (h @ w + b), *layer["norm2"], self.eps)
        m = mask.reshape(n, length, 1).astype(np.float32)
        pooled = (x.reshape(n, length, hidden) * m).sum(axis=1) / m.sum(axis=1)
        w, b = self._head
        return pooled @ w + b

    def decision_function(self, texts: Iterable[str]) -> np.ndarray:
        """The head's logits, one column per class in ``classes_``.

        Sentences are sorted by length and run in batches of :data:`BATCH`, so that
        little time goes to padding. Long work logs its progress to the
        ``stancelib.encoder`` logger (see :func:`stancelib.progress.show_progress`).
        """
        texts = check_texts(texts)
        encoded = [self.tokenizer.encode(t) for t in texts]
        out = np.empty((len(texts), len(self.classes_)), dtype=np.float64)
        order = sorted(range(len(texts)), key=lambda i: len(encoded[i]))
        progress = Progress(_log, "encoder: sentences", len(texts))
        for start in range(0, len(order), BATCH):
            progress.update(start)
            idx = order[start : start + BATCH]
            length = max(len(encoded[i]) for i in idx)
            ids = np.full((len(idx), length), self.tokenizer.pad, dtype=np.int64)
            mask = np.zeros((len(idx), length), dtype=bool)
            for row, i in enumerate(idx):
                ids[row, : len(encoded[i])] = encoded[i]
                mask[row, : len(encoded[i])] = True
            out[idx] = self._forward(ids, mask)
        return out

    def predict_log_proba(self, texts: Iterable[str]) -> np.ndarray:
        """Log-probabilities, columns in ``classes_`` order."""
        z = self.decision_function(texts)
        z -= z.max(axis=1, keepdims=True)
        return z - np.log(np.exp(z).sum(axis=1, keepdims=True))

    def predict_proba(self, texts: Iterable[str]) -> np.ndarray:
        """Class probabilities, columns in ``classes_`` order."""
        return np.exp(self.predict_log_proba(texts))

    def predict(self, texts: Iterable[str]) -> np.ndarray:
        """Stance labels."""
        return self.classes_[self.decision_function(texts).argmax(axis=1)]


def blend(
    proba: np.ndarray, log_encoder: np.ndarray, weight: float, shift: np.ndarray
) -> np.ndarray:
    """``softmax((1 - weight) * log proba + weight * (log_encoder + shift))``, by rows.

    Parameters
    ----------
    proba : ndarray of shape (n_sentences, n_classes)
        The n-gram model's probabilities.
    log_encoder : ndarray of shape (n_sentences, n_classes)
        The encoder's log-probabilities.
    weight : float
    shift : ndarray of shape (n_classes,)

    Returns
    -------
    ndarray of shape (n_sentences, n_classes)
    """
    z = (1 - weight) * np.log(np.clip(proba, 1e-300, None))
    z += weight * (log_encoder + shift)
    z -= z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


class EncoderBlend:
    """The encoder a :class:`~stancelib.model.StanceModel` blends with its n-gram model.

    The blended log-probability of a class is ``(1 - weight) * log p_ngram + weight *
    (log p_encoder + shift)``, renormalised: a weighted geometric mean of the two models,
    where `shift` moves the encoder, fitted on the corpus prior, to the news prior the
    n-gram model was given (``StanceClassifier.prior_shift_``). The weights file is not
    pickled with the model: it stays a ``.npz`` beside the model file, named by `file` and
    checked against `sha256` when it is first read.

    Parameters
    ----------
    file : str
        File name of the encoder, in the model file's directory.
    sha256 : str
        The encoder file's SHA-256.
    weight : float
        Share of the encoder in the blend, between 0 and 1.
    shift : array-like of shape (n_classes,)
        Log prior correction added to the encoder's log-probabilities.
    directory : str or Path, optional
        Where the file is; set by :func:`stancelib.load_model` to the model's directory.
    context : ContextModel, optional
        The context model that reads the blend's probabilities of a document's sentences
        with their neighbours, fitted on out-of-fold blends of the training articles;
        None reads each sentence alone.
    """

    def __init__(
        self,
        file: str,
        sha256: str,
        weight: float,
        shift: Sequence[float],
        directory: str | Path | None = None,
        context: ContextModel | None = None,
    ) -> None:
        if not 0 <= weight <= 1:
            raise ValueError(f"weight must be between 0 and 1, got {weight!r}")
        self.file = str(file)
        self.sha256 = str(sha256)
        self.weight = float(weight)
        self.shift = np.asarray(shift, dtype=np.float64)
        self.directory = Path(directory) if directory is not None else None
        self.context = context
        self._encoder: SentenceEncoder | None = None

    @classmethod
    def from_file(cls, path: str | Path, weight: float, shift: Sequence[float]) -> EncoderBlend:
        """Blend the encoder file at `path`, recording its name and SHA-256."""
        path = Path(path)
        if not path.is_file():
            raise EncoderFileError(f"encoder file not found: {path}")
        return cls(path.name, file_sha256(path), weight, shift, path.parent)

    @classmethod
    def from_record(
        cls, record: dict[str, Any], directory: str | Path, classes: Sequence[str]
    ) -> EncoderBlend:
        """The blend a model's metadata records (:meth:`record`), its file in `directory`."""
        from .context import ContextModel

        try:
            context = record.get("context")
            if context is not None:
                context = ContextModel(context["coef"], classes, context["alpha"])
            return cls(
                record["file"],
                record["sha256"],
                record["weight"],
                record["shift"],
                directory,
                context,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise EncoderFileError(f"malformed encoder record in the model: {exc!r}") from None

    def record(self) -> dict[str, Any]:
        """What a model's metadata keeps to rebuild this blend (:meth:`from_record`)."""
        context = None
        if self.context is not None:
            context = {"coef": self.context.coef.tolist(), "alpha": self.context.alpha}
        return {
            "file": self.file,
            "sha256": self.sha256,
            "weight": self.weight,
            "shift": [float(x) for x in self.shift],
            "context": context,
        }

    def __repr__(self) -> str:
        return f"EncoderBlend(file={self.file!r}, weight={self.weight:g})"

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_encoder"] = None
        state["directory"] = None  # a pickled model must not point at the machine it came from
        return state

    @property
    def path(self) -> Path:
        """The encoder file, in the model's directory."""
        if self.directory is None:
            raise EncoderFileError(
                f"the model blends the encoder {self.file!r} but does not know its directory; "
                "load the model with stancelib.load_model"
            )
        return self.directory / self.file

    @property
    def encoder(self) -> SentenceEncoder:
        """The encoder, read and checked on first use."""
        if self._encoder is None:
            self._encoder = SentenceEncoder.from_file(self.path, sha256=self.sha256)
        return self._encoder

    def combine(self, texts: Sequence[str], proba: np.ndarray) -> np.ndarray:
        """Blend the n-gram model's probabilities `proba` of `texts` with the encoder's."""
        if not len(texts):
            return proba
        return blend(proba, self.encoder.predict_log_proba(texts), self.weight, self.shift)
