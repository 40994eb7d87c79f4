"""The recorded actors by their names: an alias, a capital for its
government, and a surname only when exactly one recorded person bears it and
no recorded given name contradicts it ("Frank Nervo" is the recorded "Nervo";
"Lena Kim" is not Kim Jong Un)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.extract import lexicon, names
from tracker.record.models import Actor, ActorName
from tracker.record.names import normalize

PERSON_KINDS = ("person",)
MAX_NAME_WORDS = 6


@dataclass(frozen=True)
class NameMatch:
    actor: str | None
    evidence: str | None  # "name" or "surname"
    candidates: tuple[str, ...]  # recorded actors it may be, when not one


class ActorIndex:
    """Normalised names of the recorded actors, read once per extraction."""

    def __init__(
        self,
        names_: Iterable[tuple[str, str, str]],
        details: Iterable[tuple[str, str, str | None]] = (),
    ) -> None:
        self.by_name: dict[str, set[str]] = {}
        self.kinds: dict[str, str] = {}
        self.display: dict[str, str] = {}
        self.described: dict[str, frozenset[str]] = {}
        # surname -> the people bearing it; person -> the words of their full names
        self.surnames: dict[str, set[str]] = {}
        self.given: dict[str, dict[str, set[str]]] = {}
        for key, kind, name in names_:
            self.by_name.setdefault(name, set()).add(key)
            self.kinds[key] = kind
            words = name.split()
            if kind in PERSON_KINDS and words and words[-1] not in names.TITLES:
                self.surnames.setdefault(words[-1], set()).add(key)
                for word in words:
                    if len(words) > 1:
                        others = self.given.setdefault(key, {}).setdefault(word, set())
                        others.update(w for w in words if w != word)
        for key, display, description in details:
            self.display[key] = display
            self.described[key] = frozenset(normalize(description or "").split())

    @classmethod
    def read(cls, session: Session) -> ActorIndex:
        rows = session.execute(
            select(Actor.key, Actor.kind, ActorName.normalized).join(
                ActorName, ActorName.actor_id == Actor.id
            )
        )
        details = session.execute(select(Actor.key, Actor.name, Actor.description))
        return cls(
            ((key, kind, name) for key, kind, name in rows),
            ((key, name, description) for key, name, description in details),
        )

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

    def match(self, phrase: str) -> NameMatch:
        """The recorded actor a phrase names, on strong evidence only."""
        named = names.split_name(phrase)
        name_words = normalize(named.name or "").split()
        found, before = self.ending(phrase)
        if found is not None:
            size = len(normalize(phrase).split()) - len(before)
            # "Lena Kim" ends with the alias "Kim": a surname, checked below.
            if size > 1 or len(name_words) <= 1 or self.kinds.get(found) not in PERSON_KINDS:
                return NameMatch(found, "name", ())
        if not name_words:
            return NameMatch(None, None, ())
        return self._surname(name_words)

    def _surname(self, words: list[str]) -> NameMatch:
        bearers = sorted(self.surnames.get(words[-1], set()))
        if len(bearers) != 1:
            return NameMatch(None, None, tuple(bearers))
        (person,) = bearers
        given = [w for w in words[:-1] if len(w) > 1]
        recorded = self.given.get(person, {}).get(words[-1], set())
        if given and recorded and given[0] not in recorded:
            return NameMatch(None, None, (person,))  # "Lena Kim" is not "Kim Jong Un"
        return NameMatch(person, "surname", ())
