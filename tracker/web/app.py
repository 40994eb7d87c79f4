"""The application: every route in one place, the middleware every request
passes, and how errors become pages.

Static files are a fixed table of the package's own assets, read once: a
path names one of them or nothing, so no request can reach another file.
"""

from __future__ import annotations

import secrets
from importlib import resources
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, StrictUndefined
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.body_limit import RequestBodyLimitMiddleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route, request_response
from starlette.templating import Jinja2Templates

from tracker.dates import at_precision
from tracker.errors import NotFound, TrackerError
from tracker.render.terminal import error_line
from tracker.web import api, auth, feeding, fixing, queueing, reading, workbench
from tracker.web.auth import SignInNeeded, Viewer
from tracker.web.desk import Desk
from tracker.web.forms import handler
from tracker.web.security import MAX_BODY, MAX_UPLOAD, SecurityHeaders, Throttle, visible, web_link

ASSETS = {"style.css": "text/css; charset=utf-8", "app.js": "text/javascript; charset=utf-8"}
SESSION_COOKIE = "tracker_session"
SESSION_AGE = 12 * 3600  # a working day; then sign in again


def _assets() -> dict[str, bytes]:
    folder = resources.files("tracker.web") / "static"
    return {name: (folder / name).read_bytes() for name in ASSETS}


def static(request: Request) -> Response:
    name = request.path_params["name"]
    body = request.app.state.assets.get(name)
    if body is None:
        raise HTTPException(404, "No such file.")
    return Response(body, media_type=ASSETS[name], headers={"cache-control": "max-age=3600"})


def _part(value: Any) -> str:
    """A path segment: an id quoted so that it stays one."""
    return quote(str(value), safe="")


def environment() -> Environment:
    """Jinja with autoescape on, and every printed value made visible
    (tracker.web.security.visible) before it is escaped."""
    env = Environment(
        loader=PackageLoader("tracker.web", "templates"),
        autoescape=True,
        finalize=visible,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(part=_part, web_link=web_link, date=at_precision)
    # The forms, for the pages that hold one (a claim's: relate, review...).
    env.globals["forms"] = {name: a.form for name, a in feeding.ACTIONS.items()}
    # A page is the server's unless tracker publish says otherwise (reading.page).
    env.globals["published"] = False
    return env


def _form(path: str, action: str) -> Route:
    found = feeding.ACTIONS.get(action) or fixing.ACTIONS[action]
    return Route(path, handler(found), methods=["GET", "POST"])


# The forms that change the record: each the CLI command of its name. Before
# the reading pages, whose /claims/{key} would take /claims/x/relate's place.
FORMS: list[BaseRoute] = [
    _form("/add/claim", "add_claim"),
    Route(
        "/add/source",
        RequestBodyLimitMiddleware(
            request_response(handler(feeding.ACTIONS["add_source"])),
            max_body_size=MAX_UPLOAD + MAX_BODY,
        ),
        methods=["GET", "POST"],
    ),
    _form("/claims/{key}/counter", "add_counter"),
    _form("/claims/{key}/relate", "relate"),
    _form("/claims/{key}/unrelate", "unrelate"),
    _form("/claims/{key}/review", "review"),
    _form("/claims/{key}/evidence", "evidence"),
    _form("/claims/{key}/edit", "edit_claim"),
    _form("/claims/{key}/remove", "remove_claim"),
    _form("/actors/{key}/edit", "edit_actor"),
    _form("/actors/{key}/merge", "merge_actors"),
    _form("/actors/{key}/remove", "remove_actor"),
    _form("/sources/{key}/edit", "edit_source"),
    _form("/sources/{key}/remove", "remove_source"),
    _form("/changes/{key}/undo", "undo"),
    # The extraction workbench: tracker extract SOURCE --review in a page.
    Route(
        "/sources/{key}/extract",
        RequestBodyLimitMiddleware(
            request_response(workbench.workbench), max_body_size=workbench.MAX_BODY
        ),
        methods=["GET", "POST"],
    ),
    # What tracker watch queued: the desk's, so an editor's page, as the forms are.
    Route("/queue", queueing.queue_page, name="queue"),
    Route("/queue.json", queueing.queue_json),
]

ROUTES: list[BaseRoute] = [
    *FORMS,
    Route("/", reading.contests, name="contests"),
    Route("/contested.json", api.contested),
    Route("/claims", reading.claims, name="claims"),
    Route("/claims.json", api.claims),
    Route("/claims/{key}.json", api.claim),
    Route("/claims/{key}/history.json", api.claim_history),
    Route("/claims/{key}", reading.claim, name="claim"),
    Route("/actors", reading.actors, name="actors"),
    Route("/actors.json", api.actors),
    Route("/actors/{key}.json", api.actor),
    Route("/actors/{key}", reading.actor, name="actor"),
    Route("/sources", reading.sources, name="sources"),
    Route("/sources.json", api.sources),
    Route("/sources/{key}", reading.source, name="source"),
    Route("/search", reading.search_page, name="search"),
    Route("/search.json", api.search),
    Route("/timeline", reading.timeline, name="timeline"),
    Route("/timeline.json", api.timeline),
    Route("/topics", reading.topics, name="topics"),
    Route("/topics.json", api.topics),
    Route("/signin", auth.sign_in_form, methods=["GET"]),
    Route("/signin", auth.sign_in, methods=["POST"]),
    Route("/signout", auth.sign_out, methods=["POST"]),
    Route("/static/{name}", static),
]


def _wants_json(request: Request) -> bool:
    return request.url.path.endswith(".json")


def _error(request: Request, status: int, message: str) -> Response:
    line = error_line(message)
    if _wants_json(request):
        return JSONResponse({"error": line}, status_code=status)
    found = getattr(request.state, "viewer", None)
    if not isinstance(found, Viewer):
        found = Viewer(None, False, request.app.state.desk.read_only)
        request.state.viewer = found
    return reading.page(request, "error.html.j2", status=status, message=line, code=status)


def _tracker_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, TrackerError)
    status = 404 if isinstance(exc, NotFound) else 400
    return _error(request, status, str(exc))


def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    messages = {404: "Nothing is here.", 405: "Not allowed here."}
    return _error(request, exc.status_code, exc.detail or messages.get(exc.status_code, ""))


def _sign_in_needed(request: Request, exc: Exception) -> Response:
    if _wants_json(request):
        return JSONResponse({"error": "sign in first"}, status_code=401)
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse("/signin?next=" + quote(target, safe=""), 303)


def create_app(
    desk: Desk,
    secret: str | None = None,
    loopback: bool = True,
    secure_cookies: bool = False,
    throttle: Throttle | None = None,
    published: bool = False,
) -> Starlette:
    """The web interface on `desk`. `secret` signs the session cookies (a new
    random one each start when None: sessions end with the server);
    `loopback`: the server listens on 127.0.0.1 only, so that with no users
    the person at this computer may work without signing in; `published`:
    the pages as tracker publish writes them (no forms, no script, nothing
    that needs a server)."""
    app = Starlette(
        routes=ROUTES,
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(RequestBodyLimitMiddleware, max_body_size=MAX_BODY),
            Middleware(
                SessionMiddleware,
                secret_key=secret or secrets.token_urlsafe(32),
                session_cookie=SESSION_COOKIE,
                max_age=SESSION_AGE,
                same_site="lax",
                https_only=secure_cookies,
            ),
        ],
        exception_handlers={
            TrackerError: _tracker_error,
            HTTPException: _http_error,
            SignInNeeded: _sign_in_needed,
        },
    )
    app.state.desk = desk
    app.state.loopback = loopback
    app.state.published = published
    app.state.throttle = throttle or Throttle()
    app.state.templates = Jinja2Templates(env=environment())
    app.state.assets = _assets()
    return app
