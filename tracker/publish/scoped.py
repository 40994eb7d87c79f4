"""A scope of the record published on its own: the export's scope (the claims
a filter picks, the claims related to them, every source and actor they
need) copied into a temporary database, which the site is then made from.
A page can show nothing the scope leaves out, because nothing else is there."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tracker.exchange.document import to_dataset
from tracker.ingest.load import load_dataset
from tracker.ingest.states import LoadReport
from tracker.record import db, lock


@contextmanager
def copy_of(doc: dict[str, Any]) -> Iterator[str]:
    """The URL of a temporary SQLite database holding the export document
    `doc` and nothing else; removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="tracker-publish-") as folder:
        url = f"sqlite:///{Path(folder) / 'scope.db'}"
        engine = db.create(url)
        try:
            db.ensure_schema(engine)
            with lock.transaction(engine) as session:
                load_dataset(session, to_dataset(doc, "the scope"), LoadReport(files=[]))
        finally:
            engine.dispose()
        yield url
