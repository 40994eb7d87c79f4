"""The change log's tables: every write is one change, and every row it
inserted, updated or deleted is a change row beside it.

The rows are written by the database itself: triggers on each logged table
(migration 0009) copy a row's values into `change_rows` while a write holds
an `open_change` row (tracker.record.changelog opens and closes it in the
write's own transaction). Nothing is logged outside a tracker write, and the
log is append-only: other triggers refuse every UPDATE or DELETE of it.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ColumnElement,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    and_,
    false,
)
from sqlalchemy import text as sql
from sqlalchemy.orm import Mapped, mapped_column

from tracker.record.base import Base, one_of

# How a change's inserted rows are kept: `full` with their values, `compact`
# (loads and imports) with their keys only — the values are the rows as they
# stand, or the before-image of the later change that altered them.
CAPTURES = ("full", "compact")
OPERATIONS = ("insert", "update", "delete")

# Each logged table: its primary key's columns (a change row's `row_key` is
# the JSON array of their values) and the columns naming the claim, actor and
# source a row belongs to (history and corrections look rows up by them).
# actor_sides is derived from roles and rebuilt after every write that
# touches them: it is not logged.
LOGGED: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "actors": (("id",), {"actor_id": "id"}),
    "actor_names": (("normalized",), {"actor_id": "actor_id"}),
    "aliases": (("id",), {"actor_id": "actor_id"}),
    "roles": (("id",), {"actor_id": "actor_id"}),
    "sources": (("id",), {"source_id": "id"}),
    "source_credits": (
        ("source_id", "actor_id"),
        {"source_id": "source_id", "actor_id": "actor_id"},
    ),
    "claims": (("id",), {"claim_id": "id"}),
    "claimants": (("claim_id", "actor_id"), {"claim_id": "claim_id", "actor_id": "actor_id"}),
    "topics": (("claim_id", "topic"), {"claim_id": "claim_id"}),
    "appearances": (("id",), {"claim_id": "claim_id", "source_id": "source_id"}),
    "relations": (("id",), {"claim_id": "from_claim_id"}),
    "reviews": (("id",), {"claim_id": "claim_id", "actor_id": "reviewer_id"}),
    # Evidence of a review belongs to the review's claim (looked up by the trigger).
    "evidence": (("id",), {"claim_id": "claim_id"}),
    # `tracker watch` (migration 0010): what it read, and what it queued.
    "feeds": (("id",), {}),
    "feed_entries": (("id",), {"source_id": "source_id"}),
    "queued_proposals": (("id",), {"source_id": "source_id"}),
}


class Change(Base):
    """One write: when, by whom, the command as given."""

    __tablename__ = "changes"
    __table_args__ = (
        CheckConstraint(one_of("capture", CAPTURES), name="capture"),
        Index("ix_changes_made_by", "made_by"),
        Index("ix_changes_undoes", "undoes"),
    )

    # Given by the writer (the next after the last, under the write lock):
    # the rows it logs name it before the change itself is written.
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    # UTC, without a zone: the same on every backend.
    made_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    made_by: Mapped[str] = mapped_column(String(200))
    command: Mapped[str] = mapped_column(Text)
    capture: Mapped[str] = mapped_column(String(10))
    # A typo-level fix: in the log, not among a claim's corrections.
    silent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    undoes: Mapped[int | None] = mapped_column(ForeignKey("changes.id", ondelete="RESTRICT"))
    # What the write said on stderr that the record should keep (a verdict
    # given on a claim's old wording).
    note: Mapped[str | None] = mapped_column(Text)
    # A load's data files: JSON list of {"path", "sha256", "bytes"}.
    files: Mapped[str | None] = mapped_column(Text)
    # Its rows' ids: one writer at a time, so a change's rows are one run of
    # ids (read by the primary key: an index on change_id would cost every
    # load a fifth more time).
    first_row: Mapped[int] = mapped_column(Integer)
    last_row: Mapped[int] = mapped_column(Integer)


class ChangeRow(Base):
    """One row a change inserted, updated or deleted, with its values (JSON)."""

    __tablename__ = "change_rows"
    __table_args__ = (
        CheckConstraint(one_of("op", OPERATIONS), name="op"),
        # Undo asks whether a later change touched the same rows.
        Index("ix_change_rows_row", "table_name", "row_key"),
        # History looks rows up by what they belong to. Partial: most rows
        # name a claim and nothing else, and an index of NULLs costs every
        # load its time (at 100,000 claims, the log's cost fell by half).
        *(
            Index(
                f"ix_change_rows_{owner}",
                owner,
                sqlite_where=sql(f"{owner} IS NOT NULL"),
                postgresql_where=sql(f"{owner} IS NOT NULL"),
            )
            for owner in ("claim_id", "actor_id", "source_id")
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Deferred: the triggers log rows before the change that owns them is
    # written, at the end of the write (a write that changed nothing leaves
    # no change behind).
    change_id: Mapped[int] = mapped_column(
        ForeignKey("changes.id", ondelete="RESTRICT", deferrable=True, initially="DEFERRED")
    )
    table_name: Mapped[str] = mapped_column(String(40))
    row_key: Mapped[str] = mapped_column(String(500))
    op: Mapped[str] = mapped_column(String(6))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    # The claim, actor and source the row belongs to (not foreign keys: the
    # row may since have been removed).
    claim_id: Mapped[int | None] = mapped_column(Integer)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    source_id: Mapped[int | None] = mapped_column(Integer)


class OpenChange(Base):
    """The change being written: one row while a write holds the lock, none
    otherwise (it is deleted in the same transaction). The logging triggers
    read it; its absence means the write is not tracker's, and is not logged."""

    __tablename__ = "open_change"
    __table_args__ = (CheckConstraint(one_of("capture", CAPTURES), name="capture"),)

    change_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    capture: Mapped[str] = mapped_column(String(10))


def row_values(table_name: str, image: str | None) -> dict[str, Any] | None:
    """A logged image (JSON, as either backend writes it) as the column values
    SQLAlchemy takes: dates as dates, booleans as booleans, numbers as numbers."""
    if image is None:
        return None
    table = Base.metadata.tables[table_name]
    values: dict[str, Any] = {}
    for name, value in json.loads(image).items():
        if name not in table.c:
            continue  # a column a later revision dropped
        kind = table.c[name].type
        if value is None:
            values[name] = None
        elif isinstance(kind, Date):
            values[name] = dt.date.fromisoformat(str(value)[:10])
        elif isinstance(kind, Boolean):
            values[name] = bool(value)
        elif isinstance(kind, Float):
            values[name] = float(value)
        else:
            values[name] = value
    return values


def key_values(table_name: str, row_key: str) -> dict[str, Any]:
    """The primary key a change row names, by column."""
    columns, _ = LOGGED[table_name]
    return dict(zip(columns, json.loads(row_key), strict=True))


def rows_of(change: Change, row: type[ChangeRow] | Any = None) -> ColumnElement[bool]:
    """The condition selecting `change`'s rows (of `row`, an alias of ChangeRow),
    read by the primary key."""
    table = row if row is not None else ChangeRow
    return and_(table.id.between(change.first_row, change.last_row), table.change_id == change.id)
