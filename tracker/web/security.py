"""What every response and every form gets: security headers, a CSRF token,
a throttle on signing in, and stored text made harmless in HTML.

Every text of the record is hostile. Jinja escapes it (autoescape on), and
`visible` (the templates' finalize) also shows the characters that would
reorder or hide what a reader sees — bidi embeddings, overrides and isolates,
control characters — as visible marks, each text isolated (`<bdi>` in the
templates) so that right-to-left names stay where they stand.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from markupsafe import Markup, escape
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tracker.limits import MAX_FETCH_BYTES
from tracker.render.markdown import is_web_url

# No inline script or style anywhere: everything the pages run or wear is a
# file tracker serves itself; no frame may hold a page (clickjacking).
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
    " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}
# Bodies are small forms; the one upload route (a source's file) raises its
# own limit to a fetched page's (16 MiB), plus the form's other fields.
MAX_BODY = 64 * 1024
MAX_UPLOAD = MAX_FETCH_BYTES
MAX_PARAM = 500  # characters of one query parameter


class SecurityHeaders:
    """Sets HEADERS on every response; pages of the record are not cached
    by anyone else (they may be a signed-in user's)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers[name] = value
                if "cache-control" not in headers:
                    headers["cache-control"] = "no-store"
            await send(message)

        await self.app(scope, receive, with_headers)


# -- text ------------------------------------------------------------------------

# Bidi embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI
# PDI): each can reorder the text around it. The marks LRM, RLM and ALM are
# ordinary in right-to-left writing and stay.
_BIDI = {*range(0x202A, 0x202F), *range(0x2066, 0x206A)}
_CONTROL = {*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)} - {0x09, 0x0A}
_SHOWN = _BIDI | _CONTROL
# One regular expression over the text, not a Python test per character: a
# contests page passes some 2,000 texts through here.
_SHOWN_RUN = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_SHOWN)) + "]")


def _mark(found: re.Match[str]) -> str:
    return f'<span class="ctl">U+{ord(found.group()):04X}</span>'


def visible(value: Any) -> Any:
    """`value` as HTML-safe text, every bidi control and control character
    (tab and line feed aside) shown as a mark naming it (U+202E)."""
    if value is None:
        return ""
    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    escaped = str(escape(value))
    # Escaping turns no shown character into another, nor makes one.
    return Markup(_SHOWN_RUN.sub(_mark, escaped))


def web_link(value: Any) -> str | None:
    """`value` if it is an http(s) address a link may point at, else None:
    `javascript:`, `data:` and the rest are shown as text, never followed."""
    return value if isinstance(value, str) and is_web_url(value) else None


# -- CSRF ------------------------------------------------------------------------

CSRF_FIELD = "csrf"


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use: every form carries it."""
    token = request.session.get(CSRF_FIELD)
    if not isinstance(token, str):
        token = request.session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return token


def check_csrf(request: Request, sent: Any) -> None:
    """A POST whose form does not carry the session's token is refused (403)."""
    expected = request.session.get(CSRF_FIELD)
    if not (
        isinstance(sent, str)
        and isinstance(expected, str)
        and secrets.compare_digest(sent.encode(), expected.encode())
    ):
        raise HTTPException(403, "This form has expired or did not come from this site: reload it.")


# -- throttle --------------------------------------------------------------------


class Throttle:
    """At most `failures` failed sign-ins per key (a client's address, a
    user name) in a sliding `window` of seconds; then that key waits."""

    def __init__(
        self,
        failures: int = 5,
        window: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
        keys: int = 10_000,
    ) -> None:
        self.failures, self.window, self.clock, self.keys = failures, window, clock, keys
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._seen.get(key)
        if times is None:
            return deque()
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._seen[key]
        return times

    def wait(self, *keys: str) -> float:
        """Seconds until any of `keys` may try again; 0 when all may now."""
        now = self.clock()
        with self._lock:
            waits = [
                times[0] + self.window - now
                for key in keys
                if len(times := self._recent(key, now)) >= self.failures
            ]
        return max(waits, default=0.0)

    def failed(self, *keys: str) -> None:
        now = self.clock()
        with self._lock:
            if len(self._seen) >= self.keys:  # bounded memory: the oldest go first
                for old in list(self._seen)[: self.keys // 10]:
                    del self._seen[old]
            for key in keys:
                self._seen.setdefault(key, deque()).append(now)

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._seen.pop(key, None)
