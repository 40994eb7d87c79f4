"""Anchoring a quote to its source text, as W3C Web Annotation selectors do.

A TextPositionSelector (0-based start, exclusive end) makes look-ups exact;
the TextQuoteSelector (exact text with a short prefix and suffix) lets the
quote be found again if the source is re-fetched with small edits.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

from rapidfuzz import fuzz

CONTEXT = 32


class QuoteNotFound(ValueError):
    pass


_LISTED = 5


class QuoteRepeated(QuoteNotFound):
    """The quote occurs more than once and nothing says which is meant."""

    def __init__(self, spans: list[tuple[int, int]], pick: str) -> None:
        shown = ", ".join(str(s) for s, _ in spans[:_LISTED])
        more = f" and {len(spans) - _LISTED} more" if len(spans) > _LISTED else ""
        super().__init__(
            f"the quote occurs {len(spans)} times in the source (at {shown}{more});"
            f" say which with {pick} (1-{len(spans)})"
        )


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    prefix: str
    suffix: str
    exact: str  # the source's own characters: what is stored as the quote


# What a person typing a quote writes differently from the article: straight
# quotes and apostrophes for typographic ones, a hyphen for dashes, three dots
# for an ellipsis. White space of every kind (line breaks, no-break spaces)
# compares as one space, however long the run; invisible characters (soft
# hyphens, zero-width spaces) are not there at all; an accent typed as one
# character matches one stored as a letter and a combining mark (NFC).
_FOLD = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u00b4`", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
    **dict.fromkeys("\u00ad\u200b\u2060\ufeff", ""),
    "\u2026": "...",
}
# How much of the closest passage an error message shows.
_SHOWN = 80


class Folded(NamedTuple):
    """Text as quotes are compared; for each of its characters, the span of
    the original text it came from."""

    text: str
    starts: list[int]
    ends: list[int]


def fold(text: str) -> Folded:
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            j = i
            while j < n and text[j].isspace():
                j += 1
            out.append(" ")
            starts.append(i)
            ends.append(j)
            i = j
            continue
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        # NFC on a lone character too: a singleton such as the angstrom sign
        # (U+212B) is the letter Å (U+00C5) as typed.
        cluster = unicodedata.normalize("NFC", text[i:j])
        for c in cluster:
            for folded in _FOLD.get(c, c):
                out.append(folded)
                starts.append(i)
                ends.append(j)
        i = j
    return Folded("".join(out), starts, ends)


def _span(folded: Folded, start: int, end: int) -> tuple[int, int] | None:
    """The source span of folded[start:end], or None when the match begins or
    ends inside one source character (two dots of an ellipsis, a letter
    without its accent)."""
    starts = folded.starts
    if start > 0 and starts[start - 1] == starts[start]:
        return None
    if end < len(starts) and starts[end - 1] == starts[end]:
        return None
    return starts[start], folded.ends[end - 1]


def _wordish(ch: str) -> bool:
    return ch.isalnum() or unicodedata.combining(ch) != 0


def _whole_words(text: str, start: int, end: int) -> bool:
    """False when the span cuts a word: "missile" is not a quote of "missiles"."""
    if start > 0 and _wordish(text[start]) and _wordish(text[start - 1]):
        return False
    return not (end < len(text) and _wordish(text[end - 1]) and _wordish(text[end]))


def occurrences(text: str, quote: str) -> list[int]:
    starts = []
    at = text.find(quote)
    while at != -1:
        starts.append(at)
        at = text.find(quote, at + 1)
    return starts


def occurrence_at(text: str | None, quote: str | None, start: int | None) -> int | None:
    """Which occurrence of `quote` starts at `start`, as a data file's
    `occurrence: N` names it; None when it occurs once (or nothing is quoted)."""
    if text is None or quote is None or start is None:
        return None
    starts = occurrences(text, quote)
    return starts.index(start) + 1 if len(starts) > 1 and start in starts else None


def _all_matches(text: str, quote: str) -> list[tuple[int, int]]:
    exact = occurrences(text, quote)
    if exact:
        return [(s, s + len(quote)) for s in exact]
    folded_text = fold(text)
    folded_quote = fold(quote).text.strip()
    if not folded_quote:
        return []
    spans = (
        _span(folded_text, s, s + len(folded_quote))
        for s in occurrences(folded_text.text, folded_quote)
    )
    return [span for span in spans if span is not None]


def _matches(text: str, quote: str) -> list[tuple[int, int]]:
    """Where `quote` occurs in `text` as whole words: exactly if it does,
    else as typed (see `fold`)."""
    spans = _all_matches(text, quote)
    whole = [(s, e) for s, e in spans if _whole_words(text, s, e)]
    if spans and not whole:
        s, e = spans[0]
        around = text[max(0, s - 10) : e + 10]
        raise QuoteNotFound(
            f"the quote occurs only inside longer words ({' '.join(around.split())!r}"
            f" at {s}); quote whole words"
        )
    return whole


def closest(text: str, quote: str) -> tuple[int, int, float] | None:
    """The passage of `text` most like `quote`: (start, end, similarity 0-100),
    whole words, grown or shrunk a few words either way from the best
    alignment so that words added or dropped in the quote still find it."""
    folded = fold(text)
    folded_quote = fold(quote).text.strip()
    if not folded.text.strip() or not folded_quote:  # no word to offer
        return None
    found = fuzz.partial_ratio_alignment(folded_quote, folded.text)
    if found is None or found.dest_end <= found.dest_start:
        return None
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    at = folded.starts[found.dest_start]
    until = folded.ends[found.dest_end - 1]
    first = next((i for i, (_, e) in enumerate(words) if e > at), 0)
    last = next((i for i in range(len(words) - 1, -1, -1) if words[i][0] < until), first)
    slack = len(folded_quote.split()) // 2 + 2
    best = (0.0, first, last)
    for i in range(max(0, first - slack), min(len(words), first + slack + 1)):
        for j in range(max(i, last - slack), min(len(words), last + slack + 1)):
            passage = fold(text[words[i][0] : words[j][1]]).text
            score = fuzz.ratio(folded_quote, passage)
            if score > best[0]:
                best = (score, i, j)
    score, i, j = best
    return words[i][0], words[j][1], score


def _not_found(text: str, quote: str) -> QuoteNotFound:
    near = closest(text, quote)
    if near is None:
        return QuoteNotFound("the quote does not occur in the source text")
    start, end, score = near
    passage = " ".join(text[start:end].split())
    if len(passage) > _SHOWN:
        passage = passage[: _SHOWN - 1] + "…"
    return QuoteNotFound(
        f"the quote does not occur in the source text; the closest passage is at"
        f" {start}-{end} ({score:.0f}% alike): {passage!r}"
    )


def anchor(
    text: str, quote: str, occurrence: int | None = None, pick: str = "occurrence: N"
) -> Anchor:
    """Locate `quote` in `text`; `occurrence` (1-based) picks one of several
    (`pick`: how the caller's user says which, for the error message).

    The quote matches exactly, or as a person types it (see `fold`), and
    only as whole words; the anchor's `exact` is always the source's own
    characters at its offsets.
    """
    if not quote.strip():
        raise QuoteNotFound("the quote is empty")
    spans = _matches(text, quote)
    if not spans:
        raise _not_found(text, quote)
    if occurrence is None:
        if len(spans) > 1:
            raise QuoteRepeated(spans, pick)
        occurrence = 1
    if not 1 <= occurrence <= len(spans):
        raise QuoteNotFound(
            f"occurrence {occurrence} asked for; the quote occurs {_times(len(spans))}"
        )
    start, end = spans[occurrence - 1]
    return _anchored(text, start, end)


def anchors(text: str, quote: str) -> list[Anchor]:
    """Every whole-word occurrence of `quote` in `text` (none: QuoteNotFound)."""
    if not quote.strip():
        raise QuoteNotFound("the quote is empty")
    spans = _matches(text, quote)
    if not spans:
        raise _not_found(text, quote)
    return [_anchored(text, start, end) for start, end in spans]


def _times(n: int) -> str:
    return "once" if n == 1 else f"{n} times"


def _anchored(text: str, start: int, end: int) -> Anchor:
    return Anchor(
        start,
        end,
        text[max(0, start - CONTEXT) : start],
        text[end : end + CONTEXT],
        text[start:end],
    )


def _shared_end(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def _shared_start(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def relocate(text: str, quote: str, prefix: str, suffix: str) -> Anchor | None:
    """Find a stored quote again in an edited text (the TextQuoteSelector's job).

    Among the quote's occurrences, the one whose surroundings best match the
    stored prefix and suffix wins; None when the quote is gone or two
    occurrences match equally well (guessing would invent an anchor).
    """
    starts = occurrences(text, quote)
    if not starts:
        return None

    def context_match(start: int) -> int:
        end = start + len(quote)
        before = text[max(0, start - len(prefix)) : start]
        return _shared_end(before, prefix) + _shared_start(text[end : end + len(suffix)], suffix)

    ranked = sorted(starts, key=context_match, reverse=True)
    if len(ranked) > 1 and context_match(ranked[0]) == context_match(ranked[1]):
        return None
    start = ranked[0]
    end = start + len(quote)
    # One side of the stored context must still be there intact; a lone
    # occurrence in other surroundings is another passage, not this one.
    before, after = text[max(0, start - len(prefix)) : start], text[end : end + len(suffix)]
    if not (before == prefix and (prefix or start == 0)) and not (
        after == suffix and (suffix or end == len(text))
    ):
        return None
    return _anchored(text, start, end)
