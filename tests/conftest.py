"""Shared fixtures: a fresh database per test, on SQLite and (when given) PostgreSQL.

Set TRACKER_TEST_POSTGRES_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)
to run every database test on PostgreSQL too; each test gets its own schema.
With TRACKER_TEST_REQUIRE_POSTGRES=1 (as CI sets) a missing URL is an error,
not a skip.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner, Result
from hypothesis import Phase, settings
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

from tests.webserver import web  # noqa: F401  # the test web server, for every test
from tracker.cli import cli
from tracker.ingest.load import load_paths
from tracker.record import db, migrate

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
POSTGRES_URL = os.environ.get("TRACKER_TEST_POSTGRES_URL")
REQUIRE_POSTGRES = os.environ.get("TRACKER_TEST_REQUIRE_POSTGRES") == "1"


# Mutation testing (benchmarks/mutation.py) asks only whether a test fails: the
# same examples, no shrinking of a failure, no example database between runs.
settings.register_profile(
    "mutation", phases=[Phase.explicit, Phase.reuse, Phase.generate], database=None
)


def pytest_configure(config: pytest.Config) -> None:
    if REQUIRE_POSTGRES and not POSTGRES_URL:
        raise pytest.UsageError(
            "TRACKER_TEST_REQUIRE_POSTGRES=1 but TRACKER_TEST_POSTGRES_URL is not set"
        )


def line_of(path: Path, needle: str) -> int:
    """The number of the first line of `path` holding `needle`."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def snapshot(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table the models define, in a stable order: the
    dump compared before and after whatever must change nothing."""
    from tracker.record.models import Base

    with engine.connect() as connection:
        return {
            table.name: sorted(
                (tuple(row) for row in connection.execute(text(f"SELECT * FROM {table.name}"))),
                key=repr,
            )
            for table in Base.metadata.sorted_tables
        }


@contextmanager
def unchanged(engine: Engine) -> Iterator[None]:
    """Asserts that the block leaves every row of every table as it was."""
    before = snapshot(engine)
    yield
    assert snapshot(engine) == before


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may touch the user's default database or inherit a URL."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv(db.ENV_VAR, raising=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh, empty database: a SQLite file, or a PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    with postgres_schema() as (url, _schema):
        yield url


@contextmanager
def postgres_schema() -> Iterator[tuple[str, str]]:
    """(URL, name) of a fresh schema on the test server, dropped afterwards;
    the test is skipped where no server is set."""
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL: set TRACKER_TEST_POSTGRES_URL to run on a server")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{separator}options={quote(f'-csearch_path={schema}')}", schema
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def empty_engine(database_url: str) -> Iterator[Engine]:
    """A connected engine on a database with no tables at all."""
    engine = db.create(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once, by Alembic, for tests to copy:
    most tests need the schema, not the migrations' run time."""
    path = tmp_path_factory.mktemp("template") / "head.db"
    template = db.create(f"sqlite:///{path}")
    migrate.upgrade(template)
    template.dispose()  # the last connection closed: the WAL is folded in
    return path


@pytest.fixture
def engine(empty_engine: Engine, request: pytest.FixtureRequest) -> Engine:
    """A database at the current schema revision, with no data."""
    database = empty_engine.url.database
    if empty_engine.dialect.name == "sqlite" and database and not Path(database).exists():
        shutil.copyfile(request.getfixturevalue("sqlite_template"), database)
    else:
        migrate.upgrade(empty_engine)
    return empty_engine


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    """A database holding the seed dataset, loaded through the real loader."""
    load_paths(engine, [SEEDS])
    return engine


@pytest.fixture(scope="session")
def generated_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated archive (benchmarks/generate.py): 1,500 claims, many
    contested, for what the seeds are too small to show (batches, plans)."""
    import sys

    sys.path.insert(0, str(SEEDS.parent / "benchmarks"))
    import generate

    folder = tmp_path_factory.mktemp("generated")
    generate.generate(folder, claims=1500, actors=120, seed=11)
    return folder


@pytest.fixture
def generated(engine: Engine, generated_data: Path) -> Engine:
    load_paths(engine, [generated_data])
    return engine


@pytest.fixture
def session(seeded: Engine) -> Iterator[Session]:
    with Session(seeded) as s:
        yield s


@pytest.fixture
def run(seeded: Engine) -> Runner:
    return Runner(seeded.url.render_as_string(hide_password=False))


class Runner:
    """Runs the CLI against one database, as a user would."""

    def __init__(self, url: str) -> None:
        self.url = url

    def __call__(self, *args: str) -> Result:
        return CliRunner().invoke(cli, ["--db", self.url, *args], catch_exceptions=False)
