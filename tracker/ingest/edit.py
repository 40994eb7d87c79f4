"""Edits from the command line: add, relate, alias, merge, rename, remove.

Additions and changes are written as data-file specs through the loader
(`load_dataset`), so a claim typed at the command line meets every check a
data file meets: references, aliases, field widths, quotes anchored in their
source. Removals refuse to leave evidence orphaned unless told what to do
with it. Each function works in the caller's session (the caller owns the
transaction and its write lock) and returns what it wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from tracker import dates
from tracker.errors import InputError, NotFound
from tracker.ingest.anchor import occurrence_at
from tracker.ingest.dataset import (
    ActorSpec,
    AppearanceSpec,
    ClaimSpec,
    Dataset,
    RoleSpec,
    SourceSpec,
)
from tracker.ingest.fields import Where, check_slug
from tracker.ingest.load import load_dataset
from tracker.ingest.verdicts import EvidenceSpec, FirstAppearance, ReviewSpec
from tracker.record import sides, suggest
from tracker.record.models import (
    Actor,
    ActorName,
    Alias,
    Appearance,
    Claim,
    Claimant,
    Evidence,
    Review,
    Role,
    Source,
    SourceCredit,
)
from tracker.record.names import transliterate
from tracker.vocabulary import RELATION_TYPES

SLUG_WORDS = 8
SLUG_LENGTH = 60
KINDS: dict[str, type[Claim] | type[Actor] | type[Source]] = {
    "claim": Claim,
    "actor": Actor,
    "source": Source,
}


@dataclass(frozen=True)
class Written:
    """What one edit did, for the command to print."""

    action: str  # added, updated, unchanged, related, unrelated, merged, renamed, removed
    kind: str  # claim, actor, source, appearance, relation, alias
    id: str  # the entity's id (for a relation or an appearance: its claim's)
    message: str  # one line for people


def where(label: str) -> Where:
    """A place for error messages: the command, not a file and line."""
    return Where(Path(label), 0, label)


def slug(text: str, kind: str) -> str:
    """An id made of the first words of `text` (`kind` if it has none)."""
    words = re.findall(r"[a-z0-9]+", transliterate(text).lower())[:SLUG_WORDS]
    return "-".join(words)[:SLUG_LENGTH].rstrip("-") or kind


def new_key(session: Session, kind: str, text: str, also_taken: set[str] | None = None) -> str:
    """A free slug made of the first words of `text` (free in the database
    and not in `also_taken`)."""
    base = slug(text, kind)
    model = KINDS[kind]
    taken = set(session.scalars(select(model.key).where(model.key.startswith(base))))
    also_taken = also_taken or set()  # not copied: an import asks once per new record
    key, n = base, 1
    while key in taken or key in also_taken:
        n += 1
        key = f"{base}-{n}"
    return key


def _one(session: Session, kind: str, key: str) -> Actor | Claim | Source:
    model = KINDS[kind]
    found = session.scalars(select(model).where(model.key == key)).first()
    if not isinstance(found, (Actor, Claim, Source)):
        raise suggest.not_found(session, kind, key)
    return found


def claim_row(session: Session, key: str) -> Claim:
    found = _one(session, "claim", key)
    assert isinstance(found, Claim)
    return found


def actor_row(session: Session, key: str) -> Actor:
    found = _one(session, "actor", key)
    assert isinstance(found, Actor)
    return found


def source_row(session: Session, key: str) -> Source:
    found = _one(session, "source", key)
    assert isinstance(found, Source)
    return found


def appearance_index(claim: Claim, source_key: str, start: int | None = None) -> int:
    """Which of `claim`'s appearances is the one in `source_key` (at offset
    `start`, needed when it appears there more than once)."""
    found = [
        i
        for i, a in enumerate(claim.appearances)
        if a.source.key == source_key and (start is None or a.start_offset == start)
    ]
    if not found:
        raise NotFound(
            f"claim {claim.key!r} has no appearance in source {source_key!r} at that place"
        )
    if len(found) > 1:
        offsets = ", ".join(str(claim.appearances[i].start_offset) for i in found)
        raise InputError(
            f"claim {claim.key!r} appears {len(found)} times in {source_key!r}:"
            f" say which with {source_key}:START (one of {offsets})"
        )
    return found[0]


def _refuse_taken(session: Session, kind: str, key: str) -> None:
    model = KINDS[kind]
    if session.scalar(select(model.id).where(model.key == key)) is not None:
        raise InputError(f"a {kind} with id {key!r} exists already; give another --id")


# -- specs of what the database holds, to change and write back ---------------------


def claim_spec(claim: Claim, label: str) -> ClaimSpec:
    """The claim as the loader would read it from a data file."""
    appearances = []
    for a in claim.appearances:
        nth = occurrence_at(a.source.text, a.quote, a.start_offset)
        appearances.append(
            AppearanceSpec(
                a.source.key,
                a.quote,
                a.type,
                a.cue,
                a.via.key if a.via else None,
                nth,
                where(label),
            )
        )
    return ClaimSpec(
        key=claim.key,
        text=claim.text,
        claimants=[c.actor.key for c in claim.claimants],
        stated=claim.stated_on,
        precision=claim.stated_precision,
        topics=[t.topic for t in claim.topics],
        appearances=appearances,
        relations=[(r.relation, r.to_claim.key) for r in claim.relations_out],
        where=where(label),
        reviews=[review_spec(r, label) for r in claim.reviews],
        evidence=[evidence_spec(e, label) for e in claim.evidence],
        first=(
            FirstAppearance(claim.first_source.key if claim.first_source else None, claim.first_url)
            if claim.first_source or claim.first_url
            else None
        ),
    )


def evidence_spec(e: Evidence, label: str) -> EvidenceSpec:
    return EvidenceSpec(e.url, e.title, e.kind, e.published_on, e.shows, e.stance, where(label))


def review_spec(r: Review, label: str) -> ReviewSpec:
    return ReviewSpec(
        reviewer=r.reviewer.key,
        rating=r.rating,
        value=r.rating_value,
        best=r.best_rating,
        worst=r.worst_rating,
        reviewed=r.reviewed_on,
        url=r.url,
        explanation=r.explanation,
        where=where(label),
        evidence=[evidence_spec(e, label) for e in r.evidence],
    )


def add_review(session: Session, claim_key: str, review: ReviewSpec) -> Written:
    """Record a verdict on a claim (its status does not change: verdicts
    are not relations)."""
    spec = claim_spec(claim_row(session, claim_key), "tracker review")
    spec.reviews.append(review)
    load_dataset(session, Dataset(claims=[spec]))
    return Written(
        "added",
        "review",
        claim_key,
        f"reviewed {claim_key}: {review.rating!r} by {review.reviewer}",
    )


def add_evidence(
    session: Session, claim_key: str, item: EvidenceSpec, reviewer: str | None = None
) -> Written:
    """Link evidence to a claim, or to `reviewer`'s latest review of it."""
    spec = claim_spec(claim_row(session, claim_key), "tracker add evidence")
    if reviewer is None:
        spec.evidence.append(item)
        owner = claim_key
    else:
        theirs = [r for r in spec.reviews if r.reviewer == reviewer]
        if not theirs:
            raise NotFound(f"{reviewer!r} has not reviewed claim {claim_key!r}")
        # "The latest" as listings pick it; among equals, the one recorded last.
        order = sorted(range(len(theirs)), key=lambda i: (dates.recency(theirs[i].reviewed), i))
        theirs[order[-1]].evidence.append(item)
        owner = f"{reviewer}'s review of {claim_key}"
    load_dataset(session, Dataset(claims=[spec]))
    return Written("added", "evidence", claim_key, f"linked {item.stance} evidence to {owner}")


def actor_spec(actor: Actor, label: str) -> ActorSpec:
    return ActorSpec(
        key=actor.key,
        name=actor.name,
        kind=actor.kind,
        description=actor.description,
        aliases=[a.alias for a in actor.aliases if a.alias != actor.name],
        roles=[
            RoleSpec(r.title, r.organization.key, r.start_on, r.end_on, where(label))
            for r in actor.roles
        ],
        where=where(label),
    )


def source_spec(source: Source, label: str) -> SourceSpec:
    """The source as the loader would read it from a data file."""
    return SourceSpec(
        key=source.key,
        outlet=source.outlet,
        title=source.title,
        url=source.url,
        published=source.published_on,
        published_precision=source.published_precision,
        language=source.language,
        credits=[c.actor.key for c in source.credits],
        notes=source.notes,
        text=source.text,
        where=where(label),
        archived_url=source.archived_url,
        retrieved=source.retrieved_on,
        excerpt=source.excerpt,
        raw_hash=source.raw_hash,
    )


# -- additions -------------------------------------------------------------------


def add_actor(session: Session, spec: ActorSpec) -> Written:
    check_slug(spec.key, "actor")
    _refuse_taken(session, "actor", spec.key)
    load_dataset(session, Dataset(actors=[spec]))
    return Written("added", "actor", spec.key, f"added actor {spec.key} ({spec.name}, {spec.kind})")


def add_alias(session: Session, actor_key: str, alias: str) -> Written:
    actor = actor_row(session, actor_key)
    spec = actor_spec(actor, "tracker alias")
    if alias in [actor.name, *spec.aliases]:
        return Written(
            "unchanged", "alias", actor.key, f"{actor.name} is already known as {alias!r}"
        )
    spec.aliases.append(alias)
    load_dataset(session, Dataset(actors=[spec]))
    return Written("added", "alias", actor_key, f"added alias {alias!r} to actor {actor_key}")


def existing_source(session: Session, spec: SourceSpec) -> Source | None:
    """A source holding the same file or the same text."""
    conditions = [Source.content_hash == spec.content_hash]
    if spec.raw_hash:
        conditions.append(Source.raw_hash == spec.raw_hash)
    for condition in conditions:
        found = session.scalars(select(Source).where(condition).order_by(Source.key)).first()
        if found is not None:
            return found
    return None


def add_source(session: Session, spec: SourceSpec) -> Written:
    """Store a source; the same file or text again changes nothing and names
    the source that holds it."""
    same = existing_source(session, spec)
    if same is not None:
        return Written(
            "unchanged", "source", same.key, f"source {same.key} already holds this content"
        )
    check_slug(spec.key, "source")
    _refuse_taken(session, "source", spec.key)
    load_dataset(session, Dataset(sources=[spec]))
    return Written(
        "added",
        "source",
        spec.key,
        f"added source {spec.key} ({len(spec.text or ''):,} characters)",
    )


def add_claim(session: Session, spec: ClaimSpec) -> Written:
    check_slug(spec.key, "claim")
    _refuse_taken(session, "claim", spec.key)
    load_dataset(session, Dataset(claims=[spec]))
    related = "".join(f"; {rel} {target}" for rel, target in spec.relations)
    return Written("added", "claim", spec.key, f"added claim {spec.key}{related}")


def add_appearance(session: Session, claim_key: str, appearance: AppearanceSpec) -> Written:
    claim = claim_row(session, claim_key)
    spec = claim_spec(claim, "tracker add appearance")
    spec.appearances.append(appearance)
    load_dataset(session, Dataset(claims=[spec]))
    return Written(
        "added",
        "appearance",
        claim_key,
        f"added an appearance of claim {claim_key} in source {appearance.source}",
    )


# -- relations ---------------------------------------------------------------------


def relate(session: Session, from_key: str, to_key: str, relation: str) -> Written:
    if relation not in RELATION_TYPES:
        raise InputError(f"unknown relation {relation!r}; one of: {', '.join(RELATION_TYPES)}")
    claim = claim_row(session, from_key)
    spec = claim_spec(claim, "tracker relate")
    before = dict((target, rel) for rel, target in spec.relations).get(to_key)
    if before == relation:
        return Written("unchanged", "relation", from_key, f"{from_key} already {relation} {to_key}")
    spec.relations = [(r, t) for r, t in spec.relations if t != to_key] + [(relation, to_key)]
    load_dataset(session, Dataset(claims=[spec]))
    was = f" (was: {before})" if before else ""
    return Written("related", "relation", from_key, f"{from_key} {relation} {to_key}{was}")


def unrelate(session: Session, from_key: str, to_key: str) -> Written:
    claim = claim_row(session, from_key)
    spec = claim_spec(claim, "tracker unrelate")
    kept = [(r, t) for r, t in spec.relations if t != to_key]
    if len(kept) == len(spec.relations):
        raise NotFound(f"claim {from_key!r} has no relation to {to_key!r}")
    load_dataset(session, Dataset(claims=[replace(spec, relations=kept)]))
    return Written("unrelated", "relation", from_key, f"{from_key} no longer relates to {to_key}")


# -- renames and merges --------------------------------------------------------------


def rename(session: Session, kind: str, old: str, new: str) -> Written:
    """Change an id; every reference follows (they point at row ids, not at keys)."""
    if kind not in KINDS:
        raise InputError(f"cannot rename a {kind!r}: one of {', '.join(KINDS)}")
    check_slug(new, kind)
    row = _one(session, kind, old)
    if kind == "actor":
        owner = session.scalar(
            select(Actor.key)
            .join(ActorName, ActorName.actor_id == Actor.id)
            .where(ActorName.normalized == new.replace("-", " "), Actor.key != old)
        )
        if owner is not None:
            raise InputError(
                f"actor id {new!r} reads as a name of actor {owner!r}, which would no longer"
                " find it: choose another id"
            )
    if old == new:
        return Written("unchanged", kind, old, f"{kind} {old} already has that id")
    _refuse_taken(session, kind, new)
    row.key = new
    session.flush()
    return Written("renamed", kind, new, f"renamed {kind} {old} to {new}")


def merge_actors(session: Session, keep_key: str, other_key: str) -> Written:
    """Move everything of `other` to `keep` (claims, roles, credits, relayed
    quotes) and make its names `keep`'s aliases; `other` is gone."""
    keep, other = actor_row(session, keep_key), actor_row(session, other_key)
    if keep.id == other.id:
        raise InputError("an actor cannot be merged into itself")
    k, o = keep.id, other.id
    names = [other.name, *[a.alias for a in other.aliases]]
    # Rows `keep` already has are dropped; the rest change hands.
    both = select(Claimant.claim_id).where(Claimant.actor_id == k)
    session.execute(delete(Claimant).where(Claimant.actor_id == o, Claimant.claim_id.in_(both)))
    session.execute(update(Claimant).where(Claimant.actor_id == o).values(actor_id=k))
    credited = select(SourceCredit.source_id).where(SourceCredit.actor_id == k)
    session.execute(
        delete(SourceCredit).where(SourceCredit.actor_id == o, SourceCredit.source_id.in_(credited))
    )
    session.execute(update(SourceCredit).where(SourceCredit.actor_id == o).values(actor_id=k))
    session.execute(update(Appearance).where(Appearance.via_actor_id == o).values(via_actor_id=k))
    session.execute(update(Review).where(Review.reviewer_id == o).values(reviewer_id=k))
    # Roles of `other`, and roles in `other`, become `keep`'s, except a role of
    # `keep` in itself and roles `keep` already holds.
    held = {(r.organization_id, r.title): r for r in keep.roles}
    for role in session.scalars(select(Role).where(Role.actor_id == o)):
        same = held.get((role.organization_id, role.title))
        if same is not None and (same.start_on, same.end_on) != (role.start_on, role.end_on):
            # Two periods in one role: which is right is the curator's call,
            # and a wrong one moves claims between sides.
            raise InputError(
                f"{keep_key!r} and {other_key!r} both hold the role {role.title!r} in"
                f" {role.organization.key!r}, for different periods: make them agree"
                " (or remove one) before merging"
            )
        if role.organization_id == k or same is not None:
            session.delete(role)
        else:
            role.actor_id = k
            held[(role.organization_id, role.title)] = role
    members = {
        (r.actor_id, r.title)
        for r in session.scalars(select(Role).where(Role.organization_id == k))
    }
    for role in session.scalars(select(Role).where(Role.organization_id == o)):
        if role.actor_id == k or (role.actor_id, role.title) in members:
            session.delete(role)
        else:
            role.organization_id = k
            members.add((role.actor_id, role.title))
    session.execute(delete(Alias).where(Alias.actor_id == o))
    session.flush()
    session.execute(delete(ActorName).where(ActorName.actor_id == o))
    session.execute(delete(Actor).where(Actor.id == o))
    session.flush()
    session.expire_all()
    spec = actor_spec(actor_row(session, keep_key), "tracker merge-actors")
    spec.aliases += [n for n in names if n != spec.name and n not in spec.aliases]
    load_dataset(session, Dataset(actors=[spec]))
    sides.rebuild(session.connection())
    return Written(
        "merged",
        "actor",
        keep_key,
        f"merged actor {other_key} into {keep_key}: its names are aliases",
    )
