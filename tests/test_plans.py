"""Query plans, not timings: on a generated archive, what a listing asks of the
database is answered through indexes. A `--limit 50` listing walks the claims
in index order and stops; everything else (the claims of an actor, a topic, a
source; each batch's children; status and contests) is looked up, never
read whole from claims, appearances or relations."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session

from tracker.query import queries
from tracker.query.queries import ClaimFilter
from tracker.query.search import search
from tracker.record.models import Actor, Claim, Claimant, Source, Topic

BIG = ("claims", "appearances", "relations")


@contextmanager
def statements(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    found: list[tuple[str, Any]] = []

    def record(_c: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement != "BEGIN" and not statement.startswith(("EXPLAIN", "SET")):
            found.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield found
    finally:
        event.remove(engine, "before_cursor_execute", record)


def full_scans(session: Session, statement: str, parameters: Any) -> list[str]:
    """The plan's steps that read one of the BIG tables whole."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        plan = [
            row[3]
            for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
        ]
        limited = re.search(r"\bLIMIT\b", statement) is not None
        bad = []
        for step in plan:
            scan = re.match(r"SCAN (\w+)(?: AS \w+)?( USING (?:COVERING )?INDEX (\w+))?", step)
            # Walking the claims in the listing's order, up to its LIMIT, is no scan.
            walk = limited and scan is not None and scan[3] == "ix_claims_stated_on"
            if scan and scan[1] in BIG and not walk:
                bad.append(step)
        return bad
    # PostgreSQL: a small test archive makes reading a table whole the
    # cheapest plan; with sequential scans and hash and merge joins priced
    # out (the plans a large archive gets: nested loops through indexes), a
    # read of a whole table that remains has no index to replace it, and an
    # index read with no condition reads it all.
    for setting in ("enable_seqscan", "enable_hashjoin", "enable_mergejoin"):
        connection.exec_driver_sql(f"SET LOCAL {setting} = off")
    (plan,) = connection.exec_driver_sql(
        "EXPLAIN (FORMAT JSON) " + statement, parameters
    ).scalar_one()
    bad: list[str] = []

    def walk(node: dict[str, Any], limited: bool) -> None:
        limited = limited or node["Node Type"] == "Limit"
        if node.get("Relation Name") in BIG:
            kind = node["Node Type"]
            walk_in_order = limited and node.get("Index Name") == "ix_claims_newest_first"
            if kind == "Seq Scan" or (
                kind in ("Index Scan", "Index Only Scan")
                and "Index Cond" not in node
                and not walk_in_order
            ):
                bad.append(f"{kind} on {node['Relation Name']} {node.get('Index Name', '')}")
        for child in node.get("Plans", []):
            walk(child, limited)

    walk(plan["Plan"], False)
    return bad


def cases(session: Session) -> dict[str, Callable[[Session], object]]:
    """What each command asks, as a function of the session to ask it in."""
    busiest = session.scalars(
        select(Actor)
        .join(Claimant, Claimant.actor_id == Actor.id)
        .group_by(Actor.id)
        .order_by(func.count().desc(), Actor.id)
    ).first()
    rarest = session.scalars(
        select(Actor)
        .join(Claimant, Claimant.actor_id == Actor.id)
        .group_by(Actor.id)
        .order_by(func.count(), Actor.id)
    ).first()
    topic = session.scalar(select(Topic.topic).order_by(Topic.topic).limit(1))
    source = session.scalar(select(Source.key).order_by(Source.key).limit(1))
    claim = session.scalar(select(Claim.key).order_by(Claim.key).limit(1))
    assert busiest and rarest and topic and source and claim

    def listing(**filters: Any) -> Callable[[Session], object]:
        return lambda s: list(queries.iter_claims(s, ClaimFilter(limit=50, **filters)))

    return {
        "claims --limit 50": listing(),
        "contested --limit 50": listing(challenged=True),
        "claims --status uncontested --limit 50": listing(status="uncontested"),
        "claims --actor (busiest)": listing(actor_ids={busiest.id}),
        "claims --actor (rarest)": listing(actor_ids={rarest.id}),
        "contested --actor (rarest)": listing(actor_ids={rarest.id}, challenged=True),
        "claims --topic": listing(topic=topic),
        "claims --source": listing(source=source),
        "claims --since": listing(since=dt.date(2024, 1, 1)),
        "by-actor": lambda s: [
            (list(r.claims), list(r.counters))
            for r in [queries.actor_record(s, s.get_one(Actor, rarest.id), stream=True)]
        ],
        "show": lambda s: queries.claim(s, claim),
        "search": lambda s: search(s, "denies OR grain", ("claims", "quotes"), 50),
    }


def test_no_listing_reads_a_large_table_whole(generated: Engine) -> None:
    with Session(generated) as session:
        checks = cases(session)
    problems: dict[str, list[str]] = {}
    for name, run in checks.items():
        with Session(generated) as session, statements(generated) as found:
            run(session)
            assert found, name
            for statement, parameters in found:
                bad = full_scans(session, statement, parameters)
                if bad:
                    problems.setdefault(name, []).extend(bad)
    assert problems == {}


def test_the_check_sees_a_full_scan(generated: Engine) -> None:
    """The detector itself: a query with no index to use is caught."""
    with Session(generated) as session, statements(generated) as found:
        session.execute(select(Claim.id).where(func.lower(Claim.text) == "x")).all()
        ((statement, parameters),) = found
        assert full_scans(session, statement, parameters)


def test_postgresql_listings_are_not_jit_compiled() -> None:
    """PostgreSQL would JIT-compile the status probes (a second at 10k claims
    to save milliseconds): tracker's connections turn JIT off, and options
    given in the URL still apply, after ours."""
    import pytest
    from sqlalchemy import text

    from tests.conftest import POSTGRES_URL
    from tracker.record import db

    if not POSTGRES_URL:
        pytest.skip("PostgreSQL: set TRACKER_TEST_POSTGRES_URL to run on a server")
    separator = "&" if "?" in POSTGRES_URL else "?"
    for url, jit, work_mem in [
        (POSTGRES_URL, "off", None),
        (f"{POSTGRES_URL}{separator}options=-c%20work_mem%3D7MB", "off", "7MB"),
        (f"{POSTGRES_URL}{separator}options=-c%20jit%3Don", "on", None),
    ]:
        engine = db.create(url)
        with engine.connect() as connection:
            assert connection.execute(text("SHOW jit")).scalar() == jit
            if work_mem:
                assert connection.execute(text("SHOW work_mem")).scalar() == work_mem
        engine.dispose()


def test_a_load_leaves_postgresql_statistics_fresh(generated_data: Any) -> None:
    """A server may never analyze on its own (autovacuum off), or not for a
    while: tracker analyzes its tables after a load that changed them."""
    from sqlalchemy import text

    from tests.conftest import postgres_schema
    from tracker.ingest.load import load_paths
    from tracker.record import db, migrate

    stats = text(
        "SELECT relname, last_analyze IS NOT NULL FROM pg_stat_user_tables"
        " WHERE schemaname = :s AND relname IN ('claims', 'relations', 'claimants')"
    )
    with postgres_schema() as (url, schema):
        engine = db.create(url)
        try:
            migrate.upgrade(engine)
            with engine.connect() as connection:
                assert not any(fresh for _, fresh in connection.execute(stats, {"s": schema}))
            load_paths(engine, [generated_data])
            with engine.connect() as connection:
                assert dict(connection.execute(stats, {"s": schema}).all()) == {
                    "claims": True,
                    "relations": True,
                    "claimants": True,
                }
        finally:
            engine.dispose()


def test_a_load_leaves_the_search_indexes_merged(generated_data: Any) -> None:
    """PostgreSQL queues a GIN index's new entries in a pending list (up to
    4 MB) that every search reads through, row by row, until a vacuum merges
    it; where autovacuum is off or has not come by, a search of 3,000 sources
    took 740 ms instead of 0.1 (benchmarks/load.py). A load merges them."""
    from sqlalchemy import text

    from tests.conftest import postgres_schema
    from tracker.ingest.load import load_paths
    from tracker.record import db, migrate

    pending = text(
        "SELECT c.relname, gin_clean_pending_list(c.oid::regclass) FROM pg_class c"
        " JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE c.relkind = 'i' AND a.amname = 'gin' AND n.nspname = :s ORDER BY c.relname"
    )
    with postgres_schema() as (url, schema):
        engine = db.create(url)
        try:
            migrate.upgrade(engine)
            load_paths(engine, [generated_data])
            with engine.connect() as connection:
                found = dict(connection.execute(pending, {"s": schema}).all())
            # gin_clean_pending_list says how many pages it merged: none were left.
            assert found == {"ix_search_claims": 0, "ix_search_quotes": 0, "ix_search_sources": 0}
        finally:
            engine.dispose()
