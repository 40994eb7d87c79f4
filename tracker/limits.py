"""Bounds on what one input may hold, expand to or cost, every one named
here: a hostile or broken file, page, template or stored value is refused
(or cut, in a table) in one line before it costs more than these."""

from __future__ import annotations

# An article's text or an HTML page: a long report is a few hundred KiB.
MAX_TEXT_BYTES = 64 * 2**20
# The markup of a page the article's text is extracted from, once its
# scripts, styles and inline images are set aside: a news page's is well under
# 1 MiB. trafilatura's time and memory grow faster than the markup: 8 MiB of
# it take 1-4 s and 230-310 MB, 32 MiB 14 s and 0.8-1.1 GB, and 64 MiB took
# 46-79 s and 1.7-3.6 GB (measured 2026-12-03, two cores).
MAX_PAGE_MARKUP = 8 * 2**20
# A data file, parsed whole: the sources of a million generated claims, in
# one file, take 66 MiB; a load that large needs gigabytes anyway.
MAX_DATA_BYTES = 256 * 2**20

# How much of one value a table shows (people read tables; JSON, CSV and TSV
# carry the value whole): a claim is a sentence or two, a Contest cell a few
# counter-claims; a claim of one million-character word made `tracker
# claims` print 317 MB in 1.2 GB of memory.
MAX_CELL = 2000

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

# JSON: how deep lists and objects may nest in what is walked recursively
# (JSON-LD; an export document is 7 deep, a ClaimReview about 8), and how
# many digits a whole number may have (an offset or a rating needs a few;
# Python refuses 4,300 with a traceback).
MAX_JSON_DEPTH = 64
MAX_INTEGER_DIGITS = 20
# What `add source` reads of each JSON-LD script of a page, for its metadata:
# a page's data, not a dump (an import of ClaimReview reads scripts whole).
MAX_JSON_LD_CHARS = 200_000

# A report template is a program: it renders in a child process of at most
# this many seconds and this much memory beyond the report's data, and more
# per row the report holds (claims, contests, sources). The shipped template
# renders 20,000 claims (--all: 28,900 rows) in 7.4 s, 0.26 ms a row,
# holding 17 MB more (measured 2026-12-03); the bounds leave it eight times
# that and more. Ranges, numbers and repeated values are checked before they
# are made.
MAX_TEMPLATE_SECONDS = 60
MAX_TEMPLATE_SECONDS_PER_ROW = 0.002
MAX_TEMPLATE_MEMORY = 1024 * 2**20
MAX_TEMPLATE_MEMORY_PER_ROW = 8 * 2**10
MAX_TEMPLATE_RANGE = 100_000  # as Jinja2's sandbox, which says so in a traceback
MAX_TEMPLATE_DIGITS = 1000  # of a whole number; Python prints no more than 4,300
MAX_TEMPLATE_OUTPUT = 64 * 2**20  # characters (or items) one value may hold
