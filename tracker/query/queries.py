"""The questions users ask, as queries with a bounded number of statements.

Claim listings are records (tracker.query.records) streamed by
tracker.query.fetch: a statement for the claims, in order, with each one's
status computed by the database (tracker.record.status), and one per
collection for each batch of them; never one per row.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, TypeVarTuple

from sqlalchemy import ColumnElement, Select, and_, exists, func, literal, or_, select, true
from sqlalchemy.orm import (
    Session,
    aliased,
    defer,
    selectinload,
)

from tracker.errors import NotFound
from tracker.query import fetch
from tracker.query.records import ClaimRecord
from tracker.record import suggest
from tracker.record.batching import batch_size, batches
from tracker.record.models import (
    Actor,
    Appearance,
    Claim,
    Claimant,
    Relation,
    Review,
    Role,
    Source,
    SourceCredit,
    Topic,
)
from tracker.record.names import member_ids
from tracker.record.status import challenged, contest, probe, status_expression, status_is
from tracker.vocabulary import COUNTER_RELATIONS

Ts = TypeVarTuple("Ts")

# Newest first, undated last; the id breaks ties so output is stable.
_NEWEST_FIRST = (Claim.stated_on.desc().nulls_last(), Claim.key)


@dataclass
class ClaimFilter:
    """Filters shared by every claim listing; None means no filter."""

    actor_ids: set[int] | None = None  # claimant, or claimant of a counter-claim
    claim_ids: set[int] | None = None  # only these claims (a report's thread)
    source: str | None = None  # appears in this source (its id)
    topic: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    relation: str | None = None  # has an incoming relation of this type
    rating: str | None = None  # a review rates it so (the label, any case)
    reviewed: bool | None = None  # has a review (True) or none (False)
    status: str | None = None
    limit: int | None = None
    offset: int = 0  # skip this many first (a page of a web listing)
    # Only claims that head a contest (tracker.record.status.challenged): each
    # contest once, under the claim another side answers.
    challenged: bool = False


# Filters are `id IN (subquery)`, uncorrelated: the database can run the
# subquery once through its index (claimants by actor, topics by topic...)
# and fetch the matching claims by id, or, when the filter keeps most
# claims, walk the claims in order and test each; a correlated EXISTS
# leaves it only the walk, through the whole archive for a rare actor.


def _claimed_by(actor_ids: set[int], claim: type[Claim] = Claim) -> ColumnElement[bool]:
    return claim.id.in_(select(Claimant.claim_id).where(Claimant.actor_id.in_(actor_ids)))


def _countered_by(actor_ids: set[int], claim: type[Claim] = Claim) -> ColumnElement[bool]:
    """In a contest with a claim of one of `actor_ids`, at its receiving end."""
    rel = aliased(Relation)
    theirs = aliased(Claimant)
    return claim.id.in_(
        select(rel.to_claim_id)
        .join(theirs, theirs.claim_id == rel.from_claim_id)
        .where(theirs.actor_id.in_(actor_ids), contest(rel))
    )


def _walked(actor_ids: set[int]) -> ColumnElement[bool]:
    """`_claimed_by` as a probe of each claim, for a walk of the claims
    newest first that stops at the limit."""
    return probe(Claimant.claim_id == Claim.id, Claimant.actor_id.in_(actor_ids))


def _worth_walking(session: Session, actor_ids: set[int], limit: int) -> bool:
    """Whether the newest `limit` claims an actor made are found sooner by
    walking every claim newest first and probing each than by reading all
    of the actor's and sorting them.

    Neither planner can tell: both read and sort all of them, which for the
    busiest actor of a million claims is tens of thousands of rows for
    fifty. A walk reads about limit * N / n claims to find `limit` of an
    actor's n among N; the sort reads n: walk when n >= sqrt(limit * N).
    Asked as "is there an n-th row" (an OFFSET through the index on
    claimants.actor_id), never counted: the question costs at most that many
    index entries, and a count would cost as much as reading them all. N is
    the highest id. Others' claims an actor countered are always sorted: a
    walk for an actor who countered few would read the whole archive."""
    everything = int(session.scalar(select(func.max(Claim.id))) or 0)
    enough = max(1, math.isqrt(limit * everything))
    nth = (
        select(literal(1))
        .select_from(Claimant)
        .where(Claimant.actor_id.in_(actor_ids))
        .offset(enough - 1)
        .limit(1)
    )
    return session.scalar(nth) is not None


def _conditions(flt: ClaimFilter, claim: type[Claim] = Claim) -> list[ColumnElement[bool]]:
    """What `flt` asks of a claim (`claim`, or an alias of it), status and
    contest heads aside."""
    found: list[ColumnElement[bool]] = []
    if flt.actor_ids is not None:
        found.append(or_(_claimed_by(flt.actor_ids, claim), _countered_by(flt.actor_ids, claim)))
    if flt.claim_ids is not None:
        found.append(claim.id.in_(flt.claim_ids))
    if flt.topic is not None:
        found.append(claim.id.in_(select(Topic.claim_id).where(Topic.topic == flt.topic)))
    if flt.source is not None:
        found.append(
            claim.id.in_(
                select(Appearance.claim_id)
                .join(Source, Source.id == Appearance.source_id)
                .where(Source.key == flt.source)
            )
        )
    # A claim known only to a month or year matches when its period overlaps.
    if flt.since is not None:
        found.append(claim.stated_until >= flt.since)
    if flt.until is not None:
        found.append(claim.stated_on <= flt.until)
    if flt.relation is not None:
        rel = aliased(Relation)
        found.append(claim.id.in_(select(rel.to_claim_id).where(rel.relation == flt.relation)))
    if flt.rating is not None:
        rated = func.lower(Review.rating) == flt.rating.lower()
        found.append(claim.id.in_(select(Review.claim_id).where(rated)))
    if flt.reviewed is not None:
        reviewed = claim.id.in_(select(Review.claim_id))
        found.append(reviewed if flt.reviewed else ~reviewed)
    return found


def _matching(query: Select[*Ts], flt: ClaimFilter) -> Select[*Ts]:
    """`query` (over Claim) narrowed by every condition of `flt` but the limit."""
    conditions = _conditions(flt)
    query = query.where(*conditions)
    if flt.status is not None:
        query = query.where(status_is(flt.status))
    if flt.challenged:
        # A contest is listed under the earlier of two claims countering each
        # other only if this listing shows that claim too (unfiltered: it does).
        query = query.where(
            challenged(lambda other: and_(true(), *_conditions(flt, other)))
            if conditions
            else _challenged_anywhere()
        )
    return query


@functools.cache
def _challenged_anywhere() -> ColumnElement[bool]:
    """`challenged` in an unfiltered listing, built once (the home page's)."""
    return challenged()


@functools.cache
def _columns() -> Select[*tuple[Any, ...]]:
    """What fetch.stream needs of each claim, its status computed by the database."""
    return select(
        Claim.id,
        Claim.key,
        Claim.text,
        Claim.stated_on,
        Claim.stated_until,
        Claim.stated_precision,
        status_expression().label("status"),
    )


def _claims_query(flt: ClaimFilter) -> Select[*tuple[Any, ...]]:
    query = _matching(_columns(), flt).order_by(*_NEWEST_FIRST)
    if flt.limit is not None:
        query = query.limit(flt.limit)
    if flt.offset:
        query = query.offset(flt.offset)
    return query


def matching_ids(session: Session, flt: ClaimFilter) -> set[int]:
    """The ids of the claims `flt` selects (no limit), in one statement."""
    return set(session.scalars(_matching(select(Claim.id), flt)))


def most_countered(session: Session, flt: ClaimFilter, limit: int) -> list[int]:
    """The ids of the `limit` contest heads `flt` selects that the most
    counter-claims answer; ties: newest first, then by id."""
    rel = aliased(Relation)
    counters = (
        select(func.count())
        .select_from(rel)
        .where(rel.to_claim_id == Claim.id, contest(rel))
        .scalar_subquery()
    )
    query = _matching(select(Claim.id), replace(flt, challenged=True, limit=None))
    return list(session.scalars(query.order_by(counters.desc(), *_NEWEST_FIRST).limit(limit)))


def count_claims(session: Session, flt: ClaimFilter) -> int:
    """How many claims `flt` selects (no limit), in one statement."""
    selected = _matching(select(Claim.id), replace(flt, limit=None)).subquery()
    return int(session.scalar(select(func.count()).select_from(selected)) or 0)


def iter_claims(session: Session, flt: ClaimFilter | None = None) -> Iterator[ClaimRecord]:
    """Claims matching `flt`, newest first (undated last), streamed a batch at a time."""
    flt = flt or ClaimFilter()
    size = batch_size(session.get_bind().dialect.name)
    if flt.claim_ids is not None and len(flt.claim_ids) > size:
        # Many ids: a statement per batch of them (bounded parameters), each
        # in order; the caller merges (a report sorts what it shows).
        for ids in batches(sorted(flt.claim_ids), size):
            chunk = replace(flt, claim_ids=set(ids))
            yield from fetch.stream(session.connection(), _claims_query(chunk))
        return
    yield from fetch.stream(session.connection(), _claims_query(flt))


def claims(session: Session, flt: ClaimFilter | None = None) -> list[ClaimRecord]:
    """Claims matching `flt`, newest first (undated last)."""
    return list(iter_claims(session, flt))


def iter_contested(session: Session, flt: ClaimFilter | None = None) -> Iterator[ClaimRecord]:
    """Each contest once, streamed (see `contested`)."""
    return iter_claims(session, replace(flt or ClaimFilter(), challenged=True))


def contested(session: Session, flt: ClaimFilter | None = None) -> list[ClaimRecord]:
    """Each contest once: the claims another side counters, newest first, each
    with its counter-claims (a denial is shown under the charge it answers)."""
    return claims(session, replace(flt or ClaimFilter(), challenged=True))


def timeline(session: Session, flt: ClaimFilter | None = None) -> Iterator[ClaimRecord]:
    """The claims `flt` selects and the claims that counter them, oldest first
    (undated last): a story in the order it was told."""
    flt = flt or ClaimFilter()
    # --limit picks the selected claims (the oldest); their answers come with them.
    oldest = (Claim.stated_on.is_(None), Claim.stated_on, Claim.key)
    selected = _matching(select(Claim.id), replace(flt, limit=None)).order_by(*oldest)
    if flt.limit is not None or flt.offset:
        selected = select(selected.limit(flt.limit).offset(flt.offset or None).subquery().c.id)
    rel = aliased(Relation)
    answers = exists().where(
        rel.from_claim_id == Claim.id,
        rel.relation.in_(COUNTER_RELATIONS),
        rel.to_claim_id.in_(selected),
    )
    query = _columns().where(or_(Claim.id.in_(selected), answers)).order_by(*oldest)
    return fetch.stream(session.connection(), query)


def claim(session: Session, key: str) -> ClaimRecord:
    """One claim by its id, with its whole thread loaded."""
    if "\x00" in key:  # no id holds one, and PostgreSQL refuses one in a parameter
        raise NotFound(f"no claim with id {key!r}")
    found = next(fetch.stream(session.connection(), _columns().where(Claim.key == key)), None)
    if found is None:
        raise suggest.not_found(session, "claim", key)
    return found


@dataclass
class ActorRecord:
    actor: Actor
    members: list[Actor]  # others whose claims are included (--include-members)
    claims: Iterable[ClaimRecord]  # claims they made
    counters: Iterable[ClaimRecord] = ()  # others' claims they counter
    # How many of each there are, `limit` aside: counted when first asked
    # (a table's headings ask; JSON does not, and an actor's count costs as
    # much as reading all its claims' ids).
    counting: Callable[[], tuple[int, int]] = field(default=lambda: (0, 0), repr=False)
    _counts: tuple[int, int] | None = field(default=None, init=False, repr=False)

    def _counted(self) -> tuple[int, int]:
        if self._counts is None:
            self._counts = self.counting()
        return self._counts

    @property
    def claim_count(self) -> int:
        return self._counted()[0]

    @property
    def counter_count(self) -> int:
        return self._counted()[1]


def actor_record(
    session: Session,
    actor: Actor,
    include_members: bool = False,
    stream: bool = False,
    limit: int | None = None,
) -> ActorRecord:
    """Everything `actor` (and, if asked, its members) claimed or countered,
    the newest `limit` of each; with `stream`, the claims come as iterators,
    read as they are consumed (one after the other), and their counts (of
    all, `limit` aside) from the database."""
    ids = member_ids(session, actor.id) if include_members else {actor.id}
    members = sorted(
        session.scalars(select(Actor).where(Actor.id.in_(ids - {actor.id}))), key=lambda a: a.name
    )
    counted = (_claimed_by(ids), _countered_by(ids))
    # What a listing reads; counts always go through the index.
    conditions = counted
    if limit is not None and _worth_walking(session, ids, limit):
        conditions = (_walked(ids), counted[1])

    def newest_first(condition: ColumnElement[bool]) -> Iterator[ClaimRecord]:
        query = _columns().where(condition).order_by(*_NEWEST_FIRST).limit(limit)
        yield from fetch.stream(session.connection(), query)

    if not stream and limit is None:
        made, countered = (list(newest_first(c)) for c in conditions)
        return ActorRecord(
            actor, members, made, countered, lambda: (len(made), len(countered))
        )  # fmt: skip

    def counting() -> tuple[int, int]:
        made, countered = (
            int(session.scalar(select(func.count()).select_from(Claim).where(c)) or 0)
            for c in counted
        )
        return made, countered

    if not stream:
        made, countered = (list(newest_first(c)) for c in conditions)
        return ActorRecord(actor, members, made, countered, counting)
    return ActorRecord(
        actor, members, newest_first(conditions[0]), newest_first(conditions[1]), counting
    )  # fmt: skip


def actors(session: Session) -> list[Actor]:
    return list(
        session.scalars(
            select(Actor)
            .order_by(Actor.name)
            .options(
                selectinload(Actor.aliases),
                selectinload(Actor.roles).selectinload(Role.organization),
            )
        )
    )


def actors_with_counts(session: Session) -> list[tuple[Actor, tuple[int, int]]]:
    """Every actor by name, with (claims made, others' claims countered)."""
    counts = actor_claim_counts(session)
    return [(a, counts.get(a.id, (0, 0))) for a in actors(session)]


def actor_claim_counts(session: Session) -> dict[int, tuple[int, int]]:
    """Per actor id: (claims made, others' claims countered)."""
    made = dict(
        session.execute(select(Claimant.actor_id, func.count()).group_by(Claimant.actor_id)).all()
    )
    rel = aliased(Relation)
    countered = dict(
        session.execute(
            select(Claimant.actor_id, func.count(rel.to_claim_id.distinct()))
            .join(rel, rel.from_claim_id == Claimant.claim_id)
            # Other sides' claims only: countering one's own side is no contest.
            .where(contest(rel))
            .group_by(Claimant.actor_id)
        ).all()
    )
    return {
        actor_id: (made.get(actor_id, 0), countered.get(actor_id, 0))
        for actor_id in set(made) | set(countered)
    }


def source(session: Session, key: str) -> Source:
    """One source by its id, text and credits with it; NotFound names the nearest."""
    found = (  # no id holds a NUL, and PostgreSQL refuses one in a parameter
        None
        if "\x00" in key
        else session.scalars(
            select(Source)
            .where(Source.key == key)
            .options(selectinload(Source.credits).selectinload(SourceCredit.actor))
        ).first()
    )
    if found is None:
        raise suggest.not_found(session, "source", key)
    return found


def sources(session: Session) -> list[tuple[Source, int]]:
    """Every source with its number of appearances, newest first."""
    counts = dict(
        session.execute(
            select(Appearance.source_id, func.count()).group_by(Appearance.source_id)
        ).all()
    )
    found = session.scalars(
        select(Source)
        .order_by(Source.published_on.desc().nulls_last(), Source.key)
        .options(defer(Source.text), selectinload(Source.credits).selectinload(SourceCredit.actor))
    )
    return [(s, counts.get(s.id, 0)) for s in found]
