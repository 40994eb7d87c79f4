"""Work over many items cut into batches one statement can take: the one
batching helper, sized to the backend (as sqlite-utils sizes its chunks by
SQLite's variable limit over the columns each row binds)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TypeVar

T = TypeVar("T")

# Bound parameters one statement may carry: SQLite's SQLITE_MAX_VARIABLE_NUMBER
# (32,766 since 3.32), PostgreSQL's wire protocol (a 16-bit count); another
# backend gets SQLite's old default, 999.
MAX_PARAMETERS = {"sqlite": 32_766, "postgresql": 65_535}
# Items a statement takes at most, whatever the backend allows: memory holds a
# batch, and a batch's statements cost little beside its rows.
BATCH = 1000


def batch_size(dialect: str | None = None, per_item: int = 1) -> int:
    """Items of `per_item` bound parameters each that one statement on
    backend `dialect` takes: BATCH, or fewer where the backend's bound says so."""
    return max(1, min(BATCH, MAX_PARAMETERS.get(dialect or "", 999) // per_item))


def batches(items: Iterable[T], size: int | None = None) -> Iterator[list[T]]:
    """`items` in lists of `size` (default BATCH, read when called), the last shorter."""
    it = iter(items)
    while batch := list(islice(it, size or BATCH)):
        yield batch
