"""`tracker db check` finds what the database could not refuse: damage done
around tracker (foreign keys off, another tool, a torn copy)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Connection, Engine, text

from tests.conftest import Runner


@contextmanager
def around_tracker(engine: Engine) -> Iterator[Connection]:
    """A connection that writes as another tool could: no foreign keys."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            # On the driver's connection: inside a transaction the pragma does nothing.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
        else:
            connection.exec_driver_sql("SET session_replication_role = replica")
        connection.commit()  # the setting, outside the transaction that follows
        with connection.begin():
            yield connection
        if engine.dialect.name == "sqlite":
            connection.connection.driver_connection.execute("PRAGMA foreign_keys = ON")


def test_a_sound_record_passes(run: Runner) -> None:
    result = run("db", "check")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "ok  integrity",
        "ok  references",
        "ok  quotes",
        "ok  claims",
        "ok  derived",
    ][-len(lines) :]
    assert json.loads(run("db", "check", "-f", "json").stdout) == []


DAMAGE = {
    "references": (
        "UPDATE claimants SET actor_id = 99999 WHERE claim_id = (SELECT min(id) FROM claims)",
        "claimants",
    ),
    "quotes": (
        "UPDATE appearances SET quote = 'X' || substr(quote, 2)"
        " WHERE id = (SELECT min(id) FROM appearances)",
        "appearance",
    ),
    "prefix": (
        "UPDATE appearances SET prefix = 'X' || prefix"
        " WHERE id = (SELECT max(id) FROM appearances WHERE start_offset > 40)",
        "appearance",
    ),
    "derived-names": (
        "UPDATE aliases SET normalized = 'not what it says'"
        " WHERE id = (SELECT min(id) FROM aliases)",
        "aliases",
    ),
    "derived-sides": ("DELETE FROM actor_sides WHERE actor_id <> side_id", "actor_sides"),
    # As an older `import` let in: a claim nobody made, or reported nowhere.
    "claims-claimant": (
        "DELETE FROM claimants WHERE claim_id = (SELECT min(id) FROM claims)",
        "claim ",
    ),
    "claims-appearance": (
        "DELETE FROM appearances WHERE claim_id = (SELECT min(id) FROM claims)",
        "claim ",
    ),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_each_kind_of_damage_is_found(seeded: Engine, run: Runner, damage: str) -> None:
    sql, where = DAMAGE[damage]
    with around_tracker(seeded) as connection:
        assert connection.execute(text(sql)).rowcount >= 1
    result = run("db", "check", "-f", "json")
    assert result.exit_code == 1
    faults = json.loads(result.stdout)
    # A renamed normalised name is also one no actor_names row holds: two faults.
    assert len(faults) == (2 if damage == "derived-names" else 1), faults
    assert faults[-1]["check"] == damage.split("-")[0].replace("prefix", "quotes")
    assert all(f["where"].startswith(where) for f in faults)
    table = run("db", "check")
    assert table.exit_code == 1 and faults[-1]["detail"][:30] in table.stdout


def test_a_damaged_sqlite_file_is_one_line(tmp_path: pytest.TempPathFactory) -> None:
    from click.testing import CliRunner

    from tracker.cli import cli

    path = tmp_path / "torn.db"  # type: ignore[operator]
    assert CliRunner().invoke(cli, ["--db", str(path), "load", "seeds"]).exit_code == 0
    data = bytearray(path.read_bytes())
    data[8192:12288] = b"\xff" * 4096  # a page of an index or table overwritten
    path.write_bytes(bytes(data))
    result = CliRunner().invoke(cli, ["--db", str(path), "db", "check"])
    assert result.exit_code == 1
    assert "Error:" in result.stderr or "integrity" in result.stdout


def test_postgresql_structures_left_half_made_are_found(seeded: Engine, run: Runner) -> None:
    """What PostgreSQL can leave behind: a constraint added NOT VALID."""
    if seeded.dialect.name != "postgresql":
        # SQLite's own check: a damaged file (test_a_damaged_sqlite_file_is_one_line).
        assert run("db", "check").exit_code == 0
        return
    with seeded.begin() as connection:
        connection.exec_driver_sql(
            "ALTER TABLE claims ADD CONSTRAINT ck_later CHECK (length(text) > 0) NOT VALID"
        )
    result = run("db", "check", "-f", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [
        {
            "check": "integrity",
            "where": "claims",
            "detail": "constraint ck_later was never validated",
        }
    ]
