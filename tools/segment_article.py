"""Split a raw article into the units the model labels, as a JSONL skeleton to annotate.

An annotator writes an article as it would come out of a scraper (captions, bylines, glued
quotes and all), and this script cuts it with ``stancelib.split_sentences``, exactly as
``label_text`` will cut real news. Each output line holds one unit with ``stance``, ``holder``
and ``source_kind`` left as ``null`` to be filled by hand.

Run: python tools/segment_article.py RAW.txt DOC_ID > DOC_ID.jsonl
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from stancelib.segment import split_sentences


def main(path: str, doc: str) -> int:
    text = Path(path).read_text(encoding="utf-8")
    for sentence in split_sentences(text):
        row = {"doc": doc, "text": sentence.text, "stance": None, "holder": None}
        row["source_kind"] = None
        print(json.dumps(row, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3 or not Path(sys.argv[1]).is_file():
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
