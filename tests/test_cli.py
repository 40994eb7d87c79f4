"""The command line on the seed dataset: every command, format and error path."""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from tests.conftest import SEEDS, Runner
from tracker.cli import cli
from tracker.record import db
from tracker.render.formats import FORMATS

CLAIM_KEYS = {"id", "text", "claimants", "stated_on", "status", "appearances", "counter_claims"}
# The contests of the seed dataset, newest first: every claim the Moscow/Pyongyang
# denial answers (the denial itself is contested too, but heads no contest).
CONTESTED = [
    "miller-arms-charge",
    "us-sanctions-transfers",
    "trilateral-arms-supply",
    "trilateral-deliveries-completed",
    "us-skorea-arms-concern",
]


def command_paths(group: click.Group = cli, prefix: tuple[str, ...] = ()) -> list[list[str]]:
    """Every command and group, as the words that name it."""
    found = []
    for name, command in sorted(group.commands.items()):
        found.append([*prefix, name])
        if isinstance(command, click.Group):
            found += command_paths(command, (*prefix, name))
    return found


COMMANDS = command_paths()


def invoke(*args: str) -> Result:
    """The CLI without --db; an unexpected exception fails the test, not exit 1."""
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def as_json(result: object) -> object:
    assert getattr(result, "exit_code", None) == 0, getattr(result, "output", "")
    return json.loads(result.stdout)  # type: ignore[attr-defined]


def test_contested_table_shows_claims_and_counter_claims(
    run: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    result = run("contested")
    assert result.exit_code == 0
    for key in CONTESTED:
        assert key in result.stdout
    assert "denied by Russian government" in result.stdout
    # The denial answers every contest, and heads none of its own.
    assert result.stdout.count("│ moscow-pyongyang-deny-arms") == 0
    assert "Matthew Miller" in result.stdout


def readable_at(text: str, columns: int, claims: list[dict[str, object]]) -> None:
    """No line wider than the terminal, no id broken, no word of a claim split."""
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= columns, max(lines, key=len)
    words = set(re.findall(r"[^\s│]+", text))
    for claim in claims:
        assert claim["id"] in words, claim["id"]
        for word in str(claim["text"]).split():
            assert word in words, (claim["id"], word)
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", text)


@pytest.mark.parametrize("columns", [80, 120, 200])
@pytest.mark.parametrize("command", [["contested"], ["claims", "--topic", "putin-visit"]])
def test_the_default_table_is_readable_at_any_width(
    run: Runner, monkeypatch: pytest.MonkeyPatch, columns: int, command: list[str]
) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    text = run(*command).stdout
    claims = as_json(run(*command, "-f", "json"))
    assert isinstance(claims, list) and claims
    readable_at(text, columns, claims)
    # Wide enough, a grid; narrower, a record per block.
    assert text.startswith("┌") == (columns >= 200)


def test_the_table_fits_a_real_terminal(run: Runner) -> None:
    """Under a pseudo-terminal of 80 columns (no COLUMNS variable): what a
    user of a narrow terminal, tmux pane or CI log sees."""
    import fcntl
    import os
    import pty
    import struct
    import termios

    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env["PYTHONIOENCODING"] = "utf-8"
    pid, fd = pty.fork()
    if pid == 0:  # the child: the command, on the terminal
        os.execvpe(
            sys.executable,
            [sys.executable, "-m", "tracker", "--db", run.url, "contested"],
            env,
        )
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 80, 0, 0))
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.waitpid(pid, 0)
    text = b"".join(chunks).decode("utf-8").replace("\r\n", "\n")
    claims = as_json(run("contested", "-f", "json"))
    assert isinstance(claims, list)
    readable_at(text, 80, claims)
    assert not text.startswith("┌")


def test_tsv_is_not_padded(run: Runner) -> None:
    lines = run("contested", "-f", "tsv").stdout.splitlines()
    assert lines[0].split("\t") == ["ID", "Claim", "By", "Stated", "Sources", "Status", "Contest"]
    assert not any("  " in cell for line in lines for cell in line.split("\t"))
    assert all(line.count("\t") == 6 for line in lines)


def test_contested_json_contract(run: Runner) -> None:
    claims = as_json(run("contested", "-f", "json"))
    assert isinstance(claims, list) and [c["id"] for c in claims] == CONTESTED
    miller = claims[0]
    assert set(miller) >= CLAIM_KEYS
    assert miller["id"] == "miller-arms-charge"
    assert miller["claimants"][0]["name"] == "Matthew Miller"
    assert miller["stated_on"] == "2024-06-17"
    assert miller["status"] == "contested"
    appearance = miller["appearances"][0]
    assert {"source", "outlet", "quote", "start", "end"} <= set(appearance)
    assert appearance["outlet"] == "Honolulu Star-Advertiser"
    assert appearance["end"] - appearance["start"] == len(appearance["quote"])
    counter = miller["counter_claims"][0]
    assert counter["id"] == "moscow-pyongyang-deny-arms"
    assert counter["relation"] == "denies"
    assert [c["name"] for c in counter["claimants"]] == [
        "Russian government",
        "North Korean government",
    ]
    assert counter["text"]


def test_contested_csv_parses(run: Runner) -> None:
    result = run("contested", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["ID"] for r in rows] == CONTESTED
    assert rows[0]["Contest"].startswith("denied by Russian government")


class TableParser(HTMLParser):
    """Rows of cell texts of every <table> in an HTML document."""

    def __init__(self) -> None:
        super().__init__()
        self.tables = 0
        self.rows: list[list[str]] = []
        self.header_cells = 0
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables += 1
        elif tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.header_cells += tag == "th"
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


@pytest.mark.parametrize("fmt", ["github", "plain", "grid", "html", "tsv"])
def test_any_tabulate_format(run: Runner, fmt: str) -> None:
    result = run("contested", "--format", fmt)
    assert result.exit_code == 0
    for key in CONTESTED:
        assert key in result.stdout, key
    if fmt == "html":
        parser = TableParser()
        parser.feed(result.stdout)
        parser.close()
        header, *body = parser.rows
        assert parser.tables == 1 and len(parser.rows) == 1 + len(CONTESTED)
        assert header[0] == "ID" and parser.header_cells == len(header)
        assert all(len(row) == len(header) for row in body)
        assert [row[0] for row in body] == CONTESTED
    if fmt == "github":
        lines = result.stdout.splitlines()
        assert all(line.count("|") == lines[0].count("|") for line in lines)


def test_format_choices_include_tabulate_json_csv() -> None:
    assert {"table", "json", "csv", "github", "simple_grid"} <= set(FORMATS)


def test_contested_filters(run: Runner) -> None:
    def ids(*args: str) -> list[str]:
        return [c["id"] for c in as_json(run("contested", "-f", "json", *args))]  # type: ignore[union-attr, index]

    assert ids("--actor", "Pyongyang", "--relation", "denies") == CONTESTED
    assert ids("--actor", "miller") == ["miller-arms-charge"]
    assert ids("--since", "2024") == ["miller-arms-charge", "us-sanctions-transfers"]
    assert ids("--until", "2023-10") == [
        "trilateral-arms-supply",
        "trilateral-deliveries-completed",
    ]
    assert ids("--topic", "arms-transfers", "--limit", "1") == ["miller-arms-charge"]
    assert ids("--relation", "disputes") == []


def test_empty_result_says_so(run: Runner) -> None:
    result = run("contested", "--topic", "transport")
    assert result.exit_code == 0
    assert result.stdout.strip() == "No contested claims match."
    assert as_json(run("contested", "--topic", "transport", "-f", "json")) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["contested", "--topic", "arms-transfer"], "no claim has the topic 'arms-transfer'."
         " Nearest: arms-transfers"),
        (["claims", "--source", "star-advertiser"], "no source with id 'star-advertiser'."
         " Did you mean star-advertiser-20240618?"),
        (["show", "miller-arms-charg"], "no claim with id 'miller-arms-charg'."
         " Did you mean miller-arms-charge?"),
    ],
)  # fmt: skip
def test_a_mistyped_topic_source_or_id_names_the_nearest(
    run: Runner, args: list[str], message: str
) -> None:
    result = run(*args)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {message}") and result.stderr.count("\n") == 1


def test_topics_count_their_claims(run: Runner) -> None:
    topics = as_json(run("topics", "-f", "json"))
    assert isinstance(topics, list)
    counts = {t["topic"]: t["claims"] for t in topics}
    claims = as_json(run("claims", "-f", "json"))
    assert isinstance(claims, list)
    for topic, n in counts.items():
        assert n == sum(topic in c["topics"] for c in claims), topic
    assert [t["claims"] for t in topics] == sorted(counts.values(), reverse=True)


def test_the_source_filter(run: Runner) -> None:
    claims = as_json(run("claims", "--source", "polskie-radio-20240618", "-f", "json"))
    assert isinstance(claims, list) and claims
    assert all("polskie-radio-20240618" in {a["source"] for a in c["appearances"]} for c in claims)


def test_timeline_is_oldest_first_with_the_counter_claims(run: Runner) -> None:
    found = as_json(run("timeline", "--actor", "Miller", "-f", "json"))
    assert isinstance(found, list)
    ids = [c["id"] for c in found]
    # Miller's three claims of 2024-06-17, then the undated denial answering one.
    assert ids[-1] == "moscow-pyongyang-deny-arms"
    assert set(ids[:-1]) == {
        "miller-arms-charge",
        "miller-putin-desperate",
        "miller-putin-seeks-equipment",
    }
    text = run("timeline", "--topic", "arms-transfers", "-f", "plain").stdout
    lines = [
        line for line in text.splitlines()[1:] if line[:1].isdigit() or line.startswith("undated")
    ]
    days = [line.split()[0] for line in lines]
    dated = [d for d in days if d != "undated"]
    assert dated == sorted(dated) and days.index("undated") == len(dated)
    assert "2023-10" in dated  # a month stays a month


def test_source_prints_the_text_and_passages_with_offsets(run: Runner) -> None:
    text = (SEEDS / "002_75e8f458d8cc0dcf.txt").read_text(encoding="utf-8")
    whole = run("source", "star-advertiser-20240618")
    assert whole.stdout == text if text.endswith("\n") else whole.stdout == text + "\n"
    found = run(
        "source", "star-advertiser-20240618", "--quote", "denied arms transfers", "--context", "10"
    )
    start = text.index("denied arms transfers")
    assert found.stdout.startswith(f"{start}-{start + 21} of ")
    line = next(row for row in found.stdout.splitlines() if "»denied arms transfers«" in row)
    offset = int(line.split("│")[0])
    assert text[offset:].startswith("Moscow and Pyongyang have denied")
    around = run("source", "ani-20240618", "--around", "100", "--context", "0")
    assert "offset 100" in around.stdout.splitlines()[0]
    # A quote that recurs: every place it does, in order, each with its offset.
    places = [m.start() for m in re.finditer(r"\bPyongyang\b", text)]
    every = run("source", "star-advertiser-20240618", "--quote", "Pyongyang", "--context", "5")
    heads = [row for row in every.stdout.splitlines() if " of " in row and row.endswith(":")]
    assert heads == [f"{n} of {len(places)}, at {at}:" for n, at in enumerate(places, 1)]
    bad = run("source", "ani-20240618", "--quote", "not in the text at all")
    assert bad.exit_code == 1 and "closest passage" in bad.stderr


def test_bad_date_is_a_usage_error(run: Runner) -> None:
    result = run("contested", "--since", "June")
    assert result.exit_code == 2
    assert "is not a date" in result.stderr


def test_claims_lists_everything_with_status(run: Runner) -> None:
    claims = as_json(run("claims", "-f", "json"))
    assert isinstance(claims, list) and len(claims) == 44
    statuses = {c["id"]: c["status"] for c in claims}
    # A denial is in contest with what it denies, with no reverse relation in the data.
    assert statuses["moscow-pyongyang-deny-arms"] == "contested"
    assert statuses["putin-good-relations"] == "uncontested"
    only = as_json(run("claims", "-f", "json", "--status", "contested", "--actor", "Pyongyang"))
    assert [c["id"] for c in only] == [*CONTESTED[:4], "moscow-pyongyang-deny-arms", CONTESTED[4]]  # type: ignore[union-attr, index]


def test_by_actor_json(run: Runner) -> None:
    data = as_json(run("by-actor", "Moscow", "-f", "json"))
    assert isinstance(data, dict)
    assert data["actor"]["name"] == "Russian government"
    assert "Moscow" in data["actor"]["aliases"]
    claimed = [c["id"] for c in data["claims"]]
    assert "moscow-pyongyang-deny-arms" in claimed
    countered = [c["id"] for c in data["counters"]]
    assert "miller-arms-charge" in countered
    assert all(set(c) >= CLAIM_KEYS for c in data["claims"] + data["counters"])


def test_by_actor_table_and_members(run: Runner) -> None:
    result = run("by-actor", "Vladamir Putin")
    assert result.exit_code == 0
    assert result.stdout.startswith("Vladimir Putin (person)")
    assert "Claims by Vladimir Putin (10)" in result.stdout
    members = run("by-actor", "united states", "--include-members", "-f", "json")
    data = as_json(members)
    assert "miller-arms-charge" in [c["id"] for c in data["claims"]]  # type: ignore[index]
    assert "Matthew Miller" in [m["name"] for m in data["actor"]["members"]]  # type: ignore[index]


def test_by_actor_csv_marks_the_side(run: Runner) -> None:
    rows = list(csv.DictReader(io.StringIO(run("by-actor", "Pyongyang", "-f", "csv").stdout)))
    assert {r["Side"] for r in rows} == {"claimed", "counters"}


def test_ambiguous_name_exits_2_with_candidates(run: Runner) -> None:
    result = run("by-actor", "Korea")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: 'Korea' matches")
    assert "North Korean government" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_unknown_name_exits_1_with_suggestions(run: Runner) -> None:
    result = run("contested", "--actor", "Zelensky")
    assert result.exit_code == 1
    assert "Nearest:" in result.stderr


def test_show_thread(run: Runner) -> None:
    result = run("show", "moscow-pyongyang-deny-arms")
    assert result.exit_code == 0
    assert result.stdout.startswith("moscow-pyongyang-deny-arms [contested]")
    assert "Relations (5)" in result.stdout
    unwrapped = run("show", "moscow-pyongyang-deny-arms", "-f", "github").stdout
    assert "| Moscow and Pyongyang have denied arms transfers |" in unwrapped
    data = as_json(run("show", "miller-arms-charge", "-f", "json"))
    directions = {(r["direction"], r["relation"], r["id"]) for r in data["relations"]}  # type: ignore[index]
    assert ("in", "denies", "moscow-pyongyang-deny-arms") in directions
    assert ("out", "restates", "trilateral-arms-supply") in directions
    assert data["appearances"][0]["prefix"] == " that North Korea had supplied “"  # type: ignore[index]


def test_show_unknown_claim(run: Runner) -> None:
    result = run("show", "no-such-claim")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no claim with id 'no-such-claim'.")


def test_actors_and_sources(run: Runner) -> None:
    actors = as_json(run("actors", "-f", "json"))
    by_id = {a["id"]: a for a in actors}  # type: ignore[union-attr, index]
    assert by_id["matthew-miller"]["claims"] == 3
    assert by_id["russia"]["counters"] == 5
    assert by_id["kcna"]["aliases"] == ["KCNA", "KNCA"]
    sources = as_json(run("sources", "-f", "json"))
    assert next(s["id"] for s in sources).endswith("20240618")  # type: ignore[union-attr, index]
    assert {s["outlet"] for s in sources} >= {"Honolulu Star-Advertiser"}  # type: ignore[union-attr, index]
    assert "Reuters" in run("sources").stdout


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_examples(command: list[str]) -> None:
    result = invoke(*command, "--help")
    assert result.exit_code == 0
    assert "Examples:" in result.output, command


def test_every_command_is_in_the_readme() -> None:
    readme = (SEEDS.parent / "README.md").read_text(encoding="utf-8")
    missing = [" ".join(c) for c in COMMANDS if f"tracker {' '.join(c)}" not in readme]
    assert missing == []


def test_db_commands(database_url: str) -> None:
    run = Runner(database_url)
    before = run("db", "current")
    if database_url.startswith("sqlite"):  # no file yet: nothing to ask, nothing made
        assert before.exit_code == 1 and "no database at" in before.output
    else:
        assert before.exit_code == 0 and "revision: none (empty database)" in before.stdout
    up = run("db", "upgrade")
    assert up.exit_code == 0 and f"-> {db.SCHEMA_REVISION}" in up.stdout
    again = run("db", "upgrade")
    assert again.exit_code == 0
    assert f"already at revision {db.SCHEMA_REVISION}" in again.stdout


def test_environment_variable_and_bare_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "via-env.db"
    monkeypatch.setenv("TRACKER_DATABASE_URL", str(path))
    result = invoke("load", str(SEEDS))
    assert result.exit_code == 0, result.output
    assert path.is_file()


def test_default_database_location(tmp_path: Path) -> None:
    result = invoke("load", str(SEEDS))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "xdg" / "tracker" / "tracker.db").is_file()
    assert "miller-arms-charge" in invoke("contested").stdout


def test_password_never_shown() -> None:
    url = "postgresql+psycopg://someone:s3cr3t-pw@127.0.0.1:1/nowhere"
    result = invoke("--db", url, "contested")
    assert result.exit_code == 1
    assert "s3cr3t-pw" not in result.output
    assert result.stderr.startswith("Error: ")


def test_a_password_the_driver_repeats_is_scrubbed() -> None:
    """The server names the database it cannot find: here that name is the
    password, so only the scrubber keeps it off the screen."""
    from sqlalchemy.engine import make_url

    from tests.conftest import POSTGRES_URL

    if not POSTGRES_URL:
        pytest.skip("PostgreSQL: set TRACKER_TEST_POSTGRES_URL to run on a server")
    server = make_url(POSTGRES_URL)
    secret = "pw-4b1d-s3cret"
    url = server.set(password=secret, database=secret).render_as_string(hide_password=False)
    result = invoke("--db", url, "contested")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and "does not exist" in result.stderr
    assert secret not in result.output and "***" in result.stderr


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0 and "tracker" in result.stdout


def test_python_dash_m_runs_the_cli() -> None:
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "tracker", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.startswith("tracker, version ")
