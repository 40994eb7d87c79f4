"""Commands that fix the record: relate, unrelate, alias, merge-actors, rename, remove."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from tracker.cli.common import open_session
from tracker.cli.writing import actor_key, confirm, report, report_each, write_format, writing
from tracker.vocabulary import RELATION_TYPES

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from tracker.ingest.edit import Written


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
        written = edit.add_alias(session, actor_key(session, actor), alias)
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
        keep_key, other_key = actor_key(session, keep), actor_key(session, other)
    # Asked before the write lock is taken: nobody waits on the question.
    confirm(f"Merge actor {other_key} into {keep_key}?", yes)
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
    confirm(question, yes)
    with writing(ctx) as session:
        written = act(session)
    report(ctx, written, fmt)


_yes = click.option("--yes", is_flag=True, help="Do not ask for confirmation.")


@remove.command("claim")
@click.argument("claim_ids", metavar="CLAIM...", nargs=-1, required=True)
@click.option("--with-relations", is_flag=True, help="Also remove other claims' relations to it.")
@_yes
@write_format
@click.pass_context
def remove_claim(
    ctx: click.Context, claim_ids: tuple[str, ...], with_relations: bool, yes: bool, fmt: str
) -> None:
    """Remove each CLAIM with its appearances, claimants, topics, verdicts and
    evidence: all in one transaction, or none. A relation between two of them
    goes with them; one from a claim that stays needs --with-relations.

    \b
    Examples:
      tracker remove claim typo-d-claim-id --yes
      tracker remove claim old-charge --with-relations
      tracker remove claim draft-1 draft-2 draft-3 --yes
    """
    from tracker.ingest import remove

    keys = list(dict.fromkeys(claim_ids))
    what = f"claim {keys[0]}" if len(keys) == 1 else f"{len(keys)} claims ({', '.join(keys)})"
    # Asked before the write lock is taken: nobody waits on the question.
    confirm(f"Remove {what} and {'its' if len(keys) == 1 else 'their'} appearances?", yes)
    with writing(ctx) as session:
        written = remove.remove_claims(session, keys, with_relations)
    report_each(ctx, written, fmt)


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
    from tracker.ingest import remove

    _removal(
        ctx,
        f"Remove the relation {from_id} → {to_id}?",
        yes,
        fmt,
        lambda s: remove.remove_relation(s, from_id, to_id),
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
    from tracker.ingest import remove

    source, _, start = where.partition(":")
    if start and not start.isdigit():
        raise click.BadParameter("START must be a character offset", param_hint="SOURCE[:START]")
    _removal(
        ctx,
        f"Remove claim {claim_id}'s appearance in {source}?",
        yes,
        fmt,
        lambda s: remove.remove_appearance(s, claim_id, source, int(start) if start else None),
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
    from tracker.ingest import remove

    _removal(
        ctx,
        f"Remove source {source_id}?",
        yes,
        fmt,
        lambda s: remove.remove_source(s, source_id, with_appearances),
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
    from tracker.ingest import remove

    with open_session(ctx) as session:
        key = actor_key(session, actor)
    _removal(ctx, f"Remove actor {key}?", yes, fmt, lambda s: remove.remove_actor(s, key))


COMMANDS = [relate, unrelate, alias, merge_actors, rename, remove]
