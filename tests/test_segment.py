"""Sentence segmentation: each quirk of scraped news by name, and properties on any text."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stancelib import split_sentences
from stancelib.data import read_article


def texts(source: str) -> list[str]:
    return [s.text for s in split_sentences(source)]


def test_closing_quote_glued_to_next_word_is_not_a_boundary():
    source = "“That is how we see it”said the spokesman, asked about it."
    assert texts(source) == [source]


def test_opening_quote_glued_to_previous_word_is_not_a_boundary():
    source = "“There is no consensus, but nothing is excluded“The president said."
    assert texts(source) == [source]


def test_quote_spanning_several_sentences_is_split_at_its_full_stops():
    source = "“We will not go. Our soldiers stay home. Never,” he said."
    assert texts(source) == [
        "“We will not go.",
        "Our soldiers stay home.",
        "Never,” he said.",
    ]


def test_full_stop_glued_to_an_opening_quote_ends_a_sentence():
    assert texts("We will win.“We must.”") == ["We will win.", "“We must.”"]


def test_full_stop_glued_to_a_capital_ends_a_sentence():
    assert texts("The talks ended.The minister left.") == [
        "The talks ended.",
        "The minister left.",
    ]


def test_caption_credit_is_split_from_the_caption_text():
    source = "image Source, reuters images caption, Soldiers train near the border."
    assert texts(source) == [
        "image Source, reuters images caption,",
        "Soldiers train near the border.",
    ]


def test_heading_without_final_punctuation_stands_alone():
    source = "Reactions in Berlin\n\nThe chancellor spoke on Tuesday."
    assert texts(source) == ["Reactions in Berlin", "The chancellor spoke on Tuesday."]


def test_name_glued_to_verb_is_not_a_boundary():
    source = "The Dutch premier Mark RutteSaid that no decision was taken."
    assert texts(source) == [source]


def test_stray_lowercase_fragment_after_full_stop_stands_alone():
    assert texts("“No plans exist,” he said. mark rutte,") == [
        "“No plans exist,” he said.",
        "mark rutte,",
    ]


def test_lone_punctuation_joins_the_previous_sentence():
    assert texts("They went to war. .\n\nNext.") == ["They went to war. .", "Next."]


def test_abbreviations_and_initials_do_not_end_sentences():
    source = "Mr. Smith met U.S. officials and J. Doe in Washington."
    assert texts(source) == [source]


def test_soft_wrapped_line_continues_the_sentence():
    assert texts("Troops could be sent\nto the front, he said.") == [
        "Troops could be sent\nto the front, he said."
    ]


def test_question_and_exclamation_marks_end_sentences():
    assert texts("Why now? Because! Fine.") == ["Why now?", "Because!", "Fine."]


def test_ellipsis_before_lowercase_continues():
    assert texts("We will see... perhaps later.") == ["We will see... perhaps later."]


@pytest.mark.parametrize("bad", [None, b"bytes", 3, ["a list"]])
def test_non_string_input_raises_type_error(bad):
    with pytest.raises(TypeError, match="str"):
        split_sentences(bad)


def test_empty_and_blank_texts_give_no_sentences():
    assert split_sentences("") == []
    assert split_sentences(" \n\t ") == []


def test_article_offsets_and_named_quirks():
    article = read_article()
    sentences = split_sentences(article)
    got = [s.text for s in sentences]
    assert all(article[s.start : s.end] == s.text for s in sentences)
    assert any(t.startswith("This is how we evaluate it”said Dmitry Peskov") for t in got)
    assert any(t.endswith("nothing can be ruled out“The French President said.") for t in got)
    assert "jens stoltenberg," in got
    assert "Reactions to Macron’s words" in got
    assert "image Source, getty images caption," in got
    assert any("Olaf ScholzSaid that" in t for t in got)


def check_invariants(source: str) -> None:
    sentences = split_sentences(source)
    covered = [0] * len(source)
    previous_end = 0
    for s in sentences:
        assert source[s.start : s.end] == s.text
        assert s.text and s.text == s.text.strip()
        assert s.start >= previous_end
        previous_end = s.end
        for i in range(s.start, s.end):
            covered[i] += 1
    for i, ch in enumerate(source):
        if not ch.isspace():
            assert covered[i] == 1, (source, i)


_alphabet = st.sampled_from(list("ab AB.,!?\n\t“”\"'’…:;()ÉжЖ中é1") + ["Mr. ", "U.S. ", "caption,"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_alphabet, max_size=60).map("".join))
def test_properties_on_news_like_text(source):
    check_invariants(source)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_properties_on_arbitrary_text(source):
    check_invariants(source)
