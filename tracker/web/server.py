"""Starting the server: which addresses it may listen on, and uvicorn."""

from __future__ import annotations

import ipaddress
import os
from typing import Any

from tracker.errors import TrackerError
from tracker.web import users
from tracker.web.desk import Desk

SECRET_ENV = "TRACKER_SECRET_KEY"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_binding(host: str, has_users: bool, read_only: bool) -> None:
    """Refuse to offer the record to the network with nobody to sign in: a
    server with no users lets its visitors in as the person at the computer."""
    if is_loopback(host) or has_users or read_only:
        return
    raise TrackerError(
        f"refusing to serve on {host} with no users: anyone who reaches it could change the"
        " record; add one (tracker user add NAME --role editor), serve --read-only, or keep"
        " the default --host 127.0.0.1"
    )


def prepare(url: str | None, host: str, read_only: bool, allow_private_fetch: bool = False) -> Desk:
    """The database opened and the binding checked, before anything listens."""
    desk = Desk.open(url, read_only)
    desk.allow_private_fetch = allow_private_fetch
    try:
        with desk.reading() as session:
            has_users = users.any_user(session)
        check_binding(host, has_users, read_only)
    except BaseException:
        desk.close()
        raise
    return desk


# What a worker process of `serve --read-only --workers N` opens: the
# parent says it through the environment, which the workers inherit.
_WORKER_URL = "TRACKER_SERVE_WORKER_URL"
_WORKER_LOOPBACK = "TRACKER_SERVE_WORKER_LOOPBACK"


def run(desk: Desk, host: str, port: int, secure_cookies: bool, workers: int = 1) -> None:
    import uvicorn

    from tracker.web.app import create_app

    if workers > 1:
        # Only a read-only server runs in several processes (the command
        # refuses --workers without --read-only): nobody signs in there, so
        # there is no login throttle to share, and no session whose signing
        # key the processes would have to agree on.
        assert desk.read_only
        os.environ[_WORKER_URL] = desk.url
        os.environ[_WORKER_LOOPBACK] = "1" if is_loopback(host) else ""
        desk.close()
        uvicorn.run(
            "tracker.web.server:worker_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="info",
            server_header=False,
        )
        return
    app = create_app(
        desk,
        secret=os.environ.get(SECRET_ENV) or None,
        loopback=is_loopback(host),
        secure_cookies=secure_cookies,
    )
    try:
        # One process: the login throttle and the signing key live in it.
        uvicorn.run(app, host=host, port=port, log_level="info", server_header=False)
    finally:
        desk.close()


def worker_app() -> Any:
    """One worker's application of a read-only server (uvicorn's factory)."""
    from tracker.web.app import create_app

    desk = Desk.open(os.environ[_WORKER_URL], read_only=True)
    return create_app(desk, loopback=bool(os.environ.get(_WORKER_LOOPBACK)))
