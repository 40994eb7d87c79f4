"""`tracker extract`: propose the claims and denials an article reports."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from tracker.cli.common import echo, echo_listing, open_session
from tracker.cli.writing import writing
from tracker.render.formats import DEFAULT_FORMAT, FORMATS

if TYPE_CHECKING:
    from tracker.extract.propose import Proposal

EXTRACT_FORMATS = [*FORMATS, "yaml"]
HEADERS = ["#", "speaker", "cue", "stance", "actor", "said", "links"]


def _row(numbered: tuple[int, Proposal]) -> list[Any]:
    number, p = numbered
    a = p.attribution
    links = [f"= {m.claim}" for m in p.matches[:1]] + [
        f"\u2260 {d.claim or f'#{d.proposal}'}" for d in p.answers[:2]
    ]
    speaker = p.speaker
    actor = ", ".join(
        [*speaker.actors, *([f"new: {speaker.new_name}"] if speaker.new_name else [])]
    ) or "? " + ", ".join(c.actor or f"new: {c.name}" for c in speaker.candidates[:3])
    return [number, a.speaker.text, a.cue.text, a.stance, actor, a.content.text, "\n".join(links)]


@click.command()
@click.argument("target", metavar="SOURCE|FILE")
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(EXTRACT_FORMATS, case_sensitive=False),
    default=DEFAULT_FORMAT,
    show_default=True,
    metavar="FORMAT",
    help="table, json (the proposal objects), yaml (a data file to edit and load), csv,"
    " or any tabulate format.",
)
@click.option("--review", is_flag=True, help="Walk the proposals and write the accepted ones.")
@click.option(
    "--accept-all",
    is_flag=True,
    help="Write every proposal whose speaker is resolved; say on stderr how many were held back.",
)
@click.pass_context
def extract(ctx: click.Context, target: str, fmt: str, review: bool, accept_all: bool) -> None:
    """Propose the attributed statements of an article: who said what, with
    which cue, through whom, whether it asserts, hedges or denies, and which
    recorded claims it repeats or denies.

    SOURCE is a stored source's id; FILE a text, Markdown or HTML file (as
    `tracker add source` reads it). Nothing is written unless you accept it
    (--review) or say --accept-all; both need a stored source, so that each
    quote is anchored in its text. Needs the extract extra:
    pip install 'tracker[extract]'.

    \b
    Examples:
      tracker extract star-advertiser-20240618
      tracker extract article.html -f json
      tracker extract star-advertiser-20240618 -f yaml > proposed.yaml
      tracker extract star-advertiser-20240618 --review
    """
    from tracker.extract import queue
    from tracker.extract import review as reviewing
    from tracker.extract.propose import pipeline, propose
    from tracker.ingest import edit

    if review and accept_all:
        raise click.UsageError(
            "--review asks about each proposal, --accept-all about none: give one"
        )
    nlp = pipeline()
    path = Path(target)
    with open_session(ctx) as session:
        if path.is_file():
            from tracker.ingest import sourcefile

            if review or accept_all:
                raise click.UsageError(
                    f"{target} is not a stored source: add it with `tracker add source {target}`,"
                    " then extract it by its id"
                )
            # Read, not stored: a link out of its folder is the user's to follow.
            found = sourcefile.read(path, allow_outside=True)
            text, source_key = found.text, edit.slug(path.stem, "source")
            stored, published = None, found.published
        else:
            source = edit.source_row(session, target)
            if source.text is None:
                raise click.UsageError(f"source {target!r} has no stored text to read")
            text, source_key = source.text, source.key
            stored, published = source.key, None
        proposals = propose(session, text, nlp, stored, published)
        # A watched source's review asks about its queued proposals only.
        spans = queue.queued_spans(session, stored) if stored and (review or accept_all) else set()
        if fmt == "yaml" and not (review or accept_all):
            header = (
                f"Proposed by `tracker extract {target}`: check each claim against the"
                "\ntext, edit its wording (one proposition, neutral words), then"
                "\n`tracker load` this file."
            )
            if path.is_file():
                header += (
                    f"\nThe source is not stored yet: `tracker add source {target}`, then set"
                    f"\neach `source: {source_key}` below to the id it prints."
                )
            echo(reviewing.data_file(session, proposals, source_key, text, header), fmt, nl=False)
            return
    if not (review or accept_all):
        listing = fmt if fmt != "yaml" else DEFAULT_FORMAT
        echo_listing(
            listing,
            HEADERS,
            enumerate(proposals, 1),
            _row,
            lambda n: n[1].as_json(),
            "No attributed statements found.",
        )
        return
    only = queue.pending(proposals, spans) if spans else None
    # Queued, but no longer proposed (the rules or the text changed since).
    cleared = spans - {queue.span(p) for p in proposals}
    if cleared:
        echo(
            f"{len(cleared)} queued proposal(s) of {source_key} are no longer proposed:"
            " taken off the queue"
        )
    if accept_all:
        decisions = reviewing.accepted(proposals)
        if only is not None:
            decisions = [d for d in decisions if d.number in only]
        pool = proposals if only is None else [p for n, p in enumerate(proposals, 1) if n in only]
        held = reviewing.held_back(pool)
        if held:
            click.echo(held, err=True)
        cleared |= {queue.span(d.proposal) for d in decisions}
    else:
        decided: list[int] = []
        decisions = reviewing.review(
            proposals,
            # Skip by default; a denial's targets default to the first choice.
            ask=lambda prompt, choices: click.prompt(
                prompt,
                type=click.Choice(choices),
                default="s" if "s" in choices else choices[0],
                show_choices=True,
            ),
            edit_text=lambda text: click.prompt("claim text", default=text),
            say=lambda text: echo(text),
            only=only,
            reviewed=decided.append,
        )
        cleared |= {queue.span(proposals[n - 1]) for n in decided}
    if not decisions and not (spans and cleared):
        echo("Nothing accepted: nothing written.")
        return
    with writing(ctx) as session:
        written = reviewing.write(session, source_key, decisions) if decisions else []
        off = queue.clear(session, source_key, cleared & spans)
    for w in written:
        echo(w.message)
    total = len(only) if only is not None else len(proposals)
    echo(f"Wrote {len(decisions)} of {total} proposals.")
    if spans:
        left = len(spans) - off
        echo(f"Took {off} proposal(s) of {source_key} off the review queue; {left} left on it.")
