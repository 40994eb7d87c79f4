"""What a saved HTML page states about itself, and its bytes as text.

Only what the page declares is read: its `<html lang>`, `<title>`, Open Graph
and article meta tags, the canonical link and schema.org JSON-LD. Nothing is
inferred (no outlet from the domain, no date from the text or the address):
a source's metadata is evidence, and a guess would pass for it. The article
text itself is extracted by trafilatura (tracker.ingest.sourcefile).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from tracker.errors import InputError
from tracker.ingest import strictjson
from tracker.limits import MAX_JSON_LD_CHARS

# Where a browser looks for a declared encoding: the first 1024 bytes.
_PRESCAN = 1024
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_INERT_OPEN = re.compile(r"<!--|<(script|style|template|svg)\b")
# An attribute's value that is a data: URL (an inline image), quoted either way.
_DATA_URL = re.compile(r"\"\s*data:[^\"]*\"|'\s*data:[^']*'", re.IGNORECASE)
_ISO_DAY = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:$|[T ])")

# Meta tags naming the date of publication, most specific first.
_DATE_META = (
    "article:published_time",
    "datepublished",
    "og:published_time",
    "pubdate",
    "publishdate",
    "dc.date.issued",
    "dcterms.issued",
    "date",
)


@dataclass
class PageMeta:
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: str | None = None  # YYYY-MM-DD, as stated
    language: str | None = None


def declared_encoding(raw: bytes) -> str | None:
    """The encoding the page declares (BOM, then <meta charset>), if any."""
    if raw.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    for bom, name in ((codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            return name
    found = _META_CHARSET.search(raw[:_PRESCAN])
    return found[1].decode("ascii").lower() if found else None


class _Reader(HTMLParser):
    def __init__(self, json_ld_max: int | None = MAX_JSON_LD_CHARS) -> None:
        super().__init__(convert_charrefs=True)
        self.json_ld_max = json_ld_max
        self.json_ld_lines: list[int] = []  # where each script starts
        self.lang: str | None = None
        self.title: list[str] | None = None
        self.in_title = False
        self.meta: dict[str, str] = {}
        self.canonical: str | None = None
        self.json_ld: list[str] = []
        self.in_json_ld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "").strip() for k, v in attrs}
        if tag == "html" and a.get("lang"):
            self.lang = self.lang or a["lang"]
        elif tag == "title" and self.title is None:
            self.title, self.in_title = [], True
        elif tag == "meta":
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").lower()
            if key and a.get("content"):
                self.meta.setdefault(key, a["content"])
            if a.get("http-equiv", "").lower() == "content-language" and a.get("content"):
                self.meta.setdefault("content-language", a["content"])
        elif tag == "link" and "canonical" in a.get("rel", "").lower().split():
            self.canonical = self.canonical or a.get("href") or None
        elif tag == "script" and a.get("type", "").lower() == "application/ld+json":
            self.in_json_ld = True
            self.json_ld.append("")
            self.json_ld_lines.append(self.getpos()[0])

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        elif tag == "script":
            self.in_json_ld = False

    def handle_data(self, data: str) -> None:
        if self.in_title and self.title is not None:
            self.title.append(data)
        elif self.in_json_ld and (
            self.json_ld_max is None or len(self.json_ld[-1]) < self.json_ld_max
        ):
            self.json_ld[-1] += data


def _articles(node: Any, depth: int = 0) -> list[dict[str, Any]]:
    """The JSON-LD objects that describe an article (any *Article type)."""
    if depth > 4:
        return []
    if isinstance(node, list):
        return [x for item in node for x in _articles(item, depth + 1)]
    if not isinstance(node, dict):
        return []
    found = []
    kinds = node.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if any(isinstance(k, str) and k.endswith("Article") for k in kinds):
        found.append(node)
    if "@graph" in node:
        found.extend(_articles(node["@graph"], depth + 1))
    return found


def _text(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("name")
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def _day(value: str | None) -> str | None:
    match = _ISO_DAY.match(value.strip()) if value else None
    return match[1] if match else None


def without_inert(html: str) -> str:
    """The page without what can hold no article text: scripts, styles,
    templates, SVG drawings, comments, and images inlined as data: URLs (a
    page saved whole, as SingleFile does, is mostly these). Linear in the
    page's length, whatever it holds: an element never closed ends it."""
    lower = html.lower()
    kept: list[str] = []
    at = 0
    while (found := _INERT_OPEN.search(lower, at)) is not None:
        kept.append(html[at : found.start()])
        closing = "-->" if found[0] == "<!--" else f"</{found[1]}"
        end = lower.find(closing, found.end())
        if end == -1:
            return _DATA_URL.sub('""', "".join(kept))
        at = end + len(closing)
        if closing != "-->":
            at = lower.find(">", at) + 1 or len(html)
    kept.append(html[at:])
    return _DATA_URL.sub('""', "".join(kept))


def json_ld_scripts(html: str) -> list[tuple[int, str]]:
    """The text of each <script type="application/ld+json"> of the page, whole,
    with the line its tag is on."""
    reader = _Reader(json_ld_max=None)
    reader.feed(html)
    reader.close()
    return list(zip(reader.json_ld_lines, reader.json_ld, strict=True))


def read_meta(html: str) -> PageMeta:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    article: dict[str, Any] = {}
    for script in reader.json_ld:
        try:
            found = _articles(strictjson.loads_lenient(script, "JSON-LD"))
        except InputError:
            continue  # a broken script (or one past the bound) states nothing
        if found:
            article = found[0]
            break
    meta = reader.meta
    published = next((meta[k] for k in _DATE_META if k in meta), None)
    title = " ".join("".join(reader.title).split()) if reader.title else None
    return PageMeta(
        title=_text(meta.get("og:title")) or _text(article.get("headline")) or title or None,
        outlet=_text(meta.get("og:site_name")) or _text(article.get("publisher")),
        url=_text(reader.canonical) or _text(meta.get("og:url")) or _text(article.get("url")),
        published=_day(published) or _day(_text(article.get("datePublished"))),
        language=_text(reader.lang)
        or _text(meta.get("content-language"))
        or _text(article.get("inLanguage")),
    )
