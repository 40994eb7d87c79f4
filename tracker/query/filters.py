"""A listing's filters as users give them (an actor's name, a topic, a
source's id, dates...) turned into a ClaimFilter: what the command line and
the web interface both ask, checked the same way."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.query.queries import ClaimFilter
from tracker.record import suggest
from tracker.record.models import Source
from tracker.record.names import resolve_actor


def claim_filter(
    session: Session,
    *,
    actor: str | None = None,
    topic: str | None = None,
    source: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    relation: str | None = None,
    rating: str | None = None,
    reviewed: bool | None = None,
    status: str | None = None,
    limit: int | None = None,
) -> ClaimFilter:
    """The filter; an actor's name resolves as `by-actor` resolves it, and a
    mistyped topic or source is refused naming the nearest, rather than
    listing nothing."""
    if topic is not None:
        suggest.check_topic(session, topic)
    if source is not None and (
        "\x00" in source or session.scalar(select(Source.id).where(Source.key == source)) is None
    ):
        raise suggest.not_found(session, "source", source)
    return ClaimFilter(
        actor_ids={resolve_actor(session, actor).id} if actor is not None else None,
        topic=topic,
        source=source,
        since=since,
        until=until,
        relation=relation,
        rating=rating,
        reviewed=reviewed,
        status=status,
        limit=limit,
    )
