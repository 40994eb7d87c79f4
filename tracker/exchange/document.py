"""The export document (docs/exchange.md) into the loader's specs: every
check a data file meets (ids, references, quotes found in their texts)
applies, in the caller's one transaction.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tracker.errors import InputError
from tracker.exchange.export import FORMAT_VERSION
from tracker.ingest import strictjson, verdicts
from tracker.ingest.anchor import occurrence_at
from tracker.ingest.dataset import (
    ACTOR_FIELDS,
    ROLE_FIELDS,
    SOURCE_FIELDS,
    ActorSpec,
    AppearanceSpec,
    ClaimSpec,
    Dataset,
    SourceSpec,
    actor_spec,
    role_spec,
    source_spec,
)
from tracker.ingest.fields import Fields
from tracker.limits import MAX_DATA_BYTES
from tracker.vocabulary import APPEARANCE_TYPES, RELATION_TYPES


def read_json(path: Path) -> object:
    """A JSON file, bounded in size, read strictly, errors as one line with where."""
    return strictjson.read(path, MAX_DATA_BYTES)


# The document's keys (docs/exchange.md) where they are not a data file's; a
# key beyond these is refused, as an unknown field of a data file is.
_DOCUMENT = {"tracker_export", "actors", "sources", "claims"}
_CLAIM = {
    *("id", "text", "claimants", "stated", "topics", "first_appearance"),
    *("appearances", "relations", "reviews", "evidence"),
}
_APPEARANCE = {"source", "quote", "start", "end", "type", "cue", "via"}
_RELATION = {"relation", "to"}


class _Reader:
    """Each record read through the data files' own typed fields
    (tracker.ingest.fields) and verdict readers, so that a document meets the
    rules a data file does; errors name the file and the record's place."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.path = Path(name)

    def fields(self, data: Any, what: str, allowed: set[str], at: str) -> Fields:
        return Fields(self.path, data, what, allowed, 0, f"{self.name}: {at}")

    def actor(self, data: Any, at: str) -> ActorSpec:
        a = self.fields(data, "actor", ACTOR_FIELDS, at)
        roles = [
            role_spec(self.fields(item, "role", ROLE_FIELDS, f"{at}.roles[{j}]"))
            for j, item in enumerate(a.mappings("roles"))
        ]
        return actor_spec(a, roles)

    def source(self, data: Any, at: str) -> SourceSpec:
        s = self.fields(data, "source", {*SOURCE_FIELDS, "text"}, at)
        text = s.data.get("text")  # None: known only by its URL
        if text is not None and not isinstance(text, str):
            raise InputError(f"{s.at('text')}: field 'text' must be text")
        return source_spec(s, text)

    def appearance(self, data: Any, at: str, texts: dict[str, str]) -> AppearanceSpec:
        a = self.fields(data, "appearance", _APPEARANCE, at)
        source, quote = a.required("source"), a.data.get("quote")
        if quote is not None and (not isinstance(quote, str) or not quote):
            raise InputError(f"{a.at('quote')}: field 'quote' must be the exact text, or null")
        for key in ("start", "end"):
            value = a.data.get(key)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                raise InputError(f"{a.at(key)}: field {key!r} must be a whole number or null")
        start = a.data.get("start")
        return AppearanceSpec(
            source=source,
            quote=quote,
            type=a.choice("type", APPEARANCE_TYPES, default="direct"),
            cue=a.text("cue", required=False),
            via=a.text("via", required=False),
            # The stored offsets say which occurrence of a recurring quote it is.
            occurrence=occurrence_at(texts.get(source), quote, start),
            where=a.where,
        )

    def claim(self, data: Any, at: str, texts: dict[str, str]) -> ClaimSpec:
        c = self.fields(data, "claim", _CLAIM, at)
        appearances = [
            self.appearance(item, f"{at}.appearances[{j}]", texts)
            for j, item in enumerate(c.mappings("appearances"))
        ]
        relations = []
        for j, item in enumerate(c.mappings("relations")):
            r = self.fields(item, "relation", _RELATION, f"{at}.relations[{j}]")
            relations.append((r.choice("relation", RELATION_TYPES), r.required("to")))
        stated = c.date("stated")
        first = c.data.get("first_appearance")
        return ClaimSpec(
            key=c.slug("id"),
            text=c.required("text"),
            # Required (tracker.ingest.checks), once an import has merged what
            # is recorded: a ClaimReview of a recorded claim need not repeat them.
            claimants=c.texts("claimants"),
            stated=stated[0] if stated else None,
            precision=stated[1] if stated else None,
            topics=c.texts("topics"),
            appearances=appearances,
            relations=relations,
            where=c.where,
            reviews=[
                verdicts.review(self.path, item, 0, f"{c.where}.reviews[{j}]", reviewer="reviewer")
                for j, item in enumerate(c.mappings("reviews"))
            ],
            evidence=[
                verdicts.evidence(self.path, item, 0, f"{c.where}.evidence[{j}]")
                for j, item in enumerate(c.mappings("evidence"))
            ],
            first=verdicts.first_appearance(self.path, first, 0, f"{c.where}.first_appearance"),
        )


def to_dataset(data: Any, name: str) -> Dataset:
    """A document as the loader's specs (`name`: the file, for errors)."""
    r = _Reader(name)
    doc = r.fields(data, "document", _DOCUMENT, "the document")
    if doc.data.get("tracker_export") != FORMAT_VERSION:
        raise InputError(
            f"{name}: the document: not a tracker export (version {FORMAT_VERSION} expected)"
        )
    found = Dataset(
        actors=[r.actor(item, f"actors[{k}]") for k, item in enumerate(doc.mappings("actors"))],
        sources=[r.source(item, f"sources[{k}]") for k, item in enumerate(doc.mappings("sources"))],
    )
    texts = {s.key: s.text for s in found.sources if s.text is not None}
    found.claims = [
        r.claim(item, f"claims[{k}]", texts) for k, item in enumerate(doc.mappings("claims"))
    ]
    return found
