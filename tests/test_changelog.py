"""The change log: every write is one change, in the write's own transaction,
with the rows it wrote; nothing else is, and nothing may edit the log."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, MetaData, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from tests.conftest import SEEDS, Runner
from tests.test_load import snapshot
from tracker.ingest import edit
from tracker.ingest.load import load_paths
from tracker.record import lock
from tracker.record.changelog import ChangeContext, command_line, who
from tracker.record.changes import LOGGED
from tracker.record.models import Change, ChangeRow, OpenChange


def changes(engine: Engine) -> list[Change]:
    with Session(engine) as session:
        found = list(session.scalars(select(Change).order_by(Change.id)))
        session.expunge_all()
        return found


def rows(engine: Engine, change_id: int) -> list[ChangeRow]:
    with Session(engine) as session:
        found = list(session.scalars(select(ChangeRow).where(ChangeRow.change_id == change_id)))
        session.expunge_all()
        return found


def test_a_load_is_one_compact_change_with_its_files_digests(seeded: Engine) -> None:
    (load,) = changes(seeded)
    assert load.capture == "compact" and load.made_by and not load.silent
    files = json.loads(load.files or "[]")
    assert sorted(Path(f["path"]).name for f in files) == [
        "actors.yaml",
        "claims.yaml",
        "sources.yaml",
    ]
    import hashlib

    for f in files:
        data = Path(f["path"]).read_bytes()
        assert f["sha256"] == hashlib.sha256(data).hexdigest() and f["bytes"] == len(data)
    logged = rows(seeded, load.id)
    # Every row the load inserted, by its key alone: 44 claims, 76 appearances...
    by_table: dict[str, int] = {}
    for row in logged:
        assert row.op == "insert" and row.after is None and row.before is None
        by_table[row.table_name] = by_table.get(row.table_name, 0) + 1
    assert by_table["claims"] == 44 and by_table["appearances"] == 76
    assert by_table["actors"] == 21 and by_table["sources"] == 3
    assert "actor_sides" not in by_table  # derived, rebuilt: not logged
    assert [r.id for r in logged] == list(range(load.first_row, load.last_row + 1))


def test_reloading_unchanged_files_records_no_change(seeded: Engine) -> None:
    load_paths(seeded, [SEEDS])
    assert len(changes(seeded)) == 1


def test_an_edit_records_who_what_and_every_row_before_and_after(run: Runner) -> None:
    result = run("--as", "Ana Editor", "rename", "claim", "miller-arms-charge", "miller-charge")
    assert result.exit_code == 0, result.output
    engine_url = run.url
    from tracker.record import db

    engine = db.create(engine_url)
    try:
        last = changes(engine)[-1]
        assert last.made_by == "Ana Editor" and last.capture == "full"
        assert last.command.startswith("tracker --db ")
        assert last.command.endswith("rename claim miller-arms-charge miller-charge")
        (row,) = rows(engine, last.id)
        assert (row.table_name, row.op) == ("claims", "update")
        before, after = json.loads(row.before or ""), json.loads(row.after or "")
        assert (before["key"], after["key"]) == ("miller-arms-charge", "miller-charge")
        assert before["text"] == after["text"] and before["id"] == after["id"]
    finally:
        engine.dispose()


def test_who_comes_from_as_then_the_environment_then_the_user(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TRACKER_USER", "desk-2")
    assert who() == "desk-2" and who("Ana") == "Ana"
    monkeypatch.delenv("TRACKER_USER")
    import getpass

    assert who() == getpass.getuser()
    from tracker.errors import TrackerError

    with pytest.raises(TrackerError, match="--as: a name of at most 200"):
        who("x" * 201)
    with pytest.raises(TrackerError, match="no control characters"):
        who("Ana\x1b[31m")


def test_the_command_is_kept_as_given_with_passwords_scrubbed() -> None:
    line = command_line(
        ["--db", "postgresql+psycopg://bob:s3cret@db.example/t", "add", "source", "a b.txt",
         "--url", "https://reader:hunter2@paywall.example/x?y=1"]
    )  # fmt: skip
    assert "s3cret" not in line and "hunter2" not in line
    assert line == (
        "tracker --db postgresql+psycopg://bob:***@db.example/t add source 'a b.txt'"
        " --url 'https://reader:***@paywall.example/x?y=1'"
    )
    assert command_line(["x" * 30_000]).endswith("characters more)")


def test_the_database_refuses_to_edit_or_delete_the_log(seeded: Engine) -> None:
    for statement in (
        "UPDATE changes SET made_by = 'someone else'",
        "DELETE FROM changes",
        "UPDATE change_rows SET after = NULL",
        "DELETE FROM change_rows",
    ):
        with seeded.connect() as connection, pytest.raises(DBAPIError, match="append-only"):
            connection.execute(text(statement))
    if seeded.dialect.name == "postgresql":
        with seeded.connect() as connection, pytest.raises(DBAPIError, match="append-only"):
            connection.execute(text("TRUNCATE change_rows, changes"))
    assert len(changes(seeded)) == 1


def test_a_refused_write_leaves_no_change_and_no_open_change(seeded: Engine) -> None:
    before = snapshot(seeded)
    from tracker.errors import TrackerError

    with pytest.raises(TrackerError), lock.transaction(seeded) as session:
        edit.rename(session, "claim", "miller-arms-charge", "miller-charge")
        edit.rename(session, "claim", "no-such-claim", "x")
    assert snapshot(seeded) == before
    with Session(seeded) as session:
        assert session.scalar(select(OpenChange.change_id)) is None


def test_writes_outside_tracker_are_not_logged(seeded: Engine) -> None:
    with seeded.begin() as connection:
        connection.execute(text("UPDATE claims SET text = 'Edited by another tool.'"))
    assert len(changes(seeded)) == 1
    assert all(row.op == "insert" for row in rows(seeded, 1))


def test_a_python_caller_passes_its_own_context(seeded: Engine) -> None:
    context = ChangeContext(by="web: ana@example.org", command="POST /claims/miller-arms-charge")
    with lock.transaction(seeded, context) as session:
        edit.relate(session, "miller-arms-charge", "us-sanctions-transfers", "supports")
    last = changes(seeded)[-1]
    assert (last.made_by, last.command) == (context.by, context.command)


def test_every_logged_column_is_in_the_images(seeded: Engine) -> None:
    """The triggers name each table's columns (migration 0009): a column added
    to a table later without its triggers made again would be lost."""
    metadata = MetaData()
    metadata.reflect(seeded)
    with lock.transaction(seeded) as session:
        session.execute(text("UPDATE claims SET text = text || '.'"))
        for table in LOGGED:
            session.execute(text(f"DELETE FROM {table} WHERE 1 = 0"))
    # Full images of an update: every column of claims.
    last = changes(seeded)[-1]
    images = rows(seeded, last.id)
    assert images and {r.table_name for r in images} == {"claims"}
    assert set(json.loads(images[0].after or "")) == set(metadata.tables["claims"].c.keys())
    # And each logged table, deleted whole (one write, rolled back).
    with seeded.connect() as connection:
        connection.begin()
        connection.execute(text("INSERT INTO open_change (change_id, capture) VALUES (99, 'full')"))
        # A feed watched, its entry and a queued proposal (the seeds have none).
        connection.execute(text("INSERT INTO feeds (id, url) VALUES (1, 'https://f.example/')"))
        connection.execute(
            text(
                "INSERT INTO feed_entries (feed_id, entry_id, link, fingerprint, source_id)"
                " VALUES (1, 'e', 'https://f.example/e', 'x', 1)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO queued_proposals (source_id, position, cue_start, content_start,"
                " content_end, speaker, cue, content, stance, actors, claim_text, flagged,"
                " queued_at) VALUES (1, 1, 0, 0, 1, 's', 'said', 'c', 'asserts', '', 'C.',"
                " false, '2026-01-01 00:00:00')"
            )
        )
        for table in reversed(list(LOGGED)):
            connection.execute(text(f"DELETE FROM {table}"))
        logged = connection.execute(
            text(
                "SELECT table_name, before FROM change_rows WHERE change_id = 99 AND op = 'delete'"
            )
        ).all()
        connection.rollback()
    seen: dict[str, set[str]] = {}
    for table, before in logged:
        seen.setdefault(table, set()).update(json.loads(before))
    assert set(seen) == set(LOGGED) - {"reviews", "evidence"}  # the seeds have no verdicts
    for table, columns in seen.items():
        assert columns == set(metadata.tables[table].c.keys()), table
