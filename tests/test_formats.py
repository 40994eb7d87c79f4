"""Output formats: a cell holding a list is shown over several lines exactly
where tabulate can show one (its own `multiline_formats`, not a copy that
drifts from it), and on one line in Markdown, whose row is a line."""

from __future__ import annotations

import pytest
from tabulate import multiline_formats

from tracker.render.formats import TABULATE_FORMATS
from tracker.render.output import table

ROW = [["miller-arms-charge", ["Matthew Miller", "Antony Blinken"]]]


@pytest.mark.parametrize("fmt", [f for f in TABULATE_FORMATS if f != "tsv"])
def test_a_list_is_on_several_lines_where_tabulate_can_show_them(fmt: str) -> None:
    shown = table(["ID", "By"], ROW, fmt)
    several = fmt in multiline_formats and fmt not in ("github", "pipe")
    assert ("Matthew Miller; Antony Blinken" in shown) is not several
    lines = [line for line in shown.splitlines() if "Antony Blinken" in line]
    assert len(lines) == 1
    assert ("Matthew Miller" in lines[0]) is not several


def test_formats_tabulate_added_since_the_copy_are_multiline() -> None:
    # colon_grid (tabulate 0.10) was missing from the hand-kept copy.
    assert "Matthew Miller;" not in table(["ID", "By"], ROW, "colon_grid")


def test_every_format_has_one_writer_and_only_formats_do() -> None:
    from tracker.render.formats import FORMATS
    from tracker.render.output import WRITERS, writer

    assert sorted(WRITERS) == sorted(FORMATS)
    with pytest.raises(ValueError, match="no output format 'unsafehtml'"):
        writer("unsafehtml")  # raw HTML of stored text: never a format
