"""Rendering rows and objects: the readable default table, any tabulate format, JSON, CSV."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from tabulate import tabulate, tabulate_formats

from tracker.render import layout
from tracker.render.layout import terminal_table

T = TypeVar("T")

DEFAULT_FORMAT = "table"
FORMATS = [DEFAULT_FORMAT, "json", "csv", *tabulate_formats]
# Tabulate formats that can show a cell over several lines.
_MULTILINE = {
    "plain",
    "simple",
    "grid",
    "simple_grid",
    "rounded_grid",
    "heavy_grid",
    "mixed_grid",
    "double_grid",
    "fancy_grid",
    "outline",
    "simple_outline",
    "rounded_outline",
    "heavy_outline",
    "mixed_outline",
    "double_outline",
    "fancy_outline",
    "psql",
    "rst",
    "orgtbl",
    "jira",
    "presto",
    "pretty",
}


def _cell(value: Any, separator: str) -> Any:
    if isinstance(value, list):
        return separator.join(str(v) for v in value)
    return "" if value is None else value


def _terminal() -> tuple[int, bool]:
    """The width to fit, and whether output goes to a terminal (or one is
    described by COLUMNS): piped output stays a grid, a terminal may get blocks."""
    if sys.stdout.isatty() or os.environ.get("COLUMNS"):
        return shutil.get_terminal_size((120, 24)).columns, True
    return 120, False


def paragraph(text: str, fmt: str, indent: str = "", hang: str = "") -> str:
    """A line of prose beside a table: wrapped to the terminal for the
    default format on a terminal, as it is otherwise (one line to grep)."""
    if fmt != DEFAULT_FORMAT:
        return indent + text
    width, terminal = _terminal()
    if not terminal:
        return indent + text
    return "\n".join(
        layout.paragraph(line, min(width, layout.READING_WIDTH), indent, hang)
        for line in text.split("\n")
    )


def _tsv(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Tab-separated, unpadded: a tab or line break inside a value becomes a space."""

    def clean(value: Any) -> str:
        return re.sub(r"[\t\r\n]+", " ", str(_cell(value, "; ")))

    return "\n".join("\t".join(clean(v) for v in row) for row in [list(headers), *rows])


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str = DEFAULT_FORMAT) -> str:
    """Rows as text in `fmt` (the default table or a tabulate format)."""
    if fmt == DEFAULT_FORMAT:
        width, terminal = _terminal()
        return terminal_table(headers, rows, width, may_block=terminal)
    if fmt == "tsv":
        return _tsv(headers, rows)
    separator = "\n" if fmt in _MULTILINE else "; "
    cells = [[_cell(v, separator) for v in row] for row in rows]
    if separator == "; ":
        cells = [[str(v).replace("\n", " ") for v in row] for row in cells]
    return tabulate(cells, headers=list(headers), tablefmt=fmt, disable_numparse=True)


def csv_text(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows([_cell(v, "; ") for v in row] for row in rows)
    return buffer.getvalue()


def json_text(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def render_each(
    fmt: str,
    headers: Sequence[str],
    items: Sequence[T],
    row: Callable[[T], Sequence[Any]],
    record: Callable[[T], Any],
) -> str:
    """A listing of `items`, building only what `fmt` shows: a JSON record per
    item, or a table row (claim records derive status and every relation)."""
    if fmt == "json":
        return json_text([record(item) for item in items])
    return render(fmt, headers, [row(item) for item in items], None)


def render(fmt: str, headers: Sequence[str], rows: Sequence[Sequence[Any]], data: Any) -> str:
    """One listing in any format: `data` for JSON, `rows` for the rest."""
    if fmt == "json":
        return json_text(data)
    if fmt == "csv":
        return csv_text(headers, rows).rstrip("\n")
    return table(headers, rows, fmt)
