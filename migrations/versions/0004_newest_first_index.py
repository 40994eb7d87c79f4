"""newest-first index for listings on PostgreSQL

Revision ID: 0004
Revises: 0003

Listings are ordered `stated_on DESC NULLS LAST, key`. PostgreSQL reads that
order from an index only if one is declared so (a backward scan of
ix_claims_stated_on yields NULLs first); without it, `--limit 50` sorted the
whole archive. SQLite reads ix_claims_stated_on backwards with NULLs last and
cannot declare NULLS LAST in an index: nothing changes there.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            "ix_claims_newest_first", "claims", [sa.text("stated_on DESC NULLS LAST"), "key"]
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_claims_newest_first", table_name="claims")
