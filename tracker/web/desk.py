"""The database a server reads and writes: readers can never write.

Readers get an engine that cannot write (tracker.record.db.create_reader:
SQLite opened read-only, PostgreSQL in read-only transactions), whether or
not the server is --read-only; a writer engine exists only when it is not.
Writes run as the CLI's do, one transaction under the write lock, with the
name of the person who made them at hand for the change log.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tracker.errors import SchemaError, TrackerError
from tracker.record import db, lock
from tracker.record.changelog import ChangeContext


class ReadOnly(TrackerError):
    """A write asked of a server started with --read-only."""


@dataclass
class Desk:
    url: str
    read_only: bool
    reader: Engine
    writer: Engine | None
    # A page the add-source form names by address is fetched from private,
    # loopback and link-local addresses too (`tracker serve --allow-private-fetch`).
    allow_private_fetch: bool = False

    @classmethod
    def open(cls, url: str | None, read_only: bool) -> Desk:
        """The database at `url` (as --db takes it). A writable server
        creates or checks the schema as every command does; a read-only one
        needs a database at this tracker's revision, and changes nothing."""
        resolved = db.resolve_url(url)
        writer = None
        if not read_only:
            writer = db.create(resolved)
            db.ensure_schema(writer)
        reader = db.create_reader(resolved)
        revision = db.current_revision(reader)
        if revision != db.SCHEMA_REVISION:
            reader.dispose()
            if writer is not None:
                writer.dispose()
            db.refuse_newer(revision)
            raise SchemaError(
                f"database schema is at revision {revision or 'none (empty)'}, this tracker"
                f" needs {db.SCHEMA_REVISION}; run `tracker db upgrade` (a read-only server"
                " changes nothing)"
            )
        return cls(resolved, read_only, reader, writer)

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with Session(self.reader) as session:
            yield session

    @contextmanager
    def writing(self, who: str, command: str, silent: bool = False) -> Iterator[Session]:
        """One transaction under the write lock, one change in the log: made by
        `who` (the signed-in user), described by `command` (the form's action,
        as a command line would name it); `silent`: a typo-level fix."""
        if self.writer is None:
            raise ReadOnly("this server is read-only: nothing can be changed here")
        with lock.transaction(self.writer, ChangeContext(who, command, silent)) as session:
            yield session

    def close(self) -> None:
        self.reader.dispose()
        if self.writer is not None:
            self.writer.dispose()


def local_user() -> str:
    """Who writes on a server nobody signs in to (127.0.0.1, no users): the
    operating-system user, as the command line names its writers."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        return "local"
