"""The README's examples run and print what it says (embetter's practice: docs never lie)."""

import doctest
import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_examples():
    blocks = re.findall(r"```pycon\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert blocks, "the README has no pycon example"
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    globs: dict = {}
    for i, block in enumerate(blocks):
        runner.run(parser.get_doctest(block, globs, f"README block {i}", str(README), 0))
    assert runner.failures == 0
