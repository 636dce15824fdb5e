"""The training corpus and the dev articles: size, balance, variety, and no copy of the gold
article (nor, for the dev articles, of the training corpus)."""

import json
import re
import subprocess
import sys
from collections import Counter
from difflib import SequenceMatcher
from pathlib import Path

import pytest
from rapidfuzz.distance import Indel

from stancelib import data
from stancelib.overlap import close_pairs, near_duplicates, shares_ngram


@pytest.fixture(scope="module")
def train():
    return data.validate_training()


@pytest.fixture(scope="module")
def gold():
    return data.validate_gold()


@pytest.fixture(scope="module")
def dev():
    return data.validate_dev()


@pytest.fixture(scope="module", params=["train", "dev"])
def corpus(request, train, dev):
    """Each file of our own sentences, which must stay clear of the gold article."""
    return train if request.param == "train" else dev


def test_size_and_balance(train):
    counts = Counter(r["stance"] for r in train)
    assert len(train) >= 1500
    assert min(counts[label] for label in ("FAVOR", "AGAINST", "NONE")) >= 350


def test_source_kinds_and_holders_vary(train):
    kinds = Counter(r["source_kind"] for r in train)
    assert set(kinds) == set(data.SOURCE_KINDS)
    holders = {r["holder"] for r in train if r["holder"]}
    assert len(holders) >= 150


def test_no_sentence_of_ours_shares_six_words_with_gold(corpus, gold):
    texts = [r["text"] for r in corpus]
    offending = [texts[i] for i in shares_ngram(texts, [g["text"] for g in gold], n=6)]
    assert offending == []


def test_no_sentence_of_ours_is_close_to_a_gold_sentence(corpus, gold):
    texts = [r["text"] for r in corpus]
    offending = [
        (texts[i], gold[j]["id"]) for i, j in close_pairs(texts, [g["text"] for g in gold])
    ]
    assert offending == []


def test_similarity_bound_holds():
    a, b = "no plans to send troops there", "there are no plans to send any troops"
    assert SequenceMatcher(None, a, b).ratio() <= Indel.normalized_similarity(a, b)


def test_close_pairs_finds_what_difflib_alone_finds():
    texts = ["No plans to send troops there.", "Prices rose.", "Troops?"]
    others = ["there are no plans to send any troops", "Rain in Kyiv.", "troops"]
    slow = [
        (i, j)
        for i, a in enumerate(texts)
        for j, b in enumerate(others)
        if SequenceMatcher(None, a.lower(), b.lower()).ratio() > 0.6
    ]
    assert close_pairs(texts, others) == slow == [(0, 0), (2, 2)]


def test_near_duplicates_finds_only_close_pairs():
    texts = ["no plans to send troops", "No plans to send troops!", "prices rose in Kyiv"]
    assert near_duplicates(texts) == [(0, 1)]


def test_no_two_training_sentences_are_near_duplicates(train):
    texts = [r["text"] for r in train]
    assert [(texts[a], texts[b]) for a, b in near_duplicates(texts)] == []


def test_dev_articles_are_new_text(train, dev):
    texts = [r["text"] for r in train] + [r["text"] for r in dev]
    n = len(train)
    across = [(texts[a], texts[b]) for a, b in near_duplicates(texts) if a < n <= b]
    assert across == []


# The gold article reports these statements; a sentence of ours that gives the same
# statement to the same holder would paraphrase it even in other words, which the
# character and n-gram tests cannot see. An audit removed such sentences; this keeps
# them out. (holder pattern, text pattern)
GOLD_STATEMENTS = {
    "Peskov: conflict inevitable": (r"Peskov|Kremlin", r"inevitab"),
    "Stoltenberg: no plans for combat troops": (r"Stoltenberg|NATO", r"\bno plans?\b"),
    "Scholz: no ground forces": (r"Scholz", r"ground (forces|troops)|boots on the ground"),
    "White House: no troops to fight": (r"Biden|White House", r"troops to fight"),
    "Meloni: support does not include troops": (r"Meloni|Italy", r"support .*(not|never) include"),
    "Sunak: no large-scale deployment": (r"Sunak|Downing Street", r"large[- ]scale"),
}


@pytest.mark.parametrize("statement", list(GOLD_STATEMENTS))
def test_no_sentence_of_ours_restates_a_gold_statement(statement, train, dev):
    holder, claim = GOLD_STATEMENTS[statement]
    restated = [
        r["text"]
        for r in train + dev
        if re.search(holder, r["holder"] or "") and re.search(claim, r["text"], re.I)
    ]
    assert restated == []


def test_dev_articles_look_like_news(dev):
    docs = Counter(r["doc"] for r in dev)
    counts = Counter(r["stance"] for r in dev)
    assert len(docs) >= 5 and min(docs.values()) >= 15
    # News is mostly NONE, unlike the balanced training corpus.
    assert counts["NONE"] > len(dev) / 2 and counts["FAVOR"] >= 20 and counts["AGAINST"] >= 20


def test_hard_phenomena_are_taught(train):
    def count(pattern, stance):
        return sum(
            1 for r in train if r["stance"] == stance and re.search(pattern, r["text"], re.I)
        )

    assert count(r"\b(not|never) (be )?rul(e|ed|ing) out|not exclud", "FAVOR") >= 10
    assert count(r"\bno plans?\b", "AGAINST") >= 10
    warning = (
        r"escalat|direct (conflict|war|confrontation|clash)|world war|legitimate target|nuclear"
    )
    assert count(warning + "|red line", "AGAINST") >= 30
    assert count(r"peacekeep|reassurance force", "FAVOR") >= 20
    assert count(r"\btrain(ers|ing)?\b|instructors?", "NONE") >= 10
    assert count(r"\b(troops|soldiers|forces)\b", "NONE") >= 80


def lexicon_hits(texts: list[str]) -> set[str]:
    """The cue and reported-speech phrases of our lexicons that occur in `texts`."""
    from stancelib import StanceFeaturizer

    featurizer = StanceFeaturizer(
        word_ngrams=None, char_ngrams=None, negation=False, deployment=False
    ).fit(texts)
    return {n for n in featurizer.get_feature_names_out() if "=" in n or n.startswith("reported:")}


def test_every_lexicon_entry_that_fires_on_the_gold_is_backed_by_the_corpus(train, gold):
    # An entry our corpus never uses teaches the model nothing it could learn from our data;
    # one that fires on the article all the same can only have come from reading it.
    unbacked = lexicon_hits([g["text"] for g in gold]) - lexicon_hits([r["text"] for r in train])
    assert unbacked == set()


def _check_part(tmp_path, rows):
    """Run tools/check_part.py on `rows` written as a part file."""
    part = tmp_path / "part.jsonl"
    part.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    tool = Path(__file__).resolve().parents[1] / "tools" / "check_part.py"
    return subprocess.run([sys.executable, str(tool), str(part)], capture_output=True, text=True)


def test_check_part_flags_a_gold_copy_without_printing_it(tmp_path, gold):
    copied = gold[31]["text"]
    rows = [
        {"text": copied, "stance": "AGAINST", "holder": "NATO", "source_kind": "direct_quote"},
        {
            "text": "Lisbon would weigh a request to join a monitoring mission, its minister said.",
            "stance": "FAVOR",
            "holder": "Government of Portugal",
            "source_kind": "reported_speech",
        },
    ]
    done = _check_part(tmp_path, rows)
    assert done.returncode == 1
    assert "line 1: shares six consecutive words with a gold sentence" in done.stdout
    assert "line 2" not in done.stdout
    assert copied not in done.stdout  # annotators stay blind to the article


def test_check_part_flags_an_exact_copy_of_a_corpus_line(tmp_path, train):
    # A sentence met twice, as a widget line ("Advertisement") of two scraped pages would be.
    widget = train[0]
    rows = [
        {"doc": "new01", **{k: widget[k] for k in ("text", "stance", "holder", "source_kind")}},
        {
            "doc": "new01",
            "text": "Vilnius would weigh a request to join a demining mission, its minister said.",
            "stance": "FAVOR",
            "holder": "Government of Lithuania",
            "source_kind": "reported_speech",
        },
    ]
    done = _check_part(tmp_path, rows)
    assert done.returncode == 1
    assert f"line 1: near duplicate of corpus sentence {widget['text']!r}" in done.stdout
    assert "line 2" not in done.stdout and "not corpus fields" not in done.stdout


def test_check_part_flags_a_training_sentence_close_to_a_dev_sentence(tmp_path, dev):
    near = dev[40]
    rows = [
        {
            "doc": "new01",
            "text": near["text"].upper(),
            "stance": near["stance"],
            "holder": near["holder"],
            "source_kind": near["source_kind"],
        }
    ]
    done = _check_part(tmp_path, rows)
    assert done.returncode == 1
    assert f"line 1: too close to a sentence of development article {near['doc']}" in done.stdout
    assert near["text"] not in done.stdout


def test_segment_article_cuts_a_page_into_the_units_label_text_sees(tmp_path):
    from stancelib import split_sentences

    page = "WARSAW (PAP) - The minister spoke.“No troops”,he said.\nPhoto: archive\nRead also"
    raw = tmp_path / "page.txt"
    raw.write_text(page, encoding="utf-8")
    tool = Path(__file__).resolve().parents[1] / "tools" / "segment_article.py"
    done = subprocess.run(
        [sys.executable, str(tool), str(raw), "pl01"], capture_output=True, text=True, check=True
    )
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["text"] for r in rows] == [s.text for s in split_sentences(page)]
    assert len(rows) >= 3
    assert all(r["doc"] == "pl01" and r["stance"] is None and r["holder"] is None for r in rows)
    assert all(set(r) == {"doc", "text", "stance", "holder", "source_kind"} for r in rows)
