"""The NumPy encoder: BERT's tokenizer and forward pass, its file, and the blend."""

import json
import pickle
import shutil
from pathlib import Path

import numpy as np
import pytest

import stancelib
from stancelib import ModelFileError, load_model, save_model
from stancelib.encoder import (
    MAX_TOKENS,
    EncoderBlend,
    EncoderFileError,
    SentenceEncoder,
    WordPiece,
    export_metadata,
)
from stancelib.model import softmax

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CLASSES = ["AGAINST", "FAVOR", "NONE"]
VOCAB = [
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "troops", "will", "not", "be", "sent", "send",
    "paris", "berlin", "##s", "##ing", "no", ".", ",", "?", "!", "'", "cafe", "the",
    "deploy", "##ment", "un", "##likely", "we", "rule", "out", "never",
]  # fmt: skip


def tiny_weights(seed=0, hidden=8, heads=2, layers=2, inner=16, positions=MAX_TOKENS):
    """Random weights of a BERT the size of a test: what an encoder file holds."""
    rng = np.random.default_rng(seed)
    r = lambda *shape: rng.normal(scale=0.5, size=shape).astype(np.float32)  # noqa: E731
    w = {
        "embeddings.word_embeddings.weight": r(len(VOCAB), hidden),
        "embeddings.position_embeddings.weight": r(positions, hidden),
        "embeddings.token_type_embeddings.weight": r(2, hidden),
        "embeddings.LayerNorm.weight": 1 + r(hidden) / 5,
        "embeddings.LayerNorm.bias": r(hidden) / 5,
        "head.weight": r(3, hidden),
        "head.bias": r(3),
    }
    for i in range(layers):
        p = f"encoder.layer.{i}."
        for name in ("attention.self.query", "attention.self.key", "attention.self.value"):
            w[p + name + ".weight"], w[p + name + ".bias"] = r(hidden, hidden), r(hidden)
        w[p + "attention.output.dense.weight"] = r(hidden, hidden)
        w[p + "attention.output.dense.bias"] = r(hidden)
        w[p + "intermediate.dense.weight"], w[p + "intermediate.dense.bias"] = (
            r(inner, hidden),
            r(inner),
        )
        w[p + "output.dense.weight"], w[p + "output.dense.bias"] = r(hidden, inner), r(hidden)
        for norm in ("attention.output.LayerNorm", "output.LayerNorm"):
            w[p + norm + ".weight"], w[p + norm + ".bias"] = 1 + r(hidden) / 5, r(hidden) / 5
    meta = {
        "classes": CLASSES,
        "config": {"hidden": hidden, "layers": layers, "heads": heads, "eps": 1e-12},
    }
    return w, meta


@pytest.fixture
def tiny_file(tmp_path):
    weights, meta = tiny_weights()
    path = tmp_path / "encoder.npz"
    export_metadata(path, weights, VOCAB, meta)
    return path


@pytest.fixture(scope="module")
def reference():
    return json.loads((FIXTURES / "encoder_reference.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def shipped():
    return load_model(encoder=True)


def test_wordpiece_splits_words_into_the_longest_pieces_in_the_vocabulary():
    wp = WordPiece(VOCAB)
    assert wp.tokenize("Deployment unlikely, troops!") == [
        "deploy", "##ment", "un", "##likely", ",", "troops", "!",
    ]  # fmt: skip
    # A word with a piece outside the vocabulary is one [UNK]; accents are stripped.
    assert wp.tokenize("Sendx café") == ["[UNK]", "cafe"]
    assert wp.encode("x" * 101) == [wp.cls, wp.unk, wp.sep]
    assert len(wp.encode("troops " * 500)) == MAX_TOKENS
    with pytest.raises(ValueError, match=r"\[SEP\]"):
        WordPiece(["[PAD]", "[UNK]", "[CLS]"])


def test_wordpiece_matches_the_hugging_face_tokenizer(shipped, reference):
    tokenizer = shipped.encoder.encoder.tokenizer
    cases = reference["tokens"]
    assert len(cases) > 50
    for case in cases:
        assert tokenizer.encode(case["text"]) == case["ids"], case["text"]


def test_forward_pass_matches_torch(shipped, reference):
    assert reference["encoder_sha256"] == shipped.encoder.sha256
    texts = [row["text"] for row in reference["logits"]]
    expected = np.array([row["logits"] for row in reference["logits"]])
    got = shipped.encoder.encoder.decision_function(texts)
    assert np.abs(got - expected).max() < 1e-3


def test_scores_do_not_depend_on_the_batch_or_its_padding(tiny_file):
    encoder = SentenceEncoder.from_file(tiny_file)
    texts = ["Troops.", "Berlin will not send troops, never.", "No!", "We rule out the sending."]
    together = encoder.decision_function(texts)
    alone = np.vstack([encoder.decision_function([t]) for t in texts])
    assert np.allclose(together, alone, atol=1e-5)
    assert not np.allclose(together[0], together[1])
    proba = encoder.predict_proba(texts)
    assert proba.shape == (4, 3) and np.allclose(proba.sum(axis=1), 1)
    assert list(encoder.predict(texts)) == [CLASSES[k] for k in together.argmax(axis=1)]


def test_file_stores_float16_and_reads_back_the_same_weights(tiny_file):
    weights, _ = tiny_weights()
    encoder = SentenceEncoder.from_file(tiny_file)
    for name, value in weights.items():
        assert np.allclose(encoder.weights[name], value.astype(np.float16), atol=0), name
    assert encoder.metadata["config"]["layers"] == 2 and list(encoder.classes_) == CLASSES


def test_missing_tampered_or_foreign_encoder_files_are_refused(tiny_file, tmp_path):
    with pytest.raises(EncoderFileError, match="not found"):
        SentenceEncoder.from_file(tmp_path / "absent.npz")
    sha = stancelib.data.file_sha256(tiny_file)
    data = bytearray(tiny_file.read_bytes())
    data[len(data) // 2] ^= 1
    tampered = tmp_path / "tampered.npz"
    tampered.write_bytes(bytes(data))
    with pytest.raises(EncoderFileError, match="SHA-256"):
        SentenceEncoder.from_file(tampered, sha256=sha)
    foreign = tmp_path / "foreign.npz"
    foreign.write_text("not a zip", encoding="utf-8")
    with pytest.raises(EncoderFileError, match="not a stancelib encoder file"):
        SentenceEncoder.from_file(foreign)
    np.savez(tmp_path / "other.npz", x=np.zeros(3))
    with pytest.raises(EncoderFileError, match="not a stancelib encoder file"):
        SentenceEncoder.from_file(tmp_path / "other.npz")


def blended(model, path, weight):
    """A copy of `model` blending the encoder file at `path`."""
    copy = pickle.loads(pickle.dumps(model))
    copy.encoder = EncoderBlend.from_file(path, weight, np.zeros(3))
    return copy


def test_blend_weights_the_two_models_geometrically(shipped, tiny_file):
    texts = ["Berlin will not send troops.", "Paris does not rule out troops.", "Rain."]
    ngram = shipped.ngram_proba(texts)
    assert np.allclose(blended(shipped, tiny_file, 0.0).predict_proba(texts), ngram)
    encoder = SentenceEncoder.from_file(tiny_file)
    half = blended(shipped, tiny_file, 0.5)
    expected = softmax(0.5 * np.log(ngram) + 0.5 * encoder.predict_log_proba(texts))
    assert np.allclose(half.predict_proba(texts), expected)
    assert list(half.predict(texts)) == list(half.classes_[expected.argmax(axis=1)])
    with pytest.raises(ValueError, match="weight"):
        EncoderBlend.from_file(tiny_file, 1.5, np.zeros(3))


def test_pickled_blend_keeps_no_path_of_the_machine_it_was_made_on(tiny_file):
    blend = EncoderBlend.from_file(tiny_file, 0.3, np.zeros(3))
    blend.encoder  # noqa: B018 (reads the file)
    copy = pickle.loads(pickle.dumps(blend))
    assert copy.directory is None and copy._encoder is None
    with pytest.raises(EncoderFileError, match=r"load the model with stancelib\.load_model"):
        copy.combine(["Troops."], np.full((1, 3), 1 / 3))


def test_saving_puts_the_encoder_beside_the_model_and_loading_needs_it(
    shipped, tiny_file, tmp_path
):
    model = blended(shipped, tiny_file, 0.3)
    out = tmp_path / "saved" / "model.joblib"
    save_model(model, out)
    assert (out.parent / "encoder.npz").read_bytes() == tiny_file.read_bytes()
    texts = ["Berlin will not send troops.", "Rain."]
    assert np.allclose(load_model(out).predict_proba(texts), model.predict_proba(texts))
    (out.parent / "encoder.npz").unlink()
    with pytest.raises(ModelFileError, match=r"encoder 'encoder\.npz', which is not in"):
        load_model(out)


def test_a_changed_encoder_file_is_refused_when_read(shipped, tiny_file, tmp_path):
    out = tmp_path / "model.joblib"
    save_model(blended(shipped, tiny_file, 0.3), out)
    weights, meta = tiny_weights(seed=1)
    export_metadata(tmp_path / "encoder.npz", weights, VOCAB, meta)
    model = load_model(out)
    with pytest.raises(EncoderFileError, match="does not match the SHA-256"):
        model.predict(["Troops."])


def test_the_shipped_encoder_is_recorded_in_the_metadata(shipped):
    fast = load_model()
    assert fast.encoder is None  # the default stays the fast n-gram model
    assert load_model(encoder=True) is shipped  # cached, like the default
    meta = fast.metadata["encoder"]
    assert {k: meta[k] for k in ("file", "sha256", "weight", "shift", "context")} == (
        shipped.encoder.record()
    )
    assert meta["sha256"] == stancelib.data.file_sha256(shipped.encoder.path)
    # Fine-tuned on the corpus, or on its first rows when more were appended since.
    n_rows = fast.metadata["training_data"]["n_sentences"]
    assert 0 < meta["train_rows"] <= n_rows
    assert (
        stancelib.data.prefix_rows(stancelib.data.training_path(), meta["train_sha256"])
        == (meta["train_rows"])
    )
    assert meta["classes"] == list(shipped.classes_)
    texts = ["Rain fell on Kyiv.", "Rome will not send a single soldier."]
    assert np.allclose(shipped.ngram_proba(texts), fast.predict_proba(texts))


def test_encoder_option_is_checked_and_needs_a_recorded_encoder(tmp_path):
    with pytest.raises(TypeError, match="encoder must be True or False"):
        load_model(encoder="yes")
    bare = load_model().with_encoder(None)
    bare.metadata = {k: v for k, v in bare.metadata.items() if k != "encoder"}
    save_model(bare, tmp_path / "bare.joblib")
    with pytest.raises(ModelFileError, match="records no encoder"):
        load_model(tmp_path / "bare.joblib", encoder=True)
    shutil.copy(stancelib.persistence.DEFAULT_MODEL, tmp_path / "m.joblib")
    shutil.copy(
        stancelib.persistence.sidecar_path(stancelib.persistence.DEFAULT_MODEL),
        tmp_path / "m.joblib.json",
    )
    assert load_model(tmp_path / "m.joblib").encoder is None
    with pytest.raises(ModelFileError, match=r"encoder 'encoder\.npz', which is not in"):
        load_model(tmp_path / "m.joblib", encoder=True)


def test_with_encoder_leaves_the_original_model_alone(shipped, tiny_file):
    fast = load_model()
    other = fast.with_encoder(EncoderBlend.from_file(tiny_file, 0.5, np.zeros(3)))
    assert fast.encoder is None and other.encoder is not None and other.coef is fast.coef


def test_shipped_encoder_alone_labels_clear_sentences(shipped):
    encoder = shipped.encoder.encoder
    texts = [
        "Canada will never send its soldiers to fight in Ukraine.",
        "The minister said European troops on Ukrainian soil should not be ruled out.",
        "The weather in Brussels was mild on Tuesday.",
    ]
    assert list(encoder.predict(texts)) == ["AGAINST", "FAVOR", "NONE"]


def test_the_blend_labels_odd_texts_and_refuses_bad_types(shipped):
    odd = [
        "",
        "   ",
        "\x00\x07 control \u200b",
        "Солдаты НАТО не будут отправлены.",
        "北京 🇺🇦 ❤️",
        "word " * 20_000,  # far past MAX_TOKENS: cut, not refused
    ]
    proba = shipped.predict_proba(odd)
    assert proba.shape == (len(odd), 3) and np.allclose(proba.sum(axis=1), 1)
    rows = stancelib.label_text("Troops? Never. " * 3, model=shipped)
    assert [r["text"] for r in rows] == ["Troops?", "Never."] * 3
    with pytest.raises(TypeError):
        shipped.predict("a bare string")
    with pytest.raises(TypeError):
        shipped.predict([b"bytes"])


def test_the_blend_reads_articles_with_its_own_context_model(shipped):
    context = shipped.encoder.context
    assert context is not None and context is not shipped.context
    cv = load_model().metadata["encoder"]["context_record"]["cv"]
    assert 0.5 < cv["alone_macro_f1"] <= 1 and 0.5 < cv["macro_f1"] <= 1
    sentences = ["“We will not send troops.", "That is our position,” he said.", "Rain."]
    expected = context.predict_proba(sentences, shipped.predict_proba(sentences))
    assert np.allclose(shipped.predict_document_proba(sentences), expected)
    rows = stancelib.label_text(" ".join(sentences), model=shipped)
    read = shipped.predict_document([r["text"] for r in rows])
    assert [r["stance"] for r in rows] == list(read)


def _oof_file(path, rows, sha=None, n_classes=3):
    arrays = {"rows": np.array(rows), "log_proba": np.log(np.full((len(rows), n_classes), 1 / 3))}
    if sha is not None:
        arrays["train_sha256"] = np.array(sha)
    np.savez(path, **arrays)
    return path


def test_out_of_fold_file_is_tied_to_the_corpus_it_was_made_from(tmp_path):
    from stancelib.train import load_encoder_oof

    good = _oof_file(tmp_path / "oof.npz", [0, 2], "a" * 64)
    full = load_encoder_oof(good, 3, "a" * 64)
    assert full.shape == (3, 3) and np.isnan(full[1]).all() and not np.isnan(full[[0, 2]]).any()
    cases = [
        (good, 3, "b" * 64, "another version of the training corpus .*--no-encoder-oof"),
        (_oof_file(tmp_path / "old.npz", [0]), 3, "a" * 64, "does not record the corpus"),
        (good, 2, "a" * 64, "do not fit a corpus of 2 sentences"),
        (tmp_path / "missing.npz", 3, "a" * 64, "not a file of out-of-fold"),
    ]
    (tmp_path / "text.npz").write_text("rows", encoding="utf-8")
    cases.append((tmp_path / "text.npz", 3, "a" * 64, "not a file of out-of-fold"))
    for path, n_rows, sha, match in cases:
        with pytest.raises(EncoderFileError, match=match):
            load_encoder_oof(path, n_rows, sha)


def test_an_out_of_fold_file_outlives_rows_appended_to_its_corpus(tmp_path):
    from stancelib.data import file_sha256, prefix_rows
    from stancelib.train import load_encoder_oof

    corpus = tmp_path / "train.jsonl"
    corpus.write_text('{"n": 0}\n{"n": 1}\n', encoding="utf-8")
    before = file_sha256(corpus)
    with corpus.open("a", encoding="utf-8") as fh:
        fh.write('{"n": 2}\n')
    now = file_sha256(corpus)
    assert prefix_rows(corpus, before) == 2 and prefix_rows(corpus, now) == 3
    made_before = _oof_file(tmp_path / "oof.npz", [0, 1], before)
    full = load_encoder_oof(made_before, 3, now, corpus)
    assert np.isnan(full[2]).all() and not np.isnan(full[:2]).any()
    # Without the corpus file, or once a row it covers has changed, it is refused.
    with pytest.raises(EncoderFileError, match="another version of the training corpus"):
        load_encoder_oof(made_before, 3, now)
    corpus.write_text('{"n": 0}\n{"n": 9}\n{"n": 2}\n', encoding="utf-8")
    assert prefix_rows(corpus, before) is None
    with pytest.raises(EncoderFileError, match="another version of the training corpus"):
        load_encoder_oof(made_before, 3, file_sha256(corpus), corpus)
    # Nor does a file made from the first rows cover a row appended after them.
    corpus.write_text('{"n": 0}\n{"n": 1}\n{"n": 2}\n', encoding="utf-8")
    one_row = tmp_path / "one.npz"
    corpus_one = tmp_path / "one.jsonl"
    corpus_one.write_text('{"n": 0}\n', encoding="utf-8")
    _oof_file(one_row, [0, 1], file_sha256(corpus_one))
    with pytest.raises(EncoderFileError, match="another version"):
        load_encoder_oof(one_row, 3, file_sha256(corpus), corpus)


def test_the_shipped_out_of_fold_file_covers_the_shipped_corpus_articles():
    from stancelib.data import file_sha256, training_path
    from stancelib.train import ENCODER_OOF, documents, load_encoder_oof

    full = load_encoder_oof(
        ENCODER_OOF,
        len(stancelib.data.validate_training()),
        file_sha256(training_path()),
        training_path(),
    )
    rows = [i for idx in documents().values() for i in idx]
    assert not np.isnan(full[rows]).any()
    assert np.allclose(np.exp(full[rows]).sum(axis=1), 1, atol=1e-6)


def test_train_refuses_out_of_fold_blends_of_another_corpus(tiny_file, tmp_path, capsys):
    from stancelib.train import main

    # Four articles of the shipped corpus: a corpus of its own, with another SHA-256.
    rows = stancelib.data.validate_training()
    names = list(dict.fromkeys(r["doc"] for r in rows if r.get("doc")))[:4]
    small = tmp_path / "train.jsonl"
    small.write_text(
        "".join(json.dumps(r) + "\n" for r in rows if r.get("doc") in names), encoding="utf-8"
    )
    out = tmp_path / "m.joblib"
    argv = ["--data", str(small), "--out", str(out), "--folds", "2", "--encoder", str(tiny_file)]
    assert main([*argv, "--quiet"]) == 2
    assert "made from another version of the training corpus" in capsys.readouterr().err
    assert not out.exists()
    assert main([*argv, "--quiet", "--no-encoder-oof"]) == 0
    blend = load_model(out, encoder=True).encoder
    assert blend is not None and blend.context is None


def test_long_encoding_reports_its_progress(tiny_file, monkeypatch, caplog):
    import logging

    from stancelib import progress

    encoder = SentenceEncoder.from_file(tiny_file)
    texts = ["troops will not be sent ."] * 200
    with caplog.at_level(logging.INFO, logger="stancelib"):
        encoder.predict(texts)  # quicker than EVERY_SECONDS: nothing to report
        assert caplog.messages == []
        monkeypatch.setattr(progress, "EVERY_SECONDS", 0.0)
        encoder.predict(texts)
    assert caplog.messages == [f"encoder: sentences: {n} of 200" for n in (64, 128, 192)]
    assert {r.name for r in caplog.records} == {"stancelib.encoder"}


def test_show_progress_writes_reports_to_standard_error_once(no_progress_handler, capsys):
    from stancelib.progress import show_progress

    handler = show_progress()
    assert show_progress() is handler and no_progress_handler.handlers.count(handler) == 1
    no_progress_handler.getChild("encoder").info("encoder: sentences: %s of %s", 64, 100)
    assert capsys.readouterr().err == "encoder: sentences: 64 of 100\n"


def test_label_script_shows_the_encoder_progress_unless_quiet(
    no_progress_handler, monkeypatch, tmp_path, capsys
):
    from stancelib import cli, progress

    monkeypatch.setattr(progress, "EVERY_SECONDS", 0.0)
    article = tmp_path / "a.txt"
    article.write_text("Paris will not send troops. " * 70, encoding="utf-8")
    assert cli.main(["label", str(article), "--encoder", "--quiet"]) == 0
    assert capsys.readouterr().err == ""
    assert cli.main(["label", str(article), "--encoder"]) == 0
    captured = capsys.readouterr()
    assert captured.err == "encoder: sentences: 64 of 70\n"
    assert captured.out.count("AGAINST") == 70
