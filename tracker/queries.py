"""The questions users ask, as queries with a bounded number of statements.

Each function returns ORM objects with everything a listing shows already
loaded (selectin loading: one statement per relationship, never per row).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session, aliased, defer, joinedload, selectinload, subqueryload
from sqlalchemy.orm.interfaces import LoaderOption

from tracker.errors import NotFound
from tracker.models import (
    Actor,
    Appearance,
    Claim,
    Claimant,
    Relation,
    Role,
    Source,
    SourceCredit,
)
from tracker.names import member_ids
from tracker.vocabulary import COUNTER_RELATIONS, SUPPORT_RELATIONS

# Newest first, undated last; the id breaks ties so output is stable.
_NEWEST_FIRST = (Claim.stated_on.desc().nulls_last(), Claim.key)


@dataclass
class ClaimFilter:
    """Filters shared by every claim listing; None means no filter."""

    actor_ids: set[int] | None = None  # claimant, or claimant of a counter-claim
    topic: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    relation: str | None = None  # has an incoming relation of this type
    status: str | None = None
    limit: int | None = None


def _claimants_of(claim: Claim) -> set[int]:
    return {c.actor_id for c in claim.claimants}


def _by_other(claim: Claim, other: Claim) -> bool:
    """Whether `other` has a claimant who is not among `claim`'s."""
    return bool(_claimants_of(other) - _claimants_of(claim))


def status(claim: Claim) -> str:
    """Derived, never stored: see DOMAIN's definitions. Needs relations_in loaded."""
    incoming = claim.relations_in
    if any(r.relation == "retracts" for r in incoming):
        return "retracted"
    if any(r.relation in COUNTER_RELATIONS and _by_other(claim, r.from_claim) for r in incoming):
        return "contested"
    if any(r.relation in SUPPORT_RELATIONS and _by_other(claim, r.from_claim) for r in incoming):
        return "corroborated"
    return "uncontested"


def _incoming_by_other(relations: tuple[str, ...]) -> ColumnElement[bool]:
    """SQL twin of status(): an incoming relation of these types from a claim
    with a claimant who is not one of this claim's claimants."""
    rel = aliased(Relation)
    theirs = aliased(Claimant)
    ours = aliased(Claimant)
    return exists().where(
        rel.to_claim_id == Claim.id,
        rel.relation.in_(relations),
        theirs.claim_id == rel.from_claim_id,
        theirs.actor_id.not_in(
            select(ours.actor_id).where(ours.claim_id == Claim.id).correlate(Claim)
        ),
    )


def _status_clause(wanted: str) -> ColumnElement[bool]:
    rel = aliased(Relation)
    retracted = exists().where(rel.to_claim_id == Claim.id, rel.relation == "retracts")
    contested = _incoming_by_other(COUNTER_RELATIONS)
    corroborated = _incoming_by_other(SUPPORT_RELATIONS)
    if wanted == "retracted":
        return retracted
    if wanted == "contested":
        return and_(~retracted, contested)
    if wanted == "corroborated":
        return and_(~retracted, ~contested, corroborated)
    if wanted == "uncontested":
        return and_(~retracted, ~contested, ~corroborated)
    raise ValueError(f"unknown status {wanted!r}")


def _claimed_by(actor_ids: set[int]) -> ColumnElement[bool]:
    own = aliased(Claimant)
    return exists().where(own.claim_id == Claim.id, own.actor_id.in_(actor_ids))


def _countered_by(actor_ids: set[int]) -> ColumnElement[bool]:
    rel = aliased(Relation)
    theirs = aliased(Claimant)
    return exists().where(
        rel.to_claim_id == Claim.id,
        rel.relation.in_(COUNTER_RELATIONS),
        theirs.claim_id == rel.from_claim_id,
        theirs.actor_id.in_(actor_ids),
    )


def claim_options() -> list[LoaderOption]:
    """Everything a claim listing, its status and its thread need, loaded in bulk.

    Subquery loading costs one statement per relationship whatever the number
    of claims (selectin loading would add one per 500 rows); many-to-ones ride
    along as joins.
    """
    return [
        subqueryload(Claim.claimants).joinedload(Claimant.actor),
        subqueryload(Claim.topics),
        subqueryload(Claim.appearances).options(
            joinedload(Appearance.source).defer(Source.text), joinedload(Appearance.via)
        ),
        subqueryload(Claim.relations_in)
        .joinedload(Relation.from_claim)
        .subqueryload(Claim.claimants)
        .joinedload(Claimant.actor),
        subqueryload(Claim.relations_out)
        .joinedload(Relation.to_claim)
        .subqueryload(Claim.claimants)
        .joinedload(Claimant.actor),
    ]


def _claims_query(flt: ClaimFilter) -> Select[Claim]:
    query = select(Claim)
    if flt.actor_ids is not None:
        query = query.where(or_(_claimed_by(flt.actor_ids), _countered_by(flt.actor_ids)))
    if flt.topic is not None:
        query = query.where(Claim.topics.any(topic=flt.topic))
    # A claim known only to a month or year matches when its period overlaps.
    if flt.since is not None:
        query = query.where(Claim.stated_until >= flt.since)
    if flt.until is not None:
        query = query.where(Claim.stated_on <= flt.until)
    if flt.relation is not None:
        rel = aliased(Relation)
        query = query.where(
            exists().where(rel.to_claim_id == Claim.id, rel.relation == flt.relation)
        )
    if flt.status is not None:
        query = query.where(_status_clause(flt.status))
    query = query.order_by(*_NEWEST_FIRST)
    if flt.limit is not None:
        query = query.limit(flt.limit)
    return query.options(*claim_options())


def claims(session: Session, flt: ClaimFilter | None = None) -> list[Claim]:
    """Claims matching `flt`, newest first (undated last)."""
    return list(session.scalars(_claims_query(flt or ClaimFilter())))


def contested(session: Session, flt: ClaimFilter | None = None) -> list[Claim]:
    """Contested claims: countered (denied, disputed, undercut) by another actor."""
    return claims(session, replace(flt or ClaimFilter(), status="contested"))


def claim(session: Session, key: str) -> Claim:
    """One claim by its id, with its whole thread loaded."""
    found = session.scalars(select(Claim).where(Claim.key == key).options(*claim_options())).first()
    if found is None:
        raise NotFound(f"no claim with id {key!r}; see `tracker claims`")
    return found


@dataclass
class ActorRecord:
    actor: Actor
    members: list[Actor]  # others whose claims are included (--include-members)
    claims: list[Claim]  # claims they made
    counters: list[Claim] = field(default_factory=list)  # others' claims they counter


def actor_record(session: Session, actor: Actor, include_members: bool = False) -> ActorRecord:
    """Everything `actor` (and, if asked, its members) claimed or countered."""
    ids = member_ids(session, actor.id) if include_members else {actor.id}

    def newest_first(condition: ColumnElement[bool]) -> list[Claim]:
        query = select(Claim).where(condition).order_by(*_NEWEST_FIRST)
        return list(session.scalars(query.options(*claim_options())))

    made, countered = newest_first(_claimed_by(ids)), newest_first(_countered_by(ids))
    members = sorted(
        session.scalars(select(Actor).where(Actor.id.in_(ids - {actor.id}))), key=lambda a: a.name
    )
    return ActorRecord(actor, members, made, countered)


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


def actor_claim_counts(session: Session) -> dict[int, tuple[int, int]]:
    """Per actor id: (claims made, others' claims countered)."""
    made = dict(
        session.execute(select(Claimant.actor_id, func.count()).group_by(Claimant.actor_id)).all()
    )
    target = aliased(Claimant)
    countered = dict(
        session.execute(
            select(Claimant.actor_id, func.count(Relation.to_claim_id.distinct()))
            .join(Relation, Relation.from_claim_id == Claimant.claim_id)
            .where(Relation.relation.in_(COUNTER_RELATIONS))
            # Others' claims only: countering a claim one made oneself is no contest.
            .where(
                ~exists().where(
                    target.claim_id == Relation.to_claim_id, target.actor_id == Claimant.actor_id
                )
            )
            .group_by(Claimant.actor_id)
        ).all()
    )
    return {
        actor_id: (made.get(actor_id, 0), countered.get(actor_id, 0))
        for actor_id in set(made) | set(countered)
    }


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
