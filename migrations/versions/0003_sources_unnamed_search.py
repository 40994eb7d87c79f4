"""sources dated to a month or year, archived and excerpted; unnamed actors; full-text search

Revision ID: 0003
Revises: 0002

Full-text search lives outside the models (tracker.search reads it): FTS5
tables kept in sync by triggers on SQLite, GIN indexes on `to_tsvector` on
PostgreSQL. Its objects are all named `search_*` / `ix_search_*`, and the
model-drift check leaves them out. Accents count on both (remove_diacritics
0): PostgreSQL's `english` configuration keeps them, and the two backends
must find the same things.

A later revision that rebuilds `claims`, `appearances` or `sources` on SQLite
(batch mode recreates a table to alter it) drops that table's triggers with
it: it must call `create_sqlite_triggers` again afterwards.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS_BEFORE = "kind IN ('person', 'organization', 'government', 'group')"
KINDS_AFTER = "kind IN ('person', 'organization', 'government', 'group', 'unnamed')"

# (search object, table, column) for each kind of text searched.
SEARCHED = [
    ("search_claims", "claims", "text"),
    ("search_quotes", "appearances", "quote"),
    ("search_sources", "sources", "text"),
]


def create_sqlite_triggers(name: str, table: str, column: str) -> None:
    """Keep the FTS5 table `name` (external content: `table`) in step with it."""
    insert = f"INSERT INTO {name}(rowid, {column}) VALUES (new.id, new.{column});"
    delete = f"INSERT INTO {name}({name}, rowid, {column}) VALUES ('delete', old.id, old.{column});"
    op.execute(f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} BEGIN {insert} END")
    op.execute(f"CREATE TRIGGER {name}_delete AFTER DELETE ON {table} BEGIN {delete} END")
    op.execute(
        f"CREATE TRIGGER {name}_update AFTER UPDATE OF {column} ON {table}"
        f" BEGIN {delete} {insert} END"
    )


def upgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.add_column(sa.Column("published_precision", sa.String(length=5), nullable=True))
        batch.add_column(sa.Column("archived_url", sa.String(length=2000), nullable=True))
        batch.add_column(sa.Column("retrieved_on", sa.Date(), nullable=True))
        batch.add_column(
            sa.Column("excerpt", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("raw_hash", sa.String(length=64), nullable=True))
        batch.create_index(op.f("ix_sources_raw_hash"), ["raw_hash"], unique=False)
    # Every source so far was dated to the day.
    op.execute("UPDATE sources SET published_precision = 'day' WHERE published_on IS NOT NULL")
    with op.batch_alter_table("sources") as batch:
        batch.create_check_constraint(
            op.f("ck_sources_published_precision"),
            "published_precision IN ('day', 'month', 'year')",
        )
        batch.create_check_constraint(
            op.f("ck_sources_published_has_precision"),
            "(published_on IS NULL AND published_precision IS NULL)"
            " OR (published_on IS NOT NULL AND published_precision IS NOT NULL)",
        )
    with op.batch_alter_table("actors") as batch:
        batch.drop_constraint(op.f("ck_actors_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_actors_kind"), KINDS_AFTER)

    if op.get_bind().dialect.name == "sqlite":
        for name, table, column in SEARCHED:
            op.execute(
                f"CREATE VIRTUAL TABLE {name} USING fts5({column}, content='{table}',"
                " content_rowid='id', tokenize='porter unicode61 remove_diacritics 0')"
            )
            create_sqlite_triggers(name, table, column)
            op.execute(f"INSERT INTO {name}({name}) VALUES ('rebuild')")
    else:
        for name, table, column in SEARCHED:
            op.execute(
                f"CREATE INDEX ix_{name} ON {table} USING gin (to_tsvector('english', {column}))"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name, _, _ in SEARCHED:
            for event in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER {name}_{event}")
            op.execute(f"DROP TABLE {name}")
    else:
        for name, _, _ in SEARCHED:
            op.execute(f"DROP INDEX ix_{name}")
    with op.batch_alter_table("actors") as batch:
        batch.drop_constraint(op.f("ck_actors_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_actors_kind"), KINDS_BEFORE)
    with op.batch_alter_table("sources") as batch:
        batch.drop_constraint(op.f("ck_sources_published_has_precision"), type_="check")
        batch.drop_constraint(op.f("ck_sources_published_precision"), type_="check")
        batch.drop_index(op.f("ix_sources_raw_hash"))
        batch.drop_column("raw_hash")
        batch.drop_column("excerpt")
        batch.drop_column("retrieved_on")
        batch.drop_column("archived_url")
        batch.drop_column("published_precision")
