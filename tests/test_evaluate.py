"""The evaluation report, its command line and the console script, on small fixtures."""

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest

from stancelib import cli, data
from stancelib.classifier import StanceClassifier
from stancelib.evaluate import (
    ABLATIONS,
    ablation,
    actor_stances,
    cross_validation,
    evaluate,
    format_report,
    headline,
    main,
)
from stancelib.labels import LABELS
from stancelib.metrics import HEADLINE
from stancelib.persistence import DEFAULT_MODEL, sidecar_path

# A hand-made article: (sentence, gold stance, holder).
SENTENCES = [
    ("Macron said France could send troops to Ukraine.", "FAVOR", "Macron"),
    ("Scholz said Germany will not send soldiers.", "AGAINST", "Scholz"),
    ("Prices rose in Kyiv this week.", "NONE", None),
    ("Scholz repeated that no troops will go.", "AGAINST", "Scholz"),
    ("Sunak ruled out sending British forces.", "AGAINST", "Sunak"),
    ("The summit ended on Tuesday.", "NONE", None),
]

TRAIN = (
    [(f"{who} will not send troops to Ukraine.", "AGAINST") for who in ("Germany", "Spain")]
    + [(f"{who} refuses to deploy soldiers.", "AGAINST") for who in ("Italy", "Poland")]
    + [("Sending troops is out of the question.", "AGAINST")] * 2
    + [(f"{who} is ready to send troops to Ukraine.", "FAVOR") for who in ("France", "Estonia")]
    + [(f"{who} could deploy soldiers.", "FAVOR") for who in ("Lithuania", "Latvia")]
    + [("Nothing can be ruled out, including troops.", "FAVOR")] * 2
    + [(f"Prices rose in {city}.", "NONE") for city in ("Kyiv", "Lviv")]
    + [(f"The meeting in {city} ended.", "NONE") for city in ("Paris", "Rome")]
    + [("Ukraine asked for more shells.", "NONE")] * 2
)


def write_jsonl(path, rows, raw_lines=()):
    lines = [json.dumps(r, ensure_ascii=False) for r in rows] + list(raw_lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def gold_rows(sentences=SENTENCES):
    article, rows = "", []
    for i, (text, stance, holder) in enumerate(sentences):
        start = len(article)
        article += text + " "
        rows.append(
            {
                "id": i,
                "start": start,
                "end": start + len(text),
                "text": text,
                "stance": stance,
                "holder": holder,
                "note": None if stance == "NONE" else "test",
            }
        )
    return article, rows


def write_files(tmp_path):
    """A small article, its gold file and a training corpus, written to tmp_path."""
    article, rows = gold_rows()
    (tmp_path / "article.txt").write_text(article, encoding="utf-8")
    write_jsonl(tmp_path / "gold.jsonl", rows)
    train = [
        {
            "text": text,
            "stance": stance,
            "holder": None if stance == "NONE" else "someone",
            "source_kind": "background",
        }
        for text, stance in TRAIN
    ]
    write_jsonl(tmp_path / "train.jsonl", train)
    dev = [
        {"doc": f"d{int(i >= 5)}", **row, "text": f"{row['text']} (dev)"}
        for i, row in enumerate(train[::2])
    ]
    write_jsonl(tmp_path / "dev.jsonl", dev)
    return {
        "dev": tmp_path / "dev.jsonl",
        "dir": tmp_path,
        "article": tmp_path / "article.txt",
        "gold": tmp_path / "gold.jsonl",
        "train": tmp_path / "train.jsonl",
        "rows": rows,
    }


@pytest.fixture
def files(tmp_path):
    return write_files(tmp_path)


def file_args(files, *extra):
    return [
        "--gold",
        str(files["gold"]),
        "--article",
        str(files["article"]),
        "--train",
        str(files["train"]),
        "--resamples",
        "20",
        *extra,
    ]


class FixedModel:
    """A stand-in model that gives each sentence a chosen stance, with probability 0.6."""

    classes_ = np.array(["AGAINST", "FAVOR", "NONE"], dtype=object)

    def __init__(self, stances):
        self.stances = stances

    def predict_proba(self, texts):
        proba = np.full((len(texts), 3), 0.2)
        for i, text in enumerate(texts):
            proba[i, list(self.classes_).index(self.stances[text])] = 0.6
        return proba


# ------------------------------------------------------------------- the report


@pytest.fixture(scope="module")
def shipped_report(tmp_path_factory):
    """evaluate() with the shipped model on the small gold, baselines included."""
    small = write_files(tmp_path_factory.mktemp("report"))
    return evaluate(
        gold=small["gold"], train=small["train"], article=small["article"], resamples=30, seed=3
    )


def test_report_has_the_documented_shape(shipped_report):
    report = shipped_report
    assert {"metadata", "model", "baselines", "actors", "actor_accuracy"} <= set(report)
    model = report["model"]
    for key in ("macro_f1", "f_avg", "accuracy", "kappa"):
        assert 0.0 <= model[key] <= 1.0 or key == "kappa"
    assert set(model["per_class"]) == set(LABELS)
    for scores in model["per_class"].values():
        assert set(scores) == {"precision", "recall", "f1", "support"}
    assert sum(s["support"] for s in model["per_class"].values()) == len(SENTENCES)
    assert set(model["ci"]) == {"macro_f1", "f_avg"}
    for name, (low, high) in model["ci"].items():
        assert 0.0 <= low <= high <= 1.0, name
    matrix = model["confusion_matrix"]
    assert matrix["labels"] == list(LABELS)
    assert np.asarray(matrix["matrix"]).sum() == len(SENTENCES)
    assert len(model["predictions"]) == len(SENTENCES)
    for p, (text, stance, holder) in zip(model["predictions"], SENTENCES):
        assert set(p) == {"id", "text", "holder", "gold", "pred", "confidence"}
        assert (p["text"], p["gold"], p["holder"]) == (text, stance, holder)
        assert p["pred"] in LABELS and 0.0 < p["confidence"] <= 1.0
    assert model["errors"] == [p for p in model["predictions"] if p["pred"] != p["gold"]]
    accuracy = 1 - len(model["errors"]) / len(SENTENCES)
    assert model["accuracy"] == pytest.approx(accuracy)


def test_report_has_the_three_baselines_with_headline_figures(shipped_report):
    baselines = shipped_report["baselines"]
    assert list(baselines) == ["majority", "keyword", "tfidf_logreg"]
    for figures in baselines.values():
        assert {"macro_f1", "f_avg", "accuracy", "kappa", "per_class"} <= set(figures)


def test_report_metadata_names_files_hashes_and_seed(shipped_report):
    meta = shipped_report["metadata"]
    assert meta["model"]["path"].endswith("default.joblib")
    assert len(meta["model"]["sha256"]) == 64
    assert meta["gold"]["path"].endswith("gold.jsonl") and len(meta["gold"]["sha256"]) == 64
    assert meta["gold"]["n_sentences"] == len(SENTENCES)
    assert meta["train"]["n_sentences"] == len(TRAIN)
    assert meta["seed"] == 3 and meta["resamples"] == 30
    assert {"stancelib", "scikit-learn", "numpy", "python"} <= set(meta["versions"])


def test_report_is_json_serialisable_and_deterministic(shipped_report, files):
    again = evaluate(
        gold=files["gold"],
        train=files["train"],
        article=files["article"],
        resamples=30,
        seed=3,
    )
    first, again = json.loads(json.dumps(shipped_report)), json.loads(json.dumps(again))
    for name in ("gold", "article", "train"):
        assert first["metadata"][name].pop("path") != again["metadata"][name].pop("path")
    assert first == again


def test_format_report_lists_every_misclassified_sentence(shipped_report):
    text = format_report(shipped_report)
    for section in ("Per class", "Confusion matrix", "baselines", "Actors", "Misclassified"):
        assert section in text
    for name in ("majority", "keyword", "tfidf_logreg"):
        assert name in text
    errors = shipped_report["model"]["errors"]
    assert f"Misclassified sentences ({len(errors)} of {len(SENTENCES)})" in text
    for error in errors:
        assert error["text"][:40] in text
    assert headline(shipped_report) in text


def test_in_memory_model_without_baselines(files):
    model = StanceClassifier(calibration_cv=None).fit(*zip(*TRAIN))
    report = evaluate(model, files["gold"], article=files["article"], baselines=False, resamples=10)
    assert report["baselines"] == {}
    assert report["metadata"]["model"]["path"] is None
    assert report["metadata"]["train"] is None
    assert "model in memory" in format_report(report)


def test_dev_articles_are_scored_for_the_model_and_each_baseline(files):
    report = evaluate(
        gold=files["gold"],
        train=files["train"],
        article=files["article"],
        resamples=5,
        dev=files["dev"],
    )
    dev = report["dev"]
    # The shipped model reads each article with context; its sentences alone are scored too.
    assert list(dev["systems"]) == [
        "stancelib",
        "stancelib, sentences alone",
        "majority",
        "keyword",
        "tfidf_logreg",
    ]
    assert dev["n_sentences"] == len(TRAIN[::2]) and dev["n_docs"] == 2
    for figures in dev["systems"].values():
        assert 0.0 <= figures["macro_f1"] <= 1.0
        assert sum(s["support"] for s in figures["per_class"].values()) == dev["n_sentences"]
    text = format_report(report)
    assert "Development articles" in text and "dev.jsonl (9 sentences in 2 articles" in text
    assert "dev" not in evaluate(gold=files["gold"], article=files["article"], baselines=False)


def test_dev_figures_are_split_by_how_the_articles_were_written(files, tmp_path):
    rows = [json.loads(line) for line in files["dev"].read_text().splitlines()]
    # d0 becomes an article written as prose, d1 one written as a scraped page.
    for row in rows:
        row["doc"] = {"d0": "dev01", "d1": "devA01"}[row["doc"]]
    write_jsonl(tmp_path / "styled.jsonl", rows)
    kwargs = dict(gold=files["gold"], train=files["train"], article=files["article"], resamples=5)
    dev = evaluate(**kwargs, dev=tmp_path / "styled.jsonl")["dev"]
    styles = dev["by_style"]
    assert list(styles) == ["clean", "scraped"]
    n_clean = sum(row["doc"] == "dev01" for row in rows)
    assert styles["clean"]["n_sentences"] == n_clean
    assert styles["scraped"]["n_sentences"] == len(rows) - n_clean
    assert set(styles["clean"]["systems"]) == set(dev["systems"])
    text = format_report({**evaluate(**kwargs, baselines=False), "dev": dev})
    assert f"clean ({n_clean} in 1)" in text and "scraped (" in text
    # devA01 is one of the articles a corpus writer's brief quoted from: the figures
    # without the quoted articles are dev01's alone.
    assert "devA01" in data.QUOTED_IN_BRIEFS and "dev01" not in data.QUOTED_IN_BRIEFS
    assert dev["unquoted"] == styles["clean"]
    assert f"unquoted ({n_clean} in 1)" in text
    # One style only: its figures are the whole file's, and no split is printed. Articles
    # not named like ours (d0, d1) are scored as "other" instead of being refused.
    whole = evaluate(**kwargs, dev=files["dev"])["dev"]
    assert list(whole["by_style"]) == ["other"]
    for name, figures in whole["systems"].items():
        assert whole["by_style"]["other"]["systems"][name]["macro_f1"] == figures["macro_f1"]
    assert whole["unquoted"] == whole["by_style"]["other"]
    assert "by how the articles were written" not in format_report(
        {**evaluate(**kwargs, baselines=False), "dev": whole}
    )


def test_main_dev_flag_adds_the_dev_table(files, capsys):
    assert main(file_args(files, "--no-baselines", "--dev", str(files["dev"]))) == 0
    assert "dev.jsonl (9 sentences in 2 articles" in capsys.readouterr().out


def test_evaluate_refuses_a_non_model(files):
    with pytest.raises(TypeError, match="model must be"):
        evaluate(object(), files["gold"], article=files["article"], baselines=False)


# ------------------------------------------------------------------- actors


def test_actor_table_on_a_hand_made_gold(files):
    # Macron right; Scholz split FAVOR/AGAINST (a tie: undecided, wrong); Sunak only NONE.
    chosen = {
        SENTENCES[0][0]: "FAVOR",
        SENTENCES[1][0]: "AGAINST",
        SENTENCES[2][0]: "NONE",
        SENTENCES[3][0]: "FAVOR",
        SENTENCES[4][0]: "NONE",
        SENTENCES[5][0]: "AGAINST",
    }
    report = evaluate(
        FixedModel(chosen), files["gold"], article=files["article"], baselines=False, resamples=5
    )
    actors = {a["holder"]: a for a in report["actors"]}
    assert list(actors) == ["Macron", "Scholz", "Sunak"]
    assert (actors["Macron"]["gold"], actors["Macron"]["pred"]) == ("FAVOR", "FAVOR")
    assert actors["Scholz"]["n_sentences"] == 2
    assert actors["Scholz"]["pred_counts"] == {"NONE": 0, "AGAINST": 1, "FAVOR": 1}
    assert (actors["Scholz"]["gold"], actors["Scholz"]["pred"]) == ("AGAINST", "NONE")
    assert (actors["Sunak"]["gold"], actors["Sunak"]["pred"]) == ("AGAINST", "NONE")
    assert [a["correct"] for a in report["actors"]] == [True, False, False]
    assert report["actor_accuracy"] == pytest.approx(1 / 3)
    assert all(p["confidence"] == pytest.approx(0.6) for p in report["model"]["predictions"])
    assert "actor accuracy 0.333 (1 of 3 holders)" in format_report(report)


def test_actor_majority_ignores_sentences_predicted_none():
    rows, share = actor_stances(
        ["A", "A", "A"], ["AGAINST", "AGAINST", "AGAINST"], ["NONE", "NONE", "AGAINST"]
    )
    assert rows[0]["pred"] == "AGAINST" and rows[0]["correct"] and share == 1.0


def test_actor_gold_tie_is_undecided_and_none_sentences_have_no_holder():
    rows, share = actor_stances(
        ["A", "A", "B", None, "C"],
        ["FAVOR", "AGAINST", "FAVOR", "NONE", "NONE"],
        ["AGAINST", "AGAINST", "AGAINST", "FAVOR", "FAVOR"],
    )
    assert [r["holder"] for r in rows] == ["A", "B"]  # C only has a NONE sentence
    assert (rows[0]["gold"], rows[0]["pred"], rows[0]["correct"]) == ("NONE", "AGAINST", False)
    assert share == 0.0


def test_actor_table_without_holders_and_with_bad_lengths():
    assert actor_stances([None], ["NONE"], ["FAVOR"]) == ([], None)
    with pytest.raises(ValueError, match="2 holders"):
        actor_stances(["A", "B"], ["FAVOR"], ["FAVOR"])


# -------------------------------------------------------------- CV and ablation


def test_cross_validation_recomputes_on_the_given_corpus(files):
    messages = []
    cv = cross_validation(files["train"], n_splits=3, seed=0, progress=messages.append)
    assert cv["n_splits"] == 3 and len(cv["folds"]) == 3
    assert 0.0 <= cv["macro_f1"] <= 1.0 and cv["macro_f1_std"] >= 0.0
    assert cv["train"]["n_sentences"] == len(TRAIN)
    assert "predictions" not in cv
    assert any("fold 3/3" in m for m in messages)


def test_ablation_switches_off_each_family_in_turn(files):
    messages = []
    result = ablation(
        files["gold"],
        files["train"],
        article=files["article"],
        n_splits=2,
        progress=messages.append,
    )
    assert [r["removed"] for r in result["rows"]] == [None, *ABLATIONS]
    for row in result["rows"]:
        assert set(row["gold"]) == {"macro_f1", "f_avg"}
        assert {"macro_f1", "f_avg", "macro_f1_std", "f_avg_std"} <= set(row["cv"])
    assert messages[0].startswith("ablation 1/7: full model: gold macro-F1")
    # Fitted in parallel, the rows come out the same and in the same order.
    parallel = ablation(
        files["gold"], files["train"], article=files["article"], n_splits=2, n_jobs=2
    )
    assert parallel["rows"] == result["rows"]
    report = evaluate(None, files["gold"], article=files["article"], baselines=False, resamples=5)
    assert "- reported_speech" in format_report({**report, "ablation": result})


def test_ablation_of_some_families(files):
    kw = {"article": files["article"], "cv": False}
    result = ablation(files["gold"], files["train"], families=["char", "cues"], **kw)
    assert [r["removed"] for r in result["rows"]] == [None, "char", "cues"]
    assert result["rows"][0]["cv"] is None
    with pytest.raises(ValueError, match="unknown families"):
        ablation(files["gold"], files["train"], families=["words"], **kw)
    with pytest.raises(TypeError, match="families must be a list"):
        ablation(files["gold"], files["train"], families="char", **kw)


def test_ablation_labels_the_development_articles_with_each_configuration(files):
    kw = {"article": files["article"], "cv": False, "families": ["char", "cues"]}
    result = ablation(files["gold"], files["train"], dev=files["dev"], **kw)
    dev_rows = [json.loads(line) for line in files["dev"].read_text().splitlines()]
    y_dev = [r["stance"] for r in dev_rows]
    # The full model's dev figure is that of the same classifier fitted and run by hand.
    from stancelib.metrics import macro_f1
    from stancelib.train import SHIPPED_PARAMS, make_estimator, training_texts

    texts, y = training_texts(files["train"])
    fitted = make_estimator(SHIPPED_PARAMS).fit(texts, y)
    expected = macro_f1(y_dev, list(fitted.predict([r["text"] for r in dev_rows])))
    assert result["rows"][0]["dev"]["macro_f1"] == pytest.approx(expected)
    assert all(set(r["dev"]) == {"macro_f1", "f_avg"} for r in result["rows"])
    report = evaluate(None, files["gold"], article=files["article"], baselines=False, resamples=5)
    assert "dev macro-F1" in format_report({**report, "ablation": result})
    without = ablation(files["gold"], files["train"], **kw)
    assert all(r["dev"] is None for r in without["rows"])
    assert "dev macro-F1" not in format_report({**report, "ablation": without})


# ------------------------------------------------------------------ command line


def test_main_prints_the_report_and_writes_json(files, capsys):
    out_json = files["dir"] / "out" / "report.json"
    out_json.parent.mkdir()
    assert main(file_args(files, "--json", str(out_json))) == 0
    printed = capsys.readouterr().out
    assert "Misclassified sentences" in printed and "tfidf_logreg" in printed
    report = json.loads(out_json.read_text(encoding="utf-8"))
    assert {"model", "baselines", "actors", "actor_accuracy", "metadata"} <= set(report)
    assert {"macro_f1", "f_avg", "accuracy", "kappa", "per_class", "ci"} <= set(report["model"])
    assert {"id", "gold", "pred", "confidence"} <= set(report["model"]["predictions"][0])
    assert set(report["baselines"]) == {"majority", "keyword", "tfidf_logreg"}


def test_quiet_prints_only_the_headline_line(files, capsys):
    assert main(file_args(files, "--quiet", "--no-baselines")) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert len(lines) == 1 and lines[0].startswith("macro-F1 ")


def test_help_describes_the_command(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "Evaluate the stance model" in out
    for option in ("--model", "--gold", "--json", "--quiet", "--cv", "--ablation", "--seed"):
        assert option in out


@pytest.mark.parametrize("argv", [["--bogus"], ["--resamples", "0"], ["--seed", "x"]])
def test_bad_arguments_exit_2(argv, capsys):
    assert main(argv) == 2
    assert "error" in capsys.readouterr().err


def _run_error(files, capsys, *extra):
    assert main(file_args(files, "--no-baselines", *extra)) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Traceback" not in captured.err
    assert captured.err.startswith("error: ")
    return captured.err


def test_missing_gold_exits_2_naming_the_file(files, capsys):
    files["gold"].unlink()
    err = _run_error(files, capsys)
    assert "gold.jsonl" in err and "not found" in err


def test_malformed_json_line_exits_2_naming_file_and_line(files, capsys):
    write_jsonl(files["gold"], files["rows"][:2], ['{"id": 2, "start": '])
    err = _run_error(files, capsys)
    assert "gold.jsonl, line 3" in err and "malformed JSON" in err


def test_unknown_label_exits_2_naming_file_and_line(files, capsys):
    rows = [dict(r) for r in files["rows"]]
    rows[1]["stance"] = "PRO"
    write_jsonl(files["gold"], rows)
    err = _run_error(files, capsys)
    assert "gold.jsonl, line 2" in err and "PRO" in err


def test_offsets_not_matching_text_exit_2_naming_file_and_line(files, capsys):
    rows = [dict(r) for r in files["rows"]]
    rows[3]["text"] = rows[3]["text"].replace("troops", "tanks")
    write_jsonl(files["gold"], rows)
    err = _run_error(files, capsys)
    assert "gold.jsonl, line 4" in err and "does not match" in err


def test_malformed_training_line_exits_2(files, capsys):
    files["train"].write_text('{"text": "x"}\nnot json\n', encoding="utf-8")
    assert main(file_args(files)) == 2
    assert "train.jsonl, line 1" in capsys.readouterr().err


def test_tampered_model_exits_2_naming_the_file(files, capsys):
    model = files["dir"] / "model.joblib"
    shutil.copyfile(DEFAULT_MODEL, model)
    shutil.copyfile(sidecar_path(DEFAULT_MODEL), sidecar_path(model))
    raw = bytearray(model.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    model.write_bytes(bytes(raw))
    err = _run_error(files, capsys, "--model", str(model))
    assert "model.joblib" in err and "SHA-256" in err


def test_missing_model_exits_2(files, capsys):
    err = _run_error(files, capsys, "--model", str(files["dir"] / "nope.joblib"))
    assert "nope.joblib" in err


def test_unwritable_json_path_exits_2(files, capsys):
    err = _run_error(files, capsys, "--json", str(files["dir"] / "no" / "such" / "r.json"))
    assert "r.json" in err


# ------------------------------------------------------------------ console script


def _console(*args, stdin=None):
    script = shutil.which("stancelib")
    command = [script] if script else [sys.executable, "-m", "stancelib.cli"]
    return subprocess.run(
        [*command, *args], input=stdin, capture_output=True, text=True, timeout=120
    )


def test_console_script_evaluate_quiet(files):
    result = _console("evaluate", *file_args(files, "--quiet", "--no-baselines"))
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 1
    assert result.stdout.startswith("macro-F1 ")


def test_python_m_evaluate_exits_2_on_a_bad_file(files):
    files["gold"].write_text("{oops\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "stancelib.evaluate", *file_args(files, "--no-baselines")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "gold.jsonl, line 1" in result.stderr and "Traceback" not in result.stderr


def test_cli_label_prints_tsv_and_json(files, capsys, monkeypatch):
    assert cli.main(["label", str(files["article"])]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "start\tend\tstance\tconfidence\ttext"
    assert len(lines) == 1 + len(SENTENCES)
    start, end, stance, confidence, text = lines[1].split("\t")
    assert (int(start), int(end), text) == (0, len(SENTENCES[0][0]), SENTENCES[0][0])
    assert stance in LABELS and 0.0 < float(confidence) <= 1.0

    assert cli.main(["label", str(files["article"]), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["text"] for r in rows] == [s[0] for s in SENTENCES]
    assert {"start", "end", "text", "stance", "confidence"} <= set(rows[0])


def test_cli_label_reads_stdin():
    result = _console("label", stdin="Germany will not send troops. Prices rose.")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 3


def test_cli_errors_and_help(files, capsys):
    assert cli.main(["label", str(files["dir"] / "missing.txt")]) == 2
    assert "missing.txt" in capsys.readouterr().err
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "evaluate" in out and "train" in out and "label" in out
    assert cli.main(["frobnicate"]) == 2
    assert cli.main(["evaluate", "--help"]) == 0
    assert "usage: stancelib evaluate" in capsys.readouterr().out
    assert cli.main(["train", "--help"]) == 0


def test_the_article_is_read_with_context_and_the_sentences_alone_reported(files):
    kwargs = dict(gold=files["gold"], article=files["article"], baselines=False, resamples=5)
    report = evaluate(**kwargs)
    assert report["model"]["context"] is True
    alone = evaluate(**kwargs, context=False)
    assert alone["model"]["context"] is False and "sentences_alone" not in alone["model"]
    # The figures of the sentences alone are those of a run without context.
    assert report["model"]["sentences_alone"] == {k: alone["model"][k] for k in HEADLINE}
    assert "stancelib, sentences alone" in format_report(report)


def test_main_no_context_flag(files, capsys):
    assert main(file_args(files, "--no-baselines", "--no-context")) == 0
    assert "sentences alone" not in capsys.readouterr().out


def test_encoder_option_scores_the_blend_beside_its_ngram_half(files, capsys):
    blend = evaluate(
        gold=files["gold"], article=files["article"], baselines=False, resamples=20, encoder=True
    )
    fast = evaluate(gold=files["gold"], article=files["article"], baselines=False, resamples=20)
    assert "ngrams_only" not in fast["model"] and fast["metadata"]["model"]["encoder"] is None
    assert blend["metadata"]["model"]["encoder"]["weight"] == 0.3
    # The n-gram half of the blend is the default model, read the same way.
    assert blend["model"]["ngrams_only"]["macro_f1"] == fast["model"]["macro_f1"]
    assert cli.main(["evaluate", *file_args(files, "--encoder", "--no-baselines")]) == 0
    out = capsys.readouterr().out
    assert "stancelib, n-grams only" in out and "+ encoder encoder.npz" in out
    with pytest.raises(ValueError, match="needs a model file"):
        evaluate(FixedModel({}), gold=files["gold"], article=files["article"], encoder=True)


def test_cli_label_with_the_encoder(files, capsys):
    assert cli.main(["label", str(files["article"]), "--encoder", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["text"] for r in rows] == [s[0] for s in SENTENCES]
    assert all(r["stance"] in LABELS for r in rows)
