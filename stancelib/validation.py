"""Input checks shared by the public entry points, with messages that say what was expected."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Set
from pathlib import Path
from typing import Any

__all__ = ["check_path", "check_text", "check_texts"]


def check_path(path: Any, name: str = "path") -> Path:
    """Return `path` as a ``Path`` if it is a non-empty ``str`` or ``os.PathLike``.

    ``Path(123)`` fails with a message about ``os.PathLike`` objects, and ``Path("")`` is
    the current directory, which would then be reported as a missing file: both are
    refused here with a message that names the argument.
    """
    if isinstance(path, bytes | bytearray):
        raise TypeError(f"{name} must be a str or a Path, got bytes; decode it first")
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"{name} must be a str or a Path, got {type(path).__name__}")
    if isinstance(path, str) and not path.strip():
        raise ValueError(f"{name} is an empty string: give a file's path")
    return Path(path)


def check_text(text: Any, name: str = "text") -> str:
    """Return `text` if it is a ``str``, else raise a ``TypeError`` that says what to pass."""
    if isinstance(text, str):
        return text
    if isinstance(text, bytes | bytearray):
        raise TypeError(
            f"{name} must be a str, got bytes; decode it first, e.g. {name}.decode('utf-8')"
        )
    if isinstance(text, list | tuple):
        raise TypeError(
            f"{name} must be one str, got a {type(text).__name__}; "
            "use predict() for a list of sentences"
        )
    raise TypeError(f"{name} must be a str, got {type(text).__name__}")


def check_texts(texts: Any, *, allow_empty: bool = True, name: str = "texts") -> list[str]:
    """Return `texts` as a list of ``str``, or raise ``TypeError``/``ValueError``.

    Accepts any ordered iterable of strings (list, tuple, NumPy array, pandas Series,
    generator); refuses a bare string, which would otherwise be read as a list of
    characters, and a dict or a set, whose order would not match the results.
    """
    if texts is None:
        raise TypeError(f"{name} must be a list of str, got None")
    if isinstance(texts, str):
        raise TypeError(
            f"{name} must be a list of str, got a single str; wrap it in a list "
            "([text]) or use label_text() for a whole article"
        )
    if isinstance(texts, bytes | bytearray):
        raise TypeError(f"{name} must be a list of str, got bytes")
    if isinstance(texts, Mapping | Set):
        # A dict would be read as its keys and a set in no fixed order: results could
        # not be matched back to the input.
        raise TypeError(
            f"{name} must be a list of str, got a {type(texts).__name__}; pass an ordered "
            "sequence such as list(...)"
        )
    if not isinstance(texts, Iterable):
        raise TypeError(f"{name} must be a list of str, got {type(texts).__name__}")
    out = list(texts)
    for i, text in enumerate(out):
        if not isinstance(text, str):
            raise TypeError(f"{name}[{i}] must be a str, got {type(text).__name__}")
    if not out and not allow_empty:
        raise ValueError(f"{name} is empty: at least one sentence is needed")
    return out
