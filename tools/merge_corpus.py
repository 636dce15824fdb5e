"""Assemble fixtures/train.jsonl from the corpus parts written by hand.

Each part covers one area of the debate and was written by a different annotator
following docs/annotation.md. Run: python tools/merge_corpus.py PART.jsonl [PART.jsonl ...]
"""

import json
import sys
from pathlib import Path

FIELDS = ("text", "stance", "holder", "source_kind")
# Parts written as whole articles keep their ``doc`` name (see data.validate_training).
OPTIONAL = ("doc",)


def main(parts: list[str]) -> None:
    out = Path(__file__).resolve().parents[1] / "fixtures" / "train.jsonl"
    seen = set()
    rows = []
    for part in parts:
        for line in Path(part).read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                if row["text"] not in seen:
                    seen.add(row["text"])
                    kept = {k: row[k] for k in OPTIONAL if row.get(k) is not None}
                    rows.append({**kept, **{k: row[k] for k in FIELDS}})
    out.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    print(f"wrote {len(rows)} sentences to {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
