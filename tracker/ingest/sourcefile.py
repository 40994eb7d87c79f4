"""Reading an article from a file: plain text, Markdown with YAML front
matter, or an HTML page saved from a browser.

HTML goes through trafilatura, the extractor news and web-archive projects
use, offline: it is given the file's text and never fetches anything. What
the page itself says (title, site name, date in its metadata, canonical URL,
language) fills the source's fields; nothing is guessed from elsewhere.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tracker import dates
from tracker.errors import InputError

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
MARKDOWN_SUFFIXES = (".md", ".markdown")
FRONT_MATTER_FIELDS = (
    "title",
    "outlet",
    "url",
    "published",
    "credits",
    "language",
    "archived_url",
    "retrieved",
    "excerpt",
    "notes",
)


@dataclass
class SourceFile:
    """What a file says of itself; the caller's options override it."""

    text: str
    raw_hash: str  # of the file's bytes, before any extraction
    kind: str  # text, markdown or html
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: tuple[dt.date, str] | None = None  # first day, precision
    language: str | None = None
    credits: list[str] = field(default_factory=list)  # names, as written
    archived_url: str | None = None
    retrieved: dt.date | None = None
    excerpt: bool = False
    notes: str | None = None


def _decode(path: Path, raw: bytes) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(f"{path}:{line}: not UTF-8 (byte {exc.start})") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _date(path: Path, name: str, value: Any) -> tuple[dt.date, str] | None:
    if value is None or value == "":
        return None
    try:
        return dates.parse(str(value))
    except ValueError as exc:
        raise InputError(f"{path}: {name}: {exc}") from None


def _front_matter(path: Path, text: str) -> tuple[dict[str, Any], str]:
    """The YAML between a first line `---` and the next, and the body after it."""
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---\n", 4)
    if end == -1:
        raise InputError(f"{path}:1: front matter opened with --- but never closed")
    try:
        front = yaml.safe_load(text[4:end]) or {}
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: front matter is not valid YAML: {exc}") from None
    if not isinstance(front, dict):
        raise InputError(f"{path}: front matter must be a mapping of fields")
    unknown = sorted(set(map(str, front)) - set(FRONT_MATTER_FIELDS))
    if unknown:
        raise InputError(
            f"{path}: unknown front matter field {unknown[0]!r};"
            f" expected one of: {', '.join(FRONT_MATTER_FIELDS)}"
        )
    return front, text[end + 5 :]


def _html(path: Path, html: str) -> dict[str, Any]:
    import trafilatura  # heavy (lxml): only for HTML

    document = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        # Only dates the page states; no guessing from its text or address.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if document is None:
        found: dict[str, Any] = {}
    elif isinstance(document, dict):  # trafilatura before 2.0
        found = document
    else:
        found = document.as_dict()
    if not (found.get("text") or "").strip():
        raise InputError(f"{path}: no article text found in this HTML page")
    return {
        "text": found["text"],
        "title": found.get("title"),
        "outlet": found.get("sitename"),
        "url": found.get("url"),
        "published": found.get("date"),
        "language": found.get("language"),
    }


def read(path: Path) -> SourceFile:
    """Read `path` into a source's text and what the file says of itself."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    raw_hash = hashlib.sha256(raw).hexdigest()
    text = _decode(path, raw)
    head = text.lstrip()[:200].lower()
    if path.suffix.lower() in HTML_SUFFIXES or head.startswith(("<!doctype html", "<html")):
        meta = _html(path, text)
        return SourceFile(
            text=meta["text"],
            raw_hash=raw_hash,
            kind="html",
            title=meta["title"],
            outlet=meta["outlet"],
            url=meta["url"],
            published=_date(path, "date in the page", meta["published"]),
            language=meta["language"],
        )
    front, body = _front_matter(path, text)
    credits = front.get("credits") or []
    if isinstance(credits, str):
        credits = [credits]
    retrieved = _date(path, "retrieved", front.get("retrieved"))
    excerpt = front.get("excerpt", False)
    if not isinstance(excerpt, bool):
        raise InputError(f"{path}: front matter field 'excerpt' must be true or false")
    return SourceFile(
        text=body,
        raw_hash=raw_hash,
        kind="markdown" if front or path.suffix.lower() in MARKDOWN_SUFFIXES else "text",
        title=_text(front.get("title")),
        outlet=_text(front.get("outlet")),
        url=_text(front.get("url")),
        published=_date(path, "published", front.get("published")),
        language=_text(front.get("language")),
        credits=[str(c) for c in credits],
        archived_url=_text(front.get("archived_url")),
        retrieved=retrieved[0] if retrieved else None,
        excerpt=excerpt,
        notes=_text(front.get("notes")),
    )


def _text(value: Any) -> str | None:
    return None if value is None or str(value).strip() == "" else str(value).strip()
