"""Hostile input, by class: each is refused in one bounded line with a stable
exit status, no traceback, and the database exactly as before; stored text
never commands the terminal."""

from __future__ import annotations

import os
import select
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine, text

from tests.conftest import SEEDS as SEEDS_FOLDER
from tests.conftest import Runner
from tests.test_load import snapshot
from tracker.cli import cli
from tracker.limits import MAX_DATA_BYTES, MAX_TEXT_BYTES
from tracker.record import db, migrate
from tracker.render.terminal import MAX_ERROR

_LEVELS = zip("abcdefgh", "bcdefghi", strict=True)
BILLION_LAUGHS = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{n}: &{n} [{','.join([f'*{p}'] * 9)}]" for p, n in _LEVELS]
    + ["claims: *i"]
)

YAML_BOMBS = {
    "billion-laughs": BILLION_LAUGHS,
    "alias-of-a-scalar": "claims:\n- id: &x some-claim\n  text: *x\n",
    "alias-of-its-parent": "claims: &c\n- *c\n",
    "complex-key": "? [a, b]\n: 1\n",
    "complex-key-mapping": "claims:\n- ? {x: 1}\n  : y\n",
    "deep-nesting": "claims: " + "[" * 5000 + "]" * 5000 + "\n",
}


def refused(result: Result, *expected: str) -> str:
    """One 'Error:' line on stderr, bounded, exit 1 or 2, no traceback."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (1, 2), result.output
    lines = result.stderr.strip().splitlines()
    if result.exit_code == 2 and lines[0].startswith("Usage:"):  # click's usage, then the error
        lines = lines[-1:]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert len(lines[0]) <= len("Error: ") + MAX_ERROR
    for part in expected:
        assert part in lines[0], lines[0]
    return lines[0]


@pytest.mark.parametrize("name", YAML_BOMBS)
def test_yaml_bombs_are_refused_and_change_nothing(
    seeded: Engine, run: Runner, tmp_path: Path, name: str
) -> None:
    path = tmp_path / f"{name}.yaml"
    path.write_text(YAML_BOMBS[name], encoding="utf-8")
    before = snapshot(seeded)
    line = refused(run("load", str(path)), f"{path}:", "invalid YAML")
    assert "alias" in line or "key must be" in line or "nest" in line
    assert snapshot(seeded) == before


def test_a_file_past_the_size_bound_is_not_read(run: Runner, tmp_path: Path) -> None:
    # Sparse files: nothing that large is written to disk.
    big = tmp_path / "big.yaml"
    with big.open("wb") as f:
        f.truncate(MAX_DATA_BYTES + 1)
    refused(run("load", str(big)), str(big), "256 MiB")
    (tmp_path / "texts.yaml").write_text(
        "sources:\n- id: huge\n  outlet: X\n  title: T\n  file: huge.txt\n", "utf-8"
    )
    with (tmp_path / "huge.txt").open("wb") as f:
        f.truncate(MAX_TEXT_BYTES + 1)
    refused(run("load", str(tmp_path / "texts.yaml")), "huge.txt", "64 MiB")
    page = tmp_path / "page.html"
    with page.open("wb") as f:
        f.truncate(MAX_TEXT_BYTES + 1)
    refused(run("add", "source", str(page), "--outlet", "X", "--title", "T"), str(page), "64 MiB")


@pytest.mark.parametrize(
    "args",
    [
        ["by-actor", "N" * 10_000],
        ["show", "x" * 10_000],
        ["claims", "--topic", "t" * 10_000],
        ["search", '"' + "q" * 10_000],
    ],
    ids=["actor", "claim", "topic", "search"],
)
def test_errors_never_echo_unbounded_input(run: Runner, args: list[str]) -> None:
    line = refused(run(*args))
    assert "characters)" in line  # the value cut, its length said


def test_bad_ids_are_refused_where_they_stand(run: Runner, seeded: Engine, tmp_path: Path) -> None:
    before = snapshot(seeded)
    for bad in ["Upper-Case", "has space", "x'; DROP TABLE claims; --", "new\\nline", "a" * 101]:
        path = tmp_path / "bad-id.yaml"
        path.write_text(
            f'actors:\n- id: "{bad}"\n  name: Someone New\n  kind: person\n', encoding="utf-8"
        )
        line = refused(run("load", str(path)), f"{path}:2:")
        assert "is not a slug" in line or "at most 100 fit" in line
    assert snapshot(seeded) == before


def test_inputs_that_once_raised_tracebacks(run: Runner) -> None:
    refused(
        CliRunner().invoke(cli, ["--db", "postgresql://u:p@[::1/x", "claims"]),
        "is not a database URL",
    )
    refused(run("claims", "--limit", "99999999999999999999999"), "--limit")
    refused(run("search", "arms", "--limit", str(2**63)), "--limit")


def test_a_database_newer_than_the_program_says_so(seeded: Engine, run: Runner) -> None:
    with seeded.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0999'")
    before = snapshot(seeded)
    for args in (["contested"], ["db", "upgrade"], ["load", "seeds"]):
        refused(run(*args), "'0999'", "which this tracker does not know")
    assert snapshot(seeded) == before


def test_db_upgrade_backs_up_a_sqlite_file_first(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    engine = db.create(f"sqlite:///{path}")
    migrate.upgrade(engine, db.REVISIONS[-2])
    engine.dispose()
    result = CliRunner().invoke(cli, ["--db", str(path), "db", "upgrade"])
    assert result.exit_code == 0, result.output
    copies = list(tmp_path.glob(f"old.db.{db.REVISIONS[-2]}-*.bak"))
    assert len(copies) == 1 and f"backed up to {copies[0]}" in result.stdout
    with sqlite3.connect(copies[0]) as copy:
        assert copy.execute("SELECT version_num FROM alembic_version").fetchone() == (
            db.REVISIONS[-2],
        )
    copy.close()
    # Already current: nothing to back up.
    again = CliRunner().invoke(cli, ["--db", str(path), "db", "upgrade"])
    assert "backed up" not in again.stdout
    assert len(list(tmp_path.glob("old.db.*.bak"))) == 1


def test_revisions_are_alembics_history() -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.config())
    history = [r.revision for r in reversed(list(script.walk_revisions()))]
    assert list(db.REVISIONS) == history


# Each would command a terminal: set the title (OSC), clear the screen (CSI),
# ring the bell, return the carriage over what was printed, or (C1) open a CSI.
ESCAPES = ["\x1b]0;pwned\x07", "\x1b[2J", "\x07", "\roverwritten", "\x9b31m"]


@pytest.fixture
def hostile(engine: Engine, tmp_path: Path) -> Runner:
    """A claim, an actor and a source whose stored text carries terminal
    escapes. tracker refuses them on the way in (tests/test_checks.py), so
    they are written as another tool or an older tracker could have: in SQL."""
    (tmp_path / "article.txt").write_text("Officials said the convoy left. The end.", "utf-8")
    data = """
actors:
- id: ministry
  name: The Ministry
  kind: government
- id: rebels
  name: The Rebels
  kind: group
sources:
- id: article
  outlet: Example News
  title: Convoy
  file: article.txt
claims:
- id: convoy-left
  text: The convoy left.
  claimants: [ministry]
  stated: 2024-06-01
  topics: [convoys]
  appearances:
  - source: article
    quote: the convoy left
    type: paraphrase
- id: convoy-denied
  text: The convoy did not leave.
  claimants: [rebels]
  stated: 2024-06-02
  relations:
    denies: [convoy-left]
  appearances:
  - source: article
    quote: The end.
    type: paraphrase
"""
    (tmp_path / "data.yaml").write_text(data, encoding="utf-8")
    runner = Runner(engine.url.render_as_string(hide_password=False))
    loaded = runner("load", str(tmp_path / "data.yaml"))
    assert loaded.exit_code == 0, loaded.output
    escapes = "".join(ESCAPES)
    with engine.begin() as connection:
        for sql in (
            "UPDATE claims SET text = text || :e WHERE key = 'convoy-left'",
            "UPDATE actors SET name = name || :e WHERE key = 'ministry'",
            "UPDATE sources SET title = title || :e",
        ):
            connection.execute(text(sql), {"e": escapes})
    return runner


HUMAN = [
    ["show", "convoy-left"],
    ["claims"],
    ["contested"],
    ["by-actor", "ministry"],
    ["timeline"],
    ["search", "convoy"],
    ["sources"],
    ["actors"],
    ["claims", "-f", "github"],
    ["claims", "-f", "plain"],
]


@pytest.mark.parametrize("command", HUMAN, ids=" ".join)
def test_stored_text_never_commands_the_terminal(hostile: Runner, command: list[str]) -> None:
    result = hostile(*command)
    assert result.exit_code == 0, result.output
    controls = {c for c in result.stdout if ord(c) < 0x20 and c not in "\n\t"}
    controls |= {c for c in result.stdout if 0x7F <= ord(c) < 0xA0}
    assert not controls, sorted(controls)
    assert "␛" in result.stdout  # shown, not dropped


def test_json_and_csv_keep_the_text_exact(hostile: Runner) -> None:
    import csv
    import io
    import json

    shown = json.loads(hostile("show", "convoy-left", "-f", "json").stdout)
    assert shown["text"] == "The convoy left." + "".join(ESCAPES)
    # Piped, click would strip what looks like an ANSI sequence ("\x1b[2J"): not from data.
    csv_text = hostile("claims", "-f", "csv").stdout
    assert "".join(ESCAPES) in csv_text
    rows = list(csv.reader(io.StringIO(hostile("claims", "-f", "tsv").stdout), delimiter="\t"))
    assert any("\x1b[2J" in cell for row in rows for cell in row)


def test_error_lines_neutralise_what_they_quote(run: Runner) -> None:
    line = refused(run("claims", "--since", "2024\x1b]0;x\x07"))
    assert "\x1b" not in line and "\x07" not in line


@pytest.mark.skipif(os.name != "posix", reason="a terminal is a POSIX pty here")
def test_a_terminal_page_is_neutralised_too(hostile: Runner) -> None:
    from tests.test_streaming import _pty_run

    text = _pty_run(hostile.url, "claims")
    assert "\x1b]0;" not in text and "\x07" not in text and "␛" in text


@pytest.mark.parametrize("where", ["parent", "absolute", "symlink"])
def test_source_files_stay_inside_the_folder_loaded(
    engine: Engine, tmp_path: Path, where: str
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash", encoding="utf-8")
    folder = tmp_path / "data"
    folder.mkdir()
    reference = {"parent": "../secret.txt", "absolute": str(secret), "symlink": "link.txt"}[where]
    if where == "symlink":
        (folder / "link.txt").symlink_to(secret)
    (folder / "sources.yaml").write_text(
        f"sources:\n- id: leak\n  outlet: X\n  title: T\n  file: {reference}\n", encoding="utf-8"
    )
    runner = Runner(engine.url.render_as_string(hide_password=False))
    before = snapshot(engine)
    for args in (["load", str(folder)], ["load", str(folder / "sources.yaml")]):
        refused(runner(*args), f"{folder / 'sources.yaml'}:5:", "outside the folder being loaded")
    assert snapshot(engine) == before
    # Said explicitly, it is read.
    allowed = runner("load", "--allow-outside", str(folder))
    assert allowed.exit_code == 0, allowed.output
    assert "root:x:0:0" in runner("source", "leak").stdout


def test_a_folder_loaded_may_hold_texts_beside_its_subfolders(
    engine: Engine, tmp_path: Path
) -> None:
    """Loading a folder allows its whole tree: claims/ next to texts/."""
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "a.txt").write_text("The minister said the talks failed.", "utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "sources.yaml").write_text(
        "sources:\n- id: a\n  outlet: X\n  title: T\n  file: ../texts/a.txt\n", encoding="utf-8"
    )
    runner = Runner(engine.url.render_as_string(hide_password=False))
    assert runner("load", str(tmp_path)).exit_code == 0
    refused(runner("load", str(tmp_path / "sub")), "outside the folder being loaded")


# -- concurrent writers ---------------------------------------------------------------


def _loader(url: str, folder: Path, wait: str | None = None) -> subprocess.Popen[str]:
    env = dict(os.environ)
    if wait is not None:
        env["TRACKER_LOCK_WAIT"] = wait
    return subprocess.Popen(
        [sys.executable, "-m", "tracker", "--db", url, "load", str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_eight_concurrent_loaders_each_land_exactly_once(engine: Engine, tmp_path: Path) -> None:
    """Eight loads at once, each of its own claims: all wait their turn (on
    SQLite too, past its 5 s busy timeout) and every claim lands once."""
    folders = []
    for n in range(8):
        folder = tmp_path / f"part{n}"
        folder.mkdir()
        (folder / "article.txt").write_text(
            f"Report {n}. " + "The minister said no. " * 50, "utf-8"
        )
        claims = "".join(
            f"- id: part{n}-claim{i}\n  text: Claim {i} of part {n}.\n  claimants: [minister]\n"
            f"  appearances:\n  - source: article-{n}\n    quote: The minister said no.\n"
            f"    type: paraphrase\n    occurrence: {i + 1}\n"
            for i in range(40)
        )
        (folder / "data.yaml").write_text(
            "actors:\n- id: minister\n  name: The Minister\n  kind: person\n"
            f"sources:\n- id: article-{n}\n  outlet: X\n  title: Report {n}\n  file: article.txt\n"
            f"claims:\n{claims}",
            encoding="utf-8",
        )
        folders.append(folder)
    url = engine.url.render_as_string(hide_password=False)
    loaders = [_loader(url, folder) for folder in folders]
    results = [p.communicate(timeout=300) for p in loaders]
    for process, (_, err) in zip(loaders, results, strict=True):
        assert process.returncode == 0, err
    with engine.connect() as connection:
        keys = [k for (k,) in connection.execute(text("SELECT key FROM claims"))]
    assert sorted(keys) == sorted(f"part{n}-claim{i}" for n in range(8) for i in range(40))


def test_a_writer_that_waits_too_long_says_who_holds_the_lock(
    seeded: Engine, tmp_path: Path
) -> None:
    from tracker.record import lock

    before = snapshot(seeded)
    url = seeded.url.render_as_string(hide_password=False)
    with lock.write_connection(seeded):
        waiting = _loader(url, SEEDS_FOLDER, wait="1")
        _, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 1
    lines = err.strip().splitlines()
    assert lines[0].startswith("Waiting up to 1 s for the write lock")
    assert lines[-1].startswith("Error: ") and "still locked for writing after 1 s" in lines[-1]
    assert "nothing was changed" in lines[-1] and "TRACKER_LOCK_WAIT" in lines[-1]
    if seeded.dialect.name == "sqlite":
        assert f"held by pid {os.getpid()}" in lines[-1]
    else:
        assert "held by server process" in lines[-1]
    assert snapshot(seeded) == before


def test_a_writer_waits_past_the_busy_timeout(seeded: Engine) -> None:
    """SQLite gave up after its 5 s busy timeout: a writer now waits its turn."""
    import time

    from tracker.record import db, lock

    url = seeded.url.render_as_string(hide_password=False)
    with lock.write_connection(seeded):
        waiting = _loader(url, SEEDS_FOLDER)
        # Timed from the moment it says it waits (a busy machine may take
        # seconds just to start it), then past the busy timeout.
        assert waiting.stderr is not None
        ready, _, _ = select.select([waiting.stderr], [], [], 120)
        assert ready, "the loader never said it was waiting"
        said = waiting.stderr.readline()
        time.sleep(db.SQLITE_BUSY_TIMEOUT_MS / 1000 + 1.5)
    out, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, err
    assert said.startswith("Waiting up to 900 s for the write lock")
    assert "0 new, 0 updated" in out


# -- a load killed ----------------------------------------------------------------------


def test_a_load_killed_at_any_point_leaves_the_database_as_it_was(
    seeded: Engine, generated_data: Path, tmp_path: Path
) -> None:
    """SIGKILL at random points of a large load (1,500 claims over the seeds):
    the database opens, passes `tracker db check`, and holds exactly what it
    held before."""
    import random
    import signal
    import time

    url = seeded.url.render_as_string(hide_password=False)
    before = snapshot(seeded)
    # How long the whole load takes here, on a copy of the seeds' database.
    reference = tmp_path / "reference.db"
    CliRunner().invoke(cli, ["--db", str(reference), "load", str(SEEDS_FOLDER)])
    started = time.perf_counter()
    full = _loader(f"sqlite:///{reference}", generated_data)
    assert full.wait(timeout=600) == 0
    duration = time.perf_counter() - started
    points = sorted(random.Random(8).uniform(0.15, 0.9) * duration for _ in range(3))
    for point in points:
        process = _loader(url, generated_data)
        time.sleep(point)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        assert process.returncode == -signal.SIGKILL, f"the load ended before {point:.1f} s"
        checked = Runner(url)("db", "check")
        assert checked.exit_code == 0, checked.output
        assert snapshot(seeded) == before, f"killed at {point:.1f} s of {duration:.1f} s"


@pytest.mark.parametrize("where", ["claim", "source"])
def test_nul_is_refused_alike_on_both_backends(
    seeded: Engine, run: Runner, tmp_path: Path, where: str
) -> None:
    """SQLite stored a NUL that PostgreSQL refused with a bare CHECK message:
    one rule now, said with the file and line."""
    text_nul = "The minister\x00 said no." if where == "source" else "The minister said no."
    (tmp_path / "a.txt").write_text(text_nul, encoding="utf-8")
    claim_text = "No\\0 arms." if where == "claim" else "No arms."
    (tmp_path / "d.yaml").write_text(
        "sources:\n- id: nul-source\n  outlet: X\n  title: T\n  file: a.txt\n"
        f'claims:\n- id: nul-claim\n  text: "{claim_text}"\n  claimants: [matthew-miller]\n'
        "  appearances:\n  - source: nul-source\n    quote: said no\n",
        encoding="utf-8",
    )
    before = snapshot(seeded)
    line = refused(run("load", str(tmp_path / "d.yaml")), "control character (U+0000)")
    assert f"{tmp_path / 'd.yaml'}:" in line
    assert snapshot(seeded) == before


@pytest.mark.parametrize("char", ["\x1b", "\x07", "\x9b", "\x7f"])
def test_control_characters_are_refused_on_the_way_in(
    seeded: Engine, run: Runner, tmp_path: Path, char: str
) -> None:
    """In a data file and through a command alike: the same one-line refusal."""
    escaped = char.encode("unicode_escape").decode()
    path = tmp_path / "d.yaml"
    path.write_text(
        f'actors:\n- id: new-actor\n  name: "New{escaped}Actor"\n  kind: person\n', "utf-8"
    )
    before = snapshot(seeded)
    refused(run("load", str(path)), f"{path}:", "control character")
    refused(run("add", "actor", f"New{char}Actor", "--kind", "person"), "control character")
    assert snapshot(seeded) == before


@pytest.mark.parametrize(
    "args",
    [["by-actor", "\x00"], ["by-actor", "Mil\x00ler"], ["show", "miller\x00"], ["source", "a\x00"]],
    ids=["actor-nul", "actor-inner-nul", "claim-nul", "source-nul"],
)
def test_a_nul_in_a_name_or_id_is_not_found_alike(run: Runner, args: list[str]) -> None:
    """Found by Hypothesis: PostgreSQL refused a NUL as a parameter where
    SQLite looked it up. No id or name holds one: not found, on both."""
    result = run(*args)
    if args[1] == "Mil\x00ler":  # the NUL is a separator, like any control character
        assert result.exit_code == 0 and "Matthew Miller" in result.stdout
        return
    refused(result, "no ")
