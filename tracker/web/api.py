"""The JSON beside each page: exactly what the CLI prints with `-f json`,
from the same writers (`/contested.json?actor=Miller` is `tracker contested
--actor Miller -f json`, byte for byte), listings streamed as they are read.

Filters are checked before the first byte goes out, so a mistyped name is a
400 or 404 with the CLI's message, never half a listing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from tracker.query import queries
from tracker.query.history import history, locate
from tracker.query.search import search as run_search
from tracker.record import suggest
from tracker.record.names import resolve_actor
from tracker.render import pages, views
from tracker.render.history import HISTORY_HEADERS, history_dict, history_row
from tracker.render.output import render, write_listing
from tracker.render.stream import Out
from tracker.web import params
from tracker.web.auth import reader
from tracker.web.desk import Desk
from tracker.web.streaming import streamed

JSON = "application/json"


def _desk(request: Request) -> Desk:
    desk: Desk = request.app.state.desk
    return desk


def streamed_json(request: Request, write: Callable[[Session, Out], None]) -> Response:
    desk = _desk(request)

    def produce(out: Out) -> None:
        with desk.reading() as session:
            write(session, out)

    return StreamingResponse(streamed(produce), media_type=JSON)


def _claims(request: Request, contests: bool) -> Response:
    reader(request)
    with _desk(request).reading() as session:
        flt = params.listing(request.query_params, session, statuses=not contests)
    flt = replace(flt, challenged=contests)

    def write(session: Session, out: Out) -> None:
        write_listing(
            out, "json", views.CLAIM_HEADERS, queries.iter_claims(session, flt),
            views.claim_row, views.claim_dict,
        )  # fmt: skip

    return streamed_json(request, write)


def contested(request: Request) -> Response:
    """`tracker contested … -f json`"""
    return _claims(request, contests=True)


def claims(request: Request) -> Response:
    """`tracker claims … -f json`"""
    return _claims(request, contests=False)


def timeline(request: Request) -> Response:
    """`tracker timeline … -f json`"""
    reader(request)
    with _desk(request).reading() as session:
        flt = params.listing(request.query_params, session)

    def write(session: Session, out: Out) -> None:
        write_listing(
            out, "json", views.TIMELINE_HEADERS, queries.timeline(session, flt),
            views.timeline_row, views.claim_dict,
        )  # fmt: skip

    return streamed_json(request, write)


def claim(request: Request) -> Response:
    """`tracker show ID -f json`"""
    reader(request)
    with _desk(request).reading() as session:
        found = queries.claim(session, request.path_params["key"])
        return Response(pages.claim_thread(found, "json") + "\n", media_type=JSON)


def actor(request: Request) -> Response:
    """`tracker by-actor ID -f json` (`?members=yes`: --include-members)"""
    reader(request)
    key = request.path_params["key"]
    members = request.query_params.get("members") == "yes"
    with _desk(request).reading() as session:
        resolve_actor(session, key)  # refused before the first byte

    def write(session: Session, out: Out) -> None:
        found = resolve_actor(session, key)
        record = queries.actor_record(session, found, members, stream=True)
        pages.write_actor_record(out, record, "json")

    return streamed_json(request, write)


def actors(request: Request) -> Response:
    """`tracker actors -f json`"""
    reader(request)

    def write(session: Session, out: Out) -> None:
        write_listing(
            out, "json", views.ACTOR_HEADERS, queries.actors_with_counts(session),
            lambda pair: views.actor_row(*pair), lambda pair: views.actor_dict(*pair),
        )  # fmt: skip

    return streamed_json(request, write)


def sources(request: Request) -> Response:
    """`tracker sources -f json`"""
    reader(request)

    def write(session: Session, out: Out) -> None:
        write_listing(
            out, "json", views.SOURCE_HEADERS, queries.sources(session),
            lambda pair: views.source_row(*pair), lambda pair: views.source_dict(*pair),
        )  # fmt: skip

    return streamed_json(request, write)


def search(request: Request) -> Response:
    """`tracker search Q [--in K]… [--limit N] -f json`"""
    reader(request)
    query = params.text(request.query_params, "q")
    if query is None:
        raise params.ParamError("q: give something to search for")
    kinds = params.kinds(request.query_params.getlist("in"))
    limit = params.count(request.query_params, "limit", 20) or 20
    with _desk(request).reading() as session:
        hits = run_search(session, query, kinds, limit)
    return Response(pages.search_hits(hits, "json", 0, str) + "\n", media_type=JSON)


def topics(request: Request) -> Response:
    """`tracker topics -f json`"""
    reader(request)
    with _desk(request).reading() as session:
        found = suggest.topics(session)
    data = [views.topic_dict(t, n) for t, n in found]
    rows = [[t, n] for t, n in found]
    return Response(render("json", views.TOPIC_HEADERS, rows, data) + "\n", media_type=JSON)


def claim_history(request: Request) -> Response:
    """`tracker history CLAIM -f json`: every change of the claim, newest first."""
    reader(request)
    with _desk(request).reading() as session:
        flt = locate(session, "claim", request.path_params["key"])  # a wrong id: 404 now

    def write(session: Session, out: Out) -> None:
        changes = history(session, flt)
        write_listing(out, "json", HISTORY_HEADERS, changes, history_row, history_dict)

    return streamed_json(request, write)
