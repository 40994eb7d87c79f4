"""Pages asked of the web application in this process, with no server and no
socket: what tracker serve would answer a reader, as bytes."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from starlette.types import ASGIApp, Message


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes


async def _get(app: ASGIApp, path: str, query: str) -> Answer:
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": unquote(path),
        "raw_path": path.encode("ascii"),
        "query_string": query.encode("ascii"),
        "root_path": "",
        "headers": [(b"host", b"publish.invalid")],
        "client": ("127.0.0.1", 0),
        "server": ("publish.invalid", 80),
        "state": {},
    }
    status = 500
    content_type = ""
    body: list[bytes] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        nonlocal status, content_type
        if message["type"] == "http.response.start":
            status = message["status"]
            for name, value in message.get("headers", []):
                if name.lower() == b"content-type":
                    content_type = value.decode("latin-1")
        elif message["type"] == "http.response.body":
            body.append(message.get("body", b""))

    await app(scope, receive, send)
    return Answer(status, content_type, b"".join(body))


class Client:
    """GETs on `app`, one event loop for all of them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.loop = asyncio.new_event_loop()

    def get(self, path: str, query: str = "") -> Answer:
        return self.loop.run_until_complete(_get(self.app, path, query))

    def close(self) -> None:
        self.loop.close()
