"""JSON-LD as schema.org publishes it, read leniently: nested lists, @graph,
the schema.org context in its spellings, types as strings or lists, dates
that are date-times, and the slugs the importer gives what it reads."""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

from anyascii import anyascii

from tracker import dates
from tracker.errors import InputError

Node = dict[str, Any]
_SCHEMA_PREFIXES = ("https://schema.org/", "http://schema.org/", "schema:")
_SLUG_WORDS = 8
# A rating as text: a number a float holds exactly or nearly, in few characters.
_NUMBER_CHARS = 40
_LARGEST = 2**53
_SLUG_LENGTH = 60
# A datePublished may be a DateTime; the tracker keeps the date part.
_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?(?=$|[T ])")


def objects(items: Iterable[Any], path: str) -> Iterator[tuple[str, Node]]:
    for n, item in enumerate(items):
        where = f"{path}[{n}]"
        if isinstance(item, list):
            yield from objects(item, where)
        elif isinstance(item, dict):
            yield where, item
        else:
            raise InputError(f"not JSON-LD: {where} is {kind(item)}, not an object")


def nodes(path: str, top: Node) -> Iterator[tuple[str, Node]]:
    if "@graph" in top:
        yield from objects(listed(top["@graph"]), f"{path}.@graph")
    if "@type" in top:
        yield path, top


def names_schema(ctx: Any) -> bool:
    if isinstance(ctx, str):
        bare = ctx.strip().rstrip("/").removeprefix("https://").removeprefix("http://")
        return bare == "schema.org"
    if isinstance(ctx, list):
        return any(names_schema(part) for part in ctx)
    if isinstance(ctx, dict):
        return any(names_schema(iri) for iri in ctx.values() if isinstance(iri, str))
    return False


def types(node: Node, in_schema: bool) -> set[str]:
    found = set()
    for name in listed(node.get("@type")):
        if not isinstance(name, str):
            continue
        prefix = next((p for p in _SCHEMA_PREFIXES if name.startswith(p)), None)
        if prefix:
            found.add(name.removeprefix(prefix))
        elif in_schema and ":" not in name:
            found.add(name)
    return found


def values(node: Node, name: str) -> list[Any]:
    for key in (name, *(prefix + name for prefix in _SCHEMA_PREFIXES)):
        if key in node:
            return list(listed(node[key]))
    return []


def first(node: Node, name: str) -> Any:
    found = values(node, name)
    return found[0] if found else None


def text(node: Node, name: str) -> str | None:
    value = first(node, name)
    if isinstance(value, dict):
        value = value.get("@value")
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def number(value: Any) -> int | float | None:
    """A rating's number, if it is one a float holds (a 4,000-digit
    ratingValue overflowed float(); it is then no number, as "n/a" is)."""
    value = value.get("@value") if isinstance(value, dict) else value
    if isinstance(value, str):
        text = value.strip()
        if len(text) > _NUMBER_CHARS:
            return None
        with contextlib.suppress(ValueError):
            value = float(text) if re.search(r"[.eE]", text) else int(text)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, int) and abs(value) > _LARGEST:
        return None
    return value if math.isfinite(value) else None


def date(node: Node, where: str, *, day: bool) -> str | None:
    raw = text(node, "datePublished")
    if raw is None:
        return None
    match = _DATE.match(raw)
    try:
        if match is None:
            raise ValueError(raw)
        dates.parse(match.group())
    except ValueError:
        raise InputError(f"{where}: datePublished {raw!r} is not a date (YYYY-MM-DD)") from None
    if day and len(match.group()) != len("2024-06-18"):
        raise InputError(f"{where}: datePublished {raw!r} is not a day (YYYY-MM-DD)")
    return match.group()


def record(keys: str, **values: Any) -> Node:
    return dict.fromkeys(keys.split()) | values


def listed(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def slug(text: str, kind: str, words: int | None = _SLUG_WORDS) -> str:
    found = re.findall(r"[a-z0-9]+", anyascii(text).lower())[:words]
    return "-".join(found)[:_SLUG_LENGTH].rstrip("-") or kind


class Keys:
    """Slugs made unique as they are given out (base, base-2, base-3...),
    each base remembering the next number to try: records sharing one slug
    cost one look-up each, not one per record before them (20,000 claims of
    one slug took 65 s of a 108 s import)."""

    def __init__(self) -> None:
        self.taken: set[str] = set()
        self._next: dict[str, int] = {}

    def unique(self, base: str) -> str:
        key, n = base, self._next.get(base, 1)
        if n > 1 or key in self.taken:
            n = max(n, 2)
            while (key := f"{base}-{n}") in self.taken:
                n += 1
            self._next[base] = n + 1
        self.taken.add(key)
        return key


def without_scheme(url: str) -> str:
    return re.sub(r"^[a-z][a-z0-9+.-]*://(www\.)?", "", url, flags=re.IGNORECASE)


def host(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname
    return host.removeprefix("www.") if host else None


def kind(value: Any) -> str:
    names = {bool: "a boolean", int: "a number", float: "a number", str: "a string"}
    return "null" if value is None else names.get(type(value), type(value).__name__)
