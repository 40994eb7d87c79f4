"""Did you mean: the nearest ids and topics to a mistyped one, and the topics there are."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.errors import NotFound
from tracker.record.models import Actor, Claim, Source, Topic

MODELS: dict[str, type[Claim] | type[Actor] | type[Source]] = {
    "claim": Claim,
    "actor": Actor,
    "source": Source,
}
# Candidates are the ids sharing the typed id's first characters (an index
# range, whatever the archive's size), as typos rarely fall at the start.
_PREFIX = 2
_CANDIDATES = 5000


def nearest(session: Session, kind: str, key: str, limit: int = 3) -> list[str]:
    model = MODELS[kind]
    key = key.replace("\x00", "")  # PostgreSQL refuses a NUL in a parameter
    prefix = key[:_PREFIX]
    query = select(model.key).order_by(model.key).limit(_CANDIDATES)
    if prefix:
        query = query.where(model.key >= prefix, model.key < prefix + "\uffff")
    keys = list(session.scalars(query))
    from rapidfuzz import fuzz, process  # only when an id is not found

    found = process.extract(key, keys, scorer=fuzz.ratio, limit=limit, score_cutoff=60)
    return [k for k, _, _ in found]


def not_found(session: Session, kind: str, key: str) -> NotFound:
    """No such id: the error names the nearest ones."""
    near = nearest(session, kind, key)
    hint = f" Did you mean {' or '.join(near)}?" if near else ""
    return NotFound(f"no {kind} with id {key!r}.{hint} See `tracker {kind}s`.")


def topics(session: Session) -> list[tuple[str, int]]:
    """Every topic with its number of claims, most used first."""
    rows = session.execute(
        select(Topic.topic, func.count()).group_by(Topic.topic).order_by(func.count().desc())
    ).all()
    return sorted(((t, int(n)) for t, n in rows), key=lambda r: (-r[1], r[0]))


def check_topic(session: Session, topic: str) -> None:
    """Raise NotFound, with the nearest topics, for a topic no claim has."""
    if session.scalar(select(Topic.claim_id).where(Topic.topic == topic).limit(1)) is not None:
        return
    known = [t for t, _ in topics(session)]
    from rapidfuzz import fuzz, process

    near = [t for t, _, _ in process.extract(topic, known, scorer=fuzz.WRatio, limit=3)]
    hint = f" Nearest: {', '.join(near)}." if near else ""
    raise NotFound(f"no claim has the topic {topic!r}.{hint} See `tracker topics`.")
