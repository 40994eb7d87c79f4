"""A web server on 127.0.0.1 for the tests, never the internet: each test
fills its table of routes (pages, feeds, redirects, slow, huge or broken
answers) and reads back what was asked of it.

    def test_x(web: WebServer) -> None:
        web.page("/a", "<html>...</html>")
        web.redirect("/old", "/a", status=301)
        fetch(web.url("/old"), allow_private=True)  # 127.0.0.1 is not public
        assert web.requests[-1].headers["User-Agent"].startswith("tracker/")

The fixture `web` is imported by tests/conftest.py, so every test can ask
for it; later work (feeds, `tracker watch`) serves RSS and Atom the same way.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

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


@pytest.fixture
def web() -> Iterator[WebServer]:
    server = WebServer()
    try:
        yield server
    finally:
        server.close()
