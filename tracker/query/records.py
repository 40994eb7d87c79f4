"""What listings show, as plain records built from Core rows.

They mirror the attributes of the ORM models the views read (`claim.key`,
`claimant.actor.name`, `appearance.source.outlet`, `relation.from_claim`...),
so the same views render them, but cost a tuple's construction instead of an
ORM object's identity-mapped, instrumented one, and hold only what a listing
prints. `tracker.query.fetch` builds them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from tracker import dates


@dataclass(slots=True)
class ActorRef:
    id: int
    key: str
    name: str
    kind: str


@dataclass(slots=True)
class ClaimantRecord:
    actor: ActorRef

    @property
    def actor_id(self) -> int:
        return self.actor.id


@dataclass(slots=True)
class TopicRecord:
    topic: str


@dataclass(slots=True)
class SourceRef:
    id: int
    key: str
    outlet: str
    title: str
    url: str | None
    published_on: dt.date | None
    published_precision: str | None


@dataclass(slots=True)
class AppearanceRecord:
    source_id: int
    source: SourceRef
    # All None in a source with no stored text (known only by its URL).
    quote: str | None
    start_offset: int | None
    end_offset: int | None
    prefix: str | None
    suffix: str | None
    type: str
    cue: str | None
    via: ActorRef | None


@dataclass(slots=True)
class ClaimRef:
    """A related claim: what a relation line shows of it."""

    id: int
    key: str
    text: str
    stated_on: dt.date | None
    stated_precision: str | None
    claimants: list[ClaimantRecord] = field(default_factory=list)


@dataclass(slots=True)
class RelationRecord:
    """A relation as a listing shows it; both ends are refs (the listed claim
    too), so that records never refer to one another."""

    relation: str
    contest: bool
    from_claim_id: int
    to_claim_id: int
    from_claim: ClaimRef
    to_claim: ClaimRef


@dataclass(slots=True)
class EvidenceRecord:
    url: str
    title: str | None
    kind: str | None
    published_on: dt.date | None
    shows: str | None
    stance: str  # supports | refutes


@dataclass(slots=True)
class ReviewRecord:
    reviewer: ActorRef
    rating: str
    value: float | None
    best: float | None
    worst: float | None
    reviewed_on: dt.date | None
    url: str | None
    explanation: str | None
    evidence: list[EvidenceRecord] = field(default_factory=list)


@dataclass(slots=True)
class ClaimRecord:
    id: int
    key: str
    text: str
    stated_on: dt.date | None
    stated_until: dt.date | None
    stated_precision: str | None
    status: str
    claimants: list[ClaimantRecord] = field(default_factory=list)
    topics: list[TopicRecord] = field(default_factory=list)
    appearances: list[AppearanceRecord] = field(default_factory=list)
    relations_in: list[RelationRecord] = field(default_factory=list)
    relations_out: list[RelationRecord] = field(default_factory=list)
    reviews: list[ReviewRecord] = field(default_factory=list)  # in the order recorded
    evidence: list[EvidenceRecord] = field(default_factory=list)
    first_source: str | None = None  # its first appearance: a source id, or
    first_url: str | None = None  # a place outside the database

    def latest_reviews(self) -> list[ReviewRecord]:
        """Each reviewer's latest verdict (by date; undated ones count as
        older than dated, and among equals the one recorded last)."""
        latest: dict[str, tuple[tuple[bool, dt.date], int, ReviewRecord]] = {}
        for i, r in enumerate(self.reviews):
            rank = dates.recency(r.reviewed_on)
            seen = latest.get(r.reviewer.key)
            if seen is None or (rank, i) >= (seen[0], seen[1]):
                latest[r.reviewer.key] = (rank, i, r)
        return [r for _, _, r in sorted(latest.values(), key=lambda t: t[1])]


# A claim as a relation line shows it: the listed claim itself, or a ref.
AnyClaim = ClaimRef | ClaimRecord
