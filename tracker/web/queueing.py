"""The review queue in a page: what `tracker watch` queued, as `tracker
queue` lists it (those that deny or dispute a recorded claim first,
flagged), each source linked to its workbench, where its proposals are
accepted. Proposals nobody has accepted are the desk's, not the readers':
only an editor sees the queue, never a read-only server or a published site.
"""

from __future__ import annotations

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from tracker.extract.queue import queued
from tracker.render.output import write_listing
from tracker.render.stream import Out
from tracker.web.api import streamed_json
from tracker.web.auth import editor
from tracker.web.desk import Desk
from tracker.web.reading import page


def _desk(request: Request) -> Desk:
    desk: Desk = request.app.state.desk
    return desk


def queue_page(request: Request) -> Response:
    editor(request)
    with _desk(request).reading() as session:
        waiting = list(queued(session))
    return page(request, "queue.html.j2", waiting=waiting)


def queue_json(request: Request) -> Response:
    """`tracker queue -f json`"""
    editor(request)

    def write(session: Session, out: Out) -> None:
        write_listing(out, "json", (), queued(session), lambda q: (), lambda q: q.as_json())

    return streamed_json(request, write)
