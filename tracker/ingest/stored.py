"""What the database holds of the entities a load names, read with Core in
bounded batches (no statement's parameters grow with the input), as the same
named states the planner builds from the files, so the two compare directly.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import aliased

from tracker.ingest.states import (
    ActorState,
    AppearanceState,
    ClaimState,
    EvidenceState,
    ReviewState,
    SourceState,
)
from tracker.record.batching import batches
from tracker.record.models import (
    Actor,
    ActorName,
    Alias,
    Appearance,
    Claim,
    Claimant,
    Evidence,
    Relation,
    Review,
    Role,
    Source,
    SourceCredit,
    Topic,
)


@dataclass
class StoredActor:
    id: int
    key: str
    state: ActorState
    names: list[str]  # its normalised names (actor_names)


@dataclass
class StoredSource:
    id: int
    key: str
    content_hash: str
    length: int | None  # of its text (None: no stored text)
    state: SourceState


@dataclass
class StoredClaim:
    id: int
    key: str
    state: ClaimState | None  # None: only its id was read (a relation's target)


class Stored:
    """The stored entities a load needs, read once."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.actors: dict[str, StoredActor] = {}
        self.actor_keys: dict[int, str] = {}
        self.sources: dict[str, StoredSource] = {}
        self.source_keys: dict[int, str] = {}
        self.claims: dict[str, StoredClaim] = {}
        self._texts: dict[str, str | None] = {}

    # -- actors: all of them (a load checks every name against every actor) --

    def read_actors(self) -> None:
        rows = self.connection.execute(
            select(Actor.id, Actor.key, Actor.name, Actor.kind, Actor.description)
        ).all()
        self.actor_keys = {r.id: r.key for r in rows}
        aliases: dict[int, list[tuple[str, str]]] = {}
        for actor_id, alias, normalized in self.connection.execute(
            select(Alias.actor_id, Alias.alias, Alias.normalized).order_by(Alias.id)
        ):
            aliases.setdefault(actor_id, []).append((alias, normalized))
        names: dict[int, list[str]] = {}
        for actor_id, normalized in self.connection.execute(
            select(ActorName.actor_id, ActorName.normalized)
        ):
            names.setdefault(actor_id, []).append(normalized)
        roles: dict[int, list[Any]] = {}
        for role in self.connection.execute(
            select(
                Role.actor_id, Role.title, Role.organization_id, Role.start_on, Role.end_on
            ).order_by(Role.id)
        ):
            roles.setdefault(role.actor_id, []).append(
                (role.title, self.actor_keys[role.organization_id], role.start_on, role.end_on)
            )
        for r in rows:
            state = ActorState(
                r.name, r.kind, r.description, aliases.get(r.id, []), roles.get(r.id, [])
            )
            self.actors[r.key] = StoredActor(r.id, r.key, state, names.get(r.id, []))

    # -- sources ----------------------------------------------------------------

    def read_sources(self, keys: Iterable[str]) -> None:
        wanted = [k for k in dict.fromkeys(keys) if k not in self.sources]
        for batch in batches(wanted):
            rows = self.connection.execute(
                select(
                    Source.id,
                    Source.key,
                    Source.outlet,
                    Source.title,
                    Source.url,
                    Source.published_on,
                    Source.published_precision,
                    Source.language,
                    Source.archived_url,
                    Source.retrieved_on,
                    Source.excerpt,
                    Source.notes,
                    Source.content_hash,
                    Source.text_length,
                ).where(Source.key.in_(batch))
            ).all()
            credits: dict[int, list[str]] = {}
            for source_id, actor_id in self.connection.execute(
                select(SourceCredit.source_id, SourceCredit.actor_id)
                .where(SourceCredit.source_id.in_([r.id for r in rows]))
                .order_by(SourceCredit.source_id, SourceCredit.position)
            ):
                credits.setdefault(source_id, []).append(self.actor_keys[actor_id])
            for r in rows:
                state = SourceState(
                    r.outlet,
                    r.title,
                    r.url,
                    r.published_on,
                    r.published_precision,
                    r.language,
                    r.archived_url,
                    r.retrieved_on,
                    bool(r.excerpt),
                    r.notes,
                    r.content_hash,
                    credits.get(r.id, []),
                )
                self.sources[r.key] = StoredSource(
                    r.id, r.key, r.content_hash, r.text_length, state
                )
                self.source_keys[r.id] = r.key

    def text(self, key: str) -> str | None:
        """A stored source's text (read when a quote needs it, then kept)."""
        if key not in self._texts:
            stored = self.sources.get(key)
            if stored is None:
                return None
            self._texts[key] = self.connection.execute(
                select(Source.text).where(Source.id == stored.id)
            ).scalar_one()
        return self._texts[key]

    # -- claims -----------------------------------------------------------------

    def read_claim_ids(self, keys: Iterable[str]) -> None:
        """Just the ids: of the claims relations point at."""
        wanted = [k for k in dict.fromkeys(keys) if k not in self.claims]
        for batch in batches(wanted):
            for claim_id, key in self.connection.execute(
                select(Claim.id, Claim.key).where(Claim.key.in_(batch))
            ):
                self.claims[key] = StoredClaim(claim_id, key, None)

    def read_claims(self, keys: Iterable[str]) -> list[StoredClaim]:
        """Claims with their whole state (claims a load names, or whose quotes move)."""
        wanted = [
            k for k in dict.fromkeys(keys) if (c := self.claims.get(k)) is None or c.state is None
        ]
        found = []
        for batch in batches(wanted):
            rows = self.connection.execute(
                select(
                    Claim.id,
                    Claim.key,
                    Claim.text,
                    Claim.stated_on,
                    Claim.stated_precision,
                    Claim.first_source_id,
                    Claim.first_url,
                ).where(Claim.key.in_(batch))
            ).all()
            found += self._with_children(rows)
        return found

    def read_claims_quoting(
        self, source_ids: Sequence[int], leave_out: set[str]
    ) -> list[StoredClaim]:
        """The claims, other than `leave_out`, with a quote in one of these sources."""
        found = []
        for batch in batches(source_ids):
            quoting = select(Appearance.claim_id).where(Appearance.source_id.in_(batch))
            rows = self.connection.execute(
                select(
                    Claim.id,
                    Claim.key,
                    Claim.text,
                    Claim.stated_on,
                    Claim.stated_precision,
                    Claim.first_source_id,
                    Claim.first_url,
                ).where(Claim.id.in_(quoting))
            ).all()
            found += self._with_children([r for r in rows if r.key not in leave_out])
        return found

    def _with_children(self, rows: Sequence[Any]) -> list[StoredClaim]:
        ids = [r.id for r in rows]
        claimants: dict[int, list[str]] = {}
        topics: dict[int, list[str]] = {}
        appearances: dict[int, list[AppearanceState]] = {}
        relations: dict[int, list[tuple[str, str]]] = {}
        for batch in batches(ids):
            for claim_id, actor_id in self.connection.execute(
                select(Claimant.claim_id, Claimant.actor_id)
                .where(Claimant.claim_id.in_(batch))
                .order_by(Claimant.claim_id, Claimant.position)
            ):
                claimants.setdefault(claim_id, []).append(self.actor_keys[actor_id])
            for claim_id, topic in self.connection.execute(
                select(Topic.claim_id, Topic.topic)
                .where(Topic.claim_id.in_(batch))
                .order_by(Topic.claim_id, Topic.topic)
            ):
                topics.setdefault(claim_id, []).append(topic)
            quoted = self.connection.execute(
                select(
                    Appearance.claim_id,
                    Appearance.source_id,
                    Source.key,
                    Appearance.quote,
                    Appearance.start_offset,
                    Appearance.end_offset,
                    Appearance.prefix,
                    Appearance.suffix,
                    Appearance.type,
                    Appearance.cue,
                    Appearance.via_actor_id,
                )
                .join(Source, Source.id == Appearance.source_id)
                .where(Appearance.claim_id.in_(batch))
                .order_by(Appearance.claim_id, Appearance.id)
            ).all()
            self.read_sources({a.key for a in quoted})
            for a in quoted:
                appearances.setdefault(a.claim_id, []).append(
                    AppearanceState(
                        a.key,
                        a.quote,
                        a.start_offset,
                        a.end_offset,
                        a.prefix,
                        a.suffix,
                        a.type,
                        a.cue,
                        self.actor_keys[a.via_actor_id] if a.via_actor_id is not None else None,
                    )
                )
            target = aliased(Claim)
            for claim_id, relation, key in self.connection.execute(
                select(Relation.from_claim_id, Relation.relation, target.key)
                .join(target, target.id == Relation.to_claim_id)
                .where(Relation.from_claim_id.in_(batch))
                .order_by(Relation.from_claim_id, Relation.id)
            ):
                relations.setdefault(claim_id, []).append((relation, key))
        reviews, evidence = self._verdicts(ids)
        firsts = {r.first_source_id for r in rows if r.first_source_id is not None}
        first_keys: dict[int, str] = {}
        for batch in batches(sorted(firsts)):
            first_keys.update(
                (source_id, key)
                for source_id, key in self.connection.execute(
                    select(Source.id, Source.key).where(Source.id.in_(batch))
                )
            )
        found = []
        for r in rows:
            state = ClaimState(
                r.text,
                r.stated_on,
                r.stated_precision,
                claimants.get(r.id, []),
                topics.get(r.id, []),
                appearances.get(r.id, []),
                relations.get(r.id, []),
                reviews.get(r.id, []),
                evidence.get(r.id, []),
                first_keys.get(r.first_source_id) if r.first_source_id is not None else None,
                r.first_url,
            )
            stored = StoredClaim(r.id, r.key, state)
            self.claims[r.key] = stored
            found.append(stored)
        return found

    def _verdicts(
        self, claim_ids: list[int]
    ) -> tuple[dict[int, list[ReviewState]], dict[int, list[EvidenceState]]]:
        """The reviews (with their evidence) and the evidence of these claims."""
        reviews: dict[int, list[ReviewState]] = {}
        evidence: dict[int, list[EvidenceState]] = {}
        for batch in batches(claim_ids):
            rows = self.connection.execute(
                select(Review)
                .where(Review.claim_id.in_(batch))
                .order_by(Review.claim_id, Review.position)
            ).all()
            review_ids = [r.id for r in rows]
            backing: dict[int, list[EvidenceState]] = {}
            for e in self.connection.execute(
                select(Evidence)
                .where(Evidence.claim_id.in_(batch) | Evidence.review_id.in_(review_ids))
                .order_by(Evidence.position, Evidence.id)
            ):
                state = EvidenceState(e.url, e.title, e.kind, e.published_on, e.shows, e.stance)
                if e.claim_id is not None:
                    evidence.setdefault(e.claim_id, []).append(state)
                else:
                    backing.setdefault(e.review_id, []).append(state)
            for r in rows:
                reviews.setdefault(r.claim_id, []).append(
                    ReviewState(
                        self.actor_keys[r.reviewer_id],
                        r.rating,
                        r.rating_value,
                        r.best_rating,
                        r.worst_rating,
                        r.reviewed_on,
                        r.url,
                        r.explanation,
                        backing.get(r.id, []),
                    )
                )
        return reviews, evidence
