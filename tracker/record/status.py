"""What "contested", "corroborated" and "retracted" mean: the status rules, in SQL.

Status is derived from relations and roles, never stored or typed in. It is
defined once, here, as SQL expressions: listings filter on them and show what
they compute, so what a filter selects and what a row says cannot disagree.

The rules (README, "Concepts"):

- A **side** is an actor together with every organization it holds a role
  in, at any depth, while it holds it (tracker.record.sides keeps the closure, with
  periods, in `actor_sides`): Matthew Miller, the State Department and the
  United States government are one side. A claim is *of another side* than a
  second claim when one of its claimants shares no side with any claimant of
  the second, each side taken at the date of its own claim (an undated claim
  keeps every role): a person's own organization never contests or
  corroborates them, a former official may.
- **retracted**: a claim sharing a claimant retracts it. A claim **stands**
  unless it is retracted.
- A **contest** is a `denies`, `disputes` or `undercuts` relation between two
  standing claims, from a claim of another side than its target.
- **contested**: it stands and is in a contest, at either end: countered by
  another side, or countering another side's standing claim. A denial is in
  contest as much as the charge it denies, with no reverse relation typed.
- **corroborated**: it stands, is in no contest, and a standing claim of
  another side `corroborates` it. `supports` records agreement without
  making a claim corroborated: corroboration means independent
  confirmation, and whether a party is independent of what it confirms (not
  the other party to the relationship, not a co-announcer) is the curator's
  judgement, recorded by choosing `corroborates` (see the data-file rules).
- **uncontested**: everything else.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable

from sqlalchemy import (
    ColumnElement,
    Date,
    and_,
    case,
    exists,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import InstrumentedAttribute, aliased

from tracker.record.models import ActorSide, Claim, Claimant, Relation
from tracker.vocabulary import COUNTER_RELATIONS

__all__ = [
    "challenged",
    "contest",
    "probe",
    "status_expression",
    "status_is",
]


# A claim id: a column of the enclosing query.
ClaimId = ColumnElement[int] | InstrumentedAttribute[int]


def _held(side: type[ActorSide], claim: type[Claim]) -> ColumnElement[bool]:
    """The side holds at some time in the claim's period (an undated claim:
    at any time)."""
    return or_(
        claim.stated_on.is_(None),
        and_(
            or_(side.from_on.is_(None), side.from_on <= claim.stated_until),
            or_(side.until_on.is_(None), side.until_on >= claim.stated_on),
        ),
    )


def another_side(claim_id: ClaimId, other_id: ClaimId) -> ColumnElement[bool]:
    """Whether claim `claim_id` has a claimant sharing no side with any
    claimant of claim `other_id`, each side taken at its own claim's date."""
    ours, theirs = aliased(Claimant), aliased(Claimant)
    our_side, their_side = aliased(ActorSide), aliased(ActorSide)
    us, them = aliased(Claim), aliased(Claim)
    shared = (
        select(literal(1))
        .select_from(theirs)
        .join(them, them.id == theirs.claim_id)
        .join(their_side, their_side.actor_id == theirs.actor_id)
        .join(our_side, our_side.side_id == their_side.side_id)
        .where(
            theirs.claim_id == other_id,
            our_side.actor_id == ours.actor_id,
            _held(their_side, them),
            _held(our_side, us),
        )
        .correlate_except(theirs, them, our_side, their_side)
    )
    return exists().where(ours.claim_id == claim_id, us.id == claim_id, ~shared.exists())


def probe(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    """EXISTS (...) that the database answers row by row, through indexes.

    PostgreSQL would otherwise turn an EXISTS correlated by an equality into
    a hashed subplan: every relation of the archive read and hashed before
    the first row, however few rows the query returns (`--limit 50` cost
    half a second at 100k claims, for the corroborations alone). An OFFSET
    keeps it from rewriting the subquery (SQLite ignores it)."""
    return select(literal(1)).where(*conditions).offset(0).exists()


def retracted(claim_id: ClaimId) -> ColumnElement[bool]:
    """A `retracts` relation points at it from a claim sharing a claimant."""
    rel = aliased(Relation)
    theirs, ours = aliased(Claimant), aliased(Claimant)
    return probe(
        rel.to_claim_id == claim_id,
        rel.relation == "retracts",
        theirs.claim_id == rel.from_claim_id,
        ours.claim_id == claim_id,
        ours.actor_id == theirs.actor_id,
    )


def contest(rel: type[Relation]) -> ColumnElement[bool]:
    """Whether relation `rel` (an aliased Relation, or Relation itself) is a
    contest: a counter relation between standing claims, from another side."""
    if rel is Relation:
        return _relation_contest()
    return _contest(rel)


# Building these expressions (a dozen aliases, each column adapted to them)
# cost more than running them: a claim page spent two thirds of its 30 ms in
# SQLAlchemy's construction. Those that depend on nothing but the tables are
# built once; a construct is immutable, and statements share it safely.
@functools.cache
def _relation_contest() -> ColumnElement[bool]:
    return _contest(Relation)


def _contest(rel: type[Relation]) -> ColumnElement[bool]:
    return and_(
        rel.relation.in_(COUNTER_RELATIONS),
        another_side(rel.from_claim_id, rel.to_claim_id),
        ~retracted(rel.from_claim_id),
        ~retracted(rel.to_claim_id),
    )


def _in_contest(claim_id: ClaimId) -> ColumnElement[bool]:
    rel = aliased(Relation)
    return probe(or_(rel.to_claim_id == claim_id, rel.from_claim_id == claim_id), contest(rel))


def _corroborated(claim_id: ClaimId) -> ColumnElement[bool]:
    rel = aliased(Relation)
    return probe(
        rel.to_claim_id == claim_id,
        rel.relation == "corroborates",
        another_side(rel.from_claim_id, rel.to_claim_id),
        ~retracted(rel.from_claim_id),
    )


@functools.cache
def status_expression() -> ColumnElement[str]:
    """The status of the enclosing query's `Claim`, as a SQL value."""
    return case(
        (retracted(Claim.id), "retracted"),
        (_in_contest(Claim.id), "contested"),
        (_corroborated(Claim.id), "corroborated"),
        else_="uncontested",
    )


@functools.cache
def status_is(wanted: str) -> ColumnElement[bool]:
    """A filter: the enclosing query's `Claim` has status `wanted`."""
    is_retracted = retracted(Claim.id)
    if wanted == "retracted":
        return is_retracted
    if wanted == "contested":
        # A contest is between standing claims: a retracted claim is in none.
        return _in_contest(Claim.id)
    if wanted == "corroborated":
        return and_(~is_retracted, ~_in_contest(Claim.id), _corroborated(Claim.id))
    if wanted == "uncontested":
        return and_(~is_retracted, ~_in_contest(Claim.id), ~_corroborated(Claim.id))
    raise ValueError(f"unknown status {wanted!r}")


# Undated claims come after every dated one: a day no claim is stated on.
_UNDATED = literal(dt.date(9999, 12, 31), Date)


def _earlier(first: type[Claim], second: type[Claim]) -> ColumnElement[bool]:
    """`first` comes before `second` in time: dated before undated, then by
    date, then by id. Never NULL (which NOT would keep): an undated claim
    compares as the last day there is."""
    first_on = func.coalesce(first.stated_on, _UNDATED)
    second_on = func.coalesce(second.stated_on, _UNDATED)
    return or_(first_on < second_on, and_(first_on == second_on, first.key < second.key))


def challenged(
    in_scope: Callable[[type[Claim]], ColumnElement[bool]] | None = None,
) -> ColumnElement[bool]:
    """The enclosing query's `Claim` heads a contest: another side counters
    it. Where two claims counter each other, the contest is listed once,
    under the earlier: the later one is its answer, not a second contest,
    unless the earlier one lies outside the listing (`in_scope` tells, for a
    claim, whether the listing's filters select it)."""
    incoming, back = aliased(Relation), aliased(Relation)
    answerer = aliased(Claim)
    answered_back = (
        exists()
        .where(
            back.from_claim_id == Claim.id,
            back.to_claim_id == incoming.from_claim_id,
            contest(back),
        )
        # Claim is two levels up: correlate it explicitly, or SQL would read
        # "any claim" here.
        .correlate(Claim, incoming)
    )
    listed_elsewhere = and_(answered_back, _earlier(answerer, Claim))
    if in_scope is not None:
        listed_elsewhere = and_(listed_elsewhere, in_scope(answerer))
    return probe(
        incoming.to_claim_id == Claim.id,
        answerer.id == incoming.from_claim_id,
        contest(incoming),
        ~listed_elsewhere,
    )
