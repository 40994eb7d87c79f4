"""actor sides: each actor and the organizations it belongs to, for the status rules

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copy of tracker.record.sides.REBUILD as of this revision: filling the new
# table must not depend on code that later revisions may change.
FILL = """
    WITH RECURSIVE up(actor_id, side_id, from_on, until_on) AS (
        SELECT id, id, CAST(NULL AS DATE), CAST(NULL AS DATE) FROM actors
        UNION
        SELECT up.actor_id, roles.organization_id,
               CASE WHEN up.from_on IS NULL THEN roles.start_on
                    WHEN roles.start_on IS NULL OR roles.start_on < up.from_on THEN up.from_on
                    ELSE roles.start_on END,
               CASE WHEN up.until_on IS NULL THEN roles.end_on
                    WHEN roles.end_on IS NULL OR roles.end_on > up.until_on THEN up.until_on
                    ELSE roles.end_on END
        FROM up JOIN roles ON roles.actor_id = up.side_id
    )
    INSERT INTO actor_sides (actor_id, side_id, from_on, until_on)
    SELECT DISTINCT actor_id, side_id, from_on, until_on FROM up
    WHERE from_on IS NULL OR until_on IS NULL OR from_on <= until_on
"""


def upgrade() -> None:
    op.create_table(
        "actor_sides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("side_id", sa.Integer(), nullable=False),
        sa.Column("from_on", sa.Date(), nullable=True),
        sa.Column("until_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "from_on IS NULL OR until_on IS NULL OR from_on <= until_on",
            name=op.f("ck_actor_sides_period"),
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["actors.id"],
            name=op.f("fk_actor_sides_actor_id_actors"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["side_id"],
            ["actors.id"],
            name=op.f("fk_actor_sides_side_id_actors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actor_sides")),
    )
    with op.batch_alter_table("actor_sides", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_actor_sides_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index("ix_actor_sides_side_id", ["side_id"], unique=False)
    op.execute(FILL)


def downgrade() -> None:
    with op.batch_alter_table("actor_sides", schema=None) as batch_op:
        batch_op.drop_index("ix_actor_sides_side_id")
        batch_op.drop_index(batch_op.f("ix_actor_sides_actor_id"))
    op.drop_table("actor_sides")
