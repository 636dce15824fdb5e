"""Model files: saved atomically, never unpickled unless their SHA-256 matches."""

import json
import os
import pickle
import shutil
import subprocess
import sys
import warnings

import joblib
import pytest

import stancelib
from stancelib import ModelFileError, ModelVersionWarning, load_model, persistence, save_model
from stancelib.persistence import DEFAULT_MODEL, read_metadata, sidecar_path

PROBE = ["Berlin will not send soldiers to Ukraine.", "Paris does not rule out troops.", "Rain."]


class Marker:
    """A pickle that, when loaded, creates the file it names: proof that code ran."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


@pytest.fixture(scope="module")
def model():
    return stancelib.load_model()


@pytest.fixture
def saved(tmp_path, model):
    """A model saved with its sidecar in a temporary folder."""
    path = tmp_path / "model.joblib"
    save_model(model, path, {"note": "test"})
    return path


def write_with_sidecar(path, payload: bytes):
    """A file whose sidecar records its true hash, as if saved by save_model."""
    path.write_bytes(payload)
    meta = {"sha256": persistence.file_sha256(path), "versions": persistence.versions()}
    sidecar_path(path).write_text(json.dumps(meta), encoding="utf-8")
    return path


def no_temporary_files(folder):
    return not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_save_and_load_round_trip(saved, model):
    meta = read_metadata(saved)
    assert meta["sha256"] == persistence.file_sha256(saved)
    assert meta["note"] == "test" and "scikit-learn" in meta["versions"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", ModelVersionWarning)
        loaded = load_model(saved)
    assert list(loaded.predict(PROBE)) == list(model.predict(PROBE))
    assert oct(saved.stat().st_mode & 0o777) == oct(0o666 & ~current_umask())
    assert no_temporary_files(saved.parent)


def current_umask():
    umask = os.umask(0)
    os.umask(umask)
    return umask


def test_save_refuses_what_is_not_a_model(tmp_path):
    with pytest.raises(TypeError, match="model must be a StanceModel"):
        save_model({"coef": [1]}, tmp_path / "m.joblib")
    assert not list(tmp_path.iterdir())


def test_tampered_file_is_refused(saved):
    raw = bytearray(saved.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    saved.write_bytes(bytes(raw))
    with pytest.raises(ModelFileError, match="does not match the recorded"):
        load_model(saved)


def test_truncated_file_is_refused(saved):
    saved.write_bytes(saved.read_bytes()[:1000])
    with pytest.raises(ModelFileError, match="does not match the recorded"):
        load_model(saved)
    # Even when trusted, a truncated file is an error, not a crash.
    with pytest.raises(ModelFileError, match="cannot read the model file"):
        load_model(saved, trusted=True)


def test_tampered_copy_of_the_shipped_model_is_refused(tmp_path):
    copy = tmp_path / DEFAULT_MODEL.name
    shutil.copyfile(DEFAULT_MODEL, copy)
    shutil.copyfile(sidecar_path(DEFAULT_MODEL), sidecar_path(copy))
    with open(copy, "r+b") as fh:
        fh.seek(-10, os.SEEK_END)
        fh.write(b"\0" * 10)
    with pytest.raises(ModelFileError, match="does not match"):
        load_model(copy)


def test_the_shipped_model_matches_its_recorded_hash():
    assert read_metadata(DEFAULT_MODEL)["sha256"] == persistence.file_sha256(DEFAULT_MODEL)


@pytest.mark.parametrize(
    "payload, message",
    [
        (b"This is a text file, not a model.\n", "cannot read the model file"),
        (b"", "cannot read the model file"),
        (pickle.dumps({"coef": [1, 2, 3]}), "not a stancelib model .found a dict"),
    ],
)
def test_file_of_another_kind_is_refused(tmp_path, payload, message):
    path = write_with_sidecar(tmp_path / "other.joblib", payload)
    with pytest.raises(ModelFileError, match=message):
        load_model(path)


def test_joblib_file_of_a_dict_is_refused(tmp_path):
    path = tmp_path / "dict.joblib"
    joblib.dump({"classes": ["FAVOR"]}, path, compress=3)
    write_with_sidecar(path, path.read_bytes())
    with pytest.raises(ModelFileError, match=r"not a stancelib model .found a dict"):
        load_model(path)


def test_missing_file_and_missing_or_broken_sidecar(saved, tmp_path):
    with pytest.raises(ModelFileError, match="model file not found"):
        load_model(tmp_path / "none.joblib")
    side = sidecar_path(saved)
    good = side.read_text(encoding="utf-8")
    for text, message in [
        ("{not json", "malformed metadata"),
        ('{"versions": {}}', "no 'sha256' entry"),
        ('{"sha256": 42}', "no 'sha256' entry"),
        ('["a list"]', "no 'sha256' entry"),
    ]:
        side.write_text(text, encoding="utf-8")
        with pytest.raises(ModelFileError, match=message):
            load_model(saved)
    side.write_bytes(b"\xff\xfe")
    with pytest.raises(ModelFileError, match="malformed metadata"):
        load_model(saved)
    side.unlink()
    with pytest.raises(ModelFileError, match=r"no metadata file .* refusing to load"):
        load_model(saved)
    assert load_model(saved, trusted=True).classes_.tolist() == ["AGAINST", "FAVOR", "NONE"]
    side.write_text(good, encoding="utf-8")
    load_model(saved)


@pytest.mark.parametrize("sidecar", ["another file's", "none"])
def test_malicious_pickle_is_never_unpickled(tmp_path, saved, sidecar):
    marker = tmp_path / "code-ran"
    evil = tmp_path / "evil.joblib"
    with open(evil, "wb") as fh:
        pickle.dump(Marker(marker), fh)
    if sidecar == "none":
        expected = "no metadata file"
    else:  # a sidecar copied from a genuine model: the hash cannot match
        shutil.copyfile(sidecar_path(saved), sidecar_path(evil))
        expected = "does not match the recorded"
    with pytest.raises(ModelFileError, match=expected):
        load_model(evil)
    assert not marker.exists()


def test_malicious_pickle_runs_only_when_trusted(tmp_path):
    # What trusted=True means: the check is skipped and the file's code runs. The error
    # afterwards is no protection, which is why trusted is only for one's own files.
    marker = tmp_path / "code-ran"
    evil = tmp_path / "evil.joblib"
    with open(evil, "wb") as fh:
        pickle.dump(Marker(marker), fh)
    with pytest.raises(ModelFileError, match="not a stancelib model"):
        load_model(evil, trusted=True)
    assert marker.exists()


def test_model_from_another_scikit_learn_version_warns(tmp_path, model, monkeypatch):
    real = persistence.versions()
    monkeypatch.setattr(persistence, "versions", lambda: {**real, "scikit-learn": "0.0.1"})
    path = tmp_path / "old.joblib"
    save_model(model, path)
    monkeypatch.setattr(persistence, "versions", lambda: real)
    with pytest.warns(ModelVersionWarning, match=r"scikit-learn 0\.0\.1 \(now "):
        loaded = load_model(path)
    assert list(loaded.predict(PROBE)) == list(model.predict(PROBE))


class Crash(Exception):
    pass


@pytest.mark.parametrize("exc", [Crash, KeyboardInterrupt])
def test_crash_while_writing_keeps_the_existing_model(saved, model, monkeypatch, exc):
    before = saved.read_bytes(), sidecar_path(saved).read_bytes()

    def dump(obj, fh, **kwargs):
        fh.write(b"half a model")
        raise exc("interrupted")

    monkeypatch.setattr(joblib, "dump", dump)
    with pytest.raises(exc):
        save_model(model, saved)
    assert (saved.read_bytes(), sidecar_path(saved).read_bytes()) == before
    assert no_temporary_files(saved.parent)
    monkeypatch.undo()
    assert list(load_model(saved).predict(PROBE)) == list(model.predict(PROBE))


def test_crash_while_writing_the_sidecar_keeps_both_files(saved, model, monkeypatch):
    before = saved.read_bytes(), sidecar_path(saved).read_bytes()
    real_dumps = json.dumps
    monkeypatch.setattr(json, "dumps", lambda *a, **k: (_ for _ in ()).throw(Crash("boom")))
    with pytest.raises(Crash):
        save_model(model, saved, {"note": "new"})
    monkeypatch.setattr(json, "dumps", real_dumps)
    assert (saved.read_bytes(), sidecar_path(saved).read_bytes()) == before
    assert no_temporary_files(saved.parent)
    load_model(saved)


def test_killed_process_leaves_the_existing_model_intact(saved, model):
    # A hard kill runs no clean-up: the target must still be the old, loadable model.
    before = saved.read_bytes()
    script = (
        "import os, sys, joblib, stancelib\n"
        "def dump(obj, fh, **kw):\n"
        "    fh.write(b'half a model'); fh.flush(); os._exit(9)\n"
        "joblib.dump = dump\n"
        "stancelib.save_model(stancelib.load_model(sys.argv[1], trusted=True), sys.argv[1])\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(saved)], capture_output=True)
    assert done.returncode == 9, done.stderr
    assert saved.read_bytes() == before
    assert list(load_model(saved).predict(PROBE)) == list(model.predict(PROBE))
    leftovers = [p.name for p in saved.parent.iterdir() if p.name.endswith(".tmp")]
    assert all(name.startswith(".model.joblib.") for name in leftovers)  # hidden, not the model


@pytest.mark.parametrize(
    ("path", "error", "message"),
    [
        (123, TypeError, "path must be a str or a Path, got int"),
        (b"model.joblib", TypeError, "got bytes"),
        ("", ValueError, "path is an empty string"),
        ("  ", ValueError, "path is an empty string"),
    ],
)
def test_a_path_of_the_wrong_kind_is_refused_by_name(model, path, error, message):
    with pytest.raises(error, match=message):
        load_model(path)
    with pytest.raises(error, match=message):
        save_model(model, path)


def test_a_directory_is_not_a_model_file(model, tmp_path):
    with pytest.raises(ModelFileError, match="is a directory, not a model file"):
        load_model(tmp_path)
    with pytest.raises(ModelFileError, match=r"is a directory; give the model file's path"):
        save_model(model, tmp_path)
    assert list(tmp_path.iterdir()) == []
