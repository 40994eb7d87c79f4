"""Text bound for a terminal, neutralised: a claim's text, a name or a quote
can hold ESC, OSC, BEL or CR sequences that would set the window's title,
clear the screen or hide what is printed. JSON and CSV keep the data exact;
everything people read goes through `printable`."""

from __future__ import annotations

import os
import re
from typing import TextIO

from tracker.limits import MAX_SHOWN

# Each control character becomes one visible character of the same width, so
# offsets and column widths measured on the original still hold: C0 controls
# their Unicode "control pictures" (ESC -> ␛, CR -> ␍, NUL -> ␀), DEL ␡, C1
# controls (0x80-0x9f, CSI among them) the replacement character. Tab and
# line feed stay: they are layout, not commands.
_CONTROLS = {c: 0x2400 + c for c in range(0x20) if c not in (0x09, 0x0A)}
_CONTROLS[0x7F] = 0x2421
_CONTROLS.update({c: 0xFFFD for c in range(0x80, 0xA0)})
# Lone surrogates (a file name's byte that is not UTF-8, as Python decodes
# it) cannot be encoded for a terminal at all: the replacement character.
_CONTROLS.update({c: 0xFFFD for c in range(0xD800, 0xE000)})
_ONE_LINE = {**_CONTROLS, 0x0A: 0x2424, 0x09: 0x20}  # line feed -> ␤

# A quoted value in an error message ('...' or "...", as repr() writes them).
_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
MAX_ERROR = 600


def printable(text: str) -> str:
    """`text` with every control character but tab and line feed made visible."""
    return text.translate(_CONTROLS)


def _shorten_quoted(match: re.Match[str]) -> str:
    quoted = match[0]
    if len(quoted) <= MAX_SHOWN + 2:
        return quoted
    return f"{quoted[: MAX_SHOWN - 20]}…{quoted[0]} ({len(quoted) - 2:,} characters)"


def error_line(message: str) -> str:
    """An error message as one bounded, harmless line: control characters
    visible, each quoted value cut to its start, the whole at most MAX_ERROR
    characters (the file and line come first, so they survive)."""
    line = _QUOTED.sub(_shorten_quoted, message.translate(_ONE_LINE))
    return line if len(line) <= MAX_ERROR else line[: MAX_ERROR - 1] + "…"


def may_style(stream: TextIO) -> bool:
    """Whether bold and colour may go to `stream`: a terminal, unless NO_COLOR
    is set and not empty (https://no-color.org), which turns off every ANSI
    style a tool adds, bold included."""
    return stream.isatty() and not os.environ.get("NO_COLOR")
