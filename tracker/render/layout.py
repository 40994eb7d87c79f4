"""Tables people read in a terminal: a grid when it fits, a record per block when not.

A grid fits when every column can be as wide as its longest word (the first
column, an id to be copied, as wide as its longest value) and every column
that has to wrap keeps a readable width. Otherwise each row becomes a block,
as `git log` prints commits: its first value as a title, the short values on
one line, the long ones as labelled paragraphs. Widths are what a terminal
draws (wcwidth: a CJK character is two columns). Words are never split, ids
never broken (text in wide scripts breaks between characters, as it does in
print, and a "word" longer than READING_WIDTH every READING_WIDTH
characters): a line may only outrun the terminal when one word is longer
than the whole line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

# A wrapped column narrower than this is unreadable: print blocks instead.
PROSE_MIN = 30
# Values up to this long share one line of a block ("Stated 2024-06 · Status contested").
SHORT = 16
INDENT = "  "
# Paragraphs of a block wrap here at the most, however wide the terminal:
# longer lines are hard to read.
READING_WIDTH = 100
# simple_grid: "│ " before each cell, " " after, and a closing "│".
_BORDER = 3
# tabulate keeps two spare characters beside each header.
_HEADER_SPARE = 2


def _items(value: Any) -> list[str]:
    """A cell's values: a list's items, each of a text's lines."""
    values = value if isinstance(value, list) else [value]
    return [line for v in values for line in ("" if v is None else str(v)).splitlines()]


# Lines break at ASCII white space only: a no-break space holds its words
# together ("11 000", "Mr. Miller"), and measuring must agree with wrapping.
_BREAK = re.compile(r"[ \t\n\r\x0b\x0c]+")


def display_width(text: str) -> int:
    """Columns `text` takes in a terminal (a CJK character two, an accent none)."""
    if text.isascii() and text.isprintable():
        return len(text)
    # Imported when needed: JSON and CSV output never measure text.
    from wcwidth import wcswidth

    found = wcswidth(text)
    return len(text) if found < 0 else found


def _units(word: str) -> list[str]:
    """The pieces a line may break between: the word whole, except that
    text in wide scripts (Chinese, Japanese, Korean), written without spaces,
    breaks between any two of its characters."""
    if all(ord(c) < 0x1100 for c in word):  # no wide character below U+1100
        return _cut(word)
    from wcwidth import wcwidth

    units: list[str] = []
    for c in word:
        size = wcwidth(c)
        if units and (size == 0 or (size == 1 and wcwidth(units[-1][-1]) == 1)):
            units[-1] += c  # an accent stays on its letter, narrow text together
        else:
            units.append(c)
    return [piece for unit in units for piece in _cut(unit)]


def _cut(unit: str) -> list[str]:
    """No word is longer than READING_WIDTH: a run of a thousand letters
    would make every line of a grid as wide (a piped listing megabytes)."""
    if len(unit) <= READING_WIDTH:
        return [unit]
    return [unit[i : i + READING_WIDTH] for i in range(0, len(unit), READING_WIDTH)]


def wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` columns, never splitting a word
    (one longer than `width` has a line of its own)."""
    lines: list[str] = []
    line, used = "", 0
    for word in _BREAK.split(text):
        for n, unit in enumerate(_units(word) if word else []):
            size = display_width(unit)
            gap = 1 if n == 0 and line else 0
            if line and used + gap + size > width:
                lines.append(line)
                line, used, gap = "", 0, 0
            line, used = line + " " * gap + unit, used + gap + size
    return [*lines, line]


def paragraph(text: str, width: int, indent: str = "", hang: str = "") -> str:
    """`text` wrapped at `width` columns: the first line after `indent`, the
    others after `hang`."""
    lines = wrap(text, max(10, width - display_width(hang)))
    return "\n".join([indent + lines[0], *(hang + line for line in lines[1:])])


def _longest(items: list[str], words: bool) -> int:
    pieces = (
        [u for item in items for w in _BREAK.split(item) for u in _units(w)] if words else items
    )
    return max((display_width(p) for p in pieces), default=0)


def grid_widths(
    headers: Sequence[str], rows: Sequence[Sequence[Any]], width: int
) -> list[int] | None:
    """Column widths that fit `width` without splitting a word, or None."""
    cells = [[_items(v) for v in row] for row in rows]
    natural = [len(h) + _HEADER_SPARE for h in headers]
    minimum = list(natural)
    for row in cells:
        for i, items in enumerate(row):
            natural[i] = max(natural[i], _longest(items, words=False))
            minimum[i] = max(minimum[i], _longest(items, words=i > 0))
    minimum[0] = natural[0]
    widths = list(natural)
    budget = width - (_BORDER * len(headers) + 1)
    while sum(widths) > budget:
        shrinkable = [i for i in range(len(widths)) if widths[i] > minimum[i]]
        if not shrinkable:
            return None
        widest = max(shrinkable, key=lambda i: widths[i])
        widths[widest] -= 1
    if any(w < natural[i] and w < PROSE_MIN for i, w in enumerate(widths)):
        return None
    return widths


def grid(headers: Sequence[str], rows: Sequence[Sequence[Any]], widths: list[int]) -> str:
    cells = [
        [
            "\n".join(line for item in _items(v) for line in wrap(item, widths[i]))
            for i, v in enumerate(row)
        ]
        for row in rows
    ]
    from tabulate import tabulate

    return tabulate(cells, headers=list(headers), tablefmt="simple_grid", disable_numparse=True)


def blocks(headers: Sequence[str], rows: Sequence[Sequence[Any]], width: int) -> str:
    """A block per row: the first value as its title, short values on one
    line, the rest as paragraphs under their header."""
    short = [
        i
        for i in range(1, len(headers))
        if all(not isinstance(r[i], list) and len(_items(r[i])) <= 1 for r in rows)
        and _longest([item for r in rows for item in _items(r[i])], words=False) <= SHORT
    ]
    long = [i for i in range(1, len(headers)) if i not in short]
    label = max((display_width(headers[i]) for i in long), default=0)
    hang = len(INDENT) + label + 2
    width = min(width, READING_WIDTH)
    out: list[str] = []
    for row in rows:
        lines = [str(row[0])]
        facts = " · ".join(f"{headers[i]} {row[i]}" for i in short if any(_items(row[i])))
        if facts:
            lines += [INDENT + line for line in wrap(facts, width - len(INDENT))]
        for i in long:
            items = [item for item in _items(row[i]) if item]
            for n, item in enumerate(items):
                head = headers[i].ljust(label) if n == 0 else ""
                wrapped = wrap(item, max(10, width - hang))
                lines.append(f"{INDENT}{head:<{label}}  {wrapped[0]}")
                lines += [" " * hang + rest for rest in wrapped[1:]]
        out.append("\n".join(line.rstrip() for line in lines))
    return "\n\n".join(out)


def terminal_table(
    headers: Sequence[str], rows: Sequence[Sequence[Any]], width: int, may_block: bool
) -> str:
    """The grid when it fits `width`; blocks when not and `may_block` (a
    terminal); else the narrowest grid that splits no word."""
    if not rows:
        from tabulate import tabulate

        return tabulate([], headers=list(headers), tablefmt="simple_grid")
    widths = grid_widths(headers, rows, width)
    if widths is not None:
        return grid(headers, rows, widths)
    if may_block:
        return blocks(headers, rows, width)
    return grid(headers, rows, _squeezed(headers, rows, width))


def _squeezed(headers: Sequence[str], rows: Sequence[Sequence[Any]], width: int) -> list[int]:
    """Each column as narrow as its longest word allows, down toward `width`."""
    cells = [[_items(v) for v in row] for row in rows]
    widths = [len(h) + _HEADER_SPARE for h in headers]
    natural = list(widths)
    for row in cells:
        for i, items in enumerate(row):
            widths[i] = max(widths[i], _longest(items, words=i > 0))
            natural[i] = max(natural[i], _longest(items, words=False))
    widths[0] = natural[0]
    spare = width - (_BORDER * len(headers) + 1) - sum(widths)
    # Share what room there is among the wrapped columns, widest need first.
    while spare > 0:
        wanting = [i for i in range(len(widths)) if widths[i] < natural[i]]
        if not wanting:
            break
        neediest = max(wanting, key=lambda i: natural[i] - widths[i])
        widths[neediest] += 1
        spare -= 1
    return widths
