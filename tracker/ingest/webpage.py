"""A page from the web as a source: fetched within bounds
(tracker.ingest.download), read exactly as a saved file is
(tracker.ingest.sourcefile), and fetched again to follow its edits.

A fetched page's URL is the address its text was read from, after
redirects — a fact of the fetch — and not the canonical link the page names
of itself: a page may name any address, another source's included. Its
`retrieved` date is the day (UTC) it was fetched.

Fetched again, a page that changed replaces its source's text and the quotes
recorded in it follow (the loader re-anchors them on their exact text,
prefix and suffix, or refuses the new text): what moved is said. Every other
field stays as recorded (a person may have corrected the page's title or
added its wire credits) unless the command gives it anew. A page whose text
is the same changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.ingest import download, sourcefile
from tracker.ingest.dataset import Dataset
from tracker.ingest.edit import Written, source_spec
from tracker.ingest.load import load_dataset
from tracker.record.models import Appearance, Claim, Source

# A scheme, then "//": what a browser would take as an address, not a file.
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
# How many moved quotes a message lists by name; the rest are counted.
SHOWN_MOVES = 5


@dataclass(frozen=True)
class WebPage:
    """A fetched page, read as a source: `found.url` is the address it was
    read from, `found.retrieved` the day it was fetched."""

    found: sourcefile.SourceFile
    download: download.Download

    @property
    def urls(self) -> list[str]:
        """Every address the fetch went through: the source it updates holds one."""
        d = self.download
        return list(dict.fromkeys([d.url, *d.redirects, d.final_url]))


@dataclass(frozen=True)
class Moved:
    """A recorded quote that the page's new text holds at other offsets."""

    claim: str
    quote: str
    before: tuple[int, int]
    after: tuple[int, int]


@dataclass(frozen=True)
class Refetched:
    written: Written
    moved: list[Moved]
    kept: int  # quotes in the source that stayed where they were


def is_url(text: str) -> bool:
    """`text` is an address (scheme://...), to be fetched, not a file's name."""
    return _URL.match(text) is not None


def fetch_page(
    url: str,
    *,
    allow_private: bool = False,
    timeout: float | None = None,
    max_bytes: int | None = None,
    max_redirects: int | None = None,
) -> WebPage:
    """Fetch `url` and read it as `tracker add source` reads a saved file:
    HTML (text/html, application/xhtml+xml) through the same decoding and
    extraction, in the encoding HTTP declares (else the page's own);
    text/plain and text/markdown as a text file is read, UTF-8 unless HTTP
    declares otherwise. A page with no Content-Type is taken as a file of its
    address's name would be. Anything else is refused (download.PAGE_TYPES).
    Bounds left None are tracker.limits'."""
    got = download.fetch(
        url,
        allow_private=allow_private,
        timeout=timeout,
        max_bytes=max_bytes,
        max_redirects=max_redirects,
    )
    suffix = PurePosixPath(httpx.URL(got.final_url).path).suffix.lower()
    if got.media_type is None:
        html = True if suffix in sourcefile.HTML_SUFFIXES else None
        markdown = suffix in sourcefile.MARKDOWN_SUFFIXES
    else:
        html = got.media_type in download.HTML_TYPES
        markdown = got.media_type == "text/markdown"
    found = sourcefile.from_bytes(
        got.body, got.final_url, html=html, markdown=markdown, charset=got.charset
    )
    found.url = got.final_url
    found.retrieved = got.fetched_at.date()
    return WebPage(found, got)


def sources_at(session: Session, page: WebPage) -> list[Source]:
    """The sources recorded with an address this fetch went through."""
    found = session.scalars(select(Source).where(Source.url.in_(page.urls)).order_by(Source.key))
    return list(found)


def _quotes(session: Session, source_id: int) -> dict[str, list[tuple[str, int, int]]]:
    """Each claim's quotes in the source, in the order they are recorded."""
    rows = session.execute(
        select(Claim.key, Appearance.quote, Appearance.start_offset, Appearance.end_offset)
        .join(Claim, Claim.id == Appearance.claim_id)
        .where(Appearance.source_id == source_id, Appearance.quote.is_not(None))
        .order_by(Appearance.id)
    )
    quotes: dict[str, list[tuple[str, int, int]]] = {}
    for claim, quote, start, end in rows:
        # Not null with a quote: the `quoted` constraint.
        assert quote is not None and start is not None and end is not None
        quotes.setdefault(claim, []).append((quote, start, end))
    return quotes


def refetch(
    session: Session, source: Source, page: WebPage, given: Mapping[str, Any] | None = None
) -> Refetched:
    """Update `source` from `page`, fetched anew: a changed text replaces its
    text (with the fetch's raw hash and date) and re-anchors the quotes
    recorded in it; `given` (SourceSpec fields) overrides what is recorded.
    Nothing changed, nothing is written."""
    key, url, source_id = source.key, page.download.final_url, source.id
    old_length, retrieved = source.text_length, source.retrieved_on
    stored = source_spec(source, url)
    new = page.found
    spec = replace(stored, text=new.text, raw_hash=new.raw_hash, retrieved=new.retrieved)
    text_changed = spec.content_hash != stored.content_hash
    spec = replace(spec if text_changed else stored, **(given or {}))
    before = _quotes(session, source_id)
    report = load_dataset(session, Dataset(sources=[spec]))
    if not report.changed:
        since = f" (retrieved {retrieved.isoformat()})" if retrieved else ""
        message = f"source {key} is unchanged: the page at {url} holds the text stored{since}"
        return Refetched(Written("unchanged", "source", key, message), [], _count(before))
    if not text_changed:
        message = f"updated source {key} (the page at {url} holds the same text)"
        return Refetched(Written("updated", "source", key, message), [], _count(before))
    after = _quotes(session, source_id)
    moved = [
        Moved(claim, quote, (start, end), (new_start, new_end))
        for claim, quotes in before.items()
        for (quote, start, end), (_, new_start, new_end) in zip(
            quotes, after.get(claim, []), strict=True
        )
        if (start, end) != (new_start, new_end)
    ]
    kept = _count(before) - len(moved)
    message = (
        f"updated source {key} from {url}: its text changed"
        f" ({old_length or 0:,} → {len(new.text):,} characters); {_moves(moved, kept)}"
    )
    return Refetched(Written("updated", "source", key, message), moved, kept)


def _count(quotes: dict[str, list[tuple[str, int, int]]]) -> int:
    return sum(len(q) for q in quotes.values())


def _moves(moved: list[Moved], kept: int) -> str:
    if not moved:
        return "no recorded quote moved" + (f" ({kept} in place)" if kept else "")
    claims = len({m.claim for m in moved})
    named = "; ".join(
        f"{m.claim} {m.before[0]}-{m.before[1]} → {m.after[0]}-{m.after[1]}"
        for m in moved[:SHOWN_MOVES]
    )
    more = f"; and {len(moved) - SHOWN_MOVES} more" if len(moved) > SHOWN_MOVES else ""
    in_place = f"; {kept} in place" if kept else ""
    return f"{len(moved)} quote(s) moved in {claims} claim(s): {named}{more}{in_place}"
