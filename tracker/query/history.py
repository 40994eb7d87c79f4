"""Reading the change log: what each change did, entity by entity and field by
field, and the corrections a claim has had since it was first recorded.

A change row belongs to a claim, an actor or a source (its table's family:
claimants, topics, appearances, relations, reviews and evidence are a claim's;
aliases, names and roles an actor's; credits a source's). An entity's state
before and after a change is assembled from its rows' images; what is shown
is where the two differ: a field's old and new value, or the items of a list
(claimants, aliases, appearances...) taken away and added.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, cast, exists, func, or_, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session, aliased

from tracker import dates
from tracker.record import suggest
from tracker.record.batching import batches
from tracker.record.changes import key_values, row_values, rows_of
from tracker.record.models import Actor, Base, Change, ChangeRow, Claim, Source

# Each entity's tables, its own table first.
FAMILIES = {
    "claim": (
        "claims",
        "claimants",
        "topics",
        "appearances",
        "relations",
        "reviews",
        "evidence",
    ),
    "actor": ("actors", "aliases", "actor_names", "roles"),
    "source": ("sources", "source_credits"),
}
_OWNER = {"claim": ChangeRow.claim_id, "actor": ChangeRow.actor_id, "source": ChangeRow.source_id}
_KIND_OF = {table: kind for kind, tables in FAMILIES.items() for table in tables}
_MODELS: dict[str, type[Claim] | type[Actor] | type[Source]] = {
    "claim": Claim,
    "actor": Actor,
    "source": Source,
}
# A change touching more entities than this lists their counts, not each one
# (a load of an archive touches a million), unless a filter names one.
DETAIL = 50
# The corrections a reader is told of: what the claim asserts, when, and who.
CORRECTED_FIELDS = ("text", "stated", "claimants")


@dataclass(frozen=True)
class FieldChange:
    """A field's old and new value; for a list (claimants, aliases...), the
    items taken away (`before`) and added (`after`)."""

    field: str
    before: Any
    after: Any
    items: bool = False  # a list's items, not a value


@dataclass
class EntityChange:
    kind: str  # claim, actor, source
    id: str  # its id (for a removed one: as it was)
    action: str  # added, updated, removed
    fields: list[FieldChange] = field(default_factory=list)


@dataclass
class ChangeEntry:
    id: int
    made_at: dt.datetime
    made_by: str
    command: str
    capture: str
    silent: bool
    undoes: int | None
    undone_by: int | None
    note: str | None
    files: list[dict[str, Any]] | None
    counts: dict[str, dict[str, int]]
    entities: list[EntityChange]
    more: int  # entities touched but not detailed here


@dataclass(frozen=True)
class HistoryFilter:
    """What `tracker history` asks: one claim, actor or source (by its
    database id), changes made since a date, by a name, at most `limit`."""

    claim_id: int | None = None
    actor_id: int | None = None
    source_id: int | None = None
    since: dt.date | None = None
    by: str | None = None
    limit: int | None = None
    # The span of changes the entity lived in (ids are reused once removed).
    first: int | None = None
    last: int | None = None


@dataclass(frozen=True)
class Correction:
    """A change to what a claim says, when or by whom, after it was recorded."""

    change: int
    on: dt.date
    fields: list[FieldChange]

    def sentence(self) -> str:
        """'Corrected 2024-06-20: the date was 2024-06-18'."""
        said = []
        for f in self.fields:
            if f.field == "text":
                said.append(f"the text was “{f.before}”")
            elif f.field == "stated":
                said.append(f"the date was {f.before or 'undated'}")
            else:
                said.append(f"the claimants were {'; '.join(f.before) or 'none'}")
        return f"Corrected {self.on.isoformat()}: " + "; ".join(said)


# -- finding what a filter names, also once removed -------------------------------------


def _json_key(session: Session, column: Any) -> ColumnElement[Any]:
    """The `key` field of a logged image, on either backend."""
    if session.get_bind().dialect.name == "postgresql":
        found: ColumnElement[Any] = cast(column, JSONB)["key"].astext
    else:
        found = func.json_extract(column, "$.key")
    return found


def _row_key(entity_id: int) -> str:
    return json.dumps([entity_id])


def locate(session: Session, kind: str, key: str) -> HistoryFilter:
    """The filter for entity `kind` `key`: the one recorded now, or the last
    one the log saw under that id (a removed claim)."""
    model = _MODELS[kind]
    table = FAMILIES[kind][0]
    found = session.scalar(select(model.id).where(model.key == key)) if "\x00" not in key else None
    last: int | None = None
    if found is None:
        image = _json_key(session, ChangeRow.before) == key
        row = session.execute(
            select(ChangeRow.row_key, ChangeRow.change_id)
            .where(ChangeRow.table_name == table, ChangeRow.before.is_not(None), image)
            .order_by(ChangeRow.change_id.desc())
            .limit(1)
        ).first()
        if row is None:
            raise suggest.not_found(session, kind, key)
        found = int(json.loads(row.row_key)[0])
        last = session.scalar(
            select(func.max(ChangeRow.change_id)).where(
                ChangeRow.table_name == table,
                ChangeRow.row_key == row.row_key,
                ChangeRow.op == "delete",
            )
        )
    # Where it was first recorded: the last insert of its row before `last`
    # that was not an undo's (an undo puts the same entity back; anything
    # else is a new one that took a freed id).
    first = session.scalar(
        select(func.max(ChangeRow.change_id))
        .join(Change, Change.id == ChangeRow.change_id)
        .where(
            ChangeRow.table_name == table,
            ChangeRow.row_key == _row_key(found),
            ChangeRow.op == "insert",
            Change.undoes.is_(None),
            *([ChangeRow.change_id <= last] if last is not None else []),
        )
    )
    return HistoryFilter(
        claim_id=found if kind == "claim" else None,
        actor_id=found if kind == "actor" else None,
        source_id=found if kind == "source" else None,
        first=first,
        last=last,
    )


# -- the changes -------------------------------------------------------------------------


def _scope(flt: HistoryFilter) -> tuple[str, int] | None:
    for kind in ("claim", "actor", "source"):
        value = getattr(flt, f"{kind}_id")
        if value is not None:
            return kind, int(value)
    return None


def history(session: Session, flt: HistoryFilter, counts: bool = True) -> Iterator[ChangeEntry]:
    """The changes `flt` selects, newest first; without `counts` (a page
    that shows one entity's changes), each change's counts of every entity
    it touched are left empty: a load's change counts a million rows."""
    query = select(Change).order_by(Change.id.desc())
    scope = _scope(flt)
    if scope is not None:
        kind, entity_id = scope
        query = query.where(
            Change.id.in_(select(ChangeRow.change_id).where(_OWNER[kind] == entity_id))
        )
    if flt.first is not None:
        query = query.where(Change.id >= flt.first)
    if flt.last is not None:
        query = query.where(Change.id <= flt.last)
    if flt.since is not None:
        query = query.where(Change.made_at >= dt.datetime.combine(flt.since, dt.time()))
    if flt.by is not None:
        query = query.where(func.lower(Change.made_by) == flt.by.lower())
    if flt.limit is not None:
        query = query.limit(flt.limit)
    for change in session.scalars(query).all():
        yield entry(session, change, scope, counts)


def entry(
    session: Session,
    change: Change,
    scope: tuple[str, int] | None = None,
    counted: bool = True,
) -> ChangeEntry:
    """What `change` did; within `scope` (an entity a filter names), only to
    the entities of the rows naming it; `counted`: with the counts of every
    entity it touched (needed, and always given, without a scope)."""
    undone_by = session.scalar(select(Change.id).where(Change.undoes == change.id))
    counts = _counts(session, change) if counted or scope is None else {}
    touched = _touched(session, change, scope)
    shown = touched[:DETAIL] if scope is None else touched
    found = [e for e in (_entity(session, change, k, i) for k, i in shown) if e is not None]
    # What was added or removed first, then what was updated, each as written.
    entities = sorted(found, key=lambda e: e.action == "updated")
    return ChangeEntry(
        id=change.id,
        made_at=change.made_at,
        made_by=change.made_by,
        command=change.command,
        capture=change.capture,
        silent=change.silent,
        undoes=change.undoes,
        undone_by=undone_by,
        note=change.note,
        files=json.loads(change.files) if change.files else None,
        counts=counts,
        entities=entities,
        # Of every entity touched (the counts hold them all), those not shown.
        more=0 if scope is not None else sum(sum(c.values()) for c in counts.values()) - len(shown),
    )


def _counts(session: Session, change: Change) -> dict[str, dict[str, int]]:
    """Per kind: how many entities the change added, updated and removed."""
    counts: dict[str, dict[str, int]] = {}
    for kind, tables in FAMILIES.items():
        owner = _OWNER[kind]
        rows = select(ChangeRow.op, func.count()).where(
            rows_of(change), ChangeRow.table_name == tables[0]
        )
        ops = dict(session.execute(rows.group_by(ChangeRow.op)).all())
        touched = session.scalar(
            select(func.count(func.distinct(owner))).where(
                rows_of(change), ChangeRow.table_name.in_(tables)
            )
        )
        added, removed = int(ops.get("insert", 0)), int(ops.get("delete", 0))
        counts[kind + "s"] = {
            "added": added,
            "updated": max(int(touched or 0) - added - removed, 0),
            "removed": removed,
        }
    return counts


def _touched(
    session: Session, change: Change, scope: tuple[str, int] | None = None
) -> list[tuple[str, int]]:
    """The entities the change's rows belong to (those of the rows naming
    `scope`), in the order first written."""
    found: dict[tuple[str, int], None] = {}
    for kind, tables in FAMILIES.items():
        owner = _OWNER[kind]
        query = select(owner, func.min(ChangeRow.id).label("first")).where(
            rows_of(change),
            ChangeRow.table_name.in_(tables),
            owner.is_not(None),
        )
        if scope is not None:
            query = query.where(_OWNER[scope[0]] == scope[1])
        limit = DETAIL + 1 if scope is None else None
        rows = session.execute(query.group_by(owner).order_by("first").limit(limit)).all()
        for entity_id, _ in rows:
            if entity_id is not None:
                found[(kind, entity_id)] = None
    return list(found)


# -- an entity before and after a change ------------------------------------------------


def _values_after(session: Session, row: ChangeRow) -> dict[str, Any] | None:
    """An inserted row's values when the change kept only its key (a load):
    the before-image of the next change that touched it, else the row as it stands."""
    if row.after is not None:
        return row_values(row.table_name, row.after)
    later = session.scalar(
        select(ChangeRow.before)
        .where(
            ChangeRow.table_name == row.table_name,
            ChangeRow.row_key == row.row_key,
            ChangeRow.change_id > row.change_id,
            ChangeRow.before.is_not(None),
        )
        .order_by(ChangeRow.id)
        .limit(1)
    )
    if later is not None:
        return row_values(row.table_name, later)
    table = Base.metadata.tables[row.table_name]
    key = key_values(row.table_name, row.row_key)
    current = (
        session.execute(select(table).where(*(table.c[k] == v for k, v in key.items())))
        .mappings()
        .first()
    )
    if current is not None:
        return dict(current)
    if row.table_name in ("claimants", "topics", "source_credits"):
        return key  # the key is most of the row
    return None


class _Names:
    """Ids shown as the ids users know (keys), also of removed entities."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.cache: dict[tuple[str, int], str] = {}

    def __call__(self, kind: str, entity_id: int | None) -> str | None:
        if entity_id is None:
            return None
        cached = self.cache.get((kind, entity_id))
        if cached is not None:
            return cached
        model = _MODELS[kind]
        key = self.session.scalar(select(model.key).where(model.id == entity_id))
        if key is None:
            image = self.session.scalar(
                select(func.coalesce(ChangeRow.before, ChangeRow.after))
                .where(
                    ChangeRow.table_name == FAMILIES[kind][0],
                    ChangeRow.row_key == _row_key(entity_id),
                    or_(ChangeRow.before.is_not(None), ChangeRow.after.is_not(None)),
                )
                .order_by(ChangeRow.id.desc())
                .limit(1)
            )
            key = json.loads(image).get("key") if image else None
        shown = str(key) if key else f"{kind} #{entity_id}"
        self.cache[(kind, entity_id)] = shown
        return shown


def _entity(session: Session, change: Change, kind: str, entity_id: int) -> EntityChange | None:
    tables = FAMILIES[kind]
    rows = session.scalars(
        select(ChangeRow)
        .where(rows_of(change), ChangeRow.table_name.in_(tables), _OWNER[kind] == entity_id)
        .order_by(ChangeRow.id)
    ).all()
    before: dict[str, list[dict[str, Any]]] = {t: [] for t in tables}
    after: dict[str, list[dict[str, Any]]] = {t: [] for t in tables}
    action = "updated"
    for row in rows:
        if row.op in ("update", "delete"):
            before[row.table_name].append(row_values(row.table_name, row.before) or {})
        if row.op in ("update", "insert"):
            values = _values_after(session, row)
            if values is not None:
                after[row.table_name].append(values)
        if row.table_name == tables[0] and row.op != "update":
            action = "added" if row.op == "insert" else "removed"
    names = _Names(session)
    old, new = _fields(kind, before, names), _fields(kind, after, names)
    main = before[tables[0]] or after[tables[0]]
    shown_id = (
        str((after[tables[0]] or before[tables[0]])[-1].get("key"))
        if main
        else names(kind, entity_id) or f"#{entity_id}"
    )
    changes = []
    for name in dict.fromkeys([*old, *new]):
        was, now = old.get(name), new.get(name)
        if isinstance(was, list) or isinstance(now, list):
            was_items, now_items = list(was or []), list(now or [])
            if name == "claimants":
                if was_items != now_items:
                    changes.append(FieldChange(name, was_items, now_items))
                continue
            removed = [i for i in was_items if i not in now_items]
            added = [i for i in now_items if i not in was_items]
            if removed or added:
                changes.append(FieldChange(name, removed, added, items=True))
        elif action == "updated" and name in old and name in new and was != now:
            changes.append(FieldChange(name, was, now))
    if action == "updated" and not changes:
        return None
    return EntityChange(kind, shown_id, action, changes if action == "updated" else [])


def _fields(kind: str, rows: dict[str, list[dict[str, Any]]], names: _Names) -> dict[str, Any]:
    """An entity's fields as history shows them, from what `rows` hold of it."""
    fields: dict[str, Any] = {}
    main = rows[FAMILIES[kind][0]]
    if kind == "claim":
        if main:
            row = main[-1]
            fields.update(
                id=row["key"],
                text=row["text"],
                stated=dates.at_precision(row["stated_on"], row["stated_precision"]),
                first_appearance=names("source", row["first_source_id"]) or row["first_url"],
            )
        lists = {
            "claimants": [
                names("actor", r["actor_id"])
                for r in sorted(rows["claimants"], key=lambda r: r.get("position") or 0)
            ],
            "topics": sorted(r["topic"] for r in rows["topics"]),
            "appearances": [_appearance(r, names) for r in rows["appearances"]],
            "relations": [
                f"{r['relation']} {names('claim', r['to_claim_id'])}" for r in rows["relations"]
            ],
            "reviews": [
                f"{r['rating']} by {names('actor', r['reviewer_id'])}"
                + (f" ({r['reviewed_on']})" if r.get("reviewed_on") else "")
                for r in rows["reviews"]
            ],
            "evidence": [f"{r['stance']}: {r['url']}" for r in rows["evidence"]],
        }
    elif kind == "actor":
        if main:
            row = main[-1]
            fields.update(
                id=row["key"], name=row["name"], kind=row["kind"], description=row["description"]
            )
        lists = {
            "aliases": [r["alias"] for r in rows["aliases"]],
            "roles": [
                f"{r['title']}, {names('actor', r['organization_id'])}"
                + _period(r.get("start_on"), r.get("end_on"))
                for r in rows["roles"]
            ],
        }
    else:
        if main:
            row = main[-1]
            fields.update(
                id=row["key"],
                outlet=row["outlet"],
                title=row["title"],
                url=row["url"],
                published=dates.at_precision(row["published_on"], row["published_precision"]),
                language=row["language"],
                archived_url=row["archived_url"],
                retrieved=dates.at_precision(row["retrieved_on"], "day"),
                excerpt=bool(row["excerpt"]),
                notes=row["notes"],
                text=(
                    f"{row['text_length']:,} characters (sha256 {row['content_hash'][:12]})"
                    if row["text_length"] is not None
                    else None
                ),
            )
        lists = {
            "credits": [
                names("actor", r["actor_id"])
                for r in sorted(rows["source_credits"], key=lambda r: r.get("position") or 0)
            ]
        }
    fields.update({name: items for name, items in lists.items() if items})
    return fields


def _period(start: dt.date | None, end: dt.date | None) -> str:
    if start is None and end is None:
        return ""
    return f" ({start.isoformat() if start else '…'} to {end.isoformat() if end else '…'})"


def _appearance(row: dict[str, Any], names: _Names) -> str:
    """An appearance in a line: where, how (first: what an edit changes), the quote."""
    where = names("source", row["source_id"])
    if row.get("start_offset") is not None:
        where = f"{where}:{row['start_offset']}"
    details = [row["type"], *(x for x in [row.get("cue")] if x)]
    if row.get("via_actor_id") is not None:
        details.append(f"via {names('actor', row['via_actor_id'])}")
    quoted = f"“{row['quote']}”" if row.get("quote") is not None else "(not quoted)"
    return f"{where} ({', '.join(details)}) {quoted}"


# -- corrections -------------------------------------------------------------------------


def corrections(session: Session, claim_ids: Sequence[int]) -> dict[int, list[Correction]]:
    """Per claim, oldest first: the changes since it was first recorded that
    changed its text, date or claimants — not those marked silent, undone, or
    undoing another."""
    found: dict[int, list[Correction]] = {}
    if not claim_ids:
        return found
    undo, created = aliased(Change), aliased(ChangeRow)
    for batch in batches(claim_ids):
        # A claim row updated, or a claimant taken away, by a change that did
        # not create the claim: a correction, unless its fields say otherwise.
        candidates = session.execute(
            select(ChangeRow.claim_id, Change)
            .join(Change, Change.id == ChangeRow.change_id)
            .where(
                ChangeRow.claim_id.in_(batch),
                or_(
                    and_(ChangeRow.table_name == "claims", ChangeRow.op == "update"),
                    and_(ChangeRow.table_name == "claimants", ChangeRow.op != "insert"),
                ),
                Change.silent.is_(False),
                Change.undoes.is_(None),
                ~exists().where(undo.undoes == Change.id),
                ~exists().where(
                    created.change_id == ChangeRow.change_id,
                    created.table_name == "claims",
                    created.op == "insert",
                    created.claim_id == ChangeRow.claim_id,
                ),
            )
            .distinct()
            .order_by(ChangeRow.claim_id, Change.id)
        ).all()
        for claim_id, change in candidates:
            if claim_id is None:
                continue
            entity = _entity(session, change, "claim", claim_id)
            if entity is None or entity.action != "updated":
                continue
            fields = [_named(session, f) for f in entity.fields if f.field in CORRECTED_FIELDS]
            if fields:
                found.setdefault(claim_id, []).append(
                    Correction(change.id, change.made_at.date(), fields)
                )
    return found


def _named(session: Session, change: FieldChange) -> FieldChange:
    """Claimants as readers know them: by name (a removed actor by its id)."""
    if change.field != "claimants":
        return change
    keys = [*change.before, *change.after]
    names = dict(session.execute(select(Actor.key, Actor.name).where(Actor.key.in_(keys))).all())
    return FieldChange(
        change.field,
        [names.get(k, k) for k in change.before],
        [names.get(k, k) for k in change.after],
    )


def claim_ids(session: Session, keys: Sequence[str]) -> dict[str, int]:
    """The database ids of claims by their keys."""
    rows = session.execute(select(Claim.key, Claim.id).where(Claim.key.in_(list(keys)))).all()
    return {str(k): int(i) for k, i in rows}
