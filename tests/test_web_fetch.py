"""The web's add-source form takes an address: the server fetches the page
(before the write's transaction, with `tracker add source URL`'s bounds) and
refuses private, loopback and link-local addresses unless it was started
with `tracker serve --allow-private-fetch` (server-side request forgery)."""

from __future__ import annotations

from html import unescape
from typing import Any

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from tests.conftest import Runner, unchanged
from tests.test_web_auth import csrf_of
from tests.test_web_forms import PAGE, desk, last_change
from tests.webserver import WebServer

pytest.importorskip("starlette")

__all__ = ["desk"]  # the fixture: a team server with ana (an editor) signed in


def fetch(c: TestClient, url: str, **fields: str) -> Any:
    token = csrf_of(c.get("/add/source").text)
    return c.post("/add/source", data={"csrf": token, "fetch": url, **fields})


def test_a_loopback_address_is_refused_without_the_flag(
    desk: TestClient, seeded: Engine, web: WebServer
) -> None:
    url = web.page("/talks", PAGE)
    assert 'name="fetch"' in desk.get("/add/source").text
    with unchanged(seeded):
        page = fetch(desk, url)
    assert page.status_code == 422
    assert (
        f"{url}: not fetched: 127.0.0.1 is a loopback address"
        " (a server started with --allow-private-fetch fetches it)"
    ) in unescape(page.text)
    assert web.asked("/talks") == 0  # refused before any connection


def test_the_flag_lets_the_server_fetch_it(
    desk: TestClient, seeded: Engine, run: Runner, web: WebServer
) -> None:
    desk.app.state.desk.allow_private_fetch = True  # type: ignore[attr-defined]
    url = web.page("/talks", PAGE)
    done = fetch(desk, url, credits="Reuters")
    assert done.status_code == 303, done.text
    key = done.headers["location"].removeprefix("/sources/")
    by, command = last_change(seeded)
    assert by == "ana" and command == f"web: tracker add source {url} --credit Reuters"
    assert "would resume in May" in desk.get(f"/sources/{key}").text
    assert web.requests[-1].headers["User-Agent"].startswith("tracker/")
    # Fetched again: the same source, unchanged, as `add source URL` again says.
    again = fetch(desk, url)
    assert again.status_code == 303 and again.headers["location"] == f"/sources/{key}"
    # A file and an address at once: one or the other.
    token = csrf_of(desk.get("/add/source").text)
    both = desk.post(
        "/add/source",
        data={"csrf": token, "fetch": url},
        files={"file": ("talks.html", PAGE, "text/html")},
    )
    assert both.status_code == 422 and "Give the file or its address, not both." in both.text


def test_serve_offers_the_flag(run: Runner) -> None:
    shown = run("serve", "--help")
    assert "--allow-private-fetch" in shown.output
