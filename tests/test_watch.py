"""`tracker watch` and `tracker queue`: feeds served by the tests' own server
(127.0.0.1, hence --allow-private), never the internet. Each new entry's
article becomes a source and its proposals wait in the queue, no claim
written; what was seen is remembered, so a second run adds nothing; a feed
that cannot be read is one line and the others go on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tests.conftest import Runner
from tests.test_load import snapshot
from tests.webserver import Item, Route, WebServer, atom, rss
from tracker.ingest import feeds
from tracker.record.models import Change, Claim, Feed, FeedEntry, QueuedProposal, Source

pytest.importorskip("spacy")
pytest.importorskip("feedparser")

WALKTHROUGH = Path(__file__).resolve().parent.parent / "docs" / "walkthrough"
ZEMBLA = (WALKTHROUGH / "zembla-tankers.html").read_text(encoding="utf-8")
ZEMBLA_KEY = "example-wire-20250304"
# The README's walkthrough serves the same page.
KREMLIN = (WALKTHROUGH / "kremlin-missiles.html").read_text(encoding="utf-8")
KREMLIN_KEY = "example-wire-20240619"
UPDATE = "<p>UPDATE: The ministry repeated its denial on Wednesday, calling it a lie.</p>"


def ok(result: Any) -> str:
    assert result.exit_code == 0, result.output
    return str(result.stdout)


def counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return {
            model.__tablename__: int(session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (Source, Claim, Feed, FeedEntry, QueuedProposal, Change)
        }


def queue_json(run: Runner, *args: str) -> list[dict[str, Any]]:
    found = json.loads(ok(run("queue", "-f", "json", *args)))
    assert isinstance(found, list)
    return found


def serve_two(web: WebServer, etag: str | None = None) -> str:
    """A feed of the two articles, the first listed twice (a duplicate entry)."""
    zembla, kremlin = web.page("/zembla", ZEMBLA), web.page("/kremlin", KREMLIN)
    items = [
        Item("wire-1", zembla, "Zembla rejects report"),
        Item("wire-2", kremlin, "Kremlin rejects US charge"),
        Item("wire-1", zembla, "Zembla rejects report"),
    ]
    return web.feed("/news.rss", rss(items), etag=etag)


def test_new_entries_become_sources_and_wait_for_review(
    run: Runner, seeded: Engine, web: WebServer
) -> None:
    feed = serve_two(web)
    before = counts(seeded)
    out = ok(run("watch", feed, "--once", "--allow-private"))
    assert f"added source {ZEMBLA_KEY}" in out and f"added source {KREMLIN_KEY}" in out
    assert out.splitlines()[-1] == f"feed {feed}: 2 source(s) added, 0 updated"
    after = counts(seeded)
    assert after["sources"] == before["sources"] + 2
    assert after["claims"] == before["claims"]  # nothing written without an accept
    assert after["feed_entries"] == 2  # the duplicate entry once
    assert web.asked("/zembla") == 1
    assert after["changes"] == before["changes"] + 1  # one write, in the log
    queued = queue_json(run)
    assert {q["source"] for q in queued} == {ZEMBLA_KEY, KREMLIN_KEY}
    # The denial of a recorded claim (Miller's charge) comes first, flagged.
    first = queued[0]
    assert first["flagged"] and first["source"] == KREMLIN_KEY
    assert first["stance"] == "denies" and first["cue"] == "rejected"
    assert first["answers"][0]["id"] == "miller-arms-charge"
    flags = [q["flagged"] for q in queued]
    assert flags == sorted(flags, reverse=True) and not flags[-1]
    kovac = [q for q in queued if q["cue"].startswith("told") and q["source"] == ZEMBLA_KEY]
    assert kovac and kovac[0]["content"] == "The report is a fabrication from beginning to end"
    table = ok(run("queue"))
    assert table.startswith("!\n") and "denies miller-arms-charge (80)" in table

    # A second run adds nothing, and fetches no article again.
    state = snapshot(seeded)
    again = ok(run("watch", feed, "--once", "--allow-private"))
    assert again == f"feed {feed}: 0 source(s) added, 0 updated, 2 entries seen before\n"
    assert snapshot(seeded) == state
    assert web.asked("/zembla") == 1 and web.asked("/news.rss") == 2


def test_an_unchanged_feed_is_not_read_again(run: Runner, seeded: Engine, web: WebServer) -> None:
    feed = serve_two(web, etag='"v1"')
    ok(run("watch", feed, "--once", "--allow-private"))
    with Session(seeded) as session:
        assert session.scalars(select(Feed.etag)).one() == '"v1"'
    state = snapshot(seeded)
    again = ok(run("watch", feed, "--once", "--allow-private"))
    assert again == f"feed {feed}: not modified since the last run\n"
    assert web.requests[-1].headers["If-None-Match"] == '"v1"'
    assert web.requests[-1].headers["User-Agent"].startswith("tracker/")
    assert snapshot(seeded) == state


def test_an_updated_entry_fetches_its_article_again(
    run: Runner, seeded: Engine, web: WebServer
) -> None:
    """Atom: the same id with a new `updated` is fetched again, as re-adding
    the URL does: the text replaced, the recorded quotes carried along, and
    the new text proposed anew."""
    url = web.page("/zembla", ZEMBLA)
    feed_url = web.feed("/news.atom", atom([Item("urn:wire:1", url)]), "application/atom+xml")
    ok(run("watch", feed_url, "--once", "--allow-private"))
    queued_before = queue_json(run, "--source", ZEMBLA_KEY)
    # A reviewer records the report the ministry denies, in its proposed words.
    quote = next(q["content"] for q in queued_before if "three tankers" in q["content"])
    ok(run("add", "actor", "Daily Example", "--kind", "organization"))
    ok(
        run(
            "add", "claim", "--by", "Daily Example", "--id", "tankers-crossed", "--text",
            "Three tankers crossed the strait.", "--source", ZEMBLA_KEY, "--quote", quote,
        )
    )  # fmt: skip
    # The same entry again: nothing fetched.
    ok(run("watch", feed_url, "--once", "--allow-private"))
    assert web.asked("/zembla") == 1
    # The article changed, and the feed says so.
    web.page("/zembla", ZEMBLA.replace("<article>", "<article>" + UPDATE))
    web.feed(
        "/news.atom",
        atom([Item("urn:wire:1", url, updated="2025-03-05T08:00:00Z")]),
        "application/atom+xml",
    )
    out = ok(run("watch", feed_url, "--once", "--allow-private"))
    assert f"updated source {ZEMBLA_KEY} from {url}: its text changed" in out
    assert "1 quote(s) moved in 1 claim(s): tankers-crossed" in out
    assert out.splitlines()[-1] == f"feed {feed_url}: 0 source(s) added, 1 updated"
    shown = json.loads(ok(run("show", "tankers-crossed", "-f", "json")))
    with Session(seeded) as session:
        text = session.scalars(select(Source.text).where(Source.key == ZEMBLA_KEY)).one()
        assert text is not None and shown["appearances"][0]["start"] == text.index(quote)
    # Proposed anew from the new text: the update's denial is queued, the
    # recorded quote is not.
    queued = queue_json(run, "--source", ZEMBLA_KEY)
    assert [q for q in queued if q["cue"] == "repeated"]
    assert [q["content"] for q in queued if quote in q["content"]] == []
    said = {(q["cue"], q["content"]) for q in queued}
    said_before = {(q["cue"], q["content"]) for q in queued_before}
    # What left the queue is what was recorded; what joined it, the update's.
    assert [content for _, content in said_before - said] == [quote]
    update = UPDATE.removeprefix("<p>").removesuffix("</p>")
    assert said - said_before and all(
        cue in update and content in update for cue, content in said - said_before
    )
    assert web.asked("/zembla") == 2


def test_feeds_that_fail_are_one_line_each_and_the_others_go_on(
    run: Runner, seeded: Engine, web: WebServer
) -> None:
    good = serve_two(web)
    malformed = web.feed("/broken.rss", "<rss version='2.0'><channel><title>x</channel>")
    html = web.page("/page.rss", "<html><body>not a feed</body></html>", "application/xml")
    web.redirect("/loop-a", "/loop-b")
    web.redirect("/loop-b", "/loop-a")
    slow = web.feed("/slow.rss", rss([]), delay=3.0)
    missing = web.url("/gone.rss")
    before = counts(seeded)
    result = run(
        "watch", malformed, missing, web.url("/loop-a"), slow, html, good,
        "--once", "--allow-private", "--timeout", "1",
    )  # fmt: skip
    assert result.exit_code == 1
    errors = result.stderr.splitlines()
    assert errors == [
        f"feed {malformed}: not a well-formed feed: mismatched tag",
        f"feed {missing}: the server answered 404 Not Found",
        f"feed {web.url('/loop-a')}: redirects in a loop (back to {web.url('/loop-a')})",
        f"feed {slow}: no complete answer within 1 seconds",
        f"feed {html}: not an RSS or Atom feed",
    ]
    # The good feed, after them all, was read.
    assert result.stdout.splitlines()[-1] == f"feed {good}: 2 source(s) added, 0 updated"
    assert counts(seeded)["sources"] == before["sources"] + 2
    with Session(seeded) as session:
        assert session.scalars(select(Feed.url)).all() == [good]  # nothing of the others


def test_a_huge_feed_and_a_huge_article_are_refused(seeded: Engine, web: WebServer) -> None:
    huge = web.feed("/huge.rss", rss([Item(str(n), web.url(f"/{n}")) for n in range(400)]))
    run = feeds.watch_feed(seeded, huge, allow_private=True, max_bytes=20_000)
    assert run.failed == f"feed {huge}: larger than 20,000 bytes, the most a fetch reads"
    big = web.page("/big", ZEMBLA.replace("</article>", "<p>word </p>" * 5000 + "</article>"))
    small = web.page("/zembla", ZEMBLA)
    feed = web.feed("/two.rss", rss([Item("big", big), Item("small", small)]))
    run = feeds.watch_feed(seeded, feed, allow_private=True, max_bytes=20_000)
    assert run.errors == [
        f"feed {feed}: entry big: {big}: larger than 20,000 bytes, the most a fetch reads"
    ]
    assert run.added == [ZEMBLA_KEY] and not run.ok


def test_an_article_that_fails_is_tried_again_next_run(
    run: Runner, seeded: Engine, web: WebServer
) -> None:
    zembla = web.page("/zembla", ZEMBLA)
    kremlin = web.url("/kremlin")  # not there yet
    feed = web.feed("/news.rss", rss([Item("a", zembla), Item("b", kremlin)]), etag='"v1"')
    result = run("watch", feed, "--once", "--allow-private")
    assert result.exit_code == 1
    assert result.stderr == f"feed {feed}: entry b: {kremlin}: the server answered 404 Not Found\n"
    assert f"added source {ZEMBLA_KEY}" in result.stdout
    with Session(seeded) as session:
        assert session.scalars(select(Feed.etag)).one() is None  # so the feed is read whole
    web.page("/kremlin", KREMLIN)
    again = ok(run("watch", feed, "--once", "--allow-private"))
    assert f"added source {KREMLIN_KEY}" in again
    assert again.splitlines()[-1] == (
        f"feed {feed}: 1 source(s) added, 0 updated, 1 entry seen before"
    )


def test_review_takes_proposals_off_the_queue(run: Runner, seeded: Engine, web: WebServer) -> None:
    ok(run("watch", serve_two(web), "--once", "--allow-private"))
    queued = queue_json(run, "--source", KREMLIN_KEY)
    assert len(queued) == 3
    claims = counts(seeded)["claims"]
    # The first: accepted, as a denial of Miller's charge (its 2nd candidate);
    # the second: its speaker kept unresolved, so skipped; then quit.
    result = review(run, KREMLIN_KEY, "a\n2\nk\nq\n")
    assert result.exit_code == 0, result.output
    assert "added claim no-us-charge-of-north-korean-missiles-took; denies miller-arms-charge" in (
        result.output
    )
    assert "Wrote 1 of 3 proposals." in result.output
    assert f"Took 2 proposal(s) of {KREMLIN_KEY} off the review queue; 1 left on it." in (
        result.output
    )
    left = queue_json(run, "--source", KREMLIN_KEY)
    assert [q["proposal"] for q in left] == [3]
    assert counts(seeded)["claims"] == claims + 1
    # Reviewing again asks about the one left only; a skip takes it off too.
    again = review(run, KREMLIN_KEY, "s\n" + "k\ns\n" * 3)
    assert again.output.count("[3/3]") == 1 and "[1/3]" not in again.output
    assert "Nothing accepted" not in again.output
    assert queue_json(run, "--source", KREMLIN_KEY) == []
    assert counts(seeded)["claims"] == claims + 1
    # With nothing queued, a review is of every proposal, as before.
    third = review(run, KREMLIN_KEY, "q\n")
    assert "[1/3]" in third.output and "Nothing accepted: nothing written." in third.output


def test_accept_all_writes_only_the_queued(run: Runner, seeded: Engine, web: WebServer) -> None:
    ok(run("watch", serve_two(web), "--once", "--allow-private"))
    with Session(seeded) as session:
        queued = int(session.scalar(select(func.count()).select_from(QueuedProposal)) or 0)
    result = run("extract", ZEMBLA_KEY, "--accept-all")
    assert result.exit_code == 0, result.output
    left = queue_json(run)
    assert {q["source"] for q in left} <= {KREMLIN_KEY, ZEMBLA_KEY}
    assert len(left) < queued
    # What is left of the Zembla article is what --accept-all held back.
    assert all(
        q["actors"].startswith(("?", "unresolved")) for q in left if q["source"] == ZEMBLA_KEY
    )


def test_a_watch_run_is_one_change_that_undo_takes_back(
    run: Runner, seeded: Engine, web: WebServer
) -> None:
    before = snapshot(seeded)
    feed = serve_two(web)
    ok(run("watch", feed, "--once", "--allow-private"))
    with Session(seeded) as session:
        change = session.scalar(select(func.max(Change.id)))
    ok(run("undo", str(change)))
    after = snapshot(seeded)
    for table in ("sources", "feed_entries", "queued_proposals", "claims", "feeds"):
        assert after[table] == before[table], table
    # Undone, the entries are new again.
    again = ok(run("watch", feed, "--once", "--allow-private"))
    assert again.splitlines()[-1] == f"feed {feed}: 2 source(s) added, 0 updated"


def test_a_watched_source_removed_stays_removed(
    run: Runner, seeded: Engine, web: WebServer
) -> None:
    feed = serve_two(web)
    ok(run("watch", feed, "--once", "--allow-private"))
    ok(run("remove", "source", KREMLIN_KEY, "--yes"))
    assert {q["source"] for q in queue_json(run)} == {ZEMBLA_KEY}
    again = ok(run("watch", feed, "--once", "--allow-private"))
    assert again.splitlines()[-1] == (
        f"feed {feed}: 0 source(s) added, 0 updated, 2 entries seen before"
    )


def review(run: Runner, source: str, answers: str) -> Any:
    from click.testing import CliRunner

    from tracker.cli import cli

    return CliRunner().invoke(cli, ["--db", run.url, "extract", source, "--review"], input=answers)


def test_redirects_are_followed_to_the_feed_and_the_article(
    run: Runner, seeded: Engine, web: WebServer
) -> None:
    web.page("/2025/zembla", ZEMBLA)
    web.redirect("/z", "/2025/zembla", status=301)
    web.feed("/news.rss", rss([Item("z", web.url("/z"))]))
    old = web.redirect("/old.rss", "/news.rss", status=301)
    out = ok(run("watch", old, "--once", "--allow-private"))
    assert out.splitlines()[-1] == f"feed {old}: 1 source(s) added, 0 updated"
    with Session(seeded) as session:
        url = session.scalars(select(Source.url).where(Source.key == ZEMBLA_KEY)).one()
        # The source is where its text was read; the feed, as asked for.
        assert url == web.url("/2025/zembla")
        assert session.scalars(select(Feed.url)).one() == old


def test_last_modified_goes_back_as_if_modified_since(
    run: Runner, seeded: Engine, web: WebServer
) -> None:
    stamp = "Tue, 04 Mar 2025 10:00:00 GMT"
    feed = web.feed("/news.atom", atom([]), "application/atom+xml", last_modified=stamp)
    assert ok(run("watch", feed, "--once", "--allow-private")) == (
        f"feed {feed}: 0 source(s) added, 0 updated\n"
    )
    again = ok(run("watch", feed, "--once", "--allow-private"))
    assert again == f"feed {feed}: not modified since the last run\n"
    assert web.requests[-1].headers["If-Modified-Since"] == stamp
    assert "If-None-Match" not in web.requests[-1].headers


def test_a_304_is_an_answer_only_to_a_conditional_request(web: WebServer) -> None:
    from tracker.errors import FetchError
    from tracker.ingest import download

    web.routes["/x"] = Route(status=304)
    with pytest.raises(FetchError, match="the server answered 304 Not Modified"):
        download.fetch(web.url("/x"), allow_private=True)
    got = download.fetch(web.url("/x"), allow_private=True, headers={"If-None-Match": '"a"'})
    assert (got.status, got.body) == (304, b"")
    # A 3xx with no Location is an answer too, never a traceback.
    web.routes["/y"] = Route(status=300)
    with pytest.raises(FetchError, match="the server answered 300 Multiple Choices"):
        download.fetch(web.url("/y"), allow_private=True)


def test_without_once_it_reads_again_after_the_interval(
    run: Runner, seeded: Engine, web: WebServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    feed = serve_two(web)
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        if len(slept) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(time, "sleep", sleep)
    result = run("watch", feed, "--interval", "5", "--allow-private")
    assert slept == [300.0, 300.0]
    assert web.asked("/news.rss") == 2 and web.asked("/zembla") == 1
    assert result.stdout.count("2 entries seen before") == 1


def test_an_article_the_record_refuses_is_one_line_and_the_rest_is_stored(
    run: Runner, seeded: Engine, web: WebServer
) -> None:
    """A plain-text page keeps its control characters (HTML's extraction
    drops them), which the record refuses: that entry is one line, its
    savepoint rolled back; the next entry is stored, the feed's title
    standing for the outlet a text file does not name."""
    bad = web.page("/bad.txt", "Tankers\n\nAna \x1b[31mKovac said it was a lie.\n", "text/plain")
    good = web.page("/good.txt", 'Tankers\n\n"It is a lie," Ana Kovac said.\n', "text/plain")
    feed = web.feed("/n.rss", rss([Item("bad", bad), Item("good", good)]))
    before = counts(seeded)
    result = run("watch", feed, "--once", "--allow-private")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"feed {feed}: entry bad: {bad}: source 'example-wire':")
    assert "control character (U+001B)" in result.stderr
    assert counts(seeded)["sources"] == before["sources"] + 1
    assert counts(seeded)["feed_entries"] == 1
    with Session(seeded) as session:
        outlet = session.scalars(select(Source.outlet).where(Source.url == good)).one()
        assert outlet == "Example Wire"
    assert [q["speaker"] for q in queue_json(run)] == ["Ana Kovac"]


def test_entries_past_a_runs_bound_wait_for_the_next_run(
    seeded: Engine, web: WebServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feeds, "MAX_ENTRIES", 1)
    body = 'Talks\n\n"Talks will resume in May," Ana Kovac said of round {n}.\n'
    pages = [web.page(f"/{n}.txt", body.format(n=n), "text/plain") for n in range(3)]
    feed = web.feed("/n.rss", rss([Item(str(n), page) for n, page in enumerate(pages)]))
    first = feeds.watch_feed(seeded, feed, allow_private=True)
    assert len(first.added) == 1 and not first.ok
    assert first.errors == [f"feed {feed}: 2 new entries past the first 1 left for the next run"]
    second = feeds.watch_feed(seeded, feed, allow_private=True)
    assert (len(second.added), second.seen) == (1, 1)
    third = feeds.watch_feed(seeded, feed, allow_private=True)
    assert (len(third.added), third.seen, third.ok) == (1, 2, True)
