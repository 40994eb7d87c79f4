"""Recorded claims a proposal repeats or answers, each with a score (0-100).

A proposal *matches* a claim when its words are the claim's, or one of its
quotes', whatever their order (the same statement in another outlet or
another translation: `tracker.query.similar.alike`). A denial *answers* the
claims that share its topic and its parties: the concepts of its words
("arms transfers": weapons, transfer) found in the claim, and the actors it
names or speaks for (Moscow for Russia) found among the claim's words. A
denial never answers its own side's claims. Candidates come from the
search index, so the cost does not grow with the archive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from tracker.extract import lexicon
from tracker.extract.speakers import ActorIndex
from tracker.query.search import STOP_WORDS, search
from tracker.query.similar import alike, candidate_query
from tracker.record.models import Actor, ActorSide, Claim, Claimant
from tracker.record.names import normalize

MATCH_THRESHOLD = 75.0
DENY_THRESHOLD = 40.0
CANDIDATES = 100
SHOWN = 5


@dataclass(frozen=True)
class Link:
    claim: str  # its id
    score: float


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", normalize(text))


def _concepts(text: str) -> set[str]:
    """What a text is about: each word's concept, or the word (stemmed
    crudely: "transfers" is "transfer")."""
    found = set()
    for word in _words(text):
        if word in STOP_WORDS or len(word) < 3:
            continue
        found.add(lexicon.CONCEPT_OF.get(word, word.removesuffix("s")))
    return found


def _named(index: ActorIndex, text: str) -> set[str]:
    """The actors a text names: every run of up to four words that is an
    alias (or a capital) of exactly one actor."""
    words = _words(text)
    found = set()
    for size in range(4, 0, -1):
        for k in range(len(words) - size + 1):
            actor = index.named(" ".join(words[k : k + size]))
            if actor is not None:
                found.add(actor)
    return found


def _candidates(session: Session, query: str | None) -> list[Claim]:
    if query is None:
        return []
    hits = search(session, query, ("claims", "quotes"), CANDIDATES)
    keys = {h.claim for h in hits if h.claim}
    if not keys:
        return []
    return list(
        session.scalars(
            select(Claim)
            .where(Claim.key.in_(keys))
            .options(
                selectinload(Claim.claimants).selectinload(Claimant.actor),
                selectinload(Claim.appearances),
            )
            .order_by(Claim.key)
        )
    )


def _sides(session: Session, actor_keys: set[str]) -> dict[str, set[int]]:
    rows = session.execute(
        select(Actor.key, ActorSide.side_id)
        .join(ActorSide, ActorSide.actor_id == Actor.id)
        .where(Actor.key.in_(actor_keys))
    )
    sides: dict[str, set[int]] = {}
    for key, side in rows:
        sides.setdefault(key, set()).add(side)
    return sides


def matches(session: Session, content: str, claim_text: str) -> list[Link]:
    """Recorded claims saying what `content` says, best first."""
    found = []
    for claim in _candidates(session, candidate_query([content, claim_text])):
        score = max(
            [alike(content, claim.text), alike(claim_text, claim.text)]
            + [alike(content, a.quote) for a in claim.appearances if a.quote is not None]
        )
        if score >= MATCH_THRESHOLD:
            found.append(Link(claim.key, round(score, 1)))
    return sorted(found, key=lambda link: (-link.score, link.claim))[:SHOWN]


def denied(
    session: Session, index: ActorIndex, content: str, speakers: tuple[str, ...]
) -> list[Link]:
    """Recorded claims a denial of `content` by `speakers` answers, best first."""
    topic = _concepts(content)
    if not topic:
        return []
    parties = set(speakers) | _named(index, content)
    expanded = {w for c in topic for w in lexicon.CONCEPTS.get(c, [c])}
    words = sorted(w for w in expanded if len(w) >= 4 and w not in STOP_WORDS)
    query = " OR ".join(words) if words else None
    claims = _candidates(session, query)
    claimants = {c.actor.key for claim in claims for c in claim.claimants}
    sides = _sides(session, claimants | set(speakers))
    ours = set().union(*(sides.get(a, set()) for a in speakers))
    found = []
    for claim in claims:
        theirs = set().union(*(sides.get(c.actor.key, set()) for c in claim.claimants))
        if ours and theirs & ours:
            continue  # one's own claims are not denied
        texts = [claim.text, *(a.quote for a in claim.appearances if a.quote is not None)]
        about = set().union(*(_concepts(t) for t in texts))
        named = set().union(*(_named(index, t) for t in texts))
        shared_topic = len(topic & about) / len(topic)
        shared_parties = len(parties & named) / len(parties) if parties else 0.0
        score = 100 * shared_topic * (0.4 + 0.6 * shared_parties)
        if score >= DENY_THRESHOLD:
            found.append(Link(claim.key, round(score, 1)))
    return sorted(found, key=lambda link: (-link.score, link.claim))[:SHOWN]
