"""Anchoring a quote to its source text, as W3C Web Annotation selectors do.

A TextPositionSelector (0-based start, exclusive end) makes look-ups exact;
the TextQuoteSelector (exact text with a short prefix and suffix) lets the
quote be found again if the source is re-fetched with small edits.
"""

from __future__ import annotations

from dataclasses import dataclass

CONTEXT = 32


class QuoteNotFound(ValueError):
    pass


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    prefix: str
    suffix: str


def occurrences(text: str, quote: str) -> list[int]:
    starts = []
    at = text.find(quote)
    while at != -1:
        starts.append(at)
        at = text.find(quote, at + 1)
    return starts


def anchor(text: str, quote: str, occurrence: int | None = None) -> Anchor:
    """Locate `quote` in `text`; `occurrence` (1-based) picks one of several."""
    if not quote:
        raise QuoteNotFound("the quote is empty")
    starts = occurrences(text, quote)
    if not starts:
        raise QuoteNotFound("the quote does not occur in the source text")
    if occurrence is None:
        if len(starts) > 1:
            raise QuoteNotFound(
                f"the quote occurs {len(starts)} times in the source; add `occurrence: N`"
            )
        occurrence = 1
    if not 1 <= occurrence <= len(starts):
        raise QuoteNotFound(
            f"occurrence {occurrence} asked for, the quote occurs {len(starts)} time(s)"
        )
    start = starts[occurrence - 1]
    end = start + len(quote)
    return Anchor(start, end, text[max(0, start - CONTEXT) : start], text[end : end + CONTEXT])


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
    return Anchor(start, end, text[max(0, start - CONTEXT) : start], text[end : end + CONTEXT])
