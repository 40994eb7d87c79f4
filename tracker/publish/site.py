"""The static site: every reading page of tracker serve, asked of the web
application in this process and written as a file, its links made relative.

A page is published as the server renders it for a reader (no sign-in, no
forms, no script: tracker.web's templates leave them out when published),
so the site and the server never disagree. Links are rewritten here, not in
the templates: `/claims/x` from `actors/y.html` becomes `../claims/x.html`,
so the folder can be hosted under any path or opened from disk. A link the
static site cannot answer (a filter, the search, the JSON beside a page)
keeps its text and loses its link.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import tempfile
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.errors import TrackerError
from tracker.publish.asgi import Client
from tracker.web.desk import Desk

MANIFEST = ".tracker-publish.json"
# What a site starts from; every other page is found by following links.
ROOTS = ("/", "/claims", "/actors", "/sources", "/timeline", "/topics")
_LISTINGS = {"claims", "actors", "sources", "timeline", "topics"}
_ITEMS = {"claims", "actors", "sources"}

_ANCHOR = re.compile(r"<a\b([^>]*)>(.*?)</a>", re.S)
_HREF = re.compile(r'\bhref="([^"]*)"')
_LINKED = re.compile(r'\b(href|src)="(/[^"/][^"]*|/)"')
_FORM = re.compile(r"<form\b.*?</form>\s*", re.S)


@dataclass
class Published:
    pages: int
    written: int
    unchanged: int
    removed: int


def page_file(link: str) -> str | None:
    """The file a site-absolute link is published as, or None when a static
    site has no page for it. `/claims?page=2` is `claims-page-2.html`."""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    query = parse_qsl(parts.query, keep_blank_values=True)
    suffix = ""
    if query:
        if len(query) != 1 or query[0][0] != "page" or not query[0][1].isdigit():
            return None
        number = int(query[0][1])
        suffix = f"-page-{number}" if number > 1 else ""
    if parts.path == "/":
        return f"index{suffix}.html"
    if parts.path.startswith("/static/") and not query:
        name = parts.path.removeprefix("/static/")
        return f"static/{name}" if re.fullmatch(r"[a-z]+\.(css|js)", name) else None
    segments = parts.path[1:].split("/")
    if len(segments) == 1 and segments[0] in _LISTINGS:
        return f"{segments[0]}{suffix}.html"
    if len(segments) == 2 and segments[0] in _ITEMS and not suffix:
        key = unquote(segments[1])
        # A key is one file name in one folder, whatever it holds.
        if not key or key.startswith(".") or "/" in key or "\\" in key or "\0" in key:
            return None
        if key.endswith(".json"):
            return None
        return f"{segments[0]}/{key}.html"
    return None


def _relative(target: str, here: str) -> str:
    return "../" * here.count("/") + quote(target)


def _rewrite(body: str, here: str, path: str, found: Callable[[str], None]) -> str:
    """Links made relative to the page at `here` (the site's `path`); `found`
    hears each page linked. A link of a query alone (`?page=2`, a pager's)
    is to `path` itself."""

    def anchor(match: re.Match[str]) -> str:
        attrs, inner = match.group(1), match.group(2)
        href = _HREF.search(attrs)
        if href is not None and href.group(1).startswith("?"):
            link = path + html.unescape(href.group(1))
        elif href is None or not href.group(1).startswith("/") or href.group(1).startswith("//"):
            return match.group(0)
        else:
            link = html.unescape(href.group(1))
        linked, _, fragment = link.partition("#")
        target = page_file(linked)
        if target is None:
            return f"<span>{inner}</span>"
        found(linked)
        new = _relative(target, here) + (f"#{quote(fragment)}" if fragment else "")
        return (
            f'<a{attrs[: href.start()]}href="{html.escape(new)}"{attrs[href.end() :]}>{inner}</a>'
        )

    def other(match: re.Match[str]) -> str:
        link = html.unescape(match.group(2))
        target = page_file(link)
        if target is None:
            return match.group(0)
        found(link)
        return f'{match.group(1)}="{html.escape(_relative(target, here))}"'

    return _LINKED.sub(other, _ANCHOR.sub(anchor, _FORM.sub("", body)))


def _head(body: str, extra: list[str]) -> str:
    return (
        body.replace("</head>", "".join(f"{e}\n" for e in extra) + "</head>", 1) if extra else body
    )


def script_json(data: object) -> str:
    """JSON inside a <script> element: no `<`, `>` or `&` that could end it."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def claim_reviews(session: Session, key: str) -> list[dict[str, object]]:
    """The ClaimReview documents of one claim, as `export -f claimreview` writes them."""
    from tracker.exchange import claimreview, export

    doc = export.document(session, export.scope(session, keys=[key]))
    doc["claims"] = [c for c in doc.get("claims") or [] if c.get("id") == key]
    if not doc["claims"] or not doc["claims"][0].get("reviews"):
        return []
    return claimreview.to_claimreview(doc)


def base_url(value: str | None) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise TrackerError(
            f"--base-url {value[:80]!r}: give an http(s) address, as https://example.org/tracker/"
        )
    return value if value.endswith("/") else value + "/"


def pages(desk: Desk, base: str | None, feeds: dict[str, list[str]]) -> Iterator[tuple[str, bytes]]:
    """Every page of the site and its file, each once, found from ROOTS.
    `feeds`: per page file, the feeds its head announces."""
    from tracker.record.models import Claim, Review
    from tracker.web.app import create_app

    with desk.reading() as session:
        reviewed = set(session.scalars(select(Claim.key).join(Review, Review.claim_id == Claim.id)))
    client = Client(create_app(desk, published=True))
    try:
        queue = deque(ROOTS)
        # By file: `/claims`, `/claims?` and `/claims?page=1` are one page.
        seen = {page_file(root) for root in queue}
        while queue:
            path = queue.popleft()
            target = page_file(path)
            assert target is not None
            answer = client.get(*(path.split("?", 1) if "?" in path else (path, "")))
            if answer.status != 200:
                raise TrackerError(
                    f"publish: {path} answered {answer.status}; nothing more was written"
                )
            if target.startswith("static/"):
                yield target, answer.body
                continue
            linked: list[str] = []
            body = _rewrite(answer.body.decode("utf-8"), target, path.split("?")[0], linked.append)
            for link in linked:
                if page_file(link) not in seen:
                    seen.add(page_file(link))
                    queue.append(link)
            extra = []
            if base is not None:
                extra.append(f'<link rel="canonical" href="{html.escape(base + quote(target))}">')
            for feed in feeds.get(target, []):
                extra.append(
                    '<link rel="alternate" type="application/atom+xml"'
                    f' href="{html.escape(_relative(feed, target))}">'
                )
            key = unquote(path.split("/", 2)[2]) if target.startswith("claims/") else None
            if key in reviewed:
                with desk.reading() as session:
                    reviews = claim_reviews(session, key)
                if reviews:
                    extra.append(
                        f'<script type="application/ld+json">\n{script_json(reviews)}\n</script>'
                    )
            yield target, _head(body, extra).encode("utf-8")
    finally:
        client.close()


def sitemap(base: str, files: list[str]) -> bytes:
    """sitemaps.org's format: every page's address."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    lines += [f"<url><loc>{html.escape(base + quote(f))}</loc></url>" for f in files]
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _manifest(folder: Path) -> dict[str, str] | None:
    path = folder / MANIFEST
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        files = data["files"]
        if not isinstance(files, dict):
            raise TypeError
    except (OSError, ValueError, KeyError, TypeError):
        raise TrackerError(
            f"{path}: not a manifest tracker wrote; publish to another folder"
        ) from None
    names = {str(k): str(v) for k, v in files.items()}
    for name in names:
        # The manifest says which files a publish may remove: never one outside the site.
        if name.startswith(("/", "\\")) or ".." in Path(name).parts or "\0" in name:
            raise TrackerError(
                f"{path}: names a file outside the site ({name[:80]!r}); nothing was changed"
            )
    return names


def _write(path: Path, data: bytes) -> None:
    """Whole or not at all: a reader never sees half a page."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".publish-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def publish(
    desk: Desk,
    folder: Path,
    base: str | None = None,
    incremental: bool = False,
    progress: Callable[[str], None] | None = None,
    log: Desk | None = None,
) -> Published:
    """Write the site into `folder`: a new or empty one, or one tracker
    published before (its manifest lists the files it wrote). Pages of
    removed claims are removed; with `incremental` only the files whose
    bytes changed are written. `log`: the database whose change log dates
    the feeds' entries, when `desk` is a copy of a scope of it."""
    from tracker.publish import feeds

    folder = folder.resolve()
    if folder.exists() and not folder.is_dir():
        raise TrackerError(f"{folder} is a file, not a folder")
    before = _manifest(folder) if folder.is_dir() else None
    if before is None and folder.is_dir() and any(folder.iterdir()):
        raise TrackerError(
            f"{folder} holds files tracker did not publish: publish to a new or empty folder"
        )
    with desk.reading() as session:
        if log is None:
            found = feeds.feeds(session, base)
        else:
            with log.reading() as logged:
                found = feeds.feeds(session, base, logged)
    written: dict[str, str] = {}
    counts = {"written": 0, "unchanged": 0}

    def put(name: str, data: bytes) -> None:
        digest = _digest(data)
        written[name] = digest
        path = folder / name
        if incremental and before is not None and before.get(name) == digest and path.is_file():
            counts["unchanged"] += 1
            return
        _write(path, data)
        counts["written"] += 1

    for name, data in pages(desk, base, found.announced):
        put(name, data)
        if progress is not None:
            progress(name)
    for name, data in found.files.items():
        put(name, data)
    html_files = sorted(n for n in written if n.endswith(".html"))
    if base is not None:
        put("sitemap.xml", sitemap(base, html_files))
    removed = 0
    for name in sorted(set(before or {}) - set(written)):
        path = folder / name
        if path.is_file():
            path.unlink()
            removed += 1
    _write(
        folder / MANIFEST,
        (json.dumps({"files": dict(sorted(written.items()))}, indent=1) + "\n").encode(),
    )
    return Published(len(html_files), counts["written"], counts["unchanged"], removed)


def publish_url(
    url: str | None,
    folder: Path,
    base: str | None = None,
    incremental: bool = False,
    progress: Callable[[str], None] | None = None,
    scope: dict[str, Any] | None = None,
) -> Published:
    """publish() from the database at `url` (as --db takes it), read-only;
    `scope` (an export document of a scope of it): that scope alone."""
    checked = base_url(base)
    desk = Desk.open(url, read_only=True)
    try:
        if scope is None:
            return publish(desk, folder, checked, incremental, progress)
        from tracker.publish.scoped import copy_of

        with copy_of(scope) as copy:
            scoped = Desk.open(copy, read_only=True)
            try:
                return publish(scoped, folder, checked, incremental, progress, log=desk)
            finally:
                scoped.close()
    finally:
        desk.close()
