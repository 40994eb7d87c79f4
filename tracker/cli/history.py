"""`tracker history` and `tracker undo`: the change log read, and a change reversed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from tracker.cli.common import (
    COUNT,
    date_option,
    echo_listing,
    format_option,
    open_session,
)
from tracker.cli.writing import report, write_format, writing

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from tracker.query.history import HistoryFilter


@click.command()
@click.argument("claim_id", metavar="[CLAIM]", required=False)
@click.option("--actor", metavar="NAME", help="Changes to this actor, its names and claims.")
@click.option("--source", metavar="ID", help="Changes to this source and its quotes.")
@click.option("--since", metavar="DATE", help="Changes made on or after (YYYY[-MM[-DD]], UTC).")
@click.option("--by", "by", metavar="NAME", help="Changes made by this name (--as, TRACKER_USER).")
@click.option("--limit", type=COUNT, help="Show at most this many (the newest).")
@format_option
@click.pass_context
def history(
    ctx: click.Context,
    /,
    claim_id: str | None,
    actor: str | None,
    source: str | None,
    fmt: str,
    **kwargs: Any,
) -> None:
    """What changed, when and by whom: every write, newest first, with what it
    did to each claim, actor and source, field by field.

    A claim, an actor or a source narrows it to their changes (a removed one
    is still found by its id). A load lists how many entities it added,
    updated and removed; JSON lists them (the first 50).

    \b
    Examples:
      tracker history --limit 10
      tracker history miller-arms-charge
      tracker history --actor Miller --since 2024-06 -f json
      tracker history --by ana
    """
    from dataclasses import replace

    from tracker.query.history import HistoryFilter, locate
    from tracker.query.history import history as changes
    from tracker.render.history import HISTORY_HEADERS, history_dict, history_row

    named = [n for n in (claim_id, actor, source) if n is not None]
    if len(named) > 1:
        raise click.UsageError("give one of CLAIM, --actor and --source")
    since = date_option(kwargs["since"], "--since")
    with open_session(ctx) as session:
        flt = HistoryFilter()
        if claim_id is not None:
            flt = locate(session, "claim", claim_id)
        elif source is not None:
            flt = locate(session, "source", source)
        elif actor is not None:
            flt = _actor(session, actor)
        flt = replace(
            flt, since=since[0] if since else None, by=kwargs["by"], limit=kwargs["limit"]
        )
        echo_listing(
            fmt,
            HISTORY_HEADERS,
            changes(session, flt),
            history_row,
            history_dict,
            "No changes match." if flt != HistoryFilter() else "No changes recorded yet.",
        )


def _actor(session: Session, name: str) -> HistoryFilter:
    """An actor by any name reads resolve; a removed one by its id."""
    from tracker.errors import NotFound
    from tracker.query.history import locate
    from tracker.record.names import resolve_actor

    try:
        return locate(session, "actor", resolve_actor(session, name).key)
    except NotFound:
        return locate(session, "actor", name)


@click.command()
@click.argument("change_id", metavar="CHANGE", type=click.IntRange(min=1))
@write_format
@click.pass_context
def undo(ctx: click.Context, change_id: int, fmt: str) -> None:
    """Reverse one change: every row it wrote as it was before it.

    Refused when a later change touched the same rows (it names that change:
    undo it first). The undo is itself a change, and can be undone.

    \b
    Examples:
      tracker history --limit 5
      tracker undo 12
    """
    from tracker.ingest import undo as undoing
    from tracker.ingest.edit import Written

    with writing(ctx) as session:
        done = undoing.undo(session, change_id)
    report(ctx, Written("undone", "change", str(done.change), done.message), fmt)


COMMANDS = [history, undo]
