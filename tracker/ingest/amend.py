"""Editing a recorded claim, actor, source or appearance from the command line.

Each edit reads the entity as the loader would read it from a data file,
changes the fields asked for, and writes it back through the loader
(`load_dataset`): it is refused exactly where a data file saying the same
would be, and it changes nothing else. Each function works in the caller's
write (one transaction, one change in the log) and returns what it wrote and
what the user should be told (a verdict given on a claim's old wording).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from tracker.errors import InputError, NotFound
from tracker.ingest.dataset import Dataset, SourceSpec
from tracker.ingest.edit import (
    Written,
    actor_row,
    actor_spec,
    appearance_index,
    claim_row,
    claim_spec,
    source_row,
    where,
)
from tracker.ingest.load import load_dataset
from tracker.ingest.states import LoadReport
from tracker.record import changelog
from tracker.record.models import Source

# "Leave it as it is": distinct from None, which clears an optional field.
KEEP: Any = object()


@dataclass
class Edited:
    written: Written
    warnings: list[str] = field(default_factory=list)


def _write(session: Session, dataset: Dataset) -> bool:
    """Write `dataset`; whether it changed anything."""
    return load_dataset(session, dataset, LoadReport()).changed


def _result(changed: bool, kind: str, key: str, what: list[str]) -> Written:
    if not changed:
        return Written("unchanged", kind, key, f"{kind} {key} already says so")
    return Written("updated", kind, key, f"updated {kind} {key}: {', '.join(what)}")


def _apply(target: Any, name: str, value: Any, what: list[str], label: str = "") -> None:
    """Set `target.name` to `value` unless it is KEEP or already so, and say
    what changed in `what`. An empty text is no value (None): it clears."""
    if value is KEEP:
        return
    if isinstance(value, str) and not value:
        value = None
    if value != getattr(target, name):
        setattr(target, name, value)
        what.append(label or name)


def _toggle(
    current: list[str], added: list[str], dropped: list[str], what: str, owner: str
) -> list[str]:
    missing = [d for d in dropped if d not in current]
    if missing:
        raise NotFound(f"{owner} has no {what} {missing[0]!r} (it has: {', '.join(current)})")
    kept = [c for c in current if c not in dropped]
    return kept + [a for a in added if a not in kept]


def edit_claim(
    session: Session,
    key: str,
    *,
    text: str | None = None,
    stated: tuple[dt.date, str] | None = KEEP,
    topics: tuple[list[str], list[str]] = ([], []),
    claimants: tuple[list[str], list[str]] = ([], []),
) -> Edited:
    """Change a claim's text, date (None: undated), topics and claimants
    (each a pair of lists: added, dropped; actors by id)."""
    claim = claim_row(session, key)
    label = "tracker edit claim"
    spec = claim_spec(claim, label)
    verdicts = len(claim.reviews)
    what, warnings = [], []
    if text is not None and text != spec.text:
        spec.text = text
        what.append("text")
        if verdicts:
            warning = (
                f"claim {key} has {verdicts} verdict(s) given on its old wording:"
                f" check them against the new text (tracker show {key})"
            )
            warnings.append(warning)
            changelog.note(session, warning)
    if stated is not KEEP:
        day, precision = stated if stated is not None else (None, None)
        if (day, precision) != (spec.stated, spec.precision):
            spec.stated, spec.precision = day, precision
            what.append("date")
    added, dropped = topics
    new_topics = _toggle(spec.topics, added, dropped, "topic", f"claim {key!r}")
    if sorted(new_topics) != sorted(spec.topics):
        spec.topics = new_topics
        what.append("topics")
    added, dropped = claimants
    new_claimants = _toggle(spec.claimants, added, dropped, "claimant", f"claim {key!r}")
    if new_claimants != spec.claimants:
        if not new_claimants:
            raise InputError(
                f"claim {key!r} would have no claimant: a claim is someone's; add the new"
                " claimant with --claimant before dropping the last"
            )
        spec.claimants = new_claimants
        what.append("claimants")
    changed = bool(what) and _write(session, Dataset(claims=[spec]))
    return Edited(_result(changed, "claim", key, what), warnings if changed else [])


def edit_actor(
    session: Session,
    key: str,
    *,
    name: str = KEEP,
    kind: str = KEEP,
    description: str | None = KEEP,
    keep_old_name: bool = True,
) -> Edited:
    """Change an actor's canonical name (its old name stays an alias unless
    `keep_old_name` is false), kind or description (None clears it)."""
    actor = actor_row(session, key)
    spec = actor_spec(actor, "tracker edit actor")
    what: list[str] = []
    old_name = spec.name
    _apply(spec, "name", name, what)
    if what and spec.name is not None:
        if keep_old_name and old_name not in spec.aliases:
            spec.aliases.append(old_name)
        spec.aliases = [a for a in spec.aliases if a != spec.name]
    _apply(spec, "kind", kind, what)
    _apply(spec, "description", description, what)
    changed = bool(what) and _write(session, Dataset(actors=[spec]))
    return Edited(_result(changed, "actor", key, what))


def source_spec(source: Source, label: str) -> SourceSpec:
    """The source as the loader would read it from a data file (its text as stored)."""
    return SourceSpec(
        key=source.key,
        outlet=source.outlet,
        title=source.title,
        url=source.url,
        published=source.published_on,
        published_precision=source.published_precision,
        language=source.language,
        credits=[c.actor.key for c in source.credits],
        notes=source.notes,
        text=source.text,
        where=where(label),
        archived_url=source.archived_url,
        retrieved=source.retrieved_on,
        excerpt=source.excerpt,
        raw_hash=source.raw_hash,
    )


# What `edit_source` may change: the field of the spec, the name users know.
SOURCE_FIELDS = {
    "outlet": "outlet",
    "title": "title",
    "url": "url",
    "language": "language",
    "notes": "notes",
    "archived_url": "archived URL",
    "excerpt": "excerpt",
}


def edit_source(
    session: Session,
    key: str,
    *,
    published: tuple[dt.date, str] | None = KEEP,
    retrieved: dt.date | None = KEEP,
    credits: tuple[list[str], list[str]] = ([], []),
    **fields: Any,
) -> Edited:
    """Change a source's description (SOURCE_FIELDS; None or "" clears an
    optional one), its dates (None clears them) and wire credits (added,
    dropped). Its text is not an edit: load the re-fetched article."""
    unknown = set(fields) - set(SOURCE_FIELDS)
    if unknown:
        raise InputError(f"a source has no field {sorted(unknown)[0]!r} to edit")
    spec = source_spec(source_row(session, key), "tracker edit source")
    what: list[str] = []
    for name, value in fields.items():
        _apply(spec, name, value, what, SOURCE_FIELDS[name])
    if published is not KEEP:
        day, precision = published if published is not None else (None, None)
        if (day, precision) != (spec.published, spec.published_precision):
            spec.published, spec.published_precision = day, precision
            what.append("publication date")
    _apply(spec, "retrieved", retrieved, what, "retrieval date")
    added, dropped = credits
    new_credits = _toggle(spec.credits, added, dropped, "credit", f"source {key!r}")
    if new_credits != spec.credits:
        spec.credits = new_credits
        what.append("credits")
    changed = bool(what) and _write(session, Dataset(sources=[spec]))
    return Edited(_result(changed, "source", key, what))


def edit_appearance(
    session: Session,
    claim_key: str,
    source_key: str,
    start: int | None = None,
    *,
    type: str = KEEP,
    cue: str | None = KEEP,
    via: str | None = KEEP,
) -> Edited:
    """Change how an appearance reports its claim: direct or paraphrase, the
    cue, the intermediary (an actor id; None for none)."""
    claim = claim_row(session, claim_key)
    index = appearance_index(claim, source_key, start)
    spec = claim_spec(claim, "tracker edit appearance")
    appearance = spec.appearances[index]
    place = f"{source_key}:{claim.appearances[index].start_offset}"
    what: list[str] = []
    for name, value in (("type", type), ("cue", cue), ("via", via)):
        _apply(appearance, name, value, what)
    changed = bool(what) and _write(session, Dataset(claims=[spec]))
    written = _result(changed, "appearance", claim_key, what)
    if changed:
        written = Written(
            "updated",
            "appearance",
            claim_key,
            f"updated the appearance of claim {claim_key} in {place}: {', '.join(what)}",
        )
    return Edited(written)
