"""What every spec must satisfy, whichever way it came in (a data file, a
command's options): text where text is required, values that fit their
columns on every backend, and no control characters.

Data files are checked field by field as they are read (tracker.ingest.fields,
with file and line); this pass runs on every dataset before it is planned,
so specs built by `tracker add` meet the same rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tracker.errors import InputError
from tracker.ingest.dataset import Dataset
from tracker.ingest.fields import LIMITS, Where

# C0 controls but tab, line feed and carriage return; DEL; C1 controls. They
# have no place in a name or a quote and reach terminals as escape sequences
# (and NUL is refused by PostgreSQL alone).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# In one-line values (ids, names, titles, cues), line breaks too.
CONTROL_OR_BREAK = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SHOWN = 40


def _shown(value: str) -> str:
    value = CONTROL_OR_BREAK.sub("?", value)
    return value if len(value) <= _SHOWN else value[: _SHOWN - 1] + "…"


def check_text(
    where: Where,
    what: str,
    field: str,
    value: str | None,
    *,
    required: bool = False,
    one_line: bool = True,
    limit: int | None = None,
) -> None:
    """One value: present if required, no control characters, within `limit`."""
    if value is None or not value.strip():
        if required:
            raise InputError(f"{where}: {what}: field {field!r} is empty")
        return
    found = (CONTROL_OR_BREAK if one_line else CONTROL).search(value)
    if found:
        raise InputError(
            f"{where}: {what}: field {field!r} holds a control character"
            f" (U+{ord(found[0]):04X}) at {found.start()}: {_shown(value)!r}"
        )
    if limit is not None and len(value) > limit:
        raise InputError(
            f"{where}: {what}: field {field!r} is {len(value)} characters long;"
            f" at most {limit} fit: {_shown(value)!r}"
        )


def _each(
    where: Where, what: str, field: str, values: Iterable[str], limit: int | None = None
) -> None:
    for value in values:
        check_text(where, what, field, value, required=True, limit=limit)


def check_dataset(dataset: Dataset) -> None:
    actor, source, claim = LIMITS["actor"], LIMITS["source"], LIMITS["claim"]
    for a in dataset.actors:
        what = f"actor {_shown(a.key)!r}"
        check_text(a.where, what, "id", a.key, required=True, limit=actor["id"])
        check_text(a.where, what, "name", a.name, required=True, limit=actor["name"])
        check_text(a.where, what, "description", a.description, one_line=False)
        _each(a.where, what, "aliases", a.aliases, actor["aliases"])
        for r in a.roles:
            check_text(
                r.where, what, "title", r.title, required=True, limit=LIMITS["role"]["title"]
            )
    for s in dataset.sources:
        what = f"source {_shown(s.key)!r}"
        check_text(s.where, what, "id", s.key, required=True, limit=source["id"])
        for field in ("outlet", "title"):
            check_text(s.where, what, field, getattr(s, field), required=True, limit=source[field])
        for field in ("url", "archived_url", "language"):
            check_text(s.where, what, field, getattr(s, field), limit=source[field])
        check_text(s.where, what, "notes", s.notes, one_line=False)
        # No text: a source known only by its URL, which it must then have.
        check_text(s.where, what, "text", s.text, required=s.url is None, one_line=False)
    for c in dataset.claims:
        what = f"claim {_shown(c.key)!r}"
        check_text(c.where, what, "id", c.key, required=True, limit=claim["id"])
        check_text(c.where, what, "text", c.text, required=True, one_line=False)
        _each(c.where, what, "topics", c.topics, claim["topics"])
        for app in c.appearances:
            # Left out only where the source has no stored text (the planner
            # knows which); given, it must hold more than white space.
            if app.quote is not None:
                check_text(app.where, what, "quote", app.quote, required=True, one_line=False)
            check_text(app.where, what, "cue", app.cue, limit=LIMITS["appearance"]["cue"])
