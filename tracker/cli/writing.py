"""What the commands that write share: the transaction, the output, the questions.

Each write runs in one transaction under the write lock, prints what it
wrote (or the JSON of it with -f json), and on bad input prints one line and
changes nothing.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from tracker.cli.common import change_context, connect

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from tracker.ingest.edit import Written

WRITE_FORMATS = ("text", "json")


def write_format(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--format",
        "-f",
        "fmt",
        type=click.Choice(WRITE_FORMATS),
        default="text",
        show_default=True,
        help="text: one line saying what was written; json: that, with the entity's record.",
    )(f)


@contextmanager
def writing(ctx: click.Context, silent: bool = False) -> Iterator[Session]:
    """A session whose work commits together or not at all, under the write
    lock: one change in the log, made by whoever --as names."""
    from tracker.record import lock

    context = change_context(ctx, silent)
    with connect(ctx, create=True) as engine, lock.transaction(engine, context) as session:
        yield session


def report(ctx: click.Context, written: Written, fmt: str) -> None:
    """Print what was written; for JSON, with the entity as it now stands."""
    if fmt == "text":
        from tracker.render.terminal import printable

        click.echo(printable(written.message))
        return
    click.echo(json.dumps(_record(ctx, written), ensure_ascii=False, indent=2))


def report_each(ctx: click.Context, written: list[Written], fmt: str) -> None:
    """Print what one command wrote to several entities: a line each; for
    JSON, one of them as `report` prints it, several as a list of those."""
    if len(written) == 1 or fmt == "text":
        for each in written:
            report(ctx, each, fmt)
        return
    records = [_record(ctx, each) for each in written]
    click.echo(json.dumps(records, ensure_ascii=False, indent=2))


def _record(ctx: click.Context, written: Written) -> dict[str, Any]:
    data: dict[str, Any] = {
        "action": written.action,
        "kind": written.kind,
        "id": written.id,
        "message": written.message,
    }
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from tracker.query import queries
    from tracker.record.models import Actor, Appearance, Source
    from tracker.render import views

    with connect(ctx) as engine, Session(engine) as session:
        if written.kind in ("claim", "appearance", "relation") and written.action != "removed":
            data["claim"] = views.claim_dict(queries.claim(session, written.id))
        elif written.kind in ("actor", "alias") and written.action != "removed":
            actor = session.scalars(select(Actor).where(Actor.key == written.id)).one()
            data["actor"] = views.actor_dict(actor)
        elif written.kind == "source" and written.action != "removed":
            source = session.scalars(select(Source).where(Source.key == written.id)).one()
            quotes = session.scalar(select(func.count()).where(Appearance.source_id == source.id))
            data["source"] = views.source_dict(source, int(quotes or 0))
    return data


def actor_key(session: Session, name: str) -> str:
    """The actor a write names: by id or a whole alias, or the surname of
    the one person who bears it (said on stderr, and kept with the change);
    never by a guess."""
    from tracker.ingest.adding import writer_key

    key, said = writer_key(session, name)
    echo_notes([said] if said else [])
    return key


def echo_notes(said: list[str]) -> None:
    """What resolving a name told the user, on stderr."""
    from tracker.render.terminal import printable

    for line in said:
        click.echo(printable(line), err=True)


def confirm(question: str, yes: bool) -> None:
    """Ask before destroying; scripts say --yes."""
    if yes:
        return
    if not sys.stdin.isatty():
        raise click.UsageError(
            f"{question} There is no terminal to ask on (standard input is not one):"
            " add --yes to do it without asking."
        )
    if not click.confirm(question, default=False):
        raise click.Abort()
