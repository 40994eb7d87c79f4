"""Hostile text stored in the record renders as text on every page: markup,
script, event handlers, javascript: addresses, Markdown, a bidi override and
terminal escapes. Both backends; tests/test_web_browser.py runs the same
pages in a real browser."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from tests.conftest import Runner
from tests.web_support import BIDI, IMG, JS_URL, SCRIPT, client, hostile_record


class Tags(HTMLParser):
    """Every element of a page with its attributes, as a browser reads them."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


PAGES = [
    "/",
    "/claims",
    "/claims/convoy-left",
    "/claims/convoy-denied",
    "/actors",
    "/actors/ministry",
    "/actors/rebels",
    "/sources",
    "/sources/article",
    "/search?q=convoy",
    "/search?q=script",
    "/timeline",
    "/topics",
    "/sources/article/extract",  # the extraction workbench: a hostile article's proposals
]


@pytest.fixture
def hostile(engine: Engine, tmp_path: Path) -> Iterator[tuple[TestClient, Runner]]:
    runner = hostile_record(engine, tmp_path)
    with client(engine) as c:
        yield c, runner


@pytest.mark.parametrize("path", PAGES)
def test_stored_markup_is_shown_as_text(hostile: tuple[TestClient, Runner], path: str) -> None:
    web, _ = hostile
    page = web.get(path)
    assert page.status_code == 200
    html = page.text
    tags = Tags()
    tags.feed(html)
    # No markup of the record's reaches the page as markup...
    assert "img" not in {t for t, _ in tags.found} and "b" not in {t for t, _ in tags.found}
    assert [a for t, a in tags.found if t == "script"] == [{"src": "/static/app.js", "defer": None}]
    assert not [(t, a) for t, a in tags.found for k in a if k.startswith("on")]
    links = [v for _, a in tags.found for k, v in a.items() if k in ("href", "src", "action")]
    assert not [v for v in links if v and not v.startswith(("/", "?", "#", "http"))], links
    # ...nor a character that reorders or commands what a reader sees.
    assert "\u202e" not in html and "\x1b" not in html and "\x07" not in html


def test_every_payload_is_there_to_read(hostile: tuple[TestClient, Runner]) -> None:
    """The text is not dropped: it is shown, escaped, where it belongs."""
    web, _ = hostile
    claim = web.get("/claims/convoy-left").text
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt; The convoy left at dawn." in claim
    assert "&lt;img src=x onerror=&#34;window.__pwned=1&#34;&gt; Ministry" in claim
    assert "False &lt;img src=x" in claim  # the verdict's rating
    assert "**No** &lt;script&gt;" in claim  # Markdown stays as typed
    # An address that is not http(s) is text, never a link.
    assert f'<bdi class="url-text">{JS_URL}</bdi>' in claim
    denied = web.get("/claims/convoy-denied").text
    assert '<span class="ctl">U+202E</span>gnp.exe' in denied
    assert '<span class="ctl">U+001B</span>]0;pwned<span class="ctl">U+0007</span>' in denied
    actor = web.get("/actors/ministry").text
    assert '<span class="ctl">U+202E</span>' in actor  # its description
    source = web.get("/sources/article").text
    assert f'<bdi class="url-text">{JS_URL}</bdi>' in source
    assert (
        "**bold** [a link](javascript:window.__pwned=1) &lt;b&gt;tags&lt;/b&gt; &amp; more."
        in source
    )


def test_the_quotes_still_mark_their_offsets(hostile: tuple[TestClient, Runner]) -> None:
    web, run = hostile
    html = web.get("/sources/article").text
    stored = json.loads(run("claims", "--source", "article", "-f", "json").output)
    spots = {(a["start"], a["end"]) for c in stored for a in c["appearances"]}
    marked = {(int(s), int(e)) for s, e in re.findall(r'<mark id="q(\d+)-(\d+)"', html)}
    assert marked == spots and len(spots) == 2


def test_json_keeps_the_text_exact(hostile: tuple[TestClient, Runner]) -> None:
    web, run = hostile
    got = web.get("/claims/convoy-denied.json")
    assert got.text == run("show", "convoy-denied", "-f", "json").output
    data = got.json()
    assert data["text"].endswith(f"{BIDI} \x1b]0;pwned\x07") and IMG in data["text"]
    assert SCRIPT in web.get("/claims/convoy-left.json").json()["text"]
    assert got.headers["content-type"] == "application/json"
    assert got.headers["x-content-type-options"] == "nosniff"


def test_the_workbench_writes_and_reshows_hostile_text_as_text(
    hostile: tuple[TestClient, Runner], tmp_path: Path
) -> None:
    """What a reviewer types into the workbench (a claim text, a new actor's
    name) is written as typed and shown as text; re-shown after a refusal,
    it stays text in the field it was typed into. (The hostile article's
    statements are all recorded: a second one has one to accept.)"""
    web, run = hostile
    wire = tmp_path / "wire.txt"
    wire.write_text(f"Officials said {SCRIPT} the bridge was {IMG} closed.\n", "utf-8")
    added = run(
        "add",
        "source",
        str(wire),
        "--id",
        "wire",
        "--outlet",
        f"{IMG} Wire",
        "--title",
        f"{SCRIPT} Bridge",
    )
    assert added.exit_code == 0, added.output
    html = web.get("/sources/wire/extract").text
    fingerprints = dict(re.findall(r'name="(at\d+)" value="([^"]+)"', html))
    assert fingerprints, html
    n = min(int(k[2:]) for k in fingerprints)
    token = re.search(r'name="csrf" value="([^"]+)"', html)
    assert token
    typed = {
        "csrf": token[1],
        **fingerprints,
        f"do{n}": "accept",
        f"who{n}": "new",
        f"name{n}": f"{IMG} Spokesman",
        f"kind{n}": "person",
        f"text{n}": f"{SCRIPT} Typed {BIDI}",
        f"on{n}": "not a date",
    }
    refused = web.post("/sources/wire/extract", data=typed)
    assert refused.status_code == 422
    tags = Tags()
    tags.feed(refused.text)
    assert "img" not in {t for t, _ in tags.found}
    assert [a for t, a in tags.found if t == "script"] == [{"src": "/static/app.js", "defer": None}]
    # In its field as typed, to come back byte for byte when sent again.
    assert f"&lt;script&gt;window.__pwned=1&lt;/script&gt; Typed {BIDI}</textarea>" in refused.text
    assert 'value="&lt;img src=x onerror=&#34;window.__pwned=1&#34;&gt; Spokesman"' in refused.text
    done = web.post("/sources/wire/extract", data={**typed, f"on{n}": "2024-06-01"})
    assert done.status_code == 303, done.text
    written = json.loads(run("claims", "--source", "wire", "-f", "json").output)
    claim = next(c for c in written if c["text"].startswith(SCRIPT + " Typed"))
    assert claim["text"] == f"{SCRIPT} Typed {BIDI}"
    assert claim["claimants"][0]["name"] == f"{IMG} Spokesman"
    page = web.get(f"/claims/{claim['id']}").text
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt; Typed" in page
    assert "&lt;img src=x onerror=&#34;window.__pwned=1&#34;&gt; Spokesman" in page
