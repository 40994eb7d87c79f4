"""The `tracker` command line: parse options, call one library function, print.

SQLAlchemy and Alembic are imported inside the commands, so `tracker --help`
stays instant.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from tracker import __version__
from tracker.errors import TrackerError
from tracker.output import DEFAULT_FORMAT, FORMATS
from tracker.vocabulary import RELATION_TYPES, STATUSES

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from tracker.queries import ClaimFilter

F = TypeVar("F", bound=Callable[..., Any])

EXIT_ERROR = 1
EXIT_USAGE = 2


def _scrub(message: str, url: str | None) -> str:
    """Never print a database password, whatever a driver puts in its message."""
    if url:
        from sqlalchemy.engine import make_url

        try:
            password = make_url(url).password
        except Exception:
            password = None
        if password:
            message = message.replace(str(password), "***")
    return message


class TrackerGroup(click.Group):
    """Turns library errors into one line on stderr and a stable exit status."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TrackerError as exc:
            url = ctx.obj.get("url") if isinstance(ctx.obj, dict) else None
            click.echo(f"Error: {_scrub(str(exc), url)}", err=True)
            ctx.exit(exc.exit_code)
        except Exception as exc:
            if not type(exc).__module__.startswith(("sqlalchemy", "psycopg", "sqlite3")):
                raise
            from tracker.db import redact, resolve_url

            url = resolve_url(ctx.obj.get("url") if isinstance(ctx.obj, dict) else None)
            detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            if "readonly" in detail or "read-only" in detail:
                detail += " (check the permissions of the file and its folder)"
            click.echo(f"Error: {redact(url)}: {_scrub(detail, url)}", err=True)
            ctx.exit(EXIT_ERROR)


def format_option(f: F) -> F:
    return click.option(
        "--format",
        "-f",
        "fmt",
        type=click.Choice(FORMATS, case_sensitive=False),
        default=DEFAULT_FORMAT,
        show_default=True,
        metavar="FORMAT",
        help="table (wrapped to the terminal), json, csv, or any tabulate format: "
        + ", ".join(FORMATS[3:]),
    )(f)


def _date(value: str | None, option: str, end_of_period: bool) -> dt.date | None:
    """A date option; as an upper bound a month or year means its last day."""
    if value is None:
        return None
    from tracker import dates

    try:
        day, precision = dates.parse(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint=option) from None
    return dates.period_end(day, precision) if end_of_period else day


def date_range(since: str | None, until: str | None) -> tuple[dt.date | None, dt.date | None]:
    """--since and --until as dates, refusing a range that ends before it starts."""
    start = _date(since, "--since", end_of_period=False)
    end = _date(until, "--until", end_of_period=True)
    if start and end and start > end:
        raise click.UsageError(f"--since {start} is after --until {end}")
    return start, end


def filter_options(f: F) -> F:
    options = [
        click.option("--actor", metavar="NAME", help="Claims by this actor or countered by it."),
        click.option("--topic", metavar="TOPIC", help="Claims with this topic."),
        click.option("--since", metavar="DATE", help="Stated on or after (YYYY[-MM[-DD]])."),
        click.option("--until", metavar="DATE", help="Stated on or before (YYYY[-MM[-DD]])."),
        click.option(
            "--relation",
            type=click.Choice(RELATION_TYPES),
            help="Claims answered by a claim with this relation.",
        ),
        click.option("--limit", type=click.IntRange(min=1), help="Show at most this many."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


@contextmanager
def _engine(ctx: click.Context, check_schema: bool = True) -> Iterator[Engine]:
    """The engine for --db; with `check_schema`, an empty database is upgraded
    and one at another revision refused."""
    from tracker import db

    engine = db.create(db.resolve_url(ctx.obj["url"]))
    try:
        if check_schema:
            db.ensure_schema(engine)
        yield engine
    finally:
        engine.dispose()


@contextmanager
def open_session(ctx: click.Context) -> Iterator[Session]:
    from sqlalchemy.orm import Session

    with _engine(ctx) as engine, Session(engine) as session:
        yield session


def _claim_filter(
    session: Session, kwargs: dict[str, Any], dates: tuple[dt.date | None, dt.date | None]
) -> ClaimFilter:
    from tracker.names import resolve_actor
    from tracker.queries import ClaimFilter

    actor = kwargs.get("actor")
    since, until = dates
    return ClaimFilter(
        actor_ids={resolve_actor(session, actor).id} if actor is not None else None,
        topic=kwargs.get("topic"),
        since=since,
        until=until,
        relation=kwargs.get("relation"),
        status=kwargs.get("status"),
        limit=kwargs.get("limit"),
    )


def _echo_claims(claims: list[Any], fmt: str, empty: str) -> None:
    from tracker import views
    from tracker.output import render_each

    if not claims and fmt not in ("json", "csv"):
        click.echo(empty)
        return
    click.echo(render_each(fmt, views.CLAIM_HEADERS, claims, views.claim_row, views.claim_dict))


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
@click.pass_context
def cli(ctx: click.Context, db: str | None) -> None:
    """Track who claimed what, who denied it, and where it was reported.

    \b
    Examples:
      tracker load seeds/              # load the curated seed dataset
      tracker contested                # disputed claims and their counter-claims
      tracker by-actor Miller          # everything one actor claimed or countered
      tracker show miller-arms-charge  # one claim's whole thread
      tracker --db postgresql+psycopg://postgres@127.0.0.1/test contested -f json

    Exit status: 0 success, 1 error (bad input, unknown name, database),
    2 usage error or ambiguous actor name.
    """
    ctx.obj = {"url": db}


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.pass_context
def load(ctx: click.Context, paths: tuple[Path, ...]) -> None:
    """Load data files (YAML); a folder loads every *.yaml/*.yml file in it.

    Each quote is located in its source text and refused if it does not occur
    there. All files load in one transaction: any error leaves the database as
    it was. Loading the same files again changes nothing.

    \b
    Examples:
      tracker load seeds/
      tracker load seeds/actors.yaml seeds/sources.yaml seeds/claims.yaml
    """
    from tracker.dataset import data_files
    from tracker.load import load_paths

    files = data_files(paths)
    with (
        _engine(ctx) as engine,
        click.progressbar(
            length=len(files),
            label="Reading data files",
            file=sys.stderr,
            hidden=not sys.stderr.isatty(),
        ) as bar,
    ):
        report = load_paths(engine, files, on_file=lambda _path: bar.update(1))
    click.echo(report.summary())


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
    from tracker.queries import contested as contested_claims

    dates = date_range(kwargs["since"], kwargs["until"])  # before a database is opened
    with open_session(ctx) as session:
        claims = contested_claims(session, _claim_filter(session, kwargs, dates))
        _echo_claims(claims, fmt, "No contested claims match.")


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
    from tracker.queries import claims as all_claims

    dates = date_range(kwargs["since"], kwargs["until"])  # before a database is opened
    with open_session(ctx) as session:
        found = all_claims(session, _claim_filter(session, kwargs, dates))
        _echo_claims(found, fmt, "No claims match.")


@cli.command("by-actor")
@click.argument("name")
@click.option(
    "--include-members",
    is_flag=True,
    help="Add the claims of people holding roles in this organization (at any depth).",
)
@format_option
@click.pass_context
def by_actor(ctx: click.Context, name: str, include_members: bool, fmt: str) -> None:
    """Everything one actor claimed, and the claims of others it counters.

    NAME may be any alias, a surname or part of a name, in any case, with or
    without accents, in another script or misspelt: "Miller", "vladamir putin",
    "Ушаков", "Kremlin".

    \b
    Examples:
      tracker by-actor Miller
      tracker by-actor Pyongyang -f json
      tracker by-actor "United States" --include-members
    """
    from tracker import pages
    from tracker.names import resolve_actor
    from tracker.queries import actor_record

    with open_session(ctx) as session:
        record = actor_record(session, resolve_actor(session, name), include_members)
        click.echo(pages.actor_record(record, fmt))


@cli.command()
@click.argument("claim_id", metavar="CLAIM")
@format_option
@click.pass_context
def show(ctx: click.Context, claim_id: str, fmt: str) -> None:
    """One claim's whole thread: appearances with quotes, relations both ways.

    \b
    Examples:
      tracker show miller-arms-charge
      tracker show moscow-pyongyang-deny-arms -f json
    """
    from tracker import pages
    from tracker.queries import claim

    with open_session(ctx) as session:
        click.echo(pages.claim_thread(claim(session, claim_id), fmt))


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
    from tracker import views
    from tracker.output import render_each
    from tracker.queries import actor_claim_counts
    from tracker.queries import actors as all_actors

    with open_session(ctx) as session:
        found = all_actors(session)
        counts = actor_claim_counts(session)
        pairs = [(a, counts.get(a.id, (0, 0))) for a in found]
        click.echo(
            render_each(
                fmt,
                views.ACTOR_HEADERS,
                pairs,
                lambda pair: views.actor_row(*pair),
                lambda pair: views.actor_dict(*pair),
            )
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
    from tracker import views
    from tracker.output import render_each
    from tracker.queries import sources as all_sources

    with open_session(ctx) as session:
        found = all_sources(session)
        click.echo(
            render_each(
                fmt,
                views.SOURCE_HEADERS,
                found,
                lambda pair: views.source_row(*pair),
                lambda pair: views.source_dict(*pair),
            )
        )


@cli.group("db")
def db_group() -> None:
    """Database schema: create, upgrade and inspect (Alembic migrations).

    \b
    Examples:
      tracker db upgrade
      tracker --db postgresql+psycopg://postgres@127.0.0.1/test db current
    """


@db_group.command()
@click.pass_context
def upgrade(ctx: click.Context) -> None:
    """Create the schema, or upgrade it to this tracker's revision."""
    from tracker import db, migrate

    with _engine(ctx, check_schema=False) as engine:
        db.refuse_foreign(engine)
        before = db.current_revision(engine)
        migrate.upgrade(engine)
        after = db.current_revision(engine)
    if before == after:
        click.echo(f"already at revision {after}")
    else:
        click.echo(f"upgraded {before or 'empty database'} -> {after}")


@db_group.command()
@click.pass_context
def current(ctx: click.Context) -> None:
    """Print the database's schema revision and this tracker's."""
    from tracker import db

    with _engine(ctx, check_schema=False) as engine:
        revision = db.current_revision(engine)
        url = engine.url.render_as_string(hide_password=False)
    click.echo(f"database: {db.redact(url)}")
    click.echo(f"revision: {revision or 'none (empty database)'}")
    click.echo(f"expected: {db.SCHEMA_REVISION}")


def main() -> None:
    cli(prog_name="tracker")


# `tracker report` lives in its own module, which imports this one.
from tracker.cli_report import report  # noqa: E402

cli.add_command(report)
