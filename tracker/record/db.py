"""Where the database is, how to connect to it, and making sure its schema is current.

Importing this module does not import Alembic: a database already at the
current revision is checked with one plain query (Alembic costs as much to
import as SQLAlchemy itself).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.pool import QueuePool

from tracker.errors import SchemaError, TrackerError
from tracker.record.waits import lock_wait

ENV_VAR = "TRACKER_DATABASE_URL"
# The newest migration in migrations/versions; tests check the two agree.
# Every revision this tracker's migrations know, oldest first (a test holds it
# to Alembic's history): a database at any other was written by a newer tracker.
REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009", "0010")
SCHEMA_REVISION = REVISIONS[-1]
SQLITE_BUSY_TIMEOUT_MS = 5000


def default_path() -> Path:
    """The embedded SQLite file used when neither --db nor the variable is set."""
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "tracker" / "tracker.db"


def resolve_url(value: str | None = None) -> str:
    """Turn --db, $TRACKER_DATABASE_URL or the default into a SQLAlchemy URL.

    Anything without `://` is a file path and means SQLite.
    """
    value = value or os.environ.get(ENV_VAR) or str(default_path())
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def redact(url: str) -> str:
    """The URL as it may be shown to a user: never with its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparsable database URL>"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # The driver's own transaction handling would begin lazily and commit
    # before DDL; SQLAlchemy emits BEGIN itself instead (see _sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    # Setting WAL takes the file's lock, which another tracker may hold for
    # longer than a read waits: creating the same new database, or folding the
    # WAL back in as its last connection closes. Two loads into one new file
    # then failed "database is locked" here, about one run in a hundred.
    # Wait as a writer waits.
    cursor.execute(f"PRAGMA busy_timeout = {int(lock_wait() * 1000)}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    # A writer takes the write lock when it begins, not at its first write,
    # so two loads never plan against the same state.
    immediate = connection.get_execution_options().get("tracker_write")
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def create(url: str, must_exist: bool = False) -> Engine:
    """An engine for `url`; SQLite gets foreign keys, WAL and a busy timeout.

    A SQLite file that does not exist is created (and its folder), unless
    `must_exist`: a command that only reads refuses it, since a mistyped
    path would otherwise become an empty database that matches nothing."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):  # ValueError: a malformed host or port
        raise TrackerError(f"{redact(url)} is not a database URL or file path") from None
    try:
        if parsed.get_backend_name() == "postgresql":
            # Listings are many short index probes whose estimated cost is
            # high enough for PostgreSQL to JIT-compile them: a second spent
            # compiling to save milliseconds (contested at 10k claims: 2.8 s
            # -> 1.1 s). Options in the URL come after ours, and win.
            options = " ".join(["-c jit=off", str(parsed.query.get("options", ""))]).strip()
            return create_engine(parsed.update_query_dict({"options": options}))
        if parsed.get_backend_name() != "sqlite":
            return create_engine(parsed)
        database = parsed.database
        if database and database != ":memory:":
            if must_exist and not Path(database).exists():
                raise TrackerError(
                    f"no database at {database}: check --db (or {ENV_VAR});"
                    " `tracker load` or `tracker db upgrade` creates one"
                )
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed)
    except (ImportError, NoSuchModuleError):
        hint = (
            " (pip install 'tracker[postgres]')"
            if parsed.get_backend_name() == "postgresql"
            else ""
        )
        raise TrackerError(f"no database driver for {parsed.drivername}{hint}") from None
    except OSError as exc:
        raise TrackerError(f"cannot create the folder for {database}: {exc.strerror}") from None
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_reader_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA query_only = ON")
    cursor.close()


READER_POOL = 20  # SQLite connections a read-only engine keeps open


def create_reader(url: str) -> Engine:
    """An engine that cannot write, for a server's readers: a SQLite file
    opened read-only (it must exist: nothing is created), PostgreSQL in
    read-only transactions (`BEGIN READ ONLY`)."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise TrackerError(f"{redact(url)} is not a database URL or file path") from None
    if parsed.get_backend_name() != "sqlite":
        return create(url).execution_options(postgresql_readonly=True)
    import sqlite3
    from urllib.parse import quote

    database = parsed.database
    if not database or database == ":memory:":
        raise TrackerError("a read-only server needs a database file, not an in-memory one")
    path = Path(database).resolve()
    if not path.is_file():
        raise TrackerError(f"no database at {path}: load one first (tracker load seeds/)")
    uri = f"file:{quote(str(path))}?mode=ro"
    engine = create_engine(
        "sqlite://",
        # Connections move between a server's worker threads, one at a time.
        creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False),
        # A pool as a file's engine has: "sqlite://" alone would get one
        # connection per thread, five kept, the others closed while in use.
        # Twenty kept, for a server's concurrent readers: past the pool's size
        # each request opened and closed its own, and under 16 clients the
        # server's memory grew for ten minutes (benchmarks/load.py; flat with 20).
        poolclass=QueuePool,
        pool_size=READER_POOL,
    )
    event.listen(engine, "connect", _sqlite_reader_pragmas)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def current_revision(engine: Engine) -> str | None:
    """The Alembic revision stamped in the database, or None when unstamped."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def refuse_foreign(engine: Engine) -> None:
    """Refuse a database that has tables but no tracker revision: it belongs
    to something else, and tracker must not add its tables to it."""
    if current_revision(engine) is not None:
        return
    with engine.connect() as connection:
        tables = inspect(connection).get_table_names()
    if tables:
        raise SchemaError(
            f"database {redact(engine.url.render_as_string(hide_password=False))} has tables"
            " but no tracker schema revision; point --db at a tracker database or an empty one"
        )


def ensure_schema(engine: Engine) -> None:
    """Upgrade an empty database; refuse one at another revision.

    An older schema is not upgraded silently: `tracker db upgrade` is a
    deliberate step a user may want to take after a backup.
    """
    revision = current_revision(engine)
    if revision == SCHEMA_REVISION:
        return
    if revision is None:
        refuse_foreign(engine)
        from tracker.record import migrate  # Alembic only when there is work for it

        migrate.upgrade(engine)
        return
    refuse_newer(revision)
    raise SchemaError(
        f"database schema is at revision {revision}, this tracker needs {SCHEMA_REVISION};"
        " run `tracker db upgrade`"
    )


def refuse_newer(revision: str | None) -> None:
    """A revision this tracker does not know was written by a newer one: no
    migration of ours can read it, and none may touch it."""
    if revision is not None and revision not in REVISIONS:
        raise SchemaError(
            f"database schema is at revision {revision!r}, which this tracker does not know"
            f" (it knows {REVISIONS[0]} to {SCHEMA_REVISION}): a newer tracker wrote it; use"
            " that one, or upgrade this one (pip install -U tracker)"
        )


def open_database(url: str | None = None) -> Engine:
    """Resolve, connect and make sure the schema is current: what every command needs."""
    engine = create(resolve_url(url))
    ensure_schema(engine)
    return engine


def backup(engine: Engine, revision: str) -> Path | None:
    """Copy a SQLite database before a migration rewrites it, beside the file
    and named for its revision: SQLite's online backup, consistent under WAL
    and other readers. Other backends have their own tools (pg_dump): None."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    import datetime as dt
    import sqlite3

    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    target = Path(f"{database}.{revision}-{stamp}.bak")
    with sqlite3.connect(database) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    source.close()
    copy.close()
    return target
