"""What blending in the fine-tuned encoder costs in speed, beside the n-gram model alone.

Measures, in one run and on the same inputs:

- sentences per second of ``predict`` on sentences sampled (with a fixed seed) from the
  training corpus, for the n-gram model (``load_model()``), the blend
  (``load_model(encoder=True)``) and the plain scikit-learn baseline of
  ``bench_predict.py`` (TF-IDF and logistic regression, trained on the same corpus);
- ``label_text`` on the seed article for the n-gram model and the blend;
- import, model load and the first sentence in a fresh interpreter, for both.

Figures are medians over ``--repeat`` runs; ratios are the blend's over the n-gram
model's (below 1: the blend is slower), measured in the same run.

Usage::

    python benchmarks/bench_encoder.py            # about 2 minutes on 2 cores
    python benchmarks/bench_encoder.py --sentences 300 --repeat 1
"""

from __future__ import annotations

import argparse
import os
import statistics
from collections.abc import Sequence

# The script's folder is on sys.path when it runs: the measuring helpers are shared.
from bench_predict import measure, sample_sentences, say, startup_seconds

import stancelib
from stancelib import data
from stancelib.baselines import tfidf_logreg_baseline
from stancelib.train import training_texts


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=2000, help="sentences to predict")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measure (3)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    texts, y = training_texts()
    fast, blend = stancelib.load_model(), stancelib.load_model(encoder=True)
    say(f"training the baseline on the same {len(texts)} sentences")
    baseline = tfidf_logreg_baseline().fit(texts, y)
    sentences = sample_sentences(texts, args.sentences, args.seed)
    article = data.read_article()
    n_article = len(stancelib.split_sentences(article))
    for model in (fast, blend):  # first-call costs (reading the encoder) are not measured
        model.predict(sentences[:50])

    rows = []
    for name, n, runs in [
        (
            f"predict {len(sentences):,} sentences",
            len(sentences),
            {
                "n-grams": lambda: fast.predict(sentences),
                "blend": lambda: blend.predict(sentences),
                "baseline": lambda: baseline.predict(sentences),
            },
        ),
        (
            "label_text article",
            n_article,
            {
                "n-grams": lambda: stancelib.label_text(article, model=fast),
                "blend": lambda: stancelib.label_text(article, model=blend),
            },
        ),
    ]:
        figures = {}
        for system, func in runs.items():
            say(f"{name}, {system}")
            figures[system] = n / measure(func, args.repeat)["median_s"]
        rows.append((name, figures))

    say("import + model load + one sentence, in fresh interpreters")
    code = "import stancelib\nstancelib.load_model({}).predict(['No troops.'])"
    startup = {
        "n-grams": statistics.median(startup_seconds(code.format(""), args.repeat)),
        "blend": statistics.median(startup_seconds(code.format("encoder=True"), args.repeat)),
    }

    print(f"{'measure':28s} {'n-grams':>12s} {'blend':>10s} {'baseline':>10s}  blend/n-grams")
    for name, f in rows:
        base = f"{f['baseline']:,.0f} s/s" if "baseline" in f else "-"
        print(
            f"{name:28s} {f['n-grams']:>8,.0f} s/s {f['blend']:>6,.0f} s/s {base:>10s}"
            f"  {f['blend'] / f['n-grams']:.4f}"
        )
    print(
        f"{'load + first sentence':28s} {startup['n-grams']:>10.3f} s {startup['blend']:>8.3f} s"
        f" {'-':>10s}  {startup['n-grams'] / startup['blend']:.4f}"
    )
    print(
        f"medians of {args.repeat} runs; s/s: sentences per second; {os.cpu_count()} CPUs, "
        f"load average at start {os.getloadavg()[0]:.1f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
