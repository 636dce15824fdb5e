"""Bad and odd input on every public entry point: it works, or it says what was expected.

Each entry point either gives an answer (a NONE with low confidence is fine for text that
carries no stance) or raises a ``TypeError``/``ValueError`` whose message names what it
expected. Data files that are broken fail with a ``DataFileError`` naming file and line;
``tests/test_data.py`` covers the gold file, this file the rest.
"""

import json
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import stancelib
from stancelib import LABELS, StanceClassifier, StanceFeaturizer, data, split_sentences

# Inputs that are not what the entry points take, with a word the error message must use.
NOT_A_LIST = [
    (None, "list of str"),
    ("A bare string.", "single str"),
    (b"bytes", "bytes"),
    (bytearray(b"bytes"), "bytes"),
    (42, "list of str"),
    (3.5, "list of str"),
    ({"a dict": 1}, "dict"),
    ({"a set"}, "set"),
]
BAD_ITEMS = [[None], [b"bytes"], [1, 2], [["nested"]], ["ok", 3.0]]
NOT_A_STR = [
    (None, "must be a str"),
    (b"bytes", "decode"),
    (["a list"], "one str"),
    (("a tuple",), "one str"),
    (7, "must be a str"),
]
# Texts that are odd but valid: each must get a stance.
ODD_TEXTS = {
    "empty": "",
    "spaces": "   \t ",
    "newlines": "\n\n\r\n",
    "control": "\x00\x01\x07\x1b[31mtroops\x7f\x1f",
    "punctuation only": ".,;!? ... “”",
    "emoji": "🇺🇦 🪖🔥 👍🏽 troops 🤝",
    "cyrillic": "Войска НАТО не будут отправлены на Украину.",
    "arabic": "لن نرسل قوات إلى أوكرانيا، قال الوزير.",
    "cjk": "我们不会向乌克兰派兵。他说。",
    "mixed scripts": "Macron: «Rien n'est exclu» — Шольц: нет; 不. Troops?",
    "lone surrogate": "\ud800 troops \udfff.",
    "dotted capital I": "İstanbul İİİ troops.",
    "zero width": "troops\u200b\ufeff\u200d sent",
    "line separators": "troops\u2028sent\u2029now\x85.",
    "one letter": "a",
}
LONG_SENTENCE = ("Western troops and soldiers could be sent to Ukraine, " * 2000)[:100_000]


@pytest.fixture(scope="module")
def model():
    return stancelib.load_model()


@pytest.fixture(scope="module")
def small_classifier():
    texts = [
        "Berlin will not send soldiers to Ukraine.",
        "Paris does not rule out sending troops.",
        "The EU approved a new aid package on Monday.",
    ] * 2
    labels = ["AGAINST", "FAVOR", "NONE"] * 2
    clf = StanceClassifier(featurizer=StanceFeaturizer(char_ngrams=None), calibration_cv=None)
    return clf.fit(texts, labels)


def check_rows(rows, source):
    """The contract of label_text's output."""
    last_end = 0
    for row in rows:
        assert set(row) == {"start", "end", "text", "stance", "confidence"}
        assert 0 <= last_end <= row["start"] < row["end"] <= len(source)
        assert source[row["start"] : row["end"]] == row["text"]
        assert row["stance"] in LABELS
        assert 0.0 <= row["confidence"] <= 1.0
        last_end = row["end"]


# predict and predict_proba ---------------------------------------------------------


@pytest.mark.parametrize("func", [stancelib.predict, stancelib.predict_proba])
@pytest.mark.parametrize("bad, expected", NOT_A_LIST)
def test_predict_refuses_what_is_not_a_list_of_str(func, bad, expected, model):
    with pytest.raises(TypeError, match=expected):
        func(bad, model=model)


@pytest.mark.parametrize("func", [stancelib.predict, stancelib.predict_proba])
@pytest.mark.parametrize("bad", BAD_ITEMS)
def test_predict_names_the_bad_item(func, bad, model):
    index = next(i for i, item in enumerate(bad) if not isinstance(item, str))
    with pytest.raises(TypeError, match=rf"texts\[{index}\] must be a str"):
        func(bad, model=model)


def test_predict_refuses_a_model_that_is_not_one():
    with pytest.raises(TypeError, match="model must be a StanceModel"):
        stancelib.predict(["No troops."], model="default")


def test_empty_list_gives_empty_results(model):
    assert stancelib.predict([], model=model) == []
    assert stancelib.predict_proba([], model=model).shape == (0, len(model.classes_))


def test_odd_texts_get_a_stance_and_probabilities(model):
    texts = [*ODD_TEXTS.values(), LONG_SENTENCE]
    labels = stancelib.predict(texts, model=model)
    proba = stancelib.predict_proba(texts, model=model)
    assert len(labels) == len(texts) and set(labels) <= set(LABELS)
    assert proba.shape == (len(texts), len(model.classes_))
    assert np.all((proba >= 0) & (proba <= 1)) and np.allclose(proba.sum(axis=1), 1)
    # The same answer one text at a time as in a batch: batching changes nothing.
    assert [stancelib.predict([t], model=model)[0] for t in texts] == labels


def test_texts_without_content_are_none(model):
    blank = [ODD_TEXTS[k] for k in ("empty", "spaces", "newlines", "punctuation only")]
    assert stancelib.predict(blank, model=model) == ["NONE"] * len(blank)


def test_ordered_iterables_are_accepted(model):
    texts = ["Rome will not send soldiers.", "Prices rose."]
    expected = stancelib.predict(texts, model=model)
    assert stancelib.predict(tuple(texts), model=model) == expected
    assert stancelib.predict(np.array(texts), model=model) == expected
    assert stancelib.predict((t for t in texts), model=model) == expected


# label_text and split_sentences ------------------------------------------------------


@pytest.mark.parametrize("bad, expected", NOT_A_STR)
def test_label_text_refuses_what_is_not_a_str(bad, expected, model):
    with pytest.raises(TypeError, match=expected):
        stancelib.label_text(bad, model=model)


@pytest.mark.parametrize("bad", [None, b"bytes", 3, ["a list"], [], 2.5])
def test_split_sentences_refuses_what_is_not_a_str(bad):
    with pytest.raises(TypeError, match="expects a str"):
        split_sentences(bad)


def test_split_sentences_refuses_text_over_the_limit(monkeypatch):
    from stancelib import segment

    monkeypatch.setattr(segment, "MAX_CHARS", 10)
    with pytest.raises(ValueError, match="more than the limit"):
        split_sentences("x" * 11)


@pytest.mark.parametrize("name", ODD_TEXTS)
def test_label_text_on_odd_texts(name, model):
    source = ODD_TEXTS[name]
    rows = stancelib.label_text(source, model=model)
    check_rows(rows, source)
    if not source.strip():
        assert rows == []


def test_label_text_on_a_sentence_of_100000_characters_without_full_stop(model):
    rows = stancelib.label_text(LONG_SENTENCE, model=model)
    assert len(rows) == 1
    check_rows(rows, LONG_SENTENCE)


def test_label_text_on_10_mb(model):
    article = data.read_article()
    # One long line as well as paragraphs: a block without line breaks must stay linear.
    source = (article + "\n\n" + article.replace("\n", " ") + " ") * (
        10_000_000 // (2 * len(article) + 3) + 1
    )
    assert len(source) >= 10_000_000
    rows = stancelib.label_text(source, model=model)
    assert len(rows) > 10_000
    assert all(source[r["start"] : r["end"]] == r["text"] for r in rows[:: len(rows) // 500])
    check_rows(rows[:200] + rows[-200:], source)


def test_many_full_stops_on_one_line_stay_linear():
    # Quadratic segmentation would take minutes here.
    sentences = split_sentences("No. " * 200_000)
    assert len(sentences) == 200_000


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_label_text_never_raises_and_keeps_offsets(source):
    model = stancelib.load_model()
    check_rows(stancelib.label_text(source, model=model), source)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.text(
            alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"])
            | st.sampled_from(".!?“”\"'\n troops not send"),
            max_size=60,
        ),
        max_size=8,
    )
)
def test_predict_proba_on_random_texts(texts):
    proba = stancelib.predict_proba(texts, model=stancelib.load_model())
    assert proba.shape == (len(texts), 3)
    assert np.all(np.isfinite(proba)) and np.allclose(proba.sum(axis=1), 1)


# The estimators -------------------------------------------------------------------


@pytest.mark.parametrize("bad, expected", NOT_A_LIST[:5])
def test_featurizer_refuses_bad_input(bad, expected):
    with pytest.raises(TypeError, match=expected):
        StanceFeaturizer().fit(bad)
    fitted = StanceFeaturizer(char_ngrams=None).fit(["No troops will be sent."])
    with pytest.raises(TypeError, match=expected):
        fitted.transform(bad)


def test_featurizer_needs_some_text():
    with pytest.raises(ValueError, match="empty"):
        StanceFeaturizer().fit([])
    with pytest.raises(ValueError, match="no feature"):
        StanceFeaturizer().fit(["", "."])


def test_featurizer_transforms_odd_texts():
    fitted = StanceFeaturizer().fit(["Troops will not be sent to Ukraine."])
    texts = [*ODD_TEXTS.values(), LONG_SENTENCE]
    X = fitted.transform(texts)
    assert X.shape == (len(texts), fitted.n_features_out_)
    assert np.all(np.isfinite(X.data))
    assert fitted.transform([]).shape == (0, fitted.n_features_out_)
    assert StanceFeaturizer().fit(list(ODD_TEXTS.values())).n_features_out_ > 0


@pytest.mark.parametrize(
    "X, y, error, expected",
    [
        (None, ["FAVOR"], TypeError, "X must be a list of str"),
        ("A sentence.", ["FAVOR"], TypeError, "single str"),
        ([], [], ValueError, "X is empty"),
        ([1, 2], ["FAVOR", "NONE"], TypeError, r"X\[0\] must be a str"),
        (["a", "b"], None, TypeError, "labels must be a list"),
        (["a", "b"], 5, TypeError, "labels must be a list"),
        (["a", "b"], b"FAVOR", TypeError, "labels must be a list"),
        (["a", "b"], [1, 0], ValueError, "unknown labels"),
        (["a", "b"], ["FAVOR", None], ValueError, "unknown labels"),
        (["", " "], ["FAVOR", "NONE"], ValueError, "no feature"),
    ],
)
def test_classifier_fit_refuses_bad_input(X, y, error, expected):
    with pytest.raises(error, match=expected):
        StanceClassifier(calibration_cv=None).fit(X, y)


def test_classifier_fits_and_predicts_odd_texts():
    texts = [ODD_TEXTS[k] for k in ("emoji", "cyrillic", "cjk")] * 2
    clf = StanceClassifier(calibration_cv=None).fit(texts, ["FAVOR", "AGAINST", "NONE"] * 2)
    assert set(clf.predict([*ODD_TEXTS.values(), LONG_SENTENCE])) <= set(LABELS)


@pytest.mark.parametrize("bad, expected", NOT_A_LIST[:5])
def test_classifier_predict_refuses_bad_input(small_classifier, bad, expected):
    for method in (small_classifier.predict, small_classifier.predict_proba):
        with pytest.raises(TypeError, match=expected):
            method(bad)


def test_explain_refuses_a_list(model):
    with pytest.raises(TypeError, match="one str"):
        model.explain(["No troops."])


# Data files -------------------------------------------------------------------------

TRAIN_ROW = {"text": "No troops.", "stance": "AGAINST", "holder": "X", "source_kind": "headline"}


def write_lines(tmp_path, lines, name="train.jsonl"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def row(**changes):
    out = {**TRAIN_ROW, **changes}
    return json.dumps({k: v for k, v in out.items() if v is not ...}, ensure_ascii=False)


@pytest.mark.parametrize(
    "bad_line, message",
    [
        ('{"text": "No troops.", ', "malformed JSON"),
        ("[1, 2]", "expected a JSON object, got list"),
        ('"a string"', "expected a JSON object, got str"),
        (row(stance=...), "missing field 'stance'"),
        (row(source_kind=...), "missing field 'source_kind'"),
        (row(text=None), "field 'text' should be str, got NoneType"),
        (row(text=3), "field 'text' should be str, got int"),
        (row(stance="PRO"), "unknown stance 'PRO'"),
        (row(stance="favor"), "unknown stance 'favor'"),
        (row(text="   "), "empty text"),
        (row(source_kind="tweet"), "unknown source_kind 'tweet'"),
        (row(stance="NONE"), "holder must be null"),
    ],
)
@pytest.mark.parametrize("loader", [data.validate_training, data.load_training])
def test_bad_training_line_names_file_and_line(tmp_path, loader, bad_line, message):
    path = write_lines(tmp_path, [row(), "", row(), bad_line, row()])
    with pytest.raises(data.DataFileError, match=rf"train\.jsonl, line 4: {message}") as info:
        loader(path)
    assert info.value.line == 4 and info.value.path == str(path)


@pytest.mark.parametrize("loader", [data.validate_training, data.load_training])
def test_missing_unreadable_and_empty_training_files(tmp_path, loader):
    with pytest.raises(data.DataFileError, match=r"nope\.jsonl: file not found"):
        loader(tmp_path / "nope.jsonl")
    with pytest.raises(data.DataFileError, match="not a regular file"):
        loader(tmp_path)
    blank = write_lines(tmp_path, ["", "   ", ""], "blank.jsonl")
    with pytest.raises(data.DataFileError, match=r"blank\.jsonl: file is empty"):
        loader(blank)
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes((row() + "\n" + row() + "\n").encode() + b'{"text": "caf\xe9"}\n')
    with pytest.raises(data.DataFileError, match=r"latin\.jsonl, line 3: not valid UTF-8"):
        loader(latin)


def test_json_line_separators_inside_strings_are_not_line_breaks(tmp_path):
    # json.dumps(ensure_ascii=False) leaves U+2028 and U+0085 raw; CRLF files also load.
    rows = [row(text="Troops\u2028will not go.", holder="A"), row(text="Rain\x85.", holder="B")]
    path = tmp_path / "crlf.jsonl"
    path.write_bytes(("\r\n".join([*rows, '{"oops"}']) + "\r\n").encode("utf-8"))
    with pytest.raises(data.DataFileError, match="line 3: malformed JSON"):
        data.validate_training(path)
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("utf-8"))
    assert [r["text"] for r in data.validate_training(path)] == [
        "Troops\u2028will not go.",
        "Rain\x85.",
    ]


@pytest.fixture(scope="module")
def gold_rows():
    return data.validate_gold()


def write_gold(tmp_path, rows):
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


@pytest.mark.parametrize(
    "change, message",
    [
        ({"id": 7}, "line 3: id 7 out of order, expected 2"),
        ({"end": 10**9}, r"line 3: offsets \d+:1000000000 outside the article"),
        ({"start": -1}, r"line 3: offsets -1:\d+ outside the article"),
        ({"end": 0}, r"line 3: offsets \d+:0 outside the article"),
        ({"start": True}, "line 3: field 'start' should be int, got bool"),
        ({"stance": None}, "line 3: field 'stance' should be str, got NoneType"),
        ({"note": 5}, "line 3: field 'note' should be str or null, got int"),
        ({"text": "Something else."}, "line 3: text does not match the article"),
    ],
)
@pytest.mark.parametrize("loader", [data.validate_gold, data.load_gold])
def test_bad_gold_line_names_file_and_line(tmp_path, gold_rows, loader, change, message):
    rows = [dict(r) for r in gold_rows]
    rows[2].update(change)
    with pytest.raises(data.DataFileError, match=rf"gold\.jsonl, {message}"):
        loader(write_gold(tmp_path, rows))


def test_overlapping_and_incomplete_gold(tmp_path, gold_rows):
    rows = [dict(r) for r in gold_rows]
    rows[3]["start"] = rows[2]["start"]
    rows[3]["text"] = data.read_article()[rows[3]["start"] : rows[3]["end"]]
    with pytest.raises(data.DataFileError, match=r"line 4: sentence starts at .* before"):
        data.validate_gold(write_gold(tmp_path, rows))
    with pytest.raises(data.DataFileError, match=r"gold\.jsonl: article text after the last"):
        data.validate_gold(write_gold(tmp_path, [dict(r) for r in gold_rows[:-1]]))


def test_gold_against_a_missing_or_other_article(tmp_path, gold_rows):
    path = write_gold(tmp_path, gold_rows)
    with pytest.raises(data.DataFileError, match=r"article\.txt: file not found"):
        data.validate_gold(path, tmp_path / "article.txt")
    other = tmp_path / "other.txt"
    other.write_text("A different, much shorter article.", encoding="utf-8")
    with pytest.raises(data.DataFileError, match=r"gold\.jsonl, line \d+: "):
        data.load_gold(path, other)
    latin = tmp_path / "latin.txt"
    latin.write_bytes(b"Line one.\nLine two, caf\xe9.\n")
    with pytest.raises(data.DataFileError, match=r"latin\.txt, line 2: not valid UTF-8"):
        data.validate_gold(path, latin)


def test_read_article_errors(tmp_path):
    with pytest.raises(data.DataFileError, match="file not found"):
        data.read_article(tmp_path / "none.txt")
    assert data.read_article(write_lines(tmp_path, ["Troops?", "Never."], "a.txt")) == (
        "Troops?\nNever.\n"
    )


# The scripts ------------------------------------------------------------------------


def test_train_script_help_and_bad_arguments(capsys):
    from stancelib.train import main

    done = subprocess.run(
        [sys.executable, "-m", "stancelib.train", "--help"], capture_output=True, text=True
    )
    assert done.returncode == 0 and "--data" in done.stdout
    for argv in (["--folds", "x"], ["--folds", "1"], ["--no-such-option"]):
        with pytest.raises(SystemExit) as info:
            main(argv)
        assert info.value.code == 2
        assert "usage:" in capsys.readouterr().err


def test_train_script_reports_a_bad_data_file(tmp_path, capsys):
    from stancelib.train import main

    path = write_lines(tmp_path, ["not json"])
    assert main(["--data", str(path), "--out", str(tmp_path / "m.joblib"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "train.jsonl, line 1: malformed JSON" in err
    assert not (tmp_path / "m.joblib").exists()
