"""The `tracker` command line: parse options, call one library function, print.

SQLAlchemy and Alembic are imported inside the commands, so `tracker --help`
stays instant.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from contextlib import ExitStack, suppress
from pathlib import Path
from typing import Any

import click

from tracker import __version__
from tracker.cli import (
    adding,
    editing,
    fixing,
    history,
    publishing,
    reviewing,
    serving,
    watching,
)
from tracker.cli.common import (
    change_context,
    claim_filter,
    connect,
    date_range,
    echo,
    echo_claims,
    echo_listing,
    filter_options,
    format_option,
    limit_options,
    open_session,
    paging,
)
from tracker.cli.exchanging import export, import_
from tracker.cli.extracting import extract
from tracker.cli.finding import search, source, timeline, topics
from tracker.cli.report import report
from tracker.errors import TrackerError
from tracker.render.terminal import error_line
from tracker.vocabulary import STATUSES

EXIT_ERROR = 1
EXIT_USAGE = 2
# The reader of the output went away (`tracker claims | head`): the status of
# a tool the shell saw killed by SIGPIPE, 128 + 13, as `cat` or `seq` report.
EXIT_BROKEN_PIPE = 141


def _scrub(message: str, url: str | None) -> str:
    """Never print a database password, whatever a driver puts in its message."""
    from tracker.record.scrub import scrub

    return scrub(message, url)


def _os_error(exc: OSError) -> str:
    if exc.filename is not None:
        return f"{exc.filename}: {exc.strerror or exc}"
    # No file named: standard output. Pointed at the null device, so that
    # Python's own flush at exit finds nothing left to fail on.
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    return f"cannot write standard output: {exc.strerror or exc}"


# A lone surrogate: how Python decodes a byte of an argument that is not UTF-8.
_NOT_UTF8 = re.compile("[\ud800-\udfff]")


def _not_utf8(arg: str) -> str:
    try:  # as Python decodes argv: each byte that is not UTF-8, U+DC80-U+DCFF
        raw = arg.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return f"an argument holds a lone surrogate, which is no text: {arg!a}"
    byte = next(ord(c) - 0xDC00 for c in arg if _NOT_UTF8.match(c))
    return (
        f"an argument is not UTF-8 text: {ascii(raw)[1:]} (byte 0x{byte:02X});"
        " is the terminal's encoding UTF-8?"
    )


class TrackerGroup(click.Group):
    """Turns library errors into one line on stderr and a stable exit status."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # The command as given, for the change log (tracker.cli.common.change_context).
        ctx.meta["tracker.args"] = list(args)
        # Every argument of every command passes here first. One not in UTF-8
        # (a terminal in Latin-1) would reach the database or the terminal as
        # a lone surrogate, which neither can encode (UnicodeEncodeError); a
        # path that exists under that name is the one exception.
        for arg in args:
            if _NOT_UTF8.search(arg) and not os.path.lexists(arg):
                raise click.UsageError(_not_utf8(arg), ctx)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            result = super().invoke(ctx)
            # Said now, as one line, rather than by Python at exit, as a
            # traceback: a full disk or /dev/full behind standard output.
            sys.stdout.flush()
            return result
        except BrokenPipeError:
            # Stop quietly (click would exit 1, an error here). What is still
            # buffered goes nowhere, so the flush at exit cannot fail again
            # (Python's docs, "Note on SIGPIPE"); SIGPIPE itself stays ignored,
            # or a dropped database socket would kill the process unheard.
            with suppress(OSError, ValueError):  # no file descriptor: a test's capture
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(EXIT_BROKEN_PIPE)
        except TrackerError as exc:
            url = ctx.obj.get("url") if isinstance(ctx.obj, dict) else None
            click.echo(f"Error: {error_line(_scrub(str(exc), url))}", err=True)
            ctx.exit(exc.exit_code)
        except click.ClickException as exc:  # click's own, quoting an option's value
            exc.message = error_line(exc.message)  # type: ignore[misc]  # Final in the stubs
            raise
        except OSError as exc:  # a file or standard output that cannot be written
            click.echo(f"Error: {error_line(_os_error(exc))}", err=True)
            ctx.exit(EXIT_ERROR)
        except Exception as exc:
            if not type(exc).__module__.startswith(("sqlalchemy", "psycopg", "sqlite3")):
                raise
            from tracker.record.db import redact, resolve_url

            url = resolve_url(ctx.obj.get("url") if isinstance(ctx.obj, dict) else None)
            detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            if "readonly" in detail or "read-only" in detail:
                detail += " (check the permissions of the file and its folder)"
            # The whole line scrubbed: a password may also stand in the URL's path.
            click.echo(f"Error: {error_line(_scrub(f'{redact(url)}: {detail}', url))}", err=True)
            ctx.exit(EXIT_ERROR)


@click.group(cls=TrackerGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="tracker")
@click.option(
    "--db",
    envvar="TRACKER_DATABASE_URL",
    metavar="URL",
    help="Database: a SQLAlchemy URL (sqlite:///f.db, postgresql+psycopg://u@host/db) or a"
    " file path (SQLite). Default: $TRACKER_DATABASE_URL, else"
    " ~/.local/share/tracker/tracker.db.",
)
@click.option(
    "--as",
    "author",
    metavar="NAME",
    help="Who makes the changes this command writes, for the change log."
    " Default: $TRACKER_USER, else your user name.",
)
@click.pass_context
def cli(ctx: click.Context, db: str | None, author: str | None) -> None:
    """Track who claimed what, who denied it, and where it was reported.

    \b
    Examples:
      tracker load seeds/              # load the curated seed dataset
      tracker contested                # disputed claims and their counter-claims
      tracker by-actor Miller          # everything one actor claimed or countered
      tracker show miller-arms-charge  # one claim's whole thread
      tracker --db postgresql+psycopg://postgres@127.0.0.1/test contested -f json

    Exit status: 0 success, 1 error (bad input, unknown name, database),
    2 usage error or ambiguous actor name, 141 the output's reader went away.
    """
    ctx.obj = {"url": db, "as": author}


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--allow-outside",
    is_flag=True,
    help="Let data files read source texts outside the folders loaded (../, absolute paths).",
)
@click.option(
    "--silent",
    is_flag=True,
    help="Typo-level fixes: in the change log, but not shown among claims' corrections.",
)
@click.pass_context
def load(ctx: click.Context, paths: tuple[Path, ...], allow_outside: bool, silent: bool) -> None:
    """Load data files (YAML); a folder loads every *.yaml/*.yml file in it.

    Each quote is located in its source text and refused if it does not occur
    there. A source's `file` is read only from inside the folders (or the
    folders of the files) given, unless --allow-outside. All files load in
    one transaction: any error leaves the database as it was. Loading the
    same files again changes nothing.

    \b
    Examples:
      tracker load seeds/
      tracker load seeds/actors.yaml seeds/sources.yaml seeds/claims.yaml
    """
    from tracker.ingest.dataset import data_files
    from tracker.ingest.load import load_paths

    files = data_files(paths)
    shown = sys.stderr.isatty()

    def progress(length: int, label: str) -> Any:
        return click.progressbar(length=length, label=label, file=sys.stderr, hidden=not shown)

    # Two bars, one a stage: reading's is finished (its line stays on screen
    # at 100%) when writing's starts.
    with connect(ctx, create=True) as engine, ExitStack() as bars:
        bar = bars.enter_context(progress(len(files), "Reading data files"))
        writing = False

        def wrote(rows: int, total: int) -> None:
            nonlocal bar, writing
            if not writing:
                writing = True
                bars.close()  # reading's bar finished, as leaving its `with` does
                bar = bars.enter_context(progress(total, "Writing to the database"))
            bar.update(rows)

        report = load_paths(
            engine,
            paths,
            lambda _path: bar.update(1),
            wrote,
            allow_outside=allow_outside,
            context=change_context(ctx, silent),
        )
    from tracker.render.output import summary_line

    echo(summary_line(report.summary()))


@cli.command()
@filter_options
@format_option
@click.pass_context
def contested(ctx: click.Context, /, fmt: str, **kwargs: Any) -> None:
    """Each contest once: claims another side denies, disputes or undercuts.

    Newest first, each with the counter-claims that answer it (relation, who,
    when, what), oldest first. A denial is shown under the claim it answers;
    `tracker claims --status contested` lists both sides.

    \b
    Examples:
      tracker contested
      tracker contested --actor Moscow --relation denies
      tracker contested --topic arms-transfers --since 2024 -f json
    """
    from dataclasses import replace

    dates = date_range(kwargs["since"], kwargs["until"])  # before a database is opened
    page = paging(ctx, fmt, kwargs)
    with open_session(ctx) as session:
        flt = replace(claim_filter(session, kwargs, dates), challenged=True)
        echo_claims(session, flt, fmt, "No contested claims match.", page)


@cli.command()
@filter_options
@click.option("--status", type=click.Choice(STATUSES), help="Only claims with this status.")
@format_option
@click.pass_context
def claims(ctx: click.Context, /, fmt: str, **kwargs: Any) -> None:
    """All claims, newest first (undated last), with status and counter-claims.

    \b
    Examples:
      tracker claims
      tracker claims --actor Putin --status uncontested
      tracker claims --until 2023-12 -f csv > old-claims.csv
    """
    dates = date_range(kwargs["since"], kwargs["until"])  # before a database is opened
    page = paging(ctx, fmt, kwargs)
    with open_session(ctx) as session:
        flt = claim_filter(session, kwargs, dates)
        echo_claims(session, flt, fmt, "No claims match.", page)


@cli.command("by-actor")
@click.argument("name")
@click.option(
    "--include-members",
    is_flag=True,
    help="Add the claims of people holding roles in this organization (at any depth).",
)
@limit_options
@format_option
@click.pass_context
def by_actor(
    ctx: click.Context, /, name: str, include_members: bool, fmt: str, **kwargs: Any
) -> None:
    """Everything one actor claimed, and the claims of others it counters.

    NAME may be any alias, a surname or part of a name, in any case, with or
    without accents, in another script or misspelt: "Miller", "vladamir putin",
    "Ушаков", "Kremlin".

    \b
    Examples:
      tracker by-actor Miller
      tracker by-actor Pyongyang -f json
      tracker by-actor "United States" --include-members
      tracker by-actor Putin --limit 10 -f json   # the newest 10 of each list
    """
    from tracker.query.queries import actor_record
    from tracker.record.names import resolve_actor
    from tracker.render import pages
    from tracker.render.stream import Out

    page = paging(ctx, fmt, kwargs)
    limit = kwargs["limit"] if page is None else page + 1  # one more says there are more
    with open_session(ctx) as session:
        actor = resolve_actor(session, name)
        record = actor_record(session, actor, include_members, stream=True, limit=limit)
        out = Out(lambda text: echo(text, fmt, nl=False))
        pages.write_actor_record(out, record, fmt, page)
        out.flush()


@cli.command()
@click.argument("claim_id", metavar="CLAIM")
@format_option
@click.pass_context
def show(ctx: click.Context, claim_id: str, fmt: str) -> None:
    """One claim's whole thread: appearances with quotes, relations both ways,
    and the corrections made to its text, date or claimants since it was recorded.

    \b
    Examples:
      tracker show miller-arms-charge
      tracker show moscow-pyongyang-deny-arms -f json
    """
    from tracker.query.history import corrections
    from tracker.query.queries import claim
    from tracker.render import pages

    with open_session(ctx) as session:
        found = claim(session, claim_id)
        fixed = corrections(session, [found.id]).get(found.id, [])
        echo(pages.claim_thread(found, fmt, fixed), fmt)


@cli.command()
@format_option
@click.pass_context
def actors(ctx: click.Context, fmt: str) -> None:
    """Every actor with aliases, roles and how many claims it made and countered.

    \b
    Examples:
      tracker actors
      tracker actors -f json | jq '.[] | select(.kind == "person") | .name'
    """
    from tracker.query.queries import actors_with_counts
    from tracker.render import views

    with open_session(ctx) as session:
        echo_listing(
            fmt,
            views.ACTOR_HEADERS,
            actors_with_counts(session),
            lambda pair: views.actor_row(*pair),
            lambda pair: views.actor_dict(*pair),
            "No actors yet.",
        )


@cli.command()
@format_option
@click.pass_context
def sources(ctx: click.Context, fmt: str) -> None:
    """Every source with outlet, date, wire credits and number of quotes.

    \b
    Examples:
      tracker sources
      tracker sources -f github
    """
    from tracker.query.queries import sources as all_sources
    from tracker.render import views

    with open_session(ctx) as session:
        echo_listing(
            fmt,
            views.SOURCE_HEADERS,
            all_sources(session),
            lambda pair: views.source_row(*pair),
            lambda pair: views.source_dict(*pair),
            "No sources yet.",
        )


@cli.group("db")
def db_group() -> None:
    """Database schema: create, upgrade and inspect (Alembic migrations).

    \b
    Examples:
      tracker db upgrade
      tracker --db postgresql+psycopg://postgres@127.0.0.1/test db current
    """


@db_group.command("check")
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@click.pass_context
def check_command(ctx: click.Context, fmt: str) -> None:
    """Check the stored record: the file's integrity (SQLite), every reference,
    every quote at its offsets in its source's text, the derived tables.

    Prints each fault found (at most 10 per check, the rest counted) and
    exits 1 if there is any, 0 if the record is sound.

    \b
    Examples:
      tracker db check
      tracker --db backup.db db check -f json
    """
    import json

    from tracker.record.check import CHECKS, check
    from tracker.render.output import render

    with connect(ctx) as engine:
        faults = list(check(engine))
    if fmt == "json":
        click.echo(json.dumps([f.__dict__ for f in faults], ensure_ascii=False, indent=2))
    elif faults:
        rows = [[f.check, f.where, f.detail] for f in faults]
        echo(render("table", ["Check", "Where", "Fault"], rows, []))
    else:
        for name, what in CHECKS.items():
            echo(f"ok  {name}: {what}")
    if faults:
        ctx.exit(1)


@db_group.command()
@click.pass_context
def upgrade(ctx: click.Context) -> None:
    """Create the schema, or upgrade it to this tracker's revision.

    A SQLite file is copied first, beside itself, named for the revision it
    was at (tracker.db.0003-20261126T063000Z.bak).

    \b
    Examples:
      tracker db upgrade
      tracker --db postgresql+psycopg://postgres@127.0.0.1/test db upgrade
    """
    from tracker.record import db, migrate

    with connect(ctx, check_schema=False, create=True) as engine:
        db.refuse_foreign(engine)
        before = db.current_revision(engine)
        db.refuse_newer(before)
        if before not in (None, db.SCHEMA_REVISION):
            copy = db.backup(engine, before)
            if copy is not None:
                click.echo(f"backed up to {copy}")
        migrate.upgrade(engine)
        after = db.current_revision(engine)
    if before == after:
        click.echo(f"already at revision {after}")
    else:
        click.echo(f"upgraded {before or 'empty database'} -> {after}")


@db_group.command()
@click.pass_context
def current(ctx: click.Context) -> None:
    """Print the database's schema revision and this tracker's.

    \b
    Examples:
      tracker db current
    """
    from tracker.record import db

    with connect(ctx, check_schema=False) as engine:
        revision = db.current_revision(engine)
        url = engine.url.render_as_string(hide_password=False)
    click.echo(f"database: {db.redact(url)}")
    click.echo(f"revision: {revision or 'none (empty database)'}")
    click.echo(f"expected: {db.SCHEMA_REVISION}")


def main() -> None:
    cli(prog_name="tracker")


cli.add_command(report)
cli.add_command(extract)
cli.add_command(export)
cli.add_command(import_)
for command in (search, source, timeline, topics):
    cli.add_command(command)
for command in [
    *adding.COMMANDS,
    *editing.COMMANDS,
    *fixing.COMMANDS,
    *reviewing.COMMANDS,
    *history.COMMANDS,
    *serving.COMMANDS,
    *publishing.COMMANDS,
    *watching.COMMANDS,
]:
    cli.add_command(command)
adding.add.add_command(reviewing.EVIDENCE)
