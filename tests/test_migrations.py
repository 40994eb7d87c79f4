"""Migrations: one head, up and down cleanly, and no drift from the models."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import (
    CheckConstraint,
    Date,
    Engine,
    Index,
    MetaData,
    UniqueConstraint,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy.orm import Session

from tests.conftest import SEEDS
from tests.test_sql_access import assert_datasette_finds_search, assert_view_agrees
from tracker.errors import SchemaError
from tracker.ingest.load import load_paths
from tracker.query import queries
from tracker.query.search import search
from tracker.record import db, lock, migrate, sides
from tracker.record.models import ActorSide, Base, is_search_object


def test_one_head_and_the_app_knows_it() -> None:
    assert migrate.head() == db.SCHEMA_REVISION


def applies(index: Index, dialect: str) -> bool:
    """Whether the model's index is created on `dialect` (Index.ddl_if)."""
    condition = getattr(index, "_ddl_if", None)
    return condition is None or condition.dialect in (None, dialect)


# Alembic warns that it cannot compare the PostgreSQL-only expression index on
# SQLite before `include` leaves it out.
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression")
def test_models_match_migrations(engine: Engine) -> None:
    dialect = engine.dialect.name

    def include(thing: object, name: str | None, kind: str, *_: object) -> bool:
        return not (kind == "index" and isinstance(thing, Index) and not applies(thing, dialect))

    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "include_name": lambda name, *_: not is_search_object(name),
                "include_object": include,
            },
        )
        assert compare_metadata(context, Base.metadata) == []


def declared_names(kind: type) -> dict[str, set[str]]:
    """Constraint names per table as the models declare them (naming convention applied)."""
    return {
        table.name: {str(c.name) for c in table.constraints if isinstance(c, kind)}
        for table in Base.metadata.sorted_tables
    }


def test_migrated_constraint_and_index_names_match_the_models(engine: Engine) -> None:
    """compare_metadata skips CHECK constraints: compare them (and UNIQUE
    constraints and indexes) by name, table by table."""
    inspector = inspect(engine)
    tables = [table.name for table in Base.metadata.sorted_tables]
    checks = {t: {c["name"] for c in inspector.get_check_constraints(t)} for t in tables}
    uniques = {t: {c["name"] for c in inspector.get_unique_constraints(t)} for t in tables}
    indexes = {
        # PostgreSQL also lists the index behind each UNIQUE constraint.
        t: {
            i["name"]
            for i in inspector.get_indexes(t)
            if "duplicates_constraint" not in i and not is_search_object(i["name"])
        }
        for t in tables
    }
    assert checks == declared_names(CheckConstraint)
    assert uniques == declared_names(UniqueConstraint)
    assert indexes == {
        table.name: {str(i.name) for i in table.indexes if applies(i, engine.dialect.name)}
        for table in Base.metadata.sorted_tables
    }
    assert any(checks.values())  # the comparison is not between two empty sets


def test_up_down_up(empty_engine: Engine) -> None:
    migrate.upgrade(empty_engine)
    tables = set(Base.metadata.tables)
    assert tables <= set(inspect(empty_engine).get_table_names())
    migrate.downgrade(empty_engine, "base")
    assert not tables & set(inspect(empty_engine).get_table_names())
    migrate.upgrade(empty_engine)
    assert db.current_revision(empty_engine) == db.SCHEMA_REVISION
    load_paths(empty_engine, [SEEDS])


def test_empty_database_is_upgraded_on_first_use(database_url: str) -> None:
    engine = db.open_database(database_url)
    try:
        assert db.current_revision(engine) == db.SCHEMA_REVISION
    finally:
        engine.dispose()


def test_foreign_database_is_refused(empty_engine: Engine) -> None:
    with empty_engine.begin() as connection:
        connection.execute(text("CREATE TABLE unrelated (x INTEGER)"))
    with pytest.raises(SchemaError, match="has tables but no tracker schema"):
        db.ensure_schema(empty_engine)


def test_other_revision_is_refused_with_advice(engine: Engine) -> None:
    """An older revision: upgrade it. One this tracker does not know: a newer
    tracker wrote it, and no migration here may touch it."""
    with engine.begin() as connection:
        connection.execute(text(f"UPDATE alembic_version SET version_num = '{db.REVISIONS[0]}'"))
    with pytest.raises(SchemaError, match="run `tracker db upgrade`"):
        db.ensure_schema(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0000'"))
    with pytest.raises(SchemaError, match=r"does not know .* a newer tracker wrote it"):
        db.ensure_schema(engine)


def test_sqlite_runs_with_foreign_keys_wal_and_busy_timeout(tmp_path: os.PathLike[str]) -> None:
    engine = db.create(f"sqlite:///{tmp_path}/p.db")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == db.SQLITE_BUSY_TIMEOUT_MS
    engine.dispose()


def _modules_after(code: str, env: dict[str, str]) -> list[str]:
    probe = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
    )
    return list(json.loads(out.stdout.strip().splitlines()[-1]))


def test_help_imports_neither_sqlalchemy_nor_alembic() -> None:
    code = (
        "from tracker.cli import cli\n"
        "try:\n    cli(['--help'], standalone_mode=False)\nexcept SystemExit:\n    pass"
    )
    modules = _modules_after(code, dict(os.environ))
    assert "sqlalchemy" not in modules
    assert "alembic" not in modules
    # Nor what only output needs: tabulate alone doubled the start-up.
    assert not {"tabulate", "wcwidth", "orjson", "yaml", "jinja2"} & set(modules)


def test_the_format_names_are_tabulates() -> None:
    """tracker.render.formats names tabulate's formats without importing it."""
    from tabulate import tabulate_formats

    from tracker.render.formats import TABULATE_FORMATS

    assert [f for f in tabulate_formats if f != "unsafehtml"] == TABULATE_FORMATS


def test_current_database_does_not_import_alembic(seeded: Engine) -> None:
    url = seeded.url.render_as_string(hide_password=False)
    code = (
        "from tracker.cli import cli\n"
        f"cli(['--db', {url!r}, 'contested', '-f', 'json'], standalone_mode=False)"
    )
    modules = _modules_after(code, dict(os.environ))
    assert "sqlalchemy" in modules
    assert "alembic" not in modules
    # JSON is neither aligned nor measured: a table's libraries stay unloaded.
    assert not {"tabulate", "wcwidth"} & set(modules)


def test_sqlite_migrations_may_rebuild_referenced_tables(tmp_path: os.PathLike[str]) -> None:
    """SQLite alters a table by rebuilding it; under migrate's connection its
    foreign keys are off for the rebuild and every reference checked after."""
    from alembic.operations import Operations

    engine = db.create(f"sqlite:///{tmp_path}/rebuild.db")
    migrate.upgrade(engine)
    load_paths(engine, [SEEDS])
    with lock.write_connection(engine, rebuilding=True) as connection:
        operations = Operations(MigrationContext.configure(connection))
        with operations.batch_alter_table("sources", recreate="always"):
            pass
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("SELECT count(*) FROM appearances")).scalar() > 50
    engine.dispose()


# -- data kept across revisions --------------------------------------------------------
#
# tests/fixtures/revisions/NNNN.json holds every row of the seed database as it was
# at revision NNNN (written with that revision's code). Each fixture is loaded into a
# database at its revision, upgraded to the head, and every row must come out with the
# same values. A new revision adds its own fixture: dump a seeded database just before
# the next revision changes the schema.

REVISIONS = Path(__file__).resolve().parent / "fixtures" / "revisions"


def fixture_revisions() -> list[str]:
    return sorted(p.stem for p in REVISIONS.glob("*.json"))


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


def fill(engine: Engine, tables: dict[str, list[dict[str, Any]]]) -> None:
    """Insert fixture rows (in their order: referenced tables first) into the
    tables as the database has them now, as a user's database would hold them."""
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.begin() as connection:
        for name, rows in tables.items():
            table = metadata.tables[name]
            dates = {c.name for c in table.columns if isinstance(c.type, Date)}
            connection.execute(
                table.insert(),
                [
                    {k: dt.date.fromisoformat(v) if k in dates and v else v for k, v in row.items()}
                    for row in rows
                ],
            )
            if engine.dialect.name == "postgresql" and "id" in table.columns:
                # Rows came with their ids: move the sequence past them, as inserts
                # through the application would have.
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), max(id))"
                        f" FROM {name}"
                    )
                )


def dump(
    engine: Engine, tables: dict[str, list[dict[str, Any]]]
) -> dict[str, list[dict[str, Any]]]:
    """The same tables and columns as `tables`, read back from the database."""
    metadata = MetaData()
    metadata.reflect(engine)
    found = {}
    with engine.connect() as connection:
        for name, rows in tables.items():
            table = metadata.tables[name]
            columns = [table.c[k] for k in rows[0]]
            key = list(table.primary_key.columns) or columns
            result = connection.execute(select(*columns).order_by(*key)).mappings()
            found[name] = [{k: _plain(v) for k, v in row.items()} for row in result]
    return found


def with_names_normalized(tables: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """The fixture's rows, with the normalised names (derived from the aliases
    as written) as this tracker computes them: 0005 computed them anew."""
    from tracker.record.names import normalize

    tables = json.loads(json.dumps(tables))
    for row in tables["aliases"]:
        row["normalized"] = normalize(row["alias"])
    names = sorted({(r["normalized"], r["actor_id"]) for r in tables["aliases"]})
    tables["actor_names"] = [{"normalized": n, "actor_id": a} for n, a in names]
    return tables


@pytest.mark.parametrize("revision", fixture_revisions())
def test_a_database_filled_at_each_revision_keeps_its_data(
    empty_engine: Engine, revision: str
) -> None:
    data = json.loads((REVISIONS / f"{revision}.json").read_text(encoding="utf-8"))
    assert data["revision"] == revision
    migrate.upgrade(empty_engine, revision)
    fill(empty_engine, data["tables"])
    migrate.upgrade(empty_engine)
    assert db.current_revision(empty_engine) == db.SCHEMA_REVISION
    assert dump(empty_engine, data["tables"]) == with_names_normalized(data["tables"])
    # Derived tables hold what the code would rebuild from the data.
    with empty_engine.begin() as connection:
        derived = connection.execute(select(ActorSide.actor_id, ActorSide.side_id)).all()
        sides.rebuild(connection)
        rebuilt = connection.execute(select(ActorSide.actor_id, ActorSide.side_id)).all()
    assert sorted(derived) == sorted(rebuilt) and rebuilt
    # And the upgraded database works: listings show every claim, and the seeds
    # load into it as a user would load them.
    with Session(empty_engine) as session:
        assert len(queries.claims(session)) == len(data["tables"]["claims"])
        # Search covers what was there before it existed.
        first = data["tables"]["claims"][0]
        word = max(first["text"].split(), key=len).strip(".,")
        assert first["key"] in {h.claim for h in search(session, word, ("claims",), 100)}
        quote = data["tables"]["appearances"][0]["quote"]
        assert search(session, f'"{quote}"', ("quotes",))
    # What other tools read: the status view answers as the listings do, and
    # Datasette finds the search tables, whatever revision wrote the data.
    assert_view_agrees(empty_engine)
    if empty_engine.dialect.name == "sqlite":
        assert empty_engine.url.database
        assert_datasette_finds_search(empty_engine.url.database)
    load_paths(empty_engine, [SEEDS])


def test_0005_normalises_names_anew_and_refuses_a_clash(empty_engine: Engine) -> None:
    """Names stored with Unidecode's forms (Юрий: "iurii"; 김정은: "gimjeongeun")
    are stored with this tracker's after the upgrade, and resolve; two actors
    whose names would meet stop the upgrade, nothing changed."""
    from tracker.record.names import resolve_actor

    migrate.upgrade(empty_engine, "0004")
    actors = [
        {"id": 1, "key": "yuri-ushakov", "name": "Yuri Ushakov", "kind": "person"},
        {"id": 2, "key": "kim-jong-un", "name": "Kim Jong Un", "kind": "person"},
    ]
    aliases = [
        (1, 1, "Yuri Ushakov", "yuri ushakov"),
        (2, 1, "Юрий Ушаков", "iurii ushakov"),
        (3, 2, "Kim Jong Un", "kim jong un"),
        (4, 2, "김정은", "gimjeongeun"),
    ]
    fill(
        empty_engine,
        {
            "actors": [{**a, "description": None} for a in actors],
            "actor_names": [{"normalized": n, "actor_id": a} for _, a, _, n in aliases],
            "aliases": [
                {"id": i, "actor_id": a, "alias": t, "normalized": n} for i, a, t, n in aliases
            ],
        },
    )
    migrate.upgrade(empty_engine)
    with empty_engine.connect() as connection:
        stored = dict(connection.execute(text("SELECT alias, normalized FROM aliases")).all())
        names = connection.execute(text("SELECT count(*) FROM actor_names")).scalar()
    assert stored["Юрий Ушаков"] == "yuriy ushakov" and stored["김정은"] == "gim jeong eun"
    assert names == 4
    with Session(empty_engine) as session:
        assert resolve_actor(session, "김정은").key == "kim-jong-un"
        assert resolve_actor(session, "Юрий Ушаков", exact=True).key == "yuri-ushakov"

    # A clash: two actors whose names only Unidecode told apart.
    migrate.downgrade(empty_engine, "0004")
    with empty_engine.begin() as connection:
        connection.execute(
            text("INSERT INTO actor_names (normalized, actor_id) VALUES ('iurii ushakov', 2)")
        )
        connection.execute(
            text(
                "INSERT INTO aliases (id, actor_id, alias, normalized)"
                " VALUES (9, 2, 'Yuriy Ushakov', 'iurii ushakov')"
            )
        )
        before = connection.execute(text("SELECT * FROM aliases ORDER BY id")).all()
    with pytest.raises(Exception, match="would name actors"):
        migrate.upgrade(empty_engine)
    assert db.current_revision(empty_engine) == "0004"
    with empty_engine.connect() as connection:
        assert connection.execute(text("SELECT * FROM aliases ORDER BY id")).all() == before


def test_0009_starts_the_change_log_empty_and_logs_every_write_after(
    empty_engine: Engine,
) -> None:
    """A database filled at 0008 (verdicts and evidence included) keeps its rows;
    what was written before has no change; the first write after has one,
    and undoing it gives the upgraded database back, row for row."""
    from tracker.ingest import remove, undo
    from tracker.record.models import Change

    data = json.loads((REVISIONS / "0008.json").read_text(encoding="utf-8"))
    assert data["tables"]["reviews"] and data["tables"]["evidence"]
    migrate.upgrade(empty_engine, "0008")
    fill(empty_engine, data["tables"])
    migrate.upgrade(empty_engine, "0009")
    with Session(empty_engine) as session:
        assert session.scalar(select(func.count()).select_from(Change)) == 0
    with lock.transaction(empty_engine) as session:
        remove.remove_claim(session, "miller-arms-charge", with_relations=True)
    assert dump(empty_engine, data["tables"]) != with_names_normalized(data["tables"])
    with lock.transaction(empty_engine) as session:
        undo.undo(session, 1)
    assert dump(empty_engine, data["tables"]) == with_names_normalized(data["tables"])
