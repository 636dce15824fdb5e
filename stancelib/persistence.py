"""Saving and loading models safely.

``joblib.load`` runs code from the file it reads, so a model file is never unpickled
unless its SHA-256 matches the one recorded for it: for the shipped model, in the
package's ``models/default.joblib.json``; for a model of one's own, in the ``.json`` sidecar
that :func:`save_model` writes beside it. ``trusted=True`` skips the check for files one
made oneself. Saving writes to a temporary file and renames it, so a crash never leaves
a half-written model behind.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import warnings
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

from .data import file_sha256
from .model import StanceModel
from .validation import check_path

__all__ = [
    "DEFAULT_MODEL",
    "ModelFileError",
    "ModelVersionWarning",
    "load_model_file",
    "locate_encoder",
    "place_encoder",
    "save_model",
    "sidecar_path",
]

DEFAULT_MODEL = Path(__file__).resolve().parent / "models" / "default.joblib"


class ModelFileError(ValueError):
    """A model file is missing, tampered with, truncated or not a stancelib model."""


class ModelVersionWarning(UserWarning):
    """The model was saved by other versions of stancelib or its dependencies."""


def sidecar_path(path: str | Path) -> Path:
    """The metadata file written beside a model: ``model.joblib.json``."""
    path = Path(path)
    return path.with_name(path.name + ".json")


def versions() -> dict[str, str]:
    """Versions of stancelib and the libraries a model depends on (no heavy imports)."""
    out = {}
    for name in ("stancelib", "scikit-learn", "numpy", "joblib"):
        try:
            out[name] = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:  # pragma: no cover
            out[name] = "unknown"
    return out


def _write_temporary(path: Path, write) -> Path:
    """Write a hidden temporary file beside `path` and return it; remove it on failure."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0600 would hide the model from others
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def save_model(
    model: StanceModel, path: str | Path, metadata: dict[str, Any] | None = None
) -> Path:
    """Write a model with joblib and its metadata, with the file's SHA-256, beside it.

    Parameters
    ----------
    model : StanceModel
        For a fitted ``StanceClassifier``, pass its ``model_``.
    path : str or Path
        Where to write the model; the metadata goes to ``<path>.json``.
    metadata : dict, optional
        Extra metadata to record (training data hash, cross-validation scores ...).

    Returns
    -------
    Path
        The sidecar metadata file.
    """
    import joblib

    model = getattr(model, "model_", model)
    if not isinstance(model, StanceModel):
        raise TypeError(
            f"model must be a StanceModel or a fitted StanceClassifier, got {type(model).__name__}"
        )
    path = check_path(path)
    if path.is_dir():
        raise ModelFileError(
            f"{path}: is a directory; give the model file's path, e.g. {path / 'model.joblib'}"
        )
    if getattr(model, "encoder", None) is not None:
        place_encoder(model.encoder, path.parent)
    meta = {**model.metadata, **(metadata or {}), "versions": versions()}
    model.metadata = meta
    side = sidecar_path(path)
    # Both files are written in full to temporary files before either is renamed into
    # place, so a crash while writing leaves any earlier model and sidecar untouched.
    tmp_model = _write_temporary(path, lambda fh: joblib.dump(model, fh, compress=3))
    tmp_side = None
    try:
        meta = {**meta, "sha256": file_sha256(tmp_model)}
        text = json.dumps(meta, indent=2, sort_keys=True) + "\n"
        tmp_side = _write_temporary(side, lambda fh: fh.write(text.encode("utf-8")))
        os.replace(tmp_model, path)
        os.replace(tmp_side, side)
    except BaseException:
        tmp_model.unlink(missing_ok=True)
        if tmp_side is not None:
            tmp_side.unlink(missing_ok=True)
        raise
    return side


def place_encoder(blend: Any, directory: str | Path) -> None:
    """Copy a blend's encoder file into `directory`, beside a model that records it.

    Parameters
    ----------
    blend : EncoderBlend
    directory : str or Path
        The model file's directory, where loading looks for the encoder.
    """
    directory = Path(directory)
    source = blend.path
    target = directory / blend.file
    if target.resolve() != source.resolve():
        if file_sha256(source) != blend.sha256:
            raise ModelFileError(f"{source}: the encoder file does not match its SHA-256")
        directory.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


def locate_encoder(blend: Any, path: str | Path) -> None:
    """Point a blend at its encoder file, beside the model file `path`.

    Checked at loading, so that a missing file fails there, not at the first sentence;
    the file's SHA-256 (recorded in the model, itself checked) is verified when it is read.

    Raises
    ------
    ModelFileError
        The encoder file is not in the model file's directory.
    """
    path = Path(path)
    blend.directory = path.parent
    if not blend.path.is_file():
        raise ModelFileError(
            f"{path}: the model blends the encoder {blend.file!r}, which is not in "
            f"{path.parent}; copy it there or rebuild it with tools/finetune_encoder.py"
        )


def read_metadata(path: str | Path) -> dict[str, Any]:
    """The metadata recorded beside a model file."""
    side = sidecar_path(path)
    try:
        meta = json.loads(side.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelFileError(
            f"{path}: no metadata file {side} with the model's SHA-256; refusing to load "
            "a model of unknown origin (for a file you made yourself, pass trusted=True, or "
            "--trusted on the command line)"
        ) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelFileError(f"{side}: malformed metadata ({exc})") from None
    if not isinstance(meta, dict) or not isinstance(meta.get("sha256"), str):
        raise ModelFileError(f"{side}: metadata has no 'sha256' entry")
    return meta


def load_model_file(path: str | Path | None = None, *, trusted: bool = False) -> StanceModel:
    """Load a model file after checking its SHA-256; see :func:`stancelib.load_model`."""
    import joblib

    path = check_path(path) if path is not None else DEFAULT_MODEL
    if path.is_dir():
        raise ModelFileError(f"{path}: is a directory, not a model file")
    if not path.is_file():
        raise ModelFileError(f"{path}: model file not found")
    meta: dict[str, Any] = {}
    if not trusted:
        meta = read_metadata(path)
        actual = file_sha256(path)
        if actual != meta["sha256"]:
            raise ModelFileError(
                f"{path}: SHA-256 {actual[:16]}... does not match the recorded "
                f"{meta['sha256'][:16]}...; the file was changed or damaged, refusing to load it"
            )
    try:
        model = joblib.load(path)
    except Exception as exc:
        raise ModelFileError(
            f"{path}: cannot read the model file ({type(exc).__name__}: {exc})"
        ) from exc
    if not isinstance(model, StanceModel):
        raise ModelFileError(f"{path}: not a stancelib model (found a {type(model).__name__})")
    blend = getattr(model, "encoder", None)
    if blend is not None:
        locate_encoder(blend, path)
    saved = model.metadata.get("versions", {})
    current = versions()
    differ = {k: (v, current.get(k)) for k, v in saved.items() if current.get(k) != v}
    if differ:
        detail = ", ".join(f"{k} {old} (now {new})" for k, (old, new) in sorted(differ.items()))
        warnings.warn(
            f"{path}: model saved with {detail}; predictions may differ",
            ModelVersionWarning,
            stacklevel=3,
        )
    return model
