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

import bisect
import re
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from itertools import islice

from tracker.extract import lexicon, names
from tracker.extract.actors import PERSON_KINDS, ActorIndex
from tracker.extract.attribution import Attribution, TextSpan
from tracker.extract.mentions import Mention, scan
from tracker.record.names import normalize

__all__ = ["ActorIndex", "Candidate", "Speaker", "SpeakerResolver", "resolve_all", "resolve_via"]

_PARTS = re.compile(r",\s*(?:and\s+)?|\s+and\s+")
MAX_CANDIDATES = 5
_LOOKED_AT = MAX_CANDIDATES + 1  # enough to know there are more than the candidates shown
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


@dataclass
class _Entity:
    """What the article said of one entity up to a point: its latest
    mention, when it last spoke, the sexes and descriptions it was given."""

    last: Mention
    spoke: int = -1
    genders: set[str] = field(default_factory=set)
    described: set[str] = field(default_factory=set)

    def add(self, m: Mention) -> None:
        self.last = m
        if m.spoke:
            self.spoke = m.start
        if m.gender:
            self.genders.add(m.gender)
        self.described.update(m.described)


class SpeakerResolver:
    """Resolves speakers in text order against what the article mentioned.

    The entities mentioned so far are kept up to date as the speakers
    advance through the text, so a long article costs each speaker its
    number of entities, not of mentions."""

    def __init__(self, index: ActorIndex, mentions: list[Mention]) -> None:
        self.index = index
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self._reset()

    def _reset(self) -> None:
        self.table: dict[str, _Entity] = {}
        self.recent: OrderedDict[str, _Entity] = OrderedDict()  # latest mentioned last
        self.spoken: OrderedDict[str, _Entity] = OrderedDict()  # latest speaker last
        self.by_word: dict[str, set[str]] = {}  # a description word -> entities
        self.by_name_word: dict[str, set[str]] = {}  # first or last word -> new people
        self.fed = 0  # mentions[:fed] are in the table
        self.upto = -1  # every mention before this offset is in the table

    def _advance(self, offset: int) -> None:
        if offset < self.upto:
            self._reset()  # a speaker before the last one: start again
        while self.fed < len(self.mentions) and self.mentions[self.fed].start < offset:
            self._feed(self.mentions[self.fed])
            self.fed += 1
        self.upto = offset

    def _feed(self, m: Mention) -> None:
        entity = self.table.get(m.entity)
        if entity is None:
            self.table[m.entity] = entity = _Entity(m)
            words = m.entity.removeprefix("new:").split()
            if m.actor is None and m.kind in PERSON_KINDS and len(words) > 1:
                for word in {words[0], words[-1]}:
                    self.by_name_word.setdefault(word, set()).add(m.entity)
        entity.add(m)
        for word in m.described:
            self.by_word.setdefault(word, set()).add(m.entity)
        self.recent[m.entity] = entity
        self.recent.move_to_end(m.entity)
        if m.spoke:
            self.spoken[m.entity] = entity
            self.spoken.move_to_end(m.entity)

    def _ranked(self, offset: int) -> Iterator[_Entity]:
        """The entities mentioned before `offset`: the latest speakers first,
        then the latest mentioned. Lazily: a speaker costs the entities it
        looks at, not all an article names."""
        self._advance(offset)
        yield from reversed(self.spoken.values())
        yield from (e for e in reversed(self.recent.values()) if e.spoke < 0)

    def _pick(
        self, fitting: list[_Entity], word: str, how: str, count: int = 1, allow: bool = True
    ) -> Speaker:
        if allow and len(fitting) == count:
            return _speaker_of([e.last for e in fitting], how)
        candidates = tuple(_candidate(e.last, "mentioned before") for e in fitting)
        several = f"{len(fitting)}" if len(fitting) <= MAX_CANDIDATES else "more than 5"
        why = (
            f"{word!r} often means people the article does not name"
            if not allow and how == "pronoun"
            else f"nobody mentioned before is described as {word!r}"
            if not allow
            else f"nobody mentioned before fits {word!r}"
            if not fitting
            else f"{several} mentioned before fit {word!r}"
        )
        return Speaker((), None, None, candidates=candidates[:MAX_CANDIDATES], unresolved=why)

    def _pronoun(self, span: TextSpan, fits: str) -> Speaker:
        word = span.text.strip().lower()
        gender = names.PRONOUN_GENDER.get(word)

        def fitting(e: _Entity) -> bool:
            kind = e.last.kind
            if fits == "person":
                return kind in PERSON_KINDS and not (
                    gender and e.genders and gender not in e.genders
                )
            if kind in PERSON_KINDS:
                return False
            return not (fits == "thing" and kind in ("group", "unnamed"))

        found = list(islice(filter(fitting, self._ranked(span.start)), _LOOKED_AT))
        # "They acknowledge …", "as they say": a plural pronoun points as
        # often to people nobody named, whom no scan of names can count.
        return self._pick(found, word, "pronoun", allow=fits != "plural")

    def _description(self, span: TextSpan) -> Speaker:
        """ "the judge", "The aide", "the two countries": the one earlier
        mention described so, with nobody of its kind mentioned since."""
        text = span.text.strip()
        head = names.head(text)
        if head not in names.DESCRIPTION_HEADS and head not in names.ORGANIZATION_WORDS:
            return Speaker((), None, None, unresolved=f"{text!r} is not a name")
        words = normalize(text).split()
        count = next((names.NUMBERS[w] for w in words if w in names.NUMBERS), 1)
        institution = names.institution(head)

        def of_kind(e: _Entity) -> bool:
            return (e.last.kind in PERSON_KINDS) != institution

        def described(e: _Entity) -> bool:
            return of_kind(e) and names.fits(head, e.described)

        self._advance(span.start)
        # Enough of those described so to know whether one is: no more.
        some: set[str] = set()
        for word in names.SYNONYMS.get(head, frozenset({head})):
            for key in self.by_word.get(word, ()):
                if len(some) < _LOOKED_AT and of_kind(self.table[key]):
                    some.add(key)
        if not some:
            found = list(islice(filter(of_kind, self._ranked(span.start)), _LOOKED_AT))
            return self._pick(found, text, "description", allow=False)
        # "Actress Lena Moss … Star Cara Bell … The actress": anyone of the
        # kind mentioned since may be the one meant, described or not.
        since: set[str] = set()
        for key, e in reversed(self.recent.items()):
            if described(e) or len(since) >= _LOOKED_AT:
                break
            if of_kind(e):
                since.add(key)
        ranked = sorted(
            (self.table[key] for key in since | some), key=lambda e: (-e.spoke, -e.last.start)
        )
        found = ranked[:_LOOKED_AT]
        return self._pick(found, text, "description", count)

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
        self._advance(before)
        found = self.by_name_word.get(normalize(word), set())
        return self.table[next(iter(found))].last if len(found) == 1 else None

    def _remember(self, span: TextSpan, speaker: Speaker) -> Speaker:
        """A resolved speaker is a mention that later pronouns can point to."""
        if speaker.actors and len(speaker.actors) == 1:
            key = speaker.actors[0]
            described = self.index.described.get(key, frozenset())
            self._add(
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
            self._add(
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
        return speaker

    def _add(self, m: Mention) -> None:
        """A mention found while resolving, kept in text order."""
        at = bisect.bisect_right(self.mentions, m.start, key=lambda x: x.start)
        self.mentions.insert(at, m)
        if m.start < self.upto:
            self._feed(m)
        if at < self.fed or m.start < self.upto:
            self.fed += 1


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
