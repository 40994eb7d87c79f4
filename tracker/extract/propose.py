"""From a text to proposals: attributions with their speakers resolved, a
neutral claim text, and the recorded claims each repeats or denies.

Nothing here writes: a proposal is a suggestion until a person accepts it
(`tracker.extract.review`) or the data file it becomes is loaded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker import dates
from tracker.errors import TrackerError
from tracker.extract import lexicon, outlets
from tracker.extract.attribution import Attribution, TextSpan, attributions
from tracker.extract.dating import Dater, sentence_around
from tracker.extract.link import RELATION_OF, Link, Linker, Said, matches
from tracker.extract.score import overlap
from tracker.extract.speakers import ActorIndex, Speaker, resolve_all
from tracker.record.models import Appearance, Claim, Source

if TYPE_CHECKING:
    from spacy.language import Language

_QUOTE_MARKS = re.compile('[\u201c\u201d\u201e\u00ab\u00bb"]')
_SPACES = re.compile(r"\s+")


class ExtractUnavailable(TrackerError):
    """spaCy, which extraction needs, is not installed."""


@cache
def pipeline() -> Language:
    """spaCy's blank English pipeline: a tokenizer, nothing trained,
    nothing downloaded."""
    try:
        import spacy
    except ImportError:
        raise ExtractUnavailable(
            "extraction needs spaCy, which is not installed: pip install 'tracker[extract]'"
            " (or, from a checkout, pip install '.[extract]')"
        ) from None
    return spacy.blank("en")


@dataclass(frozen=True)
class Proposal:
    attribution: Attribution
    speaker: Speaker
    via_actor: str | None
    claim_text: str
    matches: list[Link]
    denies: list[Link]
    recorded: str | None = None  # the claim whose appearance this span already is
    stated: dates.Dated | None = None  # when it was said, at the precision the text gives
    disputes: list[Link] = field(default_factory=list)
    via_name: str | None = None  # the intermediary as a new actor, when not recorded

    @property
    def actor(self) -> str | None:
        return self.speaker.actors[0] if self.speaker.actors else None

    @property
    def relation(self) -> str | None:
        """The relation a counter-stance's links become: denies or disputes."""
        return RELATION_OF.get(self.attribution.stance)

    @property
    def answers(self) -> list[Link]:
        """What a denial or a dispute answers, best first."""
        return self.disputes if self.relation == "disputes" else self.denies

    def as_json(self) -> dict[str, Any]:
        a = self.attribution
        return {
            "speaker": _span(a.speaker),
            "cue": _span(a.cue),
            "content": _span(a.content),
            "type": a.type,
            "stance": a.stance,
            "actor": self.actor,
            "actors": list(self.speaker.actors),
            "new_actor": (
                {"name": self.speaker.new_name, "kind": self.speaker.new_kind}
                if self.speaker.new_name
                else None
            ),
            "via": (
                None
                if a.via is None
                else {
                    **_span(a.via),
                    "actor": self.via_actor,
                    "new_actor": (
                        {"name": self.via_name, "kind": "organization"} if self.via_name else None
                    ),
                }
            ),
            "claim_text": self.claim_text,
            "stated_on": dates.at_precision(*self.stated) if self.stated else None,
            "stated_precision": self.stated[1] if self.stated else None,
            "matches": [{"id": m.claim, "score": m.score} for m in self.matches],
            "denies": [_link(d) for d in self.denies],
            "disputes": [_link(d) for d in self.disputes],
            "recorded": self.recorded,
        }


def _link(link: Link) -> dict[str, Any]:
    """A recorded claim's id, a proposal's number in this list, or both."""
    return {"id": link.claim, "proposal": link.proposal, "score": link.score}


def _span(span: TextSpan) -> dict[str, Any]:
    return {"start": span.start, "end": span.end, "text": span.text}


def claim_text(attribution: Attribution) -> str:
    """A neutral sentence proposed from what was said, for an editor to
    finish: the content without quotation marks, as a sentence; a denial
    as the proposition it asserts."""
    text = _SPACES.sub(" ", _QUOTE_MARKS.sub("", attribution.content.text)).strip(" ,;:")
    if attribution.stance == "denies":
        if re.match(r"(?i)(that\b|[a-z]+ (is|are|was|were|has|have|had|will|did)\b)", text):
            text = f"it is not the case that {text.removeprefix('that ')}"
        else:
            text = f"no {text} took place"  # "denied arms transfers"
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "?", "!", "\u2026")) else text + "."


_MODAL = re.compile(r"\b(?:will|would|can|could|may|might|must|shall|should)\s+")
_ITEM = re.compile(r",\s+(?:and\s+)?")


def propositions(attribution: Attribution) -> list[tuple[Attribution, str]]:
    """One proposal per proposition: "X will A, B, and C" is three (X will
    A; X will B; X will C), each quoting its own part, when each part reads
    as a verb phrase of two words or more in lower case. Anything else is
    one proposition, with its claim text."""
    whole = [(attribution, claim_text(attribution))]
    if attribution.stance == "denies":
        return whole
    content = attribution.content
    modal = _MODAL.search(content.text)
    if modal is None:
        return whole
    rest_at = modal.end()
    rest = content.text[rest_at:]
    bounds = [0, *(m for sep in _ITEM.finditer(rest) for m in (sep.start(), sep.end())), len(rest)]
    items = [(bounds[k], bounds[k + 1]) for k in range(0, len(bounds), 2)]
    if len(items) < 2 or not all(_verb_phrase(rest[a:b]) for a, b in items[1:]):
        return whole
    subject = re.split(r"[.;:,]\s+", content.text[: modal.start()])[-1].strip()
    said = content.text[modal.start() : modal.end()].strip()
    found = []
    for k, (a, b) in enumerate(items):
        start = content.start + (0 if k == 0 else rest_at + a)
        end = content.start + rest_at + b
        part = replace(
            attribution,
            content=TextSpan(start, end, content.text[start - content.start : end - content.start]),
        )
        item = _SPACES.sub(" ", _QUOTE_MARKS.sub("", rest[a:b])).strip(" ,;:")
        text = f"{subject} {said} {item}".strip()
        found.append((part, (text[:1].upper() + text[1:]).rstrip(".") + "."))
    return found


def _verb_phrase(item: str) -> bool:
    words = item.split()
    return (
        len(words) >= 2
        and words[0][:1].islower()
        and words[0].lower() not in lexicon.FUNCTION_WORDS
        and not words[0][:1].isdigit()
    )


def _recorded(session: Session, source_key: str | None) -> list[tuple[int, int, str]]:
    """The spans of `source_key` already quoted, with their claims."""
    if source_key is None:
        return []
    rows = session.execute(
        select(Appearance.start_offset, Appearance.end_offset, Claim.key)
        .join(Claim, Claim.id == Appearance.claim_id)
        .join(Source, Source.id == Appearance.source_id)
        .where(Source.key == source_key)
    )
    return [(start, end, key) for start, end, key in rows if start is not None and end is not None]


def _published(session: Session, source_key: str | None) -> dates.Dated | None:
    if source_key is None:
        return None
    row = session.execute(
        select(Source.published_on, Source.published_precision).where(Source.key == source_key)
    ).one_or_none()
    if row is None or row[0] is None:
        return None
    return row[0], row[1] or "day"


def propose(
    session: Session,
    text: str,
    nlp: Language | None = None,
    source_key: str | None = None,
    published: dates.Dated | None = None,
) -> list[Proposal]:
    """Every attributed statement in `text`, resolved and linked against the
    records in `session`; for a stored source (`source_key`), each marked
    with the claim that already quotes its words, if one does. Each is dated
    from the text and the publication date (`published`, or the stored
    source's); each denial is linked to what it answers, in `text` and
    among the recorded claims."""
    found = attributions(nlp or pipeline(), text)
    quoted = _recorded(session, source_key)
    if published is None:
        published = _published(session, source_key)
    index = ActorIndex.read(session)
    speakers = resolve_all(index, found)
    dater = Dater(text, published)
    proposals = []
    for whole, speaker in zip(found, speakers, strict=True):
        for attribution, proposed in propositions(whole):
            via_actor, via_name = outlets.resolve(index, attribution.via)
            proposals.append(
                Proposal(
                    attribution=attribution,
                    speaker=speaker,
                    via_actor=via_actor,
                    claim_text=proposed,
                    matches=matches(session, attribution.content.text, proposed),
                    denies=[],
                    recorded=next(
                        (
                            key
                            for start, end, key in quoted
                            if overlap(TextSpan(start, end, ""), attribution.content)
                        ),
                        None,
                    ),
                    stated=dater.date(attribution, speaker.actors),
                    via_name=via_name,
                )
            )
    return _linked(session, index, text, proposals)


def _linked(
    session: Session, index: ActorIndex, text: str, proposals: list[Proposal]
) -> list[Proposal]:
    """Each denial and dispute with what it answers."""
    if not any(p.relation for p in proposals):
        return proposals
    said = []
    for number, p in enumerate(proposals, 1):
        a = p.attribution
        start, end = sentence_around(text, a)
        repeats = {m.claim for m in p.matches if m.claim} | ({p.recorded} if p.recorded else set())
        said.append(
            Said(
                number=number,
                position=a.cue.start,
                stance=a.stance,
                actors=p.speaker.actors,
                new_name=p.speaker.new_name,
                speaker=a.speaker.text,
                headline=a.cue.text == ":",
                texts=(a.content.text, p.claim_text, text[start:end]),
                sentence=(start, end),
                content=(a.content.start, a.content.end),
                claim=p.recorded or (p.matches[0].claim if p.matches else None),
                repeats=frozenset(repeats),
            )
        )
    linker = Linker(session, index, said)
    linked = []
    for p, s in zip(proposals, said, strict=True):
        if p.relation is not None:
            answers = linker.answered(s)
            if p.relation == "disputes":
                p = replace(p, disputes=answers)
            else:
                p = replace(p, denies=answers)
        linked.append(p)
    return linked
