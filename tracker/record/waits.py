"""How long a writer waits for the write lock: one setting, read by the
lock (tracker.record.lock) and by each new SQLite connection (tracker.record.db)."""

from __future__ import annotations

import os

from tracker.errors import TrackerError

# How long a writer waits for another to finish: as long as a large load
# takes (a million claims: about ten minutes here), then it gives up, saying
# who holds the lock. TRACKER_LOCK_WAIT (seconds) sets it.
LOCK_WAIT_ENV = "TRACKER_LOCK_WAIT"
DEFAULT_LOCK_WAIT = 900.0


def lock_wait() -> float:
    value = os.environ.get(LOCK_WAIT_ENV, "")
    if not value:
        return DEFAULT_LOCK_WAIT
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 86_400:
        raise TrackerError(f"{LOCK_WAIT_ENV}={value[:20]!r}: give the seconds to wait, 0 to 86400")
    return seconds
