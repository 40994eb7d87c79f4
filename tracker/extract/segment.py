"""Text into sentences of tokens, each token knowing whether it is quoted.

spaCy's blank English tokenizer splits words ("U.S." stays whole, "Korea's"
is "Korea" + "'s", with a curly apostrophe too); this module keeps every
offset absolute into the whole text, treats a line break as the end of a
sentence (headlines, datelines and captions have no full stop), and never
ends a sentence inside a quotation: a quote of three sentences is one span
of what was said.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from spacy.language import Language

OUTSIDE, INSIDE, OPENING, CLOSING = 0, 1, 2, 3
# Two apostrophes stand for a straight double quote in some newspapers'
# text (''The attack is over,'' he said): spaCy keeps them one token.
_OPENERS = {"“": "”", "«": "»", "„": "“", '"': '"', "''": "''"}
_MARKS = frozenset('“”«»„"')
_MARK = re.compile("''|[“”«»„\"]")
# spaCy's tokenizer takes time quadratic in the length of a run of text
# without a space (each prefix and suffix it splits off searches the rest
# again: 2,000 “ take 4 s, 8,000 take 50 s). A run this long is no word of an
# article (a URL at most): its words and marks are split here, each
# punctuation mark a token of its own.
LONG_RUN = 64
_LONG = re.compile(rf"\S{{{LONG_RUN},}}")
_PIECES = re.compile(r"\w+|\S")
# A sentence ends after this many tokens whatever follows: the longest of
# the 27,000 sentences of the seeds and the development corpus has 300, and
# the rules' work on one sentence grows faster than its length (text with a
# thousand "He said “yes.”" and no other full stop is one sentence).
MAX_SENTENCE = 400


class Token(NamedTuple):
    text: str
    lower: str
    start: int  # offsets into the whole text, end exclusive
    end: int
    quote: int  # OUTSIDE, INSIDE, OPENING or CLOSING mark

    @property
    def word(self) -> bool:
        return self.text[:1].isalnum()

    @property
    def capital(self) -> bool:
        return self.text[:1].isupper()


@dataclass(frozen=True)
class Sentence:
    tokens: list[Token]
    paragraph: int  # which line of the text

    @property
    def start(self) -> int:
        return self.tokens[0].start

    @property
    def end(self) -> int:
        return self.tokens[-1].end


def quote_spans(line: str) -> list[tuple[int, int]]:
    """(opening mark, closing mark) offsets of each quotation in `line`.

    A straight double quote opens and closes in turn; a mark left open at the
    end of the line (a quotation running on to the next paragraph, or a stray
    inch sign) quotes nothing."""
    spans = []
    opened: tuple[int, str] | None = None
    for match in _MARK.finditer(line):
        mark, at = match.group(), match.start()
        if opened is None:
            if mark in _OPENERS:
                opened = (at, _OPENERS[mark])
        elif mark == opened[1] or (mark in ("”", '"') and opened[1] in ("”", '"')):
            spans.append((opened[0], at))
            opened = None
    return spans


def _quotes(text: str) -> tuple[dict[int, int], list[tuple[int, int]]]:
    """Where each quotation of `text` opens and closes, line by line: the
    marks' offsets, and the spans inside."""
    marks: dict[int, int] = {}
    spans: list[tuple[int, int]] = []
    at = 0
    for line in text.split("\n"):
        for opening, closing in quote_spans(line):
            marks[at + opening], marks[at + closing] = OPENING, CLOSING
            spans.append((at + opening, at + closing))
        at += len(line) + 1
    return marks, spans


def _tokens(nlp: Language, text: str) -> Iterator[tuple[str, int, str, bool]]:
    """spaCy's tokens of `text` as (text, offset, whitespace after, is
    space), a run of `LONG_RUN` characters or more without a space split
    here instead, in time linear in its length."""
    at = 0
    for run in [*_LONG.finditer(text), None]:
        end = len(text) if run is None else run.start()
        if end > at:
            for t in nlp.tokenizer(text[at:end]):
                yield t.text, at + t.idx, t.whitespace_, t.is_space
        if run is None:
            return
        for piece in _PIECES.finditer(run.group()):
            yield piece.group(), run.start() + piece.start(), "", False
        at = run.end()


def sentences(nlp: Language, text: str) -> list[Sentence]:
    """Every sentence of `text`, in order: a line ends one, and so does a
    full stop, question or exclamation mark outside quotation marks before a
    capital or an opening mark, and so does a closing mark after a full stop."""
    marks, spans = _quotes(text)
    starts = [opening for opening, _ in spans]
    found: list[Sentence] = []
    current: list[Token] = []
    line = 0
    previous: Token | None = None
    for word, start, whitespace, is_space in _tokens(nlp, text):
        if is_space:
            if "\n" in word:
                if current:
                    found.append(Sentence(current, line))
                    current = []
                line += word.count("\n")
                previous = None
            continue
        quote = marks.get(start)
        if quote is None:
            k = bisect_right(starts, start) - 1
            quote = INSIDE if k >= 0 and start < spans[k][1] else OUTSIDE
        token = Token(word, word.lower(), start, start + len(word), quote)
        if (
            previous is not None
            and (token.capital or quote == OPENING)
            and (
                (previous.quote == OUTSIDE and previous.text in (".", "!", "?"))
                # “We are ready.” The mayor…: a full stop inside the closing
                # mark ends the sentence too (“Why?” Trump asked does not).
                or (previous.quote == CLOSING and len(current) > 1 and current[-2].text == ".")
            )
        ):
            found.append(Sentence(current, line))
            current = []
        current.append(token)
        previous = token
        if len(current) == MAX_SENTENCE:
            found.append(Sentence(current, line))
            current, previous = [], None
        # A token's trailing space holding a line break ends the line too.
        if "\n" in whitespace:
            if current:
                found.append(Sentence(current, line))
            current, previous = [], None
            line += 1
    if current:
        found.append(Sentence(current, line))
    return found
