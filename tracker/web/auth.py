"""Who is reading: signing in and out, and the guards every route uses.

Three ways a server runs (tracker serve decides which at each request):
- read-only (--read-only): anyone reads, nobody signs in, nothing is written;
- a team server (users recorded): everyone signs in, readers read, editors
  also write;
- alone on 127.0.0.1 with no users yet: the person at this computer reads and
  writes without signing in, named as the operating system names them.

The session is Starlette's SessionMiddleware: a cookie signed with
itsdangerous (HMAC, with a timestamp: it expires), HttpOnly, SameSite=Lax,
holding the user's name, a stamp of their password hash (a new password or a
removed user ends every session) and the CSRF token. It is signed, not
encrypted: it holds nothing secret from its owner.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from tracker.web import users
from tracker.web.desk import Desk, local_user
from tracker.web.security import CSRF_FIELD, Throttle, check_csrf, csrf_token


@dataclass(frozen=True)
class Viewer:
    person: users.Person | None  # signed in
    local: bool  # alone on 127.0.0.1 with no users: may do anything
    read_only: bool

    @property
    def may_read(self) -> bool:
        return self.read_only or self.local or self.person is not None

    @property
    def may_write(self) -> bool:
        if self.read_only:
            return False
        return self.local or (self.person is not None and self.person.is_editor)

    @property
    def may_sign_in(self) -> bool:
        return not self.read_only and not self.local

    @property
    def name(self) -> str | None:
        """Who a write is recorded under."""
        if self.person is not None:
            return self.person.name
        return local_user() if self.local else None


class SignInNeeded(Exception):
    """A page asked for by someone who must sign in first."""


def _desk(request: Request) -> Desk:
    desk: Desk = request.app.state.desk
    return desk


def viewer(request: Request) -> Viewer:
    """Who sent `request` (looked up once per request)."""
    found = getattr(request.state, "viewer", None)
    if isinstance(found, Viewer):
        return found
    desk = _desk(request)
    person = None
    local = False
    if not desk.read_only:
        name, stamp = request.session.get("user"), request.session.get("stamp")
        with desk.reading() as session:
            if isinstance(name, str) and isinstance(stamp, str):
                person = users.signed_in(session, name, stamp)
            if person is None:
                local = request.app.state.loopback and not users.any_user(session)
        if person is None and "user" in request.session:
            request.session.pop("user")  # removed, or the password changed
    found = Viewer(person, local, desk.read_only)
    request.state.viewer = found
    return found


def reader(request: Request) -> Viewer:
    """The viewer, if they may read; otherwise off to sign in."""
    found = viewer(request)
    if not found.may_read:
        raise SignInNeeded
    return found


def editor(request: Request) -> Viewer:
    """The viewer, if they may write (an editor, or alone on 127.0.0.1):
    what every form that changes the record checks first."""
    found = reader(request)
    if not found.may_write:
        raise HTTPException(403, "Only an editor can change the record.")
    return found


async def posted(request: Request) -> dict[str, Any]:
    """A POSTed form, its CSRF token checked: every form handler's first step."""
    form = await request.form()
    check_csrf(request, form.get(CSRF_FIELD))
    return {k: v for k, v in form.items() if k != CSRF_FIELD}


def safe_next(target: Any) -> str:
    """Where to go after signing in: a path on this site, never elsewhere."""
    if (
        isinstance(target, str)
        and target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and len(target) <= 2000
        and target.isprintable()
    ):
        return target
    return "/"


def _client(request: Request) -> str:
    return "addr:" + (request.client.host if request.client else "unknown")


async def sign_in_form(request: Request) -> Response:
    found = await run_in_threadpool(viewer, request)
    return _form(request, found, request.query_params.get("next"), None, 200)


def _form(request: Request, found: Viewer, target: Any, error: str | None, code: int) -> Response:
    templates = request.app.state.templates
    context = {"viewer": found, "csrf": csrf_token(request), "next": safe_next(target)}
    response: Response = templates.TemplateResponse(
        request, "signin.html.j2", {**context, "error": error}, status_code=code
    )
    return response


async def sign_in(request: Request) -> Response:
    found = await run_in_threadpool(viewer, request)
    if not found.may_sign_in:
        return RedirectResponse("/", 303)
    form = await posted(request)
    name, password = str(form.get("name", "")), str(form.get("password", ""))
    throttle: Throttle = request.app.state.throttle
    keys = (_client(request), "user:" + name[:100])
    wait = throttle.wait(*keys)
    if wait > 0:
        response = _form(
            request, found, form.get("next"),
            f"Too many failed sign-ins: try again in {int(wait) + 1} seconds.", 429,
        )  # fmt: skip
        response.headers["retry-after"] = str(int(wait) + 1)
        return response

    def check() -> users.Person | None:
        if len(password) > users.MAX_PASSWORD:
            return None
        with _desk(request).reading() as session:
            return users.authenticate(session, name, password)

    person = await run_in_threadpool(check)
    if person is None:
        throttle.failed(*keys)
        return _form(request, found, form.get("next"), "Wrong name or password.", 401)
    throttle.succeeded(*keys)
    # A new session: nothing of the one before signing in carries over.
    request.session.clear()
    request.session.update({"user": person.name, "stamp": person.stamp})
    csrf_token(request)
    return RedirectResponse(safe_next(form.get("next")), 303)


async def sign_out(request: Request) -> Response:
    await posted(request)
    request.session.clear()
    return RedirectResponse("/", 303)
