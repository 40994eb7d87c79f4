"""`tracker add source URL`: a page from the tests' own server (127.0.0.1,
hence --allow-private) becomes a source exactly as the same page saved to a
file does; fetched again, its changes carry the recorded quotes along; and a
page that cannot be had is one line, with nothing written."""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.conftest import Runner
from tests.test_edit import refused
from tests.test_load import snapshot
from tests.webserver import WebServer
from tracker.errors import AddressRefused
from tracker.ingest import download, sourcefile, webpage
from tracker.record.models import Source

WALKTHROUGH = Path(__file__).resolve().parent.parent / "docs" / "walkthrough"
ARTICLE = (WALKTHROUGH / "zembla-tankers.html").read_text(encoding="utf-8")
KEY = "example-wire-20250304"
QUOTE = "three tankers had crossed"
EMBARGO = "Zembla has denied breaching the embargo"
UPDATE = "<p>UPDATE: The ministry repeated its denial on Wednesday, calling it a lie.</p>"


def as_json(result: Any) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def ok(result: Any) -> str:
    assert result.exit_code == 0, result.output
    return str(result.stdout)


def stored(engine: Engine, key: str = KEY) -> Source:
    with Session(engine) as session:
        return session.scalars(select(Source).where(Source.key == key)).one()


def test_a_fetched_page_is_read_as_the_saved_file_is(
    run: Runner, seeded: Engine, web: WebServer
) -> None:
    url = web.page("/2025/03/04/zembla-tankers", ARTICLE)
    added = as_json(run("add", "source", url, "--allow-private", "-f", "json"))
    assert added["action"] == "added" and added["id"] == KEY
    source = added["source"]
    assert source["title"] == "Zembla rejects report of naval escort for tankers"
    assert source["outlet"] == "Example Wire"
    assert (source["published_on"], source["language"]) == ("2025-03-04", "en")
    # Where the text was read, not the canonical link the page names of itself.
    assert source["url"] == url
    assert source["retrieved_on"] == dt.datetime.now(dt.UTC).date().isoformat()
    saved = sourcefile.read(WALKTHROUGH / "zembla-tankers.html")
    row = stored(seeded)
    assert (row.text, row.raw_hash) == (saved.text, saved.raw_hash)
    assert web.requests[-1].headers["User-Agent"].startswith("tracker/")


def test_the_same_page_saved_first_is_the_same_source(run: Runner, web: WebServer) -> None:
    ok(run("add", "source", str(WALKTHROUGH / "zembla-tankers.html")))
    url = web.page("/zembla", ARTICLE)
    again = ok(run("add", "source", url, "--allow-private"))
    assert again == f"source {KEY} already holds this content\n"


def test_options_override_the_page(run: Runner, web: WebServer) -> None:
    url = web.page("/zembla", ARTICLE)
    added = as_json(
        run(
            "add", "source", url, "--allow-private", "--id", "zembla-wire", "--outlet", "EW",
            "--credit", "Reuters", "--url", "https://wire.example.org/z", "-f", "json",
        )
    )  # fmt: skip
    assert added["id"] == "zembla-wire"
    assert (added["source"]["outlet"], added["source"]["credits"]) == ("EW", ["Reuters"])
    assert added["source"]["url"] == "https://wire.example.org/z"


def test_the_same_unchanged_page_changes_nothing(
    run: Runner, seeded: Engine, web: WebServer
) -> None:
    url = web.page("/zembla", ARTICLE.replace("</footer>", " Visitors today: 1.</footer>"))
    ok(run("add", "source", url, "--allow-private"))
    before = snapshot(seeded)
    # Other bytes around the same article text: the text is what counts.
    web.page("/zembla", ARTICLE.replace("</footer>", " Visitors today: 2.</footer>"))
    again = ok(run("add", "source", url, "--allow-private"))
    today = dt.datetime.now(dt.UTC).date().isoformat()
    assert again == (
        f"source {KEY} is unchanged: the page at {url} holds the text stored (retrieved {today})\n"
    )
    assert snapshot(seeded) == before
    assert web.asked("/zembla") == 2  # fetched again all the same


def quote_claim(run: Runner) -> None:
    ok(run("add", "actor", "Daily Example", "--kind", "organization"))
    ok(
        run(
            "add", "claim", "--by", "Daily Example", "--id", "tankers-crossed", "--text",
            "Three tankers crossed the strait under escort.", "--source", KEY, "--quote", QUOTE,
        )
    )  # fmt: skip
    ok(
        run(
            "add", "claim", "--by", "Daily Example", "--id", "embargo-denied", "--text",
            "Zembla denies breaching the embargo.", "--source", KEY, "--quote",
            "Zembla has denied breaching the embargo", "--new",
        )
    )  # fmt: skip


def test_a_changed_page_carries_its_quotes_along(
    run: Runner, seeded: Engine, web: WebServer
) -> None:
    url = web.page("/zembla", ARTICLE)
    ok(run("add", "source", url, "--allow-private", "--credit", "Reuters", "--notes", "wire"))
    quote_claim(run)
    old = stored(seeded).text
    assert old is not None
    # A paragraph before the first quote; nothing changes after the second.
    web.page("/zembla", ARTICLE.replace("<article>", "<article>" + UPDATE))
    again = ok(run("add", "source", url, "--allow-private"))
    new = stored(seeded)
    assert new.text is not None and new.text != old
    moved = new.text.index(QUOTE)
    shift = moved - old.index(QUOTE)
    second = old.index("Zembla has denied breaching the embargo")
    assert again == (
        f"updated source {KEY} from {url}: its text changed ({len(old):,} →"
        f" {len(new.text):,} characters); 2 quote(s) moved in 2 claim(s):"
        f" tankers-crossed {moved - shift}-{moved - shift + len(QUOTE)} →"
        f" {moved}-{moved + len(QUOTE)}; embargo-denied {second}-{second + 39} →"
        f" {second + shift}-{second + shift + 39}\n"
    )
    shown = ok(run("source", KEY, "--quote", QUOTE))
    assert shown.startswith(f"{moved}-{moved + len(QUOTE)} of {len(new.text):,} characters")
    # What was recorded of the source, beyond its text, stays as it was.
    listed = as_json(run("show", "tankers-crossed", "-f", "json"))
    assert listed["appearances"][0]["start"] == moved
    source = as_json(run("sources", "-f", "json"))
    wire = next(s for s in source if s["id"] == KEY)
    assert wire["credits"] == ["Reuters"]
    assert new.notes == "wire"


def test_a_change_after_every_quote_moves_none(run: Runner, seeded: Engine, web: WebServer) -> None:
    url = web.page("/zembla", ARTICLE)
    ok(run("add", "source", url, "--allow-private"))
    quote_claim(run)
    web.page("/zembla", ARTICLE.replace("</article>", "<p>Correction appended.</p></article>"))
    again = ok(run("add", "source", url, "--allow-private", "--notes", "corrected"))
    assert again.endswith("characters); no recorded quote moved (2 in place)\n")
    assert stored(seeded).notes == "corrected"


def test_a_page_that_drops_a_quote_is_refused(run: Runner, seeded: Engine, web: WebServer) -> None:
    url = web.page("/zembla", ARTICLE)
    ok(run("add", "source", url, "--allow-private"))
    quote_claim(run)
    web.page("/zembla", ARTICLE.replace("three tankers had crossed", "two tankers had crossed"))
    refused(
        seeded,
        run,
        ["add", "source", url, "--allow-private"],
        1,
        f"{url}: source '{KEY}': the new text no longer holds the quote '{QUOTE}'",
        "claim 'tankers-crossed'",
    )


def test_a_url_two_sources_hold_needs_an_id(
    run: Runner, seeded: Engine, web: WebServer, tmp_path: Path
) -> None:
    url = web.page("/zembla", ARTICLE)
    for n in (1, 2):
        note = tmp_path / f"copy{n}.txt"
        note.write_text(f"Copy {n} of the article.\n", encoding="utf-8")
        ok(run("add", "source", str(note), "--id", f"copy-{n}", "--title", "T", "--outlet", "O",
               "--url", url))  # fmt: skip
    refused(
        seeded,
        run,
        ["add", "source", url, "--allow-private"],
        1,
        f"{url}: sources copy-1, copy-2 have this URL: give --id",
    )
    again = ok(run("add", "source", url, "--allow-private", "--id", "copy-2"))
    assert again.startswith(f"updated source copy-2 from {url}: its text changed")
    assert stored(seeded, "copy-1").text == "Copy 1 of the article.\n"


def test_the_charset_http_declares_comes_first(run: Runner, web: WebServer) -> None:
    page = ARTICLE.replace("Kovač", "Kovacs").replace("ZEMBLA CITY", "ZEMBLA CITÉ")
    url = web.page("/latin", page.encode("windows-1252"), "text/html; charset=windows-1252")
    key = as_json(run("add", "source", url, "--allow-private", "-f", "json"))["id"]
    assert "\nZEMBLA CITÉ — Zembla's foreign ministry" in ok(run("source", key))


def test_plain_text_is_read_as_a_text_file(run: Runner, web: WebServer) -> None:
    text = "Ministry statement\n\nThe ministry denies that its navy escorted any tanker.\n"
    url = web.page("/statement.txt", text.encode("iso-8859-1"), "text/plain; charset=iso-8859-1")
    refused_line = run("add", "source", url, "--allow-private")
    # Its first line is its headline: the title; the outlet it does not say.
    assert refused_line.exit_code == 2 and "does not say its outlet: give --outlet" in (
        refused_line.stderr
    )
    added = as_json(
        run("add", "source", url, "--allow-private", "--title", "Statement", "--outlet",
            "Ministry", "-f", "json")
    )  # fmt: skip
    assert ok(run("source", added["id"])) == text


@pytest.mark.parametrize(
    ("route", "serve", "expected"),
    [
        ("/loop", lambda w: w.redirect("/loop", "/loop"), "redirects in a loop"),
        ("/slow", lambda w: w.page("/slow", ARTICLE, delay=5), "no complete answer within 0.5"),
        ("/big", lambda w: w.page("/big", ARTICLE * 8), "larger than 10,000 bytes"),
        (
            "/big-unsized",
            lambda w: w.page("/big-unsized", ARTICLE * 8, content_length=False),
            "larger than 10,000 bytes",
        ),
        (
            "/menu",
            lambda w: w.page("/menu", "<!DOCTYPE html><html><body><nav></nav></body></html>"),
            "no article text found in this HTML page",
        ),
        (
            "/soup",
            lambda w: w.page("/soup", b"<html><body>\xff\xfe<p><<<>>\x00</html"),
            "not UTF-8 (byte 12)",
        ),
        (
            "/misdeclared",
            lambda w: w.page("/misdeclared", ARTICLE.encode("utf-16-le"), "text/html"),
            # ASCII in UTF-16 is valid UTF-8 (with NULs) up to the first accent.
            "misdeclared:21: not UTF-8 (byte 2478)",
        ),
        (
            "/bogus",
            lambda w: w.page("/bogus", ARTICLE, "text/html; charset=x-no-such-thing"),
            "declares an unknown encoding 'x-no-such-thing'",
        ),
        (
            "/doc.pdf",
            lambda w: w.page("/doc.pdf", b"%PDF-1.7", "application/pdf"),
            "'application/pdf'",
        ),
        ("/gone", lambda w: w.page("/gone", ARTICLE, status=410), "the server answered 410 Gone"),
    ],
    ids=lambda v: v if isinstance(v, str) and v.startswith("/") else "",
)
def test_a_page_that_cannot_be_had_is_one_line_and_nothing_written(
    run: Runner,
    seeded: Engine,
    web: WebServer,
    monkeypatch: pytest.MonkeyPatch,
    route: str,
    serve: Any,
    expected: str,
) -> None:
    monkeypatch.setattr(download, "FETCH_TIMEOUT", 0.5)
    monkeypatch.setattr(download, "MAX_FETCH_BYTES", 10_000)
    serve(web)
    stderr = refused(seeded, run, ["add", "source", web.url(route), "--allow-private"], 1, expected)
    assert stderr.startswith(f"Error: {web.url(route)}")


def test_a_fetch_into_the_network_is_refused_unless_allowed(
    run: Runner, seeded: Engine, web: WebServer
) -> None:
    url = web.page("/zembla", ARTICLE)
    refused(
        seeded,
        run,
        ["add", "source", url],
        1,
        f"{url}: not fetched: 127.0.0.1 is a loopback address (--allow-private fetches it)",
    )
    refused(
        seeded,
        run,
        ["add", "source", web.url("/zembla", host="2130706433")],
        1,
        "2130706433 is 127.0.0.1, a loopback address",
    )
    assert web.requests == []
    for url, why in [
        ("ftp://example.org/a", "only http and https URLs are fetched"),
        ("https://user:pw@example.org/a", "holds a user name or password"),
    ]:
        refused(seeded, run, ["add", "source", url], 1, why)


def test_a_missing_file_is_still_named(run: Runner, tmp_path: Path) -> None:
    result = run("add", "source", str(tmp_path / "nothing.html"))
    assert result.exit_code == 2
    assert re.search(r"File '.*nothing\.html' does not exist", result.stderr)


def test_the_readme_example_runs(
    database_url: str, web: WebServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """README, "Fetching sources from the web": the walkthrough's page served
    as `python3 -m http.server` serves it, edited as the example's `sed`
    edits it, each command printing what the README shows (the port and the
    day aside)."""
    readme = (WALKTHROUGH.parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Fetching sources from the web") :]
    block = re.search(r"```shell\n(.*?)```", section, re.S)
    assert block is not None
    page = ARTICLE
    web.page("/zembla-tankers.html", page, "text/html")
    today = dt.datetime.now(dt.UTC).date().isoformat()
    run = Runner(database_url)
    ok(run("db", "upgrade"))
    steps = re.split(r"^\$ ", block[1], flags=re.M)[1:]
    assert [s.split()[:3] for s in steps].count(["tracker", "add", "source"]) == 4
    for step in steps:
        command, _, expected = step.partition("\n")
        words = shlex.split(command.replace("127.0.0.1:8000", f"127.0.0.1:{web.port}"))
        if words[0] == "sed":  # the article's edit, made as the example makes it
            edit = re.fullmatch(r"s\|(.*?)\|(.*)\|", words[2])
            assert edit is not None and words[3] == "site/zembla-tankers.html"
            page = page.replace(edit[1], edit[2])
            web.page("/zembla-tankers.html", page, "text/html")
            continue
        assert words[0] == "tracker"
        result = run(*words[1:])
        printed = (result.stdout + result.stderr).replace(f":{web.port}/", ":8000/")
        assert printed == expected.replace("2025-03-05", today), command


def test_the_python_api_says_what_moved(run: Runner, seeded: Engine, web: WebServer) -> None:
    """What a web server would call: fetch (its own allow setting), then
    update the source in its own transaction."""
    url = web.page("/zembla", ARTICLE)
    ok(run("add", "source", url, "--allow-private"))
    quote_claim(run)
    old = stored(seeded).text
    assert old is not None
    web.page("/zembla", ARTICLE.replace("three tankers", "<b>UPDATE</b> three tankers"))
    with pytest.raises(AddressRefused):
        webpage.fetch_page(url)
    page = webpage.fetch_page(url, allow_private=True)
    with Session(seeded) as session, session.begin():
        (source,) = webpage.sources_at(session, page)
        result = webpage.refetch(session, source, page)
    start, later = old.index(QUOTE), old.index(EMBARGO)
    assert result.moved == [
        webpage.Moved("tankers-crossed", QUOTE, (start, start + 25), (start + 7, start + 32)),
        webpage.Moved("embargo-denied", EMBARGO, (later, later + 39), (later + 7, later + 46)),
    ]
    assert result.kept == 0 and result.written.action == "updated"
    assert stored(seeded).text == page.found.text
