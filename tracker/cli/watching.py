"""`tracker watch` and `tracker queue`: sources from RSS and Atom feeds, and
the proposals extracted from them, waiting for review."""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Any

import click

from tracker.cli.common import change_context, connect, echo, echo_listing, format_option

if TYPE_CHECKING:
    from tracker.extract.queue import Queued

QUEUE_HEADERS = ["", "source", "#", "speaker", "cue", "stance", "who", "said", "against"]
DEFAULT_INTERVAL = 30.0  # minutes


@click.command()
@click.argument("feeds", nargs=-1, required=True, metavar="FEED_URL...")
@click.option("--once", is_flag=True, help="Read each feed once, then stop.")
@click.option(
    "--interval",
    type=click.FloatRange(min=1.0),
    default=DEFAULT_INTERVAL,
    show_default=True,
    metavar="MIN",
    help="Minutes between two readings of the feeds (without --once).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1, max=600),
    metavar="SECONDS",
    help="Give up a feed or page that has not answered in full within this time (default: 30).",
)
@click.option(
    "--allow-private",
    is_flag=True,
    help="Fetch from private, loopback and link-local addresses too (your own network).",
)
@click.pass_context
def watch(
    ctx: click.Context,
    feeds: tuple[str, ...],
    once: bool,
    interval: float,
    timeout: float | None,
    allow_private: bool,
) -> None:
    """Read RSS and Atom feeds: each new entry's article is fetched and
    added as a source (as `tracker add source URL` adds it), the claims and
    denials it reports are proposed (as `tracker extract` proposes them) and
    queued for review — `tracker queue` lists them, `tracker extract SOURCE
    --review` asks about them. Nothing becomes a claim without your accept.

    What was seen is remembered: a second reading adds nothing; an entry the
    feed updated has its article fetched again (a changed text re-anchors the
    quotes recorded in it, and is proposed anew). A feed that cannot be read
    is one line on stderr and the others go on; the exit status is then 1.
    Needs the extract extra: pip install 'tracker[extract]'.

    \b
    Examples:
      tracker watch https://example.org/world.rss --once
      tracker watch https://example.org/feed.atom https://example.net/rss --interval 60
    """
    from importlib.util import find_spec

    from tracker.extract.propose import ExtractUnavailable, pipeline
    from tracker.extract.queue import queue_source
    from tracker.ingest.feeds import watch as watch_feeds
    from tracker.render.terminal import error_line, printable

    if find_spec("spacy") is None:  # said before any fetch: extraction is what they are for
        pipeline()  # raises ExtractUnavailable, saying what to install
        raise ExtractUnavailable("spaCy is not installed")
    context = change_context(ctx)
    while True:
        failed = False
        with connect(ctx, create=True) as engine:
            runs = watch_feeds(
                engine,
                feeds,
                # spaCy loaded only when a source is new or changed (seconds
                # of a run that finds nothing new, otherwise).
                lambda session, key: queue_source(session, key, pipeline()),
                context,
                allow_private=allow_private,
                timeout=timeout,
            )
        for run in runs:
            for line in run.lines:
                echo(line)
            for line in run.errors:
                click.echo(error_line(line), err=True)
            if run.failed is not None:
                hint = " (--allow-private fetches it)" if run.refused else ""
                click.echo(error_line(run.failed + hint), err=True)
            else:
                echo(printable(run.summary()))
            failed = failed or not run.ok
        if once:
            ctx.exit(1 if failed else 0)
        sys.stdout.flush()
        time.sleep(interval * 60)


def _row(q: Queued) -> list[Any]:
    against = "\n".join(f"{a['relation']} {a['id']} ({a['score']:g})" for a in q.answers[:3])
    return [
        "!" if q.flagged else "",
        q.source,
        q.position,
        q.speaker,
        q.cue,
        q.stance,
        q.actors,
        q.content,
        against,
    ]


@click.command()
@click.option("--source", "source_key", metavar="ID", help="Only this source's proposals.")
@format_option
@click.pass_context
def queue(ctx: click.Context, source_key: str | None, fmt: str) -> None:
    """List the proposals waiting for review (from `tracker watch`): the
    source, the speaker as written and who it may be, the cue, the words and
    their stance. Those that deny or dispute a claim already recorded come
    first, flagged "!", with the claims they answer. Review a source's with
    `tracker extract SOURCE --review`: each accepted or skipped leaves the
    queue.

    \b
    Examples:
      tracker queue
      tracker queue --source example-wire-20250304 -f json
    """
    from sqlalchemy.orm import Session

    from tracker.extract.queue import queued
    from tracker.ingest import edit

    with connect(ctx) as engine, Session(engine) as session:
        if source_key is not None:
            edit.source_row(session, source_key)  # an unknown id is said so
        echo_listing(
            fmt,
            QUEUE_HEADERS,
            queued(session, source_key),
            _row,
            lambda q: q.as_json(),
            "No proposals are waiting for review.",
        )


COMMANDS = [watch, queue]
