"""The ``stancelib`` console script: ``evaluate``, ``train`` and ``label`` subcommands.

Usage::

    stancelib evaluate [--model PATH] [--gold PATH] [--json PATH] ...   # see --help
    stancelib train [--data PATH] [--out PATH] [--search] ...
    stancelib label [FILE] [--model PATH] [--json]                       # stdin without FILE

``evaluate`` and ``train`` hand their arguments to :func:`stancelib.evaluate.main` and
:func:`stancelib.train.main`; ``label`` splits a text into sentences and prints each one's
stance as tab-separated values (``start``, ``end``, ``stance``, ``confidence``, ``text``)
or, with ``--json``, as a JSON list.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

__all__ = ["main"]

_PROG = "stancelib"


def _evaluate(argv: list[str]) -> int:
    from .evaluate import main as evaluate_main

    return evaluate_main(argv, prog=f"{_PROG} evaluate")


def _train(argv: list[str]) -> int:
    from .train import main as train_main

    try:
        return train_main(argv)
    except SystemExit as exc:  # its argparse exits after --help or on a bad argument
        return exc.code if isinstance(exc.code, int) else 2


#: Subcommands whose arguments are parsed by the module they delegate to.
_DELEGATED = {"evaluate": _evaluate, "train": _train}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=_PROG,
        description="Sentence-level stance toward deploying Western troops to Ukraine.",
        epilog=f"Run '{_PROG} COMMAND --help' for the options of a command.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    commands.add_parser(
        "evaluate",
        help="evaluate the model on the annotated article, with baselines",
        add_help=False,
    )
    commands.add_parser("train", help="rebuild the default model from the corpus", add_help=False)
    label = commands.add_parser(
        "label",
        help="label each sentence of a text file (or standard input)",
        description="Split a text into sentences and print each one's stance.",
    )
    label.add_argument(
        "file", nargs="?", type=Path, help="UTF-8 text file; '-' or nothing for standard input"
    )
    label.add_argument("--model", type=Path, help="model file (default: the shipped model)")
    label.add_argument(
        "--encoder",
        action="store_true",
        help="blend in the model's fine-tuned transformer (slower, see the README)",
    )
    label.add_argument("--json", action="store_true", help="print a JSON list instead of TSV")
    label.add_argument("--quiet", action="store_true", help="no progress reports on standard error")
    return parser


def _read_input(path: Path | None, stdin: TextIO) -> str:
    if path is None or str(path) == "-":
        return stdin.read()
    from .data import read_article

    return read_article(path)


def _print_rows(rows: list[dict], as_json: bool, out: TextIO) -> None:
    if as_json:
        out.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        return
    out.write("start\tend\tstance\tconfidence\ttext\n")
    for row in rows:
        text = " ".join(row["text"].split())
        out.write(
            f"{row['start']}\t{row['end']}\t{row['stance']}\t{row['confidence']:.3f}\t{text}\n"
        )


def _label(args: argparse.Namespace) -> int:
    from .api import label_text, load_model
    from .data import DataFileError
    from .persistence import ModelFileError
    from .progress import show_progress

    if not args.quiet:
        show_progress()
    try:
        text = _read_input(args.file, sys.stdin)
        model = load_model(args.model, encoder=args.encoder)
        rows = label_text(text, model)
    except (DataFileError, ModelFileError, OSError, UnicodeDecodeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    _print_rows(rows, args.json, sys.stdout)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Console script entry point; returns the exit code (0 success, 2 bad input)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in _DELEGATED:
        return _DELEGATED[argv[0]](argv[1:])
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse exits 0 after --help, 2 on a bad argument
        return exc.code if isinstance(exc.code, int) else 2
    return _label(args)


if __name__ == "__main__":
    sys.exit(main())
