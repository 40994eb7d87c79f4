"""Claims as listings print them: streamed from the database in batches.

One statement selects the claims (their columns and status, in the
listing's order) and is read a batch at a time; for each batch, one
statement per collection (claimants, topics, appearances, relations both
ways, the claimants of related claims, first appearances, reviews, evidence)
fetches what belongs to it, keyed by the batch's ids. Memory holds one
batch, whatever the archive's size; the statements are one plus nine per
batch, never one per row, and no statement's parameters exceed a batch.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, cast

from sqlalchemy import ARRAY, ColumnElement, Connection, Integer, Select, any_, literal, select
from sqlalchemy.orm import aliased

from tracker.query.records import (
    ActorRef,
    AppearanceRecord,
    ClaimantRecord,
    ClaimRecord,
    ClaimRef,
    EvidenceRecord,
    RelationRecord,
    ReviewRecord,
    SourceRef,
    TopicRecord,
)
from tracker.record.batching import batch_size, batches
from tracker.record.models import (
    Actor,
    Appearance,
    Claim,
    Claimant,
    Evidence,
    Relation,
    Review,
    Source,
    Topic,
)
from tracker.record.status import contest


def stream(
    connection: Connection, statement: Select[*tuple[Any, ...]], batch: int | None = None
) -> Iterator[ClaimRecord]:
    """The claims `statement` selects (id, key, text, stated_on, stated_until,
    stated_precision, status), each with everything a listing shows, `batch`
    (default: what the backend takes, tracker.record.batching) at a time."""
    batch = batch or batch_size(connection.dialect.name)
    # Options of this statement only: set on the connection they would stay,
    # and turn the caller's later statements into server-side cursors.
    result = connection.execute(
        statement, execution_options={"stream_results": True, "yield_per": batch}
    )
    actors: dict[int, ActorRef] = {}
    for rows in result.partitions(batch):
        records = [
            ClaimRecord(
                r.id, r.key, r.text, r.stated_on, r.stated_until, r.stated_precision, r.status
            )
            for r in rows
        ]
        _fill(connection, records, actors)
        yield from records


def _among(connection: Connection, column: Any, ids: Sequence[int]) -> ColumnElement[bool]:
    """`column` is one of `ids`. PostgreSQL takes the batch as one array
    parameter: the statement's text is the same for every batch (prepared
    once, planned once), where an IN list of 1,000 parameters was rendered,
    sent and planned anew for each (claims at 100k: a fifth of the time)."""
    if connection.dialect.name == "postgresql":
        return cast(ColumnElement[bool], column == any_(literal(list(ids), ARRAY(Integer))))
    return cast(ColumnElement[bool], column.in_(ids))


def _actor(actors: dict[int, ActorRef], actor_id: int, key: str, name: str, kind: str) -> ActorRef:
    found = actors.get(actor_id)
    if found is None:
        found = actors[actor_id] = ActorRef(actor_id, key, name, kind)
    return found


def _claimants(
    connection: Connection, ids: Sequence[int], actors: dict[int, ActorRef]
) -> dict[int, list[ClaimantRecord]]:
    found: dict[int, list[ClaimantRecord]] = {}
    for batch in batches(ids, batch_size(connection.dialect.name)):
        rows = connection.execute(
            select(Claimant.claim_id, Actor.id, Actor.key, Actor.name, Actor.kind)
            .join(Actor, Actor.id == Claimant.actor_id)
            .where(_among(connection, Claimant.claim_id, batch))
            .order_by(Claimant.claim_id, Claimant.position)
        )
        for claim_id, actor_id, key, name, kind in rows:
            found.setdefault(claim_id, []).append(
                ClaimantRecord(_actor(actors, actor_id, key, name, kind))
            )
    return found


def _fill(connection: Connection, records: list[ClaimRecord], actors: dict[int, ActorRef]) -> None:
    if not records:
        return
    by_id = {r.id: r for r in records}
    ids = list(by_id)
    for claim_id, people in _claimants(connection, ids, actors).items():
        by_id[claim_id].claimants = people
    for claim_id, topic in connection.execute(
        select(Topic.claim_id, Topic.topic)
        .where(_among(connection, Topic.claim_id, ids))
        .order_by(Topic.claim_id, Topic.topic)
    ):
        by_id[claim_id].topics.append(TopicRecord(topic))
    via = aliased(Actor)
    sources: dict[int, SourceRef] = {}
    for a in connection.execute(
        select(
            Appearance.claim_id,
            Appearance.source_id,
            Appearance.quote,
            Appearance.start_offset,
            Appearance.end_offset,
            Appearance.prefix,
            Appearance.suffix,
            Appearance.type,
            Appearance.cue,
            Source.key.label("source_key"),
            Source.outlet,
            Source.title,
            Source.url,
            Source.published_on,
            Source.published_precision,
            via.id.label("via_id"),
            via.key.label("via_key"),
            via.name.label("via_name"),
            via.kind.label("via_kind"),
        )
        .join(Source, Source.id == Appearance.source_id)
        .outerjoin(via, via.id == Appearance.via_actor_id)
        .where(_among(connection, Appearance.claim_id, ids))
        .order_by(Appearance.claim_id, Appearance.id)
    ):
        source = sources.get(a.source_id)
        if source is None:
            source = sources[a.source_id] = SourceRef(
                a.source_id,
                a.source_key,
                a.outlet,
                a.title,
                a.url,
                a.published_on,
                a.published_precision,
            )
        relayed = (
            _actor(actors, a.via_id, a.via_key, a.via_name, a.via_kind)
            if a.via_id is not None
            else None
        )
        by_id[a.claim_id].appearances.append(
            AppearanceRecord(
                a.source_id,
                source,
                a.quote,
                a.start_offset,
                a.end_offset,
                a.prefix,
                a.suffix,
                a.type,
                a.cue,
                relayed,
            )
        )
    # Relations point at refs, never at records: a record reachable from
    # another (or from itself) would make a reference cycle, freed only when
    # the garbage collector runs, and a stream would hold batches it has
    # long yielded.
    refs: dict[int, ClaimRef] = {
        r.id: ClaimRef(r.id, r.key, r.text, r.stated_on, r.stated_precision, r.claimants)
        for r in records
    }
    missing: list[ClaimRef] = []
    for incoming in (True, False):
        ours = Relation.to_claim_id if incoming else Relation.from_claim_id
        theirs = Relation.from_claim_id if incoming else Relation.to_claim_id
        other = aliased(Claim)
        rows = connection.execute(
            select(
                Relation.from_claim_id,
                Relation.to_claim_id,
                Relation.relation,
                contest(Relation).label("contest"),
                other.id,
                other.key,
                other.text,
                other.stated_on,
                other.stated_precision,
            )
            .join(other, other.id == theirs)
            .where(_among(connection, ours, ids))
            .order_by(ours, Relation.id)
        )
        for r in rows:
            ref = refs.get(r.id)
            if ref is None:
                ref = refs[r.id] = ClaimRef(r.id, r.key, r.text, r.stated_on, r.stated_precision)
                missing.append(ref)
            mine_id = r.to_claim_id if incoming else r.from_claim_id
            mine = refs[mine_id]
            relation = RelationRecord(
                r.relation,
                bool(r.contest),
                r.from_claim_id,
                r.to_claim_id,
                ref if incoming else mine,
                mine if incoming else ref,
            )
            listed = by_id[mine_id]
            (listed.relations_in if incoming else listed.relations_out).append(relation)
    for claim_id, people in _claimants(connection, [m.id for m in missing], actors).items():
        found = refs[claim_id]
        found.claimants = people
    _verdicts(connection, by_id, actors)


def _verdicts(
    connection: Connection, by_id: dict[int, ClaimRecord], actors: dict[int, ActorRef]
) -> None:
    """Reviews, evidence and first appearances of the claims in `by_id`."""
    ids = list(by_id)
    first = aliased(Source)
    for claim_id, key, url in connection.execute(
        select(Claim.id, first.key, Claim.first_url)
        .outerjoin(first, first.id == Claim.first_source_id)
        .where(_among(connection, Claim.id, ids))
        .where(Claim.first_source_id.is_not(None) | Claim.first_url.is_not(None))
    ):
        by_id[claim_id].first_source, by_id[claim_id].first_url = key, url
    reviewer = aliased(Actor)
    reviews: dict[int, ReviewRecord] = {}
    for r in connection.execute(
        select(
            Review.id,
            Review.claim_id,
            Review.rating,
            Review.rating_value,
            Review.best_rating,
            Review.worst_rating,
            Review.reviewed_on,
            Review.url,
            Review.explanation,
            reviewer.id.label("actor_id"),
            reviewer.key.label("actor_key"),
            reviewer.name.label("actor_name"),
            reviewer.kind.label("actor_kind"),
        )
        .join(reviewer, reviewer.id == Review.reviewer_id)
        .where(_among(connection, Review.claim_id, ids))
        .order_by(Review.claim_id, Review.position)
    ):
        record = ReviewRecord(
            _actor(actors, r.actor_id, r.actor_key, r.actor_name, r.actor_kind),
            r.rating,
            r.rating_value,
            r.best_rating,
            r.worst_rating,
            r.reviewed_on,
            r.url,
            r.explanation,
        )
        reviews[r.id] = record
        by_id[r.claim_id].reviews.append(record)
    condition = _among(connection, Evidence.claim_id, ids)
    if reviews:
        condition = condition | _among(connection, Evidence.review_id, list(reviews))
    for e in connection.execute(
        select(Evidence).where(condition).order_by(Evidence.position, Evidence.id)
    ):
        item = EvidenceRecord(e.url, e.title, e.kind, e.published_on, e.shows, e.stance)
        if e.claim_id is not None:
            by_id[e.claim_id].evidence.append(item)
        else:
            reviews[e.review_id].evidence.append(item)
