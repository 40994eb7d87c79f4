"""The `claim_status` view: each claim's derived status and counts, for SQL users.

psql and Datasette read tables, not tracker's Python: the view gives them the
status every listing shows, computed by the rules of tracker.record.status
compiled to SQL, so that the rules stay written once. A migration creates the
view from this SQL as it was when the migration was written (a migration
never changes afterwards); `tests/test_sql_access.py` holds the two to each
other, so that a change of the rules comes with a migration that replaces
the view, and holds the view's answers to the listings'.

Columns:

- `claim_id`: the claim's row id (`claims.id`), `key`: its id as the
  command line shows it (`claims.key`);
- `status`: contested, corroborated, uncontested or retracted;
- `sources`: distinct sources it appears in; `appearances`: its quotes;
- `countered_by`: contests it is the target of (another side's standing
  claim denies, disputes or undercuts it); `counters`: contests it makes;
- `reviews`: fact-checkers' verdicts recorded on it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Label, Select, func, select
from sqlalchemy.dialects.postgresql.base import PGDialect
from sqlalchemy.dialects.sqlite.base import SQLiteDialect
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import aliased

from tracker.record.models import Appearance, Claim, Relation, Review
from tracker.record.status import contest, status_expression

NAME = "claim_status"
COLUMNS = (
    "claim_id",
    "key",
    "status",
    "sources",
    "appearances",
    "countered_by",
    "counters",
    "reviews",
)
_DIALECTS: dict[str, Dialect] = {
    "sqlite": SQLiteDialect(),
    "postgresql": PGDialect(),  # type: ignore[no-untyped-call]  # untyped in SQLAlchemy
}


def _count(name: str, rows: Any, *conditions: ColumnElement[bool]) -> Label[int]:
    """A column: how many `rows` of the claim meet `conditions`."""
    return select(func.count()).select_from(rows).where(*conditions).scalar_subquery().label(name)


def query() -> Select[tuple[int, str, str, int, int, int, int, int]]:
    """The view's SELECT: one row per claim."""
    incoming, outgoing = aliased(Relation), aliased(Relation)
    return select(
        Claim.id.label("claim_id"),
        Claim.key.label("key"),
        status_expression().label("status"),
        select(func.count(func.distinct(Appearance.source_id)))
        .where(Appearance.claim_id == Claim.id)
        .scalar_subquery()
        .label("sources"),
        _count("appearances", Appearance, Appearance.claim_id == Claim.id),
        _count("countered_by", incoming, incoming.to_claim_id == Claim.id, contest(incoming)),
        _count("counters", outgoing, outgoing.from_claim_id == Claim.id, contest(outgoing)),
        _count("reviews", Review, Review.claim_id == Claim.id),
    )


def view_sql(dialect: str) -> str:
    """The view's SELECT as `dialect` ("sqlite" or "postgresql") runs it,
    every value written out: what a migration freezes."""
    compiled = str(
        query().compile(dialect=_DIALECTS[dialect], compile_kwargs={"literal_binds": True})
    )
    # SQLite has no OFFSET without a LIMIT, and its compiler writes the
    # "no limit" it adds as a parameter even with literal binds.
    compiled = compiled.replace("LIMIT ? OFFSET", "LIMIT -1 OFFSET")
    if "?" in compiled or "%(" in compiled:
        raise ValueError("the view's SQL kept a parameter")
    return " ".join(compiled.split())
