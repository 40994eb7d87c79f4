"""What `tracker add claim`, `add counter` and `add source FILE` do with their
options, for every caller (the command line, the web's forms): the actors
they name resolved as a write resolves them, a claim's spec built from the
values given, a source stored from a file's bytes and the options.

A quote may also be given as a span of the source's text (a passage selected
in a browser): `quote_at` turns the span into the quote and the occurrence
that the loader anchors back at the same offsets.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from tracker import dates
from tracker.errors import InputError, TrackerError
from tracker.ingest import anchor, edit
from tracker.ingest.dataset import AppearanceSpec, ClaimSpec, SourceSpec
from tracker.ingest.edit import Written
from tracker.ingest.sourcefile import SourceFile
from tracker.record import changelog
from tracker.record.names import resolve_writer


def writer_key(session: Session, name: str) -> tuple[str, str | None]:
    """The actor a write names: by id or a whole alias, or the surname of the
    one person who bears it; never by a guess. (key, what to tell the user
    when it was by surname), the latter also kept with the change."""
    actor, by_surname = resolve_writer(session, name)
    if not by_surname:
        return actor.key, None
    said = f"{name!r} taken as {actor.name} ({actor.key}), the one person of that surname"
    changelog.note(session, said)
    return actor.key, said


@dataclass
class ClaimFields:
    """A claim as `add claim`'s options give it (names as typed)."""

    by: list[str]
    text: str
    source: str
    quote: str
    stated: tuple[dt.date, str] | None = None
    topics: list[str] = field(default_factory=list)
    paraphrase: bool = False
    cue: str | None = None
    via: str | None = None
    occurrence: int | None = None
    key: str | None = None
    relations: list[tuple[str, str]] = field(default_factory=list)  # (relation, claim)


def claim_spec(session: Session, fields: ClaimFields, label: str) -> tuple[ClaimSpec, list[str]]:
    """The spec `edit.add_claim` writes, and what resolving names told the
    user; `label` names the command in the change's messages."""
    said: list[str] = []

    def key_of(name: str) -> str:
        key, note = writer_key(session, name)
        if note is not None:
            said.append(note)
        return key

    claimants = [key_of(name) for name in fields.by]
    appearance = AppearanceSpec(
        source=fields.source,
        quote=fields.quote,
        type="paraphrase" if fields.paraphrase else "direct",
        cue=fields.cue,
        via=key_of(fields.via) if fields.via else None,
        occurrence=fields.occurrence,
        where=edit.where(label),
    )
    spec = ClaimSpec(
        key=fields.key or edit.new_key(session, "claim", fields.text),
        text=fields.text,
        claimants=claimants,
        stated=fields.stated[0] if fields.stated else None,
        precision=fields.stated[1] if fields.stated else None,
        topics=list(fields.topics),
        appearances=[appearance],
        relations=list(fields.relations),
        where=edit.where(label),
    )
    return spec, said


def quote_at(text: str, start: int, end: int) -> tuple[str, int | None]:
    """The passage `text[start:end]` (spaces at its ends left out) as a quote
    and, if it occurs more than once, which occurrence it is: what a typed
    `--quote` and `--occurrence` would say. Refused as a typed quote would
    be when it cuts a word."""
    if not 0 <= start < end <= len(text):
        raise InputError(
            f"the selection {start}-{end} is not within the source's text"
            f" ({len(text):,} characters)"
        )
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    quote = text[start:end]
    try:
        found = anchor.anchors(text, quote)
    except anchor.QuoteNotFound as exc:  # a typed quote's refusals: empty, inside a word
        raise InputError(f"the selection {start}-{end}: {exc}") from None
    at = [i for i, a in enumerate(found) if a.start == start]
    if not at:
        raise InputError(f"the selection {start}-{end} cuts a word ({quote!r}): select whole words")
    return quote, at[0] + 1 if len(found) > 1 else None


class MissingField(TrackerError):
    """A source whose file does not say its title or outlet, and no option does."""

    exit_code = 2  # as a usage error: the command line lacks an option


@dataclass
class SourceFields:
    """What `add source`'s options say of a source; None: what the file says."""

    key: str | None = None
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: tuple[dt.date, str] | None = None
    language: str | None = None
    credits: list[str] = field(default_factory=list)  # names, as typed
    archived_url: str | None = None
    retrieved: tuple[dt.date, str] | None = None
    excerpt: bool = False
    notes: str | None = None


def add_source(
    session: Session, found: SourceFile, name: str, given: SourceFields
) -> tuple[Written, list[str]]:
    """Store the article `found` (read from the file `name`), the options
    `given` overriding what it says of itself: what `tracker add source FILE`
    writes, and what resolving the credits' names told the user."""
    published = given.published or found.published
    title = given.title or found.title
    outlet = given.outlet or found.outlet
    for value, option in ((title, "--title"), (outlet, "--outlet")):
        if not value:
            raise MissingField(f"{name} does not say its {option[2:]}: give {option}")
    assert title is not None and outlet is not None
    said: list[str] = []
    credits = []
    for credit in given.credits or found.credits:
        key, note = writer_key(session, credit)
        credits.append(key)
        said += [note] if note else []
    spec = SourceSpec(
        key=given.key or "",
        outlet=outlet,
        title=title,
        url=given.url or found.url,
        published=published[0] if published else None,
        published_precision=published[1] if published else None,
        language=given.language or found.language,
        credits=credits,
        notes=given.notes or found.notes,
        text=found.text,
        where=edit.where(name),
        archived_url=given.archived_url or found.archived_url,
        retrieved=given.retrieved[0] if given.retrieved else found.retrieved,
        excerpt=given.excerpt or found.excerpt,
        raw_hash=found.raw_hash,
    )
    if not given.key:
        # The date at its precision: a month gives 202503, not an invented day.
        day = dates.compact(*published) if published else ""
        spec.key = edit.new_key(session, "source", f"{outlet} {day}".strip())
    return edit.add_source(session, spec), said
