"""Sentence segmentation for scraped, machine-translated news.

The rules are written for text as it arrives from a scraper, where quotes are glued to
their neighbours, captions run into the body and names are glued to the next verb.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

__all__ = ["Sentence", "split_sentences"]

#: Longest text accepted, in characters (about 50 MB of ASCII).
MAX_CHARS = 50_000_000

_CLOSERS = "\"'\u201d\u2019\u00bb)]"
_OPENERS = "\"'\u201c\u2018\u00ab(["
# A run of terminal punctuation with any closing quotes or brackets after it.
_TERMINATOR = re.compile(r"(?:[.!?\u2026]+|\.\.\.)[" + re.escape(_CLOSERS) + r"]*")
# A quote mark or a capital glued straight after a full stop: "war.“We", "end.The".
_GLUED_START = re.compile(r"[" + re.escape(_OPENERS) + r"]*[A-Z\u0400-\u042f]")
_CAPTION = re.compile(r"(?i)(?:image|media|photo|video)\b[^\n.]{0,80}?\bcaption,[ \t]*")
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof gen lt col maj capt sgt adm cmdr sen rep gov pres st jr sr
    vs approx est dept fig jan feb mar apr jun jul aug sep sept oct nov dec
    inc ltd corp co e.g i.e u.s u.k u.n u.s.a a.m p.m""".split()
)
_WORD_BEFORE = re.compile(r"([A-Za-z](?:[A-Za-z.]*[A-Za-z])?)$")
# The first non-space character (``\S`` and ``str.isspace`` agree on every code point).
_NON_SPACE = re.compile(r"\S")


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a source text.

    Attributes
    ----------
    start, end : int
        Character offsets in the source text: ``source[start:end] == text``.
    text : str
        The sentence, without surrounding white space.
    """

    start: int
    end: int
    text: str


def split_sentences(text: str) -> list[Sentence]:
    """Split a news text into sentences with exact character offsets.

    Rules, in order:

    1. **Line breaks.** A blank line always ends a sentence, and so does a single line
       break, unless the next line starts with a lower-case letter (a soft-wrapped line).
       Headings without final punctuation therefore stand alone.
    2. **Captions.** Scraped photo captions (``image Source, getty images caption, ...``)
       are split after ``caption,``: the credit is one fragment and the caption text is a
       sentence of its own.
    3. **Terminal punctuation.** ``.``, ``!``, ``?`` or ``…``, with any closing quotes or
       brackets after it, ends a sentence when white space follows, whatever the case of
       the next word (so the stray fragment in ``he said. jens stoltenberg,`` stands alone).
       It does not when the word before the full stop is a known abbreviation
       (``Mr.``, ``U.S.``) or a single-letter initial, or when an ellipsis is followed by a
       lower-case word.
    4. **Glued starts.** A full stop glued to an opening quote or a capital (``war.“We``,
       ``end.The``) ends a sentence, unless what precedes is an initial or abbreviation
       (``U.S.Army``). A closing quote glued to a lower-case word (``evaluate it”said``)
       does not, and neither does a quote with no terminal punctuation before it
       (``ruled out“The French President said``): quotes alone never end a sentence, so a
       quote spanning several sentences is split at its own full stops.
    5. **Glued names.** A name glued to the next word (``Olaf ScholzSaid``) is not a
       boundary.
    6. **Lone punctuation.** A piece with no letter or digit (the stray ``.`` in
       ``Russia. .``) joins the sentence before it on the same line.

    Every non-space character of `text` belongs to exactly one sentence, sentences do
    not overlap, are in order, and ``text[s.start:s.end] == s.text``.

    Parameters
    ----------
    text : str
        The source text.

    Returns
    -------
    list of Sentence
        The sentences in order; empty for an empty or white-space-only text.

    Raises
    ------
    TypeError
        If `text` is not a ``str``.
    ValueError
        If `text` is longer than ``MAX_CHARS`` characters.

    Examples
    --------
    >>> [s.text for s in split_sentences("No troops. “Never,” he said. jens stoltenberg,")]
    ['No troops.', '“Never,” he said.', 'jens stoltenberg,']
    """
    if not isinstance(text, str):
        hint = (
            "; decode bytes first, e.g. data.decode('utf-8')"
            if isinstance(text, bytes | bytearray)
            else ""
        )
        raise TypeError(f"split_sentences expects a str, got {type(text).__name__}{hint}")
    if len(text) > MAX_CHARS:
        raise ValueError(
            f"text has {len(text):,} characters, more than the limit of {MAX_CHARS:,}; "
            "split it into documents first"
        )
    sentences: list[Sentence] = []
    for block_start, block_end in _blocks(text):
        pieces = _split_block(text, block_start, block_end)
        first_of_block = len(sentences)
        for start, end in pieces:
            start, end = _strip(text, start, end)
            if start >= end:
                continue
            if len(sentences) > first_of_block and not _has_alnum(text, start, end):
                prev = sentences[-1]
                sentences[-1] = Sentence(prev.start, end, text[prev.start : end])
                continue
            sentences.append(Sentence(start, end, text[start:end]))
    return sentences


def _blocks(text: str) -> list[tuple[int, int]]:
    """Spans of text between sentence-ending line breaks (rule 1)."""
    blocks = []
    start = 0
    for match in re.finditer(r"\n[ \t\r\f\v]*(\n\s*)?", text):
        blank = match.group(1) is not None
        following = text[match.end() : match.end() + 1]
        if blank or not following.islower():
            blocks.append((start, match.start()))
            start = match.end()
    blocks.append((start, len(text)))
    return blocks


def _split_block(text: str, start: int, end: int) -> list[tuple[int, int]]:
    cuts = [start]
    lead = len(text[start:end]) - len(text[start:end].lstrip())
    caption = _CAPTION.match(text, start + lead, end)
    if caption:
        cuts.append(caption.end())
    for match in _TERMINATOR.finditer(text, cuts[-1], end):
        if _ends_sentence(text, match, end):
            cuts.append(match.end())
    cuts.append(end)
    return list(itertools.pairwise(cuts))


def _ends_sentence(text: str, match: re.Match[str], end: int) -> bool:
    after = match.end()
    if after >= end:
        return False
    nxt = text[after]
    punct = match.group(0).rstrip(_CLOSERS)
    if nxt.isspace():
        # Search rather than slice: slicing the rest of the block at every full stop
        # made a long block without line breaks quadratic.
        rest = _NON_SPACE.search(text, after, end)
        if rest is None:
            return False
        if punct.endswith(("...", "\u2026")) and text[rest.start()].islower():
            return False
        return not (punct == "." and _is_abbreviation(text, match.start()))
    if punct != "." or not _GLUED_START.match(text, after, end):
        return False
    return text[match.start() - 1 : match.start()].islower() and not _is_abbreviation(
        text, match.start()
    )


def _is_abbreviation(text: str, dot: int) -> bool:
    word = _WORD_BEFORE.search(text, max(0, dot - 12), dot)
    if not word:
        return False
    token = word.group(1)
    return (len(token) == 1 and token.isupper()) or token.lower() in _ABBREVIATIONS


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _has_alnum(text: str, start: int, end: int) -> bool:
    return any(ch.isalnum() for ch in text[start:end])
