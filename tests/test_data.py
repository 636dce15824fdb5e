"""The article fixture, the gold set, the training corpus and their loaders."""

import hashlib
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from stancelib import data
from stancelib.labels import LABELS

ARTICLE_SHA256 = "eced7dd2c7bfe774e03a8286a9a633f697f8d366dbd79c4c9766c1e6541c7b4c"


def test_article_is_the_seed_byte_for_byte():
    assert hashlib.sha256(data.article_path().read_bytes()).hexdigest() == ARTICLE_SHA256
    seed = Path(__file__).resolve().parents[2] / "shared" / "seed" / "article.txt"
    if seed.exists():
        assert seed.read_bytes() == data.article_path().read_bytes()


def test_gold_validates_and_covers_the_article():
    rows = data.validate_gold()
    article = data.read_article()
    assert [r["id"] for r in rows] == list(range(len(rows)))
    covered = "".join(article[r["start"] : r["end"]] for r in rows)
    assert "".join(covered.split()) == "".join(article.split())
    assert {r["stance"] for r in rows} == set(LABELS)


def test_gold_holders_follow_the_guidelines():
    for row in data.validate_gold():
        assert (row["holder"] is None) == (row["stance"] == "NONE"), row
        if row["stance"] != "NONE" or row["note"]:
            assert row["note"], row


def test_load_gold_is_a_dataset_with_a_class_label():
    gold = data.load_gold()
    assert gold.num_rows == len(data.validate_gold())
    assert gold.features["stance"].names == ["NONE", "AGAINST", "FAVOR"]
    first = gold[1]
    assert gold.features["stance"].int2str(first["stance"]) == "FAVOR"
    assert data.read_article()[first["start"] : first["end"]] == first["text"]


def test_load_training_is_a_dataset_with_a_class_label():
    train = data.load_training()
    assert train.features["stance"].names == list(LABELS)
    assert set(train.column_names) == {"doc", "text", "stance", "holder", "source_kind"}
    # Sentences written on their own have no document; articles keep theirs, in order.
    docs = train["doc"]
    assert docs[0] is None and sum(d is not None for d in docs) >= 500
    assert len({d for d in docs if d}) >= 20


def _corpus_row(text, doc=None):
    row = {"text": text, "stance": "NONE", "holder": None, "source_kind": "background"}
    return row if doc is None else {"doc": doc, **row}


def test_training_doc_field_is_optional_but_must_be_a_str(tmp_path):
    path = tmp_path / "train.jsonl"
    rows = [_corpus_row("Prices rose."), _corpus_row("Rain fell.", "a"), _corpus_row("So?", "a")]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert [r.get("doc") for r in data.validate_training(path)] == [None, "a", "a"]
    rows[1]["doc"] = 3
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    with pytest.raises(data.DataFileError, match=r"line 2: field 'doc' should be str or null"):
        data.validate_training(path)


def test_a_documents_sentences_must_be_consecutive(tmp_path):
    path = tmp_path / "train.jsonl"
    rows = [_corpus_row("One.", "a"), _corpus_row("Two."), _corpus_row("Three.", "a")]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    with pytest.raises(data.DataFileError, match=r"line 3: sentences of document 'a' must be"):
        data.validate_training(path)


def test_load_dev_is_a_dataset_of_articles():
    dev = data.load_dev()
    assert dev.features["stance"].names == list(LABELS)
    assert set(dev.column_names) == {"doc", "text", "stance", "holder", "source_kind"}
    assert dev.num_rows == len(data.validate_dev())


def test_dev_file_needs_a_doc_field(tmp_path):
    path = tmp_path / "dev.jsonl"
    good = {"doc": "a", "text": "Prices rose.", "stance": "NONE", "holder": None}
    good["source_kind"] = "background"
    bad = {k: v for k, v in good.items() if k != "doc"}
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    with pytest.raises(data.DataFileError, match=r"dev\.jsonl.*line 2: missing field 'doc'"):
        data.validate_dev(path)


def write_gold(tmp_path, rows, raw_lines=()):
    path = tmp_path / "gold.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in rows] + list(raw_lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def gold_rows():
    return data.validate_gold()


def test_malformed_json_names_file_and_line(tmp_path, gold_rows):
    path = write_gold(tmp_path, gold_rows[:3], ['{"id": 3, "start": '])
    with pytest.raises(data.DataFileError, match=r"gold\.jsonl, line 4: malformed JSON"):
        data.validate_gold(path)


def test_unknown_label_names_file_and_line(tmp_path, gold_rows):
    rows = [dict(r) for r in gold_rows]
    rows[2]["stance"] = "PRO"
    path = write_gold(tmp_path, rows)
    with pytest.raises(data.DataFileError, match=r"line 3: unknown stance 'PRO'"):
        data.validate_gold(path)


def test_wrong_offsets_name_file_and_line(tmp_path, gold_rows):
    rows = [dict(r) for r in gold_rows]
    rows[4]["start"] += 1
    path = write_gold(tmp_path, rows)
    with pytest.raises(data.DataFileError, match=r"line 5: text does not match"):
        data.validate_gold(path)


def test_missing_sentence_is_reported(tmp_path, gold_rows):
    rows = [dict(r) for r in gold_rows[:10]] + [dict(r) for r in gold_rows[11:]]
    for i, r in enumerate(rows):
        r["id"] = i
    path = write_gold(tmp_path, rows)
    with pytest.raises(data.DataFileError, match=r"line 11: article text .* is in no sentence"):
        data.validate_gold(path)


def test_missing_field_and_wrong_type(tmp_path, gold_rows):
    rows = [dict(r) for r in gold_rows]
    del rows[0]["holder"]
    with pytest.raises(data.DataFileError, match="line 1: missing field 'holder'"):
        data.validate_gold(write_gold(tmp_path, rows))
    rows = [dict(r) for r in gold_rows]
    rows[1]["start"] = "38"
    with pytest.raises(data.DataFileError, match="line 2: field 'start' should be int"):
        data.validate_gold(write_gold(tmp_path, rows))


def test_missing_empty_and_non_utf8_files(tmp_path):
    with pytest.raises(data.DataFileError, match="file not found"):
        data.validate_gold(tmp_path / "nope.jsonl")
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    with pytest.raises(data.DataFileError, match="file is empty"):
        data.validate_training(empty)
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes(b'{"text": "ok"}\n{"text": "caf\xe9"}\n')
    with pytest.raises(data.DataFileError, match="line 2: not valid UTF-8"):
        data.validate_training(latin)


def test_training_holder_must_match_stance(tmp_path):
    path = tmp_path / "train.jsonl"
    row = {
        "text": "No troops.",
        "stance": "NONE",
        "holder": "Someone",
        "source_kind": "headline",
    }
    path.write_text(json.dumps(row) + "\n")
    with pytest.raises(data.DataFileError, match="line 1: holder must be null"):
        data.validate_training(path)


def test_load_hub_reads_a_local_dataset_folder(tmp_path):
    folder = tmp_path / "hub_dataset"
    folder.mkdir()
    rows = [
        {"text": "We will send troops.", "stance": "favor"},
        {"text": "Never.", "stance": "AGAINST"},
        {"text": "Rain.", "stance": "NONE"},
    ]
    (folder / "train.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    ds = data.load_hub(str(folder))
    assert ds.features["stance"].names == list(LABELS)
    assert [ds.features["stance"].int2str(s) for s in ds["stance"]] == [
        "FAVOR",
        "AGAINST",
        "NONE",
    ]


def test_load_hub_refuses_unknown_labels(tmp_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "train.jsonl").write_text(json.dumps({"text": "x", "stance": "PRO"}) + "\n")
    with pytest.raises(ValueError, match="unknown stance values"):
        data.load_hub(str(folder))


def test_an_installed_wheel_ships_the_data_files(tmp_path):
    # A non-editable install (pip install stancelib) has no repository beside it: the gold
    # set and the corpora must travel inside the package, byte for byte.
    root = Path(__file__).resolve().parents[1]
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
        + ["-w", str(tmp_path), str(root)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("stancelib-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        for name in ("article.txt", "article_gold.jsonl", "train.jsonl", "dev.jsonl"):
            shipped = archive.read(f"stancelib/fixtures/{name}")
            assert shipped == (root / "fixtures" / name).read_bytes(), name


def test_read_documents_reads_texts_and_ids(tmp_path):
    path = tmp_path / "docs.jsonl"
    rows = [{"id": "a", "text": "One."}, {"id": 4, "text": "Two."}, {"text": "Three."}]
    rows.append({"id": None, "text": "Four."})
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    assert data.read_documents(path) == [
        ("a", "One."),
        ("4", "Two."),
        ("3", "Three."),
        ("4", "Four."),
    ]
    assert [i for i, _ in data.read_documents(path, id_field="none")] == ["1", "2", "3", "4"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "file is empty"),
        ('{"id": "a"}\n', "line 1: missing field 'text'"),
        ('{"text": "ok"}\n{"text": null}\n', "line 2: field 'text' should be str, got NoneType"),
        ('{"id": true, "text": "ok"}\n', "line 1: field 'id' should be str or int, got bool"),
        ('{"id": [1], "text": "ok"}\n', "field 'id' should be str or int, got list"),
        ('["text"]\n', "line 1: expected a JSON object, got list"),
        ('{"text": "ok"}\n{"text": \n', "line 2: malformed JSON"),
    ],
)
def test_read_documents_names_the_bad_line(tmp_path, content, message):
    path = tmp_path / "docs.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(data.DataFileError, match=message.replace("[", r"\[")):
        data.read_documents(path)


def test_a_byte_order_mark_is_not_part_of_the_text(tmp_path):
    bom = "\ufeff".encode()
    path = tmp_path / "docs.jsonl"
    path.write_bytes(bom + b'{"id": "a", "text": "No troops."}\n')
    assert data.read_documents(path) == [("a", "No troops.")]
    assert data.read_documents("x.jsonl", content="\ufeff" + '{"text": "Two."}') == [("1", "Two.")]
    article = tmp_path / "article.txt"
    article.write_bytes(bom + b"Kyiv, 2 May. Troops.")
    assert data.read_article(article) == "Kyiv, 2 May. Troops."


@pytest.mark.parametrize("path", [None, 3.5, ["docs.jsonl"]])
def test_read_documents_and_read_article_refuse_a_path_of_the_wrong_kind(path):
    with pytest.raises(TypeError, match="path must be a str or a Path, got "):
        data.read_documents(path)
    if path is not None:  # read_article(None) is the seed article
        with pytest.raises(TypeError, match="path must be a str or a Path, got "):
            data.read_article(path)


def test_dev_style_refuses_a_name_that_is_not_a_development_article():
    assert [data.dev_style(d) for d in ("dev07", "devC03")] == ["clean", "scraped"]
    for name in ("zzz", "dev", "devc03", "dev07x", "trA01", 7):
        with pytest.raises(ValueError, match="not the name of a development article"):
            data.dev_style(name)


def test_read_documents_refuses_missing_and_non_utf8_files(tmp_path):
    with pytest.raises(data.DataFileError, match="file not found"):
        data.read_documents(tmp_path / "missing.jsonl")
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(b'{"text": "ok"}\n{"text": "caf\xe9"}\n')
    with pytest.raises(data.DataFileError, match="line 2: not valid UTF-8"):
        data.read_documents(path)


def test_the_probes_validate_with_twelve_of_each_category():
    from collections import Counter

    probes = data.validate_probes()
    assert Counter(p["category"] for p in probes) == {c: 12 for c in data.PROBE_CATEGORIES}
    assert all(p["stance"] == data.PROBE_CATEGORIES[p["category"]] for p in probes)
    assert len({p["text"] for p in probes}) == len(probes)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"text": "X.", "stance": "FAVOR", "category": "vibes"}, "unknown category 'vibes'"),
        (
            {"text": "X.", "stance": "FAVOR", "category": "plain_refusal"},
            "a probe of category 'plain_refusal' must be AGAINST, not FAVOR",
        ),
        ({"text": "X.", "stance": "FAVOR"}, "missing field 'category'"),
    ],
)
def test_a_bad_probe_is_refused_with_its_line(tmp_path, row, message):
    path = tmp_path / "probes.jsonl"
    good = {"text": "Rain fell.", "stance": "NONE", "category": "unrelated"}
    path.write_text(json.dumps(good) + "\n" + json.dumps(row) + "\n", encoding="utf-8")
    with pytest.raises(data.DataFileError, match=f"line 2: {message}"):
        data.validate_probes(path)
