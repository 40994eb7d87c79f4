"""A web server on 127.0.0.1 for the tests, never the internet: each test
fills its table of routes (pages, feeds, redirects, slow, huge or broken
answers) and reads back what was asked of it.

    def test_x(web: WebServer) -> None:
        web.page("/a", "<html>...</html>")
        web.redirect("/old", "/a", status=301)
        fetch(web.url("/old"), allow_private=True)  # 127.0.0.1 is not public
        assert web.requests[-1].headers["User-Agent"].startswith("tracker/")

The fixture `web` is imported by tests/conftest.py, so every test can ask
for it. Feeds for `tracker watch` are built by `rss` and `atom` and served
with `web.feed`, which answers a conditional request (If-None-Match,
If-Modified-Since) with 304 when the validators match, as a server does.

    web.feed("/news.rss", rss([Item("a1", web.url("/a"), "Title")]), etag='"v1"')
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

import pytest


@dataclass
class Route:
    """What the server answers at one path."""

    body: bytes | Callable[[], Iterable[bytes]] = b""  # a callable streams its chunks
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the status line: a slow server
    drip: float = 0.0  # seconds between bytes of the body: a server that dribbles
    content_length: bool = True  # False: no Content-Length, the body ends at close
    # Validators: a request sending them back is answered 304 Not Modified.
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Asked:
    path: str
    headers: dict[str, str]


class WebServer:
    """A threaded HTTP/1.0 server on 127.0.0.1, on a free port, until closed."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Asked] = []
        self.stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False  # type: ignore[attr-defined]  # a slow answer is abandoned
        self._server.web = self  # type: ignore[attr-defined]
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def page(
        self,
        path: str,
        body: str | bytes,
        content_type: str | None = "text/html; charset=utf-8",
        **options: object,
    ) -> str:
        """Serve `body` (text is sent as UTF-8) at `path`; returns its URL."""
        raw = body.encode("utf-8") if isinstance(body, str) else body
        headers = {"Content-Type": content_type} if content_type else {}
        headers.update(options.pop("headers", None) or {})  # type: ignore[call-overload]
        self.routes[path] = Route(body=raw, headers=headers, **options)  # type: ignore[arg-type]
        return self.url(path)

    def feed(
        self,
        path: str,
        body: str,
        content_type: str = "application/rss+xml; charset=utf-8",
        etag: str | None = None,
        last_modified: str | None = None,
        **options: object,
    ) -> str:
        """Serve a feed at `path`, with its validators; returns its URL."""
        url = self.page(path, body, content_type, **options)
        route = self.routes[path]
        route.etag, route.last_modified = etag, last_modified
        for name, value in (("ETag", etag), ("Last-Modified", last_modified)):
            if value:
                route.headers[name] = value
        return url

    def redirect(self, path: str, to: str, status: int = 302) -> str:
        self.routes[path] = Route(status=status, headers={"Location": to})
        return self.url(path)

    def asked(self, path: str) -> int:
        """How many times `path` was requested."""
        return sum(1 for r in self.requests if r.path == path)

    def close(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


class _Handler(BaseHTTPRequestHandler):
    server: ThreadingHTTPServer

    def log_message(self, format: str, *args: object) -> None:
        pass  # the tests' output is theirs

    def do_GET(self) -> None:
        web: WebServer = self.server.web  # type: ignore[attr-defined]
        web.requests.append(Asked(self.path, dict(self.headers.items())))
        route = web.routes.get(self.path)
        if route is None:
            route = Route(b"not found", status=404, headers={"Content-Type": "text/plain"})
        if route.delay and web.stopping.wait(route.delay):
            return
        if _not_modified(
            route, self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
        ):
            self.send_response(304)
            self.end_headers()
            return
        chunks = [route.body] if isinstance(route.body, bytes) else route.body()
        try:
            self.send_response(route.status)
            for name, value in route.headers.items():
                self.send_header(name, value)
            if route.content_length and isinstance(route.body, bytes):
                self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            for chunk in chunks:
                if not route.drip:
                    self.wfile.write(chunk)
                    continue
                for i in range(len(chunk)):
                    self.wfile.write(chunk[i : i + 1])
                    self.wfile.flush()
                    if web.stopping.wait(route.drip):
                        return
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as it should on a huge or slow answer


def _not_modified(route: Route, etag: str | None, since: str | None) -> bool:
    if route.etag and etag:
        return etag == route.etag
    return bool(route.last_modified and since and since == route.last_modified)


@dataclass(frozen=True)
class Item:
    """A feed entry: its id, its article's link, and what the feed says of it."""

    id: str | None
    link: str | None
    title: str = "An article"
    updated: str = "2025-03-04T10:00:00Z"
    summary: str = ""


def rss(items: Sequence[Item], title: str = "Example Wire") -> str:
    """An RSS 2.0 document of `items` (pubDate from `updated`)."""
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0"><channel>',
        f"<title>{escape(title)}</title><link>https://wire.example.org/</link>",
        "<description>News</description>",
    ]
    for item in items:
        out.append("<item>")
        out.append(f"<title>{escape(item.title)}</title>")
        if item.link is not None:
            out.append(f"<link>{escape(item.link)}</link>")
        if item.id is not None:
            out.append(f'<guid isPermaLink="false">{escape(item.id)}</guid>')
        out.append(f"<pubDate>{_rfc822(item.updated)}</pubDate>")
        out.append(f"<description>{escape(item.summary)}</description>")
        out.append("</item>")
    out.append("</channel></rss>")
    return "\n".join(out) + "\n"


def atom(items: Sequence[Item], title: str = "Example Wire") -> str:
    """An Atom (RFC 4287) document of `items`."""
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<title>{escape(title)}</title><id>urn:example:feed</id>",
        "<updated>2025-03-04T10:00:00Z</updated>",
    ]
    for item in items:
        out.append("<entry>")
        out.append(f"<title>{escape(item.title)}</title>")
        if item.id is not None:
            out.append(f"<id>{escape(item.id)}</id>")
        if item.link is not None:
            out.append(f'<link rel="alternate" href="{escape(item.link, {chr(34): "&quot;"})}"/>')
        out.append(f"<updated>{escape(item.updated)}</updated>")
        out.append(f"<summary>{escape(item.summary)}</summary>")
        out.append("</entry>")
    out.append("</feed>")
    return "\n".join(out) + "\n"


def _rfc822(iso: str) -> str:
    import datetime as dt
    from email.utils import format_datetime

    return format_datetime(dt.datetime.fromisoformat(iso.replace("Z", "+00:00")), usegmt=True)


@pytest.fixture
def web() -> Iterator[WebServer]:
    server = WebServer()
    try:
        yield server
    finally:
        server.close()
