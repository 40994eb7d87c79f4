"""`tracker report`: the click adapter for tracker.report.

Kept apart from tracker/cli.py, which registers it; like the commands there,
it imports SQLAlchemy only when it runs.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import click

from tracker.cli.common import MAX_COUNT, date_range, open_session

# A report an editor reads through: the fifty most countered contests.
DEFAULT_CONTESTS = 50


def _generated_at(no_timestamp: bool) -> dt.datetime | None:
    """Now, or SOURCE_DATE_EPOCH for reproducible builds; None when omitted."""
    if no_timestamp:
        return None
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.now(dt.UTC)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--actor", metavar="NAME", help="An actor dossier: their claims and counters.")
@click.option("--topic", metavar="TOPIC", help="Only claims with this topic.")
@click.option(
    "--claim", "claim_id", metavar="ID", help="One claim and the claims it is directly related to."
)
@click.option("--since", metavar="DATE", help="Claims stated on or after (YYYY[-MM[-DD]]).")
@click.option("--until", metavar="DATE", help="Claims stated on or before (YYYY[-MM[-DD]]).")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the report to FILE instead of standard output.",
)
@click.option(
    "--template",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Your own Jinja2 template (variables: docs/report-templates.md).",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1, max=MAX_COUNT),
    default=DEFAULT_CONTESTS,
    show_default=True,
    help="Show at most this many contests, the most countered; the summary says what is left out.",
)
@click.option("--all", "show_all", is_flag=True, help="Show every contest in scope.")
@click.option("--no-timestamp", is_flag=True, help="Omit the line with the generation time.")
@click.pass_context
def report(
    ctx: click.Context,
    actor: str | None,
    topic: str | None,
    claim_id: str | None,
    since: str | None,
    until: str | None,
    output: Path | None,
    template: Path | None,
    limit: int,
    show_all: bool,
    no_timestamp: bool,
) -> None:
    """A Markdown report (GitHub-flavoured) of contested claims and their sources.

    Contested claims newest first with quotes and footnoted sources, each
    actor's track record, a sources table and a Mermaid map of who counters
    whom. The same database gives the same bytes, except for the one
    "Generated ..." line, which --no-timestamp omits. A scope with more
    than --limit contests shows the most countered of them, and says how
    many are left out (--all: every one).

    \b
    Examples:
      tracker report -o report.md
      tracker report --actor Miller            # an actor dossier
      tracker report --topic arms-transfers --since 2024
      tracker report --claim miller-arms-charge --no-timestamp
      tracker report --template my-layout.md.j2
    """
    from tracker.files import write_text
    from tracker.render.report import build_context
    from tracker.render.report_context import Scope
    from tracker.render.templating import render

    given = ctx.get_parameter_source("limit") != click.core.ParameterSource.DEFAULT
    if given and show_all:
        raise click.UsageError(
            "--limit N shows N contests, --all shows every one: give one of them"
        )
    if claim_id is not None and (actor or topic or since or until):
        raise click.UsageError(
            "--claim reports one claim's thread; drop --actor, --topic, --since and --until"
        )
    start, end = date_range(since, until)
    scope = Scope(
        actor=actor,
        topic=topic,
        claim=claim_id,
        since=start,
        until=end,
        contests=None if show_all else limit,
    )
    with open_session(ctx) as session:
        context = build_context(session, scope, _generated_at(no_timestamp))
    # Rendered with the database closed: a template runs in a child process
    # (tracker.render.bounded) that must share no connection.
    text = render(context, template)
    if output is None:
        click.echo(text, nl=False)
        return
    write_text(output, text)
