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
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from spacy.language import Language

OUTSIDE, INSIDE, OPENING, CLOSING = 0, 1, 2, 3
_OPENERS = {"“": "”", "«": "»", "„": "“", '"': '"'}
_MARKS = frozenset('“”«»„"')


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
    for match in re.finditer('[“”«»„"]', line):
        mark, at = match.group(), match.start()
        if opened is None:
            if mark in _OPENERS:
                opened = (at, _OPENERS[mark])
        elif mark == opened[1] or (mark in '”"' and opened[1] in '”"'):
            spans.append((opened[0], at))
            opened = None
    return spans


def _lines(text: str) -> Iterator[tuple[int, str]]:
    at = 0
    for line in text.split("\n"):
        if line.strip():
            yield at, line
        at += len(line) + 1


def sentences(nlp: Language, text: str) -> list[Sentence]:
    """Every sentence of `text`, in order: a line ends one, and so does a
    full stop, question or exclamation mark outside quotation marks before a
    capital or an opening mark."""
    lines = list(_lines(text))
    found: list[Sentence] = []
    docs = nlp.pipe(line for _, line in lines)  # a blank pipeline: the tokenizer alone
    for number, ((offset, line), doc) in enumerate(zip(lines, docs, strict=True)):
        quotes = quote_spans(line)

        def position(at: int, quotes: list[tuple[int, int]] = quotes) -> int:
            for opening, closing in quotes:
                if at == opening:
                    return OPENING
                if at == closing:
                    return CLOSING
                if opening < at < closing:
                    return INSIDE
            return OUTSIDE

        tokens = [
            Token(
                t.text,
                t.text.lower(),
                offset + t.idx,
                offset + t.idx + len(t.text),
                position(t.idx),
            )
            for t in doc
            if not t.is_space
        ]
        current: list[Token] = []
        for i, token in enumerate(tokens):
            current.append(token)
            following = tokens[i + 1] if i + 1 < len(tokens) else None
            if (
                following is not None
                and token.quote == OUTSIDE
                and token.text in (".", "!", "?")
                and (following.capital or following.quote == OPENING)
            ):
                found.append(Sentence(current, number))
                current = []
        if current:
            found.append(Sentence(current, number))
    return found
