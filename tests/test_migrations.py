"""Migrations: one head, up and down cleanly, and no drift from the models."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import CheckConstraint, Engine, UniqueConstraint, inspect, text

from tests.conftest import SEEDS
from tracker import db, migrate
from tracker.errors import SchemaError
from tracker.load import load_paths
from tracker.models import Base


def test_one_head_and_the_app_knows_it() -> None:
    assert migrate.head() == db.SCHEMA_REVISION


def test_models_match_migrations(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
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
        t: {i["name"] for i in inspector.get_indexes(t) if "duplicates_constraint" not in i}
        for t in tables
    }
    assert checks == declared_names(CheckConstraint)
    assert uniques == declared_names(UniqueConstraint)
    assert indexes == {
        table.name: {str(i.name) for i in table.indexes} for table in Base.metadata.sorted_tables
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
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0000'"))
    with pytest.raises(SchemaError, match="run `tracker db upgrade`"):
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


def test_current_database_does_not_import_alembic(seeded: Engine) -> None:
    url = seeded.url.render_as_string(hide_password=False)
    code = (
        "from tracker.cli import cli\n"
        f"cli(['--db', {url!r}, 'contested', '-f', 'json'], standalone_mode=False)"
    )
    modules = _modules_after(code, dict(os.environ))
    assert "sqlalchemy" in modules
    assert "alembic" not in modules


def test_sqlite_migrations_may_rebuild_referenced_tables(tmp_path: os.PathLike[str]) -> None:
    """SQLite alters a table by rebuilding it; under migrate's connection its
    foreign keys are off for the rebuild and every reference checked after."""
    from alembic.operations import Operations

    engine = db.create(f"sqlite:///{tmp_path}/rebuild.db")
    migrate.upgrade(engine)
    load_paths(engine, [SEEDS])
    with db.write_connection(engine, rebuilding=True) as connection:
        operations = Operations(MigrationContext.configure(connection))
        with operations.batch_alter_table("sources", recreate="always"):
            pass
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("SELECT count(*) FROM appearances")).scalar() > 50
    engine.dispose()
