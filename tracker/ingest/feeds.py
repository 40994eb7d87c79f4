"""Watching RSS and Atom feeds: each new entry's article becomes a source.

A feed is fetched as a page is (tracker.ingest.download: bounded, and never
from inside the network unless allowed) and parsed by feedparser from the
bytes fetched — feedparser itself never fetches, nor opens a file. What was
seen is kept in the database (tracker.record.models: Feed, FeedEntry): the
feed's ETag and Last-Modified go back as If-None-Match and If-Modified-Since,
so an unchanged feed is one short answer; an entry seen before with the same
fingerprint (what the feed says of it: link, title, dates, summary) is passed
over without a fetch; one whose fingerprint changed (an updated entry) has
its article fetched again, as `tracker add source URL` fetches a page again
(a changed text re-anchors the quotes recorded in it).

Each feed is read, and its articles fetched, before anything is written;
then one transaction (one change in the log) writes what that feed brought,
each entry under a savepoint of its own: an article that cannot be fetched
or stored is one line, and the other entries go on. While any entry failed,
the feed's validators are not kept, so the next run reads the whole feed
again and retries it. What happens to a source once stored (extraction and
its queue, tracker.extract.queue) is the caller's `on_source`.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tracker.errors import AddressRefused, FetchError, TrackerError
from tracker.ingest import adding, download, webpage
from tracker.limits import MAX_URL_LENGTH
from tracker.record import lock
from tracker.record.changelog import ChangeContext
from tracker.record.models import Feed, FeedEntry, Source

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/x-rss+xml",  # what Python's http.server, and others, send for .rss
    "application/x-atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
)
# New or updated entries whose articles one run fetches from one feed (a
# feed keeps its latest few dozen): past this, the rest wait for the next run.
MAX_ENTRIES = 200
# Entries read of one feed document at all: past this, they are not looked at.
MAX_FEED_ENTRIES = 5000
_VALIDATOR_LENGTH = {"etag": 500, "last_modified": 100}  # the columns' sizes

# (session, source id) -> what was done with it, one line (or None): called
# for each source a run added, or whose text it changed.
OnSource = Callable[[Session, str], str | None]


@dataclass(frozen=True)
class Entry:
    """One entry of a feed, as the feed says it."""

    entry_id: str  # its id (RSS guid, Atom id), else its link
    link: str  # its article, absolute
    title: str | None
    fingerprint: str


@dataclass(frozen=True)
class ReadFeed:
    url: str  # as asked for, normalised
    unchanged: bool  # the server answered 304 Not Modified
    title: str | None = None
    entries: tuple[Entry, ...] = ()
    etag: str | None = None
    last_modified: str | None = None
    more: int = 0  # entries past MAX_FEED_ENTRIES, not looked at


@dataclass
class FeedRun:
    """What one run did with one feed."""

    url: str
    failed: str | None = None  # the feed could not be read: one line
    refused: bool = False  # the feed's address is not public (AddressRefused)
    unchanged: bool = False
    seen: int = 0  # entries seen before, passed over
    added: list[str] = field(default_factory=list)  # sources added
    updated: list[str] = field(default_factory=list)  # sources whose text changed
    lines: list[str] = field(default_factory=list)  # what was done, one line each
    errors: list[str] = field(default_factory=list)  # entries that failed, one line each

    @property
    def ok(self) -> bool:
        return self.failed is None and not self.errors

    def summary(self) -> str:
        if self.failed is not None:
            return self.failed
        if self.unchanged:
            return f"feed {self.url}: not modified since the last run"
        parts = [f"{len(self.added)} source(s) added", f"{len(self.updated)} updated"]
        if self.seen:
            parts.append(f"{self.seen} entr{'y' if self.seen == 1 else 'ies'} seen before")
        if self.errors:
            parts.append(f"{len(self.errors)} failed (tried again next run)")
        return f"feed {self.url}: " + ", ".join(parts)


def _feedparser() -> Any:
    try:
        import feedparser
    except ImportError:
        raise TrackerError(
            "watching feeds needs feedparser, which is not installed:"
            " pip install 'tracker[extract]' (or, from a checkout, pip install '.[extract]')"
        ) from None
    return feedparser


def _text(value: object, limit: int = 500) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value[:limit] or None


def _fingerprint(parts: Sequence[object]) -> str:
    data = json.dumps(list(parts), ensure_ascii=False, default=str)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def parse(body: bytes, url: str, headers: dict[str, str] | None = None) -> ReadFeed:
    """The feed in `body`, fetched from `url` (relative links resolve
    against it). Anything that is not a well-formed RSS or Atom feed is a
    FetchError naming `url`."""
    feedparser = _feedparser()
    response_headers = {"content-location": url, **(headers or {})}
    # A stream, never bytes or text: feedparser would take those for a
    # file's name or a URL and open it.
    parsed = feedparser.parse(
        io.BytesIO(body), response_headers=response_headers, sanitize_html=True
    )
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if problem is not None and not isinstance(problem, feedparser.CharacterEncodingOverride):
        # Not its line: feedparser parses its own re-encoding of the document.
        why = problem.getMessage() if hasattr(problem, "getMessage") else str(problem)
        raise FetchError(f"feed {url}: not a well-formed feed: {why}")
    if not parsed.get("version"):
        raise FetchError(f"feed {url}: not an RSS or Atom feed")
    entries: dict[str, Entry] = {}
    more = 0
    for item in parsed.entries:
        link = _link(item, url)
        entry_id = _text(item.get("id"), MAX_URL_LENGTH) or link
        if link is None or entry_id is None or entry_id in entries:
            continue  # nothing to fetch, or the same entry twice
        if len(entries) == MAX_FEED_ENTRIES:
            more += 1
            continue
        title = _text(item.get("title"))
        # dict's own get: feedparser's maps a missing `updated` to `published`, warning.
        dates = [dict.get(item, k) for k in ("updated", "published")]
        summary = item.get("summary")
        entries[entry_id] = Entry(
            entry_id, link, title, _fingerprint([link, title, *dates, summary])
        )
    return ReadFeed(
        url,
        unchanged=False,
        title=_text(parsed.feed.get("title")),
        entries=tuple(entries.values()),
        more=more,
    )


def _link(item: Any, base: str) -> str | None:
    """The entry's article: its link (Atom: rel=alternate), absolute, if it is http(s)."""
    link = item.get("link")
    if not isinstance(link, str) or not link.strip():
        return None
    try:
        absolute = download.checked_url(httpx.URL(base).join(link.strip()))
    except (FetchError, httpx.InvalidURL):
        return None
    return str(absolute)


def read_feed(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    allow_private: bool = False,
    timeout: float | None = None,
    max_bytes: int | None = None,
    max_redirects: int | None = None,
) -> ReadFeed:
    """Fetch and parse the feed at `url`, sending the validators of the last
    run; a 304 answer is a ReadFeed `unchanged`. Failures: FetchError."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    got = download.fetch(
        url,
        allow_private=allow_private,
        accept=FEED_TYPES,
        timeout=timeout,
        max_bytes=max_bytes,
        max_redirects=max_redirects,
        headers=headers,
    )
    if got.status == 304:
        return ReadFeed(got.url, unchanged=True, etag=etag, last_modified=last_modified)
    content_type = got.headers.get("content-type")
    parsed = parse(got.body, got.final_url, {"content-type": content_type} if content_type else {})
    validators = {
        name: _validator(got.headers.get(header), _VALIDATOR_LENGTH[name])
        for name, header in (("etag", "etag"), ("last_modified", "last-modified"))
    }
    return ReadFeed(
        got.url,
        unchanged=False,
        title=parsed.title,
        entries=parsed.entries,
        more=parsed.more,
        **validators,
    )


def _validator(value: str | None, limit: int) -> str | None:
    """A validator to send back as it came; one too long or not printable ASCII is not kept."""
    if not value or len(value) > limit or not all(32 <= ord(c) < 127 for c in value):
        return None
    return value


@dataclass
class _Known:
    feed_id: int | None
    etag: str | None
    last_modified: str | None
    entries: dict[str, tuple[str, int | None]]  # entry id -> (fingerprint, source id)


def _known(engine: Engine, url: str) -> _Known:
    with Session(engine) as session:
        feed = session.scalars(select(Feed).where(Feed.url == url)).one_or_none()
        if feed is None:
            return _Known(None, None, None, {})
        rows = session.execute(
            select(FeedEntry.entry_id, FeedEntry.fingerprint, FeedEntry.source_id).where(
                FeedEntry.feed_id == feed.id
            )
        )
        entries = {entry_id: (fp, source_id) for entry_id, fp, source_id in rows}
        return _Known(feed.id, feed.etag, feed.last_modified, entries)


def watch_feed(
    engine: Engine,
    url: str,
    on_source: OnSource | None = None,
    context: ChangeContext | None = None,
    *,
    allow_private: bool = False,
    timeout: float | None = None,
    max_bytes: int | None = None,
    max_redirects: int | None = None,
) -> FeedRun:
    """Read the feed at `url` once: each new or updated entry's article
    fetched and stored as a source (`on_source` then called with it, in the
    same transaction), what was seen remembered. Never raises for a feed or
    an article that cannot be had: the FeedRun says it."""
    bounds: dict[str, Any] = {
        "allow_private": allow_private,
        "timeout": timeout,
        "max_bytes": max_bytes,
        "max_redirects": max_redirects,
    }
    try:
        url = str(download.checked_url(url, f"feed {url!r}"))
    except FetchError as exc:
        return FeedRun(url, failed=str(exc))
    run = FeedRun(url)
    known = _known(engine, url)
    try:
        feed = read_feed(url, etag=known.etag, last_modified=known.last_modified, **bounds)
    except FetchError as exc:
        run.refused = isinstance(exc, AddressRefused)
        message = str(exc)
        run.failed = message if message.startswith("feed ") else f"feed {message}"
        return run
    if feed.unchanged:
        run.unchanged = True
        return run
    fetched: list[tuple[Entry, webpage.WebPage]] = []
    tried = waiting = 0
    for entry in feed.entries:
        seen = known.entries.get(entry.entry_id)
        if seen is not None and seen[0] == entry.fingerprint:
            run.seen += 1
            continue
        if tried == MAX_ENTRIES:
            waiting += 1
            continue
        tried += 1
        try:
            fetched.append((entry, webpage.fetch_page(entry.link, **bounds)))
        except FetchError as exc:
            run.errors.append(f"feed {url}: entry {entry.entry_id}: {exc}")
    if waiting:
        run.errors.append(
            f"feed {url}: {waiting} new entries past the first {MAX_ENTRIES} left for the next run"
        )
    if feed.more:
        run.errors.append(
            f"feed {url}: {feed.more} entries past the first {MAX_FEED_ENTRIES} not read"
        )
    with lock.transaction(engine, context) as session:
        feed_id = _feed_row(session, url).id
        for entry, page in fetched:
            try:
                with session.begin_nested():
                    _store(session, feed_id, entry, page, feed.title, known, on_source, run)
            except TrackerError as exc:
                run.errors.append(f"feed {url}: entry {entry.entry_id}: {exc}")
        # Read again: the loader leaves the session empty (load_dataset).
        row = session.get_one(Feed, feed_id)
        row.title = feed.title or row.title
        if run.errors:
            # Read whole next time, so that the failed entries are tried again.
            row.etag = row.last_modified = None
        else:
            row.etag, row.last_modified = feed.etag, feed.last_modified
    return run


def _feed_row(session: Session, url: str) -> Feed:
    row = session.scalars(select(Feed).where(Feed.url == url)).one_or_none()
    if row is None:
        row = Feed(url=url)
        session.add(row)
        session.flush()
    return row


def _store(
    session: Session,
    feed_id: int,
    entry: Entry,
    page: webpage.WebPage,
    feed_title: str | None,
    known: _Known,
    on_source: OnSource | None,
    run: FeedRun,
) -> None:
    """One entry's article as a source (added, or updated as `add source
    URL` updates it), the entry remembered, `on_source` told."""
    seen = known.entries.get(entry.entry_id)
    source = session.get(Source, seen[1]) if seen and seen[1] is not None else None
    if source is None:
        at = webpage.sources_at(session, page)
        source = at[0] if at else None
    changed = False
    if source is not None:
        key, source_id = source.key, source.id
        before = source.content_hash
        refetched = webpage.refetch(session, source, page)
        after = session.scalar(select(Source.content_hash).where(Source.id == source_id))
        changed = after != before
        if changed:
            run.updated.append(key)
            run.lines.append(refetched.written.message)
    else:
        found = page.found
        host = httpx.URL(page.download.final_url).host
        given = adding.SourceFields(
            title=None if found.title else entry.title,
            outlet=None if found.outlet else (feed_title or host),
        )
        written, _ = adding.add_source(session, found, page.download.final_url, given)
        key = written.id
        if written.action == "added":
            changed = True
            run.added.append(key)
            run.lines.append(written.message)
    source_id = session.scalars(select(Source.id).where(Source.key == key)).one()
    row = session.scalars(
        select(FeedEntry).where(FeedEntry.feed_id == feed_id, FeedEntry.entry_id == entry.entry_id)
    ).one_or_none()
    if row is None:
        row = FeedEntry(feed_id=feed_id, entry_id=entry.entry_id)
        session.add(row)
    row.link, row.fingerprint, row.source_id = entry.link, entry.fingerprint, source_id
    session.flush()
    if changed and on_source is not None:
        said = on_source(session, key)
        if said:
            run.lines.append(said)


def watch(
    engine: Engine,
    urls: Iterable[str],
    on_source: OnSource | None = None,
    context: ChangeContext | None = None,
    **bounds: Any,
) -> list[FeedRun]:
    """Each feed once, in order; one that fails does not stop the others."""
    return [watch_feed(engine, url, on_source, context, **bounds) for url in urls]
