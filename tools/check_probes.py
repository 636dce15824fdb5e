"""How the shipped model does on the behavioural probes, category by category.

``fixtures/probes.jsonl`` holds short, unambiguous sentences of twelve kinds (plain
commitments and refusals, support and opposition, calls to act, double negation, denial
of plans, warnings of escalation, neutral reports of the debate, weapons aid, other
troops, unrelated news), each kind with the one stance its sentences must get
(``stancelib.data.PROBE_CATEGORIES``). They were written apart from the training corpus,
by a writer who saw only the annotation guidelines, and are never trained on: a check of
the plainest cases, in the spirit of CheckList's minimum functionality tests (Ribeiro et
al., 2020), not a sample of news. Each sentence is labelled alone. The gold article is
not read.

The probes use the debate's stock phrases, as the corpus does, so some have a training
sentence close to them (a ``difflib`` ratio above 0.6, or six words in a row in common);
the last line scores the probes that have none, the fairer figure.

Run: python tools/check_probes.py [--no-encoder] [--errors]
"""

from __future__ import annotations

import argparse
from collections import Counter

import stancelib
from stancelib import data, overlap
from stancelib.metrics import macro_f1


def far_from_training(texts: list[str], training: list[str]) -> list[bool]:
    """Whether each text has no training sentence close to it (difflib ratio above 0.6, or
    a shared run of six words): the tests' rule for the gold, applied to the probes."""
    close = {j for _, j in overlap.close_pairs(training, texts, 0.6)}
    close |= set(overlap.shares_ngram(texts, training, 6))
    return [i not in close for i in range(len(texts))]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-encoder", action="store_true", help="the n-gram model only")
    parser.add_argument("--errors", action="store_true", help="also list the missed probes")
    args = parser.parse_args(argv)
    probes = data.validate_probes()
    texts = [p["text"] for p in probes]
    gold = [p["stance"] for p in probes]
    systems = {"n-grams": stancelib.load_model()}
    if not args.no_encoder:
        systems["blend"] = stancelib.load_model(encoder=True)
    predicted = {name: [str(s) for s in model.predict(texts)] for name, model in systems.items()}
    n_categories = len({p["category"] for p in probes})
    print(
        f"probes: {len(probes)} sentences in {n_categories} categories, "
        "each labelled alone, never trained on"
    )
    print(f"{'category':<20}{'stance':<9}" + "".join(f"{name:>9}" for name in systems))
    totals = Counter(p["category"] for p in probes)
    for category, stance in data.PROBE_CATEGORIES.items():
        if not totals[category]:
            continue
        cells = []
        for name in systems:
            right = sum(
                p["category"] == category and pred == p["stance"]
                for p, pred in zip(probes, predicted[name])
            )
            cells.append(f"{right:>4}/{totals[category]:<4}")
        print(f"{category:<20}{stance:<9}" + "".join(f"{c:>9}" for c in cells))
    print(f"{'macro-F1':<29}" + "".join(f"{macro_f1(gold, predicted[n]):>9.3f}" for n in systems))
    print(
        f"{'accuracy':<29}"
        + "".join(
            f"{sum(a == b for a, b in zip(gold, predicted[n])) / len(gold):>9.3f}" for n in systems
        )
    )
    far = far_from_training(texts, [r["text"] for r in data.validate_training()])
    kept = [i for i, f in enumerate(far) if f]
    label = f"macro-F1, {len(kept)} far"
    print(
        f"{label:<29}"
        + "".join(
            f"{macro_f1([gold[i] for i in kept], [predicted[n][i] for i in kept]):>9.3f}"
            for n in systems
        )
    )
    close = len(texts) - len(kept)
    print(f"({close} probes have a close training sentence; 'far' leaves them out)")
    if args.errors:
        for name in systems:
            print(f"\nmissed by {name}:")
            for p, pred in zip(probes, predicted[name]):
                if pred != p["stance"]:
                    print(f"  {p['category']:<20}{p['stance']:<8}-> {pred:<8}{p['text']}")


if __name__ == "__main__":
    main()
