"""the change log: every write is a change, with the rows it wrote

Revision ID: 0009
Revises: 0008

Three tables: `changes` (one row per write: when, by whom, the command),
`change_rows` (each row a change inserted, updated or deleted, with its
values as JSON) and `open_change` (one row while a write is under way, none
otherwise). Triggers on every logged table copy rows into `change_rows`
while an `open_change` row exists — on SQLite one per row, on PostgreSQL one
per statement, reading its transition tables — and others refuse any UPDATE
or DELETE of the log (and, on PostgreSQL, TRUNCATE): it is append-only.

Databases filled before this revision keep their data and start with an
empty log: what was written before was not recorded.

The triggers name each table's columns as this revision has them (their SQL
is generated here from the frozen lists below, not from the models). A later
revision that adds a column to a logged table, or that makes SQLite rebuild
one (batch_alter_table), must make that table's triggers again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each logged table as of this revision: its columns, its primary key, and the
# columns naming the claim, actor and source a row belongs to.
COLUMNS = {
    "actors": ["id", "key", "name", "kind", "description"],
    "actor_names": ["normalized", "actor_id"],
    "aliases": ["id", "actor_id", "alias", "normalized"],
    "roles": ["id", "actor_id", "organization_id", "title", "start_on", "end_on"],
    "sources": [
        "id", "key", "outlet", "title", "url", "published_on", "published_precision",
        "language", "text", "text_length", "content_hash", "raw_hash", "archived_url",
        "retrieved_on", "excerpt", "notes",
    ],
    "source_credits": ["source_id", "actor_id", "position"],
    "claims": [
        "id", "key", "text", "stated_on", "stated_until", "stated_precision",
        "first_source_id", "first_url",
    ],
    "claimants": ["claim_id", "actor_id", "position"],
    "topics": ["claim_id", "topic"],
    "appearances": [
        "id", "claim_id", "source_id", "source_length", "quote", "start_offset", "end_offset",
        "prefix", "suffix", "type", "cue", "via_actor_id",
    ],
    "relations": ["id", "from_claim_id", "to_claim_id", "relation"],
    "reviews": [
        "id", "claim_id", "position", "reviewer_id", "rating", "rating_value", "best_rating",
        "worst_rating", "reviewed_on", "url", "explanation",
    ],
    "evidence": [
        "id", "claim_id", "review_id", "position", "url", "title", "kind", "published_on",
        "shows", "stance",
    ],
}  # fmt: skip
KEYS = {
    "actor_names": ["normalized"],
    "source_credits": ["source_id", "actor_id"],
    "claimants": ["claim_id", "actor_id"],
    "topics": ["claim_id", "topic"],
}
OWNERS = {
    "actors": {"actor_id": "id"},
    "actor_names": {"actor_id": "actor_id"},
    "aliases": {"actor_id": "actor_id"},
    "roles": {"actor_id": "actor_id"},
    "sources": {"source_id": "id"},
    "source_credits": {"source_id": "source_id", "actor_id": "actor_id"},
    "claims": {"claim_id": "id"},
    "claimants": {"claim_id": "claim_id", "actor_id": "actor_id"},
    "topics": {"claim_id": "claim_id"},
    "appearances": {"claim_id": "claim_id", "source_id": "source_id"},
    "relations": {"claim_id": "from_claim_id"},
    "reviews": {"claim_id": "claim_id", "actor_id": "reviewer_id"},
    "evidence": {"claim_id": "claim_id"},
}
LOG_COLUMNS = "change_id, table_name, row_key, op, before, after, claim_id, actor_id, source_id"
REFUSAL = "the change log is append-only: a change is never edited or deleted"


def _owner(table: str, owner: str, row: str) -> str:
    column = OWNERS[table].get(owner)
    if column is None:
        return "NULL"
    if table == "evidence":  # a review's evidence belongs to the review's claim
        return (
            f"coalesce({row}.claim_id,"
            f" (SELECT r.claim_id FROM reviews r WHERE r.id = {row}.review_id))"
        )
    return f"{row}.{column}"


def _owners(table: str, row: str) -> str:
    return ", ".join(_owner(table, o, row) for o in ("claim_id", "actor_id", "source_id"))


# -- SQLite: a trigger per row and operation -----------------------------------------


def _sqlite_image(table: str, row: str) -> str:
    return "json_object(" + ", ".join(f"'{c}', {row}.{c}" for c in COLUMNS[table]) + ")"


def _sqlite_key(table: str, row: str) -> str:
    return "json_array(" + ", ".join(f"{row}.{c}" for c in KEYS.get(table, ["id"])) + ")"


def _sqlite_row(table: str, op_: str, row: str, before: str, after: str, where: str) -> str:
    return (
        f"INSERT INTO change_rows ({LOG_COLUMNS}) SELECT change_id, '{table}',"
        f" {_sqlite_key(table, row)}, '{op_}', {before}, {after}, {_owners(table, row)}"
        f" FROM open_change{where};"
    )


def _sqlite_triggers(table: str) -> list[str]:
    opened = "EXISTS (SELECT 1 FROM open_change)"
    new, old = _sqlite_image(table, "NEW"), _sqlite_image(table, "OLD")
    # Compact changes (loads) keep an inserted row's key only.
    kept = f"CASE capture WHEN 'full' THEN {new} END"
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in COLUMNS[table])
    same_key = f"{_sqlite_key(table, 'OLD')} = {_sqlite_key(table, 'NEW')}"
    name = f"changes_log_{table}"
    return [
        f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} WHEN {opened}"
        f" BEGIN {_sqlite_row(table, 'insert', 'NEW', 'NULL', kept, '')} END",
        # An update that changes the key is logged as the delete and the
        # insert it amounts to: undo and history look rows up by key.
        f"CREATE TRIGGER {name}_update AFTER UPDATE ON {table} WHEN {opened} AND ({changed})"
        f" BEGIN {_sqlite_row(table, 'update', 'NEW', old, new, f' WHERE {same_key}')}"
        f" {_sqlite_row(table, 'delete', 'OLD', old, 'NULL', f' WHERE NOT ({same_key})')}"
        f" {_sqlite_row(table, 'insert', 'NEW', 'NULL', new, f' WHERE NOT ({same_key})')} END",
        f"CREATE TRIGGER {name}_delete AFTER DELETE ON {table} WHEN {opened}"
        f" BEGIN {_sqlite_row(table, 'delete', 'OLD', old, 'NULL', '')} END",
    ]


# -- PostgreSQL: a trigger per statement and operation, over its transition tables -----


def _pg_key(table: str, row: str) -> str:
    return (
        "json_build_array(" + ", ".join(f"{row}.{c}" for c in KEYS.get(table, ["id"])) + ")::text"
    )


def _pg_match(table: str) -> str:
    return " AND ".join(f"n.{c} = o.{c}" for c in KEYS.get(table, ["id"]))


def _pg_select(table: str, op_: str, row: str, before: str, after: str, source: str) -> str:
    return (
        f"INSERT INTO change_rows ({LOG_COLUMNS}) SELECT c.change_id, '{table}',"
        f" {_pg_key(table, row)}, '{op_}', {before}, {after}, {_owners(table, row)}"
        f" FROM open_change c CROSS JOIN {source};"
    )


def _pg_triggers(table: str) -> list[str]:
    name = f"changes_log_{table}"
    match = _pg_match(table)
    bodies = {
        "insert": _pg_select(
            table,
            "insert",
            "n",
            "NULL",
            "CASE WHEN c.capture = 'full' THEN to_jsonb(n)::text END",
            "new_rows n",
        ),
        "update": " ".join(
            [
                _pg_select(
                    table,
                    "update",
                    "n",
                    "to_jsonb(o)::text",
                    "to_jsonb(n)::text",
                    f"old_rows o JOIN new_rows n ON {match} WHERE o IS DISTINCT FROM n",
                ),
                _pg_select(
                    table,
                    "delete",
                    "o",
                    "to_jsonb(o)::text",
                    "NULL",
                    f"old_rows o WHERE NOT EXISTS (SELECT 1 FROM new_rows n WHERE {match})",
                ),
                _pg_select(
                    table,
                    "insert",
                    "n",
                    "NULL",
                    "to_jsonb(n)::text",
                    f"new_rows n WHERE NOT EXISTS (SELECT 1 FROM old_rows o WHERE {match})",
                ),
            ]
        ),
        "delete": _pg_select(table, "delete", "o", "to_jsonb(o)::text", "NULL", "old_rows o"),
    }
    referencing = {
        "insert": "NEW TABLE AS new_rows",
        "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "delete": "OLD TABLE AS old_rows",
    }
    statements = []
    for event, body in bodies.items():
        statements += [
            f"CREATE FUNCTION {name}_{event}() RETURNS trigger LANGUAGE plpgsql AS $$"
            f" BEGIN {body} RETURN NULL; END $$",
            f"CREATE TRIGGER {name}_{event} AFTER {event.upper()} ON {table}"
            f" REFERENCING {referencing[event]} FOR EACH STATEMENT"
            f" EXECUTE FUNCTION {name}_{event}()",
        ]
    return statements


def _append_only(dialect: str) -> list[str]:
    if dialect == "sqlite":
        return [
            f"CREATE TRIGGER changes_append_only_{table}_{event} BEFORE {event.upper()} ON {table}"
            f" BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
            for table in ("changes", "change_rows")
            for event in ("update", "delete")
        ]
    statements = [
        "CREATE FUNCTION changes_append_only() RETURNS trigger LANGUAGE plpgsql AS $$"
        f" BEGIN RAISE EXCEPTION '{REFUSAL}' USING ERRCODE = 'restrict_violation'; END $$"
    ]
    statements += [
        f"CREATE TRIGGER changes_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {table}"
        " FOR EACH STATEMENT EXECUTE FUNCTION changes_append_only()"
        for table in ("changes", "change_rows")
    ]
    return statements


def upgrade() -> None:
    op.create_table(
        "changes",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("made_at", sa.DateTime(), nullable=False),
        sa.Column("made_by", sa.String(length=200), nullable=False),
        sa.Column("command", sa.Text(), nullable=False),
        sa.Column("capture", sa.String(length=10), nullable=False),
        sa.Column("silent", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("undoes", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("files", sa.Text(), nullable=True),
        sa.Column("first_row", sa.Integer(), nullable=False),
        sa.Column("last_row", sa.Integer(), nullable=False),
        sa.CheckConstraint("capture IN ('full', 'compact')", name=op.f("ck_changes_capture")),
        sa.ForeignKeyConstraint(
            ["undoes"], ["changes.id"], name=op.f("fk_changes_undoes_changes"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_changes")),
    )
    op.create_index(op.f("ix_changes_made_at"), "changes", ["made_at"])
    op.create_index("ix_changes_made_by", "changes", ["made_by"])
    op.create_index("ix_changes_undoes", "changes", ["undoes"])
    op.create_table(
        "change_rows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("table_name", sa.String(length=40), nullable=False),
        sa.Column("row_key", sa.String(length=500), nullable=False),
        sa.Column("op", sa.String(length=6), nullable=False),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.Column("claim_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("op IN ('insert', 'update', 'delete')", name=op.f("ck_change_rows_op")),
        sa.ForeignKeyConstraint(
            ["change_id"],
            ["changes.id"],
            name=op.f("fk_change_rows_change_id_changes"),
            ondelete="RESTRICT",
            deferrable=True,
            initially="DEFERRED",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_rows")),
    )
    op.create_index("ix_change_rows_row", "change_rows", ["table_name", "row_key"])
    for owner in ("claim_id", "actor_id", "source_id"):
        named = sa.text(f"{owner} IS NOT NULL")
        op.create_index(
            f"ix_change_rows_{owner}",
            "change_rows",
            [owner],
            sqlite_where=named,
            postgresql_where=named,
        )
    op.create_table(
        "open_change",
        sa.Column("change_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("capture", sa.String(length=10), nullable=False),
        sa.CheckConstraint("capture IN ('full', 'compact')", name=op.f("ck_open_change_capture")),
        sa.PrimaryKeyConstraint("change_id", name=op.f("pk_open_change")),
    )
    dialect = op.get_bind().dialect.name
    for table in COLUMNS:
        for statement in _sqlite_triggers(table) if dialect == "sqlite" else _pg_triggers(table):
            op.execute(statement)
    for statement in _append_only(dialect):
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in COLUMNS:
        for event in ("insert", "update", "delete"):
            name = f"changes_log_{table}_{event}"
            if dialect == "sqlite":
                op.execute(f"DROP TRIGGER {name}")
            else:
                op.execute(f"DROP TRIGGER {name} ON {table}")
                op.execute(f"DROP FUNCTION {name}()")
    # The append-only triggers go with their tables.
    op.drop_table("open_change")
    op.drop_table("change_rows")
    op.drop_table("changes")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION changes_append_only()")
