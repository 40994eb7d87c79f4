"""Undoing one change: its rows put back as they were before it, in one write
that is itself a change.

A change is undone only when no later change touched any row it touched:
otherwise its rows' values are no longer its own, and the first later change
in the way is named. Each row's inverse is applied in the reverse of the
order the change wrote them (children of a removed claim go back after the
claim, a load's new rows go before the old ones return), with the row ids the
rows had: a removed claim comes back with its appearances, relations,
verdicts and evidence exactly as they were.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby

from sqlalchemy import (
    ColumnElement,
    Connection,
    Table,
    and_,
    delete,
    func,
    insert,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session, aliased

from tracker.errors import InputError, NotFound
from tracker.record import changelog, sides
from tracker.record.batching import batch_size, batches
from tracker.record.changes import LOGGED, key_values, row_values, rows_of
from tracker.record.models import Base, Change, ChangeRow

# Tables whose ids tracker hands out itself (tracker.ingest.load): on
# PostgreSQL their sequences are moved past rows put back with their ids.
_NUMBERED = ("actors", "sources", "claims", "reviews")
_SIDES = ("actors", "roles")


@dataclass(frozen=True)
class Undone:
    change: int  # the change undone
    rows: int  # rows put back
    message: str


def _change(session: Session, change_id: int) -> Change:
    found = session.get(Change, change_id)
    if found is None:
        last = session.scalar(select(func.max(Change.id)))
        hint = f" (the log holds changes 1 to {last})" if last else " (the log is empty)"
        raise NotFound(f"no change {change_id}{hint}: see `tracker history`")
    return found


def describe(change: Change) -> str:
    """A change in one line's worth: id, when, who, what."""
    command = change.command if len(change.command) <= 100 else change.command[:99] + "…"
    when = f"{change.made_at:%Y-%m-%d %H:%M} UTC"
    return f"change {change.id} ({when}, {change.made_by}: {command})"


_PAGE = 5000


def _rows(session: Session, change: Change, last_first: bool = False) -> Iterator[ChangeRow]:
    """The rows `change` logged, a page at a time (a load's may be millions),
    in the order they were written or the reverse."""
    bound: int | None = None
    while True:
        query = select(ChangeRow).where(rows_of(change))
        if bound is not None:
            query = query.where(ChangeRow.id < bound if last_first else ChangeRow.id > bound)
        order = ChangeRow.id.desc() if last_first else ChangeRow.id
        page = session.scalars(query.order_by(order).limit(_PAGE)).all()
        if not page:
            return
        yield from page
        bound = page[-1].id
        session.expunge_all()


def blocking(session: Session, change: Change) -> Change | None:
    """The first later change that touched a row `change` touched and still
    stands: a later change undone since (by a change that stands) is no
    obstacle, its undo having put the rows back."""
    mine, later = aliased(ChangeRow), aliased(ChangeRow)
    found = session.scalars(
        select(later.change_id)
        .join(mine, and_(mine.table_name == later.table_name, mine.row_key == later.row_key))
        .where(rows_of(change, mine), later.id > change.last_row)
        .distinct()
    ).all()
    undoes = dict(
        session.execute(select(Change.id, Change.undoes).where(Change.id.in_(found))).all()
    )
    standing = set(found)
    for newest in sorted(found, reverse=True):
        undone = undoes.get(newest)
        if newest in standing and undone in standing:
            standing -= {newest, undone}
    return session.get(Change, min(standing)) if standing else None


def _where(table: Table, key: dict[str, object]) -> ColumnElement[bool]:
    return and_(*(table.c[column] == value for column, value in key.items()))


def _put_back(connection: Connection, table: Table, op: str, rows: list[ChangeRow]) -> None:
    """The inverse of `op` for `rows` of `table`: an insert deleted, a delete
    inserted again with its values, an update's values set back."""
    if op == "insert":
        keys = [key_values(table.name, r.row_key) for r in rows]
        columns = list(keys[0])
        if len(columns) == 1:
            condition = table.c[columns[0]].in_([k[columns[0]] for k in keys])
        else:
            condition = tuple_(*(table.c[c] for c in columns)).in_(
                [tuple(k[c] for c in columns) for k in keys]
            )
        connection.execute(delete(table).where(condition))
    elif op == "delete":
        connection.execute(insert(table), [row_values(table.name, r.before) or {} for r in rows])
    else:
        for row in rows:
            values = row_values(table.name, row.before) or {}
            if table.name == "appearances":
                # Follows its source's length (ON UPDATE CASCADE), put back with it.
                values.pop("source_length", None)
            key = key_values(table.name, row.row_key)
            connection.execute(update(table).where(_where(table, key)).values(values))


def undo(session: Session, change_id: int) -> Undone:
    """Put back every row `change_id` wrote as it was before it, in the
    caller's write (which is recorded as undoing it)."""
    change = _change(session, change_id)
    later = blocking(session, change)
    if later is not None:
        if later.undoes == change.id:
            raise InputError(f"change {change.id} was undone by change {later.id} already")
        raise InputError(
            f"cannot undo change {change.id}: {describe(later)} changed the same rows since;"
            f" undo that first"
        )
    connection = session.connection()
    written = 0
    touched: set[str] = set()
    # Runs of rows of one table and one operation are put back together (a
    # load's hundreds of thousands of rows); each run in the reverse order.
    for (table_name, op), run in groupby(
        _rows(session, change, last_first=True), key=lambda r: (r.table_name, r.op)
    ):
        # Rows a statement puts back: as many as the backend takes of their key's columns.
        table = Base.metadata.tables[table_name]
        size = batch_size(connection.dialect.name, len(LOGGED[table_name][0]))
        for batch in batches(run, size):
            try:
                _put_back(connection, table, op, batch)
            except (IntegrityError, DataError) as exc:
                # Rows around the change's own were changed by a write the log
                # does not hold (another tool), or a later revision's rules.
                detail = str(exc.orig).strip().splitlines()[0]
                raise InputError(
                    f"cannot undo change {change.id}: the database refused a row of"
                    f" {table_name} put back: {detail}"
                ) from None
            written += len(batch)
        touched.add(table_name)
    if touched & set(_SIDES):
        sides.rebuild(connection)
    if connection.dialect.name == "postgresql":
        for name in touched & set(_NUMBERED):
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'),"
                    f" greatest((SELECT max(id) FROM {name}), 1))"
                )
            )
    opened = changelog.opened(session)
    if opened is not None:
        opened.undoes = change.id
    session.expunge_all()
    return Undone(change.id, written, f"undid {describe(change)}: {written} row(s) put back")
