"""Paste the real output of the README's result commands into the README.

Each result block in README.md is fenced by two markers that name the command::

    <!-- output: python -m stancelib.evaluate -->
    ```text
    ...what the command printed...
    ```
    <!-- end output -->

A marker may end with ``(from "TEXT")`` to keep only the output from the first line that
starts with TEXT, for commands whose first part is shown elsewhere, or with
``(from "TEXT" until "END")`` to stop before the next line that starts with END.

This script runs each named command from the repository root and replaces the block's
content with what it printed on stdout, so the README only ever shows figures from a run.
It also rewrites the headline table (between ``<!-- table: headline -->`` and
``<!-- end table -->``) from a fresh :func:`stancelib.evaluate.evaluate`.

Usage::

    python tools/update_readme.py                  # every block (about 10 minutes)
    python tools/update_readme.py --only evaluate  # blocks whose command contains "evaluate"
    python tools/update_readme.py --exact --only "python -m stancelib.evaluate --dev"
    python tools/update_readme.py --list           # the commands, without running them
"""

from __future__ import annotations

import argparse
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
BLOCK = re.compile(
    r"(<!-- output: (?P<command>.+?)"
    r"(?: \(from \"(?P<start>[^\"]+)\"(?: until \"(?P<until>[^\"]+)\")?\))? -->\n```text\n)"
    r"(?P<body>.*?)(?P<close>```\n<!-- end output -->)",
    re.S,
)
TABLE = re.compile(r"(<!-- table: headline -->\n)(?P<body>.*?)(<!-- end table -->)", re.S)


def blocks(text: str) -> list[str]:
    """The commands of the README's output blocks, in order."""
    return [m.group("command") for m in BLOCK.finditer(text)]


def run(command: str, start: str | None = None, until: str | None = None) -> str:
    """Run a README command from the repository root with this interpreter; its stdout.

    With `start`, only the lines from the first one that starts with `start`; with
    `until`, up to the next one that starts with `until` (without it and blank lines
    before it).
    """
    argv = shlex.split(command)
    if argv[0] == "python":
        argv[0] = sys.executable
    print(f"running: {command}", file=sys.stderr, flush=True)
    done = subprocess.run(argv, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=True)
    lines = done.stdout.rstrip("\n").split("\n")
    if start is not None:
        first = next((i for i, line in enumerate(lines) if line.startswith(start)), None)
        if first is None:
            raise SystemExit(f"{command!r} printed no line starting with {start!r}")
        lines = lines[first:]
    if until is not None:
        end = next((i for i, line in enumerate(lines) if i and line.startswith(until)), None)
        if end is None:
            raise SystemExit(f"{command!r} printed no line starting with {until!r}")
        lines = lines[:end]
        while lines and not lines[-1].strip():
            lines.pop()
    return "\n".join(lines) + "\n"


def headline_table() -> str:
    """The README's table of headline figures, from a fresh evaluation with the defaults."""
    from stancelib.evaluate import evaluate

    report = evaluate()
    model, ci = report["model"], report["model"]["ci"]
    rows = [
        "| system | macro-F1 | F_avg | accuracy | kappa |",
        "| --- | --- | --- | --- | --- |",
        f"| stancelib | {model['macro_f1']:.3f} [{ci['macro_f1'][0]:.3f}, {ci['macro_f1'][1]:.3f}] "
        f"| {model['f_avg']:.3f} [{ci['f_avg'][0]:.3f}, {ci['f_avg'][1]:.3f}] "
        f"| {model['accuracy']:.3f} | {model['kappa']:.3f} |",
    ]
    systems = list(report["baselines"].items())
    if model.get("ngrams_only"):
        systems.insert(0, ("stancelib, n-grams only", model["ngrams_only"]))
    if model.get("sentences_alone"):
        systems.insert(0, ("stancelib, sentences alone", model["sentences_alone"]))
    for name, f in systems:
        rows.append(
            f"| {name} | {f['macro_f1']:.3f} | {f['f_avg']:.3f} | {f['accuracy']:.3f} "
            f"| {f['kappa']:.3f} |"
        )
    return "\n".join(rows) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--only",
        metavar="TEXT",
        action="append",
        help="only the blocks whose command has TEXT (repeatable: any of them)",
    )
    parser.add_argument(
        "--exact", action="store_true", help="with --only: the command must be TEXT itself"
    )
    parser.add_argument("--list", action="store_true", help="list the commands and stop")
    args = parser.parse_args(argv)

    text = README.read_text(encoding="utf-8")
    if args.list:
        print("\n".join(blocks(text)))
        return 0

    def wanted(command: str) -> bool:
        if not args.only:
            return True
        if args.exact:
            return command in args.only
        return any(text in command for text in args.only)

    def replace(match: re.Match) -> str:
        command = match.group("command")
        if not wanted(command):
            return match.group(0)
        body = run(command, match.group("start"), match.group("until"))
        return match.group(1) + body + match.group("close")

    text = BLOCK.sub(replace, text)
    if wanted("python -m stancelib.evaluate"):
        print("running: the headline table", file=sys.stderr, flush=True)
        text = TABLE.sub(lambda m: m.group(1) + headline_table() + m.group(3), text)
    README.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
