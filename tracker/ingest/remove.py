"""Removals: a claim, a relation, an appearance, a source or an actor.

Evidence is never orphaned silently: what depends on the thing removed is
named, and removed with it only when the caller says so.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import ColumnElement, delete, func, select, update
from sqlalchemy.orm import Session

from tracker.errors import InputError
from tracker.ingest.edit import (
    Written,
    actor_row,
    appearance_index,
    claim_row,
    source_row,
    unrelate,
)
from tracker.record import sides
from tracker.record.models import (
    Actor,
    ActorName,
    Alias,
    Appearance,
    Claim,
    Claimant,
    Evidence,
    FeedEntry,
    QueuedProposal,
    Relation,
    Review,
    Role,
    SourceCredit,
    Topic,
)


def _count(session: Session, *conditions: ColumnElement[bool]) -> int:
    return int(session.scalar(select(func.count()).where(*conditions)) or 0)


def remove_claim(session: Session, key: str, with_relations: bool = False) -> Written:
    claim = claim_row(session, key)
    linked = session.scalars(
        select(Relation).where(
            (Relation.from_claim_id == claim.id) | (Relation.to_claim_id == claim.id)
        )
    ).all()
    others = [r for r in linked if r.from_claim_id != claim.id]
    if others and not with_relations:
        raise _answered(key, others)
    for relation in linked:
        session.delete(relation)
    # A claim's verdicts and evidence go with it: they are about it alone.
    reviews = select(Review.id).where(Review.claim_id == claim.id)
    session.execute(delete(Evidence).where(Evidence.review_id.in_(reviews)))
    for child in (Evidence, Review, Claimant, Topic, Appearance):
        session.execute(delete(child).where(child.claim_id == claim.id))
    session.flush()
    session.delete(claim)
    session.flush()
    return Written(
        "removed", "claim", key, f"removed claim {key} and its {len(linked)} relation(s)"
    )


def _answered(key: str, others: list[Relation]) -> InputError:
    names = ", ".join(sorted(r.from_claim.key for r in others))
    return InputError(
        f"claim {key!r} is answered by {len(others)} claim(s) ({names}):"
        " remove those relations too with --with-relations"
    )


def remove_claims(session: Session, keys: list[str], with_relations: bool = False) -> list[Written]:
    """Several claims, all or none (the caller's transaction): an unknown id,
    or a claim answered by one that stays, refuses them all. A relation
    between two of them goes with them."""
    keys = list(dict.fromkeys(keys))
    claims = [claim_row(session, key) for key in keys]
    ids = {c.id for c in claims}
    if not with_relations:
        for claim in claims:
            others = session.scalars(
                select(Relation).where(
                    Relation.to_claim_id == claim.id, Relation.from_claim_id.not_in(ids)
                )
            ).all()
            if others:
                raise _answered(claim.key, list(others))
    return [remove_claim(session, key, with_relations=True) for key in keys]


def remove_relation(session: Session, from_key: str, to_key: str) -> Written:
    written = unrelate(session, from_key, to_key)
    return replace(written, action="removed", message=f"removed the relation {from_key} → {to_key}")


def remove_appearance(
    session: Session, claim_key: str, source_key: str, start: int | None = None
) -> Written:
    claim = claim_row(session, claim_key)
    found = claim.appearances[appearance_index(claim, source_key, start)]
    if len(claim.appearances) == 1:
        raise InputError(
            f"this is claim {claim_key!r}'s only appearance: a claim needs one;"
            f" remove the claim instead (tracker remove claim {claim_key})"
        )
    session.delete(found)
    session.flush()
    return Written(
        "removed", "appearance", claim_key, f"removed an appearance of {claim_key} in {source_key}"
    )


def remove_source(session: Session, key: str, with_appearances: bool = False) -> Written:
    source = source_row(session, key)
    quoted = session.scalars(select(Appearance).where(Appearance.source_id == source.id)).all()
    first = session.scalars(select(Claim.key).where(Claim.first_source_id == source.id)).all()
    if first:
        raise InputError(
            f"source {key!r} is the first appearance of {len(first)} claim(s)"
            f" ({', '.join(sorted(first)[:5])}): change theirs first"
        )
    if quoted and not with_appearances:
        raise InputError(
            f"source {key!r} holds {len(quoted)} quote(s): remove them too with"
            " --with-appearances, or the claims that quote it first"
        )
    claims = {a.claim_id for a in quoted}
    for claim_id in claims:
        left = _count(session, Appearance.claim_id == claim_id, Appearance.source_id != source.id)
        if not left:
            orphan = session.get_one(Claim, claim_id).key
            raise InputError(
                f"claim {orphan!r} appears only in source {key!r}: remove the claim first"
                f" (tracker remove claim {orphan}), or add another appearance"
            )
    for appearance in quoted:
        session.delete(appearance)
    session.execute(delete(SourceCredit).where(SourceCredit.source_id == source.id))
    # What `tracker watch` queued of it goes with it; its feed entry stays
    # seen, so that the next run does not add the article again.
    session.execute(delete(QueuedProposal).where(QueuedProposal.source_id == source.id))
    session.execute(
        update(FeedEntry).where(FeedEntry.source_id == source.id).values(source_id=None)
    )
    session.flush()
    session.delete(source)
    session.flush()
    return Written("removed", "source", key, f"removed source {key} and {len(quoted)} quote(s)")


def remove_actor(session: Session, key: str) -> Written:
    actor = actor_row(session, key)
    uses = {
        "claims": _count(session, Claimant.actor_id == actor.id),
        "wire credits": _count(session, SourceCredit.actor_id == actor.id),
        "relayed quotes": _count(session, Appearance.via_actor_id == actor.id),
        "members": _count(session, Role.organization_id == actor.id),
        "reviews": _count(session, Review.reviewer_id == actor.id),
    }
    held = [f"{n} {what}" for what, n in uses.items() if n]
    if held:
        raise InputError(
            f"actor {key!r} has {', '.join(held)}: merge it into another actor"
            f" (tracker merge-actors KEEP {key}) or remove those first"
        )
    session.execute(delete(Role).where(Role.actor_id == actor.id))
    session.execute(delete(Alias).where(Alias.actor_id == actor.id))
    session.flush()
    session.execute(delete(ActorName).where(ActorName.actor_id == actor.id))
    session.execute(delete(Actor).where(Actor.id == actor.id))
    session.flush()
    sides.rebuild(session.connection())
    return Written("removed", "actor", key, f"removed actor {key}")
