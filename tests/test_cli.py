"""The ``stancelib label`` command on several documents: files, JSON Lines, formats."""

import json

import pytest

import stancelib
from stancelib import cli, progress

TEXTS = {
    "a": "Germany will not send troops. Prices rose in Kyiv.",
    "b": "Nothing can be ruled out, Macron said.",
}


@pytest.fixture
def two_files(tmp_path):
    paths = []
    for name, text in TEXTS.items():
        path = tmp_path / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def _expected(name, text):
    return [{"doc": name, **row} for row in stancelib.label_text(text)]


def test_several_files_name_their_document_in_each_row(two_files, capsys):
    assert cli.main(["label", "--quiet", *map(str, two_files)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "doc\tstart\tend\tstance\tconfidence\ttext"
    expected = [r for p, t in zip(two_files, TEXTS.values()) for r in _expected(str(p), t)]
    assert len(lines) == 1 + len(expected)
    for line, row in zip(lines[1:], expected):
        doc, start, end, stance, confidence, text = line.split("\t")
        assert (doc, int(start), int(end), stance, text) == (
            row["doc"],
            row["start"],
            row["end"],
            row["stance"],
            row["text"],
        )
        assert float(confidence) == pytest.approx(row["confidence"], abs=5e-4)

    assert cli.main(["label", "--quiet", "--format", "json", *map(str, two_files)]) == 0
    assert json.loads(capsys.readouterr().out) == expected


def test_jsonl_input_streams_jsonl_rows_with_the_ids(tmp_path, capsys):
    path = tmp_path / "articles.jsonl"
    lines = [
        json.dumps({"id": "x1", "body": TEXTS["a"], "url": "https://example.org"}),
        "",
        json.dumps({"body": TEXTS["b"]}),
        json.dumps({"id": 7, "body": ""}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    argv = ["label", "--quiet", "--jsonl", "--text-field", "body", "--format", "jsonl", str(path)]
    assert cli.main(argv) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    # Without an id a document is named by its line; an empty text has no sentences.
    assert rows == _expected("x1", TEXTS["a"]) + _expected("3", TEXTS["b"])


def test_a_bad_line_stops_the_job_before_any_output(tmp_path, capsys):
    path = tmp_path / "articles.jsonl"
    good = json.dumps({"id": "ok", "text": TEXTS["a"]})
    path.write_text(f"{good}\n{good}\n{json.dumps({'id': 'bad', 'text': 3})}\n", "utf-8")
    assert cli.main(["label", "--quiet", "--jsonl", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"{path}, line 3: field 'text' should be str, got int" in captured.err

    path.write_text(f'{good}\n{{"id": "x", "text": "unclosed\n', "utf-8")
    assert cli.main(["label", "--quiet", "--jsonl", str(path)]) == 2
    assert "line 2: malformed JSON" in capsys.readouterr().err
    assert cli.main(["label", "--quiet", "--jsonl", "--id-field", "text", str(path)]) == 2


def test_jsonl_from_standard_input(monkeypatch, capsys):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps({"id": "s", "text": TEXTS["b"]})))
    assert cli.main(["label", "--quiet", "--jsonl"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("doc\t") and out[1].startswith("s\t0\t")


def test_tabs_and_newlines_in_names_and_sentences_keep_the_columns(tmp_path, capsys):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"id": "a\tb", "text": "No troops\twill go.\n"}) + "\n", "utf-8")
    assert cli.main(["label", "--quiet", "--jsonl", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [len(line.split("\t")) for line in lines] == [6, 6]
    assert lines[1].split("\t")[0] == "a b" and lines[1].endswith("No troops will go.")


def test_progress_is_reported_per_document_unless_quiet(
    no_progress_handler, two_files, capsys, monkeypatch
):
    monkeypatch.setattr(progress, "EVERY_SECONDS", 0.0)
    assert cli.main(["label", "--quiet", *map(str, two_files)]) == 0
    assert capsys.readouterr().err == ""
    assert cli.main(["label", *map(str, two_files)]) == 0
    assert capsys.readouterr().err == "label: documents: 1 of 2\nlabel: documents: 2 of 2\n"


def test_conflicting_formats_are_refused(two_files, capsys):
    assert cli.main(["label", "--json", "--format", "jsonl", str(two_files[0])]) == 2
    assert "--json and --format jsonl disagree" in capsys.readouterr().err
    assert cli.main(["label", "--format", "xml", str(two_files[0])]) == 2


def test_several_jsonl_files_name_the_file_before_each_id(tmp_path, capsys):
    paths = []
    for name in ("x", "y"):
        path = tmp_path / f"{name}.jsonl"
        path.write_text(json.dumps({"text": TEXTS["b"]}) + "\n", encoding="utf-8")
        paths.append(str(path))
    assert cli.main(["label", "--quiet", "--jsonl", "--format", "jsonl", *paths]) == 0
    docs = [json.loads(line)["doc"] for line in capsys.readouterr().out.splitlines()]
    assert docs == [f"{paths[0]}:1", f"{paths[1]}:1"]


def test_jsonl_field_options_need_jsonl(two_files, capsys):
    assert cli.main(["label", "--text-field", "body", str(two_files[0])]) == 2
    assert "--text-field and --id-field need --jsonl" in capsys.readouterr().err


def test_stancelib_names_its_submodules_without_an_import():
    import stancelib

    assert stancelib.progress.show_progress is progress.show_progress
    assert callable(stancelib.evaluate.evaluate) and callable(stancelib.agreement.agreement)


def test_a_byte_order_mark_does_not_reach_the_first_sentence(tmp_path, monkeypatch, capsys):
    import io

    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeff".encode() + TEXTS["a"].encode())
    assert cli.main(["label", "--quiet", "--format", "json", str(path)]) == 0
    from_file = json.loads(capsys.readouterr().out)
    assert from_file == stancelib.label_text(TEXTS["a"])
    monkeypatch.setattr("sys.stdin", io.StringIO("\ufeff" + TEXTS["a"]))
    assert cli.main(["label", "--quiet", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == from_file


def test_trusted_loads_a_model_without_its_sidecar(two_files, tmp_path, capsys):
    import shutil

    from stancelib.persistence import DEFAULT_MODEL

    copy = tmp_path / "mine.joblib"
    shutil.copyfile(DEFAULT_MODEL, copy)
    args = ["label", "--quiet", "--model", str(copy), str(two_files[0])]
    assert cli.main(args) == 2
    assert "--trusted on the command line" in capsys.readouterr().err
    assert cli.main([*args, "--trusted"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0].startswith("start\t") and len(rows) == 1 + len(_expected("a", TEXTS["a"]))
    report = tmp_path / "report.json"
    evaluate = ["evaluate", "--quiet", "--no-baselines", "--resamples", "1", "--model", str(copy)]
    assert cli.main([*evaluate, "--json", str(report)]) == 2
    assert "--trusted" in capsys.readouterr().err and not report.exists()
    assert cli.main([*evaluate, "--trusted", "--json", str(report)]) == 0
    assert json.loads(report.read_text(encoding="utf-8"))["model"]["macro_f1"] > 0


def test_each_subcommand_names_itself_in_its_usage(capsys):
    for command in ("train", "evaluate", "label"):
        assert cli.main([command, "--help"]) == 0
        assert capsys.readouterr().out.startswith(f"usage: stancelib {command} ")
