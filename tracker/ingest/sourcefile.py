"""Reading an article from a file: plain text, Markdown with YAML front
matter, or an HTML page saved from a browser.

HTML is decoded in the encoding it declares; its text goes through
trafilatura, the extractor news and web-archive projects use, offline (it is
given the page and never fetches anything). What the page states of itself
(tracker.ingest.htmlpage: title, site name, date, canonical URL, language)
fills the source's fields; nothing is guessed from elsewhere.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker import dates
from tracker.errors import InputError
from tracker.files import read_bytes
from tracker.ingest.dataset import inside, parse_yaml
from tracker.ingest.htmlpage import declared_encoding, read_meta, without_inert
from tracker.limits import MAX_PAGE_MARKUP, MAX_TEXT_BYTES

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# Codecs Python has that decode text, but are no character set of a page:
# transforms of Unicode (punycode, idna, the escapes) or, as UTF-7, one no
# browser accepts for the scripts it lets through.
_NOT_CHARSETS = {"punycode", "idna", "utf-7", "unicode-escape", "raw-unicode-escape", "undefined"}
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
    title_from_text: bool = False  # the title is the text's first line (a headline)


# A headline: a short first line, as a sentence's start, ending in no
# sentence's punctuation (a question or an exclamation may end one).
MAX_HEADLINE = 200
MAX_HEADLINE_WORDS = 25
_BYLINE = re.compile(r"(?i)^(?:by|from|posted|updated|published|photo|image)\b")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+(?P<title>.+?)\s*#*\s*$")


def headline(text: str, *, markdown: bool = False) -> str | None:
    """The text's first line, when it reads as its headline: short, more
    text after it, a capital (or a figure, or a quotation mark) first, no
    final full stop, comma, colon or semicolon, not a byline or a date, and
    not a sentence the next line goes on with. In Markdown, a first-line
    heading ("# Title")."""
    lines = text.lstrip("\ufeff").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    if len(lines) < 2:
        return None
    first = " ".join(lines[0].split())
    rest = next((line.strip() for line in lines[1:] if line.strip()), "")
    if not rest:
        return None
    if markdown:
        heading = _MARKDOWN_HEADING.match(first)
        if heading is None:
            return None
        first = heading.group("title")
    if not (2 <= len(first.split()) <= MAX_HEADLINE_WORDS and len(first) <= MAX_HEADLINE):
        return None
    if not (first[0].isupper() or first[0].isdigit() or first[0] in "\"'\u201c\u2018"):
        return None
    if first.endswith((".", ",", ";", ":", "\u2026")):
        return None
    if _BYLINE.match(first) or rest[:1].islower() or "://" in first:
        return None
    mentions = dates.mentions(first, None)
    if mentions and sum(m.end - m.start for m in mentions) >= len(first) - 4:
        return None  # "June 18, 2024": a dateline
    return first


def _decode(path: Path | str, raw: bytes, encoding: str = "utf-8-sig") -> str:
    try:
        codec = codecs.lookup(encoding)
    except LookupError:
        raise InputError(f"{path}: declares an unknown encoding {encoding!r}") from None
    if not codec._is_text_encoding or codec.name in _NOT_CHARSETS:
        raise InputError(
            f"{path}: declares the encoding {encoding!r}, which is no character set a page"
            " may be written in"
        )
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        name = "UTF-8" if encoding.startswith("utf-8") else encoding
        raise InputError(f"{path}:{line}: not {name} (byte {exc.start})") from None
    except UnicodeError as exc:  # a codec's own complaint, with no position
        raise InputError(f"{path}: not {encoding} text: {exc}") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _date(path: Path | str, name: str, value: Any) -> tuple[dt.date, str] | None:
    if value is None or value == "":
        return None
    try:
        return dates.parse(str(value))
    except ValueError as exc:
        raise InputError(f"{path}: {name}: {exc}") from None


def _front_matter(path: Path | str, text: str) -> tuple[dict[str, Any], str]:
    """The YAML between a first line `---` and the next, and the body after it."""
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---\n", 3)
    if end == -1:
        raise InputError(f"{path}:1: front matter opened with --- but never closed")
    # The same reader as data files: dates stay as written, errors name a line.
    front = parse_yaml(path, text[4:end], first_line=2) or {}
    if not isinstance(front, dict):
        raise InputError(f"{path}:2: front matter must be a mapping of fields")
    unknown = sorted(set(map(str, front)) - set(FRONT_MATTER_FIELDS))
    if unknown:
        raise InputError(
            f"{path}: unknown front matter field {unknown[0]!r};"
            f" expected one of: {', '.join(FRONT_MATTER_FIELDS)}"
        )
    return front, text[end + 5 :]


def _html(path: Path | str, raw: bytes, raw_hash: str, charset: str | None) -> SourceFile:
    import trafilatura  # heavy (lxml): only for HTML

    # A byte-order mark, then the charset HTTP declares, then the page's own
    # <meta>: the order a browser follows.
    declared = charset if charset and not raw.startswith(_BOMS) else declared_encoding(raw)
    html = _decode(path, raw, declared or "utf-8-sig")
    markup = without_inert(html)
    if len(markup) > MAX_PAGE_MARKUP:
        raise InputError(
            f"{path}: {len(markup) / 2**20:.0f} MiB of markup besides its scripts, styles and"
            f" inline images; an article is read from at most {MAX_PAGE_MARKUP // 2**20} MiB"
            " (save the article's page alone, or its text)"
        )
    meta = read_meta(html)
    # Text only: the metadata trafilatura would add falls back on guesses
    # (the domain for a site name, a date from the text).
    text = trafilatura.extract(
        markup, output_format="txt", with_metadata=False, include_comments=False
    )
    if not (text or "").strip():
        raise InputError(f"{path}: no article text found in this HTML page")
    assert text is not None
    return SourceFile(
        text=text,
        raw_hash=raw_hash,
        kind="html",
        title=meta.title,
        outlet=meta.outlet,
        url=meta.url,
        published=_date(path, "date in the page", meta.published),
        language=meta.language,
    )


def _field(path: Path | str, front: dict[str, Any], name: str) -> str | None:
    value = front.get(name)
    if isinstance(value, (dict, list)):
        raise InputError(f"{path}: front matter field {name!r} must be text")
    return None if value is None or str(value).strip() == "" else str(value).strip()


def check_inside(path: Path) -> None:
    """The data files' rule for a file named on the command line: a link
    is followed only within the folder the file is named in, so that a
    symlink to /etc/passwd or ~/.ssh in a folder of articles is not stored
    as one."""
    if not inside(path, [path.parent]):
        raise InputError(
            f"{path}: links to {path.resolve()}, outside the folder {path.parent};"
            " a source is read only from the folder it is named in (--allow-outside"
            " reads it anyway)"
        )


def read(path: Path, *, allow_outside: bool = False) -> SourceFile:
    """Read `path` into a source's text and what the file says of itself;
    a link out of its folder only with `allow_outside`."""
    if not allow_outside:
        check_inside(path)
    raw = read_bytes(path, MAX_TEXT_BYTES)
    suffix = path.suffix.lower()
    return from_bytes(
        raw,
        path,
        html=True if suffix in HTML_SUFFIXES else None,
        markdown=suffix in MARKDOWN_SUFFIXES,
    )


def from_bytes(
    raw: bytes,
    path: Path | str,
    *,
    html: bool | None = None,
    markdown: bool = False,
    charset: str | None = None,
) -> SourceFile:
    """A file's bytes (or a page's, as fetched) as a source's text and what
    they say of themselves; `path` (a path or a URL) names them in errors.
    `html`: read as an HTML page, or as text (None: HTML if it opens as one);
    `markdown`: text is Markdown; `charset`: the encoding declared outside
    the bytes (HTTP's Content-Type), which a byte-order mark overrides."""
    raw_hash = hashlib.sha256(raw).hexdigest()
    head = raw.lstrip()[:200].lower()
    if html or (html is None and head.startswith((b"<!doctype html", b"<html"))):
        return _html(path, raw, raw_hash, charset)
    # Text is UTF-8 (a BOM is no text), unless HTTP declared otherwise.
    encoding = charset if charset and not raw.startswith(_BOMS) else "utf-8-sig"
    front, body = _front_matter(path, _decode(path, raw, encoding))
    if not body.strip():
        raise InputError(f"{path}: holds no article text")
    credits = front.get("credits") or []
    if isinstance(credits, str):
        credits = [credits]
    if not isinstance(credits, list) or not all(isinstance(c, str) for c in credits):
        raise InputError(f"{path}: front matter field 'credits' must be a list of names")
    retrieved = _date(path, "retrieved", front.get("retrieved"))
    if retrieved and retrieved[1] != "day":
        raise InputError(f"{path}: retrieved: give the full date (YYYY-MM-DD)")
    excerpt = front.get("excerpt", False)
    if not isinstance(excerpt, bool):
        raise InputError(f"{path}: front matter field 'excerpt' must be true or false")
    title = _field(path, front, "title")
    first_line = None if title else headline(body, markdown=bool(front or markdown))
    return SourceFile(
        text=body,
        raw_hash=raw_hash,
        kind="markdown" if front or markdown else "text",
        title=title or first_line,
        title_from_text=first_line is not None,
        outlet=_field(path, front, "outlet"),
        url=_field(path, front, "url"),
        published=_date(path, "published", _field(path, front, "published")),
        language=_field(path, front, "language"),
        credits=credits,
        archived_url=_field(path, front, "archived_url"),
        retrieved=retrieved[0] if retrieved else None,
        excerpt=excerpt,
        notes=_field(path, front, "notes"),
    )
