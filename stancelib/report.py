"""The evaluation report as text: the tables that ``python -m stancelib.evaluate`` prints
from the dict that :func:`stancelib.evaluate.evaluate` returns."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .metrics import LEVEL

__all__ = ["format_report", "headline"]


def _two_figures(scores: dict[str, float] | None) -> list[str]:
    """Table cells for a ``{"macro_f1", "f_avg"}`` pair, dashes where it was not computed."""
    if not scores:
        return ["-", "-"]
    return [f"{scores['macro_f1']:.3f}", f"{scores['f_avg']:.3f}"]


def _table(
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    align: str | None = None,
    indent: str = "  ",
) -> str:
    """A plain-text table; `align` has one ``l`` or ``r`` per column (default: ``l`` then
    ``r``s)."""
    align = align or "l" + "r" * (len(headers) - 1)
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[j]) for row in cells) for j in range(len(headers))]

    def line(row: list[str]) -> str:
        parts = [
            cell.ljust(widths[j]) if align[j] == "l" else cell.rjust(widths[j])
            for j, cell in enumerate(row)
        ]
        return (indent + "  ".join(parts)).rstrip()

    rule = indent + "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule, *(line(row) for row in cells[1:])])


def _shorten(text: str | None, width: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _interval(pair: Sequence[float] | None) -> str:
    return "" if pair is None else f"[{pair[0]:.3f}, {pair[1]:.3f}]"


def headline(report: dict[str, Any]) -> str:
    """The one-line summary that ``--quiet`` prints.

    Examples
    --------
    >>> report = {"model": {"macro_f1": 0.5, "f_avg": 0.4, "accuracy": 0.6, "kappa": 0.3,
    ...                     "ci": {"macro_f1": [0.3, 0.7], "f_avg": [0.2, 0.6]}},
    ...           "actors": [], "actor_accuracy": None}
    >>> headline(report)
    'macro-F1 0.500 [0.300, 0.700]  F_avg 0.400 [0.200, 0.600]  accuracy 0.600  kappa 0.300'
    """
    m = report["model"]
    line = (
        f"macro-F1 {m['macro_f1']:.3f} {_interval(m['ci']['macro_f1'])}  "
        f"F_avg {m['f_avg']:.3f} {_interval(m['ci']['f_avg'])}  "
        f"accuracy {m['accuracy']:.3f}  kappa {m['kappa']:.3f}"
    )
    if report.get("actor_accuracy") is not None:
        right = sum(a["correct"] for a in report["actors"])
        line += f"  actors {right}/{len(report['actors'])}"
    if report.get("cv"):
        line += f"  CV macro-F1 {report['cv']['macro_f1']:.3f}"
    return line


def _model_name(meta: dict[str, Any]) -> str:
    path = meta["model"]["path"]
    if path is None:
        return "model in memory"
    sha = meta["model"]["sha256"]
    name = f"{path} (sha256 {sha[:12]})"
    blend = meta["model"].get("encoder")
    if blend:
        name += (
            f" + encoder {blend['file']} (sha256 {blend['sha256'][:12]}, "
            f"weight {blend['weight']:g})"
        )
    return name


def format_report(report: dict[str, Any]) -> str:
    """The human-readable report: tables of figures, actors and every misclassified sentence.

    Parameters
    ----------
    report : dict
        As returned by :func:`evaluate` (with ``cv`` and ``ablation`` when computed).

    Returns
    -------
    str
    """
    meta, m = report["metadata"], report["model"]
    level = round(100 * meta.get("level", LEVEL))
    out = [
        "stancelib evaluation",
        f"  model    {_model_name(meta)}",
        f"  gold     {meta['gold']['path']} ({meta['gold']['n_sentences']} sentences, "
        f"sha256 {meta['gold']['sha256'][:12]})",
        "",
        f"Headline: {headline(report)}",
        f"  ({level}% bootstrap intervals, {meta['resamples']} resamples of sentences, "
        f"seed {meta['seed']})",
        "",
        "Per class",
        _table(
            ["stance", "precision", "recall", "F1", "support"],
            [
                [
                    label,
                    f"{s['precision']:.3f}",
                    f"{s['recall']:.3f}",
                    f"{s['f1']:.3f}",
                    s["support"],
                ]
                for label, s in m["per_class"].items()
            ],
        ),
        "",
        "Confusion matrix (rows gold, columns predicted)",
        _table(
            ["gold \\ pred", *m["confusion_matrix"]["labels"]],
            [
                [label, *row]
                for label, row in zip(
                    m["confusion_matrix"]["labels"], m["confusion_matrix"]["matrix"]
                )
            ],
        ),
    ]

    systems = [("stancelib", m)]
    if m.get("sentences_alone"):
        systems.append(("stancelib, sentences alone", m["sentences_alone"]))
    if m.get("ngrams_only"):
        systems.append(("stancelib, n-grams only", m["ngrams_only"]))
    systems += list(report.get("baselines", {}).items())
    out += [
        "",
        "Model and baselines on the same gold" if len(systems) > 1 else "Figures",
        _table(
            ["system", "macro-F1", f"{level}% CI", "F_avg", f"{level}% CI", "accuracy", "kappa"],
            [
                [
                    name,
                    f"{s['macro_f1']:.3f}",
                    _interval(s.get("ci", {}).get("macro_f1")),
                    f"{s['f_avg']:.3f}",
                    _interval(s.get("ci", {}).get("f_avg")),
                    f"{s['accuracy']:.3f}",
                    f"{s['kappa']:.3f}",
                ]
                for name, s in systems
            ],
        ),
    ]
    if len(systems) > 1 and meta.get("train"):
        out.append(
            f"  baselines fitted on {meta['train']['path']} "
            f"({meta['train']['n_sentences']} sentences)"
        )

    actors = report.get("actors", [])
    out += ["", "Actors (majority over each holder's stance-bearing gold sentences)"]
    if actors:
        out.append(
            _table(
                ["holder", "sentences", "gold", "predicted", "pred F/A/N", "correct"],
                [
                    [
                        _shorten(a["holder"], 40),
                        a["n_sentences"],
                        a["gold"],
                        a["pred"],
                        "/".join(str(a["pred_counts"][k]) for k in ("FAVOR", "AGAINST", "NONE")),
                        "yes" if a["correct"] else "no",
                    ]
                    for a in actors
                ],
                align="lrllrl",
            )
        )
        right = sum(a["correct"] for a in actors)
        out.append(
            f"  actor accuracy {report['actor_accuracy']:.3f} ({right} of {len(actors)} holders)"
        )
    else:
        out.append("  no holder with a stance in the gold")

    errors = m["errors"]
    out += ["", f"Misclassified sentences ({len(errors)} of {len(m['predictions'])})"]
    if errors:
        out.append(
            _table(
                ["id", "gold", "pred", "conf", "holder", "text"],
                [
                    [
                        e["id"],
                        e["gold"],
                        e["pred"],
                        f"{e['confidence']:.2f}",
                        _shorten(e["holder"] or "-", 24),
                        _shorten(e["text"], 70),
                    ]
                    for e in errors
                ],
                align="rllrll",
            )
        )
    else:
        out.append("  none")

    if report.get("dev"):
        dev = report["dev"]
        out += [
            "",
            f"Development articles: {dev['path']} ({dev['n_sentences']} sentences in "
            f"{dev['n_docs']} articles written for this project, never trained on)",
            _table(
                ["system", "macro-F1", "F_avg", "accuracy", "kappa"],
                [
                    [
                        name,
                        f"{s['macro_f1']:.3f}",
                        f"{s['f_avg']:.3f}",
                        f"{s['accuracy']:.3f}",
                        f"{s['kappa']:.3f}",
                    ]
                    for name, s in dev["systems"].items()
                ],
            ),
        ]
        styles = dict(dev.get("by_style", {}))
        if dev.get("unquoted") and dev["unquoted"]["n_docs"] < dev["n_docs"]:
            styles["unquoted"] = dev["unquoted"]
        if len(styles) > 1:
            out += [
                "",
                "  by how the articles were written (macro-F1; clean: edited prose; scraped: "
                "as a scraper leaves a page; unquoted: the articles no corpus writer's brief "
                "quoted from, data.QUOTED_IN_BRIEFS"
                + ("; other: not named dev07 or devC03 style" if "other" in styles else "")
                + ")",
                _table(
                    ["system"]
                    + [
                        f"{style} ({v['n_sentences']} in {v['n_docs']})"
                        for style, v in styles.items()
                    ],
                    [
                        [name] + [f"{v['systems'][name]['macro_f1']:.3f}" for v in styles.values()]
                        for name in dev["systems"]
                    ],
                ),
            ]

    if report.get("cv"):
        cv = report["cv"]
        out += [
            "",
            f"Cross-validation on {cv['train']['path']} ({cv['train']['n_sentences']} "
            f"sentences, stratified {cv['n_splits']}-fold, seed {cv['random_state']})",
            f"  macro-F1 {cv['macro_f1']:.3f} (+/- {cv['macro_f1_std']:.3f})  "
            f"F_avg {cv['f_avg']:.3f} (+/- {cv['f_avg_std']:.3f})",
        ]
    else:
        recorded = meta["model"].get("cv")
        if isinstance(recorded, dict) and "macro_f1" in recorded:
            out += [
                "",
                f"Cross-validation recorded in the model's metadata: "
                f"macro-F1 {recorded['macro_f1']:.3f} "
                f"(+/- {recorded.get('macro_f1_std', float('nan')):.3f}), "
                f"F_avg {recorded.get('f_avg', float('nan')):.3f} (--cv recomputes it)",
            ]
        articles = meta["model"].get("article_cv")
        if isinstance(articles, dict) and "macro_f1" in articles:
            out.append(
                f"  over the {articles['n_documents']} training articles "
                f"({articles['n_splits']}-fold): macro-F1 {articles['macro_f1']:.3f} "
                f"(+/- {articles['macro_f1_std']:.3f}), F_avg {articles['f_avg']:.3f}"
            )
    trained_on = meta["model"].get("training_data") or {}
    if meta.get("train") and trained_on.get("sha256") not in (None, meta["train"]["sha256"]):
        out.append(
            f"  note: the model was trained on another version of the corpus "
            f"({trained_on.get('n_sentences', '?')} sentences, sha256 "
            f"{str(trained_on['sha256'])[:12]}) than {meta['train']['path']}"
        )

    if report.get("ablation"):
        abl = report["ablation"]
        with_dev = any(r.get("dev") for r in abl["rows"])
        dev_head = ["dev macro-F1", "dev F_avg"] if with_dev else []
        out += [
            "",
            "Ablation of the sentence model (each feature family switched off; every row "
            "refitted on the training corpus, sentences labelled alone, "
            + (f"CV {abl['n_splits']}-fold" if abl["n_splits"] else "no CV")
            + (f" over {abl['cv_articles']} training articles)" if abl.get("cv_articles") else ")"),
            _table(
                ["configuration", "gold macro-F1", "gold F_avg", "CV macro-F1", "CV F_avg"]
                + dev_head,
                [
                    ["full model" if r["removed"] is None else f"- {r['removed']}"]
                    + _two_figures(r["gold"])
                    + _two_figures(r["cv"])
                    + (_two_figures(r.get("dev")) if with_dev else [])
                    for r in abl["rows"]
                ],
            ),
        ]

    v = meta["versions"]
    out += [
        "",
        "Versions: " + ", ".join(f"{k} {v[k]}" for k in sorted(v)),
    ]
    return "\n".join(out)
