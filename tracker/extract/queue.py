"""The review queue: proposals extracted from watched sources, waiting for a
person's accept or skip. Nothing here writes a claim.

`queue_source` proposes (tracker.extract.propose) for a stored source and
queues each proposal whose words are not recorded yet, with what a reviewer
is shown (the speaker, cue, words, stance, who it may be, the recorded claims
it denies or disputes). A proposal that denies or disputes a recorded claim
is flagged, and listed first. `tracker extract SOURCE --review` proposes
anew, asks about the proposals still queued (matched by the offsets of their
cue and words: links to claims recorded since are then seen) and takes off
the queue each one accepted or skipped (`clear`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, delete, func, select, tuple_
from sqlalchemy.orm import Session

from tracker.extract.propose import Proposal, propose
from tracker.extract.review import who
from tracker.ingest import edit
from tracker.record.models import QueuedProposal, Source

if TYPE_CHECKING:
    from spacy.language import Language

CUE_LENGTH = 200  # queued_proposals.cue

Span = tuple[int, int, int]  # cue start, content start, content end


def span(p: Proposal) -> Span:
    a = p.attribution
    return (a.cue.start, a.content.start, a.content.end)


def _candidates(p: Proposal) -> str:
    """Who said it, as proposed: actors, a new actor, or the candidates."""
    if p.speaker.resolved:
        return who(p.speaker)
    names = [c.actor or f"new: {c.name}" for c in p.speaker.candidates[:3]]
    return "? " + ", ".join(names) if names else who(p.speaker)


def _answers(p: Proposal) -> list[dict[str, Any]]:
    """The recorded claims a denial or dispute answers, best first."""
    return [
        {"id": link.claim, "relation": p.relation, "score": link.score}
        for link in p.answers
        if link.claim is not None
    ]


def queue_proposals(session: Session, source_key: str, proposals: list[Proposal]) -> int:
    """Queue `proposals` (of source `source_key`, numbered from 1) in place of
    what was queued for it, leaving out those already recorded; how many."""
    source = edit.source_row(session, source_key)
    session.execute(delete(QueuedProposal).where(QueuedProposal.source_id == source.id))
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    queued: set[Span] = set()
    for number, p in enumerate(proposals, 1):
        if p.recorded is not None or span(p) in queued:
            continue
        queued.add(span(p))
        a = p.attribution
        answers = _answers(p)
        session.add(
            QueuedProposal(
                source_id=source.id,
                position=number,
                cue_start=a.cue.start,
                content_start=a.content.start,
                content_end=a.content.end,
                speaker=a.speaker.text,
                cue=a.cue.text[:CUE_LENGTH],
                content=a.content.text,
                stance=a.stance,
                actors=_candidates(p),
                claim_text=p.claim_text,
                answers=json.dumps(answers, ensure_ascii=False) if answers else None,
                flagged=bool(answers),
                queued_at=now,
            )
        )
    session.flush()
    return len(queued)


def queue_source(session: Session, source_key: str, nlp: Language | None = None) -> str:
    """Propose for the stored source `source_key` and queue what it proposes
    (see queue_proposals); one line saying how many."""
    source = edit.source_row(session, source_key)
    proposals = propose(session, source.text or "", nlp, source.key)
    count = queue_proposals(session, source.key, proposals)
    flagged = session.scalar(
        select(func.count())
        .select_from(QueuedProposal)
        .where(QueuedProposal.source_id == source.id, QueuedProposal.flagged)
    )
    against = f", {flagged} against a recorded claim" if flagged else ""
    return f"queued {count} proposal(s) of source {source_key} for review{against}"


@dataclass(frozen=True)
class Queued:
    """A queued proposal as `tracker queue` lists it."""

    source: str
    position: int
    speaker: str
    cue: str
    content: str
    stance: str
    actors: str
    claim_text: str
    answers: list[dict[str, Any]]
    flagged: bool
    queued_at: dt.datetime

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "proposal": self.position,
            "speaker": self.speaker,
            "cue": self.cue,
            "content": self.content,
            "stance": self.stance,
            "actors": self.actors,
            "claim_text": self.claim_text,
            "answers": self.answers,
            "flagged": self.flagged,
            "queued_at": self.queued_at.isoformat(timespec="seconds") + "Z",
        }


def queued(session: Session, source_key: str | None = None) -> Iterator[Queued]:
    """The queue, those against a recorded claim first (the best scoring
    first), then by source and by place in its text."""
    query = select(QueuedProposal, Source.key).join(Source, Source.id == QueuedProposal.source_id)
    if source_key is not None:
        query = query.where(Source.key == source_key)
    query = query.order_by(
        case((QueuedProposal.flagged, 0), else_=1),
        QueuedProposal.queued_at,
        Source.key,
        QueuedProposal.content_start,
        QueuedProposal.id,
    )
    rows = [(row, key) for row, key in session.execute(query)]
    found = [
        Queued(
            source=key,
            position=row.position,
            speaker=row.speaker,
            cue=row.cue,
            content=row.content,
            stance=row.stance,
            actors=row.actors,
            claim_text=row.claim_text,
            answers=json.loads(row.answers) if row.answers else [],
            flagged=row.flagged,
            queued_at=row.queued_at,
        )
        for row, key in rows
    ]
    # Among the flagged, the surest link first; Python's sort keeps the rest's order.
    found.sort(key=lambda q: -max((a["score"] for a in q.answers), default=0) if q.flagged else 1)
    yield from found


def queued_spans(session: Session, source_key: str) -> set[Span]:
    """The spans queued for source `source_key` (empty: nothing queued)."""
    rows = session.execute(
        select(QueuedProposal.cue_start, QueuedProposal.content_start, QueuedProposal.content_end)
        .join(Source, Source.id == QueuedProposal.source_id)
        .where(Source.key == source_key)
    )
    return {(a, b, c) for a, b, c in rows}


def pending(proposals: list[Proposal], spans: Collection[Span]) -> set[int]:
    """The numbers (from 1) of the proposals still queued."""
    return {number for number, p in enumerate(proposals, 1) if span(p) in spans}


def clear(session: Session, source_key: str, spans: Collection[Span]) -> int:
    """Take `spans` of source `source_key` off the queue; how many were on it."""
    if not spans:
        return 0
    source = edit.source_row(session, source_key)
    removed = 0
    chunk = list(spans)
    for start in range(0, len(chunk), 200):
        result = session.execute(
            delete(QueuedProposal).where(
                QueuedProposal.source_id == source.id,
                tuple_(
                    QueuedProposal.cue_start,
                    QueuedProposal.content_start,
                    QueuedProposal.content_end,
                ).in_(chunk[start : start + 200]),
            )
        )
        removed += int(getattr(result, "rowcount", 0) or 0)
    return removed
