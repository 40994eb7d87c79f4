"""Claims that resemble a new one: the same statement seen again.

A claim typed at the command line may already be recorded (the same
statement in another source, another translation of the same letter).
Candidates come from the search index (any of the new text's longer words),
so the cost does not grow with the archive; each is then scored by how alike
its text or one of its quotes is to the new text or quotes, and kept only if
a claimant is on the same side as one of the new claim's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from tracker.errors import TrackerError
from tracker.ingest.dataset import ClaimSpec
from tracker.query.search import STOP_WORDS, search
from tracker.record.models import Actor, ActorSide, Claim

THRESHOLD = 80.0
# Words that make two sentences look alike without saying the same thing.
# "no", "not" and "never" stay: they are what a denial is made of.
_STOP_TEXT = (
    "a an and are as at be been but by can could did do does for from had has have "
    "he her his i in into is it its may me might must my of on or our over shall "
    "she should so than that the their them then there these they this those to "
    "under us was we were what when where which who will with would you your"
)
_STOP = frozenset(_STOP_TEXT.split())
# A statement and its negation share nearly every word but say opposite things.
_NEGATION = re.compile(r"\b(?:no|not|never|nor|neither|none|nothing|cannot)\b|n['\u2019]t\b")
# Below this share of the longer text's words, the shorter is not a quote of
# the same sentence but a different, smaller statement.
_PART = 0.6
CANDIDATES = 50
_WORDS = 12


@dataclass(frozen=True)
class Match:
    claim: str  # its id
    score: float  # 0-100
    text: str  # its text


def candidate_query(texts: list[str]) -> str | None:
    """An OR of the longest distinct words: candidates sharing any of them."""
    words = {w for t in texts for w in re.findall(r"\w{4,}", t.lower()) if w not in STOP_WORDS}
    longest = sorted(words, key=lambda w: (-len(w), w))[:_WORDS]
    return " OR ".join(longest) if longest else None


def _content(text: str) -> list[str]:
    return [w for w in re.findall(r"\w+", text.lower()) if w not in _STOP]


def alike(first: str, second: str) -> float:
    """How alike two texts' content words are, 0-100, whatever their order.

    A shorter text inside a longer one (a partial quote of the same sentence)
    counts as alike only while it carries most of the longer one's words:
    "Russia attacked" is not "Russia attacked the port with drones". A
    statement and its negation are never alike."""
    a, b = _content(first), _content(second)
    if not a or not b:
        return 0.0
    if bool(_NEGATION.search(first.lower())) != bool(_NEGATION.search(second.lower())):
        return 0.0
    short, long = sorted((a, b), key=len)
    scorer = fuzz.token_set_ratio if len(short) >= _PART * len(long) else fuzz.token_sort_ratio
    return float(scorer(" ".join(a), " ".join(b)))


def similar_claims(
    session: Session,
    text: str,
    quotes: list[str],
    claimant_ids: set[int],
    leave_out: str | None = None,
) -> list[Match]:
    """Recorded claims like this one, from the same side, best first
    (`leave_out`: the claim itself, when it is recorded already)."""
    query = candidate_query([text, *quotes])
    if query is None:
        return []
    hits = search(session, query, ("claims", "quotes"), CANDIDATES)
    keys = {h.claim for h in hits if h.claim and h.claim != leave_out}
    if not keys:
        return []
    candidates = session.scalars(
        select(Claim)
        .where(Claim.key.in_(keys))
        .options(selectinload(Claim.claimants), selectinload(Claim.appearances))
    ).all()
    actors = claimant_ids | {c.actor_id for claim in candidates for c in claim.claimants}
    sides: dict[int, set[int]] = {}
    rows = session.execute(
        select(ActorSide.actor_id, ActorSide.side_id).where(ActorSide.actor_id.in_(actors))
    )
    for actor_id, side_id in rows:
        sides.setdefault(actor_id, set()).add(side_id)
    ours = set().union(*(sides.get(a, set()) for a in claimant_ids))
    found = []
    for claim in candidates:
        theirs = set().union(*(sides.get(c.actor_id, set()) for c in claim.claimants))
        if not theirs & ours:
            continue
        score = alike(text, claim.text)
        for quote in quotes:
            for appearance in claim.appearances:
                if appearance.quote is not None:
                    score = max(score, alike(quote, appearance.quote))
        if score >= THRESHOLD:
            found.append(Match(claim.key, round(score, 1), claim.text))
    return sorted(found, key=lambda m: (-m.score, m.claim))


class Resembles(TrackerError):
    """A new claim like a recorded one of the same side: another appearance of it."""


def refuse_resembling(session: Session, spec: ClaimSpec) -> None:
    """Refuse `spec` (just written, in this transaction) when it resembles a
    recorded claim of the same side, naming the claim it should join: the
    same statement in another source or translation. `add claim --new`
    (and the web's "record it anyway") does not ask."""
    ids = set(session.scalars(select(Actor.id).where(Actor.key.in_(spec.claimants))))
    quotes = [a.quote for a in spec.appearances if a.quote is not None]
    matches = similar_claims(session, spec.text, quotes, ids, spec.key)
    if matches:
        best = matches[0]
        raise Resembles(
            f"this resembles claim {best.claim} ({best.score:.0f}% alike, same side):"
            f" {best.text!r}. Record it there with `tracker add appearance"
            f" {best.claim} --source ... --quote ...`, or as a new claim with --new"
        )
