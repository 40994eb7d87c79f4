"""`tracker publish`: the record as a static site (needs the web extra)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from tracker.cli.common import claim_filter, connect, date_range, echo
from tracker.cli.serving import _web


@click.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option(
    "--base-url",
    metavar="URL",
    help="Where the site will be hosted (https://example.org/tracker/): each page then"
    " names its canonical address, the feeds their own, and a sitemap.xml is written.",
)
@click.option(
    "--incremental",
    is_flag=True,
    help="Write only the files whose content changed since the last publish into FOLDER.",
)
@click.option("--actor", metavar="NAME", help="Only claims by this actor or countered by it.")
@click.option("--topic", metavar="TOPIC", help="Only claims with this topic.")
@click.option(
    "--claim", "claims", multiple=True, metavar="ID", help="Only this claim (repeatable)."
)
@click.option("--since", metavar="DATE", help="Only claims stated on or after (YYYY[-MM[-DD]]).")
@click.option("--until", metavar="DATE", help="Only claims stated on or before (YYYY[-MM[-DD]]).")
@click.pass_context
def publish(
    ctx: click.Context,
    /,
    folder: Path,
    base_url: str | None,
    incremental: bool,
    claims: tuple[str, ...],
    **kw: Any,
) -> None:
    """Publish the record as a static site in FOLDER: the reading pages of
    `tracker serve` (contests, claims, actors, sources with their quotes
    highlighted, timeline, topics) with relative links, ClaimReview JSON-LD
    in every reviewed claim's page, and Atom feeds of the contests (the
    whole record's, each topic's, each actor's). No script, nothing fetched
    from elsewhere: host it under any path, or open index.html from disk.

    A scope (--actor, --topic, --claim, --since, --until) publishes what the
    export of that scope holds (the claims it picks, the claims related to
    them, the sources and actors they need) and nothing else.

    FOLDER is new, empty, or one published before: pages of removed claims
    are removed. The same record gives the same bytes.

    \b
    Examples:
      tracker publish site/
      tracker publish site/ --base-url https://example.org/tracker/ --incremental
      tracker publish korea/ --topic arms-transfers --since 2024-06
    """
    _web()
    from tracker.publish.site import publish_url

    scope = None
    if claims or any(kw.values()):
        from sqlalchemy.orm import Session

        from tracker.exchange import export

        with connect(ctx) as engine, Session(engine) as session:
            flt = (
                claim_filter(session, kw, date_range(kw["since"], kw["until"]))
                if any(kw.values())
                else None
            )
            scope = export.document(session, export.scope(session, flt, list(claims)))

    shown = sys.stderr.isatty()
    count = 0

    def progress(_name: str) -> None:
        nonlocal count
        count += 1
        if shown and count % 50 == 0:
            sys.stderr.write(f"\rPublishing: {count} pages")
            sys.stderr.flush()

    try:
        result = publish_url(ctx.obj["url"], folder, base_url, incremental, progress, scope)
    finally:
        if shown and count >= 50:
            sys.stderr.write("\n")
    echo(
        f"published {result.pages} pages to {folder}: {result.written} files written,"
        f" {result.unchanged} unchanged, {result.removed} removed"
    )


COMMANDS = [publish]
