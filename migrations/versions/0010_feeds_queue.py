"""feeds watched, their entries seen, and the proposals queued for review

Revision ID: 0010
Revises: 0009

`tracker watch` reads RSS and Atom feeds: `feeds` keeps each feed's URL and
the validators its server last gave (ETag, Last-Modified), `feed_entries`
each entry read (its id, link and a fingerprint of what the feed said of it)
with the source its article became, and `queued_proposals` what extraction
proposed in those sources, until a person accepts or skips each one.

The three tables are logged as the record's are (migration 0009): their
triggers are made here, for the columns they have at this revision, so a
watch run is one change that `tracker undo` can take back.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = {
    "feeds": ["id", "url", "title", "etag", "last_modified"],
    "feed_entries": ["id", "feed_id", "entry_id", "link", "fingerprint", "source_id"],
    "queued_proposals": [
        "id", "source_id", "position", "cue_start", "content_start", "content_end", "speaker",
        "cue", "content", "stance", "actors", "claim_text", "answers", "flagged", "queued_at",
    ],
}  # fmt: skip
# The source each row belongs to (change_rows.source_id); feeds belong to none.
SOURCE = {"feeds": None, "feed_entries": "source_id", "queued_proposals": "source_id"}
LOG_COLUMNS = "change_id, table_name, row_key, op, before, after, claim_id, actor_id, source_id"


def _owners(table: str, row: str) -> str:
    column = SOURCE[table]
    return f"NULL, NULL, {f'{row}.{column}' if column else 'NULL'}"


def _sqlite_image(table: str, row: str) -> str:
    return "json_object(" + ", ".join(f"'{c}', {row}.{c}" for c in COLUMNS[table]) + ")"


def _sqlite_row(table: str, op_: str, row: str, before: str, after: str, where: str) -> str:
    return (
        f"INSERT INTO change_rows ({LOG_COLUMNS}) SELECT change_id, '{table}',"
        f" json_array({row}.id), '{op_}', {before}, {after}, {_owners(table, row)}"
        f" FROM open_change{where};"
    )


def _sqlite_triggers(table: str) -> list[str]:
    opened = "EXISTS (SELECT 1 FROM open_change)"
    new, old = _sqlite_image(table, "NEW"), _sqlite_image(table, "OLD")
    kept = f"CASE capture WHEN 'full' THEN {new} END"
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in COLUMNS[table])
    same = " WHERE OLD.id = NEW.id"
    differ = " WHERE OLD.id <> NEW.id"
    name = f"changes_log_{table}"
    return [
        f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} WHEN {opened}"
        f" BEGIN {_sqlite_row(table, 'insert', 'NEW', 'NULL', kept, '')} END",
        f"CREATE TRIGGER {name}_update AFTER UPDATE ON {table} WHEN {opened} AND ({changed})"
        f" BEGIN {_sqlite_row(table, 'update', 'NEW', old, new, same)}"
        f" {_sqlite_row(table, 'delete', 'OLD', old, 'NULL', differ)}"
        f" {_sqlite_row(table, 'insert', 'NEW', 'NULL', new, differ)} END",
        f"CREATE TRIGGER {name}_delete AFTER DELETE ON {table} WHEN {opened}"
        f" BEGIN {_sqlite_row(table, 'delete', 'OLD', old, 'NULL', '')} END",
    ]


def _pg_select(table: str, op_: str, row: str, before: str, after: str, source: str) -> str:
    return (
        f"INSERT INTO change_rows ({LOG_COLUMNS}) SELECT c.change_id, '{table}',"
        f" json_build_array({row}.id)::text, '{op_}', {before}, {after}, {_owners(table, row)}"
        f" FROM open_change c CROSS JOIN {source};"
    )


def _pg_triggers(table: str) -> list[str]:
    name = f"changes_log_{table}"
    full = "CASE WHEN c.capture = 'full' THEN to_jsonb(n)::text END"
    bodies = {
        "insert": _pg_select(table, "insert", "n", "NULL", full, "new_rows n"),
        "update": " ".join(
            [
                _pg_select(
                    table,
                    "update",
                    "n",
                    "to_jsonb(o)::text",
                    "to_jsonb(n)::text",
                    "old_rows o JOIN new_rows n ON n.id = o.id WHERE o IS DISTINCT FROM n",
                ),
                _pg_select(
                    table,
                    "delete",
                    "o",
                    "to_jsonb(o)::text",
                    "NULL",
                    "old_rows o WHERE NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.id = o.id)",
                ),
                _pg_select(
                    table,
                    "insert",
                    "n",
                    "NULL",
                    "to_jsonb(n)::text",
                    "new_rows n WHERE NOT EXISTS (SELECT 1 FROM old_rows o WHERE n.id = o.id)",
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


def upgrade() -> None:
    op.create_table(
        "feeds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=True),
        sa.Column("etag", sa.String(length=500), nullable=True),
        sa.Column("last_modified", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feeds")),
        sa.UniqueConstraint("url", name=op.f("uq_feeds_url")),
    )
    op.create_table(
        "feed_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feed_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.String(length=2000), nullable=False),
        sa.Column("link", sa.String(length=2000), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["feed_id"], ["feeds.id"], name=op.f("fk_feed_entries_feed_id_feeds"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_feed_entries_source_id_sources"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_entries")),
        sa.UniqueConstraint("feed_id", "entry_id", name=op.f("uq_feed_entries_feed_id_entry_id")),
    )  # fmt: skip
    op.create_index(op.f("ix_feed_entries_source_id"), "feed_entries", ["source_id"])
    op.create_table(
        "queued_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("cue_start", sa.Integer(), nullable=False),
        sa.Column("content_start", sa.Integer(), nullable=False),
        sa.Column("content_end", sa.Integer(), nullable=False),
        sa.Column("speaker", sa.Text(), nullable=False),
        sa.Column("cue", sa.String(length=200), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("stance", sa.String(length=20), nullable=False),
        sa.Column("actors", sa.Text(), nullable=False),
        sa.Column("claim_text", sa.Text(), nullable=False),
        sa.Column("answers", sa.Text(), nullable=True),
        sa.Column("flagged", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("queued_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "0 <= content_start AND content_start < content_end",
            name=op.f("ck_queued_proposals_content"),
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_queued_proposals_source_id_sources"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_queued_proposals")),
        sa.UniqueConstraint(
            "source_id", "cue_start", "content_start", "content_end",
            name="uq_queued_proposals_span",
        ),
    )  # fmt: skip
    op.create_index("ix_queued_proposals_flagged", "queued_proposals", ["flagged"])
    dialect = op.get_bind().dialect.name
    for table in COLUMNS:
        for statement in _sqlite_triggers(table) if dialect == "sqlite" else _pg_triggers(table):
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
    op.drop_table("queued_proposals")
    op.drop_table("feed_entries")
    op.drop_table("feeds")
