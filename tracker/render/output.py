"""Rendering rows and objects: the readable default table, any tabulate format, JSON, CSV."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from tabulate import tabulate, tabulate_formats

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
_MIN_WIDTH = 12


def _cell(value: Any, separator: str) -> Any:
    if isinstance(value, list):
        return separator.join(str(v) for v in value)
    return "" if value is None else value


def _widths(headers: Sequence[str], rows: Sequence[Sequence[Any]], total: int) -> list[int | None]:
    """Column widths that fit the terminal: the widest column gives way first,
    none below its header or a few characters, and never the first (an id,
    to be copied whole)."""
    longest = [len(h) for h in headers]
    for row in rows:
        for i, value in enumerate(row):
            lines = str(value).splitlines() or [""]
            longest[i] = max(longest[i], *(len(line) for line in lines))
    # Short values (dates, counts, statuses) never wrap; prose gives way down
    # to a readable minimum, below which a narrow terminal scrolls instead.
    floor = [longest[0]] + [min(n, _MIN_WIDTH) if n > _MIN_WIDTH else n for n in longest[1:]]
    widths = list(longest)
    # Borders and padding: 3 per column, 1 more at the edge; tabulate also
    # keeps 2 spare characters beside each header.
    budget = total - (3 * len(headers) + 1)
    widths = [
        max(w, len(h) + 2) if w == n else w
        for w, n, h in zip(widths, longest, headers, strict=True)
    ]
    floor = [max(f, len(h) + 2) for f, h in zip(floor, headers, strict=True)]
    longest = [max(n, len(h) + 2) for n, h in zip(longest, headers, strict=True)]
    while sum(widths) > budget:
        i = max(range(len(widths)), key=lambda j: (widths[j] > floor[j], widths[j]))
        if widths[i] <= floor[i]:
            break
        widths[i] -= 1
    return [None if w == n else w for w, n in zip(widths, longest, strict=True)]


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str = DEFAULT_FORMAT) -> str:
    """Rows as text in `fmt` (the default table or a tabulate format)."""
    if fmt == DEFAULT_FORMAT:
        cells = [[_cell(v, "\n") for v in row] for row in rows]
        if not cells:
            return tabulate([], headers=list(headers), tablefmt="simple_grid")
        width = shutil.get_terminal_size((120, 24)).columns
        return tabulate(
            cells,
            headers=list(headers),
            tablefmt="simple_grid",
            maxcolwidths=_widths(headers, cells, width),
            disable_numparse=True,
        )
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
