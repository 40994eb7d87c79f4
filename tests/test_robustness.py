"""Careless and concurrent use: one clear line and the right exit status, never a traceback."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from tests.conftest import SEEDS, Runner
from tests.test_seeds import seed_files
from tracker.cli import cli
from tracker.errors import InputError
from tracker.ingest.load import load_paths
from tracker.record import db
from tracker.record.models import Appearance, Claim


def invoke(*args: str) -> Result:
    result = CliRunner().invoke(cli, list(args))
    # A clean exit, not an exception turned into status 1 by the runner.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def one_error_line(result: Result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    return lines[0]


def test_missing_driver() -> None:
    result = invoke("--db", "mysql://someone:s3cret@127.0.0.1/x", "claims")
    assert result.exit_code == 1
    line = one_error_line(result)
    assert "no database driver for mysql" in line
    assert "s3cret" not in result.output


def test_not_a_url() -> None:
    result = invoke("--db", "nosuchdialect://x/y", "claims")
    assert result.exit_code == 1
    assert "no database driver for nosuchdialect" in one_error_line(result)


def test_database_folder_cannot_be_created(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = invoke("--db", str(blocker / "sub" / "x.db"), "load", str(SEEDS))
    assert result.exit_code == 1
    assert "cannot create the folder" in one_error_line(result)


def test_error_on_a_bare_path_names_the_path(tmp_path: Path) -> None:
    result = invoke("--db", str(tmp_path), "claims")  # a folder, not a file
    assert result.exit_code == 1
    line = one_error_line(result)
    assert str(tmp_path) in line and "unparsable" not in line


def test_since_after_until_is_a_usage_error(run: Runner) -> None:
    result = run("contested", "--since", "2025", "--until", "2020")
    assert result.exit_code == 2
    assert "--since 2025-01-01 is after --until 2020-12-31" in result.stderr
    report = run("report", "--since", "2025", "--until", "2020")
    assert report.exit_code == 2


def test_bad_date_names_the_option(run: Runner) -> None:
    result = run("claims", "--since", "2024-6-1")
    assert result.exit_code == 2
    assert "--since" in result.stderr and "is not a date" in result.stderr


def test_empty_actor_name_is_an_error(run: Runner) -> None:
    result = run("contested", "--actor", "")
    assert result.exit_code == 1
    assert "give a name" in result.stderr


def test_date_filters_match_overlapping_periods(run: Runner) -> None:
    """A claim known only as "June 2024" falls within --since 2024-06-10."""
    import json

    ids = {c["id"] for c in json.loads(run("claims", "--since", "2024-06-10", "-f", "json").stdout)}
    assert "ushakov-visit-dates" in ids  # stated 2024-06
    assert "miller-arms-charge" in ids  # stated 2024-06-17
    assert "trilateral-arms-supply" not in ids  # 2023-10
    before = {
        c["id"] for c in json.loads(run("claims", "--until", "2024-06-10", "-f", "json").stdout)
    }
    assert "ushakov-visit-dates" in before and "miller-arms-charge" not in before


def test_foreign_database_is_not_upgraded(empty_engine: Engine) -> None:
    with empty_engine.begin() as connection:
        connection.execute(text("CREATE TABLE unrelated (x INTEGER)"))
    url = empty_engine.url.render_as_string(hide_password=False)
    result = invoke("--db", url, "db", "upgrade")
    assert result.exit_code == 1
    assert "has tables but no tracker schema revision" in one_error_line(result)


def write(folder: Path, name: str, content: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(content, encoding="utf-8")
    return path


def test_overlong_field_is_refused_before_the_database(engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "long"
    write(folder, "a.yaml", f"actors:\n  - id: {'x' * 150}\n    name: X\n    kind: person\n")
    with pytest.raises(
        InputError, match=r"a\.yaml:2: field 'id' is 150 characters long; at most 100"
    ):
        load_paths(engine, [folder])


def test_entries_that_are_not_mappings_name_their_line(engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "lists"
    write(folder, "a.yaml", "# a comment\nactors:\n  - just a name\n")
    with pytest.raises(InputError, match=r"a\.yaml:2: each actor must be a mapping"):
        load_paths(engine, [folder])
    write(folder, "a.yaml", "- a\n- b\n")
    with pytest.raises(InputError, match=r"a\.yaml:1: each data file must be a mapping"):
        load_paths(engine, [folder])


def test_source_file_that_is_a_folder(engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "dir"
    (folder / "text").mkdir(parents=True)
    write(
        folder,
        "s.yaml",
        "sources:\n  - id: s\n    file: text\n    outlet: O\n    title: T\n",
    )
    with pytest.raises(InputError, match=r"s\.yaml:3: source text .* is a folder, not a file"):
        load_paths(engine, [folder])


def test_only_a_claimant_can_retract(seeded: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "retract"
    write(
        folder,
        "r.yaml",
        "claims:\n"
        "  - id: kremlin-withdraws\n"
        "    text: The charge is withdrawn.\n"
        "    claimants: [russia]\n"
        "    appearances:\n"
        "      - source: star-advertiser-20240618\n"
        "        quote: Moscow and Pyongyang have denied arms transfers\n"
        "    relations:\n"
        "      retracts: [miller-arms-charge]\n",
    )
    with pytest.raises(InputError, match="only a claimant can withdraw a claim"):
        load_paths(seeded, [folder])


def _load_in_subprocess(url: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tracker", "--db", url, "load", str(SEEDS)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_concurrent_loads_queue_instead_of_colliding(database_url: str) -> None:
    """Two loads of the seeds into one new database at the same moment: the
    write lock makes one wait for the other, so both succeed, the first
    migrating and creating, the second finding nothing to change."""
    first, second = _load_in_subprocess(database_url), _load_in_subprocess(database_url)
    outputs = [p.communicate(timeout=120) for p in (first, second)]
    for process, (_, err) in zip((first, second), outputs, strict=True):
        assert process.returncode == 0, err
    summaries = sorted(out for out, _ in outputs)
    claims = len(seed_files()["claims"])
    assert f"claims: 0 new, 0 updated, {claims} unchanged" in summaries[0]
    assert f"claims: {claims} new" in summaries[1]
    from tracker.record import db

    engine = db.create(database_url)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Claim)) == claims
        assert session.scalar(select(func.count()).select_from(Appearance)) > 50
    engine.dispose()


def test_a_new_connection_waits_for_the_file_as_a_writer_waits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Turning a file to WAL takes its lock, which another tracker may hold
    for longer than a read waits (creating the same new database): the
    connection waits as a writer would. Two loads into one new file failed
    "database is locked" here, about one run in a hundred."""
    path = tmp_path / "new.db"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("CREATE TABLE t (x)")
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 50)  # a read's wait, made short
    monkeypatch.setenv("TRACKER_LOCK_WAIT", "60")
    release = threading.Timer(1.0, holder.execute, ["COMMIT"])
    release.start()
    engine = db.create(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 50
            assert connection.exec_driver_sql("SELECT count(*) FROM t").scalar() == 0
    finally:
        release.join()
        engine.dispose()
        holder.close()


def test_transliteration_too_long_for_the_column(engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "long-alias"
    write(folder, "a.yaml", f"actors:\n  - id: x\n    name: {'习' * 150}\n    kind: person\n")
    with pytest.raises(InputError, match=r"a\.yaml:2: .* characters long once transliterated"):
        load_paths(engine, [folder])


def test_a_bad_date_creates_no_database(tmp_path: Path) -> None:
    path = tmp_path / "new" / "tracker.db"
    result = invoke("--db", str(path), "claims", "--since", "bogus")
    assert result.exit_code == 2
    assert not path.exists()
