"""The ``stancelib`` console script: ``evaluate``, ``train`` and ``label`` subcommands.

Usage::

    stancelib evaluate [--model PATH] [--gold PATH] [--json PATH] ...   # see --help
    stancelib train [--data PATH] [--out PATH] [--search] ...
    stancelib label [FILE ...] [--model PATH] [--format tsv|json|jsonl]   # stdin without FILE
    stancelib label --jsonl ARTICLES.jsonl --format jsonl                 # one article a line

``evaluate`` and ``train`` hand their arguments to :func:`stancelib.evaluate.main` and
:func:`stancelib.train.main`; ``label`` splits each text into sentences and prints each
one's stance as tab-separated values (``start``, ``end``, ``stance``, ``confidence``,
``text``), a JSON list or JSON Lines. With several documents (several files, or
``--jsonl`` input, one document a line) each row also names its document (``doc``: the
file as given, or the line's id). Every input is read and checked before the first row is
printed, so a bad file or line stops the job with its name and nothing half-written.
"""

from __future__ import annotations

import argparse
import json
import logging
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
        return train_main(argv, prog=f"{_PROG} train")
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
        help="label each sentence of text files (or standard input)",
        description=(
            "Split texts into sentences and print each one's stance. With several "
            "documents, each row names its document (column or key 'doc')."
        ),
        epilog="Exit status: 0 on success, 2 on bad arguments or input files.",
    )
    label.add_argument(
        "files",
        nargs="*",
        type=Path,
        metavar="file",
        help="UTF-8 text files; '-' or nothing for standard input",
    )
    label.add_argument(
        "--jsonl",
        action="store_true",
        help="the files are JSON Lines of documents, one object a line with the text "
        "(see --text-field) and an optional id (--id-field), as a scraper writes them",
    )
    label.add_argument(
        "--text-field", default="text", help="with --jsonl: the field of the text (text)"
    )
    label.add_argument(
        "--id-field",
        default="id",
        help="with --jsonl: the field of the document's name (id; without it, the line number)",
    )
    label.add_argument("--model", type=Path, help="model file (default: the shipped model)")
    label.add_argument(
        "--trusted",
        action="store_true",
        help="load --model without checking its SHA-256 (only a file you made yourself)",
    )
    label.add_argument(
        "--encoder",
        action="store_true",
        help="blend in the model's fine-tuned transformer (slower, see the README)",
    )
    label.add_argument(
        "--format",
        choices=("tsv", "json", "jsonl"),
        default=None,
        help="tab-separated values (default), a JSON list, or JSON Lines: one object a "
        "sentence, for large inputs",
    )
    label.add_argument("--json", action="store_true", help="the same as --format json")
    label.add_argument("--quiet", action="store_true", help="no progress reports on standard error")
    return parser


def _read_input(path: Path | None, stdin: TextIO) -> str:
    if path is None or str(path) == "-":
        return stdin.read().removeprefix("\ufeff")  # a BOM is not text; see read_article
    from .data import read_article

    return read_article(path)


def _documents(args: argparse.Namespace, stdin: TextIO) -> list[tuple[str | None, str]]:
    """Every document to label, as ``(name, text)``, read and checked before any is
    labelled; the name is None for a single text."""
    from .data import read_documents

    paths = args.files or [None]
    if not args.jsonl:
        texts = [_read_input(path, stdin) for path in paths]
        if len(paths) == 1:
            return [(None, texts[0])]
        return [(str(path) if path is not None else "-", t) for path, t in zip(paths, texts)]
    documents: list[tuple[str | None, str]] = []
    # Ids repeat from file to file (line numbers always do): with several files, the
    # file's name goes in front of each id.
    several = len(paths) > 1
    for path in paths:
        if path is None or str(path) == "-":
            found = read_documents(
                "<stdin>",
                text_field=args.text_field,
                id_field=args.id_field,
                content=stdin.read(),
            )
        else:
            found = read_documents(path, text_field=args.text_field, id_field=args.id_field)
        name = "-" if path is None else str(path)
        documents.extend((f"{name}:{i}" if several else i, text) for i, text in found)
    return documents


_COLUMNS = ("start", "end", "stance", "confidence", "text")


def _print_rows(rows: list[dict], output: str, out: TextIO) -> None:
    """Write `rows` as TSV lines (no header), a JSON list or JSON Lines."""
    if output == "json":
        out.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        return
    for row in rows:
        if output == "jsonl":
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            continue
        # A tab or newline inside a name or a sentence would break the columns.
        cells = [row.get("doc"), row["start"], row["end"], row["stance"]]
        cells += [f"{row['confidence']:.3f}", row["text"]]
        if "doc" not in row:
            cells = cells[1:]
        out.write("\t".join(" ".join(str(c).split()) for c in cells) + "\n")


def _label(args: argparse.Namespace) -> int:
    from .api import label_text, load_model
    from .data import DataFileError
    from .persistence import ModelFileError
    from .progress import Progress, show_progress

    if not args.jsonl and (args.text_field != "text" or args.id_field != "id"):
        print("error: --text-field and --id-field need --jsonl", file=sys.stderr)
        return 2
    if args.json and args.format not in (None, "json"):
        print(f"error: --json and --format {args.format} disagree", file=sys.stderr)
        return 2
    output = "json" if args.json else (args.format or "tsv")
    if not args.quiet:
        show_progress()
    try:
        documents = _documents(args, sys.stdin)
        model = load_model(args.model, encoder=args.encoder, trusted=args.trusted)
    except (DataFileError, ModelFileError, OSError, UnicodeDecodeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    named = args.jsonl or len(documents) > 1
    progress = Progress(logging.getLogger("stancelib.cli"), "label: documents", len(documents))
    everything: list[dict] = []
    if output == "tsv":
        sys.stdout.write("\t".join(("doc",) * named + _COLUMNS) + "\n")
    for done, (name, text) in enumerate(documents, start=1):
        rows = label_text(text, model)
        if named:
            rows = [{"doc": name, **row} for row in rows]
        if output == "json":
            everything.extend(rows)
        else:
            # Streamed, so that memory stays flat in the number of documents.
            _print_rows(rows, output, sys.stdout)
        if len(documents) > 1:
            progress.update(done)
    if output == "json":
        _print_rows(everything, "json", sys.stdout)
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
