"""Build the notebooks from their source cells; run tools/run_notebooks.py to execute them.

Run: python tools/make_notebooks.py
The notebooks use only stancelib's public API; their cells live here so that a change to
them is reviewed as code.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ("01_gold_article.ipynb", "02_featurizer.ipynb", "03_evaluation.ipynb")


def build(path: Path, cells: list[tuple[str, str]]) -> None:
    notebook = new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    for kind, source in cells:
        make = new_markdown_cell if kind == "md" else new_code_cell
        notebook.cells.append(make(source.strip()))
    nbformat.write(notebook, path)
    print(f"wrote {path.relative_to(ROOT)}")


NB1 = [
    (
        "md",
        """# 01 · The gold article as annotated data

The gold set is one real, machine-translated news article about the reactions to Macron's
words on sending Western troops to Ukraine, split into sentences by `stancelib.split_sentences`
and annotated by hand following [the annotation guidelines](../docs/annotation.md).
It is only ever used for evaluation.""",
    ),
    (
        "code",
        """import warnings

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML

warnings.filterwarnings("ignore", message="IProgress not found")  # no widgets needed

import stancelib
from stancelib import data

gold = data.load_gold()
df = gold.to_pandas()
df["stance"] = df["stance"].map(gold.features["stance"].int2str)
print(gold)
df.head()""",
    ),
    (
        "md",
        "## Label distribution\n\n"
        "Most sentences of a news report take no stance; the few that do are mostly against.",
    ),
    (
        "code",
        """counts = df["stance"].value_counts().reindex(list(stancelib.LABELS), fill_value=0)
colours = {"NONE": "#bbbbbb", "AGAINST": "#d62728", "FAVOR": "#2ca02c"}
ax = counts.plot.bar(color=[colours[c] for c in counts.index], figsize=(5, 3))
ax.set_ylabel("sentences")
ax.set_title(f"Gold stance of the {len(df)} sentences")
plt.tight_layout()
counts.to_frame("sentences")""",
    ),
    ("md", "## The sentences of each stance"),
    (
        "code",
        """pd.set_option("display.max_colwidth", 160)
df.loc[df.stance == "FAVOR", ["id", "holder", "text"]]""",
    ),
    ("code", """df.loc[df.stance == "AGAINST", ["id", "holder", "text"]]"""),
    ("code", """df.loc[df.stance == "NONE", ["id", "text", "note"]]"""),
    ("md", "## Holders and their stances"),
    (
        "code",
        """holders = (df.dropna(subset=["holder"]).groupby("holder")["stance"]
           .agg(sentences="count", stance=lambda s: s.mode().iloc[0])
           .sort_values("sentences", ascending=False))
holders""",
    ),
    (
        "md",
        "## The article, coloured by gold stance\n\n"
        "Green is FAVOR, red AGAINST, grey NONE; the text between sentences is shown as it is.",
    ),
    (
        "code",
        """import html

article = data.read_article()
background = {"FAVOR": "#c7e9c0", "AGAINST": "#fcbba1", "NONE": "#eeeeee"}
parts, cursor = [], 0
for row in df.itertuples():
    parts.append(html.escape(article[cursor:row.start]).replace("\\n", "<br>"))
    parts.append(f'<span title="{row.stance}: {html.escape(str(row.note))}" '
                 f'style="background:{background[row.stance]}">{html.escape(row.text)}</span>')
    cursor = row.end
HTML('<div style="font-family:serif;line-height:1.6">' + "".join(parts) + "</div>")""",
    ),
]

NB2 = [
    (
        "md",
        """# 02 · What the featurizer sees

`stancelib.StanceFeaturizer` turns sentences into one sparse matrix from six feature families:
word 1-3-grams, character 2-5-grams, negation scope, a deployment-mention detector, cue families
(refusal, openness, warning) and reported speech. Each can be switched off.""",
    ),
    (
        "code",
        """import warnings

import matplotlib.pyplot as plt
import pandas as pd

warnings.filterwarnings("ignore", message="IProgress not found")  # no widgets needed

import stancelib
from stancelib import StanceFeaturizer, data

sentences = [
    "Germany will not send ground troops to Ukraine, the chancellor said.",
    "“We should not exclude anything,” the president told reporters.",
    "Moscow warned that foreign soldiers in Ukraine would be legitimate targets.",
    "Ukrainian forces repelled an attack near the river.",
]
train = data.load_training()
texts = train["text"]
labels = [train.features["stance"].int2str(s) for s in train["stance"]]
featurizer = StanceFeaturizer().fit(texts)
X = featurizer.transform(sentences)
names = featurizer.get_feature_names_out()
X""",
    ),
    (
        "md",
        "## Which families fire\n\nNumber of non-zero features of each family in each sentence:",
    ),
    (
        "code",
        """def family(name):
    return name.split(":")[0].split("&")[0].split("=")[0]

rows = []
for i, sentence in enumerate(sentences):
    fired = pd.Series([family(n) for n in names[X[i].indices]]).value_counts()
    rows.append(fired.rename(sentence[:50] + "…"))
pd.DataFrame(rows).fillna(0).astype(int)""",
    ),
    (
        "code",
        """# The features that are not plain n-grams, for each sentence
for i, sentence in enumerate(sentences):
    special = sorted(n for n in names[X[i].indices] if not n.startswith(("word:", "char:")))
    print(sentence, "\\n   ", special, "\\n")""",
    ),
    (
        "md",
        "## The strongest weights of the shipped model\n\n"
        "Weight of each feature for a class, relative to the mean over the three classes.",
    ),
    (
        "code",
        """model = stancelib.load_model()
fig, axes = plt.subplots(1, 3, figsize=(15, 5))
for ax, label in zip(axes, ["FAVOR", "AGAINST", "NONE"]):
    top = model.top_features(label, top=15)[::-1]
    ax.barh([n for n, _ in top], [w for _, w in top], color="#4c72b0")
    ax.set_title(label)
plt.tight_layout()""",
    ),
    (
        "md",
        """## Ablation

Each family switched off in turn, the model retrained on the training corpus and scored on the
gold article. Nothing is chosen from these gold figures; the cross-validated ablation that model
selection could use comes from `python -m stancelib.evaluate --ablation` and is in the README.""",
    ),
    (
        "code",
        """from stancelib.evaluate import ablation

result = ablation(cv=False, n_jobs=-1)  # one configuration per core
pd.DataFrame(
    {f"without {row['removed']}" if row["removed"] else "full model": row["gold"]
     for row in result["rows"]}
).T.round(3)""",
    ),
]

NB3 = [
    (
        "md",
        """# 03 · How well the shipped model labels the article

The evaluation report of `python -m stancelib.evaluate`, as data: headline figures with
bootstrap intervals, baselines, the confusion matrix, a reliability plot of the confidences,
each error explained, and how to label a text of your own.""",
    ),
    (
        "code",
        """import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.metrics import ConfusionMatrixDisplay

warnings.filterwarnings("ignore", message="IProgress not found")  # no widgets needed

import stancelib
from stancelib.evaluate import evaluate, format_report

report = evaluate()
print(format_report(report))""",
    ),
    ("md", "## Headline figures, model and baselines side by side"),
    (
        "code",
        """rows = {"stancelib": report["model"], **report["baselines"]}
pd.DataFrame(rows).T[["macro_f1", "f_avg", "accuracy", "kappa"]].astype(float).round(3)""",
    ),
    ("md", "## Confusion matrix"),
    (
        "code",
        """cm = report["model"]["confusion_matrix"]
disp = ConfusionMatrixDisplay(np.array(cm["matrix"]), display_labels=cm["labels"])
disp.plot(cmap="Blues", colorbar=False)
disp.ax_.set_xlabel("predicted")
disp.ax_.set_ylabel("gold")
plt.tight_layout()""",
    ),
    (
        "md",
        """## Reliability of the confidences

Each sentence's confidence is the calibrated probability of its predicted stance. In a
well-calibrated model, sentences predicted with confidence 0.8 are right about 80% of the
time. With 50 sentences the bins are small, so the counts are printed beside each point.""",
    ),
    (
        "code",
        """pred = pd.DataFrame(report["model"]["predictions"])
pred["correct"] = pred["gold"] == pred["pred"]
bins = np.linspace(1 / 3, 1, 5)
pred["bin"] = pd.cut(pred["confidence"], bins, include_lowest=True)
table = pred.groupby("bin", observed=True).agg(
    confidence=("confidence", "mean"), accuracy=("correct", "mean"), n=("correct", "size"))
fig, ax = plt.subplots(figsize=(4.5, 4.5))
ax.plot([0, 1], [0, 1], "--", color="grey", label="perfect calibration")
ax.plot(table["confidence"], table["accuracy"], "o-", label="stancelib on the article")
for row in table.itertuples():
    ax.annotate(f"n={row.n}", (row.confidence, row.accuracy), textcoords="offset points",
                xytext=(5, -12))
ax.set(xlabel="mean confidence", ylabel="share correct", xlim=(0.3, 1.02), ylim=(0, 1.05))
ax.legend(loc="upper left")
table.round(3)""",
    ),
    (
        "md",
        """## The errors, explained

For each misclassified sentence, the features that pushed the model toward its prediction
(`StanceModel.explain`), and those that would have supported the gold stance.""",
    ),
    (
        "code",
        """model = stancelib.load_model()
for error in report["model"]["errors"]:
    print(f"[{error['id']}] gold {error['gold']}, predicted {error['pred']} "
          f"({error['confidence']:.2f}): {error['text'][:110]}")
    print("    for the prediction:", model.explain(error["text"], top=4))
    print("    for the gold stance:", model.explain(error["text"], top=4, stance=error["gold"]))""",
    ),
    (
        "md",
        """## With the fine-tuned encoder

`stancelib.load_model(encoder=True)` blends the n-gram model with a small transformer
fine-tuned on the training corpus (its share chosen on the development articles). It is
over a hundred times slower, so it is not the default. The same report, for the blend and
its n-gram half, and the sentences whose label the encoder changes:""",
    ),
    (
        "code",
        """blended = evaluate(encoder=True, baselines=False)
figures = {
    "blend": blended["model"],
    "blend, sentences alone": blended["model"]["sentences_alone"],
    "n-grams only (the default model)": blended["model"]["ngrams_only"],
}
display(pd.DataFrame(figures).T[["macro_f1", "f_avg", "accuracy", "kappa"]].astype(float).round(3))
changed = pd.DataFrame({
    "text": [p["text"][:90] for p in report["model"]["predictions"]],
    "gold": [p["gold"] for p in report["model"]["predictions"]],
    "n-grams": [p["pred"] for p in report["model"]["predictions"]],
    "blend": [p["pred"] for p in blended["model"]["predictions"]],
})
changed[changed["n-grams"] != changed["blend"]]""",
    ),
    (
        "md",
        """## Label a text of your own

`stancelib.label_text` splits any text into sentences and labels each with its offsets;
pass `model=stancelib.load_model(encoder=True)` for the blend.""",
    ),
    (
        "code",
        """text = (
    "Lisbon said on Tuesday it would not rule out sending engineers to a future mission."
    " The defence minister of Slovakia rejected the idea outright.“It is madness”he said."
    " Meanwhile, grain exports through the Black Sea rose for a third month."
)
rows = pd.DataFrame(stancelib.label_text(text))
rows["blend"] = [
    r["stance"] for r in stancelib.label_text(text, model=stancelib.load_model(encoder=True))
]
rows.round(3)""",
    ),
]


if __name__ == "__main__":
    paths = [ROOT / "notebooks" / name for name in NOTEBOOKS]
    for path, cells in zip(paths, (NB1, NB2, NB3)):
        build(path, cells)
    # The cells are written for reading here; ruff gives them the project's layout. It is
    # looked for beside this interpreter too, for a virtual environment not activated.
    beside = Path(sys.executable).with_name("ruff")
    ruff = shutil.which("ruff") or (str(beside) if beside.is_file() else None)
    if ruff is None:
        raise SystemExit("ruff not found: pip install -e '.[test]'")
    subprocess.run([ruff, "format", "--quiet", *map(str, paths)], check=True)
