"""Write fixtures/article_gold.jsonl from the hand annotations below.

The offsets come from ``stancelib.split_sentences``; the labels, holders and notes were
written by hand, sentence by sentence, following docs/annotation.md.
Run: python tools/make_gold.py
"""

import json
from pathlib import Path

from stancelib.segment import split_sentences

N, A, F = "NONE", "AGAINST", "FAVOR"
PESKOV = "Dmitry Peskov"
# (stance, holder, note) per sentence, in order.
ANNOTATIONS = [
    (N, None, "byline and photo credit"),
    (
        F,
        "Emmanuel Macron",
        "'should not exclude' sending troops is openness (double negation)",
    ),
    (A, "Western leaders", "reported disagreement with the idea"),
    (A, "Government of Russia", "warning that a deployment means direct conflict"),
    (A, PESKOV, "warning: conflict is inevitable; speaker named in the next sentence"),
    (
        A,
        PESKOV,
        "'this' (inevitable conflict) is the Kremlin's verdict on 'it' (a deployment)",
    ),
    (A, PESKOV, "continues the warning to the Western countries"),
    (A, PESKOV, "implies a deployment goes against their citizens' interests"),
    (A, "Sergei Lavrov", "calls the idea irrational"),
    (N, None, "fragment"),
    (N, None, "battlefield news"),
    (N, None, "weapons supply, no troops"),
    (N, None, "weapons supply, no troops"),
    (N, None, "heading"),
    (N, None, "support for Ukraine's victory is not support for troops"),
    (N, None, "neutral report that the option was discussed"),
    (F, "Emmanuel Macron", "contrast: 'but nothing can be ruled out' carries the stance"),
    (N, None, "general resolve against Russia, no troops mentioned"),
    (N, None, "general support for Russia's defeat"),
    (A, "European leaders", "reported disagreement"),
    (A, "Olaf Scholz", "refusal: no ground forces"),
    (N, None, "fact about personnel already present, no evaluation (guideline 6)"),
    (A, "Rishi Sunak", "denial of plans"),
    (N, None, "training Ukrainians abroad"),
    (N, None, "equipment, no troops"),
    (N, None, "caption credit"),
    (N, None, "caption: military assistance"),
    (
        A,
        "Joe Biden",
        "'will not send troops'; the but-clause is about weapons (guideline 3)",
    ),
    (N, None, "fragment about weapons"),
    (A, "Giorgia Meloni", "support excludes troops"),
    (A, "Jens Stoltenberg", "denial; holder named two sentences later"),
    (A, "Jens Stoltenberg", "denial of plans"),
    (N, None, "fragment: a name"),
    (A, "Governments of Sweden, Hungary, Poland and the Czech Republic", "denial of intention"),
    (N, None, "troops only mentioned; the stance-bearing part is about missiles"),
    (N, None, "fragment"),
    (N, None, "question heading"),
    (N, None, "caption credit"),
    (N, None, "caption: weapons"),
    (N, None, "analysis of motives (guideline 10)"),
    (N, None, "analysis of credibility, no evaluation of a deployment"),
    (N, None, "criticism about military support, not troops"),
    (N, None, "analysis of motives"),
    (A, "Nicholas Drummond", "prediction that it will not happen"),
    (A, "Nicholas Drummond", "no desire to participate directly"),
    (
        A,
        "Pavel Aksenov",
        "crossing red lines (guideline: describes the idea as crossing a red line)",
    ),
    (A, "Pavel Aksenov", "a serious violation of red lines"),
    (N, None, "neutral description of how the idea has been discussed"),
    (N, None, "analysis of strategy"),
    (N, None, "fragment"),
]


def main() -> None:
    root = Path(__file__).resolve().parents[1]
    article = (root / "fixtures" / "article.txt").read_text(encoding="utf-8")
    sentences = split_sentences(article)
    if len(sentences) != len(ANNOTATIONS):
        raise SystemExit(f"{len(sentences)} sentences but {len(ANNOTATIONS)} annotations")
    out = root / "fixtures" / "article_gold.jsonl"
    with out.open("w", encoding="utf-8") as fh:
        for i, (sent, (stance, holder, note)) in enumerate(zip(sentences, ANNOTATIONS)):
            row = {
                "id": i,
                "start": sent.start,
                "end": sent.end,
                "text": sent.text,
                "stance": stance,
                "holder": holder,
                "note": note,
            }
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(sentences)} sentences to {out}")


if __name__ == "__main__":
    main()
