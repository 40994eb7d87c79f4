"""Anchoring a quote to its source text, as W3C Web Annotation selectors do.

A TextPositionSelector (0-based start, exclusive end) makes look-ups exact;
the TextQuoteSelector (exact text with a short prefix and suffix) lets the
quote be found again if the source is re-fetched with small edits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

CONTEXT = 32


class QuoteNotFound(ValueError):
    pass


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
# compares as one space, however long the run.
_FOLD = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u00b4`", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
    "\u2026": "...",
}
# How much of the closest passage an error message shows.
_SHOWN = 80


def fold(text: str) -> tuple[str, list[int]]:
    """`text` as quotes are compared, and for each of its characters the
    offset in `text` it came from."""
    out: list[str] = []
    origin: list[int] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            j = i
            while j < n and text[j].isspace():
                j += 1
            out.append(" ")
            origin.append(i)
            i = j
            continue
        for folded in _FOLD.get(ch, ch):
            out.append(folded)
            origin.append(i)
        i += 1
    return "".join(out), origin


def _span(folded: str, origin: list[int], start: int, end: int, n: int) -> tuple[int, int] | None:
    """The source span of folded[start:end], or None when the match begins or
    ends inside one source character (two dots of an ellipsis)."""
    if start > 0 and origin[start - 1] == origin[start]:
        return None
    if end < len(origin) and origin[end - 1] == origin[end]:
        return None
    if folded[end - 1] == " ":  # a run of white space: all of it
        return origin[start], origin[end] if end < len(origin) else n
    return origin[start], origin[end - 1] + 1


def occurrences(text: str, quote: str) -> list[int]:
    starts = []
    at = text.find(quote)
    while at != -1:
        starts.append(at)
        at = text.find(quote, at + 1)
    return starts


def _matches(text: str, quote: str) -> list[tuple[int, int]]:
    """Where `quote` occurs in `text`: exactly if it does, else as typed
    (see `fold`)."""
    exact = occurrences(text, quote)
    if exact:
        return [(s, s + len(quote)) for s in exact]
    folded_text, origin = fold(text)
    folded_quote = fold(quote)[0].strip(" ")
    if not folded_quote:
        return []
    spans = (
        _span(folded_text, origin, s, s + len(folded_quote), len(text))
        for s in occurrences(folded_text, folded_quote)
    )
    return [span for span in spans if span is not None]


def closest(text: str, quote: str) -> tuple[int, int, float] | None:
    """The passage of `text` most like `quote`: (start, end, similarity 0-100),
    whole words, grown or shrunk a few words either way from the best
    alignment so that words added or dropped in the quote still find it."""
    folded_text, origin = fold(text)
    folded_quote = fold(quote)[0].strip(" ")
    if not folded_text or not folded_quote:
        return None
    found = fuzz.partial_ratio_alignment(folded_quote, folded_text)
    if found is None or found.dest_end <= found.dest_start:
        return None
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    at = origin[found.dest_start]
    until = origin[found.dest_end - 1] + 1
    first = next((i for i, (_, e) in enumerate(words) if e > at), 0)
    last = next((i for i in range(len(words) - 1, -1, -1) if words[i][0] < until), first)
    slack = len(folded_quote.split()) // 2 + 2
    best = (0.0, first, last)
    for i in range(max(0, first - slack), min(len(words), first + slack + 1)):
        for j in range(max(i, last - slack), min(len(words), last + slack + 1)):
            passage = fold(text[words[i][0] : words[j][1]])[0]
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


def anchor(text: str, quote: str, occurrence: int | None = None) -> Anchor:
    """Locate `quote` in `text`; `occurrence` (1-based) picks one of several.

    The quote matches exactly, or as a person types it (see `fold`); the
    anchor's `exact` is always the source's own characters at its offsets.
    """
    if not quote.strip():
        raise QuoteNotFound("the quote is empty")
    spans = _matches(text, quote)
    if not spans:
        raise _not_found(text, quote)
    if occurrence is None:
        if len(spans) > 1:
            raise QuoteNotFound(
                f"the quote occurs {len(spans)} times in the source; add `occurrence: N`"
            )
        occurrence = 1
    if not 1 <= occurrence <= len(spans):
        raise QuoteNotFound(
            f"occurrence {occurrence} asked for, the quote occurs {len(spans)} time(s)"
        )
    start, end = spans[occurrence - 1]
    return _anchored(text, start, end)


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
