"""One writer at a time: transactions that hold the database's write lock.

Kept apart from tracker.record.db so that the migrations (tracker.record.migrate),
which db starts on an empty database, need nothing of db in return.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext, suppress
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from tracker.errors import SchemaError, TrackerError
from tracker.record import changelog
from tracker.record.changelog import ChangeContext
from tracker.record.waits import LOCK_WAIT_ENV, lock_wait

# Any number: the key of the PostgreSQL advisory lock that serialises writers.
WRITE_LOCK_KEY = 0x7472_6163  # "trac"

_FIRST_TRY_MS = 200


def _waiting(where: str, holder: str, seconds: float) -> None:
    sys.stderr.write(f"Waiting up to {seconds:.0f} s for the write lock on {where}: {holder}\n")
    sys.stderr.flush()


def _locked(where: str, holder: str, seconds: float) -> TrackerError:
    return TrackerError(
        f"{where} is still locked for writing after {seconds:.0f} s: {holder}; nothing was"
        f" changed (wait longer with {LOCK_WAIT_ENV}=SECONDS)"
    )


# -- SQLite: the lock is the file's; who holds it is written beside it ---------------


def _holder_file(connection: Connection) -> Path | None:
    database = connection.engine.url.database
    return Path(f"{database}.writer") if database and database != ":memory:" else None


def _sqlite_holder(connection: Connection) -> str:
    path = _holder_file(connection)
    try:
        said = path.read_text(encoding="utf-8").strip() if path else ""
    except OSError:
        said = ""
    return f"held by {said}" if said else "held by another program (not a tracker, or an older one)"


def _is_locked(exc: OperationalError) -> bool:
    return "locked" in str(exc.orig) or "busy" in str(exc.orig)


def _begin_waiting(connection: Connection, raw: Any) -> Any:
    """BEGIN IMMEDIATE, waiting up to lock_wait() for another writer (said
    once on stderr), then failing with who holds the lock."""
    where = connection.engine.url.database or "the database"
    usual = raw.execute("PRAGMA busy_timeout").fetchone()[0]
    raw.execute(f"PRAGMA busy_timeout = {_FIRST_TRY_MS}")
    try:
        try:
            return connection.begin()
        except OperationalError as exc:
            if not _is_locked(exc):
                raise
        if connection.in_transaction():  # a failed BEGIN leaves none; be sure
            connection.rollback()
        seconds = lock_wait()
        _waiting(where, _sqlite_holder(connection), seconds)
        raw.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")
        try:
            return connection.begin()
        except OperationalError as exc:
            if not _is_locked(exc):
                raise
            raise _locked(where, _sqlite_holder(connection), seconds) from None
    finally:
        raw.execute(f"PRAGMA busy_timeout = {usual}")


@contextmanager
def _sqlite_holding(connection: Connection) -> Iterator[None]:
    """Say who holds the write lock while it is held, for writers who wait."""
    path = _holder_file(connection)
    if path is not None:
        since = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        command = " ".join(["tracker", *sys.argv[1:]])[:200]
        with suppress(OSError):  # a read-only folder: the lock still works
            path.write_text(
                f"pid {os.getpid()} on {socket.gethostname()} since {since} ({command})",
                encoding="utf-8",
                errors="backslashreplace",  # an argument not in UTF-8: a file name
            )
    try:
        yield
    finally:
        if path is not None:
            with suppress(OSError):
                path.unlink()


# -- PostgreSQL: an advisory lock; the server says who holds it ----------------------

_PG_HOLDER = text(
    """SELECT a.pid, a.application_name, a.client_addr, a.xact_start
    FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
    WHERE l.locktype = 'advisory' AND l.granted AND l.classid = :key
      AND l.objid = hashtext(current_schema())::oid AND l.objsubid = 2"""
)


def _pg_holder(engine: Engine) -> str:
    try:
        with engine.connect() as connection:
            row = connection.execute(_PG_HOLDER, {"key": WRITE_LOCK_KEY}).first()
    except OperationalError:
        row = None
    if row is None:
        return "held by a session that has since ended"
    pid, application, address, start = row
    since = f" since {start:%Y-%m-%d %H:%M:%S %Z}" if start else ""
    client = f" ({application or 'no application name'} from {address or 'a local socket'})"
    return f"held by server process {pid}{client}{since}"


def _pg_lock(connection: Connection) -> None:
    key = {"key": WRITE_LOCK_KEY}
    # Per schema: trackers in other schemas need not wait.
    got = connection.execute(
        text("SELECT pg_try_advisory_xact_lock(:key, hashtext(current_schema()))"), key
    ).scalar()
    if got:
        return
    where = f"schema {connection.execute(text('SELECT current_schema()')).scalar()}"
    seconds = lock_wait()
    _waiting(where, _pg_holder(connection.engine), seconds)
    connection.execute(text(f"SET LOCAL lock_timeout = {int(seconds * 1000)}"))
    try:
        connection.execute(
            text("SELECT pg_advisory_xact_lock(:key, hashtext(current_schema()))"), key
        )
    except OperationalError as exc:
        if getattr(exc.orig, "sqlstate", None) != "55P03":  # lock_not_available
            raise
        raise _locked(where, _pg_holder(connection.engine), seconds) from None
    connection.execute(text("SET LOCAL lock_timeout = 0"))


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
            begun = _begin_waiting(connection, raw) if sqlite else connection.begin()
            with begun, _sqlite_holding(connection) if sqlite else nullcontext():
                if connection.dialect.name == "postgresql":
                    _pg_lock(connection)
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
def transaction(engine: Engine, context: ChangeContext | None = None) -> Iterator[Session]:
    """A session whose work is committed together or not at all, under the
    write lock: one change in the log, made by `context` (by default, this
    process's user and command line; see tracker.record.changelog)."""
    context = context or ChangeContext.default()
    with write_connection(engine) as connection, Session(bind=connection) as session:
        try:
            change = changelog.begin(connection, context)
            yield session
            session.flush()
            changelog.finish(connection, change)
        finally:
            changelog.discard(connection)
