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

# Fetching a page (tracker.ingest.download). A news article's HTML, scripts
# and inline styles included, is rarely over 2 MiB; 16 MiB leaves room for
# the heaviest without letting a hostile server fill memory.
MAX_FETCH_BYTES = 16 * 2**20
# The whole fetch, every redirect and byte included: a server that answers
# slowly, or dribbles its page a byte at a time, is given up on after this.
FETCH_TIMEOUT = 30.0
# Browsers follow 20; a news URL behind a shortener and an https upgrade
# needs three or four. More is a misconfigured or hostile site.
MAX_REDIRECTS = 10
# A URL is stored with its source, in a column this wide (sources.url).
MAX_URL_LENGTH = 2000
