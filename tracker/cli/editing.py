"""Commands that write: add, relate, alias, merge, rename, remove.

Each runs in one transaction under the write lock, prints what it wrote (or
the JSON of it with -f json), and on bad input prints one line and changes
nothing.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from tracker.cli.common import connect, open_session, parse_date
from tracker.vocabulary import ACTOR_KINDS, COUNTER_RELATIONS, RELATION_TYPES

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
def writing(ctx: click.Context) -> Iterator[Session]:
    """A session whose work commits together or not at all, under the write lock."""
    from tracker.record import lock

    with connect(ctx) as engine, lock.transaction(engine) as session:
        yield session


def report(ctx: click.Context, written: Written, fmt: str) -> None:
    """Print what was written; for JSON, with the entity as it now stands."""
    if fmt == "text":
        click.echo(written.message)
        return
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
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _actor_key(session: Session, name: str) -> str:
    from tracker.record.names import resolve_actor

    return resolve_actor(session, name).key


def _confirm(question: str, yes: bool) -> None:
    """Ask before destroying; scripts say --yes."""
    if yes:
        return
    if not sys.stdin.isatty():
        raise click.UsageError(f"{question} Add --yes to do it without asking.")
    if not click.confirm(question, default=False):
        raise click.Abort()


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
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
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
@write_format
@click.pass_context
def add_source(
    ctx: click.Context, /, file: Path, key: str | None, fmt: str, **options: Any
) -> None:
    """Store an article from a file: plain text, Markdown with YAML front
    matter (title, outlet, url, published, credits, language), or an HTML
    page saved from a browser (its text and metadata extracted offline).

    Adding the same file or text again changes nothing and names the source
    that holds it. Prints the new source's id.

    \b
    Examples:
      tracker add source page.html
      tracker add source statement.txt --outlet "Ministry of Foreign Affairs" \\
          --title "Statement on ..." --published 2024-06-19
    """
    from tracker.ingest import edit, sourcefile
    from tracker.ingest.dataset import SourceSpec

    found = sourcefile.read(file)
    published = parse_date(options["published"], "--published") or found.published
    retrieved = parse_date(options["retrieved"], "--retrieved", day_only=True)
    title = options["title"] or found.title
    outlet = options["outlet"] or found.outlet
    for value, option in ((title, "--title"), (outlet, "--outlet")):
        if not value:
            raise click.UsageError(f"{file} does not say its {option[2:]}: give {option}")
    assert title is not None and outlet is not None
    with writing(ctx) as session:
        names = list(options["credits"]) or found.credits
        spec = SourceSpec(
            key=key or "",
            outlet=outlet,
            title=title,
            url=options["url"] or found.url,
            published=published[0] if published else None,
            published_precision=published[1] if published else None,
            language=options["language"] or found.language,
            credits=[_actor_key(session, name) for name in names],
            notes=options["notes"] or found.notes,
            text=found.text,
            where=edit.where(f"{file}"),
            archived_url=options["archived_url"] or found.archived_url,
            retrieved=retrieved[0] if retrieved else found.retrieved,
            excerpt=options["excerpt"] or found.excerpt,
            raw_hash=found.raw_hash,
        )
        if not key:
            day = published[0].isoformat().replace("-", "") if published else ""
            spec.key = edit.new_key(session, "source", f"{outlet} {day}".strip())
        written = edit.add_source(session, spec)
    report(ctx, written, fmt)


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
        click.option(
            "--occurrence", type=click.IntRange(min=1), help="Which one, if the quote recurs."
        ),
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
    from tracker.ingest import edit
    from tracker.ingest.dataset import AppearanceSpec, ClaimSpec
    from tracker.query.similar import similar_claims

    stated = parse_date(options["stated"], "--on")
    label = "tracker add " + ("counter" if relations else "claim")
    with writing(ctx) as session:
        claimants = [_actor_key(session, name) for name in options["by"]]
        appearance = AppearanceSpec(
            source=options["source"],
            quote=options["quote"],
            type="paraphrase" if options["paraphrase"] else "direct",
            cue=options["cue"],
            via=_actor_key(session, options["via"]) if options["via"] else None,
            occurrence=options["occurrence"],
            where=edit.where(label),
        )
        key = options["key"] or edit.new_key(session, "claim", options["text"])
        spec = ClaimSpec(
            key=key,
            text=options["text"],
            claimants=claimants,
            stated=stated[0] if stated else None,
            precision=stated[1] if stated else None,
            topics=list(options["topics"]),
            appearances=[appearance],
            relations=relations,
            where=edit.where(label),
        )
        # Written first, so that a bad quote or name is what is reported; a
        # resemblance then undoes it (the transaction rolls back).
        written = edit.add_claim(session, spec)
        if not options["force_new"]:
            from sqlalchemy import select

            from tracker.record.models import Actor

            ids = set(session.scalars(select(Actor.id).where(Actor.key.in_(claimants))))
            matches = similar_claims(session, spec.text, [options["quote"]], ids, key)
            if matches:
                best = matches[0]
                raise click.ClickException(
                    f"this resembles claim {best.claim} ({best.score:.0f}% alike, same side):"
                    f" {best.text!r}. Record it there with `tracker add appearance"
                    f" {best.claim} --source ... --quote ...`, or as a new claim with --new"
                )
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
@click.option("--occurrence", type=click.IntRange(min=1), help="Which one, if the quote recurs.")
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
            via=_actor_key(session, options["via"]) if options["via"] else None,
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
            org = _actor_key(session, organization)
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


# -- relations, names, ids --------------------------------------------------------------


@click.command()
@click.argument("from_id", metavar="CLAIM")
@click.argument("to_id", metavar="OTHER")
@click.option("--relation", type=click.Choice(RELATION_TYPES), required=True)
@write_format
@click.pass_context
def relate(ctx: click.Context, from_id: str, to_id: str, relation: str, fmt: str) -> None:
    """Link CLAIM to OTHER: CLAIM denies (disputes, supports...) OTHER.

    A relation CLAIM already has to OTHER is replaced.

    \b
    Examples:
      tracker relate moscow-pyongyang-deny-arms us-skorea-tech-for-arms --relation denies
    """
    from tracker.ingest import edit

    with writing(ctx) as session:
        written = edit.relate(session, from_id, to_id, relation)
    report(ctx, written, fmt)


@click.command()
@click.argument("from_id", metavar="CLAIM")
@click.argument("to_id", metavar="OTHER")
@write_format
@click.pass_context
def unrelate(ctx: click.Context, from_id: str, to_id: str, fmt: str) -> None:
    """Remove the relation from CLAIM to OTHER.

    \b
    Examples:
      tracker unrelate nk-media-supports-war putin-nk-supports-war
    """
    from tracker.ingest import edit

    with writing(ctx) as session:
        written = edit.unrelate(session, from_id, to_id)
    report(ctx, written, fmt)


@click.command()
@click.argument("actor")
@click.argument("alias")
@write_format
@click.pass_context
def alias(ctx: click.Context, actor: str, alias: str, fmt: str) -> None:
    """Give ACTOR another name (a spelling, a title, a transliteration).

    \b
    Examples:
      tracker alias Putin "Vladimir Poutine"
    """
    from tracker.ingest import edit

    with writing(ctx) as session:
        written = edit.add_alias(session, _actor_key(session, actor), alias)
    report(ctx, written, fmt)


@click.command("merge-actors")
@click.argument("keep")
@click.argument("other")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@write_format
@click.pass_context
def merge_actors(ctx: click.Context, keep: str, other: str, yes: bool, fmt: str) -> None:
    """Merge OTHER into KEEP: its claims, roles, credits and relayed quotes
    move to KEEP, and its names become KEEP's aliases.

    \b
    Examples:
      tracker merge-actors vladimir-putin v-putin --yes
    """
    from tracker.ingest import edit

    with open_session(ctx) as session:
        keep_key, other_key = _actor_key(session, keep), _actor_key(session, other)
    # Asked before the write lock is taken: nobody waits on the question.
    _confirm(f"Merge actor {other_key} into {keep_key}?", yes)
    with writing(ctx) as session:
        written = edit.merge_actors(session, keep_key, other_key)
    report(ctx, written, fmt)


@click.command()
@click.argument("kind", type=click.Choice(["claim", "actor", "source"]))
@click.argument("old")
@click.argument("new")
@write_format
@click.pass_context
def rename(ctx: click.Context, kind: str, old: str, new: str, fmt: str) -> None:
    """Change the id of a claim, actor or source; every reference follows.

    \b
    Examples:
      tracker rename claim north-korea-has-supplied-russia miller-arms-charge
    """
    from tracker.ingest import edit

    with writing(ctx) as session:
        written = edit.rename(session, kind, old, new)
    report(ctx, written, fmt)


# -- remove ----------------------------------------------------------------------------


@click.group()
def remove() -> None:
    """Remove a claim, relation, appearance, source or actor (asks first).

    Evidence is never orphaned silently: a source that holds quotes, a claim
    others answer, an actor with claims are refused unless you say what to do
    with what depends on them.

    \b
    Examples:
      tracker remove claim typo-d-claim-id --yes
      tracker remove relation nk-media-supports-war putin-nk-supports-war
      tracker remove source old-source --with-appearances
    """


def _removal(
    ctx: click.Context, question: str, yes: bool, fmt: str, act: Callable[[Session], Written]
) -> None:
    # Asked before the write lock is taken: nobody waits on the question.
    _confirm(question, yes)
    with writing(ctx) as session:
        written = act(session)
    report(ctx, written, fmt)


_yes = click.option("--yes", is_flag=True, help="Do not ask for confirmation.")


@remove.command("claim")
@click.argument("claim_id", metavar="CLAIM")
@click.option("--with-relations", is_flag=True, help="Also remove other claims' relations to it.")
@_yes
@write_format
@click.pass_context
def remove_claim(
    ctx: click.Context, claim_id: str, with_relations: bool, yes: bool, fmt: str
) -> None:
    """Remove CLAIM with its appearances, claimants and topics.

    \b
    Examples:
      tracker remove claim typo-d-claim-id --yes
      tracker remove claim old-charge --with-relations
    """
    from tracker.ingest import edit

    _removal(
        ctx,
        f"Remove claim {claim_id} and its appearances?",
        yes,
        fmt,
        lambda s: edit.remove_claim(s, claim_id, with_relations),
    )


@remove.command("relation")
@click.argument("from_id", metavar="CLAIM")
@click.argument("to_id", metavar="OTHER")
@_yes
@write_format
@click.pass_context
def remove_relation(ctx: click.Context, from_id: str, to_id: str, yes: bool, fmt: str) -> None:
    """Remove the relation from CLAIM to OTHER (as `tracker unrelate` does).

    \b
    Examples:
      tracker remove relation nk-media-supports-war putin-nk-supports-war --yes
    """
    from tracker.ingest import edit

    _removal(
        ctx,
        f"Remove the relation {from_id} → {to_id}?",
        yes,
        fmt,
        lambda s: edit.remove_relation(s, from_id, to_id),
    )


@remove.command("appearance")
@click.argument("claim_id", metavar="CLAIM")
@click.argument("where", metavar="SOURCE[:START]")
@_yes
@write_format
@click.pass_context
def remove_appearance(ctx: click.Context, claim_id: str, where: str, yes: bool, fmt: str) -> None:
    """Remove CLAIM's appearance in SOURCE (at offset START, if it has several).

    \b
    Examples:
      tracker remove appearance putin-nk-supports-war star-advertiser-20240618:1108 --yes
    """
    from tracker.ingest import edit

    source, _, start = where.partition(":")
    if start and not start.isdigit():
        raise click.BadParameter("START must be a character offset", param_hint="SOURCE[:START]")
    _removal(
        ctx,
        f"Remove claim {claim_id}'s appearance in {source}?",
        yes,
        fmt,
        lambda s: edit.remove_appearance(s, claim_id, source, int(start) if start else None),
    )


@remove.command("source")
@click.argument("source_id", metavar="SOURCE")
@click.option("--with-appearances", is_flag=True, help="Also remove the quotes it holds.")
@_yes
@write_format
@click.pass_context
def remove_source(
    ctx: click.Context, source_id: str, with_appearances: bool, yes: bool, fmt: str
) -> None:
    """Remove SOURCE and its stored text.

    \b
    Examples:
      tracker remove source duplicate-source --yes
      tracker remove source retracted-article --with-appearances
    """
    from tracker.ingest import edit

    _removal(
        ctx,
        f"Remove source {source_id}?",
        yes,
        fmt,
        lambda s: edit.remove_source(s, source_id, with_appearances),
    )


@remove.command("actor")
@click.argument("actor")
@_yes
@write_format
@click.pass_context
def remove_actor(ctx: click.Context, actor: str, yes: bool, fmt: str) -> None:
    """Remove an actor no claim, source or quote refers to (else: merge-actors).

    \b
    Examples:
      tracker remove actor misspelt-actor-id --yes
    """
    from tracker.ingest import edit

    def act(session: Session) -> Written:
        return edit.remove_actor(session, _actor_key(session, actor))

    _removal(ctx, f"Remove actor {actor}?", yes, fmt, act)


COMMANDS = [add, relate, unrelate, alias, merge_actors, rename, remove]
