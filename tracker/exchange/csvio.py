"""The export document as CSV files for spreadsheets, and back, exactly.

One file per kind of record; every list in the document becomes rows of a
child table keyed by its owner's id and a 1-based `position`, so order is kept:

    export.csv        tracker_export
    actors.csv        id, name, kind, description
    aliases.csv       actor, position, alias
    roles.csv         actor, position, title, of, start, end
    sources.csv       id, outlet, title, url, published, language, notes,
                      archived_url, retrieved, excerpt, text
    credits.csv       source, position, actor
    claims.csv        id, text, stated, first_appearance_source, first_appearance_url
    claimants.csv     claim, position, actor
    topics.csv        claim, position, topic
    appearances.csv   claim, position, source, quote, start, end, type, cue, via
    relations.csv     claim, position, relation, to
    reviews.csv       claim, position, reviewer, rating, value, best, worst, date, url,
                      explanation
    evidence.csv      claim, review, position, url, title, kind, date, shows, stance

Encoding of cells (UTF-8 with a byte-order mark, header row, RFC 4180 quoting,
records ending in `\\n`, newlines inside values kept as they are):

- Text is always quoted. An empty cell is null; the empty string is written
  as a lone `'`. A text starting with `=`, `+`, `-`, `@`, tab, CR or NUL (which
  a spreadsheet would run as a formula) or with `'` is written with one `'`
  before it; reading removes exactly one leading `'` from any text cell.
- Numbers are never quoted nor prefixed. Whole numbers are written without a
  decimal point and read back as int; others as Python writes floats (`2.5`,
  `2.0`, `1e+20`) and read back as float, so `2` and `2.0` stay distinct.
- `excerpt` is `true` or `false`. `evidence.review` is empty for evidence on
  the claim itself, or the `position` of one of the claim's reviews.
- `first_appearance` is null when both of its columns are empty.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable
from contextlib import ExitStack
from pathlib import Path
from typing import Any, cast

from tracker.errors import InputError
from tracker.files import read_bytes
from tracker.limits import MAX_DATA_BYTES, MAX_SHOWN, MAX_TEXT_BYTES

T, INT, N, B = "text", "int", "number", "bool"
Columns = tuple[tuple[str, str], ...]
Cell = str | int | float | None
Row = dict[str, Any]

# OWASP's list, plus NUL, which OWASP ASVS 1.2.10 adds.
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "\0")
_WHOLE = re.compile(r"-?[0-9]+")
_FLOAT = re.compile(r"-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")

_ACTOR: Columns = (("id", T), ("name", T), ("kind", T), ("description", T))
_ROLE: Columns = (("title", T), ("of", T), ("start", T), ("end", T))
_SOURCE: Columns = (
    *(("id", T), ("outlet", T), ("title", T), ("url", T), ("published", T), ("language", T)),
    *(("notes", T), ("archived_url", T), ("retrieved", T), ("excerpt", B), ("text", T)),
)
_CLAIM: Columns = (
    *(("id", T), ("text", T), ("stated", T)),
    *(("first_appearance_source", T), ("first_appearance_url", T)),
)
_APPEARANCE: Columns = (
    *(("source", T), ("quote", T), ("start", INT), ("end", INT)),
    *(("type", T), ("cue", T), ("via", T)),
)
_RELATION: Columns = (("relation", T), ("to", T))
_REVIEW: Columns = (
    *(("reviewer", T), ("rating", T), ("value", N), ("best", N), ("worst", N)),
    *(("date", T), ("url", T), ("explanation", T)),
)
_EVIDENCE: Columns = (
    *(("url", T), ("title", T), ("kind", T), ("date", T), ("shows", T), ("stance", T)),
)


def _owned(owner: str, columns: Columns) -> Columns:
    return ((owner, T), ("position", INT), *columns)


# Every file, in the order written, with its columns.
TABLES: dict[str, Columns] = {
    "export.csv": (("tracker_export", INT),),
    "actors.csv": _ACTOR,
    "aliases.csv": _owned("actor", (("alias", T),)),
    "roles.csv": _owned("actor", _ROLE),
    "sources.csv": _SOURCE,
    "credits.csv": _owned("source", (("actor", T),)),
    "claims.csv": _CLAIM,
    "claimants.csv": _owned("claim", (("actor", T),)),
    "topics.csv": _owned("claim", (("topic", T),)),
    "appearances.csv": _owned("claim", _APPEARANCE),
    "relations.csv": _owned("claim", _RELATION),
    "reviews.csv": _owned("claim", _REVIEW),
    "evidence.csv": (("claim", T), ("review", INT), ("position", INT), *_EVIDENCE),
}

# The document's keys, in its order (docs/exchange.md).
_DOC_KEYS = ("tracker_export", "actors", "sources", "claims")
_ACTOR_KEYS = ("id", "name", "kind", "description", "aliases", "roles")
_SOURCE_KEYS = (
    *("id", "outlet", "title", "url", "published", "language", "credits"),
    *("notes", "archived_url", "retrieved", "excerpt", "text"),
)
_REVIEW_KEYS = (*(name for name, _ in _REVIEW), "evidence")
_CLAIM_KEYS = (
    *("id", "text", "claimants", "stated", "topics", "first_appearance"),
    *("appearances", "relations", "reviews", "evidence"),
)


def neutralise(text: str) -> str:
    """A text cell as a spreadsheet may open it: one that it would run as a
    formula (or that starts with the ' this adds) gets a ' before it. The
    one rule of every CSV tracker writes, the export's and the listings'."""
    return "'" + text if text.startswith((*_DANGEROUS, "'")) else text


def _shown(value: str) -> str:
    return repr(value if len(value) <= MAX_SHOWN else value[:MAX_SHOWN] + "…")


# --- writing -------------------------------------------------------------------------------


def _encode(value: Any, kind: str, where: str) -> Cell:
    """A document value as a cell; a value the reader could not give back is
    refused, since that would be a silent loss."""
    if value is None:
        return None
    if kind == T and isinstance(value, str):
        return "'" if value == "" else neutralise(value)  # a lone ' is the empty text
    if kind == B and isinstance(value, bool):
        return "true" if value else "false"
    if kind == INT and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind == N and isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"{where}: {value!r} is not a finite number")
        return value
    raise ValueError(f"{where}: expected {kind} or null, not {type(value).__name__}")


def _fields(record: Any, keys: tuple[str, ...], where: str) -> dict[str, Any]:
    if not isinstance(record, dict):
        raise ValueError(f"{where}: expected an object, not {type(record).__name__}")
    if set(record) != set(keys):
        missing, unknown = set(keys) - set(record), set(record) - set(keys)
        raise ValueError(f"{where}: missing keys {sorted(missing)}, unknown keys {sorted(unknown)}")
    return record


def _list(record: dict[str, Any], key: str, where: str) -> list[Any]:
    items = record[key]
    if not isinstance(items, list):
        raise ValueError(f"{where}.{key}: expected a list, not {type(items).__name__}")
    return items


def _row(record: dict[str, Any], columns: Columns, where: str) -> list[Cell]:
    return [_encode(record[name], kind, f"{where}.{name}") for name, kind in columns]


def _own(record: dict[str, Any], where: str) -> Cell:
    """The record's id, as the owner cell of its child rows."""
    if not isinstance(record["id"], str):
        raise ValueError(f"{where}.id: expected text, not {type(record['id']).__name__}")
    return _encode(record["id"], T, f"{where}.id")


def _strings(out: _Sink, own: Cell, record: dict[str, Any], key: str, w: str) -> None:
    for n, item in enumerate(_list(record, key, w)):
        out.append([own, n + 1, _encode(item, T, f"{w}.{key}[{n}]")])


def _records(
    out: _Sink,
    head: list[Cell],
    record: dict[str, Any],
    key: str,
    columns: Columns,
    where: str,
) -> None:
    keys = tuple(name for name, _ in columns)
    for n, item in enumerate(_list(record, key, where)):
        w = f"{where}.{key}[{n}]"
        out.append([*head, n + 1, *_row(_fields(item, keys, w), columns, w)])


def write_csv(doc: dict[str, Any], folder: Path) -> list[Path]:
    """Write `doc` (an export document) as the CSV files of TABLES into
    `folder`, created if need be; return the files, in TABLES order.

    A document that could not be read back exactly (a missing or unknown key,
    a value of the wrong type, a first_appearance with neither source nor url)
    raises ValueError: it comes from the exporter, so that is a bug.
    """
    _fields(doc, _DOC_KEYS, "document")
    folder.mkdir(parents=True, exist_ok=True)
    with ExitStack() as files:
        rows: dict[str, _Sink] = {}
        for name, columns in TABLES.items():
            # utf-8-sig: Excel reads a CSV without the mark in the local code page.
            out = files.enter_context((folder / name).open("w", encoding="utf-8-sig", newline=""))
            # Strings always quoted: the csv module of Python 3.11 leaves a lone
            # CR unquoted when records end in "\n", and a reader splits on it.
            writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
            writer.writerow([column for column, _ in columns])
            rows[name] = _Sink(writer)
        _write_rows(doc, rows)
    return [folder / name for name in TABLES]


class _Sink:
    """Rows go straight to their file: a document streamed in (the export
    yields its records one at a time) is never held whole."""

    def __init__(self, writer: Any) -> None:
        self.writer = writer

    def append(self, row: list[Cell]) -> None:
        self.writer.writerow(row)


def _write_rows(doc: dict[str, Any], rows: dict[str, _Sink]) -> None:
    rows["export.csv"].append([_encode(doc["tracker_export"], INT, "tracker_export")])
    for n, actor in enumerate(_each(doc, "actors", "document")):
        w = f"actors[{n}]"
        own = _own(_fields(actor, _ACTOR_KEYS, w), w)
        rows["actors.csv"].append(_row(actor, _ACTOR, w))
        _strings(rows["aliases.csv"], own, actor, "aliases", w)
        _records(rows["roles.csv"], [own], actor, "roles", _ROLE, w)
    for n, source in enumerate(_each(doc, "sources", "document")):
        w = f"sources[{n}]"
        own = _own(_fields(source, _SOURCE_KEYS, w), w)
        rows["sources.csv"].append(_row(source, _SOURCE, w))
        _strings(rows["credits.csv"], own, source, "credits", w)
    for n, claim in enumerate(_each(doc, "claims", "document")):
        w = f"claims[{n}]"
        own = _own(_fields(claim, _CLAIM_KEYS, w), w)
        first = claim["first_appearance"]
        if first is not None:
            first = _fields(first, ("source", "url"), f"{w}.first_appearance")
            if first["source"] is None and first["url"] is None:
                # Both columns empty already means null.
                raise ValueError(f"{w}.first_appearance: neither source nor url: write null")
        first = first or {"source": None, "url": None}
        flat = {**claim, "first_appearance_source": first["source"]}
        flat["first_appearance_url"] = first["url"]
        rows["claims.csv"].append(_row(flat, _CLAIM, w))
        _strings(rows["claimants.csv"], own, claim, "claimants", w)
        _strings(rows["topics.csv"], own, claim, "topics", w)
        _records(rows["appearances.csv"], [own], claim, "appearances", _APPEARANCE, w)
        _records(rows["relations.csv"], [own], claim, "relations", _RELATION, w)
        for r, review in enumerate(_list(claim, "reviews", w)):
            rw = f"{w}.reviews[{r}]"
            _fields(review, _REVIEW_KEYS, rw)
            rows["reviews.csv"].append([own, r + 1, *_row(review, _REVIEW, rw)])
            _records(rows["evidence.csv"], [own, r + 1], review, "evidence", _EVIDENCE, rw)
        _records(rows["evidence.csv"], [own, None], claim, "evidence", _EVIDENCE, w)


def _each(doc: dict[str, Any], key: str, where: str) -> Iterable[Any]:
    """A top-level list of the document, or the generator the export streams."""
    items = doc[key]
    if isinstance(items, (str, bytes, dict)) or not hasattr(items, "__iter__"):
        raise ValueError(f"{where}.{key}: expected a list, not {type(items).__name__}")
    return cast(Iterable[Any], items)


# --- reading -------------------------------------------------------------------------------

Groups = dict[tuple[str, int | None], list[tuple[int, Row]]]


def _decode(cell: str, kind: str, at: str) -> Any:
    if cell == "":
        return None
    if kind == T:
        return cell[1:] if cell.startswith("'") else cell
    if kind == B:
        if cell in ("true", "false"):
            return cell == "true"
        raise InputError(f"{at}: {_shown(cell)} is not true or false")
    try:
        if _WHOLE.fullmatch(cell):
            return int(cell)
        if kind == N and _FLOAT.fullmatch(cell) and math.isfinite(value := float(cell)):
            return value
    except ValueError:  # more digits than int() converts (sys.get_int_max_str_digits)
        pass
    raise InputError(
        f"{at}: {_shown(cell)} is not {'a whole number' if kind == INT else 'a number'}"
    )


def _read(folder: Path, name: str) -> list[tuple[int, Row]]:
    """The rows of one file as (line where the record starts, decoded values)."""
    path = folder / name
    if not path.exists():
        raise InputError(f"{path}: no such file; a CSV export has {', '.join(TABLES)}")
    data = read_bytes(path, MAX_DATA_BYTES)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # Lines as the csv reader counts them: ended by LF, CR or CRLF.
        before = data[: exc.start]
        line = before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1
        raise InputError(f"{path}:{line}: not UTF-8") from None
    rows: list[tuple[int, Row]] = []
    with io.StringIO(text, newline="") as stream:
        reader = csv.reader(stream, strict=True)
        start = 1
        try:
            header = next(reader, None)
            if header is None:
                raise InputError(f"{path}:1: empty file; the first line names the columns")
            index: dict[str, int] = {}
            for column, _ in TABLES[name]:
                if header.count(column) != 1:
                    problem = "is missing" if column not in header else "appears twice"
                    raise InputError(f"{path}:1: column {column!r} {problem}")
                index[column] = header.index(column)
            start = reader.line_num + 1
            for cells in reader:
                line, start = start, reader.line_num + 1
                if not cells:
                    continue
                if len(cells) < len(header):
                    raise InputError(
                        f"{path}:{line}: column {header[len(cells)]!r}: missing;"
                        f" the row has {len(cells)} cells, the header {len(header)}"
                    )
                if len(cells) > len(header):
                    raise InputError(
                        f"{path}:{line}: column {len(header) + 1}: the row has {len(cells)}"
                        f" cells, the header only {len(header)}"
                    )
                at = f"{path}:{line}: column "
                rows.append(
                    (line, {c: _decode(cells[index[c]], k, f"{at}{c!r}") for c, k in TABLES[name]})
                )
        except csv.Error as exc:
            raise InputError(f"{path}:{start}: not a CSV record: {exc}") from None
    return rows


def _parents(folder: Path, name: str) -> dict[str, Row]:
    records: dict[str, Row] = {}
    for line, row in _read(folder, name):
        at = f"{folder / name}:{line}: column 'id'"
        if row["id"] is None:
            raise InputError(f"{at}: empty; every row needs an id")
        if row["id"] in records:
            raise InputError(f"{at}: {_shown(row['id'])} appears twice")
        records[row["id"]] = row
    return records


def _children(
    folder: Path, name: str, owners: dict[str, Row], reviews: Groups | None = None
) -> Groups:
    """The rows of a child table by (owner id, review position or None), each
    group ordered by position; a row whose owner does not exist is refused."""
    owner = TABLES[name][0][0]
    groups: dict[tuple[str, int | None], dict[int, Row]] = {}
    for line, row in _read(folder, name):
        at = f"{folder / name}:{line}: column "
        key, position, review = row.pop(owner), row.pop("position"), row.pop("review", None)
        if key is None:
            raise InputError(f"{at}{owner!r}: empty; every row belongs to a {owner}")
        if key not in owners:
            raise InputError(f"{at}{owner!r}: no {owner} {_shown(key)} in {owner}s.csv")
        if position is None:
            raise InputError(f"{at}'position': empty; every row needs its position")
        if review is not None and reviews is not None and review not in _positions(reviews, key):
            raise InputError(f"{at}'review': {owner} {key!r} has no review {review}")
        group = groups.setdefault((key, review), {})
        if position in group:
            raise InputError(f"{at}'position': {position} appears twice for {owner} {key!r}")
        group[position] = row
    return {key: sorted(group.items()) for key, group in groups.items()}


def _positions(groups: Groups, key: str) -> set[int]:
    return {position for position, _ in groups.get((key, None), [])}


def _items(groups: Groups, key: str, review: int | None = None) -> list[Row]:
    return [row for _, row in groups.get((key, review), [])]


def _strings_of(groups: Groups, key: str, column: str) -> list[Any]:
    return [row[column] for row in _items(groups, key)]


def read_csv(folder: Path) -> dict[str, Any]:
    """The export document held by the CSV files of TABLES in `folder`, as
    write_csv wrote it. Columns beyond those of TABLES are ignored. Anything
    missing or malformed raises InputError naming the file, line and column."""
    # Source texts are whole articles; the csv module refuses fields over 128 KiB.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_TEXT_BYTES))
    export = _read(folder, "export.csv")
    if len(export) != 1:
        line = export[1][0] if export else 2
        raise InputError(f"{folder / 'export.csv'}:{line}: one row expected, found {len(export)}")
    actors = _parents(folder, "actors.csv")
    aliases, roles = (_children(folder, n, actors) for n in ("aliases.csv", "roles.csv"))
    sources = _parents(folder, "sources.csv")
    credits = _children(folder, "credits.csv", sources)
    claims = _parents(folder, "claims.csv")
    claimants, topics, appearances, relations, reviews = (
        _children(folder, f"{n}.csv", claims)
        for n in ("claimants", "topics", "appearances", "relations", "reviews")
    )
    evidence = _children(folder, "evidence.csv", claims, reviews)

    doc_actors = []
    for key, row in actors.items():
        row["aliases"] = _strings_of(aliases, key, "alias")
        row["roles"] = _items(roles, key)
        doc_actors.append({k: row[k] for k in _ACTOR_KEYS})
    doc_sources = []
    for key, row in sources.items():
        row["credits"] = _strings_of(credits, key, "actor")
        doc_sources.append({k: row[k] for k in _SOURCE_KEYS})
    doc_claims = []
    for key, row in claims.items():
        first = {
            "source": row.pop("first_appearance_source"),
            "url": row.pop("first_appearance_url"),
        }
        row["first_appearance"] = None if first == {"source": None, "url": None} else first
        row["claimants"] = _strings_of(claimants, key, "actor")
        row["topics"] = _strings_of(topics, key, "topic")
        row["appearances"] = _items(appearances, key)
        row["relations"] = _items(relations, key)
        row["reviews"] = []
        for position, review in reviews.get((key, None), []):
            review["evidence"] = _items(evidence, key, position)
            row["reviews"].append(review)
        row["evidence"] = _items(evidence, key)
        doc_claims.append({k: row[k] for k in _CLAIM_KEYS})
    return {
        "tracker_export": export[0][1]["tracker_export"],
        "actors": doc_actors,
        "sources": doc_sources,
        "claims": doc_claims,
    }
