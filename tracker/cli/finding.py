"""Commands that find things: search, topics, timeline, a source's text."""

from __future__ import annotations

import sys
from typing import Any

import click

from tracker.cli.common import (
    COUNT,
    MAX_COUNT,
    claim_filter,
    date_range,
    echo,
    echo_listing,
    filter_options,
    format_option,
    open_session,
    paging,
)
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
@click.option("--limit", type=COUNT, default=20, show_default=True, help="Hits per kind.")
@format_option
@click.pass_context
def search(ctx: click.Context, query: str, kinds: tuple[str, ...], limit: int, fmt: str) -> None:
    """Search claim texts, quotes and source texts, best hits first.

    Words must all occur (in any form: "denied" finds "deny"); "a phrase" in
    quotes must occur as written; -word must not occur; OR joins alternatives.
    Each hit names the claim it belongs to and the source it is in. Words as
    common as "the" or "its", and single letters, are not indexed and are left
    out of the search. Put -- before a query that starts with "-".

    \b
    Examples:
      tracker search "ballistic missiles"
      tracker search 'denied OR rejected' --in quotes
      tracker search 'munitions -ballistic' -f json
      tracker search -- '-ballistic munitions'
    """
    from tracker.query.search import search as run_search
    from tracker.render.output import terminal_width
    from tracker.render.pages import search_hits
    from tracker.render.terminal import may_style

    with open_session(ctx) as session:
        hits = run_search(session, query, tuple(dict.fromkeys(kinds)) or KINDS, limit)
    if not hits and fmt not in ("json", "csv"):
        echo(f"Nothing matches {query!r}.")
        return
    width = terminal_width()
    bold = may_style(sys.stdout)
    text = search_hits(hits, fmt, width, lambda s: click.style(s, bold=True) if bold else s)
    # The table is neutralised inside, before the matches are made bold.
    if fmt == "table":
        click.echo(text)
    else:
        echo(text, fmt)


@click.command()
@format_option
@click.pass_context
def topics(ctx: click.Context, fmt: str) -> None:
    """Every topic, with how many claims have it.

    \b
    Examples:
      tracker topics
      tracker topics -f json
    """
    from tracker.record import suggest
    from tracker.render import views
    from tracker.render.output import render

    with open_session(ctx) as session:
        found = suggest.topics(session)
    rows = [[topic, n] for topic, n in found]
    data = [views.topic_dict(topic, n) for topic, n in found]
    echo(render(fmt, views.TOPIC_HEADERS, rows, data), fmt)


@click.command()
@filter_options
@format_option
@click.pass_context
def timeline(ctx: click.Context, /, fmt: str, **kwargs: Any) -> None:
    """Claims and the claims that counter them, oldest first, each date at
    the precision it is known (a day, a month, a year); undated last.

    --limit N takes the oldest N claims the filters select, each with the
    claims that counter it.

    \b
    Examples:
      tracker timeline --topic arms-transfers
      tracker timeline --actor Miller --since 2023
    """
    from dataclasses import replace

    from tracker.query.queries import count_claims
    from tracker.query.queries import timeline as claims_in_order
    from tracker.render import views
    from tracker.render.output import more_line

    dates = date_range(kwargs["since"], kwargs["until"])
    page = paging(ctx, fmt, kwargs)
    with open_session(ctx) as session:
        flt = claim_filter(session, kwargs, dates)
        found = claims_in_order(session, flt if page is None else replace(flt, limit=page))
        echo_listing(
            fmt, views.TIMELINE_HEADERS, found, views.timeline_row, views.claim_dict,
            "No claims match.",
        )  # fmt: skip
        # A page is of the claims selected; their counter-claims come with them.
        if page is not None and (total := count_claims(session, flt)) > page:
            echo(more_line(page, total, "claims"))


@click.command("source")
@click.argument("source_id", metavar="SOURCE")
@click.option(
    "--around",
    type=click.IntRange(min=0, max=MAX_COUNT),
    metavar="OFFSET",
    help="Show the passage at this character offset.",
)
@click.option(
    "--quote", help="Show where this quote occurs, every time it does (typed quotes match)."
)
@click.option(
    "--context",
    type=click.IntRange(min=0, max=MAX_COUNT),
    default=200,
    show_default=True,
    help="Characters shown either side of --around or --quote.",
)
@click.pass_context
def source(
    ctx: click.Context, source_id: str, around: int | None, quote: str | None, context: int
) -> None:
    """Print a source's stored text, or the passage around an offset or a
    quote, each line led by the offset of its first character: the text
    quotes must match, and where.

    \b
    Examples:
      tracker source star-advertiser-20240618
      tracker source star-advertiser-20240618 --quote "denied arms transfers"
      tracker source ani-20240618 --around 1200 --context 100
    """
    from tracker.ingest.anchor import QuoteNotFound, anchors
    from tracker.query.queries import source as stored_source
    from tracker.render.pages import passage
    from tracker.render.terminal import may_style, printable

    if around is not None and quote is not None:
        raise click.UsageError("--around and --quote show one passage: give one of them")
    with open_session(ctx) as session:
        found = stored_source(session, source_id)
        if found.text is None:
            if around is not None or quote is not None:
                raise click.UsageError(f"source {source_id!r} has no stored text")
            echo(f"(no stored text: {source_id} is known only by its URL, {found.url})")
            return
        text = found.text
    if around is None and quote is None:
        echo(text, nl=not text.endswith("\n"))
        return
    shown = printable(text)  # one character for one: the offsets still hold
    mark = may_style(sys.stdout)
    style = (lambda s: click.style(s, bold=True)) if mark else (lambda s: f"»{s}«")
    if quote is not None:
        try:
            places = anchors(text, quote)
        except QuoteNotFound as exc:
            raise click.ClickException(f"source {source_id!r}: {exc}") from None
        # A quote that recurs: every passage, each headed by where it is.
        for n, where in enumerate(places, 1):
            if len(places) > 1:
                click.echo(("\n" if n > 1 else "") + f"{n} of {len(places)}, at {where.start}:")
            click.echo(passage(shown, where.start, where.end, context, style))
        return
    assert around is not None
    if around > len(text):
        raise click.BadParameter(f"the text has {len(text)} characters", param_hint="--around")
    click.echo(passage(shown, around, around, context, style))
