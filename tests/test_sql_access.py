"""The record as other tools see it: the claim_status view (psql, Datasette) and
full-text search tables Datasette finds.

The view's answers are held to the listings' (whose status rules
tests/test_status.py holds to a plain-Python oracle) on the seeds and on
generated data, both backends; its SQL is held to tracker.record.status as
compiled now, so that a change of the rules cannot leave the view behind.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import sqlite3
from pathlib import Path
from types import ModuleType
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from tests.conftest import SEEDS, Runner
from tracker.ingest.load import load_paths
from tracker.query import queries
from tracker.record import db, status_view
from tracker.render import views
from tracker.vocabulary import STATUSES

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations" / "versions"


def _migration(revision: str) -> ModuleType:
    (path,) = MIGRATIONS.glob(f"{revision}_*.py")
    spec = importlib.util.spec_from_file_location(f"migration_{revision}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def view_rows(engine: Engine) -> dict[str, dict[str, Any]]:
    """Every row of claim_status, by claim id, as a SQL user reads it."""
    with engine.connect() as connection:
        rows = connection.execute(text(f"SELECT * FROM {status_view.NAME}")).mappings().all()
    assert rows and set(rows[0]) == set(status_view.COLUMNS)
    return {row["key"]: dict(row) for row in rows}


def listed(engine: Engine) -> dict[str, dict[str, Any]]:
    """The same, as the listings (and so the status rules) answer it."""
    with Session(engine) as session:
        return {
            c.key: {
                "claim_id": c.id,
                "key": c.key,
                "status": c.status,
                "sources": len({a.source_id for a in c.appearances}),
                "appearances": len(c.appearances),
                "countered_by": len(views.contests_in(c)),
                "counters": len(views.contests_out(c)),
                "reviews": len(c.reviews),
            }
            for c in queries.claims(session)
        }


def assert_view_agrees(engine: Engine) -> None:
    found, expected = view_rows(engine), listed(engine)
    assert found == expected
    # Filtering the view selects what `tracker claims --status` lists.
    with engine.connect() as connection, Session(engine) as session:
        for status in STATUSES:
            picked = connection.execute(
                text(f"SELECT key FROM {status_view.NAME} WHERE status = :s"), {"s": status}
            )
            flt = queries.ClaimFilter(status=status)
            assert set(picked.scalars()) == {c.key for c in queries.claims(session, flt)}


def test_the_view_answers_as_the_listings_on_the_seeds(run: Runner, seeded: Engine) -> None:
    # A verdict, for the reviews count to count something.
    assert run("add", "actor", "FactCheck Desk", "--kind", "organization").exit_code == 0
    result = run("review", "miller-arms-charge", "--by", "factcheck-desk", "--rating", "True")
    assert result.exit_code == 0, result.output
    assert_view_agrees(seeded)
    rows = view_rows(seeded)
    assert {r["status"] for r in rows.values()} == {"contested", "uncontested"}
    denial = rows["moscow-pyongyang-deny-arms"]
    assert (denial["status"], denial["counters"], denial["countered_by"]) == ("contested", 5, 0)
    charge = rows["miller-arms-charge"]
    assert (charge["countered_by"], charge["reviews"], charge["sources"]) == (1, 1, 1)
    assert max(r["sources"] for r in rows.values()) > 1


def test_the_view_answers_as_the_listings_on_generated_data(generated: Engine) -> None:
    assert_view_agrees(generated)
    statuses = {r["status"] for r in view_rows(generated).values()}
    assert statuses >= {"contested", "corroborated", "uncontested"}


def test_the_migration_freezes_the_rules_as_they_are() -> None:
    """The view is status.py's rules, compiled: when the rules change, this
    fails until a new revision replaces the view with their new SQL
    (status_view.view_sql writes it)."""
    migration = _migration("0008")
    assert status_view.view_sql("sqlite") == migration.SQLITE_VIEW
    assert status_view.view_sql("postgresql") == migration.POSTGRESQL_VIEW


# -- Datasette ------------------------------------------------------------------------


def datasette_fts_table(connection: sqlite3.Connection, table: str) -> str | None:
    """The FTS table Datasette finds for `table`: its detect_fts SQL
    (datasette/utils/__init__.py, 0.64-1.0), matched the same way. Datasette
    writes the table name into the statement; a parameter does the same here,
    and a single-quoted literal stands for its double-quoted one (which
    SQLite builds without double-quoted strings refuse)."""
    row = connection.execute(
        """
        select name from sqlite_master
            where rootpage = 0
            and (
                sql like '%VIRTUAL TABLE%USING FTS%content="' || :table || '"%'
                or sql like '%VIRTUAL TABLE%USING FTS%content=[' || :table || ']%'
                or (
                    tbl_name = :table
                    and sql like '%VIRTUAL TABLE%USING FTS%'
                )
            )
        """,
        {"table": table},
    ).fetchone()
    return None if row is None else str(row[0])


def datasette_search(connection: sqlite3.Connection, table: str, fts: str, query: str) -> int:
    """How many rows of `table` Datasette's `?_search=` returns (its table
    view's FTS filter, on the rowid, as it does for an FTS5 table)."""
    sql = f"select count(*) from {table} where rowid in"
    sql += f" (select rowid from {fts} where {fts} match ?)"
    return int(connection.execute(sql, (query,)).fetchone()[0])


SEARCHED = {"claims": "search_claims", "appearances": "search_quotes", "sources": "search_sources"}


def assert_datasette_finds_search(database: str) -> None:
    with sqlite3.connect(database) as connection:
        for table, fts in SEARCHED.items():
            assert datasette_fts_table(connection, table) == fts
        assert datasette_search(connection, "claims", "search_claims", "missiles") == 1
        assert datasette_search(connection, "appearances", "search_quotes", "denied") >= 1
        total = connection.execute("select count(*) from claims").fetchone()[0]
        assert 0 < datasette_search(connection, "claims", "search_claims", "Korea") < total
    connection.close()


def test_datasette_finds_the_search_tables(tmp_path: Path, sqlite_template: Path) -> None:
    # Datasette reads SQLite files only: this one test is not run on PostgreSQL.
    path = tmp_path / "seeded.db"
    shutil.copyfile(sqlite_template, path)
    engine = db.create(f"sqlite:///{path}")
    load_paths(engine, [SEEDS])
    engine.dispose()
    assert_datasette_finds_search(str(path))


def test_the_detection_is_datasettes(tmp_path: Path) -> None:
    """The detection above misses what Datasette misses: a content table
    named in single quotes, as revision 0003 wrote it."""
    with sqlite3.connect(tmp_path / "d.db") as connection:
        connection.execute("create table claims (id integer primary key, text text)")
        connection.execute("create table notes (id integer primary key, text text)")
        connection.execute("create virtual table search_claims using fts5(text, content='claims')")
        connection.execute("create virtual table search_notes using fts5(text, content=[notes])")
        assert datasette_fts_table(connection, "claims") is None
        assert datasette_fts_table(connection, "notes") == "search_notes"
    connection.close()


def test_search_keeps_up_with_writes_after_the_rebuild(run: Runner) -> None:
    """The triggers of 0003 fill the tables 0008 made again."""
    result = run("search", "tarantulas", "-f", "json")
    assert result.exit_code == 0 and result.stdout.strip() == "[]"
    added = run(
        "add", "claim", "--by", "Miller", "--on", "2024-06-19", "--id", "tarantula-claim",
        "--text", "Tarantulas were shipped.", "--source", "star-advertiser-20240618",
        "--quote", "denied arms transfers",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    hits = run("search", "tarantulas", "-f", "json").stdout
    assert re.search(r'"claim": "tarantula-claim"', hits), hits
    run("remove", "claim", "tarantula-claim", "--yes")
    assert run("search", "tarantulas", "-f", "json").stdout.strip() == "[]"


def test_the_readme_queries_run(seeded: Engine) -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### The record in SQL") :]
    block = section[section.index("```sql\n") + 7 : section.index("```\n", section.index("```sql"))]
    statements = [s for s in block.split(";") if s.strip()]
    assert len(statements) == 2
    with seeded.connect() as connection:
        contested = connection.execute(text(statements[0])).all()
        counts = {s: n for s, n in connection.execute(text(statements[1]))}
    keys = [row[0] for row in contested]
    # Each charge is countered once; the denial counters them and is countered by none.
    assert keys[0] == "miller-arms-charge" and keys[-1] == "moscow-pyongyang-deny-arms"
    assert len(contested) == counts["contested"] == 6
    assert sum(counts.values()) == 44
