"""Check a new corpus part before it is merged into fixtures/train.jsonl.

Runs the corpus tests' checks on the part alone, so that an annotator can fix a sentence
before the merge: the schema and labels, no six-word sequence shared with a gold sentence,
no ``difflib`` ratio above 0.6 to one, no word-set Jaccard above 0.8 to another sentence of
the part or of the corpus. It never prints a gold sentence, so that an annotator who has
not read the article can use it without reading it.

Run: python tools/check_part.py PART.jsonl          (a part of the training corpus)
     python tools/check_part.py --dev ARTICLES.jsonl (development articles, with ``doc``)
"""

from __future__ import annotations

import json
import re
import sys
from difflib import SequenceMatcher
from pathlib import Path

from stancelib import data

WORD = re.compile(r"[a-z0-9]+")
FIELDS = {"text", "stance", "holder", "source_kind"}
DEV_FIELDS = FIELDS | {"doc"}


def words(text: str) -> list[str]:
    return WORD.findall(text.lower().replace("’", "'"))


def main(path: str, dev: bool = False) -> int:
    problems: list[str] = []
    try:
        part = data.validate_dev(path) if dev else data.validate_training(path)
    except data.DataFileError as exc:
        print(exc)
        return 1
    for i, row in enumerate(part, start=1):
        extra = set(row) - (DEV_FIELDS if dev else FIELDS)
        if extra:
            problems.append(f"line {i}: fields {sorted(extra)} are not corpus fields")
    gold = [g["text"] for g in data.validate_gold()]
    grams = {tuple(w[i : i + 6]) for g in gold for w in [words(g)] for i in range(len(w) - 5)}
    for i, row in enumerate(part, start=1):
        w = words(row["text"])
        if any(tuple(w[k : k + 6]) in grams for k in range(len(w) - 5)):
            problems.append(f"line {i}: shares six consecutive words with a gold sentence")
        text = row["text"].lower()
        if any(SequenceMatcher(None, text, g.lower()).ratio() > 0.6 for g in gold):
            problems.append(f"line {i}: too close to a gold sentence (difflib ratio > 0.6)")
    corpus = [r["text"] for r in data.validate_training()]
    if dev:
        corpus += [r["text"] for r in data.validate_dev()]
    sets = [set(words(t)) for t in corpus]
    mine = [set(words(r["text"])) for r in part]
    for i, a in enumerate(mine):
        for j, b in enumerate(mine[:i]):
            if a and len(a & b) / len(a | b) > 0.8:
                problems.append(f"line {i + 1}: near duplicate of line {j + 1} of the part")
        for text, b in zip(corpus, sets):
            if a and len(a & b) / len(a | b) > 0.8 and text != part[i]["text"]:
                problems.append(f"line {i + 1}: near duplicate of corpus sentence {text!r}")
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
