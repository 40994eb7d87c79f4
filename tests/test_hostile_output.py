"""Output that cannot be written is one line, not a traceback, and a backup
is whole or absent; output stays what it claims to be (CSV, TSV, GitHub
Markdown), whatever the stored text holds."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.conftest import Runner, unchanged
from tests.test_hostile import refused

FULL = Path("/dev/full")
needs_full = pytest.mark.skipif(not FULL.exists(), reason="/dev/full is Linux's")


# -- output that cannot be written -----------------------------------------------------------


def test_export_to_a_folder_or_over_a_file_is_one_line(
    seeded: Engine, run: Runner, tmp_path: Path
) -> None:
    """IsADirectoryError and FileExistsError were tracebacks."""
    (tmp_path / "taken").write_text("not a folder", encoding="utf-8")
    with unchanged(seeded):
        refused(run("export", "-o", str(tmp_path)), f"cannot write {tmp_path}: it is a folder")
        for fmt in ("claimreview", "json"):
            refused(run("export", "-f", fmt, "-o", str(tmp_path)), "it is a folder")
        for fmt in ("csv", "yaml"):
            refused(
                run("export", "-f", fmt, "-o", str(tmp_path / "taken")),
                f"-f {fmt} writes a folder of files; {tmp_path / 'taken'} is a file",
            )
        refused(run("report", "-o", str(tmp_path)), str(tmp_path))
    assert (tmp_path / "taken").read_text("utf-8") == "not a folder"


@needs_full
@pytest.mark.parametrize(
    "args",
    [["export", "-o", str(FULL)], ["export", "-f", "claimreview", "-o", str(FULL)],
     ["report", "-o", str(FULL)]],
    ids=["json", "claimreview", "report"],
)  # fmt: skip
def test_a_full_device_is_one_line(seeded: Engine, run: Runner, args: list[str]) -> None:
    with unchanged(seeded):
        refused(run(*args), f"cannot write {FULL}: No space left on device")


@needs_full
@pytest.mark.parametrize(
    "args", [["claims"], ["claims", "-f", "json"], ["export"], ["report"], ["show", "x"]]
)
def test_a_full_standard_output_is_one_line(seeded: Engine, args: list[str]) -> None:
    """`tracker claims > /dev/full`: Python's own flush at exit printed
    'Exception ignored ... OSError: [Errno 28]'."""
    url = seeded.url.render_as_string(hide_password=False)
    with unchanged(seeded), FULL.open("w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "tracker", "--db", url, *args],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    lines = done.stderr.splitlines()
    if args == ["show", "x"]:  # an error before any output: said as it is
        assert done.returncode == 1 and lines[-1].startswith("Error: no claim")
        return
    assert done.returncode == 1, done.stderr
    assert lines == ["Error: cannot write standard output: No space left on device"]


def test_a_backup_is_whole_or_absent(
    seeded: Engine, run: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`export -o backup.json` on a full disk left a truncated, invalid file
    (measured on a 100 KiB tmpfs: 24,576 of 61,612 bytes). It is written to a
    temporary file beside it and renamed once whole."""
    from tracker.exchange import export as exporting

    backup = tmp_path / "backup.json"
    assert run("export", "--claim", "miller-arms-charge", "-o", str(backup)).exit_code == 0
    old = backup.read_bytes()
    real = exporting.write_json

    def disk_fills(session: object, scope: object, write: object) -> None:
        def failing(text: str) -> None:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        assert callable(write)
        write('{"tracker_export": 1, "act')  # some of it reaches the disk
        real(session, scope, failing)  # type: ignore[arg-type]

    monkeypatch.setattr(exporting, "write_json", disk_fills)
    with unchanged(seeded):
        refused(run("export", "-o", str(backup)), f"cannot write {backup}: No space left")
    assert backup.read_bytes() == old
    assert not list(tmp_path.glob(".backup.json.*"))  # no temporary file left
    monkeypatch.undo()
    # Written whole, through a link: the file linked to is replaced, the link kept.
    link = tmp_path / "latest.json"
    link.symlink_to(backup)
    assert run("export", "-o", str(link)).exit_code == 0
    assert link.is_symlink() and len(backup.read_bytes()) > len(old)
    umask = os.umask(0)
    os.umask(umask)
    assert backup.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's private 0600
