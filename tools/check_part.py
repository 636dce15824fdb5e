"""Check a new corpus part before it is merged into fixtures/train.jsonl.

Runs the corpus tests' checks on the part alone, so that an annotator can fix a sentence
before the merge: the schema and labels, no six-word sequence shared with a gold sentence,
no ``difflib`` ratio above 0.6 to one, no word-set Jaccard above 0.8 to another sentence of
the part or of the corpus, and, for a training part, no ``difflib`` ratio above 0.6 to a
sentence of the development articles (so that the development figures do not reward
memory). It never prints a gold sentence, so that an annotator who has
not read the article can use it without reading it.

Run: python tools/check_part.py PART.jsonl          (a part of the training corpus)
     python tools/check_part.py --dev ARTICLES.jsonl (development articles, with ``doc``)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from stancelib import data
from stancelib.overlap import close_pairs, near_duplicates, shares_ngram

FIELDS = {"text", "stance", "holder", "source_kind"}
DEV_FIELDS = FIELDS | {"doc"}


def main(path: str, dev: bool = False) -> int:
    problems: list[str] = []
    try:
        part = data.validate_dev(path) if dev else data.validate_training(path)
    except data.DataFileError as exc:
        print(exc)
        return 1
    for i, row in enumerate(part, start=1):
        extra = set(row) - DEV_FIELDS  # ``doc`` is optional in training parts
        if extra:
            problems.append(f"line {i}: fields {sorted(extra)} are not corpus fields")
    gold = [g["text"] for g in data.validate_gold()]
    texts = [row["text"] for row in part]
    copied = set(shares_ngram(texts, gold, n=6))
    close = {i for i, _ in close_pairs(texts, gold)}
    for i in range(len(texts)):
        if i in copied:
            problems.append(f"line {i + 1}: shares six consecutive words with a gold sentence")
        if i in close:
            problems.append(f"line {i + 1}: too close to a gold sentence (difflib ratio > 0.6)")
    if not dev:
        # A training sentence this close to a development sentence would let the
        # development figures reward memory; only the article's name is printed.
        dev_rows = data.validate_dev()
        for i, j in close_pairs(texts, [r["text"] for r in dev_rows]):
            problems.append(
                f"line {i + 1}: too close to a sentence of development article "
                f"{dev_rows[j]['doc']} (difflib ratio > 0.6)"
            )
    rows = list(data.validate_training())
    if dev:
        rows += list(data.validate_dev())
    # A part already merged into the corpus is checked against the rest of it, so that an
    # exact copy of a corpus sentence (a widget line such as "Advertisement" met twice) is
    # still reported.
    mine = {(row.get("doc"), row["text"]) for row in part}
    corpus = [r["text"] for r in rows if (r.get("doc"), r["text"]) not in mine]
    # The part's own sentences come after the corpus: a pair (a, b) with b in the part.
    for a, b in near_duplicates(corpus + texts):
        if b < len(corpus):
            continue
        line = b - len(corpus) + 1
        if a >= len(corpus):
            problems.append(
                f"line {line}: near duplicate of line {a - len(corpus) + 1} of the part"
            )
        else:
            problems.append(f"line {line}: near duplicate of corpus sentence {corpus[a]!r}")
    counts: dict[str, int] = {}
    for row in part:
        counts[row["stance"]] = counts.get(row["stance"], 0) + 1
    print(f"{path}: {len(part)} sentences {json.dumps(counts, sort_keys=True)}")
    print("\n".join(problems) if problems else "no problem found")
    return 1 if problems else 0


if __name__ == "__main__":
    args = sys.argv[1:]
    dev = args[:1] == ["--dev"]
    args = args[1:] if dev else args
    if len(args) != 1 or not Path(args[0]).is_file():
        sys.exit(__doc__)
    sys.exit(main(args[0], dev=dev))
