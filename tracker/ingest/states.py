"""What a load plans: the state each entity should have, and the report of what changed.

Named records handed from the planner (tracker.ingest.plan) to the writer
(tracker.ingest.load): compared with what the database holds, and written.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

KINDS = ("actors", "sources", "claims")


@dataclass
class LoadReport:
    files: list[Path] = field(default_factory=list)
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    # Claims outside the files whose quotes moved with an edited source text.
    reanchored: int = 0

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) + sum(self.updated.values()) + self.reanchored)

    def summary(self) -> str:
        parts = []
        for kind in KINDS:
            parts.append(
                f"{kind}: {self.created[kind]} new, {self.updated[kind]} updated,"
                f" {self.unchanged[kind]} unchanged"
            )
        if self.reanchored:
            parts.append(f"quotes re-anchored in {self.reanchored} other claim(s)")
        return f"loaded {len(self.files)} file(s) — " + "; ".join(parts)


@dataclass(frozen=True)
class Key:
    """Stands in for the spec of a claim that is rewritten but not in the files."""

    key: str


class ActorState(NamedTuple):
    """What an actor's row and children should hold; compared with what they do."""

    name: str
    kind: str
    description: str | None
    aliases: list[tuple[str, str]]  # (alias as written, normalised)
    roles: list[tuple[str, str, dt.date | None, dt.date | None]]  # (title, org, start, end)


class SourceState(NamedTuple):
    outlet: str
    title: str
    url: str | None
    published: dt.date | None
    published_precision: str | None
    language: str | None
    archived_url: str | None
    retrieved: dt.date | None
    excerpt: bool
    notes: str | None
    content_hash: str | None  # None: no stored text
    credits: list[str]  # actor keys


class AppearanceState(NamedTuple):
    """Quote, offsets and context are None in a source with no stored text."""

    source: str  # source key
    quote: str | None  # the source's own characters at start:end
    start: int | None
    end: int | None
    prefix: str | None
    suffix: str | None
    type: str
    cue: str | None
    via: str | None  # actor key


class EvidenceState(NamedTuple):
    url: str
    title: str | None
    kind: str | None
    published: dt.date | None
    shows: str | None
    stance: str


class ReviewState(NamedTuple):
    reviewer: str  # actor key
    rating: str
    value: float | None
    best: float | None
    worst: float | None
    reviewed: dt.date | None
    url: str | None
    explanation: str | None
    evidence: list[EvidenceState]


class ClaimState(NamedTuple):
    text: str
    stated: dt.date | None
    precision: str | None
    claimants: list[str]  # actor keys
    topics: list[str]
    appearances: list[AppearanceState]
    relations: list[tuple[str, str]]  # (relation, target claim key)
    reviews: list[ReviewState]
    evidence: list[EvidenceState]
    first_source: str | None  # source key
    first_url: str | None


State = ActorState | SourceState | ClaimState


@dataclass
class Plan:
    """One entity of the files: its row (None if new) and the state it should have."""

    spec: Any
    row: Any
    state: State
