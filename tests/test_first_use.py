"""What a new user met first (issue 17, "found tried as a new user would"),
each fixed and held here: a mistyped --db, paging and --limit/--all, piped
tables, NO_COLOR, the load summary on a narrow terminal, a closed pipe,
questions without a terminal, several removals at once, what export wrote,
and a reload of an unchanged export."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine

from tests.conftest import POSTGRES_URL, SEEDS, Runner, postgres_schema
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


# -- a terminal's page, and --limit with --all ----------------------------------------------


def on_terminal(url: str, *args: str, columns: int = 100, env: dict[str, str] | None = None) -> str:
    """What `tracker --db URL ARGS` prints on a pseudo-terminal `columns`
    wide (no COLUMNS variable), as a user at one sees it."""
    import fcntl
    import pty
    import struct
    import sys
    import termios

    environment = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    environment.update({"PYTHONIOENCODING": "utf-8", **(env or {})})
    pid, fd = pty.fork()
    if pid == 0:  # the child: the command, on the terminal
        os.execvpe(
            sys.executable, [sys.executable, "-m", "tracker", "--db", url, *args], environment
        )
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the child is gone: the terminal is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, b"".join(chunks).decode("utf-8", "replace")
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def test_a_terminal_is_shown_the_first_30_of_a_timeline(generated: Engine) -> None:
    url = generated.url.render_as_string(hide_password=False)
    run = Runner(url)
    shown = on_terminal(url, "timeline")
    total = len(json.loads(run("claims", "-f", "json").stdout))
    assert shown.rstrip("\n").endswith(
        f"… {total - 30} more claims ({total} in all): --limit N shows N, --all shows every one"
    )
    first = json.loads(run("timeline", "--limit", "30", "-f", "json").stdout)
    everything = [c["id"] for c in json.loads(run("timeline", "-f", "json").stdout)]
    assert len(everything) > len(first) >= 30  # the 30, and any claims countering them
    words = set(re.findall(r"[^\s│]+", shown))
    assert all(c["id"] in words for c in first)
    assert not set(everything) - {c["id"] for c in first} & words
    # --all on a terminal: every one, and no note.
    every = on_terminal(url, "timeline", "--all")
    assert "more claims" not in every and all(key in every for key in everything)


@pytest.mark.parametrize(
    "command", [["timeline"], ["claims"], ["contested"], ["by-actor", "Miller"], ["report"]]
)
def test_limit_and_all_together_are_a_usage_error(run: Runner, command: list[str]) -> None:
    result = run(*command, "--limit", "2", "--all")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "--all shows every one: give one of them" in result.stderr


# -- piped output ----------------------------------------------------------------------


LISTINGS = [
    ["claims"],
    ["contested"],
    ["timeline"],
    ["actors"],
    ["sources"],
    ["by-actor", "Putin"],
    ["search", "sanctions"],
]


@pytest.mark.parametrize("command", LISTINGS, ids=lambda c: c[0])
@pytest.mark.parametrize("columns", [None, "120"])
def test_a_piped_table_fits_80_columns_or_columns(
    run: Runner, monkeypatch: pytest.MonkeyPatch, command: list[str], columns: str | None
) -> None:
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    result = run(*command)
    assert result.exit_code == 0, result.output
    width = int(columns or 80)
    lines = result.stdout.splitlines()
    if command[0] == "by-actor":
        # The actor's own lines above its tables are prose, one line each to grep.
        lines = lines[next(n for n, line in enumerate(lines) if line.startswith("Claims by")) :]
    too_wide = [line for line in lines if len(line) > width]
    # Only a line that is one word longer than the width may outrun it.
    assert all(len(line.split()) == 1 for line in too_wide), too_wide
    ids = (
        {c["id"] for c in json.loads(run(*command, "-f", "json").stdout or "[]")}
        if (command[0] in ("claims", "contested", "timeline"))
        else set()
    )
    words = set(re.findall(r"[^\s│]+", result.stdout))
    assert ids <= words  # no id broken to fit


@pytest.mark.parametrize(
    "command",
    [["search", "sanctions"], ["source", "star-advertiser-20240618", "--quote", "denied arms"]],
    ids=lambda c: c[0],
)
def test_no_color_turns_off_bold_on_a_terminal(run: Runner, command: list[str]) -> None:
    assert "\x1b[1m" in on_terminal(run.url, *command)  # a terminal gets bold...
    plain = on_terminal(run.url, *command, env={"NO_COLOR": "1"})
    assert "\x1b" not in plain  # ...unless NO_COLOR says otherwise
    assert "sanctions" in plain.lower() or "»denied arms«" in plain
    # An empty NO_COLOR is no request (no-color.org).
    assert "\x1b[1m" in on_terminal(run.url, *command, env={"NO_COLOR": ""})


def test_the_load_summary_breaks_between_words_on_a_narrow_terminal(database_url: str) -> None:
    shown = on_terminal(database_url, "load", str(SEEDS), columns=60)
    lines = [line for line in shown.splitlines() if line.strip()]
    summary = [line for line in lines if "Reading" not in line and "Writing" not in line]
    assert all(len(line) <= 60 for line in summary), summary
    assert " ".join(line.strip() for line in summary) == (
        "loaded 3 file(s) — actors: 21 new, 0 updated, 0 unchanged; sources: 3 new, 0 updated,"
        " 0 unchanged; claims: 44 new, 0 updated, 0 unchanged"
    )
    assert len(summary) == 3 and all(line.startswith("  ") for line in summary[1:])
    # Piped, one line to grep.
    again = invoke("--db", database_url, "load", str(SEEDS))
    assert again.stdout.count("\n") == 1 and "0 updated, 44 unchanged" in again.stdout


# -- a reader that goes away -------------------------------------------------------------


@pytest.mark.parametrize("command", [["claims"], ["claims", "-f", "json"], ["export"]])
def test_a_closed_pipe_ends_the_command_quietly(generated: Engine, command: list[str]) -> None:
    """`tracker claims | head`: the output stops where the reader did, with no
    traceback or message, and the status a tool killed by SIGPIPE reports."""
    import subprocess
    import sys

    url = generated.url.render_as_string(hide_password=False)
    child = subprocess.Popen(
        [sys.executable, "-m", "tracker", "--db", url, *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None and child.stderr is not None
    assert child.stdout.read(200)  # what `head -c 200` reads
    child.stdout.close()
    stderr = child.stderr.read()
    assert child.wait(timeout=120) == 141
    assert stderr == b""


# -- questions, removals, what was written ------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["merge-actors", "vladimir-putin", "yuri-ushakov"],
        ["remove", "claim", "miller-putin-desperate"],
        ["remove", "actor", "ani"],
    ],
    ids=lambda c: c[0] + (f" {c[1]}" if c[0] == "remove" else ""),
)
def test_without_a_terminal_a_question_says_there_was_none(
    run: Runner, seeded: Engine, command: list[str]
) -> None:
    before = json.loads(run("export").stdout)
    result = run(*command)  # CliRunner's standard input is no terminal
    assert result.exit_code == 2
    assert "There is no terminal to ask on (standard input is not one):" in result.stderr
    assert "add --yes to do it without asking." in result.stderr
    assert json.loads(run("export").stdout) == before


def _claim_ids(run: Runner) -> set[str]:
    return {c["id"] for c in json.loads(run("export").stdout)["claims"]}


def test_remove_claim_takes_several_ids_in_one_transaction(run: Runner) -> None:
    before = _claim_ids(run)
    # The denial answers the charge: removed together, no --with-relations needed.
    gone = ["miller-arms-charge", "moscow-pyongyang-deny-arms", "miller-putin-desperate"]
    result = run("remove", "claim", *gone, "--yes")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "removed claim miller-arms-charge and its 2 relation(s)",  # restates, denied by
        "removed claim moscow-pyongyang-deny-arms and its 4 relation(s)",
        "removed claim miller-putin-desperate and its 0 relation(s)",
    ]
    assert _claim_ids(run) == before - set(gone)


def test_remove_claim_of_several_removes_none_when_one_is_refused(run: Runner) -> None:
    before = json.loads(run("export").stdout)
    # Another claim answers the second, and stays.
    refused = run("remove", "claim", "miller-putin-desperate", "us-sanctions-transfers", "--yes")
    assert refused.exit_code == 1
    assert "claim 'us-sanctions-transfers' is answered by 1 claim(s)" in refused.stderr
    unknown = run("remove", "claim", "miller-putin-desperate", "no-such-claim", "--yes")
    assert unknown.exit_code == 1 and "no-such-claim" in unknown.stderr
    assert json.loads(run("export").stdout) == before


def test_remove_claim_of_several_in_json_is_a_list(run: Runner) -> None:
    one = run("remove", "claim", "miller-putin-desperate", "--yes", "-f", "json")
    assert json.loads(one.stdout)["id"] == "miller-putin-desperate"  # one: the object, as before
    several = run(
        "remove", "claim", "ushakov-talks-agenda", "ushakov-visit-dates", "--yes", "-f", "json"
    )
    assert [(r["action"], r["id"]) for r in json.loads(several.stdout)] == [
        ("removed", "ushakov-talks-agenda"),
        ("removed", "ushakov-visit-dates"),
    ]


@pytest.mark.parametrize(
    ("fmt", "target", "said"),
    [
        ("json", "backup.json", "exported 21 actors, 3 sources, 44 claims to {out}"),
        ("claimreview", "reviews.json", "exported 21 actors, 3 sources, 44 claims to {out}"),
        ("yaml", "data", "exported 21 actors, 3 sources, 44 claims to 3 file(s) in {out}"),
    ],
)
def test_export_to_a_file_says_what_it_wrote(
    run: Runner, tmp_path: Path, fmt: str, target: str, said: str
) -> None:
    out = tmp_path / target
    result = run("export", "-f", fmt, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""  # the data went to the file; the word to stderr
    assert result.stderr == said.format(out=out) + "\n"
    assert out.exists()
    # To standard output, the data alone.
    if fmt != "yaml":
        assert run("export", "-f", fmt).stderr == ""


# -- an unchanged export, loaded again ------------------------------------------------------


def _reload_export(engine: Engine, tmp_path: Path) -> str:
    from tracker.ingest.load import load_paths

    url = engine.url.render_as_string(hide_password=False)
    exported = invoke("--db", url, "export", "-f", "yaml", "-o", str(tmp_path / "export"))
    assert exported.exit_code == 0, exported.output
    return load_paths(engine, [tmp_path / "export"]).summary()


def test_reloading_an_unchanged_yaml_export_changes_nothing(seeded: Engine, tmp_path: Path) -> None:
    """The seeds list a claim's relations in an order of their own; the export
    writes them grouped by relation: the same relations, nothing to update."""
    assert _reload_export(seeded, tmp_path) == (
        "loaded 3 file(s) — actors: 0 new, 0 updated, 21 unchanged;"
        " sources: 0 new, 0 updated, 3 unchanged; claims: 0 new, 0 updated, 44 unchanged"
    )


def test_reloading_an_unchanged_export_of_generated_data_changes_nothing(
    generated: Engine, tmp_path: Path
) -> None:
    summary = _reload_export(generated, tmp_path)
    assert " 0 updated" in summary and all(
        part.split(", ")[:2] == [part.split(": ")[0] + ": 0 new", "0 updated"]
        for part in summary.split(" — ")[1].split("; ")
    ), summary


# -- ClaimReview's type for an unnamed source ----------------------------------------------


def test_claimreview_gives_an_unnamed_source_no_person_and_reads_it_back(
    run: Runner, tmp_path: Path
) -> None:
    """The walkthrough's unnamed source (README): an Organization marked
    unnamed, never a Person; imported elsewhere, an unnamed actor again."""
    steps = [
        ["add", "actor", "Officials speaking to the Daily Example on condition of anonymity",
         "--kind", "unnamed", "--id", "daily-example-officials"],
        ["add", "claim", "--by", "daily-example-officials", "--on", "2025-03-03",
         "--id", "tankers-under-escort", "--text", "Three tankers crossed under escort.",
         "--source", "polskie-radio-20240618", "--quote", "weapons deliveries"],
    ]  # fmt: skip
    for step in steps:
        result = run(*step)
        assert result.exit_code == 0, result.output
    out = tmp_path / "reviews.json"
    assert run("export", "-f", "claimreview", "--claim", "tankers-under-escort", "-o", str(out))
    nodes = [
        n for n in json.loads(out.read_text()) if n.get("tracker:id") == "tankers-under-escort"
    ]
    assert nodes[0]["author"] == {
        "@type": "Organization",
        "name": "Officials speaking to the Daily Example on condition of anonymity",
        "tracker:kind": "unnamed",
    }
    # Read into an empty database of the same backend: an unnamed actor again.
    from contextlib import nullcontext

    elsewhere = (
        postgres_schema()
        if run.url.startswith("postgresql")
        else nullcontext((f"sqlite:///{tmp_path / 'elsewhere.db'}", ""))
    )
    with elsewhere as (url, _):
        other = Runner(url)
        imported = other("import", str(out), "-f", "claimreview")
        assert imported.exit_code == 0, imported.output
        actors = json.loads(other("actors", "-f", "json").stdout)
    assert [a["kind"] for a in actors if a["name"].startswith("Officials")] == ["unnamed"]
