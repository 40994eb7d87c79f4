"""Plain data for output: the JSON contract and the rows of every table.

Records go in (tracker.query.records, as tracker.query.fetch builds them; actors
and sources as tracker.query.queries loads them), dicts and lists come out;
nothing here queries the database. Dates are written by tracker.dates.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tracker.dates import at_precision
from tracker.query.queries import ActorRecord
from tracker.query.records import (
    ActorRef,
    AnyClaim,
    ClaimRecord,
    EvidenceRecord,
    RelationRecord,
    ReviewRecord,
    SourceRef,
)
from tracker.record.models import Actor, Source
from tracker.vocabulary import COUNTER_RELATIONS


def published(source: Source | SourceRef) -> str | None:
    """A source's publication date at its precision (2024-06-18, 2024-06, 2024)."""
    return at_precision(source.published_on, source.published_precision)


def actor_ref(actor: Actor | ActorRef) -> dict[str, Any]:
    return {"id": actor.key, "name": actor.name, "kind": actor.kind}


def claimant_names(claim: AnyClaim) -> list[str]:
    return [c.actor.name for c in claim.claimants]


def _related(relation: RelationRecord, other: AnyClaim) -> dict[str, Any]:
    return {
        "relation": relation.relation,
        "contest": is_contest(relation),
        "id": other.key,
        "text": other.text,
        "claimants": [actor_ref(c.actor) for c in other.claimants],
        "stated_on": at_precision(other.stated_on, other.stated_precision),
    }


def status(claim: ClaimRecord) -> str:
    """The claim's status, as the query that loaded it computed it."""
    if claim.status is None:
        raise ValueError(f"claim {claim.key!r} was loaded without its status")
    return claim.status


def _oldest_first(relation: RelationRecord, other: AnyClaim) -> tuple[Any, ...]:
    return (other.stated_on is None, other.stated_on or dt.date.min, other.key)


def counter_relations(claim: ClaimRecord) -> list[RelationRecord]:
    """The relations that deny, dispute or undercut `claim`, oldest first
    (undated last), so that a thread reads in the order it happened."""
    found = [r for r in claim.relations_in if r.relation in COUNTER_RELATIONS]
    return sorted(found, key=lambda r: _oldest_first(r, r.from_claim))


def countering_relations(claim: ClaimRecord) -> list[RelationRecord]:
    """The relations by which `claim` denies, disputes or undercuts others, oldest first."""
    found = [r for r in claim.relations_out if r.relation in COUNTER_RELATIONS]
    return sorted(found, key=lambda r: _oldest_first(r, r.to_claim))


def is_contest(relation: RelationRecord) -> bool:
    """Whether the relation is a contest (tracker.record.status), as the query that
    loaded it computed."""
    if relation.contest is None:
        raise ValueError("a relation was loaded without its contest flag")
    return relation.contest


def contests_in(claim: ClaimRecord) -> list[RelationRecord]:
    """The counter relations of other sides' standing claims against `claim`."""
    return [r for r in counter_relations(claim) if is_contest(r)]


def contests_out(claim: ClaimRecord) -> list[RelationRecord]:
    """The counter relations by which `claim` contests other sides' claims."""
    return [r for r in countering_relations(claim) if is_contest(r)]


def claim_dict(claim: ClaimRecord) -> dict[str, Any]:
    """One claim object of the JSON contract (README, "JSON output")."""
    latest = claim.latest_reviews()
    return {
        "id": claim.key,
        "text": claim.text,
        "claimants": [actor_ref(c.actor) for c in claim.claimants],
        "stated_on": at_precision(claim.stated_on, claim.stated_precision),
        "stated_precision": claim.stated_precision,
        "status": status(claim),
        "topics": [t.topic for t in claim.topics],
        "sources": len({a.source_id for a in claim.appearances}),
        "appearances": [
            {
                "source": a.source.key,
                "outlet": a.source.outlet,
                "title": a.source.title,
                "published_on": published(a.source),
                "quote": a.quote,
                "start": a.start_offset,
                "end": a.end_offset,
                "prefix": a.prefix,
                "suffix": a.suffix,
                "type": a.type,
                "cue": a.cue,
                "via": a.via.name if a.via else None,
            }
            for a in claim.appearances
        ],
        "counter_claims": [_related(r, r.from_claim) for r in counter_relations(claim)],
        "relations": [{"direction": "out", **_related(r, r.to_claim)} for r in claim.relations_out]
        + [{"direction": "in", **_related(r, r.from_claim)} for r in claim.relations_in],
        "first_appearance": (
            {"source": claim.first_source, "url": claim.first_url}
            if claim.first_source or claim.first_url
            else None
        ),
        "reviews": [review_dict(r, any(r is x for x in latest)) for r in claim.reviews],
        "evidence": [evidence_dict(e) for e in claim.evidence],
    }


def evidence_dict(e: EvidenceRecord) -> dict[str, Any]:
    return {
        "url": e.url,
        "title": e.title,
        "kind": e.kind,
        "date": at_precision(e.published_on),
        "shows": e.shows,
        "stance": e.stance,
    }


def review_dict(r: ReviewRecord, latest: bool) -> dict[str, Any]:
    """A verdict; `latest`: the reviewer's latest on this claim."""
    return {
        "reviewer": actor_ref(r.reviewer),
        "rating": r.rating,
        "value": r.value,
        "best": r.best,
        "worst": r.worst,
        "date": at_precision(r.reviewed_on),
        "url": r.url,
        "explanation": r.explanation,
        "latest": latest,
        "evidence": [evidence_dict(e) for e in r.evidence],
    }


def verdict_text(r: ReviewRecord) -> str:
    """ "False (FactCheck Desk, 2024-06-20)" or "2/5 Misleading (…)"."""
    scale = ""
    if r.value is not None:
        scale = f"{r.value:g}" + (f"/{r.best:g}" if r.best is not None else "") + " "
    when = f", {at_precision(r.reviewed_on)}" if r.reviewed_on else ""
    return f"{scale}{r.rating} ({r.reviewer.name}{when})"


def actor_dict(actor: Actor, counts: tuple[int, int] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        **actor_ref(actor),
        "description": actor.description,
        "aliases": [a.alias for a in actor.aliases if a.alias != actor.name],
        "roles": [
            {
                "title": r.title,
                "of": r.organization.name,
                "start": at_precision(r.start_on),
                "end": at_precision(r.end_on),
            }
            for r in actor.roles
        ],
    }
    if counts is not None:
        data["claims"], data["counters"] = counts
    return data


def record_dict(record: ActorRecord) -> dict[str, Any]:
    actor = actor_dict(record.actor)
    actor["members"] = [actor_ref(m) for m in record.members]
    return {
        "actor": actor,
        # Iterators: a streamed writer prints each claim as it is read.
        "claims": map(claim_dict, record.claims),
        "counters": map(claim_dict, record.counters),
    }


def source_dict(source: Source, appearances: int) -> dict[str, Any]:
    return {
        "id": source.key,
        "outlet": source.outlet,
        "title": source.title,
        "url": source.url,
        "published_on": published(source),
        "language": source.language,
        "archived_url": source.archived_url,
        "retrieved_on": at_precision(source.retrieved_on),
        "excerpt": source.excerpt,
        "credits": [c.actor.name for c in source.credits],
        "characters": source.text_length,
        "content_hash": source.content_hash,
        "appearances": appearances,
    }


def topic_dict(topic: str, claims: int) -> dict[str, Any]:
    return {"topic": topic, "claims": claims}


# -- table rows: lists of cells; multi-valued cells are lists, joined by the renderer --

CLAIM_HEADERS = ["ID", "Claim", "By", "Stated", "Sources", "Status", "Contest"]

# "X denies Y" read from Y's side, for every relation.
PASSIVE = {
    "denies": "denied by",
    "disputes": "disputed by",
    "undercuts": "undercut by",
    "supports": "supported by",
    "corroborates": "corroborated by",
    "restates": "restated by",
    "retracts": "retracted by",
}


def _line(verb: str, other: AnyClaim, relation: RelationRecord) -> str:
    when = at_precision(other.stated_on, other.stated_precision) or "undated"
    names = ", ".join(claimant_names(other))
    # A counter relation from the same side, or to or from a retracted claim.
    aside = "" if is_contest(relation) else " (not a contest)"
    return f"{verb} {names} ({when}): {other.text} [{other.key}]{aside}"


def counter_line(relation: RelationRecord) -> str:
    """An incoming counter-claim: "denied by Russian government (undated): ..."."""
    return _line(PASSIVE[relation.relation], relation.from_claim, relation)


def countering_line(relation: RelationRecord) -> str:
    """A claim this one counters: "denies Matthew Miller (2024-06-17): ..."."""
    return _line(relation.relation, relation.to_claim, relation)


def contest_lines(claim: ClaimRecord) -> list[str]:
    """Both ends of every counter relation the claim is in: who counters it,
    then whom it counters (a denial is in contest with what it denies)."""
    return [counter_line(r) for r in counter_relations(claim)] + [
        countering_line(r) for r in countering_relations(claim)
    ]


def claim_row(claim: ClaimRecord) -> list[Any]:
    return [
        claim.key,
        claim.text,
        claimant_names(claim),
        at_precision(claim.stated_on, claim.stated_precision) or "",
        len({a.source_id for a in claim.appearances}),
        status(claim),
        contest_lines(claim),
    ]


def claim_row_with_verdicts(claim: ClaimRecord) -> list[Any]:
    """A table row for people: each reviewer's latest verdict under the status
    (CSV and TSV keep the status alone in its column)."""
    row = claim_row(claim)
    verdicts = [verdict_text(r) for r in claim.latest_reviews()]
    if verdicts:
        row[5] = "\n".join([row[5], *verdicts])
    return row


TIMELINE_HEADERS = ["Date", "ID", "By", "Claim", "Contest"]


def timeline_row(claim: ClaimRecord) -> list[Any]:
    return [
        at_precision(claim.stated_on, claim.stated_precision) or "undated",
        claim.key,
        claimant_names(claim),
        claim.text,
        contest_lines(claim),
    ]


ACTOR_HEADERS = ["ID", "Name", "Kind", "Aliases", "Roles", "Claims", "Counters"]


def actor_row(actor: Actor, counts: tuple[int, int]) -> list[Any]:
    data = actor_dict(actor)
    return [
        actor.key,
        actor.name,
        actor.kind,
        data["aliases"],
        [f"{r['title']}, {r['of']}" for r in data["roles"]],
        counts[0],
        counts[1],
    ]


TOPIC_HEADERS = ["Topic", "Claims"]

SOURCE_HEADERS = ["ID", "Outlet", "Title", "Published", "Credits", "Appearances"]


def source_row(source: Source, appearances: int) -> list[Any]:
    return [
        source.key,
        source.outlet,
        source.title,
        published(source) or "",
        [c.actor.name for c in source.credits],
        appearances,
    ]


APPEARANCE_HEADERS = ["Source", "Outlet", "Published", "Type", "Cue", "Via", "Quote", "Offsets"]
# An appearance in a source with no stored text: there is nothing to quote.
NOT_QUOTED = "(not quoted: the source's text is not stored)"


def appearance_rows(claim: ClaimRecord) -> list[list[Any]]:
    return [
        [
            a.source.key,
            a.source.outlet,
            published(a.source) or "",
            a.type,
            a.cue or "",
            a.via.name if a.via else "",
            a.quote if a.quote is not None else NOT_QUOTED,
            f"{a.start_offset}-{a.end_offset}" if a.start_offset is not None else "",
        ]
        for a in claim.appearances
    ]


RELATION_HEADERS = ["Direction", "Relation", "Contest", "Claim", "By", "Text"]


def relation_rows(data: dict[str, Any]) -> list[list[Any]]:
    """Rows of a claim object's `relations` (see claim_dict)."""
    return [
        [
            "this claim →" if r["direction"] == "out" else "→ this claim",
            r["relation"],
            ("yes" if r["contest"] else "no") if r["relation"] in COUNTER_RELATIONS else "",
            r["id"],
            [c["name"] for c in r["claimants"]],
            r["text"],
        ]
        for r in data["relations"]
    ]
