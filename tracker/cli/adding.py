"""`tracker add`: sources, claims, counter-claims, appearances, actors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from tracker.cli.common import COUNT, date_option
from tracker.cli.writing import actor_key, echo_notes, report, write_format, writing
from tracker.vocabulary import ACTOR_KINDS, COUNTER_RELATIONS

if TYPE_CHECKING:
    import datetime as dt

    from sqlalchemy.orm import Session

    from tracker.ingest.edit import Written
    from tracker.ingest.webpage import WebPage


# -- add ----------------------------------------------------------------------------


@click.group()
def add() -> None:
    """Add a source, a claim, a counter-claim, an appearance or an actor.

    \b
    Examples:
      tracker add source article.html --outlet Reuters --credit Reuters
      tracker add claim --by Miller --text "..." --source S --quote "..." --on 2024-06-17
      tracker add counter miller-arms-charge --relation denies --by Moscow --text "..." \\
          --source S --quote "..."
      tracker add actor "Maria Zakharova" --kind person --role Spokesperson --of Moscow
    """


@add.command("source")
@click.argument("file", metavar="FILE|URL")
@click.option("--id", "key", metavar="ID", help="The source's id (default: from outlet and date).")
@click.option("--title", help="Overrides the title the file gives.")
@click.option("--outlet", help="Overrides the outlet (site name) the file gives.")
@click.option("--url", help="Where it was published.")
@click.option("--published", metavar="DATE", help="YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--language", help="Language code (en, fr...).")
@click.option("--credit", "credits", multiple=True, metavar="ACTOR", help="Wire agency credited.")
@click.option("--archived-url", help="An archived copy (web.archive.org, archive.today).")
@click.option("--retrieved", metavar="DATE", help="When the text was retrieved (YYYY-MM-DD).")
@click.option("--excerpt", is_flag=True, help="The text is an excerpt of the document.")
@click.option("--notes", help="Why the date, credits... are what they are.")
@click.option(
    "--allow-private",
    is_flag=True,
    help="Fetch from private, loopback and link-local addresses too (your own network).",
)
@click.option(
    "--allow-outside",
    is_flag=True,
    help="Follow a symbolic link out of the file's folder (as `load --allow-outside`).",
)
@write_format
@click.pass_context
def add_source(
    ctx: click.Context, /, file: str, key: str | None, allow_private: bool, fmt: str, **options: Any
) -> None:
    """Store an article from a file or the web: plain text, Markdown with
    YAML front matter (title, outlet, url, published, credits, language), or
    an HTML page saved from a browser (its text and metadata extracted
    offline), or a page at an http(s) URL, fetched and read the same way.

    Adding the same file or text again changes nothing and names the source
    that holds it. Adding the same URL again fetches it again: a changed page
    replaces the source's text, and the quotes recorded in it follow (what
    moved is said). Prints the source's id.

    \b
    Examples:
      tracker add source page.html
      tracker add source statement.txt --outlet "Ministry of Foreign Affairs" \\
          --title "Statement on ..." --published 2024-06-19
      tracker add source https://example.org/2025/03/04/article --credit Reuters
    """
    from tracker.errors import AddressRefused
    from tracker.ingest import adding, sourcefile, webpage

    page = None
    if webpage.is_url(file):
        try:
            page = webpage.fetch_page(file, allow_private=allow_private)
        except AddressRefused as exc:
            raise AddressRefused(f"{exc} (--allow-private fetches it)") from None
        found = page.found
    else:
        path = click.Path(exists=True, dir_okay=False, path_type=Path).convert(file, None, ctx)
        found = sourcefile.read(path, allow_outside=options["allow_outside"])
    published = date_option(options["published"], "--published")
    retrieved = date_option(options["retrieved"], "--retrieved", day_only=True)
    if page is not None:
        with writing(ctx) as session:
            written = _refetch(session, page, key, published, retrieved, options)
        if written is not None:
            report(ctx, written, fmt)
            return
    given = adding.SourceFields(
        key=key,
        title=options["title"],
        outlet=options["outlet"],
        url=options["url"],
        published=published,
        language=options["language"],
        credits=list(options["credits"]),
        archived_url=options["archived_url"],
        retrieved=retrieved,
        excerpt=options["excerpt"],
        notes=options["notes"],
    )
    if not options["title"] and found.title_from_text and found.title:
        from tracker.render.terminal import printable

        # Said, since no file stated it: a headline read from the text.
        click.echo(
            f"Title taken from the first line: {printable(found.title)!r} (--title gives another)",
            err=True,
        )
    with writing(ctx) as session:
        written, said = adding.add_source(session, found, file, given)
        echo_notes(said)
    report(ctx, written, fmt)


def _refetch(
    session: Session,
    page: WebPage,
    key: str | None,
    published: tuple[dt.date, str] | None,
    retrieved: tuple[dt.date, str] | None,
    options: dict[str, Any],
) -> Written | None:
    """Fetched again: the source recorded with this page's address, updated
    (None if there is none: the page is a new source)."""
    from tracker.errors import InputError
    from tracker.ingest import webpage

    sources = webpage.sources_at(session, page)
    if key is not None:
        sources = [s for s in sources if s.key == key]
    if not sources:
        return None
    if len(sources) > 1:
        keys = ", ".join(s.key for s in sources)
        raise InputError(f"{page.download.url}: sources {keys} have this URL: give --id")
    given: dict[str, Any] = {
        name: options[name]
        for name in ("title", "outlet", "url", "language", "archived_url", "notes")
        if options[name] is not None
    }
    if published:
        given |= {"published": published[0], "published_precision": published[1]}
    if retrieved:
        given["retrieved"] = retrieved[0]
    if options["excerpt"]:
        given["excerpt"] = True
    if options["credits"]:
        given["credits"] = [actor_key(session, name) for name in options["credits"]]
    return webpage.refetch(session, sources[0], page, given).written


def _claim_options(f: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option(
            "--by",
            "by",
            multiple=True,
            required=True,
            metavar="ACTOR",
            help="Claimant (repeat for a joint statement); any name `by-actor` resolves.",
        ),
        click.option("--text", required=True, help="The proposition, neutral, in your words."),
        click.option("--source", required=True, metavar="ID", help="The source it appears in."),
        click.option(
            "--quote", required=True, help="Its words in the source (typed quotes match)."
        ),
        click.option("--on", "stated", metavar="DATE", help="When it was stated (YYYY[-MM[-DD]])."),
        click.option("--topic", "topics", multiple=True, help="A topic (repeatable)."),
        click.option("--paraphrase", is_flag=True, help="The quote is a paraphrase."),
        click.option("--cue", help='The reporting verb ("said", "denied").'),
        click.option("--via", metavar="ACTOR", help='The intermediary ("TASS reported").'),
        click.option("--occurrence", type=COUNT, help="Which one, if the quote recurs."),
        click.option("--id", "key", metavar="ID", help="The claim's id (default: from its text)."),
        click.option(
            "--new",
            "force_new",
            is_flag=True,
            help="Record it even if it resembles a recorded claim.",
        ),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _add_claim(
    ctx: click.Context, relations: list[tuple[str, str]], fmt: str, options: dict[str, Any]
) -> None:
    from tracker.ingest import adding, edit
    from tracker.query.similar import refuse_resembling

    fields = adding.ClaimFields(
        by=list(options["by"]),
        text=options["text"],
        source=options["source"],
        quote=options["quote"],
        stated=date_option(options["stated"], "--on"),
        topics=list(options["topics"]),
        paraphrase=options["paraphrase"],
        cue=options["cue"],
        via=options["via"],
        occurrence=options["occurrence"],
        key=options["key"],
        relations=relations,
    )
    label = "tracker add " + ("counter" if relations else "claim")
    with writing(ctx) as session:
        spec, said = adding.claim_spec(session, fields, label)
        echo_notes(said)
        # Written first, so that a bad quote or name is what is reported; a
        # resemblance then undoes it (the transaction rolls back).
        written = edit.add_claim(session, spec)
        if not options["force_new"]:
            refuse_resembling(session, spec)
    report(ctx, written, fmt)


@add.command("claim")
@_claim_options
@write_format
@click.pass_context
def add_claim(ctx: click.Context, /, fmt: str, **options: Any) -> None:
    """Record a claim: who said what, where it appears, in their words.

    A claim that resembles a recorded one from the same side (the same
    statement in another source or translation) is refused, naming it, so it
    can be added as another appearance instead; --new records it anyway.

    \b
    Examples:
      tracker add claim --by Miller --on 2024-06-17 --topic arms-transfers \\
          --text "North Korea has supplied Russia with ballistic missiles." \\
          --source star-advertiser-20240618 --quote "dozens of ballistic missiles" \\
          --cue "repeated charges"
    """
    _add_claim(ctx, [], fmt, options)


@add.command("counter")
@click.argument("claim_id", metavar="CLAIM")
@click.option(
    "--relation",
    type=click.Choice(COUNTER_RELATIONS),
    default="denies",
    show_default=True,
    help="How it answers CLAIM.",
)
@_claim_options
@write_format
@click.pass_context
def add_counter(
    ctx: click.Context, /, claim_id: str, relation: str, fmt: str, **options: Any
) -> None:
    """Record a claim that denies, disputes or undercuts CLAIM.

    \b
    Examples:
      tracker add counter miller-arms-charge --relation denies --by Moscow --by Pyongyang \\
          --text "There have been no arms transfers between North Korea and Russia." \\
          --source star-advertiser-20240618 --quote "have denied arms transfers" --paraphrase
    """
    _add_claim(ctx, [(relation, claim_id)], fmt, options)


@add.command("appearance")
@click.argument("claim_id", metavar="CLAIM")
@click.option("--source", required=True, metavar="ID", help="The source it appears in.")
@click.option("--quote", required=True, help="Its words in the source (typed quotes match).")
@click.option("--paraphrase", is_flag=True, help="The quote is a paraphrase.")
@click.option("--cue", help='The reporting verb ("said", "denied").')
@click.option("--via", metavar="ACTOR", help='The intermediary ("TASS reported").')
@click.option("--occurrence", type=COUNT, help="Which one, if the quote recurs.")
@write_format
@click.pass_context
def add_appearance(ctx: click.Context, /, claim_id: str, fmt: str, **options: Any) -> None:
    """Record another place CLAIM is reported (another source, a translation).

    \b
    Examples:
      tracker add appearance putin-resist-unilateral-restrictions \\
          --source polskie-radio-20240618 --quote "jointly resist" --cue wrote --via Reuters
    """
    from tracker.ingest import edit
    from tracker.ingest.dataset import AppearanceSpec

    with writing(ctx) as session:
        appearance = AppearanceSpec(
            source=options["source"],
            quote=options["quote"],
            type="paraphrase" if options["paraphrase"] else "direct",
            cue=options["cue"],
            via=actor_key(session, options["via"]) if options["via"] else None,
            occurrence=options["occurrence"],
            where=edit.where("tracker add appearance"),
        )
        written = edit.add_appearance(session, claim_id, appearance)
    report(ctx, written, fmt)


@add.command("actor")
@click.argument("name")
@click.option("--kind", type=click.Choice(ACTOR_KINDS), required=True, help="What it is.")
@click.option("--id", "key", metavar="ID", help="Its id (default: from its name).")
@click.option("--description", help="A short description.")
@click.option("--alias", "aliases", multiple=True, help="Another name (repeatable).")
@click.option("--role", metavar="TITLE", help="A position it holds (with --of).")
@click.option("--of", "organization", metavar="ACTOR", help="The organization of --role.")
@write_format
@click.pass_context
def add_actor(
    ctx: click.Context,
    name: str,
    kind: str,
    key: str | None,
    description: str | None,
    aliases: tuple[str, ...],
    role: str | None,
    organization: str | None,
    fmt: str,
) -> None:
    """Record an actor: a person, organization, government, group, or an
    unnamed source ("officials speaking on condition of anonymity").

    \b
    Examples:
      tracker add actor "Maria Zakharova" --kind person --alias Zakharova \\
          --role Spokesperson --of "Russian government"
      tracker add actor "US officials speaking on condition of anonymity" \\
          --kind unnamed --role Officials --of "United States"
    """
    from tracker.ingest import edit
    from tracker.ingest.dataset import ActorSpec, RoleSpec

    if (role is None) != (organization is None):
        raise click.UsageError("--role and --of go together")
    with writing(ctx) as session:
        roles = []
        if role and organization:
            org = actor_key(session, organization)
            roles.append(RoleSpec(role, org, None, None, edit.where("tracker add actor")))
        spec = ActorSpec(
            key=key or edit.new_key(session, "actor", name),
            name=name,
            kind=kind,
            description=description,
            aliases=list(aliases),
            roles=roles,
            where=edit.where("tracker add actor"),
        )
        written = edit.add_actor(session, spec)
    report(ctx, written, fmt)


COMMANDS = [add]
