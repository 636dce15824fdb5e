"""Agreement between two annotations of the same article.

The gold article was annotated once by hand. A second annotation, made blind to the first
(and to every model and score), says how far the labels follow from the guidelines rather
than from one annotator's reading: if two annotators disagree on a sentence, no model can
be expected to match either of them there.

Run: python -m stancelib.agreement [--first GOLD] [--second SECOND] [--article ARTICLE]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from . import data
from .labels import LABELS
from .metrics import stance_scores

__all__ = ["agreement", "format_agreement", "main", "second_path"]


def second_path() -> Path:
    """The second, blind annotation of the gold article (``fixtures/article_second.jsonl``)."""
    return data.gold_path().with_name("article_second.jsonl")


def agreement(first: Sequence[dict[str, Any]], second: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Compare two annotations of the same sentences.

    Parameters
    ----------
    first, second : sequence of dict
        Rows with ``id``, ``text``, ``stance`` and ``holder``, as
        :func:`stancelib.data.validate_gold` returns them; both must hold the same
        sentences in the same order. `first` is the reference: precision and recall of
        the scores are those of `second` against it (kappa does not depend on the order).

    Returns
    -------
    dict
        ``n_sentences``; ``stance``: the :func:`stancelib.metrics.stance_scores` of
        `second` against `first` (``kappa``, ``macro_f1``, ``f_avg``, ...);
        ``holders``: ``{"compared", "same"}`` over the sentences that both give the
        same stance other than NONE; ``disagreements``: ``[{"id", "first", "second"}]``
        on the stance; ``holder_disagreements``: ``[{"id", "first", "second"}]``.

    Raises
    ------
    ValueError
        If the two do not annotate the same sentences.

    Examples
    --------
    >>> a = [{"id": 0, "text": "No.", "stance": "AGAINST", "holder": "X"}]
    >>> b = [{"id": 0, "text": "No.", "stance": "AGAINST", "holder": "Y"}]
    >>> result = agreement(a, b)
    >>> result["stance"]["accuracy"], result["holders"]
    (1.0, {'compared': 1, 'same': 0})
    """
    if len(first) != len(second):
        raise ValueError(
            f"the first annotation has {len(first)} sentences, the second {len(second)}"
        )
    for a, b in zip(first, second):
        if (a["id"], a["text"]) != (b["id"], b["text"]):
            raise ValueError(
                f"sentence {a['id']} of the first annotation is not sentence {b['id']} of "
                "the second: both must annotate the same sentences in the same order"
            )
    disagreements = [
        {"id": a["id"], "first": a["stance"], "second": b["stance"]}
        for a, b in zip(first, second)
        if a["stance"] != b["stance"]
    ]
    # A holder is only comparable where both annotators see the same stance taken.
    both = [(a, b) for a, b in zip(first, second) if a["stance"] == b["stance"] != "NONE"]
    holder_disagreements = [
        {"id": a["id"], "first": a["holder"], "second": b["holder"]}
        for a, b in both
        if a["holder"] != b["holder"]
    ]
    return {
        "n_sentences": len(first),
        "stance": stance_scores([a["stance"] for a in first], [b["stance"] for b in second]),
        "holders": {"compared": len(both), "same": len(both) - len(holder_disagreements)},
        "disagreements": disagreements,
        "holder_disagreements": holder_disagreements,
    }


def format_agreement(result: dict[str, Any]) -> str:
    """The report that ``python -m stancelib.agreement`` prints for :func:`agreement`."""
    stance = result["stance"]
    matrix = np.asarray(stance["confusion_matrix"])
    lines = [f"sentences: {result['n_sentences']}"]
    # Each annotation's label counts are the confusion matrix's row and column sums.
    for name, counts in (("first", matrix.sum(axis=1)), ("second", matrix.sum(axis=0))):
        lines.append(
            f"{name:>7} annotation: " + "  ".join(f"{k} {n}" for k, n in zip(LABELS, counts))
        )
    lines.append(
        f"stance: kappa {stance['kappa']:.3f}  agreement {stance['accuracy']:.3f}  "
        f"macro-F1 {stance['macro_f1']:.3f}  F_avg {stance['f_avg']:.3f} (second against first)"
    )
    lines.append("confusion (rows first, columns second): " + "  ".join(LABELS))
    for label, row in zip(LABELS, stance["confusion_matrix"]):
        lines.append(f"  {label:>8} " + " ".join(f"{v:4d}" for v in row))
    for d in result["disagreements"]:
        lines.append(f"  stance differs, sentence {d['id']}: {d['first']} / {d['second']}")
    holders = result["holders"]
    lines.append(
        f"holders: the same in {holders['same']} of {holders['compared']} sentences "
        "that both give the same stance"
    )
    for d in result["holder_disagreements"]:
        lines.append(f"  holder differs, sentence {d['id']}: {d['first']} / {d['second']}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point; returns the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m stancelib.agreement",
        description="Agreement (Cohen's kappa, macro-F1, holders) between two annotations "
        "of the gold article.",
    )
    parser.add_argument(
        "--first", type=Path, help="reference annotation (default: fixtures/article_gold.jsonl)"
    )
    parser.add_argument(
        "--second",
        type=Path,
        help="the other annotation (default: fixtures/article_second.jsonl)",
    )
    parser.add_argument(
        "--article", type=Path, help="the article both annotate (default: fixtures/article.txt)"
    )
    args = parser.parse_args(argv)
    try:
        first = data.validate_gold(args.first, args.article)
        second = data.validate_gold(args.second or second_path(), args.article)
        result = agreement(first, second)
    except (data.DataFileError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(format_agreement(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
