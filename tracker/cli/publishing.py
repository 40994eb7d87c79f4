"""`tracker publish`: the record as a static site (needs the web extra)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tracker.cli.common import echo
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
@click.pass_context
def publish(ctx: click.Context, folder: Path, base_url: str | None, incremental: bool) -> None:
    """Publish the record as a static site in FOLDER: the reading pages of
    `tracker serve` (contests, claims, actors, sources with their quotes
    highlighted, timeline, topics) with relative links, ClaimReview JSON-LD
    in every reviewed claim's page, and Atom feeds of the contests (the
    whole record's, each topic's, each actor's). No script, nothing fetched
    from elsewhere: host it under any path, or open index.html from disk.

    FOLDER is new, empty, or one published before: pages of removed claims
    are removed. The same record gives the same bytes.

    \b
    Examples:
      tracker publish site/
      tracker publish site/ --base-url https://example.org/tracker/ --incremental
    """
    _web()
    from tracker.publish.site import publish_url

    shown = sys.stderr.isatty()
    count = 0

    def progress(_name: str) -> None:
        nonlocal count
        count += 1
        if shown and count % 50 == 0:
            sys.stderr.write(f"\rPublishing: {count} pages")
            sys.stderr.flush()

    try:
        result = publish_url(ctx.obj["url"], folder, base_url, incremental, progress)
    finally:
        if shown and count >= 50:
            sys.stderr.write("\n")
    echo(
        f"published {result.pages} pages to {folder}: {result.written} files written,"
        f" {result.unchanged} unchanged, {result.removed} removed"
    )


COMMANDS = [publish]
