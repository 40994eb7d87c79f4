"""JSON read by one strict rule, whichever way it comes in (an export
document, ClaimReview, a page's JSON-LD): what Python's json module accepts
beyond RFC 8259, or would turn into a traceback, is refused in one line.

- a key twice in one object (json keeps the last, silently);
- NaN, Infinity, -Infinity, and numbers too large for a float (1e400);
- integers of more than MAX_INTEGER_DIGITS digits (int() refuses 4,300 with
  a ValueError, and a 4,000-digit one overflows float());
- an escaped lone surrogate ("\\ud800"), which is no character: it cannot be
  stored, printed or encoded;
- nesting past what the parser's recursion allows (RecursionError); readers
  that walk the result recursively bound its depth with `check_depth`.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

from tracker.errors import InputError
from tracker.files import read_bytes
from tracker.limits import MAX_INTEGER_DIGITS, MAX_JSON_DEPTH

# An escape \uD800-\uDFFF, its backslash not itself escaped.
_SURROGATE_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\u([dD][89a-fA-F][0-9a-fA-F]{2})")
_LOW = re.compile(r"\\u[dD][c-fC-F][0-9a-fA-F]{2}")
# Comment lines a page may wrap its JSON-LD in (<!-- ... -->, // ...).
_COMMENT_LINE = re.compile(r"^[ \t]*(?://.*|<!--.*?-->|<!--|-->)[ \t]*$", re.MULTILINE)


class _Refused(Exception):
    """Raised by a parser hook; becomes an InputError naming the file."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        key = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        named = found.get("id") or found.get("@id")
        within = f" (the object with id {named!r})" if isinstance(named, str) else ""
        raise _Refused(f"key {key!r} appears twice in one object{within}")
    return found


def _constant(name: str) -> Any:
    raise _Refused(f"{name} is not a number JSON allows")


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(f"the number {text[:40]!r} is too large for a number")
    return value


def _int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_INTEGER_DIGITS:
        raise _Refused(
            f"a whole number of {digits:,} digits; at most {MAX_INTEGER_DIGITS} are read"
        )
    return int(text)


def _line_col(text: str, index: int, first_line: int) -> str:
    line = text.count("\n", 0, index) + first_line
    return f"{line}:{index - (text.rfind(chr(10), 0, index) + 1) + 1}"


def _lone_surrogate(text: str, first_line: int) -> str | None:
    """Where the first escaped lone surrogate is (line:column), if any."""
    low_expected_at = -1
    for match in _SURROGATE_ESCAPE.finditer(text):
        start = match.end() - 6  # its backslash
        high = match[1][1] in "89abAB"
        if not high and start == low_expected_at:
            continue  # the low half of a pair: one character
        if high and _LOW.match(text, match.end()):
            low_expected_at = match.end()
            continue
        return _line_col(text, start, first_line)
    return None


def loads(text: str, name: str, *, strict: bool = True, first_line: int = 1) -> Any:
    """`text` as JSON (`name`: the file, for errors; `first_line`: the
    file's line `text` starts on). `strict=False` lets strings hold raw
    control characters, as pages' JSON-LD often does."""
    try:
        value = json.loads(
            text,
            strict=strict,
            object_pairs_hook=_pairs,
            parse_constant=_constant,
            parse_float=_float,
            parse_int=_int,
        )
    except _Refused as exc:
        raise InputError(f"{name}: {exc}") from None
    except json.JSONDecodeError as exc:
        line = exc.lineno + first_line - 1
        raise InputError(f"{name}:{line}:{exc.colno}: not JSON: {exc.msg}") from None
    except RecursionError:
        raise InputError(f"{name}: lists and objects nest too deeply to read") from None
    if "\\" in text and (at := _lone_surrogate(text, first_line)):
        raise InputError(f"{name}:{at}: an escaped lone surrogate (\\uD800-\\uDFFF) is no text")
    return value


def loads_lenient(text: str, name: str, first_line: int = 1) -> Any:
    """A page's JSON-LD: raw control characters allowed in strings, and the
    comment lines some pages wrap it in skipped; otherwise as `loads`."""
    try:
        return loads(text, name, strict=False, first_line=first_line)
    except InputError:
        if not _COMMENT_LINE.search(text):
            raise
    # Blanked, not removed: the lines keep their numbers.
    bare = _COMMENT_LINE.sub("", text)
    return loads(bare, name, strict=False, first_line=first_line)


def read(path: Path, limit: int) -> Any:
    """A JSON file of at most `limit` bytes (UTF-8, a byte-order mark allowed)."""
    raw = read_bytes(path, limit)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    return loads(text, str(path))


def check_depth(value: Any, name: str, limit: int = MAX_JSON_DEPTH) -> None:
    """Refuse `value` if its lists and objects nest deeper than `limit`
    (readers of JSON-LD walk it recursively)."""
    level: list[Any] = [value]
    for _ in range(limit):
        below: list[Any] = []
        for item in level:
            if isinstance(item, dict):
                below.extend(v for v in item.values() if isinstance(v, (dict, list)))
            elif isinstance(item, list):
                below.extend(v for v in item if isinstance(v, (dict, list)))
        if not below:
            return
        level = below
    raise InputError(f"{name}: lists and objects nest more than {limit} levels deep")
