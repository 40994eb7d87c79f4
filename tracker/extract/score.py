"""Precision, recall and F1 of found attributions against gold ones.

A span matches exactly when both offsets agree, and by overlap when the two
share at least half of the longer one. An attribution is found when its cue
and speaker overlap the gold one's and its content overlaps by half of the
longer span (the measure of the issue that asked for extraction). Matching is
one to one: a gold attribution found twice counts once, the second finding
is a false one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
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


def pairs(
    found: Sequence[Scored], gold: Sequence[Scored], same: Callable[[Scored, Scored], bool]
) -> list[tuple[int, int]]:
    """Found and gold matched one to one, greedily in text order: (index
    found, index gold) of each pair."""
    taken: set[int] = set()
    result = []
    for j, f in enumerate(found):
        for k, g in enumerate(gold):
            if k not in taken and same(f, g):
                taken.add(k)
                result.append((j, k))
                break
    return result


def _pairs(
    found: Sequence[Scored], gold: Sequence[Scored], same: Callable[[Scored, Scored], bool]
) -> int:
    return len(pairs(found, gold, same))


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
    for part in FIELDS:
        for name, test in (("exact", exact), ("overlap", overlap)):

            def same(
                a: Scored, b: Scored, part: str = part, test: Callable[..., bool] = test
            ) -> bool:
                return bool(test(getattr(a, part), getattr(b, part)))

            result[f"{part} {name}"] = Measure(n, g, _pairs(found, gold, same))
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


class Cued(Scored, Protocol):
    @property
    def stance(self) -> str: ...


@dataclass
class Family:
    found: int = 0  # proposals whose cue is of the family
    found_right: int = 0  # of them, matched to a gold attribution
    gold: int = 0  # gold attributions whose cue is of the family
    gold_found: int = 0  # of them, matched by a proposal

    @property
    def precision(self) -> float:
        return self.found_right / self.found if self.found else 0.0

    @property
    def recall(self) -> float:
        return self.gold_found / self.gold if self.gold else 0.0


@dataclass
class Tally:
    """Attributions measured by the family of their cue: precision over
    everything proposed (a proposal matching any gold attribution, speech
    or thought, is right), recall over the gold's speech acts, and the
    stances proposed for each gold stance (or, where the gold marks none,
    for each gold cue family)."""

    families: dict[str, Family] = field(default_factory=dict)
    stances: Counter[tuple[str, str]] = field(default_factory=Counter)
    found: int = 0
    right: int = 0
    speech: int = 0  # gold speech acts
    speech_found: int = 0

    @property
    def precision(self) -> float:
        return self.right / self.found if self.found else 0.0

    @property
    def recall(self) -> float:
        return self.speech_found / self.speech if self.speech else 0.0

    def add(
        self,
        found: Sequence[Cued],
        gold: Sequence[Cued],
        family: Callable[[Cued], str],
        speech: Callable[[str], bool],
    ) -> None:
        matched = pairs(found, gold, attribution_match)
        right = {j for j, _ in matched}
        hit = {k for _, k in matched}
        self.found += len(found)
        self.right += len(matched)
        for j, f in enumerate(found):
            counts = self.families.setdefault(family(f), Family())
            counts.found += 1
            counts.found_right += j in right
        for k, g in enumerate(gold):
            name = family(g)
            counts = self.families.setdefault(name, Family())
            counts.gold += 1
            counts.gold_found += k in hit
            if speech(name):
                self.speech += 1
                self.speech_found += k in hit
        for j, k in matched:
            self.stances[(gold[k].stance or family(gold[k]), found[j].stance)] += 1
