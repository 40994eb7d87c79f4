"""Bounds on what one input may hold or expand to: a hostile or broken file
is refused in one line, before it costs more than these."""

from __future__ import annotations

# An article's text or an HTML page: a long report is a few hundred KiB.
MAX_TEXT_BYTES = 64 * 2**20
# A data file, parsed whole: the sources of a million generated claims, in
# one file, take 66 MiB; a load that large needs gigabytes anyway.
MAX_DATA_BYTES = 256 * 2**20

# How much of a value an error message quotes: a 10,000-character name is
# named by its start, not echoed whole.
MAX_SHOWN = 80
