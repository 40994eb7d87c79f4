"""Rendering rows and objects: the readable default table, any tabulate format, JSON, CSV."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any, TypeVar

from tracker.limits import MAX_CELL
from tracker.record.batching import batches
from tracker.render import layout, stream
from tracker.render.formats import DEFAULT_FORMAT, TABULATE_FORMATS
from tracker.render.layout import terminal_table
from tracker.render.markdown import md_text
from tracker.render.terminal import printable

T = TypeVar("T")

# Markdown tables: each cell escaped as a report's are (tracker.render.markdown),
# so that no "|" splits it, no line break ends the row and no HTML passes.
_MARKDOWN = {"github", "pipe"}


def clip(value: Any) -> Any:
    """A value as a table shows it: text past MAX_CELL characters cut, its
    length said (JSON, CSV and TSV keep it whole), so that one stored text of
    a million characters costs a table a few lines, not 300 MB."""
    if isinstance(value, list):
        return [clip(v) for v in value]
    if isinstance(value, str) and len(value) > MAX_CELL:
        return f"{value[:MAX_CELL]}… ({len(value):,} characters; -f json shows all)"
    return value


def _cell(value: Any, separator: str) -> Any:
    if isinstance(value, list):
        return separator.join(str(v) for v in value)
    return "" if value is None else value


# The width a table fits when no terminal says its own and COLUMNS is not
# set (piped, redirected): 80, as `ls`, Python's shutil.get_terminal_size and
# most tools that lay out text take it. Piped tables are read in a pager, a
# log or a file, where a line wider than the window breaks mid-word.
PIPED_WIDTH = 80


def terminal_width() -> int:
    """COLUMNS if set, else the terminal's width, else PIPED_WIDTH."""
    return shutil.get_terminal_size((PIPED_WIDTH, 24)).columns


def _terminal() -> tuple[int, bool]:
    """The width to fit, and whether output goes to a terminal (or one is
    described by COLUMNS): prose beside a table wraps only there."""
    return terminal_width(), sys.stdout.isatty() or bool(os.environ.get("COLUMNS"))


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


def summary_line(text: str) -> str:
    """A command's one-line summary: on a terminal too narrow for it, broken
    between words (hanging by two spaces) where the terminal would cut one;
    piped, one line to grep."""
    width, terminal = _terminal()
    if not terminal or layout.display_width(text) <= width:
        return text
    return layout.paragraph(text, width, "", "  ")


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str = DEFAULT_FORMAT) -> str:
    """Rows as text in `fmt` (the default table or a tabulate format)."""
    if fmt == "tsv":
        out = Collect()
        stream.write_tsv(headers, rows, out)
        return out.text()
    rows = [[clip(v) for v in row] for row in rows]
    if fmt == DEFAULT_FORMAT:
        # Piped or not, the table fits: a grid, else a block per row.
        return terminal_table(headers, rows, terminal_width(), may_block=True)
    from tabulate import multiline_formats, tabulate  # not imported for JSON and CSV

    # A list in a cell over several lines where tabulate can show them (its
    # own list: tabulate's version decides), but in Markdown, whose row is a line.
    separator = "\n" if fmt in multiline_formats and fmt not in _MARKDOWN else "; "
    cells = [[_cell(v, separator) for v in row] for row in rows]
    if fmt in _MARKDOWN:
        # Control characters shown (␛), as on every page people read, then escaped.
        cells = [[md_text(printable(str(v))) for v in row] for row in cells]
        headers = [md_text(h) for h in headers]
    elif separator == "; ":
        cells = [[str(v).replace("\n", " ") for v in row] for row in cells]
    return tabulate(cells, headers=list(headers), tablefmt=fmt, disable_numparse=True)


class Collect(stream.Out):
    """An Out that keeps what is written, for output small enough to hold."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        super().__init__(self.parts.append)

    def text(self) -> str:
        self.flush()
        return "".join(self.parts)


def csv_text(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    out = Collect()
    stream.write_csv(headers, rows, out)
    return out.text()


def json_text(data: Any) -> str:
    out = Collect()
    stream.write_json(data, out)
    return out.text()


@dataclass(frozen=True)
class Paging:
    """A terminal's first page: `size` rows, then how many more and how to see them."""

    size: int
    total: Callable[[], int]  # all the rows there are, counted when there are more
    noun: str  # "claims"


def more_line(shown: int, total: int, noun: str) -> str:
    """What follows a terminal's first page: how many more, and how to see them."""
    return (
        f"… {total - shown} more {noun} ({total} in all): --limit N shows N, --all shows every one"
    )


Headers = Sequence[str]
Rows = Sequence[Sequence[Any]]
Row = Callable[[Any], Sequence[Any]]


@dataclass(frozen=True)
class Writer:
    """What one output format does: write a listing as its items come
    (`row` makes a table's row of an item, `record` its JSON), and render a
    value whole (`data` for JSON, `rows` for the rest)."""

    listing: Callable[
        [stream.Out, Headers, Iterable[Any], Row, Callable[[Any], Any], Paging | None], None
    ]
    text: Callable[[Headers, Rows, Any], str]


def _json_listing(
    out: stream.Out,
    headers: Headers,
    items: Iterable[Any],
    row: Row,
    record: Callable[[Any], Any],
    paging: Paging | None,
) -> None:
    stream.write_json(map(record, items), out)
    out.write("\n")


def _csv_listing(
    out: stream.Out,
    headers: Headers,
    items: Iterable[Any],
    row: Row,
    record: Callable[[Any], Any],
    paging: Paging | None,
) -> None:
    stream.write_csv(headers, map(row, items), out)


def _tsv_listing(
    out: stream.Out,
    headers: Headers,
    items: Iterable[Any],
    row: Row,
    record: Callable[[Any], Any],
    paging: Paging | None,
) -> None:
    stream.write_tsv(headers, map(row, items), out)
    out.write("\n")


def _default_listing(
    out: stream.Out,
    headers: Headers,
    items: Iterable[Any],
    row: Row,
    record: Callable[[Any], Any],
    paging: Paging | None,
) -> None:
    if paging is not None:
        shown = list(islice(items, paging.size + 1))
        out.write(table(headers, [row(i) for i in shown[: paging.size]]) + "\n")
        if len(shown) > paging.size:
            out.write(more_line(paging.size, paging.total(), paging.noun) + "\n")
        return
    for n, chunk in enumerate(batches(map(row, items), stream.GRID_ROWS)):
        out.write(("\n" if n else "") + table(headers, chunk) + "\n")


def _tabulated(fmt: str) -> Writer:
    def listing(
        out: stream.Out,
        headers: Headers,
        items: Iterable[Any],
        row: Row,
        record: Callable[[Any], Any],
        paging: Paging | None,
    ) -> None:
        # A tabulate format aligns every row with every other: it holds them.
        out.write(table(headers, [row(i) for i in items], fmt) + "\n")

    return Writer(listing, lambda headers, rows, data: table(headers, rows, fmt))


# Every output format and its writer: the one place a format is told apart.
WRITERS: dict[str, Writer] = {
    DEFAULT_FORMAT: Writer(_default_listing, lambda headers, rows, data: table(headers, rows)),
    "json": Writer(_json_listing, lambda headers, rows, data: json_text(data)),
    "csv": Writer(_csv_listing, lambda headers, rows, data: csv_text(headers, rows).rstrip("\n")),
    **{fmt: _tabulated(fmt) for fmt in TABULATE_FORMATS if fmt != "tsv"},
    "tsv": Writer(_tsv_listing, lambda headers, rows, data: table(headers, rows, "tsv")),
}


def writer(fmt: str) -> Writer:
    found = WRITERS.get(fmt)
    if found is None:
        raise ValueError(f"no output format {fmt!r}; there are: {', '.join(WRITERS)}")
    return found


def write_listing(
    out: stream.Out,
    fmt: str,
    headers: Sequence[str],
    items: Iterable[T],
    row: Callable[[T], Sequence[Any]],
    record: Callable[[T], Any],
    paging: Paging | None = None,
) -> None:
    """A listing of `items` written as they come, building only what `fmt`
    shows: a JSON record per item, or a table row. `paging` (a terminal,
    default table): `items` holds at most one more than a page."""
    writer(fmt).listing(out, headers, items, row, record, paging)


def render(fmt: str, headers: Sequence[str], rows: Sequence[Sequence[Any]], data: Any) -> str:
    """One listing in any format: `data` for JSON, `rows` for the rest."""
    return writer(fmt).text(headers, rows, data)
