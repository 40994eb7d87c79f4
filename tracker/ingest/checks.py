"""What every spec must satisfy, whichever way it came in (a data file, a
command's options): text where text is required, values that fit their
columns on every backend, and no control characters.

Data files are checked field by field as they are read (tracker.ingest.fields,
with file and line); this pass runs on every dataset before it is planned,
so specs built by `tracker add` meet the same rules.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from tracker.errors import InputError
from tracker.ingest.dataset import ClaimSpec, Dataset
from tracker.ingest.fields import LIMITS, Where
from tracker.limits import MAX_TEXT_BYTES
from tracker.vocabulary import EVIDENCE_STANCES, RELATION_TYPES

# C0 controls but tab, line feed and carriage return; DEL; C1 controls. They
# have no place in a name or a quote and reach terminals as escape sequences
# (and NUL is refused by PostgreSQL alone). And lone surrogates, which are no
# characters (an escaped "\ud800", a byte of a command-line argument that is
# not UTF-8): no backend can store them, no terminal print them.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# In one-line values (ids, names, titles, cues), line breaks too.
CONTROL_OR_BREAK = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_SHOWN = 40
# The only addresses recorded: a javascript: or data: URL in a source or a
# verdict would run wherever an export or a report links it.
_URL_SCHEMES = ("http", "https")


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
        code = ord(found[0])
        kind = (
            "no character (a lone surrogate: a byte that is not UTF-8, or half of a pair)"
            if 0xD800 <= code <= 0xDFFF
            else "a control character"
        )
        raise InputError(
            f"{where}: {what}: field {field!r} holds {kind} (U+{code:04X}) at"
            f" {found.start()}: {_shown(value)!r}"
        )
    if limit is not None and len(value) > limit:
        raise InputError(
            f"{where}: {what}: field {field!r} is {len(value)} characters long;"
            f" at most {limit} fit: {_shown(value)!r}"
        )


def check_url(where: Where, what: str, field: str, value: str | None, limit: int) -> None:
    """An address, if given: http or https, with a host."""
    check_text(where, what, field, value, limit=limit)
    if value is None or not value.strip():
        return
    try:
        parts = urlsplit(value.strip())
    except ValueError:  # an unclosed [ of an IPv6 host
        parts = urlsplit("")
    if parts.scheme.lower() not in _URL_SCHEMES or not parts.netloc:
        raise InputError(
            f"{where}: {what}: field {field!r} is not an http(s) address: {_shown(value)!r}"
        )


def _each(
    where: Where, what: str, field: str, values: Iterable[str], limit: int | None = None
) -> None:
    for value in values:
        check_text(where, what, field, value, required=True, limit=limit)


def _number(where: Where, what: str, field: str, value: float | None) -> None:
    if value is not None and not math.isfinite(value):
        raise InputError(f"{where}: {what}: field {field!r} must be a finite number")


def _verdicts(c: ClaimSpec, what: str) -> None:
    review, evidence = LIMITS["review"], LIMITS["evidence"]
    for e in [*c.evidence, *(e for r in c.reviews for e in r.evidence)]:
        check_url(e.where, what, "evidence url", e.url, evidence["url"])
        check_text(e.where, what, "evidence title", e.title, limit=evidence["title"])
        check_text(e.where, what, "evidence kind", e.kind, limit=evidence["kind"])
        check_text(e.where, what, "evidence shows", e.shows, one_line=False)
        if e.stance not in EVIDENCE_STANCES:
            raise InputError(f"{e.where}: {what}: evidence stance {_shown(e.stance)!r} unknown")
    for r in c.reviews:
        check_text(r.where, what, "reviewer", r.reviewer, required=True)
        check_text(r.where, what, "rating", r.rating, required=True, limit=review["rating"])
        check_url(r.where, what, "review url", r.url, review["url"])
        check_text(r.where, what, "explanation", r.explanation, one_line=False)
        for field in ("value", "best", "worst"):
            _number(r.where, what, field, getattr(r, field))
    if c.first is not None:
        check_text(c.where, what, "first_appearance source", c.first.source)
        check_url(
            c.where, what, "first_appearance url", c.first.url, LIMITS["first_appearance"]["url"]
        )


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
            check_text(r.where, what, "of", r.organization, required=True)
            if r.start and r.end and r.start > r.end:
                raise InputError(f"{r.where}: role ends before it starts")
    for s in dataset.sources:
        what = f"source {_shown(s.key)!r}"
        check_text(s.where, what, "id", s.key, required=True, limit=source["id"])
        for field in ("outlet", "title"):
            check_text(s.where, what, field, getattr(s, field), required=True, limit=source[field])
        check_text(s.where, what, "language", s.language, limit=source["language"])
        check_text(s.where, what, "notes", s.notes, one_line=False)
        for field in ("url", "archived_url"):
            check_url(s.where, what, field, getattr(s, field), source[field])
        _each(s.where, what, "credits", s.credits)
        # No text: a source known only by its URL, which it must then have.
        check_text(s.where, what, "text", s.text, required=s.url is None, one_line=False)
        # A data file's text is bounded as it is read; one in a document or
        # typed in, here, by the same bound.
        if s.text is not None and len(s.text) * 4 > MAX_TEXT_BYTES:
            size = len(s.text.encode("utf-8", "surrogatepass"))
            if size > MAX_TEXT_BYTES:
                raise InputError(
                    f"{s.where}: {what}: its text is {size / 2**20:.0f} MiB; at most"
                    f" {MAX_TEXT_BYTES // 2**20} MiB is stored"
                )
    for c in dataset.claims:
        what = f"claim {_shown(c.key)!r}"
        check_text(c.where, what, "id", c.key, required=True, limit=claim["id"])
        check_text(c.where, what, "text", c.text, required=True, one_line=False)
        _each(c.where, what, "topics", c.topics, claim["topics"])
        if not c.claimants:
            raise InputError(f"{c.where}: {what}: claim has no claimants: say who claimed it")
        _each(c.where, what, "claimants", c.claimants)
        # Every way in: a claim is a record of where it was reported.
        if not c.appearances:
            raise InputError(f"{c.where}: claim has no appearances: quote where it was reported")
        for relation, target in c.relations:
            if relation not in RELATION_TYPES:
                raise InputError(f"{c.where}: {what}: relation {_shown(relation)!r} unknown")
            check_text(c.where, what, f"relations {relation}", target, required=True)
        _verdicts(c, what)
        for app in c.appearances:
            # Left out only where the source has no stored text (the planner
            # knows which); given, it must hold more than white space.
            if app.quote is not None:
                check_text(app.where, what, "quote", app.quote, required=True, one_line=False)
            check_text(app.where, what, "cue", app.cue, limit=LIMITS["appearance"]["cue"])
            check_text(app.where, what, "source", app.source, required=True)
            check_text(app.where, what, "via", app.via)
