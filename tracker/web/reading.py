"""The reading pages: each parses its request, calls the query functions the
CLI calls, shapes the result with the CLI's JSON shapers
(tracker.render.views) and hands the dicts to a template."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import quote, urlencode

from markupsafe import Markup
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from tracker.errors import Ambiguous, NotFound, TrackerError
from tracker.query import queries
from tracker.query.history import history, locate
from tracker.query.queries import ClaimFilter
from tracker.query.records import ClaimRecord
from tracker.query.search import highlights, search
from tracker.record import suggest
from tracker.record.names import resolve_actor_match
from tracker.render import views
from tracker.render.diagram import contest_map
from tracker.render.history import history_dict, what_lines
from tracker.render.pages import hit_record
from tracker.vocabulary import COUNTER_RELATIONS, RELATION_TYPES, SEARCH_KINDS, STATUSES
from tracker.web import params
from tracker.web.auth import Viewer, reader
from tracker.web.desk import Desk
from tracker.web.highlight import Span, runs
from tracker.web.security import csrf_token

# What one actor page shows of each list; the rest is a listing away.
ACTOR_SHOWN = 50
TIMELINE_PAGE = 100
HISTORY_SHOWN = 100  # a claim's newest changes; `tracker history CLAIM` has them all
# Where what a form wrote is kept until the next page shows it, once.
SAID = "said"


def _desk(request: Request) -> Desk:
    desk: Desk = request.app.state.desk
    return desk


def page(request: Request, template: str, status: int = 200, **context: Any) -> Response:
    """`template` with what every page has: who is reading, the session's
    CSRF token (for its forms, and in a meta tag for scripts that post), the
    path for the JSON beside it."""
    found: Viewer = request.state.viewer
    published = request.app.state.published
    writable = not (found.read_only or published)
    base = {
        "viewer": found,
        "csrf": csrf_token(request) if writable else "",
        "published": published,
        "said": request.session.pop(SAID, None) if writable and SAID in request.session else None,
    }
    response: Response = request.app.state.templates.TemplateResponse(
        request, template, {**base, **context}, status_code=status
    )
    return response


def _page_number(request: Request) -> int:
    return params.count(request.query_params, "page", 1) or 1


def _answers(session: Session, records: list[ClaimRecord]) -> dict[str, dict[str, Any]]:
    """The claims that counter `records`, whole (their own status, quotes,
    verdicts), by id: the other side of each contest."""
    ids = {
        r.from_claim_id
        for record in records
        for r in record.relations_in
        if r.relation in COUNTER_RELATIONS
    }
    if not ids:
        return {}
    return {
        c.key: views.claim_dict(c) for c in queries.iter_claims(session, ClaimFilter(claim_ids=ids))
    }


def _listing(request: Request, contests: bool) -> Response:
    reader(request)
    number = _page_number(request)
    names = params.FILTERS if contests else (*params.FILTERS, "status")
    with _desk(request).reading() as session:
        flt = params.listing(request.query_params, session, statuses=not contests)
        size = params.PAGE_SIZE
        flt = replace(flt, challenged=contests, limit=size + 1, offset=(number - 1) * size)
        records = list(queries.iter_claims(session, flt))
        shown = records[:size]
        claims = [views.claim_dict(r) for r in shown]
        others = _answers(session, shown)
        topics = [t for t, _ in suggest.topics(session)]
    query = params.Query.of(request.query_params, names)
    return page(
        request,
        "listing.html.j2",
        contests=contests,
        claims=claims,
        others=others,
        query=query,
        number=number,
        more=len(records) > size,
        topics=topics,
        relations=RELATION_TYPES,
        statuses=STATUSES,
        json_path=("/contested.json" if contests else "/claims.json") + query.link(page=None),
    )


def contests(request: Request) -> Response:
    return _listing(request, contests=True)


def claims(request: Request) -> Response:
    return _listing(request, contests=False)


def claim(request: Request) -> Response:
    reader(request)
    key = request.path_params["key"]
    with _desk(request).reading() as session:
        data = views.claim_dict(queries.claim(session, key))
        # A published page has no history: it stays the same bytes while the
        # record does, whatever the log says of when it was written.
        changes = None if request.app.state.published else claim_history(session, key)
    drawn = contest_map(data)
    return page(
        request,
        "claim.html.j2",
        claim=data,
        # Built of escaped text only (tracker.render.diagram).
        diagram=Markup(drawn) if drawn else None,
        history=changes,
        json_path=f"/claims/{quote(key, safe='')}.json",
    )


def claim_history(session: Session, key: str) -> list[dict[str, Any]]:
    """The claim's change log as `tracker history CLAIM` gives it, newest
    first: each change's JSON record, with the lines its table shows. The
    counts of all a change touched are not read: the load that wrote the
    claim may have written a million others."""
    changes = []
    flt = replace(locate(session, "claim", key), limit=HISTORY_SHOWN)
    for entry in history(session, flt, counts=False):
        record = history_dict(entry)
        record["what"] = what_lines(entry)
        changes.append(record)
    return changes


def _how(session: Session, name: str | None, key: str) -> str | None:
    """How `name` (what was typed in the search box) met the actor `key`."""
    if not name:
        return None
    try:
        actor, how = resolve_actor_match(session, name)
    except TrackerError:
        return None
    return how if actor.key == key else None


def actor(request: Request) -> Response:
    reader(request)
    key = request.path_params["key"]
    members = request.query_params.get("members") == "yes"
    typed = params.text(request.query_params, "q")
    with _desk(request).reading() as session:
        found, how = resolve_actor_match(session, key)
        if how != "id":  # a name in the address: the actor's own page
            target = f"/actors/{quote(found.key, safe='')}?" + urlencode({"q": key})
            return RedirectResponse(target, 303)
        record = queries.actor_record(session, found, members, limit=ACTOR_SHOWN)
        made = [views.claim_dict(c) for c in record.claims]
        countered = [views.claim_dict(c) for c in record.counters]
        data = views.actor_dict(found)
        data["members"] = [views.actor_ref(m) for m in record.members]
        counts = (record.claim_count, record.counter_count)
        matched = _how(session, typed, found.key)
    json_path = f"/actors/{quote(key, safe='')}.json" + ("?members=yes" if members else "")
    return page(
        request,
        "actor.html.j2",
        actor=data,
        made=made,
        countered=countered,
        counts=counts,
        members=members,
        typed=typed,
        matched=matched,
        shown=ACTOR_SHOWN,
        json_path=json_path,
    )


def actors(request: Request) -> Response:
    """Every actor; with `q`, the actor that name resolves to, as `by-actor`
    resolves it (a partial name, a misspelling), or the candidates."""
    reader(request)
    typed = params.text(request.query_params, "q")
    error: str | None = None
    candidates: list[str] = []
    status = 200
    with _desk(request).reading() as session:
        if typed is not None:
            try:
                found, _ = resolve_actor_match(session, typed)
            except Ambiguous as exc:
                error, candidates, status = str(exc), exc.candidates, 300
            except NotFound as exc:
                error, status = str(exc), 404
            else:
                target = f"/actors/{quote(found.key, safe='')}?" + urlencode({"q": typed})
                return RedirectResponse(target, 303)
        rows = [views.actor_dict(a, counts) for a, counts in queries.actors_with_counts(session)]
    return page(
        request,
        "actors.html.j2",
        status=status,
        actors=rows,
        typed=typed,
        error=error,
        candidates=candidates,
        json_path="/actors.json",
    )


def source(request: Request) -> Response:
    reader(request)
    key = request.path_params["key"]
    with _desk(request).reading() as session:
        found = queries.source(session, key)
        quoted = list(queries.iter_claims(session, ClaimFilter(source=key)))
        appearances = [
            (c, a) for c in quoted for a in c.appearances if a.source.key == key
        ]  # fmt: skip
        meta = views.source_dict(found, len(appearances))
        text = found.text
    spans = [
        Span(a.start_offset, a.end_offset, {"claim": c.key, "text": c.text, "status": c.status})
        for c, a in appearances
        if a.start_offset is not None and a.end_offset is not None
    ]
    return page(
        request,
        "source.html.j2",
        source=meta,
        runs=runs(text, spans) if text is not None else None,
        quotes=sorted(spans, key=lambda s: s.start),
        claims=[views.claim_dict(c) for c in quoted],
        json_path="/claims.json?" + urlencode({"source": key}),
    )


def sources(request: Request) -> Response:
    reader(request)
    with _desk(request).reading() as session:
        rows = [views.source_dict(s, n) for s, n in queries.sources(session)]
    return page(request, "sources.html.j2", sources=rows, json_path="/sources.json")


def search_page(request: Request) -> Response:
    reader(request)
    typed = params.text(request.query_params, "q")
    kinds = params.kinds(request.query_params.getlist("in"))
    limit = params.count(request.query_params, "limit", 20) or 20
    groups: dict[str, list[dict[str, Any]]] = {}
    if typed is not None:
        with _desk(request).reading() as session:
            hits = search(session, typed, kinds, limit)
        for hit in hits:
            record = hit_record(hit)
            _, spans = highlights(hit.snippet)
            record["runs"] = runs(record["snippet"], [Span(s, e) for s, e in spans])
            groups.setdefault(hit.kind, []).append(record)
    query = [("q", typed or ""), *(("in", k) for k in kinds if kinds != SEARCH_KINDS)]
    return page(
        request,
        "search.html.j2",
        typed=typed,
        kinds=kinds,
        all_kinds=SEARCH_KINDS,
        groups=groups,
        json_path="/search.json?" + urlencode(query) if typed else None,
    )


def timeline(request: Request) -> Response:
    reader(request)
    number = _page_number(request)
    size = TIMELINE_PAGE
    with _desk(request).reading() as session:
        flt = params.listing(request.query_params, session)
        # A page of the selected claims, each with the claims that counter
        # it; a further page if one more claim is selected after them.
        entries = [
            views.claim_dict(c)
            for c in queries.timeline(session, replace(flt, limit=size, offset=(number - 1) * size))
        ]
        after = queries.timeline(session, replace(flt, limit=1, offset=number * size))
        more = next(after, None) is not None
        for _ in after:  # read to the end: the statement's cursor closes
            pass
    query = params.Query.of(request.query_params, params.FILTERS)
    return page(
        request,
        "timeline.html.j2",
        entries=entries,
        query=query,
        number=number,
        more=more,
        json_path="/timeline.json" + query.link(page=None),
    )


def topics(request: Request) -> Response:
    reader(request)
    with _desk(request).reading() as session:
        rows = [views.topic_dict(t, n) for t, n in suggest.topics(session)]
    return page(request, "topics.html.j2", topics=rows, json_path="/topics.json")
