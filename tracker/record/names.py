"""Actor names: normalising aliases and resolving what a user types to one actor.

A name resolves, in order, as an actor's id, by exact alias (ignoring case,
accents, script and punctuation), by partial name (every word typed starts a
word of one alias), then by fuzzy match for misspellings and transliterations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from anyascii import anyascii
from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.errors import Ambiguous, NotFound
from tracker.record.models import Actor, ActorName, Role

_DROPPED = re.compile("[.'\u2019`]")  # dot, apostrophes
_SEPARATORS = re.compile(r"[^0-9a-z]+")
FUZZY_THRESHOLD = 80.0
# Scores within this distance of the best are equally plausible.
FUZZY_TIE = 3.0


# Scripts written without spaces between words, one syllable a character:
# Hangul Jamo, CJK radicals to unified ideographs (kana included), Hangul
# syllables, compatibility ideographs, the supplementary ideograph planes.
_SYLLABIC = re.compile(
    "([\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003ffff])"
)


def transliterate(text: str) -> str:
    """`text` in ASCII (anyascii: ISC-licensed, table-driven). A syllabic
    character becomes a word of its own: anyascii writes 习近平 "XiJinPing",
    and a reader types "Xi Jin Ping"."""
    if text.isascii():
        return text
    return anyascii(_SYLLABIC.sub(r" \1 ", text))


def normalize(name: str) -> str:
    """The form under which aliases are compared and kept unique.

    Transliterated to ASCII (so Cyrillic and accented spellings meet their
    Latin forms), case-folded, with dots and apostrophes dropped ("U.S." is
    "us") and other punctuation turned into spaces.
    """
    ascii_name = transliterate(name).casefold()
    return _SEPARATORS.sub(" ", _DROPPED.sub("", ascii_name)).strip()


@dataclass(frozen=True)
class _Entry:
    actor_id: int
    normalized: str
    words: tuple[str, ...]


def _entries(session: Session) -> list[_Entry]:
    rows = session.execute(select(ActorName.actor_id, ActorName.normalized)).all()
    return [_Entry(actor_id, norm, tuple(norm.split())) for actor_id, norm in rows]


def _partial_match(query_words: list[str], words: tuple[str, ...]) -> bool:
    def found(q: str) -> bool:
        return any(w == q or (len(q) >= 3 and w.startswith(q)) for w in words)

    return all(found(q) for q in query_words)


def _fuzzy_score(query: str, entry: _Entry) -> float:
    score = fuzz.ratio(query, entry.normalized)
    if " " not in query:
        # A single word is most likely a surname or a short name.
        score = max([score, *(fuzz.ratio(query, w) for w in entry.words)])
    return float(score)


def _names(session: Session, actor_ids: list[int]) -> list[str]:
    actors = session.scalars(select(Actor).where(Actor.id.in_(actor_ids))).all()
    by_id = {a.id: a.name for a in actors}
    return [by_id[i] for i in actor_ids]


def resolve_actor(session: Session, name: str, exact: bool = False) -> Actor:
    """The one actor `name` designates.

    Raises Ambiguous (listing the candidates) when several fit equally well,
    NotFound (suggesting the nearest) when none does. With `exact` (what a
    write wants: a claim must not be pinned on the wrong person), only an id
    or a whole alias will do, and a near miss is an error naming the nearest.
    """
    return resolve_actor_match(session, name, exact)[0]


# How a name met its actor, in the order they are tried.
MATCHES = ("id", "name", "partial", "fuzzy")


def resolve_actor_match(session: Session, name: str, exact: bool = False) -> tuple[Actor, str]:
    """`resolve_actor`, and how the name met the actor (one of MATCHES): a
    reader is told when a misspelling was taken for a name."""
    # No id or name holds a NUL, and PostgreSQL refuses one in a parameter.
    by_id = (
        None if "\x00" in name else session.scalars(select(Actor).where(Actor.key == name)).first()
    )
    if by_id is not None:  # an id, as listings print it
        return by_id, "id"
    query = normalize(name)
    if not query:
        raise NotFound(f"no actor matches {name!r}: give a name")
    entries = _entries(session)
    if exact:
        owners = {e.actor_id for e in entries if e.normalized == query}
        if len(owners) == 1:
            return session.get_one(Actor, owners.pop()), "name"
        raise NotFound(
            f"no actor is named {name!r} exactly.{_nearest(session, _ranked(query, entries))}"
            " Give its id or a whole alias"
            " (see `tracker actors`), or add it with `tracker add actor`."
        )

    named = {e.actor_id for e in entries if e.normalized == query}
    how = "name"
    if not named:
        words = query.split()
        named = {e.actor_id for e in entries if _partial_match(words, e.words)}
        how = "partial"
    if len(named) == 1:
        return session.get_one(Actor, named.pop()), how
    if named:
        candidates = sorted(_names(session, list(named)))
        raise Ambiguous(
            f"{name!r} matches {len(candidates)} actors: {'; '.join(candidates)}."
            " Give more of the name.",
            candidates,
        )

    near = _ranked(query, entries)
    if len(query) >= 3 and near and near[0][1] >= FUZZY_THRESHOLD:
        top = [aid for aid, score in near if score >= near[0][1] - FUZZY_TIE]
        if len(top) == 1:
            return session.get_one(Actor, top[0]), "fuzzy"
        candidates = _names(session, top)
        raise Ambiguous(
            f"{name!r} is close to {len(candidates)} actors: {'; '.join(candidates)}."
            " Give more of the name.",
            candidates,
        )
    raise NotFound(f"no actor matches {name!r}.{_nearest(session, near)} See `tracker actors`.")


def resolve_writer(session: Session, name: str) -> tuple[Actor, bool]:
    """The actor a write names (see `resolve_actor` with `exact`), or else
    the one recorded person whose surname `name` is: (actor, by surname).

    A surname is the last word of a person's name or alias ("Peskov" for
    Dmitry Peskov); with two persons of that surname, or none, the write is
    refused as any near miss is, naming the nearest actors."""
    try:
        return resolve_actor(session, name, exact=True), False
    except NotFound:
        query = normalize(name)
        if not query or " " in query:
            raise
        people = select(Actor.id).where(Actor.kind == "person")
        bearers = {
            actor_id
            for actor_id, normalized in session.execute(
                select(ActorName.actor_id, ActorName.normalized).where(
                    ActorName.actor_id.in_(people)
                )
            )
            if normalized.split()[-1:] == [query]
        }
        if len(bearers) != 1:
            raise
        return session.get_one(Actor, bearers.pop()), True


def _ranked(query: str, entries: list[_Entry]) -> list[tuple[int, float]]:
    """(actor id, its best alias's fuzzy score), best first."""
    best: dict[int, float] = {}
    for entry in entries:
        score = _fuzzy_score(query, entry)
        best[entry.actor_id] = max(best.get(entry.actor_id, score), score)
    return sorted(best.items(), key=lambda item: -item[1])


def _nearest(session: Session, near: list[tuple[int, float]]) -> str:
    """The hint naming the three nearest actors, if there is any actor."""
    names = _names(session, [actor_id for actor_id, _ in near[:3]])
    return f" Nearest: {'; '.join(names)}." if names else ""


def member_ids(session: Session, organization_id: int) -> set[int]:
    """The organization and every actor holding a role in it, at any depth
    (Miller is in the State Department, which is in the US government)."""
    edges: dict[int, list[int]] = {}
    for actor_id, org_id in session.execute(select(Role.actor_id, Role.organization_id)):
        edges.setdefault(org_id, []).append(actor_id)
    found = {organization_id}
    frontier = [organization_id]
    while frontier:
        members = [m for org in frontier for m in edges.get(org, []) if m not in found]
        found.update(members)
        frontier = members
    return found
