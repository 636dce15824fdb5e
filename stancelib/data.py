"""Loading and validating stancelib's data files: the gold article, the training corpus and
the development articles.

Every loader validates the file line by line first, so that a malformed file fails with
a :class:`DataFileError` naming the file, the line and what is wrong, and then builds a
Hugging Face :class:`datasets.Dataset` from the file through ``datasets`` itself, with the
stance as a :class:`datasets.ClassLabel`. Nothing here touches the network unless
:func:`load_hub` is called.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .labels import LABELS
from .validation import check_path

if TYPE_CHECKING:
    import datasets

__all__ = [
    "PROBE_CATEGORIES",
    "SOURCE_KINDS",
    "DataFileError",
    "article_path",
    "dev_path",
    "dev_style",
    "file_sha256",
    "gold_path",
    "load_dev",
    "load_gold",
    "load_hub",
    "load_training",
    "prefix_rows",
    "probes_path",
    "read_article",
    "read_documents",
    "training_path",
    "validate_dev",
    "validate_gold",
    "validate_probes",
    "validate_training",
]

SOURCE_KINDS = (
    "direct_quote",
    "reported_speech",
    "headline",
    "analysis",
    "background",
    "caption",
)
# ``stancelib/fixtures`` links to the repository's ``fixtures/`` in a checkout, and is a copy
# of it in an installed wheel, so that the gold set and the corpus load after any install.
_FIXTURES = (Path(__file__).resolve().parent / "fixtures").resolve()


class DataFileError(ValueError):
    """A data file is missing, unreadable or malformed.

    The message names the file and, where it applies, the line (1-based).
    """

    def __init__(self, path: str | Path, message: str, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        where = f"{self.path}, line {line}" if line is not None else self.path
        super().__init__(f"{where}: {message}")


def _fixture(name: str) -> Path:
    return _FIXTURES / name


def article_path() -> Path:
    """Path of the seed article, ``fixtures/article.txt`` in a source checkout."""
    return _fixture("article.txt")


def gold_path() -> Path:
    """Path of the gold annotations, ``fixtures/article_gold.jsonl``."""
    return _fixture("article_gold.jsonl")


def training_path() -> Path:
    """Path of the training corpus, ``fixtures/train.jsonl``."""
    return _fixture("train.jsonl")


def dev_path() -> Path:
    """Path of the development articles, ``fixtures/dev.jsonl``."""
    return _fixture("dev.jsonl")


def probes_path() -> Path:
    """Path of the behavioural probes, ``fixtures/probes.jsonl``."""
    return _fixture("probes.jsonl")


def file_sha256(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def prefix_rows(path: str | Path, sha256: str) -> int | None:
    """How many rows of the JSON Lines file at `path` were in it when its SHA-256 was
    `sha256`, if rows have only been appended to it since; None if no prefix of it, ending
    at a line break, has that SHA-256.

    A corpus grows by appending: what was made from an earlier version of it (the
    fine-tuned encoder, its out-of-fold file) still holds for those first rows.
    """
    digest = hashlib.sha256()
    rows = 0
    with Path(path).open("rb") as fh:
        for line in fh:
            digest.update(line)
            rows += bool(line.strip())
            if line.endswith(b"\n") and digest.hexdigest() == sha256:
                return rows
    return None


def _read_text(path: Path) -> str:
    if not path.exists():
        raise DataFileError(path, "file not found")
    if not path.is_file():
        raise DataFileError(path, "not a regular file")
    raw = path.read_bytes()
    try:
        # A byte-order mark is an encoding marker, not text: offsets count from after it.
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataFileError(path, f"not valid UTF-8 ({exc.reason})", line) from None


def read_article(path: str | Path | None = None) -> str:
    """Read an article as text, exactly as stored (no newline translation).

    A leading UTF-8 byte-order mark, which some editors on Windows write, is dropped: it
    is not part of the text, and sentence offsets count from the first character after it.

    Parameters
    ----------
    path : str or Path, optional
        Defaults to the seed article.

    Returns
    -------
    str
    """
    return _read_text(check_path(path) if path is not None else article_path())


def _json_lines(path: Path, text: str | None = None) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each non-blank line of a JSON Lines file as ``(line number, object)``; `text`, when
    given, is the file's content already read (standard input, say)."""
    text = _read_text(path) if text is None else text.removeprefix("\ufeff")
    if not text.strip():
        raise DataFileError(path, "file is empty")
    # Split on "\n" only: str.splitlines() also breaks at U+2028, U+0085 ..., which JSON
    # leaves unescaped inside strings, and would miscount the lines.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataFileError(path, f"malformed JSON: {exc.msg}", number) from None
        if not isinstance(row, dict):
            raise DataFileError(path, f"expected a JSON object, got {type(row).__name__}", number)
        yield number, row


def read_documents(
    path: str | Path,
    *,
    text_field: str = "text",
    id_field: str = "id",
    content: str | None = None,
) -> list[tuple[str, str]]:
    """Read documents to label from a JSON Lines file, one object per line.

    The format a scraper or ``datasets.Dataset.to_json`` writes: each line an object
    with the document's text in `text_field` and, optionally, its name in `id_field`
    (a string or an integer; without it, or null, the line number). Other fields are
    ignored. The
    whole file is checked before anything is returned, so a bad line stops the job
    before any output, with the line named.

    Parameters
    ----------
    path : str or Path
        The file; with `content`, only the name used in error messages.
    text_field : str, default="text"
    id_field : str, default="id"
    content : str, optional
        The file's content, already read (from standard input, say).

    Returns
    -------
    list of (str, str)
        ``(id, text)`` per line, in the file's order; blank lines are skipped.

    Raises
    ------
    DataFileError
        A ``ValueError`` naming the file and the line: the file is missing, empty, not
        UTF-8 or not JSON Lines, or a line has no text or an id of another type.

    Examples
    --------
    >>> read_documents("in.jsonl", content='{"id": "a", "text": "No troops."}\\n')
    [('a', 'No troops.')]
    """
    path = check_path(path)
    documents = []
    for number, row in _json_lines(path, content):
        if text_field not in row:
            raise DataFileError(path, f"missing field {text_field!r}", number)
        text = row[text_field]
        if not isinstance(text, str):
            raise DataFileError(
                path, f"field {text_field!r} should be str, got {type(text).__name__}", number
            )
        name = row.get(id_field)
        if name is None:
            name = number
        if not isinstance(name, str | int) or isinstance(name, bool):
            raise DataFileError(
                path,
                f"field {id_field!r} should be str or int, got {type(name).__name__}",
                number,
            )
        documents.append((str(name), text))
    return documents


def _check_fields(path: Path, number: int, row: dict[str, Any], fields: dict[str, tuple]) -> None:
    for name, types in fields.items():
        if name not in row:
            raise DataFileError(path, f"missing field {name!r}", number)
        if not isinstance(row[name], types) or isinstance(row[name], bool):
            allowed = " or ".join("null" if t is type(None) else t.__name__ for t in types)
            raise DataFileError(
                path,
                f"field {name!r} should be {allowed}, got {type(row[name]).__name__}",
                number,
            )
    if row["stance"] not in LABELS:
        raise DataFileError(
            path,
            f"unknown stance {row['stance']!r}; expected one of {list(LABELS)}",
            number,
        )
    if not row["text"].strip():
        raise DataFileError(path, "empty text", number)


_GOLD_FIELDS = {
    "id": (int,),
    "start": (int,),
    "end": (int,),
    "text": (str,),
    "stance": (str,),
    "holder": (str, type(None)),
    "note": (str, type(None)),
}
_TRAIN_FIELDS = {
    "text": (str,),
    "stance": (str,),
    "holder": (str, type(None)),
    "source_kind": (str,),
}
_DEV_FIELDS = {"doc": (str,), **_TRAIN_FIELDS}


def validate_gold(
    path: str | Path | None = None, article: str | Path | None = None
) -> list[dict[str, Any]]:
    """Validate a gold file against its article and return its rows.

    Checks, line by line: valid JSON objects with the fields ``id``, ``start``, ``end``,
    ``text``, ``stance``, ``holder`` and ``note``; a known stance; ids ``0, 1, 2, ...`` in
    order; offsets inside the article with ``article[start:end] == text``; sentences in
    order and not overlapping; and no non-space character of the article left outside a
    sentence.

    Parameters
    ----------
    path : str or Path, optional
        The gold JSONL file; defaults to ``fixtures/article_gold.jsonl``.
    article : str or Path, optional
        The article it annotates; defaults to ``fixtures/article.txt``.

    Returns
    -------
    list of dict
        The validated rows.

    Raises
    ------
    DataFileError
        Naming the file and line of the first problem.
    """
    path = Path(path) if path is not None else gold_path()
    article_file = Path(article) if article is not None else article_path()
    source = read_article(article_file)
    rows: list[dict[str, Any]] = []
    covered_to = 0
    for number, row in _json_lines(path):
        _check_fields(path, number, row, _GOLD_FIELDS)
        if row["id"] != len(rows):
            raise DataFileError(path, f"id {row['id']} out of order, expected {len(rows)}", number)
        start, end = row["start"], row["end"]
        if not 0 <= start < end <= len(source):
            raise DataFileError(
                path, f"offsets {start}:{end} outside the article (0:{len(source)})", number
            )
        if source[start:end] != row["text"]:
            raise DataFileError(
                path,
                f"text does not match the article at {start}:{end} "
                f"(article has {source[start:end][:60]!r})",
                number,
            )
        if start < covered_to:
            raise DataFileError(
                path, f"sentence starts at {start}, before the previous end", number
            )
        gap = source[covered_to:start]
        if gap.strip():
            raise DataFileError(
                path,
                f"article text {gap.strip()[:60]!r} before this sentence is in no sentence",
                number,
            )
        covered_to = end
        rows.append(row)
    if source[covered_to:].strip():
        raise DataFileError(
            path,
            f"article text after the last sentence is in no sentence: "
            f"{source[covered_to:].strip()[:60]!r}",
        )
    return rows


def _validate_corpus(
    path: Path, fields: dict[str, tuple], optional: dict[str, tuple] | None = None
) -> list[dict[str, Any]]:
    rows = []
    finished: set[str] = set()
    for number, row in _json_lines(path):
        present = {k: v for k, v in (optional or {}).items() if k in row}
        _check_fields(path, number, row, {**fields, **present})
        # A document's sentences are in reading order, so they must be one run of lines.
        previous = rows[-1].get("doc") if rows else None
        doc = row.get("doc")
        if doc != previous and previous is not None:
            finished.add(previous)
        if doc is not None and doc in finished:
            raise DataFileError(
                path, f"sentences of document {doc!r} must be consecutive lines", number
            )
        if row["source_kind"] not in SOURCE_KINDS:
            raise DataFileError(
                path,
                f"unknown source_kind {row['source_kind']!r}; expected one of {list(SOURCE_KINDS)}",
                number,
            )
        if (row["holder"] is None) != (row["stance"] == "NONE"):
            raise DataFileError(path, "holder must be null exactly when the stance is NONE", number)
        rows.append(row)
    return rows


def validate_training(path: str | Path | None = None) -> list[dict[str, Any]]:
    """Validate a training corpus file and return its rows.

    Each line is a JSON object with ``text``, ``stance``, ``holder`` (null exactly when the
    stance is ``NONE``) and ``source_kind`` (one of :data:`SOURCE_KINDS`), and optionally
    ``doc``: sentences written as one article share a ``doc`` name and follow each other in
    reading order, so that a model can learn from their context.

    Parameters
    ----------
    path : str or Path, optional
        Defaults to ``fixtures/train.jsonl``.

    Returns
    -------
    list of dict

    Raises
    ------
    DataFileError
        Naming the file and line of the first problem.
    """
    path = Path(path) if path is not None else training_path()
    return _validate_corpus(path, _TRAIN_FIELDS, {"doc": (str, type(None))})


def validate_dev(path: str | Path | None = None) -> list[dict[str, Any]]:
    """Validate a file of development articles and return its rows.

    Like :func:`validate_training`, with one more field, ``doc``, naming the article each
    sentence belongs to; the sentences of an article are in reading order.

    Parameters
    ----------
    path : str or Path, optional
        Defaults to ``fixtures/dev.jsonl``.

    Returns
    -------
    list of dict

    Raises
    ------
    DataFileError
        Naming the file and line of the first problem.
    """
    return _validate_corpus(Path(path) if path is not None else dev_path(), _DEV_FIELDS)


#: The categories of the behavioural probes (``fixtures/probes.jsonl``) and the stance
#: every probe of each category has.
PROBE_CATEGORIES = {
    "plain_commitment": "FAVOR",
    "plain_support": "FAVOR",
    "obligation": "FAVOR",
    "double_negation": "FAVOR",
    "plain_refusal": "AGAINST",
    "denial_of_plans": "AGAINST",
    "opposition": "AGAINST",
    "escalation_warning": "AGAINST",
    "neutral_debate": "NONE",
    "weapons_aid": "NONE",
    "other_troops": "NONE",
    "unrelated": "NONE",
}


def validate_probes(path: str | Path | None = None) -> list[dict[str, Any]]:
    """Validate a file of behavioural probes and return its rows.

    Probes are short, unambiguous sentences, each with a ``stance`` and a ``category``
    among :data:`PROBE_CATEGORIES`, whose stance it must have: a check of what the model
    does on the plainest cases of each phenomenon (as CheckList's minimum functionality
    tests, Ribeiro et al. 2020), written apart from the corpus and never trained on.

    Parameters
    ----------
    path : str or Path, optional
        Defaults to ``fixtures/probes.jsonl``.

    Returns
    -------
    list of dict

    Raises
    ------
    DataFileError
        Naming the file and line of the first problem.
    """
    path = Path(path) if path is not None else probes_path()
    rows = []
    for number, row in _json_lines(path):
        _check_fields(path, number, row, {"text": (str,), "stance": (str,), "category": (str,)})
        expected = PROBE_CATEGORIES.get(row["category"])
        if expected is None:
            raise DataFileError(
                path,
                f"unknown category {row['category']!r}; expected one of {list(PROBE_CATEGORIES)}",
                number,
            )
        if row["stance"] != expected:
            raise DataFileError(
                path,
                f"a probe of category {row['category']!r} must be {expected}, not {row['stance']}",
                number,
            )
        rows.append(row)
    return rows


#: Development articles from which the briefs of one batch of training articles (``trHa``
#: to ``trHf``) quoted example sentences of the phenomena to write. The batch's units close
#: to a development sentence were left out (``tools/check_part.py`` now refuses them), but
#: what the writers learned from the examples may still flatter the model on these
#: articles, so ``python -m stancelib.evaluate --dev`` also scores the others on their own.
QUOTED_IN_BRIEFS = frozenset(
    "dev06 dev25 dev32 dev36 dev37 dev39 devA01 devA03 devB01 devC03".split()
)

_DEV_NAME = re.compile(r"dev([A-Z])?\d+")


def dev_style(doc: str) -> str:
    """How a development article was written, from its ``doc`` name.

    ``"clean"`` for the articles written as edited prose (``dev01`` to ``dev43``) and
    ``"scraped"`` for those written as a scraper leaves a web page, captions, bylines, glued
    quotes and fragments included, and cut by :func:`stancelib.split_sentences`
    (``devA01``, ``devB01``, ...: a capital letter after ``dev``).

    Raises
    ------
    ValueError
        `doc` is not named like a development article.

    Examples
    --------
    >>> dev_style("dev07"), dev_style("devC03")
    ('clean', 'scraped')
    """
    match = _DEV_NAME.fullmatch(doc) if isinstance(doc, str) else None
    if match is None:
        raise ValueError(
            f"not the name of a development article: {doc!r} (expected dev07 or devC03 style)"
        )
    return "scraped" if match.group(1) else "clean"


def _features(kind: str) -> datasets.Features:
    import datasets

    stance = datasets.ClassLabel(names=list(LABELS))
    string = datasets.Value("string")
    if kind == "gold":
        return datasets.Features(
            {
                "id": datasets.Value("int32"),
                "start": datasets.Value("int32"),
                "end": datasets.Value("int32"),
                "text": string,
                "stance": stance,
                "holder": string,
                "note": string,
            }
        )
    columns = {"text": string, "stance": stance, "holder": string, "source_kind": string}
    return datasets.Features({"doc": string, **columns})


@contextlib.contextmanager
def _quiet_datasets() -> Iterator[None]:
    from datasets.utils import logging as ds_logging

    enabled = ds_logging.is_progress_bar_enabled()
    ds_logging.disable_progress_bar()
    try:
        yield
    finally:
        if enabled:
            ds_logging.enable_progress_bar()


def _load_json(path: Path, kind: str) -> datasets.Dataset:
    import datasets

    with _quiet_datasets():
        return datasets.load_dataset(
            "json", data_files=str(path), split="train", features=_features(kind)
        )


def load_gold(
    path: str | Path | None = None, article: str | Path | None = None
) -> datasets.Dataset:
    """Load the annotated gold article as a ``datasets.Dataset``.

    The file is validated first (:func:`validate_gold`), then read by ``datasets``' JSON
    builder. Works with no network.

    Parameters
    ----------
    path : str or Path, optional
        Gold JSONL file; defaults to ``fixtures/article_gold.jsonl``.
    article : str or Path, optional
        The article the offsets refer to; defaults to ``fixtures/article.txt``.

    Returns
    -------
    datasets.Dataset
        Columns ``id``, ``start``, ``end``, ``text``, ``stance`` (a ``ClassLabel`` with
        names ``["NONE", "AGAINST", "FAVOR"]``), ``holder`` and ``note``.

    Examples
    --------
    >>> gold = load_gold()
    >>> gold.features["stance"].names
    ['NONE', 'AGAINST', 'FAVOR']
    """
    path = Path(path) if path is not None else gold_path()
    validate_gold(path, article)
    return _load_json(path, "gold")


def load_training(path: str | Path | None = None) -> datasets.Dataset:
    """Load the training corpus as a ``datasets.Dataset``.

    Parameters
    ----------
    path : str or Path, optional
        Defaults to ``fixtures/train.jsonl``.

    Returns
    -------
    datasets.Dataset
        Columns ``doc`` (the article a sentence belongs to, or None for a sentence written
        on its own), ``text``, ``stance`` (``ClassLabel``), ``holder`` and
        ``source_kind``.
    """
    path = Path(path) if path is not None else training_path()
    validate_training(path)
    return _load_json(path, "train")


def load_dev(path: str | Path | None = None) -> datasets.Dataset:
    """Load the development articles as a ``datasets.Dataset``.

    Twenty-five news articles written for this project in the style of scraped and translated
    news (mostly ``NONE``), annotated sentence by sentence like the gold. They are neither
    training data nor the gold: they exist to choose the settings that cross-validation on
    the balanced training corpus cannot, such as the class prior of news text.

    Parameters
    ----------
    path : str or Path, optional
        Defaults to ``fixtures/dev.jsonl``.

    Returns
    -------
    datasets.Dataset
        Columns ``doc``, ``text``, ``stance`` (``ClassLabel``), ``holder`` and
        ``source_kind``.
    """
    path = Path(path) if path is not None else dev_path()
    validate_dev(path)
    return _load_json(path, "dev")


def load_hub(
    repo_id: str, *, split: str = "train", revision: str | None = None, **kwargs: Any
) -> datasets.Dataset:
    """Load a stance dataset from the Hugging Face hub (or a local dataset folder).

    The dataset must have a ``text`` column and a ``stance`` column, either a
    ``ClassLabel`` or strings among ``FAVOR``, ``AGAINST`` and ``NONE``; the stance is cast
    to stancelib's ``ClassLabel`` so that the result can be used like
    :func:`load_training`'s.

    Parameters
    ----------
    repo_id : str
        A hub dataset id such as ``"org/name"``, or a local folder of data files.
    split : str, default="train"
    revision : str, optional
        A git revision of the hub repository, for reproducible loads.
    **kwargs
        Passed to :func:`datasets.load_dataset`.

    Returns
    -------
    datasets.Dataset
    """
    import datasets

    if not isinstance(repo_id, str) or not repo_id:
        raise TypeError(f"repo_id must be a non-empty str, got {repo_id!r}")
    with _quiet_datasets():
        dataset = datasets.load_dataset(repo_id, split=split, revision=revision, **kwargs)
    missing = {"text", "stance"} - set(dataset.column_names)
    if missing:
        raise ValueError(f"{repo_id}: dataset lacks the column(s) {sorted(missing)}")
    stance = dataset.features["stance"]
    if isinstance(stance, datasets.ClassLabel):
        names = [name.upper() for name in stance.names]
        if set(names) - set(LABELS):
            raise ValueError(f"{repo_id}: unknown stance names {stance.names}")
        mapping = [LABELS.index(name) for name in names]
        dataset = dataset.map(lambda row: {"stance_str": LABELS[mapping[row["stance"]]]})
    else:
        unknown = {str(v).upper() for v in dataset.unique("stance")} - set(LABELS)
        if unknown:
            raise ValueError(f"{repo_id}: unknown stance values {sorted(unknown)}")
        dataset = dataset.map(lambda row: {"stance_str": str(row["stance"]).upper()})
    dataset = dataset.remove_columns("stance").rename_column("stance_str", "stance")
    return dataset.cast_column("stance", datasets.ClassLabel(names=list(LABELS)))
