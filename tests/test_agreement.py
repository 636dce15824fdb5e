"""Agreement between two annotations of the gold article, and its command line."""

import json
import re
from pathlib import Path

import pytest

from stancelib import data
from stancelib.agreement import agreement, main, second_path


def _rows(stances, holders=None):
    holders = holders or [None if s == "NONE" else "X" for s in stances]
    return [
        {"id": i, "text": f"sentence {i}.", "stance": s, "holder": h}
        for i, (s, h) in enumerate(zip(stances, holders))
    ]


def test_identical_annotations_agree_fully():
    rows = _rows(["FAVOR", "AGAINST", "NONE", "NONE"])
    result = agreement(rows, rows)
    assert result["stance"]["kappa"] == pytest.approx(1.0)
    assert result["disagreements"] == [] and result["holder_disagreements"] == []
    assert result["holders"] == {"compared": 2, "same": 2}


def test_disagreements_lower_kappa_and_are_listed():
    first = _rows(["FAVOR", "AGAINST", "AGAINST", "NONE", "NONE", "NONE"])
    second = _rows(
        ["NONE", "AGAINST", "AGAINST", "NONE", "NONE", "AGAINST"],
        [None, "X", "Y", None, None, "X"],
    )
    result = agreement(first, second)
    # Observed agreement 4/6; chance agreement (1*0 + 2*3 + 3*3) / 36 = 15/36.
    assert result["stance"]["accuracy"] == pytest.approx(4 / 6)
    assert result["stance"]["kappa"] == pytest.approx((4 / 6 - 15 / 36) / (1 - 15 / 36))
    assert result["disagreements"] == [
        {"id": 0, "first": "FAVOR", "second": "NONE"},
        {"id": 5, "first": "NONE", "second": "AGAINST"},
    ]
    # Holders are compared only where both see the same stance taken (sentences 1 and 2).
    assert result["holders"] == {"compared": 2, "same": 1}
    assert result["holder_disagreements"] == [{"id": 2, "first": "X", "second": "Y"}]


def test_annotations_of_different_sentences_are_refused():
    with pytest.raises(ValueError, match="4 sentences, the second 3"):
        agreement(_rows(["NONE"] * 4), _rows(["NONE"] * 3))
    other = _rows(["NONE", "NONE"])
    other[1]["text"] = "another sentence."
    with pytest.raises(ValueError, match="sentence 1 of the first annotation"):
        agreement(_rows(["NONE", "NONE"]), other)


def test_the_shipped_second_annotation_annotates_the_gold_sentences():
    gold, second = data.validate_gold(), data.validate_gold(second_path())
    assert [(g["id"], g["text"]) for g in gold] == [(s["id"], s["text"]) for s in second]
    assert all((s["holder"] is None) == (s["stance"] == "NONE") for s in second)


def test_main_prints_the_agreement_of_the_shipped_annotations(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    result = agreement(data.validate_gold(), data.validate_gold(second_path()))
    assert out.startswith(f"sentences: {result['n_sentences']}\n")
    assert f"stance: kappa {result['stance']['kappa']:.3f}" in out
    assert out.count("stance differs") == len(result["disagreements"])
    assert out.count("holder differs") == len(result["holder_disagreements"])


def test_main_names_the_line_of_a_malformed_file(tmp_path, capsys):
    lines = data.gold_path().read_text(encoding="utf-8").split("\n")
    row = json.loads(lines[2])
    row["stance"] = "MAYBE"
    lines[2] = json.dumps(row, ensure_ascii=False)
    bad = tmp_path / "second.jsonl"
    bad.write_text("\n".join(lines), encoding="utf-8")
    assert main(["--second", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "line 3" in err and "unknown stance 'MAYBE'" in err


def test_main_help_describes_the_command(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    assert "Cohen's kappa" in capsys.readouterr().out


def test_the_readme_block_is_what_the_command_prints(capsys):
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    block = re.search(
        r"<!-- output: python -m stancelib\.agreement -->\n```text\n(.*?)```", readme, re.S
    )
    assert block, "the README has no output block of python -m stancelib.agreement"
    assert main([]) == 0
    assert block.group(1) == capsys.readouterr().out
