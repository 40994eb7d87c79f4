"""Precision, recall and F1 of found attributions against gold ones.

A span matches exactly when both offsets agree, and by overlap when the two
share at least half of the longer one. An attribution is found when its cue
and speaker overlap the gold one's and its content overlaps by half of the
longer span (the measure of the issue that asked for extraction). Matching is
one to one: a gold attribution found twice counts once, the second finding
is a false one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

FIELDS = ("cue", "speaker", "content")


class Span(Protocol):
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


class Scored(Protocol):
    @property
    def cue(self) -> Span: ...
    @property
    def speaker(self) -> Span: ...
    @property
    def content(self) -> Span: ...


@dataclass(frozen=True)
class Measure:
    found: int  # what the extractor proposed
    gold: int  # what the annotators marked
    right: int  # pairs matched one to one

    @property
    def precision(self) -> float:
        return self.right / self.found if self.found else 0.0

    @property
    def recall(self) -> float:
        return self.right / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: Measure) -> Measure:
        return Measure(self.found + other.found, self.gold + other.gold, self.right + other.right)


def exact(a: Span, b: Span) -> bool:
    return a.start == b.start and a.end == b.end


def overlap(a: Span, b: Span, share: float = 0.5) -> bool:
    """The two share at least `share` of the longer one (any character, for
    share 0)."""
    common = min(a.end, b.end) - max(a.start, b.start)
    if common <= 0:
        return False
    return common >= share * max(a.end - a.start, b.end - b.start)


def touches(a: Span, b: Span) -> bool:
    return overlap(a, b, 0.0)


def _pairs(
    found: Sequence[Scored], gold: Sequence[Scored], same: Callable[[Scored, Scored], bool]
) -> int:
    """Found and gold matched one to one, greedily in text order."""
    taken: set[int] = set()
    right = 0
    for f in found:
        for k, g in enumerate(gold):
            if k not in taken and same(f, g):
                taken.add(k)
                right += 1
                break
    return right


def attribution_match(found: Scored, gold: Scored) -> bool:
    """The issue's measure: cue and speaker overlapping, content sharing
    half of the longer span."""
    return (
        touches(found.cue, gold.cue)
        and touches(found.speaker, gold.speaker)
        and overlap(found.content, gold.content)
    )


def measure(found: Sequence[Scored], gold: Sequence[Scored]) -> dict[str, Measure]:
    """Every measure of one text: `attribution`, and each field exact and
    by overlap (`cue exact`, `cue overlap`, …)."""
    n, g = len(found), len(gold)
    result = {"attribution": Measure(n, g, _pairs(found, gold, attribution_match))}
    for field in FIELDS:
        for name, test in (("exact", exact), ("overlap", overlap)):

            def same(
                a: Scored, b: Scored, field: str = field, test: Callable[..., bool] = test
            ) -> bool:
                return bool(test(getattr(a, field), getattr(b, field)))

            result[f"{field} {name}"] = Measure(n, g, _pairs(found, gold, same))
    return result


def total(parts: Sequence[dict[str, Measure]]) -> dict[str, Measure]:
    """The measures of several texts, summed (micro-averaged)."""
    summed: dict[str, Measure] = {}
    for part in parts:
        for key, value in part.items():
            summed[key] = summed[key] + value if key in summed else value
    return summed


def links(found: dict[int, list[str]], gold: dict[int, set[str]]) -> tuple[Measure, int]:
    """Denial links: (precision/recall over (denial, claim) pairs, how many
    gold denials have their top-ranked link among the claims they deny).

    Keys are gold denials (their index), `found` lists each one's proposed
    links best first (empty when the denial was not found)."""
    pairs = sum(len(v) for v in found.values())
    right = sum(len(set(v) & gold.get(k, set())) for k, v in found.items())
    top = sum(1 for k, claims in gold.items() if found.get(k) and found[k][0] in claims)
    return Measure(pairs, sum(len(v) for v in gold.values()), right), top
