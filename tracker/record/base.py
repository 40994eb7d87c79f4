"""The declarative base every table is declared on, and what all tables share:
one constraint naming convention, the type of ids, the objects kept outside
the models."""

from __future__ import annotations

from sqlalchemy import MetaData, String
from sqlalchemy.orm import DeclarativeBase

# One naming convention, so migrations name constraints alike on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Ids and topics sort byte-wise on every backend, so listings come out in the
# same order on PostgreSQL (whatever its collation) as on SQLite.
Key = String(100).with_variant(String(100, collation="C"), "postgresql")


def is_search_object(name: str | None) -> bool:
    """Full-text search lives outside the models (migration 0003, tracker.query.search):
    its tables, triggers and indexes are all named so, for the drift checks to skip."""
    return bool(name) and str(name).startswith(("search_", "ix_search_"))


def one_of(column: str, values: tuple[str, ...]) -> str:
    """A CHECK constraint's condition: `column` holds one of `values`."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
