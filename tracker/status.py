"""What "contested", "corroborated" and "retracted" mean: the status rules, in SQL.

Status is derived from relations and roles, never stored or typed in. It is
defined once, here, as SQL expressions: listings filter on them and show what
they compute, so what a filter selects and what a row says cannot disagree.

The rules (README, "Concepts"):

- A **side** is an actor together with every organization it holds a role
  in, at any depth: Matthew Miller, the State Department and the United
  States government are one side. A claim is *of another side* than a second
  claim when one of its claimants shares no side with any claimant of the
  second: a person's own organization never contests or corroborates them.
- A claim **stands** unless it is retracted.
- **retracted**: a `retracts` relation points at it (the loader admits one
  only from a claim sharing a claimant).
- A **contest** is a `denies`, `disputes` or `undercuts` relation between two
  standing claims, from a claim of another side than its target.
- **contested**: it stands and is in a contest, on either end: countered by
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

from sqlalchemy import (
    CTE,
    ColumnElement,
    and_,
    case,
    exists,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import InstrumentedAttribute, aliased

from tracker.models import Actor, Claim, Claimant, Relation, Role
from tracker.vocabulary import COUNTER_RELATIONS

__all__ = [
    "challenged",
    "contest",
    "countering_another_side",
    "sides",
    "status_expression",
    "status_is",
]


def sides() -> CTE:
    """(actor_id, side_id): each actor, and every organization it holds a
    role in at any depth. UNION (not UNION ALL) ends on cycles of roles."""
    found = select(Actor.id.label("actor_id"), Actor.id.label("side_id")).cte(
        "sides", recursive=True, nesting=True
    )
    return found.union(
        select(found.c.actor_id, Role.organization_id).join(Role, Role.actor_id == found.c.side_id)
    )


_SIDES = sides()
# A claim id: a column of the enclosing query.
ClaimId = ColumnElement[int] | InstrumentedAttribute[int]


def another_side(claim_id: ClaimId, other_id: ClaimId) -> ColumnElement[bool]:
    """Whether claim `claim_id` has a claimant sharing no side with any
    claimant of claim `other_id`."""
    ours, theirs = aliased(Claimant), aliased(Claimant)
    our_side, their_side = _SIDES.alias(), _SIDES.alias()
    shared = (
        select(literal(1))
        .select_from(theirs)
        .join(their_side, their_side.c.actor_id == theirs.actor_id)
        .join(our_side, our_side.c.side_id == their_side.c.side_id)
        .where(theirs.claim_id == other_id, our_side.c.actor_id == ours.actor_id)
        .correlate_except(theirs, our_side, their_side)
    )
    return exists().where(ours.claim_id == claim_id, ~shared.exists())


def retracted(claim_id: ClaimId) -> ColumnElement[bool]:
    rel = aliased(Relation)
    return exists().where(rel.to_claim_id == claim_id, rel.relation == "retracts")


def contest(rel: type[Relation]) -> ColumnElement[bool]:
    """Whether relation `rel` (an aliased Relation) is a contest: a counter
    relation between standing claims, from another side."""
    return and_(
        rel.relation.in_(COUNTER_RELATIONS),
        another_side(rel.from_claim_id, rel.to_claim_id),
        ~retracted(rel.from_claim_id),
        ~retracted(rel.to_claim_id),
    )


def _in_contest(claim_id: ClaimId) -> ColumnElement[bool]:
    rel = aliased(Relation)
    return exists().where(
        or_(rel.to_claim_id == claim_id, rel.from_claim_id == claim_id), contest(rel)
    )


def _corroborated(claim_id: ClaimId) -> ColumnElement[bool]:
    rel = aliased(Relation)
    return exists().where(
        rel.to_claim_id == claim_id,
        rel.relation == "corroborates",
        another_side(rel.from_claim_id, rel.to_claim_id),
        ~retracted(rel.from_claim_id),
    )


def status_expression() -> ColumnElement[str]:
    """The status of the enclosing query's `Claim`, as a SQL value."""
    return case(
        (retracted(Claim.id), "retracted"),
        (_in_contest(Claim.id), "contested"),
        (_corroborated(Claim.id), "corroborated"),
        else_="uncontested",
    )


def status_is(wanted: str) -> ColumnElement[bool]:
    """A filter: the enclosing query's `Claim` has status `wanted`."""
    is_retracted = retracted(Claim.id)
    if wanted == "retracted":
        return is_retracted
    if wanted == "contested":
        return and_(~is_retracted, _in_contest(Claim.id))
    if wanted == "corroborated":
        return and_(~is_retracted, ~_in_contest(Claim.id), _corroborated(Claim.id))
    if wanted == "uncontested":
        return and_(~is_retracted, ~_in_contest(Claim.id), ~_corroborated(Claim.id))
    raise ValueError(f"unknown status {wanted!r}")


def _earlier(first: type[Claim], second: type[Claim]) -> ColumnElement[bool]:
    """`first` comes before `second` in time: dated before undated, then by
    date, then by id. Every branch is guarded against NULL dates, so the
    answer is true or false, never SQL's unknown (which NOT would keep)."""
    both_dated = and_(first.stated_on.is_not(None), second.stated_on.is_not(None))
    both_undated = and_(first.stated_on.is_(None), second.stated_on.is_(None))
    return or_(
        and_(first.stated_on.is_not(None), second.stated_on.is_(None)),
        and_(both_dated, first.stated_on < second.stated_on),
        and_(both_dated, first.stated_on == second.stated_on, first.key < second.key),
        and_(both_undated, first.key < second.key),
    )


def challenged() -> ColumnElement[bool]:
    """The enclosing query's `Claim` heads a contest: another side counters
    it. Where two claims counter each other, the contest is listed once,
    under the earlier: the later one is its answer, not a second contest."""
    incoming, back = aliased(Relation), aliased(Relation)
    answerer = aliased(Claim)
    answered_back = exists().where(
        back.from_claim_id == Claim.id,
        back.to_claim_id == incoming.from_claim_id,
        contest(back),
    )
    return exists().where(
        incoming.to_claim_id == Claim.id,
        answerer.id == incoming.from_claim_id,
        contest(incoming),
        ~and_(answered_back, _earlier(answerer, Claim)),
    )


def countering_another_side(actor_ids: set[int] | None = None) -> ColumnElement[bool]:
    """The enclosing query's `Relation` is a contest (optionally: from a
    claim with one of `actor_ids` among its claimants)."""
    condition = contest(Relation)
    if actor_ids is None:
        return condition
    mine = aliased(Claimant)
    return and_(
        condition,
        exists().where(mine.claim_id == Relation.from_claim_id, mine.actor_id.in_(actor_ids)),
    )
