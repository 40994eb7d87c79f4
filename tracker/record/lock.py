"""One writer at a time: transactions that hold the database's write lock.

Kept apart from tracker.record.db so that the migrations (tracker.record.migrate),
which db starts on an empty database, need nothing of db in return.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session

from tracker.errors import SchemaError

# Any number: the key of the PostgreSQL advisory lock that serialises writers.
WRITE_LOCK_KEY = 0x7472_6163  # "trac"


@contextmanager
def write_connection(engine: Engine, rebuilding: bool = False) -> Iterator[Connection]:
    """A transaction that holds the database's write lock from its start:
    one writer at a time, so concurrent loads and first-use migrations
    queue instead of colliding.

    `rebuilding` (migrations): SQLite rebuilds a table to alter it, which
    its foreign keys would forbid; they are off for the transaction (the
    pragma only works outside one) and every reference is checked before
    the commit.
    """
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        raw: Any = connection.connection.driver_connection
        if rebuilding and sqlite:
            raw.execute("PRAGMA foreign_keys = OFF")
        try:
            connection.execution_options(tracker_write=True)
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    # Per schema: trackers in other schemas need not wait.
                    connection.execute(
                        text("SELECT pg_advisory_xact_lock(:key, hashtext(current_schema()))"),
                        {"key": WRITE_LOCK_KEY},
                    )
                yield connection
                if rebuilding and sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise SchemaError(
                            f"the migration would leave {len(broken)} broken reference(s),"
                            f" first in table {broken[0][0]}; nothing was changed"
                        )
        finally:
            if rebuilding and sqlite:
                raw.execute("PRAGMA foreign_keys = ON")


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session whose work is committed together or not at all, under the write lock."""
    with write_connection(engine) as connection, Session(bind=connection) as session:
        yield session
        session.flush()
