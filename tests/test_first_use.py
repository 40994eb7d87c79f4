"""What a new user met first (issue 17, "found tried as a new user would"),
each fixed and held here: a mistyped --db, paging and --limit/--all, piped
tables, NO_COLOR, the load summary on a narrow terminal, a closed pipe,
questions without a terminal, several removals at once, what export wrote,
and a reload of an unchanged export."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.conftest import POSTGRES_URL, SEEDS
from tracker.cli import cli


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


# -- a database that is not there ---------------------------------------------------------

READS = [
    ["claims"],
    ["contested"],
    ["show", "miller-arms-charge"],
    ["by-actor", "Miller"],
    ["actors"],
    ["sources"],
    ["search", "missiles"],
    ["topics"],
    ["timeline"],
    ["source", "ani-20240618"],
    ["report"],
    ["export"],
    ["db", "check"],
    ["db", "current"],
]


@pytest.mark.parametrize("command", READS, ids=lambda c: " ".join(c))
def test_a_read_refuses_a_database_that_is_not_there(tmp_path: Path, command: list[str]) -> None:
    path = tmp_path / "typo" / "trakcer.db"
    result = invoke("--db", str(path), *command)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.strip() == (
        f"Error: no database at {path}: check --db (or TRACKER_DATABASE_URL);"
        " `tracker load` or `tracker db upgrade` creates one"
    )
    assert not path.parent.exists()  # neither the file nor its folder made


def test_the_default_database_is_named_when_it_is_not_there(tmp_path: Path) -> None:
    result = invoke("claims")
    assert result.exit_code == 1
    assert str(tmp_path / "xdg" / "tracker" / "tracker.db") in result.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["load", str(SEEDS)],
        ["add", "actor", "FactCheck Desk", "--kind", "organization"],
        ["db", "upgrade"],
    ],
    ids=lambda c: c[0],
)
def test_a_write_still_creates_the_database(tmp_path: Path, command: list[str]) -> None:
    path = tmp_path / "new" / "tracker.db"
    result = invoke("--db", str(path), *command)
    assert result.exit_code == 0, result.output
    assert path.is_file()
    assert invoke("--db", str(path), "actors", "-f", "json").exit_code == 0


def test_a_read_of_a_postgresql_database_that_is_not_there_names_it() -> None:
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL: set TRACKER_TEST_POSTGRES_URL to run on a server")
    from sqlalchemy.engine import make_url

    url = make_url(POSTGRES_URL).set(database="tracker_no_such_database")
    result = invoke("--db", url.render_as_string(hide_password=False), "claims")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert 'database "tracker_no_such_database" does not exist' in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
