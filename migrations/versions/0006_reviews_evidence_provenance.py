"""verdicts, evidence, provenance, and sources known only by their URL

Revision ID: 0006
Revises: 0005

A fact-checker's review of a claim (reviews), documents that support or
refute a claim or a review (evidence), and a claim's first appearance — a
stored source or a URL outside the database (claims.first_source_id,
claims.first_url). A source may now lack a stored text when it has a URL
(a fact-check's record of where a claim appeared): its appearances quote
nothing, and appearances.source_id gets a foreign key of its own, since the
composite one checks nothing without a length. Downgrading drops the new
tables and columns; it refuses while a source without text exists.

SQLite alters a table by rebuilding it, which drops its triggers: the
full-text search triggers of 0003 are made again after each rebuild (their
SQL copied here, frozen as 0003 wrote it).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _search_triggers(name: str, table: str, column: str) -> None:
    """0003's triggers keeping the FTS5 table `name` in step with `table`."""
    if op.get_bind().dialect.name != "sqlite":
        return
    insert = f"INSERT INTO {name}(rowid, {column}) VALUES (new.id, new.{column});"
    delete = f"INSERT INTO {name}({name}, rowid, {column}) VALUES ('delete', old.id, old.{column});"
    op.execute(f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} BEGIN {insert} END")
    op.execute(f"CREATE TRIGGER {name}_delete AFTER DELETE ON {table} BEGIN {delete} END")
    op.execute(
        f"CREATE TRIGGER {name}_update AFTER UPDATE OF {column} ON {table}"
        f" BEGIN {delete} {insert} END"
    )


TEXT_OR_URL = (
    "(text IS NULL AND text_length IS NULL AND content_hash IS NULL AND url IS NOT NULL)"
    " OR (text IS NOT NULL AND text_length IS NOT NULL AND content_hash IS NOT NULL)"
)
QUOTED = (
    "(quote IS NULL AND start_offset IS NULL AND end_offset IS NULL"
    " AND source_length IS NULL AND prefix IS NULL AND suffix IS NULL)"
    " OR (quote IS NOT NULL AND start_offset IS NOT NULL AND end_offset IS NOT NULL"
    " AND source_length IS NOT NULL AND prefix IS NOT NULL AND suffix IS NOT NULL)"
)
QUOTE_COLUMNS = [
    ("source_length", sa.Integer()),
    ("quote", sa.Text()),
    ("start_offset", sa.Integer()),
    ("end_offset", sa.Integer()),
    ("prefix", sa.Text()),
    ("suffix", sa.Text()),
]


def _textless(nullable: bool) -> None:
    with op.batch_alter_table("sources") as batch:
        batch.alter_column("text", existing_type=sa.Text(), nullable=nullable)
        batch.alter_column("text_length", existing_type=sa.Integer(), nullable=nullable)
        batch.alter_column("content_hash", existing_type=sa.String(length=64), nullable=nullable)
        if nullable:
            batch.create_check_constraint("text_or_url", TEXT_OR_URL)
        else:
            batch.drop_constraint(op.f("ck_sources_text_or_url"), type_="check")
    _search_triggers("search_sources", "sources", "text")
    with op.batch_alter_table("appearances") as batch:
        for column, kind in QUOTE_COLUMNS:
            batch.alter_column(column, existing_type=kind, nullable=nullable)
        if nullable:
            batch.create_check_constraint("quoted", QUOTED)
            batch.create_foreign_key(
                "fk_appearances_source_id_sources",
                "sources",
                ["source_id"],
                ["id"],
                ondelete="RESTRICT",
            )
        else:
            batch.drop_constraint(op.f("ck_appearances_quoted"), type_="check")
            batch.drop_constraint(op.f("fk_appearances_source_id_sources"), type_="foreignkey")
    _search_triggers("search_quotes", "appearances", "quote")


def upgrade() -> None:
    with op.batch_alter_table("claims") as batch:
        batch.add_column(sa.Column("first_source_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("first_url", sa.String(length=2000), nullable=True))
        batch.create_foreign_key(
            "fk_claims_first_source_id_sources",
            "sources",
            ["first_source_id"],
            ["id"],
            ondelete="RESTRICT",
        )
        batch.create_check_constraint(
            "first_appearance", "first_source_id IS NULL OR first_url IS NULL"
        )
        batch.create_index("ix_claims_first_source_id", ["first_source_id"])
    _search_triggers("search_claims", "claims", "text")
    _textless(nullable=True)

    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.String(length=200), nullable=False),
        sa.Column("rating_value", sa.Float(), nullable=True),
        sa.Column("best_rating", sa.Float(), nullable=True),
        sa.Column("worst_rating", sa.Float(), nullable=True),
        sa.Column("reviewed_on", sa.Date(), nullable=True),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("explanation", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "best_rating IS NULL OR worst_rating IS NULL OR best_rating <> worst_rating",
            name=op.f("ck_reviews_scale"),
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["claims.id"],
            name=op.f("fk_reviews_claim_id_claims"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["actors.id"],
            name=op.f("fk_reviews_reviewer_id_actors"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
        sa.UniqueConstraint("claim_id", "position", name=op.f("uq_reviews_claim_id_position")),
    )
    op.create_index("ix_reviews_claim_id", "reviews", ["claim_id"])
    op.create_index(op.f("ix_reviews_reviewer_id"), "reviews", ["reviewer_id"])
    op.create_index(op.f("ix_reviews_rating"), "reviews", ["rating"])

    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=True),
        sa.Column("review_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=True),
        sa.Column("kind", sa.String(length=50), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("shows", sa.Text(), nullable=True),
        sa.Column("stance", sa.String(length=10), nullable=False),
        sa.CheckConstraint(
            "(claim_id IS NULL AND review_id IS NOT NULL)"
            " OR (claim_id IS NOT NULL AND review_id IS NULL)",
            name=op.f("ck_evidence_owner"),
        ),
        sa.CheckConstraint("stance IN ('supports', 'refutes')", name=op.f("ck_evidence_stance")),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["claims.id"],
            name=op.f("fk_evidence_claim_id_claims"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["reviews.id"],
            name=op.f("fk_evidence_review_id_reviews"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence")),
    )
    op.create_index("ix_evidence_claim_id", "evidence", ["claim_id"])
    op.create_index("ix_evidence_review_id", "evidence", ["review_id"])


def downgrade() -> None:
    textless = op.get_bind().execute(sa.text("SELECT count(*) FROM sources WHERE text IS NULL"))
    if textless.scalar():
        raise RuntimeError(
            "sources without a stored text exist: remove them before downgrading below 0006"
        )
    _textless(nullable=False)
    op.drop_table("evidence")
    op.drop_table("reviews")
    with op.batch_alter_table("claims") as batch:
        batch.drop_index("ix_claims_first_source_id")
        batch.drop_constraint(op.f("ck_claims_first_appearance"), type_="check")
        batch.drop_constraint(op.f("fk_claims_first_source_id_sources"), type_="foreignkey")
        batch.drop_column("first_url")
        batch.drop_column("first_source_id")
    _search_triggers("search_claims", "claims", "text")
