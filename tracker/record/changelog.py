"""Each write is one change: who made it, when, with what command.

`tracker.record.lock.transaction` opens a change when a write begins and
closes it as the write ends, in the write's own transaction: a refused or
killed write rolls its change back with it, and a write that changed no row
leaves no change behind. The rows themselves are logged by the database's
triggers (tracker.record.changes); this module says whose write it is.

The command line fills the context from `--as`, TRACKER_USER or the
operating-system user and the arguments it was given; any other caller (a
script, a web application with a signed-in user) passes its own.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import shlex
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.orm import Session

from tracker.errors import TrackerError
from tracker.record.changes import Change, ChangeRow, OpenChange
from tracker.record.scrub import scrub_urls

USER_ENV = "TRACKER_USER"
NAME_LENGTH = 200  # changes.made_by
# A command is kept whole up to this many characters (a claim's text given
# with --text fits many times over); past it, cut, and said so.
COMMAND_LENGTH = 20_000
_INFO = "tracker.change"


def who(given: str | None = None) -> str:
    """Who writes: `given` (--as), else $TRACKER_USER, else the operating-system user."""
    name = given if given is not None else os.environ.get(USER_ENV) or _os_user()
    name = name.strip()
    origin = "--as" if given is not None else USER_ENV if os.environ.get(USER_ENV) else "user"
    if not name:
        raise TrackerError(f"{origin}: give the name of who makes the change")
    if len(name) > NAME_LENGTH or any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise TrackerError(
            f"{origin}: a name of at most {NAME_LENGTH} characters, with no control characters"
        )
    return name


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        return f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown"


def command_line(args: Sequence[str], program: str = "tracker") -> str:
    """The command as given, as a shell would take it, with URLs' passwords
    scrubbed; a byte that was not UTF-8 (a file named in Latin-1) is written
    as its escape, since no database stores the lone surrogate Python reads."""
    words = [os.fsencode(a).decode("utf-8", "backslashreplace") for a in [program, *args]]
    line = scrub_urls(shlex.join(words))
    if len(line) > COMMAND_LENGTH:
        line = line[:COMMAND_LENGTH] + f" … ({len(line) - COMMAND_LENGTH:,} characters more)"
    return line


@dataclass(frozen=True)
class ChangeContext:
    """Whose write it is and what was asked: stored with the change."""

    by: str
    command: str
    # A typo-level fix: logged, never shown among a claim's corrections.
    silent: bool = False

    @classmethod
    def default(cls, command: str | None = None, by: str | None = None) -> ChangeContext:
        """For callers that say nothing: this process's user and arguments."""
        return cls(who(by), command or command_line(sys.argv[1:], program=_program()))


def _program() -> str:
    return os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "python"


@dataclass
class OpenedChange:
    """The change a write is making, while it makes it."""

    id: int
    context: ChangeContext
    # The last change row's id before this write: its own come after.
    rows_after: int
    capture: str = "full"
    notes: list[str] = field(default_factory=list)
    files: list[dict[str, Any]] | None = None
    undoes: int | None = None


def _last_row(connection: Connection) -> int:
    return int(connection.execute(select(func.max(ChangeRow.id))).scalar() or 0)


def begin(connection: Connection, context: ChangeContext) -> OpenedChange:
    """Open a change in `connection`'s write transaction (which holds the write
    lock, so the next id is this write's alone)."""
    last = connection.execute(select(func.max(Change.id))).scalar()
    opened = OpenedChange(int(last or 0) + 1, context, _last_row(connection))
    connection.execute(insert(OpenChange).values(change_id=opened.id, capture=opened.capture))
    connection.info[_INFO] = opened
    return opened


def finish(connection: Connection, opened: OpenedChange) -> int | None:
    """Close the change: written if the write logged any row; its id, or None."""
    connection.execute(delete(OpenChange))
    last = _last_row(connection)
    if last <= opened.rows_after:
        return None
    connection.execute(
        insert(Change).values(
            id=opened.id,
            made_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
            made_by=opened.context.by,
            command=opened.context.command,
            capture=opened.capture,
            silent=opened.context.silent,
            undoes=opened.undoes,
            note="\n".join(opened.notes) or None,
            files=json.dumps(opened.files, ensure_ascii=False) if opened.files else None,
            first_row=opened.rows_after + 1,
            last_row=last,
        )
    )
    return opened.id


def discard(connection: Connection) -> None:
    """Forget the open change (its transaction is rolled back)."""
    connection.info.pop(_INFO, None)


def opened(session: Session) -> OpenedChange | None:
    """The change `session`'s write is making, if it is a tracker write."""
    found = session.connection().info.get(_INFO)
    return found if isinstance(found, OpenedChange) else None


def note(session: Session, text: str) -> None:
    """Keep `text` (said to the user) with the change."""
    change = opened(session)
    if change is not None and text not in change.notes:
        change.notes.append(text)


def compact(session: Session) -> None:
    """Log the rows this write inserts by their keys only (a load's bulk)."""
    change = opened(session)
    if change is None or change.capture == "compact":
        return
    change.capture = "compact"
    session.execute(update(OpenChange).values(capture="compact"))


def data_files(session: Session, files: list[dict[str, Any]]) -> None:
    """Record the data files this write read (path, digest, size)."""
    change = opened(session)
    if change is not None:
        change.files = files
