"""`tracker db check`: is the stored record still what tracker wrote?

Beyond what the database enforces as rows are written: the file's own
integrity (SQLite), every reference resolving (a database copied with its
foreign keys off, or altered by another tool, may hold orphans), every quote
still the characters at its offsets in its source's stored text, and the
derived tables (normalised names, sides) what the code would rebuild.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, and_, case, func, select, text
from sqlalchemy.exc import OperationalError

from tracker.record import sides
from tracker.record.models import ActorSide, Alias, Appearance, Base, Claim, Claimant, Source
from tracker.record.names import normalize

_SHOWN = 10  # faults named per check; the rest are counted


@dataclass(frozen=True)
class Fault:
    check: str  # integrity, references, quotes, derived
    where: str  # the table and row, or the file
    detail: str


def check(engine: Engine) -> Iterator[Fault]:
    """Every fault found, check by check (each reads the database once)."""
    with engine.connect() as connection:
        yield from _integrity(connection)
        yield from _references(connection)
        yield from _quotes(connection)
        yield from _claims(connection)
        yield from _derived(connection)


CHECKS = {
    "integrity": "the database's own structures (SQLite: integrity_check; PostgreSQL: indexes"
    " left invalid, constraints not validated)",
    "references": "every foreign key names an existing row",
    "quotes": "every quote, with its prefix and suffix, is found at its offsets in its source",
    "claims": "every claim has a claimant and an appearance (where it was reported)",
    "derived": "normalised names and actor sides are what the data gives",
}


def _integrity(connection: Connection) -> Iterator[Fault]:
    if connection.dialect.name == "sqlite":
        for (line,) in connection.exec_driver_sql("PRAGMA integrity_check").all()[:_SHOWN]:
            if line != "ok":
                yield Fault("integrity", str(connection.engine.url.database), line)
        return
    # PostgreSQL checks its pages itself; what it can leave behind is an index
    # a failed CREATE INDEX CONCURRENTLY left invalid, or a constraint added
    # NOT VALID and never validated (its rows were never checked).
    tables = [t.name for t in Base.metadata.sorted_tables]
    invalid = text(
        """SELECT t.relname, i.relname FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
        WHERE t.relnamespace = current_schema()::regnamespace AND t.relname = ANY(:t)
          AND NOT (x.indisvalid AND x.indisready)"""
    )
    for table, index in connection.execute(invalid, {"t": tables}):
        yield Fault("integrity", table, f"index {index} is invalid: REINDEX it")
    unvalidated = text(
        """SELECT t.relname, c.conname FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
        WHERE t.relnamespace = current_schema()::regnamespace AND t.relname = ANY(:t)
          AND NOT c.convalidated"""
    )
    for table, name in connection.execute(unvalidated, {"t": tables}):
        yield Fault("integrity", table, f"constraint {name} was never validated")


def _references(connection: Connection) -> Iterator[Fault]:
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_key_constraints:
            parent = fk.referred_table.alias("parent")
            pairs = [(e.parent, parent.c[e.column.name]) for e in fk.elements]
            orphans = (
                select(*(child for child, _ in pairs))
                .select_from(table.outerjoin(parent, and_(*(c == p for c, p in pairs))))
                .where(
                    and_(*(child.is_not(None) for child, _ in pairs)),
                    pairs[0][1].is_(None),
                )
            )
            count = connection.scalar(select(func.count()).select_from(orphans.subquery()))
            if count:
                columns = ", ".join(c.name for c, _ in pairs)
                yield Fault(
                    "references",
                    table.name,
                    f"{count} row(s) whose {columns} name no row of {fk.referred_table.name}",
                )


def _quotes(connection: Connection) -> Iterator[Fault]:
    a, s = Appearance, Source
    start, context = a.start_offset, Appearance.PREFIX_LENGTH
    prefix_from = case((start > context, start - context), else_=0)
    # substr counts characters from 1 on both backends, as Python slices do from 0.
    wrong = (
        select(a.id, s.key, a.start_offset, a.end_offset)
        .join(s, s.id == a.source_id)
        .where(
            (func.substr(s.text, start + 1, a.end_offset - start) != a.quote)
            | (func.substr(s.text, prefix_from + 1, start - prefix_from) != a.prefix)
            | (func.substr(s.text, a.end_offset + 1, context) != a.suffix)
            | (func.length(s.text) != s.text_length)
            # Nothing quoted in a source whose text is stored.
            | (a.quote.is_(None) & s.text.is_not(None))
        )
        .order_by(a.id)
    )
    for appearance_id, source, begin, end in connection.execute(wrong.limit(_SHOWN)):
        yield Fault(
            "quotes",
            f"appearance {appearance_id}",
            f"its quote is not the text of source {source} at {begin}-{end}",
        )


def _claims(connection: Connection) -> Iterator[Fault]:
    """What every way in now refuses, and an older import let in."""
    for child, lacks in ((Claimant, "no claimant"), (Appearance, "no appearance")):
        bare = (
            select(Claim.key)
            .where(~select(child.claim_id).where(child.claim_id == Claim.id).exists())
            .order_by(Claim.key)
        )
        count = connection.scalar(select(func.count()).select_from(bare.subquery()))
        for (key,) in connection.execute(bare.limit(_SHOWN)):
            yield Fault("claims", f"claim {key}", f"has {lacks}")
        if count and count > _SHOWN:
            yield Fault("claims", "claims", f"{count - _SHOWN} more with {lacks}")


def _derived(connection: Connection) -> Iterator[Fault]:
    wrong = [
        (alias, stored)
        for alias, stored in connection.execute(select(Alias.alias, Alias.normalized))
        if normalize(alias) != stored
    ]
    for alias, stored in wrong[:_SHOWN]:
        yield Fault("derived", "aliases", f"{alias!r} is stored as {stored!r}")
    stored_sides = sorted(connection.execute(select(ActorSide.actor_id, ActorSide.side_id)).all())
    # Rebuilt inside the check's own transaction, then rolled back: a check
    # writes nothing (on a file it may not write, sides are not checked).
    try:
        sides.rebuild(connection)
        rebuilt = sorted(connection.execute(select(ActorSide.actor_id, ActorSide.side_id)).all())
    except OperationalError:
        return
    finally:
        connection.rollback()
    if stored_sides != rebuilt:
        yield Fault(
            "derived",
            "actor_sides",
            f"{len(set(stored_sides) ^ set(rebuilt))} side row(s) differ from the roles",
        )
