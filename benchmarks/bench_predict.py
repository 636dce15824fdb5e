"""Speed and memory of stancelib beside the plain scikit-learn baseline, on the same inputs.

Measures, in one run:

- sentences per second of ``predict`` on 10,000 and 100,000 sentences sampled (with a
  fixed seed) from the training corpus;
- ``label_text`` on the seed article and on a text of about 1 MB (the article repeated);
  the baseline gets the same sentences from :func:`stancelib.split_sentences`;
- import plus model load, in a fresh interpreter each time;
- peak memory above the starting point while predicting (resident set size sampled every
  few milliseconds), to show that stancelib's batched prediction stays flat in the number
  of sentences.

The baseline is :func:`stancelib.baselines.tfidf_logreg_baseline` (TF-IDF word 1-3-grams
and character 2-5-grams, logistic regression) trained on the same corpus as the shipped
model. Figures are medians over ``--repeat`` runs; ratios are stancelib over baseline for
speeds, baseline over stancelib for times, so above 1 means stancelib is better.

Usage::

    python benchmarks/bench_predict.py                 # about 3 minutes on 2 cores
    python benchmarks/bench_predict.py --quick         # under 30 s, smaller inputs
    python benchmarks/bench_predict.py --repeat 5 --json bench.json
    python benchmarks/bench_predict.py --profile       # also where stancelib's time goes
"""

from __future__ import annotations

import argparse
import cProfile
import ctypes
import gc
import io
import json
import os
import platform
import pstats
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import stancelib
from stancelib import data
from stancelib.baselines import tfidf_logreg_baseline
from stancelib.train import training_texts

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _rss() -> int | None:
    """Current resident set size in bytes (Linux), or None where /proc is missing."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[1]) * _PAGE
    except OSError:
        return None


def _trim() -> None:
    """Give freed heap memory back to the system, so that each peak starts from the floor."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


class PeakMemory:
    """Peak RSS above the RSS at entry, sampled every `interval` seconds by a thread."""

    def __init__(self, interval: float = 0.002) -> None:
        self.interval = interval
        self.peak = 0

    def __enter__(self) -> PeakMemory:
        _trim()
        self._start = _rss() or 0
        self._top = self._start
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(self.interval):
            self._top = max(self._top, _rss() or 0)

    def __exit__(self, *exc) -> None:
        self._top = max(self._top, _rss() or 0)
        self._stop.set()
        self._thread.join()
        self.peak = self._top - self._start


def measure(func: Callable[[], Any], repeat: int) -> dict[str, Any]:
    """Wall time and peak memory of `repeat` calls of `func`."""
    times, peaks = [], []
    for _ in range(repeat):
        with PeakMemory() as memory:
            start = time.perf_counter()
            func()
            times.append(time.perf_counter() - start)
        peaks.append(memory.peak)
    return {"seconds": times, "median_s": statistics.median(times), "peak_bytes": max(peaks)}


def startup_seconds(code: str, repeat: int) -> list[float]:
    """Import and load time measured inside fresh interpreters (their own start excluded)."""
    script = f"import time\nstart = time.perf_counter()\n{code}\nprint(time.perf_counter() - start)"
    out = []
    for _ in range(repeat):
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True
        )
        out.append(float(done.stdout.strip().splitlines()[-1]))
    return out


def sample_sentences(texts: Sequence[str], n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [rng.choice(texts) for _ in range(n)]


def big_text(article: str, n_chars: int) -> str:
    """About `n_chars` characters of news text: the article repeated, paragraphs apart."""
    copies = max(1, round(n_chars / (len(article) + 2)))
    return "\n\n".join([article] * copies)


def label_with(predict_proba: Callable, classes) -> Callable[[str], list[tuple]]:
    """``label_text`` for any model: segment, then label each sentence."""

    def label(text: str) -> list[tuple]:
        sentences = stancelib.split_sentences(text)
        proba = predict_proba([s.text for s in sentences])
        best = proba.argmax(axis=1)
        return [
            (s.start, s.end, classes[k], float(p[k])) for s, k, p in zip(sentences, best, proba)
        ]

    return label


def profile_predict(model, sentences: list[str], top: int = 15) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    model.predict(sentences)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


def run(args: argparse.Namespace) -> dict[str, Any]:
    sizes = (3_000, 12_000) if args.quick else (10_000, 100_000)
    text_chars = 100_000 if args.quick else 1_000_000
    repeat = args.repeat or (1 if args.quick else 3)
    large_repeat = min(repeat, args.baseline_large_repeat)
    results: dict[str, Any] = {
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        },
        "repeat": repeat,
        "rows": [],
    }

    say("loading the training corpus and the shipped model")
    texts, y = training_texts()
    model = stancelib.load_model()
    say(f"training the baseline on the same {len(texts)} sentences")
    start = time.perf_counter()
    baseline = tfidf_logreg_baseline().fit(texts, y)
    results["baseline_fit_s"] = time.perf_counter() - start
    results["versions"] = model.metadata.get("versions", {})

    sentences = sample_sentences(texts, max(sizes), args.seed)
    article = data.read_article()
    big = big_text(article, text_chars)
    systems = {
        "stancelib": (model.predict, lambda text: stancelib.label_text(text, model=model)),
        "baseline": (
            baseline.predict,
            label_with(baseline.predict_proba, baseline.classes_),
        ),
    }
    n_big = len(stancelib.split_sentences(big))
    n_article = len(stancelib.split_sentences(article))
    # Warm up both (first-call costs such as lexicons and caches are not what we measure).
    for predict, label in systems.values():
        predict(sentences[:200])
        label(article)

    def row(name: str, unit: str, n: int, figures: dict[str, dict[str, Any]]) -> None:
        entry = {"measure": name, "unit": unit, "n": n, **figures}
        results["rows"].append(entry)

    for size in sizes:
        batch = sentences[:size]
        figures = {}
        for system, (predict, _) in systems.items():
            times = large_repeat if system == "baseline" and size == max(sizes) else repeat
            say(f"predict, {size:,} sentences, {system} ({times} run(s))")
            figures[system] = measure(lambda p=predict, b=batch: p(b), times)
        row(f"predict {size:,} sentences", "sentences/s", size, figures)

    for name, text, n in [
        ("label_text article", article, n_article),
        (f"label_text {len(big) / 1e6:.1f} MB", big, n_big),
    ]:
        figures = {}
        for system, (_, label) in systems.items():
            say(f"{name}, {system}")
            figures[system] = measure(lambda f=label, t=text: f(t), repeat)
        row(name, "sentences/s", n, figures)

    say("import + model load in fresh interpreters")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "baseline.joblib"
        import joblib

        joblib.dump(baseline, path)
        startup = {
            "stancelib": startup_seconds("import stancelib\nstancelib.load_model()", repeat),
            "baseline": startup_seconds(f"import joblib\njoblib.load({str(path)!r})", repeat),
        }
    results["startup"] = {
        k: {"seconds": v, "median_s": statistics.median(v)} for k, v in startup.items()
    }
    if args.profile:
        say("profiling stancelib predict on 10,000 sentences")
        results["profile"] = profile_predict(model, sentences[:10_000])
    return results


def report(results: dict[str, Any]) -> str:
    lines = [
        f"{'measure':<28}{'stancelib':>14}{'baseline':>14}{'ratio':>8}  runs (s/b)",
    ]
    for entry in results["rows"]:
        ours, theirs = entry["stancelib"], entry["baseline"]
        speed = entry["n"] / ours["median_s"], entry["n"] / theirs["median_s"]
        lines.append(
            f"{entry['measure']:<28}{speed[0]:>10,.0f} s/s{speed[1]:>10,.0f} s/s"
            f"{speed[0] / speed[1]:>8.2f}  {len(ours['seconds'])}/{len(theirs['seconds'])}"
        )
    startup = results["startup"]
    ours, theirs = startup["stancelib"]["median_s"], startup["baseline"]["median_s"]
    lines.append(
        f"{'import + model load':<28}{ours:>12.3f} s{theirs:>12.3f} s{theirs / ours:>8.2f}  "
        f"{len(startup['stancelib']['seconds'])}/{len(startup['baseline']['seconds'])}"
    )
    lines.append("")
    lines.append(f"{'peak memory above start':<28}{'stancelib':>14}{'baseline':>14}")
    for entry in results["rows"]:
        mb = [entry[s]["peak_bytes"] / 2**20 for s in ("stancelib", "baseline")]
        lines.append(f"{entry['measure']:<28}{mb[0]:>11.1f} MB{mb[1]:>11.1f} MB")
    predicts = [e for e in results["rows"] if e["measure"].startswith("predict")]
    if len(predicts) == 2:
        small, large = predicts
        growth = large["n"] / small["n"]
        for system in ("stancelib", "baseline"):
            ratio = large[system]["peak_bytes"] / max(small[system]["peak_bytes"], 1)
            lines.append(
                f"{system}: peak memory x{ratio:.1f} for x{growth:.0f} sentences "
                f"({'flat' if ratio < 2 else 'grows'})"
            )
    lines.append("")
    lines.append(
        "ratio: stancelib / baseline for speeds, baseline / stancelib for times "
        "(above 1: stancelib is better); medians over the runs shown"
    )
    lines.append(
        f"baseline training took {results['baseline_fit_s']:.1f} s; "
        f"{results['machine']['cpus']} CPUs, load average at start "
        f"{', '.join(f'{v:.1f}' for v in results['machine']['load_average'] or [])}"
    )
    if "profile" in results:
        lines.append("")
        lines.append("stancelib predict, 10,000 sentences, by own time:")
        lines.append(results["profile"])
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python benchmarks/bench_predict.py",
        description="Speed and memory of stancelib's predict and label_text beside the "
        "TF-IDF + logistic regression baseline.",
    )
    parser.add_argument("--quick", action="store_true", help="small inputs, one run (< 30 s)")
    parser.add_argument(
        "--repeat", type=int, help="runs per measurement, medians reported (default 3, quick 1)"
    )
    parser.add_argument(
        "--baseline-large-repeat",
        type=int,
        default=1,
        help="runs of the baseline on the largest input, which takes over a minute (1)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed for sampling sentences (0)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--profile", action="store_true", help="profile stancelib's predict")
    args = parser.parse_args(argv)
    if args.repeat is not None and args.repeat < 1:
        parser.error("--repeat must be 1 or more")
    if args.baseline_large_repeat < 1:
        parser.error("--baseline-large-repeat must be 1 or more")
    start = time.perf_counter()
    results = run(args)
    results["total_s"] = time.perf_counter() - start
    print(report(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        say(f"wrote {args.json}")
    say(f"done in {results['total_s']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
