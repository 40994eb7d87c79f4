"""Reading data files: YAML in, validated specs out, every error naming file and line.

The format is documented in README.md ("Data files"). Nothing here touches
the database; `tracker.ingest.load` writes what this module has checked.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tracker.errors import InputError
from tracker.files import read_bytes
from tracker.ingest import verdicts
from tracker.ingest.fields import Fields, Where
from tracker.limits import MAX_DATA_BYTES, MAX_TEXT_BYTES
from tracker.vocabulary import ACTOR_KINDS, APPEARANCE_TYPES, RELATION_TYPES

DATA_SUFFIXES = (".yaml", ".yml")


class _Mapping(dict[str, Any]):
    """A YAML mapping that remembers where it and each of its fields began."""

    line: int = 0
    field_lines: dict[str, int]


# libyaml's parser, where PyYAML was built with it, reads five times faster.
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[valid-type, misc]
    """A safe loader that keeps dates as text (we parse precision ourselves),
    tracks line numbers and refuses duplicate keys."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_PLAIN = {
    first: resolvers + _Loader.yaml_implicit_resolvers.get(None, [])
    for first, resolvers in _Loader.yaml_implicit_resolvers.items()
    if first is not None
}
_ANY_FIRST = _Loader.yaml_implicit_resolvers.get(None, [])


def _resolve(_loader: _Loader, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
    """PyYAML's tag resolution without its path resolvers (we use none): it
    runs for every node, and PyYAML's own is a fifth of a large file's parse."""
    if kind is yaml.ScalarNode:
        if implicit[0]:
            for tag, regexp in _PLAIN.get(value[:1], _ANY_FIRST):
                if regexp.match(value):
                    return str(tag)
        return str(yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG)
    if kind is yaml.SequenceNode:
        return str(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG)
    return str(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG)


_Loader.resolve = _resolve


def _child(loader: _Loader, node: yaml.Node) -> Any:
    """Construct a node met inside a mapping or sequence. A node met twice is
    an alias (*name): refused, since a few hundred bytes of nested aliases
    expand to gigabytes (the "billion laughs"), and data files need none."""
    if node in loader.constructed_objects or node in loader.recursive_objects:
        raise yaml.MarkedYAMLError(
            None,
            None,
            "the value here is used again through an alias (*name);"
            " data files allow no aliases: write it out",
            node.start_mark,
        )
    return loader.construct_object(node, deep=True)


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> Iterator[list[Any]]:
    data: list[Any] = []
    yield data
    data.extend(_child(loader, child) for child in node.value)


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Iterator[_Mapping]:
    data = _Mapping()
    data.line = node.start_mark.line + 1
    data.field_lines = {}
    yield data
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):  # "? [a, b]": a list as a key
            raise yaml.MarkedYAMLError(
                "while reading a mapping",
                node.start_mark,
                "a key must be a plain name, not a list or mapping",
                key_node.start_mark,
            )
        key = _child(loader, key_node)
        if key in data:
            raise yaml.MarkedYAMLError(
                "while reading a mapping",
                node.start_mark,
                f"duplicate key {key!r}",
                key_node.start_mark,
            )
        data[key] = _child(loader, value_node)
        data.field_lines[str(key)] = key_node.start_mark.line + 1


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


@dataclass
class RoleSpec:
    title: str
    organization: str
    start: dt.date | None
    end: dt.date | None
    where: Where


@dataclass
class ActorSpec:
    key: str
    name: str
    kind: str
    description: str | None
    aliases: list[str]
    roles: list[RoleSpec]
    where: Where


@dataclass
class SourceSpec:
    key: str
    outlet: str
    title: str
    url: str | None
    published: dt.date | None
    published_precision: str | None
    language: str | None
    credits: list[str]
    notes: str | None
    text: str | None  # None: known only by its URL
    where: Where
    archived_url: str | None = None
    retrieved: dt.date | None = None
    excerpt: bool = False
    raw_hash: str | None = None  # of the file `tracker add source` read, if any

    @property
    def content_hash(self) -> str | None:
        if self.text is None:
            return None
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass
class AppearanceSpec:
    source: str
    quote: str | None  # None only in a source with no stored text
    type: str
    cue: str | None
    via: str | None
    occurrence: int | None
    where: Where


@dataclass
class ClaimSpec:
    key: str
    text: str
    claimants: list[str]
    stated: dt.date | None
    precision: str | None
    topics: list[str]
    appearances: list[AppearanceSpec]
    relations: list[tuple[str, str]]  # (relation, target claim key)
    where: Where
    reviews: list[verdicts.ReviewSpec] = field(default_factory=list)
    evidence: list[verdicts.EvidenceSpec] = field(default_factory=list)
    first: verdicts.FirstAppearance | None = None


@dataclass
class Dataset:
    actors: list[ActorSpec] = field(default_factory=list)
    sources: list[SourceSpec] = field(default_factory=list)
    claims: list[ClaimSpec] = field(default_factory=list)

    def extend(self, other: Dataset) -> None:
        self.actors += other.actors
        self.sources += other.sources
        self.claims += other.claims


def data_files(paths: Iterable[Path]) -> list[Path]:
    """The data files named: a file as given, a folder as the YAML files in it."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix in DATA_SUFFIXES)
        elif path.exists():  # a FIFO or a device is refused when read, as what it is
            found.append(path)
        else:
            raise InputError(f"{path}: no such file or folder")
    return found


def _read_text(path: Path, limit: int) -> str:
    raw = read_bytes(path, limit)  # never more than the limit into memory
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(f"{path}:{line}: not UTF-8 (byte {exc.start})") from None


ACTOR_FIELDS = {"id", "name", "kind", "description", "aliases", "roles"}
ROLE_FIELDS = {"title", "of", "start", "end"}
# A source's fields in a data file; an export document has `text` for `file`.
SOURCE_FIELDS = {
    *("id", "outlet", "title", "url", "published", "language", "credits", "notes"),
    *("archived_url", "retrieved", "excerpt"),
}


def role_spec(r: Fields) -> RoleSpec:
    start, end = r.date("start"), r.date("end")  # in order: tracker.ingest.checks
    return RoleSpec(
        r.required("title"),
        r.required("of"),
        start[0] if start else None,
        end[0] if end else None,
        r.where,
    )


def actor_spec(f: Fields, roles: list[RoleSpec]) -> ActorSpec:
    """An actor's fields, as a data file and an export document both hold them."""
    return ActorSpec(
        key=f.slug("id"),
        name=f.required("name"),
        kind=f.choice("kind", ACTOR_KINDS),
        description=f.text("description", required=False),
        aliases=f.texts("aliases"),
        roles=roles,
        where=f.where,
    )


def _actor(path: Path, data: Any, line: int) -> ActorSpec:
    f = Fields(path, data, "actor", ACTOR_FIELDS, line)
    roles = [
        role_spec(Fields(path, item, "role", ROLE_FIELDS, f.at("roles").line))
        for item in f.mappings("roles")
    ]
    return actor_spec(f, roles)


def _source_text(f: Fields, path: Path, roots: Roots) -> str:
    """The text a source's `file` holds, read only inside the folders loaded."""
    text_path = path.parent / f.required("file")
    if roots is not None and not inside(text_path, roots or [path.parent]):
        raise InputError(
            f"{f.at('file')}: source text {text_path} is outside the folder being loaded;"
            " a data file reads only files beside or below it (tracker load --allow-outside"
            " reads it anyway)"
        )
    if text_path.is_dir():
        raise InputError(f"{f.at('file')}: source text {text_path} is a folder, not a file")
    if not text_path.exists():
        raise InputError(f"{f.at('file')}: source text {text_path} does not exist")
    return _read_text(text_path, MAX_TEXT_BYTES)  # a FIFO or a device: refused there


def _source(path: Path, data: Any, line: int, roots: Roots) -> SourceSpec:
    f = Fields(path, data, "source", {*SOURCE_FIELDS, "file"}, line)
    if f.data.get("file") is None and f.text("url", required=False):
        text = None  # a source known only by its URL
    else:
        text = _source_text(f, path, roots)
    return source_spec(f, text)


def source_spec(f: Fields, text: str | None) -> SourceSpec:
    """A source's fields but its text, as a data file and an export
    document both hold them; `text` read by the caller."""
    published = f.date("published")
    retrieved = f.date("retrieved")
    if retrieved and retrieved[1] != "day":
        raise InputError(f"{f.at('retrieved')}: field 'retrieved' must be a full date YYYY-MM-DD")
    excerpt = f.data.get("excerpt", False)
    if not isinstance(excerpt, bool):
        raise InputError(f"{f.at('excerpt')}: field 'excerpt' must be true or false")
    return SourceSpec(
        key=f.slug("id"),
        outlet=f.required("outlet"),
        title=f.required("title"),
        url=f.text("url", required=False),
        published=published[0] if published else None,
        published_precision=published[1] if published else None,
        language=f.text("language", required=False),
        credits=f.texts("credits"),
        notes=f.text("notes", required=False),
        text=text,
        where=f.where,
        archived_url=f.text("archived_url", required=False),
        retrieved=retrieved[0] if retrieved else None,
        excerpt=excerpt,
    )


def _appearance(path: Path, data: Any, line: int) -> AppearanceSpec:
    f = Fields(
        path, data, "appearance", {"source", "quote", "type", "cue", "via", "occurrence"}, line
    )
    occurrence = f.data.get("occurrence")
    if occurrence is not None and (not isinstance(occurrence, int) or occurrence < 1):
        raise InputError(f"{f.at('occurrence')}: field 'occurrence' must be a whole number >= 1")
    quote = f.data.get("quote")
    # No quote: an appearance in a source with no stored text (the planner
    # refuses it anywhere else).
    if quote is not None and (not isinstance(quote, str) or not quote):
        raise InputError(f"{f.at('quote')}: appearance needs a 'quote' (the exact text)")
    return AppearanceSpec(
        source=f.required("source"),
        quote=quote,
        type=f.choice("type", APPEARANCE_TYPES, default="direct"),
        cue=f.text("cue", required=False),
        via=f.text("via", required=False),
        occurrence=occurrence,
        where=f.where,
    )


def _claim(path: Path, data: Any, line: int) -> ClaimSpec:
    f = Fields(
        path,
        data,
        "claim",
        {
            "id",
            "text",
            "claimants",
            "stated",
            "topics",
            "appearances",
            "relations",
            "reviews",
            "evidence",
            "first_appearance",
        },
        line,
    )
    relations_data = f.data.get("relations") or {}
    if not isinstance(relations_data, dict):
        raise InputError(f"{f.at('relations')}: field 'relations' must map a relation to claim ids")
    key, text = f.slug("id"), f.required("text")
    rel = Fields(path, relations_data, "relations", set(RELATION_TYPES))
    rel.where = f.at("relations")
    relations = [
        (relation, target) for relation in relations_data for target in rel.texts(relation)
    ]
    stated = f.date("stated")
    appearances = [
        _appearance(path, item, f.at("appearances").line) for item in f.mappings("appearances")
    ]
    return ClaimSpec(
        key=key,
        text=text,
        claimants=f.texts("claimants", required=True),
        stated=stated[0] if stated else None,
        precision=stated[1] if stated else None,
        topics=f.texts("topics"),
        appearances=appearances,
        relations=relations,
        where=f.where,
        reviews=[
            verdicts.review(path, item, f.at("reviews").line) for item in f.mappings("reviews")
        ],
        evidence=[
            verdicts.evidence(path, item, f.at("evidence").line) for item in f.mappings("evidence")
        ],
        first=verdicts.first_appearance(
            path, f.data.get("first_appearance"), f.at("first_appearance").line
        ),
    )


def parse_yaml(path: Path | str, text: str, first_line: int = 1) -> Any:
    """YAML text as plain data (dates kept as text, duplicate keys refused),
    or an InputError naming the line (`first_line`: where `text` starts)."""
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark else 0
        problem = exc.problem or exc.context
        if problem and problem.startswith("mapping values are not allowed"):
            problem += " (a value holding ': ' must be quoted: quote: 'he said: yes')"
        raise InputError(f"{path}:{line}: invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: invalid YAML: {str(exc).splitlines()[0]}") from None
    except RecursionError:
        raise InputError(f"{path}: invalid YAML: nested too deeply") from None


# Where source texts may be read from: these folders' trees ([]: each data
# file's own folder's), or None: anywhere, as the user explicitly allowed.
Roots = list[Path] | None


def inside(path: Path, roots: Iterable[Path]) -> bool:
    """`path`, its links and `..` followed, lies in one of the `roots` trees:
    a data file cannot read /etc/passwd or ~/.ssh into the database."""
    target = path.resolve()
    return any(target.is_relative_to(root.resolve()) for root in roots)


def load_roots(paths: Iterable[Path]) -> list[Path]:
    """The folder trees a load of `paths` may read source texts from: each
    folder given, and the folder of each file given."""
    return [p if p.is_dir() else p.parent for p in paths]


def read_file(path: Path, roots: Roots = []) -> Dataset:  # noqa: B006 (never mutated)
    """Parse and check one data file (its references are checked by the loader)."""
    document = parse_yaml(path, _read_text(path, MAX_DATA_BYTES))
    if document is None:
        return Dataset()
    f = Fields(path, document, "data file", {"actors", "sources", "claims"})
    return Dataset(
        actors=[_actor(path, item, f.at("actors").line) for item in f.mappings("actors")],
        sources=[
            _source(path, item, f.at("sources").line, roots) for item in f.mappings("sources")
        ],
        claims=[_claim(path, item, f.at("claims").line) for item in f.mappings("claims")],
    )


def read_files(
    paths: Iterable[Path],
    on_file: Callable[[Path], None] | None = None,
    roots: Roots = [],  # noqa: B006
) -> Dataset:
    """Parse and check several data files into one dataset; source texts are
    read from inside `roots` (see Roots)."""
    dataset = Dataset()
    for path in paths:
        dataset.extend(read_file(path, roots))
        if on_file:
            on_file(path)
    return dataset
