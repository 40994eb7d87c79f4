"""Escaping user text for GitHub-flavoured Markdown and for Mermaid labels.

Everything a report prints from the database (claim text, quotes, names,
titles, URLs) passes through here, so that no value can start a table cell,
emphasis, a link, raw HTML or a new block. Each function returns `Markdown`,
the marker report templates use to tell escaped text from raw values.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "Markdown",
    "footnote_ref",
    "md_text",
    "md_url",
    "mermaid_label",
    "one_line",
    "shorten",
]


class Markdown(str):
    """Text that is already valid Markdown: templates print it unchanged."""

    __slots__ = ()


# Characters with a meaning in inline GFM: escapes, code, emphasis and
# strikethrough, links and footnotes, HTML and autolinks, entities, table
# cells, heading closers, GitHub math, e-mail autolinks.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#$@])")
# GFM's extended autolinks (on GitHub, not in CommonMark) start at "://" and
# at "www."; an escaped ':' or '.' keeps the parser from seeing them.
_SCHEME_SEPARATOR = re.compile(r":(?=//)")
_WWW = re.compile(r"(?i)\b(www)\.")
# What would open a block if the text began a line: a list item, an ordered
# list item, a setext underline or a thematic break (`- - -`). `#`, `>`, `*`
# and `_` are escaped everywhere anyway.
_BLOCK_START = re.compile(r"^(?:[-+](?= |$)|-[- ]*$|=+$|\d{1,9}[.)](?= |$))")
_SPACES = re.compile(r" {2,}")
# Printable ASCII that needs no entity code inside a quoted Mermaid label.
_MERMAID_PLAIN = re.compile(r"[A-Za-z0-9 ,.'/:?!+-]")
_MERMAID_LIST = re.compile(r"^(\d+)\.")
# Absolute web addresses only: anything else (javascript:, data:, relative
# paths) is shown as text, never linked.
_WEB_URL = re.compile(r"https?://[^\s/?#]+[^\s]*", re.IGNORECASE)
_URL_SAFE = re.compile(r"[A-Za-z0-9/:?#@!$&()*+,;=\-._~]|%[0-9A-Fa-f]{2}")


def one_line(value: object) -> str:
    """The text on one line: control characters and line breaks become
    spaces, runs of white space one space, no space at either end."""
    # Only ASCII spaces are collapsed: a no-break space in a quote stays.
    text = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in str(value)
    )
    return _SPACES.sub(" ", text).strip(" ")


def shorten(value: object, width: int) -> str:
    """At most `width` characters, cut at a word boundary when one is near."""
    text = one_line(value)
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    space = cut.rfind(" ")
    if space > width // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-") + "…"


def _escape_block_start(match: re.Match[str]) -> str:
    marker = match[0]
    if marker[0].isdigit():  # "1." -> "1\.": the number stays, the list does not
        return f"{marker[:-1]}\\{marker[-1]}"
    return f"\\{marker}"


def md_text(value: object) -> Markdown:
    """Plain text as inline Markdown that renders as exactly that text.

    Safe anywhere inline: in a paragraph, a heading, a table cell, a list
    item, a footnote, even at the start of a line.
    """
    text = _INLINE_SPECIAL.sub(r"\\\1", one_line(value))
    text = _SCHEME_SEPARATOR.sub(r"\\:", text)
    text = _WWW.sub(r"\1\\.", text)
    text = _BLOCK_START.sub(_escape_block_start, text)
    return Markdown(text)


def _encode_url(url: str) -> str:
    """Percent-encode what may not stand in an autolink or a table cell
    (`|`, `<`, `>`, quotes, backticks, backslashes, non-ASCII)."""
    out: list[str] = []
    pos = 0
    while pos < len(url):
        match = _URL_SAFE.match(url, pos)
        if match:
            out.append(match[0])
            pos = match.end()
            continue
        out.extend(f"%{byte:02X}" for byte in url[pos].encode("utf-8"))
        pos += 1
    return "".join(out)


def is_web_url(url: str) -> bool:
    """Whether `url` is an http(s) address, the only kind a link may point at."""
    return bool(_WEB_URL.fullmatch(url))


def md_url(value: object) -> Markdown:
    """A web address as an autolink (`<https://...>`); anything that is not
    an http(s) address is printed as text, so it can never become a link."""
    url = one_line(value)
    if is_web_url(url):
        return Markdown(f"<{_encode_url(url)}>")
    return md_text(url)


def footnote_ref(number: int) -> Markdown:
    """A GFM footnote reference; the label is always a number we assign."""
    return Markdown(f"[^{int(number)}]")


def _mermaid_char(ch: str) -> str:
    if _MERMAID_PLAIN.match(ch) or (ord(ch) > 127 and ch.isprintable()):
        return ch
    # Mermaid's entity codes: `#` + decimal code point + `;` (like `#quot;`).
    return f"#{ord(ch)};"


def mermaid_label(value: object, width: int | None = None) -> Markdown:
    """A double-quoted Mermaid label: quotes, brackets, `;`, `#`, `%`, `<`,
    `>`, `&` and backticks (markdown strings) become entity codes, so the
    label can neither end early nor carry HTML, comments or directives."""
    text = shorten(value, width) if width else one_line(value)
    label = "".join(_mermaid_char(ch) for ch in text)
    # Mermaid reads a label starting "1. " as a Markdown list it cannot draw.
    label = _MERMAID_LIST.sub(r"\1#46;", label)
    return Markdown(f'"{label}"')
