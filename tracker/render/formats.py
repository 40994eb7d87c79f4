"""The output formats every listing accepts, named without importing tabulate.

`tracker --help` and option parsing need the names; tabulate (and what it
imports) costs more than the rest of the command line's start-up together,
so the list is written out here, and a test holds it to tabulate's own.
"""

from __future__ import annotations

DEFAULT_FORMAT = "table"
# tabulate.tabulate_formats (tabulate 0.9-0.10) but "unsafehtml", which prints
# article text and names as raw HTML.
TABULATE_FORMATS = [
    "asciidoc", "colon_grid", "double_grid", "double_outline", "fancy_grid", "fancy_outline",
    "github", "grid", "heavy_grid", "heavy_outline", "html", "jira", "latex", "latex_booktabs",
    "latex_longtable", "latex_raw", "mediawiki", "mixed_grid", "mixed_outline", "moinmoin",
    "orgtbl", "outline", "pipe", "plain", "presto", "pretty", "psql", "rounded_grid",
    "rounded_outline", "rst", "simple", "simple_grid", "simple_outline", "textile", "tsv",
    "youtrack",
]  # fmt: skip
FORMATS = [DEFAULT_FORMAT, "json", "csv", *TABULATE_FORMATS]

# Formats that carry data exactly, control characters included; every other
# is read by people, and neutralised for the terminal.
DATA_FORMATS = frozenset({"json", "csv", "tsv"})
