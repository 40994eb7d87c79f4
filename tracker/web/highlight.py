"""A text cut into runs at the spans marked in it: an article with its
quotes, a search snippet with its matches. Only offsets: the templates
escape and mark the runs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    data: Any = None  # what the run links to (the claim a quote belongs to)


@dataclass
class Run:
    text: str
    start: int
    spans: list[Span] = field(default_factory=list)  # the spans covering it
    first: list[Span] = field(default_factory=list)  # the spans starting here


def runs(text: str, spans: Sequence[Span]) -> list[Run]:
    """`text` in runs, each covered by the same spans throughout; spans out
    of the text or empty are left out (a stored offset never is)."""
    kept = sorted(
        (s for s in spans if 0 <= s.start < s.end <= len(text)), key=lambda s: (s.start, -s.end)
    )
    cuts = sorted({0, len(text), *(s.start for s in kept), *(s.end for s in kept)})
    found = []
    for a, b in pairwise(cuts):
        covering = [s for s in kept if s.start <= a and b <= s.end]
        found.append(Run(text[a:b], a, covering, [s for s in covering if s.start == a]))
    return found
