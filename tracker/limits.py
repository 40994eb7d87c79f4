"""Bounds on what one input may hold or expand to: a hostile or broken file
is refused in one line, before it costs more than these."""

from __future__ import annotations

# A data file, an article's text, an HTML page: the largest seen in practice
# (a data file of 1,000 generated claims) is about 1 MiB.
MAX_FILE_BYTES = 64 * 2**20

# How much of a value an error message quotes: a 10,000-character name is
# named by its start, not echoed whole.
MAX_SHOWN = 80
