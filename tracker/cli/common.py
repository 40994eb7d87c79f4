"""What the commands share: the database session, format and filter options, dates."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import click

from tracker.render.formats import DEFAULT_FORMAT, FORMATS
from tracker.vocabulary import RELATION_TYPES

# The largest count an option takes: a database's integers hold it on every
# backend (SQLite refuses a larger LIMIT with an overflow).
MAX_COUNT = 2**31 - 1
COUNT = click.IntRange(min=1, max=MAX_COUNT)

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from tracker.query.queries import ClaimFilter
    from tracker.record.changelog import ChangeContext
    from tracker.render.output import Paging

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


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
    from tracker import dates

    found = date_option(value, option)
    if found is None:
        return None
    return dates.period_end(*found) if end_of_period else found[0]


def date_option(
    value: str | None, option: str, day_only: bool = False
) -> tuple[dt.date, str] | None:
    """A date option as tracker.dates.parse_date reads it, its error the option's."""
    from tracker import dates

    try:
        return dates.parse_date(value, day_only)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint=option) from None


def date_range(since: str | None, until: str | None) -> tuple[dt.date | None, dt.date | None]:
    """--since and --until as dates, refusing a range that ends before it starts."""
    start = _date(since, "--since", end_of_period=False)
    end = _date(until, "--until", end_of_period=True)
    if start and end and start > end:
        raise click.UsageError(f"--since {start} is after --until {end}")
    return start, end


# The filters a listing takes, in --help's order: every command that picks
# claims (the listings, `export`'s scope) declares its options from here.
_FILTER_OPTIONS: dict[str, Callable[[F], F]] = {
    "actor": click.option(
        "--actor", metavar="NAME", help="Claims by this actor or countered by it."
    ),
    "topic": click.option("--topic", metavar="TOPIC", help="Claims with this topic."),
    "source": click.option("--source", metavar="ID", help="Claims that appear in this source."),
    "since": click.option("--since", metavar="DATE", help="Stated on or after (YYYY[-MM[-DD]])."),
    "until": click.option("--until", metavar="DATE", help="Stated on or before (YYYY[-MM[-DD]])."),
    "relation": click.option(
        "--relation",
        type=click.Choice(RELATION_TYPES),
        help="Claims answered by a claim with this relation.",
    ),
    "rating": click.option("--rating", metavar="LABEL", help='Claims a review rates so ("False").'),
    "reviewed": click.option(
        "--reviewed/--unreviewed",
        default=None,
        help="Claims with a fact-checker's review, or with none.",
    ),
}


def filters(*names: str) -> Callable[[F], F]:
    """The listing filters `names` (all of them when none is named), as options."""

    def decorate(f: F) -> F:
        for name in reversed(names or tuple(_FILTER_OPTIONS)):
            f = _FILTER_OPTIONS[name](f)
        return f

    return decorate


def filter_options(f: F) -> F:
    """Every listing filter, --limit and --all."""
    return limit_options(filters()(f))


def limit_options(f: F) -> F:
    """--limit and --all, for a listing a terminal is shown a page of."""
    f = click.option(
        "--all", "all", is_flag=True, help="Show every one (a terminal is shown the first 30)."
    )(f)
    return click.option("--limit", type=COUNT, help="Show at most this many.")(f)


@contextmanager
def connect(
    ctx: click.Context, check_schema: bool = True, create: bool = False
) -> Iterator[Engine]:
    """The engine for --db; with `check_schema`, an empty database is upgraded
    and one at another revision refused. Only a command that writes (`create`)
    makes a SQLite file that is not there."""
    from tracker.record import db

    engine = db.create(db.resolve_url(ctx.obj["url"]), must_exist=not create)
    try:
        if check_schema:
            db.ensure_schema(engine)
        yield engine
    finally:
        engine.dispose()


def change_context(ctx: click.Context, silent: bool = False) -> ChangeContext:
    """Who writes and what they typed, for the change log: --as, else
    $TRACKER_USER, else the user; the arguments as given, passwords scrubbed."""
    from tracker.record.changelog import ChangeContext, command_line, who

    root = ctx.find_root()
    args = ctx.meta.get("tracker.args", sys.argv[1:])
    return ChangeContext(who(root.obj.get("as")), command_line(args), silent)


@contextmanager
def open_session(ctx: click.Context) -> Iterator[Session]:
    from sqlalchemy.orm import Session

    with connect(ctx) as engine, Session(engine) as session:
        yield session


def claim_filter(
    session: Session, kwargs: dict[str, Any], dates: tuple[dt.date | None, dt.date | None]
) -> ClaimFilter:
    from tracker.query.filters import claim_filter as build

    since, until = dates
    return build(
        session,
        **{key: kwargs.get(key) for key in _FILTERS},
        since=since,
        until=until,
    )


_FILTERS = ("actor", "topic", "source", "relation", "rating", "reviewed", "status", "limit")


def echo_listing(
    fmt: str,
    headers: Sequence[str],
    items: Iterable[T],
    row: Callable[[T], Sequence[Any]],
    record: Callable[[T], Any],
    empty: str,
    paging: Paging | None = None,
) -> None:
    """Write a listing as its items come (see tracker.render.output.write_listing);
    nothing at all is said in words, except by JSON and CSV."""
    from itertools import chain

    from tracker.render.output import write_listing
    from tracker.render.stream import Out

    it = iter(items)
    first = next(it, None)
    if first is None and fmt not in ("json", "csv"):
        echo(empty)
        return
    out = Out(lambda text: echo(text, fmt, nl=False))
    write_listing(
        out, fmt, headers, it if first is None else chain([first], it), row, record, paging
    )
    out.flush()


def echo(text: str, fmt: str | None = None, nl: bool = True) -> None:
    """Print `text`; unless `fmt` is data (JSON, CSV, TSV), with its control
    characters made visible, so no stored text can command the terminal."""
    from tracker.render.formats import DATA_FORMATS
    from tracker.render.terminal import printable

    if fmt in DATA_FORMATS:
        # color=True: click would otherwise strip what looks like an ANSI
        # sequence from piped output, and data must arrive exact.
        click.echo(text, nl=nl, color=True)
    else:
        click.echo(printable(text), nl=nl)


def paging(ctx: click.Context, fmt: str, kwargs: dict[str, Any]) -> int | None:
    """The page a terminal is shown (`--limit` and `--all` aside), or None.

    Only a person at a terminal is paged: piped output and every format but
    the default table are complete unless --limit is given."""
    from tracker.render.stream import PAGE

    if kwargs.get("limit") is not None and kwargs.get("all"):
        raise click.UsageError("--limit N shows N, --all shows every one: give one of them")
    if fmt != DEFAULT_FORMAT or kwargs.get("limit") is not None or kwargs.get("all"):
        return None
    return PAGE if sys.stdout.isatty() else None


def echo_claims(session: Session, flt: ClaimFilter, fmt: str, empty: str, page: int | None) -> None:
    """A claim listing (`flt`, its `challenged` flag set for contests), a page
    of it on a terminal."""
    from dataclasses import replace

    from tracker.query import queries
    from tracker.render import views
    from tracker.render.output import Paging

    pager = None
    if page is not None:
        flt = replace(flt, limit=page + 1)  # one more says whether there are more
        counted = replace(flt, limit=None)
        noun = "contests" if flt.challenged else "claims"
        pager = Paging(page, lambda: queries.count_claims(session, counted), noun)
    from tracker.render.formats import DATA_FORMATS

    claims = queries.iter_claims(session, flt)
    row = views.claim_row if fmt in DATA_FORMATS else views.claim_row_with_verdicts
    echo_listing(fmt, views.CLAIM_HEADERS, claims, row, views.claim_dict, empty, pager)
