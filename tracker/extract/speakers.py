"""Who a speaker span names: a recorded actor, a new one, or nobody yet.

Never the wrong person: a speaker resolves to a recorded actor only on
strong evidence, and otherwise carries ranked candidates and no actor.

- A name in the sentence: an alias (in its normalised form, so "Vladamir
  Putin", "Владимир Путин" and "the Russian president" meet their actor), by
  the longest alias a phrase ends with ("U.S. State Department spokesperson
  Matthew Miller"); a capital for its government. Titles and descriptions
  are not the name ("Manhattan Supreme Court Justice Frank Nervo" is "Frank
  Nervo"), and a bare name meets a recorded actor by its surname only when
  exactly one recorded person bears it and no recorded given name
  contradicts it ("Frank Nervo" is the recorded "Nervo"; "Lena Kim" is not
  Kim Jong Un). Anyone else named is a new actor, of the kind the words say.
- A pronoun or a description ("he", "the judge", "the two countries"): the
  one earlier mention in the article that fits it (a person for "he", an
  entity described as a judge for "the judge"), or candidates when several
  or none fit.
- A phrase that is no noun phrase ("The White House has said it") names
  nobody.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from tracker.extract import lexicon, names
from tracker.extract.actors import PERSON_KINDS, ActorIndex
from tracker.extract.attribution import Attribution, TextSpan
from tracker.extract.mentions import Mention, scan
from tracker.record.names import normalize

__all__ = ["ActorIndex", "Candidate", "Speaker", "SpeakerResolver", "resolve_all", "resolve_via"]

_PARTS = re.compile(r",\s*(?:and\s+)?|\s+and\s+")
MAX_CANDIDATES = 5
# Words no noun phrase naming a speaker holds: "The White House has said it".
_NOT_IN_A_NAME = frozenset(
    {*lexicon.PASSIVE_BEFORE, "has", "have", "had", "will", "would", "said", "says", "told"}
    | {"did", "does", "do", "not", "continue", "continues", "continued"}
)


@dataclass(frozen=True)
class Candidate:
    actor: str | None  # a recorded actor, or None: a new one called `name`
    name: str
    kind: str
    why: str  # "mentioned before", "bears the surname Ryan"


@dataclass(frozen=True)
class Speaker:
    actors: tuple[str, ...]  # the actor ids it names, in the order named
    new_name: str | None  # a name to add as an actor, when part of it is unknown
    new_kind: str | None  # person, organization, government, group or unnamed: a guess
    new_description: str | None = None  # the titles around the name: "Trump lawyer"
    candidates: tuple[Candidate, ...] = ()  # who it may be, best first, when unresolved
    evidence: str | None = None  # how it resolved: name, surname, pronoun, description
    unresolved: str | None = None  # why nobody was chosen

    @property
    def resolved(self) -> bool:
        return bool(self.actors or self.new_name)


class SpeakerResolver:
    """Resolves speakers in text order against what the article mentioned."""

    def __init__(self, index: ActorIndex, mentions: list[Mention]) -> None:
        self.index = index
        self.mentions = list(mentions)

    def _before(self, offset: int) -> list[Mention]:
        return [m for m in self.mentions if m.start < offset]

    def _entities(self, mentions: list[Mention]) -> list[list[Mention]]:
        """Mentions grouped by entity: the latest speakers first, then the
        latest mentioned."""
        groups: dict[str, list[Mention]] = {}
        for m in mentions:
            groups.setdefault(m.entity, []).append(m)

        def rank(ms: list[Mention]) -> tuple[int, int]:
            spoke = [m.start for m in ms if m.spoke]
            return (-(spoke[-1] if spoke else -1), -ms[-1].start)

        return sorted(groups.values(), key=rank)

    def _pick(
        self, fitting: list[list[Mention]], word: str, how: str, count: int = 1, allow: bool = True
    ) -> Speaker:
        if allow and len(fitting) == count:
            return _speaker_of([ms[-1] for ms in fitting], how)
        candidates = tuple(_candidate(ms[-1], "mentioned before") for ms in fitting)
        why = (
            f"{word!r} often means people the article does not name"
            if not allow and how == "pronoun"
            else f"nobody mentioned before is described as {word!r}"
            if not allow
            else f"nobody mentioned before fits {word!r}"
            if not fitting
            else f"{len(fitting)} mentioned before fit {word!r}"
        )
        return Speaker((), None, None, candidates=candidates[:MAX_CANDIDATES], unresolved=why)

    def _pronoun(self, span: TextSpan, fits: str) -> Speaker:
        word = span.text.strip().lower()
        gender = names.PRONOUN_GENDER.get(word)
        fitting = []
        for ms in self._entities(self._before(span.start)):
            kind = ms[-1].kind
            genders = {m.gender for m in ms if m.gender}
            if fits == "person" and kind not in PERSON_KINDS:
                continue
            if fits == "person" and gender and genders and gender not in genders:
                continue
            if fits != "person" and kind in PERSON_KINDS:
                continue
            if fits == "thing" and kind in ("group", "unnamed"):
                continue
            fitting.append(ms)
        # "They acknowledge …", "as they say": a plural pronoun points as
        # often to people nobody named, whom no scan of names can count.
        return self._pick(fitting, word, "pronoun", allow=fits != "plural")

    def _description(self, span: TextSpan) -> Speaker:
        """ "the judge", "The aide", "the two countries": the one earlier
        mention described so."""
        text = span.text.strip()
        head = names.head(text)
        if head not in names.DESCRIPTION_HEADS and head not in names.ORGANIZATION_WORDS:
            return Speaker((), None, None, unresolved=f"{text!r} is not a name")
        words = normalize(text).split()
        count = next((names.NUMBERS[w] for w in words if w in names.NUMBERS), 1)
        institution = names.institution(head)
        entities = [
            ms
            for ms in self._entities(self._before(span.start))
            if (ms[-1].kind in PERSON_KINDS) != institution
        ]
        described = [
            ms for ms in entities if names.fits(head, set().union(*(m.described for m in ms)))
        ]
        # "Actress Lena Moss … Star Cara Bell … The actress": anyone of the
        # kind mentioned since may be the one meant, described or not.
        if not described:
            return self._pick(entities, text, "description", allow=False)
        since = max(ms[-1].start for ms in described)
        fitting = [ms for ms in entities if ms in described or ms[-1].start > since]
        return self._pick(fitting, text, "description", count)

    def resolve(self, span: TextSpan) -> Speaker:
        text = span.text.strip()
        pronoun = lexicon.PRONOUNS.get(text.lower())
        if pronoun is not None:
            return self._remember(span, self._pronoun(span, pronoun))
        words = text.lower().split()
        if (
            len(words) > 1
            and (
                _NOT_IN_A_NAME & set(words)
                or words[-1] in lexicon.PRONOUNS
                or words[-1] in lexicon.FUNCTION_WORDS  # "Republicans continue to"
                or (words[0].endswith("ing") and text[:1].islower())  # "putting them at odds"
            )
        ):
            return Speaker((), None, None, unresolved=f"{text!r} is not a name")
        parts = _parts(text)
        if len(parts) == 1:
            return self._remember(span, self._one(span, parts[0]))
        found: list[str] = []
        unknown: list[str] = []
        for part in parts:
            one = self._one(span, part)
            if one.actors:
                found += one.actors
            elif one.new_name:
                unknown.append(one.new_name)
            else:
                return Speaker((), None, None, candidates=one.candidates, unresolved=one.unresolved)
        if unknown:
            name = " and ".join(unknown)
            speaker = Speaker(tuple(found), name, "group", evidence="name")
        else:
            speaker = Speaker(tuple(found), None, None, evidence="name")
        return self._remember(span, speaker)

    def _one(self, span: TextSpan, phrase: str) -> Speaker:
        phrase, of = _of(phrase)
        match = self.index.match(phrase)
        named = names.split_name(phrase)
        if of and named.name:
            named = replace(named, description=" ".join(filter(None, [named.description, of])))
        if match.actor is not None:
            return Speaker((match.actor,), None, None, evidence=match.evidence)
        if match.candidates:
            candidates = tuple(
                Candidate(key, self.index.display.get(key, key), "person", f"surname of {phrase!r}")
                for key in match.candidates
            )
            new = Candidate(None, named.name or phrase, "person", "a new actor")
            return Speaker(
                (),
                None,
                None,
                candidates=(*candidates, new)[:MAX_CANDIDATES],
                unresolved=f"{phrase!r} may be {len(match.candidates)} recorded people",
            )
        if named.name is None and names.definite(phrase):
            return self._description(span)
        kind = names.kind_of(phrase)
        name = named.name if kind == "person" and named.name else _name(phrase)
        description = named.description if kind == "person" else None
        if kind == "person" and " " not in name:
            # "Devine said" after "Tad Devine": the name the article gave.
            earlier = self._full_name(name, span.start)
            if earlier is not None:
                name, description = earlier.name, description or earlier.description
        return Speaker((), name, kind, new_description=description, evidence="new name")

    def _full_name(self, word: str, before: int) -> Mention | None:
        """The one earlier mention of an unrecorded person whose name begins
        or ends with `word`."""
        key = normalize(word)
        found: dict[str, Mention] = {}
        for m in self._before(before):
            words = m.entity.removeprefix("new:").split()
            person = m.actor is None and m.kind in PERSON_KINDS and len(words) > 1
            if person and key in (words[0], words[-1]):
                found.setdefault(m.entity, m)
        return next(iter(found.values())) if len(found) == 1 else None

    def _remember(self, span: TextSpan, speaker: Speaker) -> Speaker:
        """A resolved speaker is a mention that later pronouns can point to."""
        if speaker.actors and len(speaker.actors) == 1:
            key = speaker.actors[0]
            described = self.index.described.get(key, frozenset())
            self.mentions.append(
                Mention(
                    span.start,
                    f"actor:{key}",
                    key,
                    self.index.display.get(key, key),
                    self.index.kinds.get(key, "person"),
                    None,
                    described | frozenset(normalize(span.text).split()),
                    None,
                    spoke=True,
                )
            )
        elif speaker.new_name and not speaker.actors:
            self.mentions.append(
                Mention(
                    span.start,
                    f"new:{normalize(speaker.new_name)}",
                    None,
                    speaker.new_name,
                    speaker.new_kind or "person",
                    None,
                    frozenset(normalize(span.text).split()),
                    speaker.new_description,
                    spoke=True,
                )
            )
        self.mentions.sort(key=lambda m: m.start)
        return speaker


def _of(phrase: str) -> tuple[str, str | None]:
    """ "Mr. Burman of the Tax Policy Center": the name before "of", the rest
    a description; "Secretary of State John Kerry" and "Bank of America" stay
    whole."""
    before, sep, after = phrase.partition(" of ")
    if sep and names.split_name(before).name and names.kind_of(before) == "person":
        return before, f"of {after}"
    return phrase, None


def _parts(text: str) -> list[str]:
    """The actors a speaker phrase names: "Putin and Kim" is two; "Marc
    Kasowitz, the lawyer for Donald Trump" one, described."""
    parts = [p for p in _PARTS.split(text) if p.strip()]
    kept: list[str] = []
    for part in parts:
        first = part.split()[0].lower()
        if kept and (first in lexicon.DETERMINERS or part[:1].islower()):
            continue  # an apposition describes the name before it
        kept.append(part)
    return kept or [text]


def _speaker_of(mentions: list[Mention], how: str) -> Speaker:
    actors = tuple(m.actor for m in mentions if m.actor)
    new = [m for m in mentions if m.actor is None]
    if not new:
        return Speaker(actors, None, None, evidence=how)
    if len(mentions) == 1:
        (m,) = new
        return Speaker((), m.name, m.kind, new_description=m.description, evidence=how)
    return Speaker(actors, " and ".join(m.name for m in new), "group", evidence=how)


def _candidate(m: Mention, why: str) -> Candidate:
    return Candidate(m.actor, m.name, m.kind, why)


def _name(phrase: str) -> str:
    """A description's name for a new actor: without its article."""
    words = phrase.split()
    while words and words[0].lower() in lexicon.DETERMINERS:
        words = words[1:]
    return " ".join(words) or phrase


def resolve_all(
    index: ActorIndex, attributions: list[Attribution], text: str = ""
) -> list[Speaker]:
    """The speaker of each attribution, resolved in text order against the
    mentions of `text`."""
    resolver = SpeakerResolver(index, scan(text, index) if text else [])
    return [resolver.resolve(a.speaker) for a in attributions]


def resolve_via(index: ActorIndex, span: TextSpan | None) -> str | None:
    """The outlet an intermediary span names, if recorded."""
    if span is None:
        return None
    actor, _ = index.ending(span.text)
    return actor
