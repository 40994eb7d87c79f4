"""Listings written as their rows come: memory holds a batch, not the archive.

JSON is byte for byte what `json.dumps(data, indent=2, ensure_ascii=False)`
prints for the whole listing (the JSON contract), but each record is encoded
by orjson (C; the standard library's indented encoder is pure Python, three
times slower) and written at once; a value that is an iterator is written as
an array, item by item. CSV and TSV are written row by row. A table is a
layout over rows: a terminal gets one page of them and is told how many more
there are; piped, a grid is printed every `GRID_ROWS` rows.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

import orjson

T = TypeVar("T")

# A terminal's first page, as `gh` shows 30 issues.
PAGE = 30
# Piped tables: a grid per this many rows, so a grid's widths are known
# without holding the listing.
GRID_ROWS = 500
_FLUSH = 1 << 16
_TSV_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_TSV_ESCAPE = re.compile(r"[\\\t\n\r]")


class Out:
    """Buffered text output through a callable (click.echo without newline)."""

    def __init__(self, write: Callable[[str], Any]) -> None:
        self._write = write
        self._parts: list[str] = []
        self._size = 0

    def write(self, text: str) -> int:
        self._parts.append(text)
        self._size += len(text)
        if self._size >= _FLUSH:
            self.flush()
        return len(text)

    def flush(self) -> None:
        if self._parts:
            self._write("".join(self._parts))
            self._parts, self._size = [], 0


def _dumps(value: Any) -> str:
    try:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()
    except TypeError:  # what orjson refuses (a lone surrogate): the stdlib's way
        return json.dumps(value, ensure_ascii=False, indent=2)


def write_json(value: Any, out: Out, level: int = 0) -> None:
    """`value` as indented JSON at nesting `level`; iterators become arrays
    written an item at a time."""
    pad = "  " * level
    if isinstance(value, Iterator):
        empty = True
        for item in value:
            out.write(("[\n" if empty else ",\n") + pad + "  ")
            write_json(item, out, level + 1)
            empty = False
        out.write("[]" if empty else f"\n{pad}]")
    elif isinstance(value, dict) and any(isinstance(v, Iterator) for v in value.values()):
        out.write("{")
        for n, (key, item) in enumerate(value.items()):
            out.write(
                ("\n" if n == 0 else ",\n") + f"{pad}  {json.dumps(key, ensure_ascii=False)}: "
            )
            write_json(item, out, level + 1)
        out.write(f"\n{pad}}}")
    else:
        text = _dumps(value)
        out.write(text.replace("\n", "\n" + pad) if level else text)


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


def write_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]], out: Out) -> None:
    """Every cell neutralised for spreadsheets as `export -f csv` does
    (tracker.exchange.csvio.neutralise): "=HYPERLINK(...)" is written
    "'=HYPERLINK(...)"."""
    from tracker.exchange.csvio import neutralise

    writer = csv.writer(out, lineterminator="\n")
    # csv quotes a value holding a line feed but not a lone carriage return,
    # which a reader then takes for the end of the record: a row with one is
    # written with every value quoted, and reads back exactly.
    quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(headers)
    for row in rows:
        cells = [neutralise(_cell(v)) for v in row]
        (quoted if any("\r" in c for c in cells) else writer).writerow(cells)


def write_tsv(headers: Sequence[str], rows: Iterable[Sequence[Any]], out: Out) -> None:
    """Tab-separated, unpadded, exact: a backslash, tab, line feed or carriage
    return inside a value is written \\\\, \\t, \\n or \\r, as PostgreSQL's
    COPY and MySQL write TSV, so every value reads back as it was."""

    def clean(value: Any) -> str:
        return _TSV_ESCAPE.sub(lambda m: _TSV_ESCAPES[m[0]], _cell(value))

    out.write("\t".join(headers))
    for row in rows:
        out.write("\n" + "\t".join(clean(v) for v in row))
