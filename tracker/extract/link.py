"""Recorded claims a proposal repeats or answers, and the statements of the
same article a denial answers, each with a score (0-100).

A proposal *matches* a claim when its words are the claim's, or one of its
quotes', whatever their order (the same statement in another outlet or
another translation: `tracker.query.similar.alike`). A denial *answers* the
statements that share its topic and its parties: the concepts of its words
("arms transfers": weapons, transfer; tracker.extract.topics) found in the
statement, and the actors it names or speaks for (Moscow for Russia) found
among the statement's words. In its own article it answers statements
before it or after it; one that names no topic of its own ("rejected the
allegations") answers the nearest statement before it, and what that
statement repeats among the recorded claims.

A denial never answers itself, what it repeats, its own side's statements
(the same actors, actors on one side through their roles, or a speaker
named after the denier: "Ukraine's military" for Kyiv), nor another
denial. Recorded candidates come from the search index, so the cost does
not grow with the archive.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from tracker import dates
from tracker.extract import lexicon, topics
from tracker.extract.speakers import ActorIndex
from tracker.query.search import search
from tracker.query.similar import alike, candidate_query
from tracker.record.models import Actor, ActorSide, Claim, Claimant, Relation
from tracker.record.names import normalize
from tracker.vocabulary import COUNTER_RELATIONS

MATCH_THRESHOLD = 75.0
DENY_THRESHOLD = 40.0
# A statement of the same article is shown from a lower score: what a denial
# answers is nearly always in its own article.
IN_ARTICLE_THRESHOLD = 30.0
CANDIDATES = 100
SHOWN = 5
# A counter-stance and the relation its links become.
RELATION_OF = {"denies": "denies", "disputes": "disputes"}
# A denial that names no topic answers the statement just before it (then
# the one before that...), an accusation more surely than an assertion.
_NEAREST = (75.0, 60.0, 50.0)
_ACCUSES_BONUS = 10.0
_AFTER = 0.75  # a statement after the denial is less often what it answers
_HEADLINE = 0.9  # a headline restates the statement its article reports


@dataclass(frozen=True)
class Link:
    """A recorded claim (its id), a statement of the same article (its
    proposal number, from 1), or both: a statement already recorded, or
    one repeating a recorded claim."""

    claim: str | None
    score: float
    proposal: int | None = None


@dataclass(frozen=True)
class Said:
    """What linking needs of one proposal of the article."""

    number: int  # from 1
    position: int  # where its cue starts in the text
    stance: str
    actors: tuple[str, ...]
    new_name: str | None
    speaker: str  # as written
    headline: bool  # "…: Putin", a paraphrase of the article's own statements
    texts: tuple[str, ...]  # its content, its claim text, its sentence
    sentence: tuple[int, int]  # where its sentence is in the text
    content: tuple[int, int]  # where what was said is in the text
    claim: str | None  # the recorded claim it is, or repeats most closely
    repeats: frozenset[str] = frozenset()  # every recorded claim it is or repeats


def _named(index: ActorIndex, text: str) -> set[str]:
    """The actors a text names: every run of up to four words that is an
    alias (or a capital) of exactly one actor."""
    words = topics.words(text)
    found = set()
    for size in range(4, 0, -1):
        for k in range(len(words) - size + 1):
            actor = index.named(" ".join(words[k : k + size]))
            if actor is not None:
                found.add(actor)
    return found


def party_words(speaker: str) -> set[str]:
    """The names in a speaker no actor is recorded for, as words: "The
    Ostravan government" is "ostravan", "Kyiv" also "ukraine" (a capital
    for its country), "Residents' group Clean Vale" "clean" and "vale"."""
    found = set()
    for word in re.findall(r"[A-Z][\w-]*", speaker):
        lowered = normalize(word)
        if lowered in lexicon.SPEAKER_NOUNS or lowered in lexicon.FUNCTION_WORDS:
            continue
        found.add(lowered)
        capital = lexicon.CAPITALS.get(lowered)
        if capital:
            found.update(topics.words(capital))
    return found


# What was said that is itself a denial ('he said he "rejects Trump's
# comments"') answers nothing the denial answers.
_COUNTER_WORDS = re.compile(
    r"\b(?:den(?:y|ies|ied|ying)|reject(?:s|ed|ing)?|dismiss(?:es|ed|ing)?"
    r"|refut(?:e|es|ed|ing)|disavow(?:s|ed|ing)?)\b",
    re.IGNORECASE,
)
_FORECAST = re.compile(r"\b(?:will|would|shall)\s+(?:\w+ly\s+)?(\w+)", re.IGNORECASE)
_FORECAST_WEIGHT = 0.6


def _forecasts_other(text: str, topic: set[str]) -> bool:
    """ "North Korea's weapons deliveries will increase the human toll":
    what the claim says is the forecast, not the deliveries a denial of
    them answers."""
    found = [m.group(1) for m in _FORECAST.finditer(text)]
    return bool(found) and not any(topics.concepts(verb) & topic for verb in found)


def _without_dates(text: str) -> str:
    """ "the allegations on Tuesday": the day is no topic."""
    for mention in reversed(dates.mentions(text, None)):
        text = text[: mention.start] + text[mention.end :]
    return text


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


def _sides(session: Session, actor_keys: Iterable[str]) -> dict[str, set[int]]:
    keys = set(actor_keys)
    if not keys:
        return {}
    rows = session.execute(
        select(Actor.key, ActorSide.side_id)
        .join(ActorSide, ActorSide.actor_id == Actor.id)
        .where(Actor.key.in_(keys))
    )
    sides: dict[str, set[int]] = {}
    for key, side in rows:
        sides.setdefault(key, set()).add(side)
    return sides


def _countering(session: Session, claims: list[Claim]) -> set[int]:
    """Those of `claims` that deny, dispute or undercut another claim."""
    if not claims:
        return set()
    rows = session.scalars(
        select(Relation.from_claim_id).where(
            Relation.from_claim_id.in_([c.id for c in claims]),
            Relation.relation.in_(COUNTER_RELATIONS),
        )
    )
    return set(rows)


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
    return sorted(found, key=lambda link: (-link.score, link.claim or ""))[:SHOWN]


def _score(topic: set[str], parties: set[str], about: set[str], named: set[str]) -> float:
    """A recorded claim: its share of the denial's topic, weighed by its
    share of the denial's parties."""
    shared_topic = len(topic & about) / len(topic)
    shared_parties = len(parties & named) / len(parties) if parties else 0.0
    return 100 * shared_topic * (0.4 + 0.6 * shared_parties)


def _in_article_score(
    topic: set[str], parties: set[str], about: set[str], named: set[str]
) -> float:
    """A statement of the denial's own article, which a denial answers far
    more often than it answers anything recorded: any share of its topic
    makes it a candidate."""
    shared_topic = len(topic & about) / len(topic)
    if not shared_topic:
        return 0.0
    shared_parties = len(parties & named) / len(parties) if parties else 0.0
    return 100 * (0.3 + 0.7 * shared_topic) * (0.7 + 0.3 * shared_parties)


class Linker:
    """Finds what each denial of one article answers: its statements
    (`said`, every proposal of the article) and the recorded claims."""

    def __init__(self, session: Session, index: ActorIndex, said: list[Said]) -> None:
        self.session = session
        self.index = index
        self.said = said
        self.sides = _sides(session, {a for s in said for a in s.actors})
        self._speaker_names = {s.number: _named(index, s.speaker) for s in said}
        self._read: dict[tuple[int, bool], tuple[set[str], set[str]]] = {}
        self._speaker_words = {
            s.number: party_words(s.speaker) if not s.actors else set() for s in said
        }

    def _about(self, said: Said, whole: bool) -> tuple[set[str], set[str]]:
        """What a statement is about and whom (actors and words) it names:
        from its words and claim text, and its sentence when `whole`; read
        once for all the article's denials."""
        key = (said.number, whole)
        if key not in self._read:
            texts = said.texts if whole else said.texts[:2]
            about = set().union(*(topics.concepts(t) for t in texts))
            named = set().union(*(_named(self.index, t) for t in texts))
            named |= {w for t in texts for w in topics.words(t)}
            self._read[key] = (about, named)
        return self._read[key]

    def _side(self, actors: Iterable[str]) -> set[int]:
        return set().union(*(self.sides.get(a, set()) for a in actors))

    def _same_side(self, denial: Said, other: Said) -> bool:
        if set(denial.actors) & set(other.actors):
            return True
        if denial.new_name and denial.new_name == other.new_name:
            return True
        ours, theirs = self._side(denial.actors), self._side(other.actors)
        if ours & theirs:
            return True
        # "Ukraine's military" beside a denial by Kyiv: a speaker named after
        # the other's actor (or, unrecorded, sharing a name) speaks for it.
        return bool(
            self._speaker_names[other.number] & set(denial.actors)
            or self._speaker_names[denial.number] & set(other.actors)
            or self._speaker_words[denial.number] & set(topics.words(other.speaker))
            or self._speaker_words[other.number] & set(topics.words(denial.speaker))
        )

    def answered(self, denial: Said) -> list[Link]:
        """What `denial` answers, best first: statements of its article and
        recorded claims, the two merged where a statement is a recorded claim."""
        said = _without_dates(denial.texts[0])
        topic = topics.concepts(said)
        # Parties: the actors it names or speaks for; in its own article also
        # the names of a speaker no actor is recorded for.
        parties = set(denial.actors) | _named(self.index, said)
        found: dict[tuple[str, int] | tuple[str, str], Link] = {}
        in_article = self._in_article(denial, topic, parties | self._speaker_words[denial.number])
        for link in in_article:
            found[("p", link.proposal or 0)] = link
        if topic:
            stored = self._stored(denial, topic, parties)
        else:
            # No topic of its own: what the statement it answers repeats.
            best = in_article[0] if in_article else None
            stored = [Link(best.claim, best.score)] if best and best.claim else []
        for link in stored:
            same = next((k for k, v in found.items() if v.claim == link.claim), None)
            if same is None:
                found[("c", link.claim or "")] = link
            elif link.score > found[same].score:
                found[same] = Link(link.claim, link.score, found[same].proposal)
        positions = {s.number: s.position for s in self.said}

        def distance(link: Link) -> int:
            # Ties go to the statement nearest the denial, before it first.
            if link.proposal is None:
                return 1 << 62
            gap = positions[link.proposal] - denial.position
            return -gap * 2 if gap < 0 else gap * 2 + 1

        ranked = sorted(found.values(), key=lambda k: (-k.score, distance(k), k.claim or ""))
        return ranked[:SHOWN]

    def _in_article(self, denial: Said, topic: set[str], parties: set[str]) -> list[Link]:
        others = [
            s
            for s in self.said
            if s.position != denial.position
            and s.stance not in RELATION_OF
            # "Brightwater denied …, a spokesperson said": the denial, reported.
            and not s.content[0] <= denial.position < s.content[1]
            and not _COUNTER_WORDS.search(s.texts[0])
            and not denial.content[0] <= s.position < denial.content[1]
            and not (s.claim and s.claim in denial.repeats)
            and not self._same_side(denial, s)
        ]
        found: list[Link] = []
        if not topic:
            before = sorted(
                (s for s in others if s.position < denial.position), key=lambda s: -s.position
            )
            for s, score in zip(before, _NEAREST, strict=False):
                bonus = _ACCUSES_BONUS if s.stance == "accuses" else 0.0
                found.append(Link(s.claim, min(100.0, score + bonus), s.number))
            return sorted(found, key=lambda k: -k.score)
        for s in others:
            # Its sentence tells what it is about, unless the denial shares it.
            about, named = self._about(s, whole=s.sentence != denial.sentence)
            score = _in_article_score(topic, parties, about, named)
            if not score:
                continue
            if s.stance == "accuses":
                score += _ACCUSES_BONUS
            if s.position > denial.position:
                score *= _AFTER
            if s.headline:
                score *= _HEADLINE
            if score >= IN_ARTICLE_THRESHOLD:
                found.append(Link(s.claim, round(min(100.0, score), 1), s.number))
        return found

    def _stored(self, denial: Said, topic: set[str], parties: set[str]) -> list[Link]:
        words = topics.search_words(topic)
        claims = _candidates(self.session, " OR ".join(words) if words else None)
        claimants = {c.actor.key for claim in claims for c in claim.claimants}
        sides = _sides(self.session, claimants | set(denial.actors))
        ours = set().union(*(sides.get(a, set()) for a in denial.actors))
        countering = _countering(self.session, claims)
        found = []
        for claim in claims:
            if claim.key in denial.repeats or claim.id in countering:
                continue  # itself, what it repeats, another denial
            theirs = set().union(*(sides.get(c.actor.key, set()) for c in claim.claimants))
            if ours and theirs & ours:
                continue  # one's own claims are not denied
            texts = [claim.text, *(a.quote for a in claim.appearances if a.quote is not None)]
            about = set().union(*(topics.concepts(t) for t in texts))
            named = set().union(*(_named(self.index, t) for t in texts))
            if len(topic & about) < 2 and not parties & named:
                continue  # one word in common ("cover-up", "would cover"), nobody named
            score = _score(topic, parties, about, named)
            if _forecasts_other(claim.text, topic):
                score *= _FORECAST_WEIGHT
            if score >= DENY_THRESHOLD:
                found.append(Link(claim.key, round(score, 1)))
        return found
