"""The export document (docs/exchange.md) out of the database: the whole
record or a scope of it, read in batches and yielded one record at a time,
so that a JSON export streams; every list in a stable order (ids, then
stored order), so that exporting the same records twice gives the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from tracker.dates import at_precision
from tracker.errors import InputError
from tracker.query.queries import ClaimFilter, matching_ids
from tracker.record.batching import batches
from tracker.record.models import (
    Actor,
    Appearance,
    Claim,
    Claimant,
    Evidence,
    Relation,
    Review,
    Role,
    Source,
    SourceCredit,
)

FORMAT_VERSION = 1
Record = dict[str, Any]


@dataclass
class Scope:
    """What an export holds: the claims a filter (or a list of ids) picks,
    with the claims they relate to, and every source and actor those need."""

    claim_ids: list[int]  # ordered by id (key)
    source_ids: list[int]
    actor_ids: list[int]

    def counts(self) -> str:
        return (
            f"{len(self.actor_ids)} actors, {len(self.source_ids)} sources,"
            f" {len(self.claim_ids)} claims"
        )


def _closure(session: Session, ids: set[int]) -> set[int]:
    """`ids` with the claims related to them (both ways, one step), then
    every claim a kept relation points at: a scope loads on its own."""
    found = set(ids)
    for batch in batches(sorted(ids)):
        for a, b in session.execute(
            select(Relation.from_claim_id, Relation.to_claim_id).where(
                Relation.from_claim_id.in_(batch) | Relation.to_claim_id.in_(batch)
            )
        ):
            found |= {a, b}
    frontier = found
    while frontier:
        targets: set[int] = set()
        for batch in batches(sorted(frontier)):
            targets |= set(
                session.scalars(
                    select(Relation.to_claim_id).where(Relation.from_claim_id.in_(batch))
                )
            )
        frontier = targets - found
        found |= frontier
    return found


def scope(session: Session, flt: ClaimFilter | None = None, keys: list[str] | None = None) -> Scope:
    """Everything (no filter, no keys), or the claims picked and what they need."""
    if flt is None and not keys:
        claims = list(session.scalars(select(Claim.id).order_by(Claim.key)))
        sources = list(session.scalars(select(Source.id).order_by(Source.key)))
        actors = list(session.scalars(select(Actor.id).order_by(Actor.key)))
        return Scope(claims, sources, actors)
    picked = matching_ids(session, flt) if flt is not None else set()
    for key in keys or []:
        found = session.scalar(select(Claim.id).where(Claim.key == key))
        if found is None:
            raise InputError(f"no claim {key!r} to export")
        picked.add(found)
    claim_ids = _closure(session, picked)
    source_ids: set[int] = set()
    actor_ids: set[int] = set()
    for batch in batches(sorted(claim_ids)):
        source_ids |= set(
            session.scalars(select(Appearance.source_id).where(Appearance.claim_id.in_(batch)))
        )
        source_ids |= {
            s
            for s in session.scalars(select(Claim.first_source_id).where(Claim.id.in_(batch)))
            if s
        }
        actor_ids |= set(
            session.scalars(select(Claimant.actor_id).where(Claimant.claim_id.in_(batch)))
        )
        actor_ids |= {
            a
            for a in session.scalars(
                select(Appearance.via_actor_id).where(Appearance.claim_id.in_(batch))
            )
            if a
        }
        actor_ids |= set(
            session.scalars(select(Review.reviewer_id).where(Review.claim_id.in_(batch)))
        )
    for batch in batches(sorted(source_ids)):
        actor_ids |= set(
            session.scalars(select(SourceCredit.actor_id).where(SourceCredit.source_id.in_(batch)))
        )
    # The organizations actors hold roles in, at any depth: their sides.
    frontier = actor_ids
    while frontier:
        orgs: set[int] = set()
        for batch in batches(sorted(frontier)):
            orgs |= set(
                session.scalars(select(Role.organization_id).where(Role.actor_id.in_(batch)))
            )
        frontier = orgs - actor_ids
        actor_ids |= frontier

    def ordered(model: Any, ids: set[int]) -> list[int]:
        found: list[tuple[str, int]] = []
        for batch in batches(sorted(ids)):
            found += [
                (k, i)
                for i, k in session.execute(select(model.id, model.key).where(model.id.in_(batch)))
            ]
        return [i for _, i in sorted(found)]

    return Scope(ordered(Claim, claim_ids), ordered(Source, source_ids), ordered(Actor, actor_ids))


def actors(session: Session, ids: list[int]) -> Iterator[Record]:
    for batch in batches(ids):
        rows = session.scalars(
            select(Actor)
            .where(Actor.id.in_(batch))
            .options(
                selectinload(Actor.aliases),
                selectinload(Actor.roles).selectinload(Role.organization),
            )
        ).all()
        by_id = {a.id: a for a in rows}
        for actor_id in batch:
            a = by_id[actor_id]
            yield {
                "id": a.key,
                "name": a.name,
                "kind": a.kind,
                "description": a.description,
                "aliases": [
                    x.alias for x in sorted(a.aliases, key=lambda x: x.id) if x.alias != a.name
                ],
                "roles": [
                    {
                        "title": r.title,
                        "of": r.organization.key,
                        "start": at_precision(r.start_on),
                        "end": at_precision(r.end_on),
                    }
                    for r in sorted(a.roles, key=lambda r: r.id)
                ],
            }
        session.expunge_all()


def sources(session: Session, ids: list[int]) -> Iterator[Record]:
    for batch in batches(ids, 50):  # texts are long: fewer at a time
        rows = session.scalars(
            select(Source)
            .where(Source.id.in_(batch))
            .options(selectinload(Source.credits).selectinload(SourceCredit.actor))
        ).all()
        by_id = {s.id: s for s in rows}
        for source_id in batch:
            s = by_id[source_id]
            yield {
                "id": s.key,
                "outlet": s.outlet,
                "title": s.title,
                "url": s.url,
                "published": at_precision(s.published_on, s.published_precision),
                "language": s.language,
                "credits": [c.actor.key for c in s.credits],
                "notes": s.notes,
                "archived_url": s.archived_url,
                "retrieved": at_precision(s.retrieved_on),
                "excerpt": bool(s.excerpt),
                "text": s.text,
            }
        session.expunge_all()


def _evidence(e: Evidence) -> Record:
    return {
        "url": e.url,
        "title": e.title,
        "kind": e.kind,
        "date": at_precision(e.published_on),
        "shows": e.shows,
        "stance": e.stance,
    }


def claims(session: Session, ids: list[int]) -> Iterator[Record]:
    for batch in batches(ids):
        rows = session.scalars(
            select(Claim)
            .where(Claim.id.in_(batch))
            .options(
                selectinload(Claim.claimants).selectinload(Claimant.actor),
                selectinload(Claim.topics),
                selectinload(Claim.appearances).selectinload(Appearance.source),
                selectinload(Claim.appearances).selectinload(Appearance.via),
                selectinload(Claim.relations_out).selectinload(Relation.to_claim),
                selectinload(Claim.reviews).selectinload(Review.reviewer),
                selectinload(Claim.reviews).selectinload(Review.evidence),
                selectinload(Claim.evidence),
                selectinload(Claim.first_source),
            )
        ).all()
        by_id = {c.id: c for c in rows}
        for claim_id in batch:
            c = by_id[claim_id]
            first = None
            if c.first_source is not None or c.first_url is not None:
                first = {
                    "source": c.first_source.key if c.first_source else None,
                    "url": c.first_url,
                }
            yield {
                "id": c.key,
                "text": c.text,
                "claimants": [x.actor.key for x in c.claimants],
                "stated": at_precision(c.stated_on, c.stated_precision),
                "topics": [t.topic for t in c.topics],
                "first_appearance": first,
                "appearances": [
                    {
                        "source": a.source.key,
                        "quote": a.quote,
                        "start": a.start_offset,
                        "end": a.end_offset,
                        "type": a.type,
                        "cue": a.cue,
                        "via": a.via.key if a.via else None,
                    }
                    for a in c.appearances
                ],
                # By relation, then target: the order a data file's mapping of
                # relations gives back (yaml export), whatever order they came in.
                "relations": [
                    {"relation": rel, "to": to}
                    for rel, to in sorted((r.relation, r.to_claim.key) for r in c.relations_out)
                ],
                "reviews": [
                    {
                        "reviewer": r.reviewer.key,
                        "rating": r.rating,
                        "value": r.rating_value,
                        "best": r.best_rating,
                        "worst": r.worst_rating,
                        "date": at_precision(r.reviewed_on),
                        "url": r.url,
                        "explanation": r.explanation,
                        "evidence": [_evidence(e) for e in r.evidence],
                    }
                    for r in c.reviews
                ],
                "evidence": [_evidence(e) for e in c.evidence],
            }
        session.expunge_all()


def streamed(session: Session, what: Scope) -> Record:
    """The document with its records as generators: read once, in order."""
    return {
        "tracker_export": FORMAT_VERSION,
        "actors": actors(session, what.actor_ids),
        "sources": sources(session, what.source_ids),
        "claims": claims(session, what.claim_ids),
    }


def document(session: Session, what: Scope) -> Record:
    """The whole document in memory (for the formats that need it whole)."""
    return {
        "tracker_export": FORMAT_VERSION,
        "actors": list(actors(session, what.actor_ids)),
        "sources": list(sources(session, what.source_ids)),
        "claims": list(claims(session, what.claim_ids)),
    }


def write_json(session: Session, what: Scope, write: Any) -> None:
    """The document as JSON, written record by record (`write(text)`): two
    spaces an indent, keys in the document's order, not ASCII-escaped."""

    def dump(record: Record) -> str:
        return "\n".join(
            "    " + line for line in json.dumps(record, ensure_ascii=False, indent=2).split("\n")
        )

    write(f'{{\n  "tracker_export": {FORMAT_VERSION},\n')
    parts: list[tuple[str, Iterable[Record]]] = [
        ("actors", actors(session, what.actor_ids)),
        ("sources", sources(session, what.source_ids)),
        ("claims", claims(session, what.claim_ids)),
    ]
    for n, (name, records) in enumerate(parts):
        write(f'  "{name}": [')
        first = True
        for record in records:
            write(("\n" if first else ",\n") + dump(record))
            first = False
        write("\n  ]" if not first else "]")
        write(",\n" if n < len(parts) - 1 else "\n")
    write("}\n")
