"""Commands that find things: search."""

from __future__ import annotations

import shutil
import sys

import click

from tracker.cli.common import format_option, open_session
from tracker.vocabulary import SEARCH_KINDS as KINDS


@click.command()
@click.argument("query")
@click.option(
    "--in",
    "kinds",
    type=click.Choice(KINDS),
    multiple=True,
    help="Search only claim texts, quotes or source texts (repeatable). Default: all three.",
)
@click.option(
    "--limit", type=click.IntRange(min=1), default=20, show_default=True, help="Hits per kind."
)
@format_option
@click.pass_context
def search(ctx: click.Context, query: str, kinds: tuple[str, ...], limit: int, fmt: str) -> None:
    """Search claim texts, quotes and source texts, best hits first.

    Words must all occur (in any form: "denied" finds "deny"); "a phrase" in
    quotes must occur as written; -word must not occur; OR joins alternatives.
    Each hit names the claim it belongs to and the source it is in.

    \b
    Examples:
      tracker search "ballistic missiles"
      tracker search 'denied OR rejected' --in quotes
      tracker search 'munitions -ballistic' -f json
    """
    from tracker.query.search import search as run_search
    from tracker.render.pages import search_hits

    with open_session(ctx) as session:
        hits = run_search(session, query, kinds or KINDS, limit)
    if not hits and fmt not in ("json", "csv"):
        click.echo(f"Nothing matches {query!r}.")
        return
    width = shutil.get_terminal_size((120, 24)).columns
    bold = sys.stdout.isatty()
    click.echo(search_hits(hits, fmt, width, lambda s: click.style(s, bold=True) if bold else s))
