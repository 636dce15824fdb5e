"""The README's examples run and print what it says (embetter's practice: docs never lie)."""

import doctest
import re
from pathlib import Path

import pytest

from stancelib.evaluate import evaluate, format_report

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_examples():
    blocks = re.findall(r"```pycon\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert blocks, "the README has no pycon example"
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    globs: dict = {}
    for i, block in enumerate(blocks):
        test = parser.get_doctest(block, globs, f"README block {i}", str(README), 0)
        runner.run(test, clear_globs=False)
        globs = test.globs  # later blocks use the names that earlier ones defined
    assert runner.failures == 0


@pytest.fixture(scope="module")
def fresh_report():
    """The evaluation the README's main command runs, with its defaults."""
    return evaluate()


def test_readme_evaluation_block_matches_a_fresh_run(fresh_report):
    text = README.read_text(encoding="utf-8")
    block = re.search(
        r"<!-- output: python -m stancelib\.evaluate -->\n```text\n(.*?)```", text, re.S
    )
    assert block, "the README has no output block of the evaluation command"
    # Paths and versions depend on the machine; every figure from the headline to the
    # recorded cross-validation must be what a fresh run prints.
    fresh = format_report(fresh_report)
    figures = fresh[fresh.index("Headline:") : fresh.index("Versions:")]
    assert figures in block.group(1)


def test_readme_headline_table_matches_a_fresh_run(fresh_report):
    rows = dict(
        (cells[0], cells[1:])
        for cells in (
            [c.strip() for c in line.strip("|").split("|")]
            for line in README.read_text(encoding="utf-8").splitlines()
            if line.startswith("| ")
        )
    )
    model = fresh_report["model"]
    ci = model["ci"]
    assert rows["stancelib"] == [
        f"{model['macro_f1']:.3f} [{ci['macro_f1'][0]:.3f}, {ci['macro_f1'][1]:.3f}]",
        f"{model['f_avg']:.3f} [{ci['f_avg'][0]:.3f}, {ci['f_avg'][1]:.3f}]",
        f"{model['accuracy']:.3f}",
        f"{model['kappa']:.3f}",
    ]
    for name, figures in fresh_report["baselines"].items():
        keys = ("macro_f1", "f_avg", "accuracy", "kappa")
        assert rows[name] == [f"{figures[k]:.3f}" for k in keys], name
