"""Who a speaker span names: a known actor, the one a pronoun or a
description points back to, or a new actor to propose.

Names resolve through the actors' aliases in their normalised form (so
"Vladamir Putin", "Владимир Путин" and "the Russian president" meet their
actor when the actor list knows them); a longer phrase resolves by the
longest name it ends with ("U.S. State Department spokesperson Matthew
Miller"). A capital stands for its government. A pronoun takes the latest
speaker it fits; a description ("the Kremlin aide", "The minister") the
latest speaker it described ("a Kremlin aide Yury Ushakov").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.extract import lexicon
from tracker.extract.attribution import Attribution, TextSpan
from tracker.record.models import Actor, ActorName
from tracker.record.names import normalize

_PARTS = re.compile(r",\s*(?:and\s+)?|\s+and\s+")
_PERSON_KINDS = ("person",)
MAX_NAME_WORDS = 6


@dataclass(frozen=True)
class Speaker:
    actors: tuple[str, ...]  # the actor ids it names, in the order named
    new_name: str | None  # a name to add as an actor, when part of it is unknown
    new_kind: str | None  # person, organization, group or unnamed: a guess


class ActorIndex:
    """Normalised names of the recorded actors, read once per extraction."""

    def __init__(self, names: Iterable[tuple[str, str, str]]) -> None:
        self.by_name: dict[str, set[str]] = {}
        self.kinds: dict[str, str] = {}
        for key, kind, name in names:
            self.by_name.setdefault(name, set()).add(key)
            self.kinds[key] = kind

    @classmethod
    def read(cls, session: Session) -> ActorIndex:
        rows = session.execute(
            select(Actor.key, Actor.kind, ActorName.normalized).join(
                ActorName, ActorName.actor_id == Actor.id
            )
        )
        return cls((key, kind, name) for key, kind, name in rows)

    def one(self, normalized: str) -> str | None:
        keys = self.by_name.get(normalized, set())
        return next(iter(keys)) if len(keys) == 1 else None

    def named(self, normalized: str) -> str | None:
        """The one actor a normalised name designates: an alias, or a capital
        standing for its government."""
        found = self.one(normalized)
        capital = lexicon.CAPITALS.get(normalized)
        if found is None and capital is not None:
            found = self.one(normalize(capital))
        return found

    def ending(self, phrase: str) -> tuple[str | None, list[str]]:
        """The actor named by the longest ending of `phrase`, and the words
        before that name (the description: "a Kremlin aide")."""
        words = normalize(phrase).split()
        for start in range(max(0, len(words) - MAX_NAME_WORDS), len(words)):
            found = self.named(" ".join(words[start:]))
            if found is not None:
                return found, words[:start]
        return None, words


class SpeakerResolver:
    """Resolves speakers in text order, remembering who was speaking."""

    def __init__(self, index: ActorIndex) -> None:
        self.index = index
        self.recent: list[tuple[tuple[str, ...], set[str]]] = []  # (actors, description words)

    def _latest(self, fits: str) -> tuple[str, ...]:
        for actors, _ in reversed(self.recent):
            kinds = [self.index.kinds.get(a) for a in actors]
            if fits == "person" and len(actors) == 1 and kinds[0] in _PERSON_KINDS:
                return actors
            if fits == "plural" and (len(actors) > 1 or kinds[0] in ("group", "government")):
                return actors
            if fits == "thing" and len(actors) == 1 and kinds[0] not in _PERSON_KINDS:
                return actors
        return ()

    def _described(self, words: list[str]) -> tuple[str, ...]:
        """ "the Kremlin aide": the latest speaker described with its head noun."""
        nouns = [w for w in words if w in lexicon.SPEAKER_NOUNS]
        if not nouns:
            return ()
        head = nouns[-1]
        for actors, described in reversed(self.recent):
            if head in described:
                return actors
        return ()

    def resolve(self, span: TextSpan) -> Speaker:
        text = span.text.strip()
        pronoun = lexicon.PRONOUNS.get(text.lower())
        if pronoun is not None:
            actors = self._latest(pronoun)
            return self._remember(actors, set(), Speaker(actors, None, None))
        parts = [p for p in _PARTS.split(text) if p.strip()]
        found: list[str] = []
        described: set[str] = set()
        unknown: list[str] = []
        for part in parts:
            actor, before = self.index.ending(part)
            if actor is None:
                actors = self._described(before)
                if actors:
                    found += actors
                    continue
                unknown.append(part)
                continue
            found.append(actor)
            described.update(w for w in before if w not in lexicon.DETERMINERS)
        if unknown:
            name = " and ".join(unknown) if len(unknown) > 1 else unknown[0]
            speaker = Speaker(tuple(found), _name(name), _kind(name, len(unknown) > 1))
        else:
            speaker = Speaker(tuple(found), None, None)
        return self._remember(speaker.actors, described, speaker)

    def _remember(self, actors: tuple[str, ...], described: set[str], speaker: Speaker) -> Speaker:
        if actors:
            self.recent.append((actors, described))
        return speaker


def _name(phrase: str) -> str:
    """A description's name for a new actor: without its article."""
    words = phrase.split()
    while words and words[0].lower() in lexicon.DETERMINERS:
        words = words[1:]
    return " ".join(words) or phrase


def _kind(phrase: str, several: bool) -> str:
    words = phrase.split()
    if not any(w[:1].isupper() and w.lower() not in lexicon.FUNCTION_WORDS for w in words):
        return "unnamed"  # "officials", "a source familiar with the talks"
    if several:
        return "group"
    lowered = {w.lower() for w in words}
    if lowered & (lexicon.MEDIA_WORDS | {"ministry", "department", "office"}):
        return "organization"
    return "person"


def resolve_all(index: ActorIndex, attributions: list[Attribution]) -> list[Speaker]:
    """The speaker of each attribution, resolved in text order."""
    resolver = SpeakerResolver(index)
    return [resolver.resolve(a.speaker) for a in attributions]


def resolve_via(index: ActorIndex, span: TextSpan | None) -> str | None:
    """The outlet an intermediary span names, if recorded."""
    if span is None:
        return None
    actor, _ = index.ending(span.text)
    return actor
