"""The export document (docs/exchange.md) into the loader's specs: every
check a data file meets (ids, references, quotes found in their texts)
applies, in the caller's one transaction.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from tracker import dates
from tracker.errors import InputError
from tracker.exchange.export import FORMAT_VERSION, Record
from tracker.ingest import strictjson
from tracker.ingest.anchor import occurrence_at
from tracker.ingest.dataset import (
    ActorSpec,
    AppearanceSpec,
    ClaimSpec,
    Dataset,
    RoleSpec,
    SourceSpec,
)
from tracker.ingest.fields import Where
from tracker.ingest.verdicts import EvidenceSpec, FirstAppearance, ReviewSpec
from tracker.limits import MAX_DATA_BYTES


def read_json(path: Path) -> object:
    """A JSON file, bounded in size, read strictly, errors as one line with where."""
    return strictjson.read(path, MAX_DATA_BYTES)


class _Reader:
    """Typed access to a document's values, with errors that say where."""

    def __init__(self, name: str) -> None:
        self.name = name

    def fail(self, where: str, message: str) -> InputError:
        return InputError(f"{self.name}: {where}: {message}")

    def text(self, record: Record, key: str, where: str, required: bool = False) -> str | None:
        value = record.get(key)
        if value is None:
            if required:
                raise self.fail(where, f"field {key!r} is missing")
            return None
        if not isinstance(value, str):
            raise self.fail(where, f"field {key!r} must be text")
        return value

    def date(
        self, record: Record, key: str, where: str, day: bool = False
    ) -> tuple[dt.date, str] | None:
        value = self.text(record, key, where)
        if value is None:
            return None
        try:
            found = dates.parse(value)
        except ValueError as exc:
            raise self.fail(where, f"field {key!r}: {exc}") from None
        if day and found[1] != "day":
            raise self.fail(where, f"field {key!r} must be a full date YYYY-MM-DD")
        return found

    def number(self, record: Record, key: str, where: str) -> float | None:
        value = record.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(where, f"field {key!r} must be a number")
        return float(value)

    def items(self, record: Record, key: str, where: str) -> list[Any]:
        value = record.get(key, [])
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(where, f"field {key!r} must be a list")
        return value

    def mapping(self, value: Any, where: str) -> Record:
        if not isinstance(value, dict):
            raise self.fail(where, "must be an object")
        return value


def to_dataset(data: Any, name: str) -> Dataset:
    """A document as the loader's specs (`name`: the file, for errors)."""
    r = _Reader(name)
    doc = r.mapping(data, "the document")
    if doc.get("tracker_export") != FORMAT_VERSION:
        raise r.fail("the document", f"not a tracker export (version {FORMAT_VERSION} expected)")
    where = Where(Path(name), 0, name)
    found = Dataset()
    texts: dict[str, str] = {}
    for k, item in enumerate(r.items(doc, "actors", "the document")):
        at = f"actors[{k}]"
        a = r.mapping(item, at)
        roles = []
        for j, role in enumerate(r.items(a, "roles", at)):
            ra = r.mapping(role, f"{at}.roles[{j}]")
            start, end = r.date(ra, "start", at), r.date(ra, "end", at)
            roles.append(
                RoleSpec(
                    str(r.text(ra, "title", at, True)),
                    str(r.text(ra, "of", at, True)),
                    start[0] if start else None,
                    end[0] if end else None,
                    where,
                )
            )
        found.actors.append(
            ActorSpec(
                str(r.text(a, "id", at, True)),
                str(r.text(a, "name", at, True)),
                str(r.text(a, "kind", at, True)),
                r.text(a, "description", at),
                [str(x) for x in r.items(a, "aliases", at)],
                roles,
                where,
            )
        )
    for k, item in enumerate(r.items(doc, "sources", "the document")):
        at = f"sources[{k}]"
        s = r.mapping(item, at)
        text = r.text(s, "text", at)  # None: known only by its URL
        published, retrieved = r.date(s, "published", at), r.date(s, "retrieved", at, day=True)
        key = str(r.text(s, "id", at, True))
        if text is not None:
            texts[key] = text
        found.sources.append(
            SourceSpec(
                key=key,
                outlet=str(r.text(s, "outlet", at, True)),
                title=str(r.text(s, "title", at, True)),
                url=r.text(s, "url", at),
                published=published[0] if published else None,
                published_precision=published[1] if published else None,
                language=r.text(s, "language", at),
                credits=[str(x) for x in r.items(s, "credits", at)],
                notes=r.text(s, "notes", at),
                text=text,
                where=where,
                archived_url=r.text(s, "archived_url", at),
                retrieved=retrieved[0] if retrieved else None,
                excerpt=bool(s.get("excerpt", False)),
            )
        )
    for k, item in enumerate(r.items(doc, "claims", "the document")):
        found.claims.append(
            _claim(r, r.mapping(item, f"claims[{k}]"), f"claims[{k}]", where, texts)
        )
    return found


def _evidence_spec(r: _Reader, e: Record, at: str, where: Where) -> EvidenceSpec:
    day = r.date(e, "date", at, day=True)
    return EvidenceSpec(
        str(r.text(e, "url", at, True)),
        r.text(e, "title", at),
        r.text(e, "kind", at),
        day[0] if day else None,
        r.text(e, "shows", at),
        str(r.text(e, "stance", at, True)),
        where,
    )


def _claim(r: _Reader, c: Record, at: str, where: Where, texts: dict[str, str]) -> ClaimSpec:
    appearances = []
    for j, item in enumerate(r.items(c, "appearances", at)):
        a = r.mapping(item, f"{at}.appearances[{j}]")
        source, quote = str(r.text(a, "source", at, True)), r.text(a, "quote", at)
        start = a.get("start")
        # The stored offsets say which occurrence of a recurring quote it is.
        offset = start if isinstance(start, int) else None
        occurrence = occurrence_at(texts.get(source), quote, offset)
        appearances.append(
            AppearanceSpec(
                source,
                quote,
                str(a.get("type") or "direct"),
                r.text(a, "cue", at),
                r.text(a, "via", at),
                occurrence,
                where,
            )
        )
    reviews = []
    for j, item in enumerate(r.items(c, "reviews", at)):
        v = r.mapping(item, f"{at}.reviews[{j}]")
        day = r.date(v, "date", at, day=True)
        reviews.append(
            ReviewSpec(
                reviewer=str(r.text(v, "reviewer", at, True)),
                rating=str(r.text(v, "rating", at, True)),
                value=r.number(v, "value", at),
                best=r.number(v, "best", at),
                worst=r.number(v, "worst", at),
                reviewed=day[0] if day else None,
                url=r.text(v, "url", at),
                explanation=r.text(v, "explanation", at),
                where=where,
                evidence=[
                    _evidence_spec(r, r.mapping(e, at), at, where)
                    for e in r.items(v, "evidence", at)
                ],
            )
        )
    first = c.get("first_appearance")
    stated = r.date(c, "stated", at)
    relations = []
    for j, item in enumerate(r.items(c, "relations", at)):
        rel = r.mapping(item, f"{at}.relations[{j}]")
        relations.append((str(r.text(rel, "relation", at, True)), str(r.text(rel, "to", at, True))))
    return ClaimSpec(
        key=str(r.text(c, "id", at, True)),
        text=str(r.text(c, "text", at, True)),
        claimants=[str(x) for x in r.items(c, "claimants", at)],
        stated=stated[0] if stated else None,
        precision=stated[1] if stated else None,
        topics=[str(x) for x in r.items(c, "topics", at)],
        appearances=appearances,
        relations=relations,
        where=where,
        reviews=reviews,
        evidence=[
            _evidence_spec(r, r.mapping(e, at), at, where) for e in r.items(c, "evidence", at)
        ],
        first=(
            FirstAppearance(r.text(r.mapping(first, at), "source", at), r.text(first, "url", at))
            if first is not None
            else None
        ),
    )
