"""`tracker edit`: a claim, an actor, a source or an appearance, changed in place."""

from __future__ import annotations

from typing import Any

import click

from tracker.cli.common import date_option
from tracker.cli.writing import actor_key, report, write_format, writing
from tracker.vocabulary import ACTOR_KINDS, APPEARANCE_TYPES


@click.group()
def edit() -> None:
    """Change a recorded claim, actor, source or appearance.

    Each edit is one write, refused where a data file saying the same would
    be, recorded in the change log (`tracker history`, `tracker undo`). A
    claim's text, date and claimants changed after it was recorded are shown
    as corrections by `show` and reports, unless --silent (a typo).

    \b
    Examples:
      tracker edit claim miller-arms-charge --on 2024-06-17 --topic sanctions
      tracker edit actor kcna --description "North Korea's state news agency"
      tracker edit source ani-20240618 --url https://www.aninews.in/...
      tracker edit appearance miller-arms-charge star-advertiser-20240618 --cue said
    """


def _echo_warnings(warnings: list[str]) -> None:
    from tracker.render.terminal import printable

    for warning in warnings:
        click.echo(f"Warning: {printable(warning)}", err=True)


@edit.command("claim")
@click.argument("claim_id", metavar="CLAIM")
@click.option("--text", help="The proposition, reworded (a verdict on it is said to be older).")
@click.option("--on", "stated", metavar="DATE", help="When it was stated (YYYY[-MM[-DD]]).")
@click.option("--undated", is_flag=True, help="When it was stated is not known.")
@click.option("--topic", "topics", multiple=True, metavar="T", help="Add a topic (repeatable).")
@click.option("--no-topic", "no_topics", multiple=True, metavar="T", help="Drop a topic.")
@click.option(
    "--claimant", "claimants", multiple=True, metavar="ACTOR", help="Add a claimant (repeatable)."
)
@click.option("--no-claimant", "no_claimants", multiple=True, metavar="ACTOR", help="Drop one.")
@click.option(
    "--silent", is_flag=True, help="A typo-level fix: logged, not shown among corrections."
)
@write_format
@click.pass_context
def edit_claim(
    ctx: click.Context,
    /,
    claim_id: str,
    text: str | None,
    stated: str | None,
    undated: bool,
    silent: bool,
    fmt: str,
    **lists: tuple[str, ...],
) -> None:
    """Change CLAIM's text, date, topics or claimants.

    \b
    Examples:
      tracker edit claim miller-arms-charge --on 2024-06-17
      tracker edit claim nk-denial --text "North Korea denied supplying arms to Russia."
      tracker edit claim joint-statement --claimant Japan --no-claimant "South Korea"
      tracker edit claim typo-claim --text "Fixed wording." --silent
    """
    from tracker.ingest import amend

    if stated is not None and undated:
        raise click.UsageError("--on DATE dates it, --undated says it is not dated: give one")
    when: Any = amend.KEEP
    if stated is not None:
        when = date_option(stated, "--on")
    elif undated:
        when = None
    with writing(ctx, silent=silent) as session:
        added = [actor_key(session, name) for name in lists["claimants"]]
        dropped = [actor_key(session, name) for name in lists["no_claimants"]]
        edited = amend.edit_claim(
            session,
            claim_id,
            text=text,
            stated=when,
            topics=(list(lists["topics"]), list(lists["no_topics"])),
            claimants=(added, dropped),
        )
    _echo_warnings(edited.warnings)
    report(ctx, edited.written, fmt)


@edit.command("actor")
@click.argument("actor")
@click.option("--name", help="Its canonical name (the old one stays an alias).")
@click.option("--drop-old-name", is_flag=True, help="With --name: the old name goes (a typo).")
@click.option("--kind", type=click.Choice(ACTOR_KINDS), help="What it is.")
@click.option("--description", help='A short description ("" clears it).')
@write_format
@click.pass_context
def edit_actor(
    ctx: click.Context,
    actor: str,
    name: str | None,
    drop_old_name: bool,
    kind: str | None,
    description: str | None,
    fmt: str,
) -> None:
    """Change ACTOR's name, kind or description (its id: `tracker rename actor`).

    \b
    Examples:
      tracker edit actor kcna --description "North Korea's state news agency"
      tracker edit actor "Vladamir Putin" --name "Vladimir Putin"
      tracker edit actor daily-example-officials --kind unnamed
    """
    from tracker.ingest import amend

    if drop_old_name and name is None:
        raise click.UsageError("--drop-old-name goes with --name")
    with writing(ctx) as session:
        given = {"name": name, "kind": kind, "description": description}
        edited = amend.edit_actor(
            session,
            actor_key(session, actor),
            keep_old_name=not drop_old_name,
            **{k: v for k, v in given.items() if v is not None},
        )
    report(ctx, edited.written, fmt)


@edit.command("source")
@click.argument("source_id", metavar="SOURCE")
@click.option("--title")
@click.option("--outlet")
@click.option("--url", help='Where it was published ("" clears it).')
@click.option("--published", metavar="DATE", help='YYYY, YYYY-MM or YYYY-MM-DD ("" clears it).')
@click.option("--language", help="Language code (en, fr...).")
@click.option("--archived-url", help="An archived copy.")
@click.option("--retrieved", metavar="DATE", help='When the text was retrieved ("" clears it).')
@click.option("--excerpt/--whole", default=None, help="The text is an excerpt, or the whole.")
@click.option("--notes", help="Why the date, credits... are what they are.")
@click.option("--credit", "credits", multiple=True, metavar="ACTOR", help="Add a wire credit.")
@click.option("--no-credit", "no_credits", multiple=True, metavar="ACTOR", help="Drop one.")
@write_format
@click.pass_context
def edit_source(
    ctx: click.Context,
    /,
    source_id: str,
    published: str | None,
    retrieved: str | None,
    credits: tuple[str, ...],
    no_credits: tuple[str, ...],
    fmt: str,
    **fields: Any,
) -> None:
    """Change how SOURCE is described: title, outlet, URL, dates, credits.

    Its text is what quotes are anchored in: to change it, load the
    re-fetched article as a data file (quotes move with it).

    \b
    Examples:
      tracker edit source ani-20240618 --published 2024-06-19
      tracker edit source star-advertiser-20240618 --credit "Associated Press"
      tracker edit source example-wire-20250304 --url "" --notes "Paywalled copy."
    """
    from tracker.ingest import amend

    when: Any = amend.KEEP
    if published == "":
        when = None
    elif published is not None:
        when = date_option(published, "--published")
    got: Any = amend.KEEP
    if retrieved == "":
        got = None
    elif retrieved is not None:
        day = date_option(retrieved, "--retrieved", day_only=True)
        got = day[0] if day else None
    given = {k: v for k, v in fields.items() if v is not None}
    with writing(ctx) as session:
        added = [actor_key(session, name) for name in credits]
        dropped = [actor_key(session, name) for name in no_credits]
        edited = amend.edit_source(
            session, source_id, published=when, retrieved=got, credits=(added, dropped), **given
        )
    report(ctx, edited.written, fmt)


@edit.command("appearance")
@click.argument("claim_id", metavar="CLAIM")
@click.argument("where", metavar="SOURCE[:START]")
@click.option("--type", "type_", type=click.Choice(APPEARANCE_TYPES), help="direct or paraphrase.")
@click.option("--cue", help='The reporting verb ("said", "denied"; "" clears it).')
@click.option("--via", metavar="ACTOR", help='The intermediary ("TASS reported").')
@click.option("--no-via", is_flag=True, help="It came through no intermediary.")
@write_format
@click.pass_context
def edit_appearance(
    ctx: click.Context,
    claim_id: str,
    where: str,
    type_: str | None,
    cue: str | None,
    via: str | None,
    no_via: bool,
    fmt: str,
) -> None:
    """Change how CLAIM's appearance in SOURCE reports it (at START, if it
    appears there more than once): direct or paraphrase, cue, intermediary.

    \b
    Examples:
      tracker edit appearance miller-arms-charge star-advertiser-20240618 --cue said
      tracker edit appearance putin-nk-supports-war ani-20240618:1108 --type paraphrase
      tracker edit appearance visit-announcement polskie-radio-20240618 --no-via
    """
    from tracker.ingest import amend

    source, _, start = where.partition(":")
    if start and not start.isdigit():
        raise click.BadParameter("START must be a character offset", param_hint="SOURCE[:START]")
    if via is not None and no_via:
        raise click.UsageError("--via names an intermediary, --no-via says there is none")
    with writing(ctx) as session:
        through: Any = amend.KEEP
        if no_via:
            through = None
        elif via is not None:
            through = actor_key(session, via)
        edited = amend.edit_appearance(
            session,
            claim_id,
            source,
            int(start) if start else None,
            type=amend.KEEP if type_ is None else type_,
            cue=amend.KEEP if cue is None else cue,
            via=through,
        )
    report(ctx, edited.written, fmt)


COMMANDS = [edit]
