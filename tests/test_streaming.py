"""Listings stream: rows go from the database to the output a batch at a
time, whatever the archive's size, and the JSON is byte for byte what the
standard library prints for the whole listing."""

from __future__ import annotations

import gc
import io
import json
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tests.conftest import Runner
from tracker.query import queries
from tracker.query.queries import ClaimFilter
from tracker.query.records import ClaimRecord
from tracker.record import batching
from tracker.render import views
from tracker.render.output import write_listing
from tracker.render.stream import Out, write_json

COMMANDS = [
    ["contested"],
    ["claims"],
    ["claims", "--limit", "3"],
    ["timeline", "--topic", "arms-transfers"],
    ["by-actor", "Moscow"],
    ["by-actor", "Nobody-who-claimed-anything-xyz"],
    ["actors"],
    ["sources"],
    ["show", "miller-arms-charge"],
    ["search", "arms"],
    ["topics"],
    ["contested", "--topic", "no-such-topic-at-all"],
]


def busiest_actor(session: Session) -> Any:
    """The actor with the most claims (ties: the first id)."""
    from sqlalchemy import func, select

    from tracker.record.models import Actor, Claimant

    found = session.scalars(
        select(Actor)
        .join(Claimant, Claimant.actor_id == Actor.id)
        .group_by(Actor.id)
        .order_by(func.count().desc(), Actor.key)
    ).first()
    assert found is not None
    return found


def stdlib(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_json_is_what_the_standard_library_prints(run: Runner, command: list[str]) -> None:
    result = run(*command, "-f", "json")
    if result.exit_code != 0:  # an unknown name or topic: said so, no JSON
        assert result.stderr.startswith("Error: ")
        return
    assert result.stdout == stdlib(json.loads(result.stdout))


HOSTILE = [
    {"a": 'quote " and \\ backslash', "b": "tab\there\nline", "c": "\x00\x1f\x7f"},
    {"emoji": "🙂", "rtl": "\u202eevil", "sep": "\u2028\u2029", "nbsp": "11\u00a0000"},
    {"empty_list": [], "empty_dict": {}, "nested": [[], [{}], {"x": [1, None, True]}]},
    {"n": -3, "big": 2**53, "none": None, "false": False},
]


def written(value: Any) -> str:
    parts: list[str] = []
    out = Out(parts.append)
    write_json(value, out)
    out.flush()
    return "".join(parts)


def test_hostile_values_encode_as_the_standard_library_does() -> None:
    assert written(HOSTILE) == stdlib(HOSTILE).rstrip("\n")
    assert written(iter(HOSTILE)) == stdlib(HOSTILE).rstrip("\n")
    assert written(iter([])) == "[]"
    assert written({"a": iter(HOSTILE), "b": iter([]), "c": 1}) == stdlib(
        {"a": HOSTILE, "b": [], "c": 1}
    ).rstrip("\n")


def held() -> int:
    """Claim records alive right now."""
    return sum(1 for o in gc.get_objects() if type(o) is ClaimRecord)


class Sampling(Out):
    """Output that counts the claim records alive each time it is flushed."""

    def __init__(self) -> None:
        self.text = io.StringIO()
        self.samples: list[int] = []
        super().__init__(self._sample)

    def _sample(self, text: str) -> None:
        self.samples.append(held())
        self.text.write(text)


@pytest.mark.parametrize("fmt", ["json", "csv", "tsv", "table"])
def test_a_listing_holds_a_batch_not_the_archive(
    generated: Engine, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    """1,500 generated claims in batches of 40: however far the output has
    got, at most two batches of records are alive (the one being written and
    the one being read)."""
    monkeypatch.setattr(batching, "BATCH", 40)
    monkeypatch.setattr("tracker.render.stream.GRID_ROWS", 40)
    monkeypatch.setattr("tracker.render.stream._FLUSH", 4096)
    with Session(generated) as session:
        total = queries.count_claims(session, ClaimFilter())
        assert total == 1500
        out = Sampling()
        claims = queries.iter_claims(session, ClaimFilter())
        write_listing(out, fmt, views.CLAIM_HEADERS, claims, views.claim_row, views.claim_dict)
        out.flush()
    assert len(out.samples) > 20
    assert max(out.samples) <= 2 * 40, out.samples
    text = out.text.getvalue()
    if fmt == "json":
        assert len(json.loads(text)) == total
    elif fmt in ("csv", "tsv"):
        assert len(text.strip("\n").split("\n")) >= total + 1


def test_by_actor_streams_both_lists(generated: Engine, monkeypatch: pytest.MonkeyPatch) -> None:

    from tracker.render.pages import write_actor_record

    monkeypatch.setattr(batching, "BATCH", 20)
    monkeypatch.setattr("tracker.render.stream._FLUSH", 2048)
    with Session(generated) as session:
        busiest = busiest_actor(session)
        record = queries.actor_record(session, busiest, stream=True)
        assert record.claim_count > 100
        out = Sampling()
        write_actor_record(out, record, "json")
        out.flush()
    data = json.loads(out.text.getvalue())
    assert len(data["claims"]) == record.claim_count
    assert len(data["counters"]) == record.counter_count
    assert max(out.samples) <= 2 * 20, out.samples


def test_iterating_reads_a_statement_per_collection_per_batch(
    generated: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import event

    statements: list[str] = []

    def count(*args: Any) -> None:
        if args[2] != "BEGIN":
            statements.append(args[2])

    monkeypatch.setattr(batching, "BATCH", 500)
    event.listen(generated, "before_cursor_execute", count)
    try:
        with Session(generated) as session:
            n = sum(1 for _ in queries.iter_claims(session, ClaimFilter()))
    finally:
        event.remove(generated, "before_cursor_execute", count)
    assert n == 1500
    # One for the claims, then per batch: claimants, topics, appearances,
    # relations in and out, the claimants of related claims (when any),
    # first appearances, reviews, evidence.
    assert len(statements) <= 1 + 3 * 9, len(statements)


def _pty_run(url: str, *args: str) -> str:
    import os
    import pty
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env["PYTHONIOENCODING"] = "utf-8"
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(sys.executable, [sys.executable, "-m", "tracker", "--db", url, *args], env)
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
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def ids_in(text: str, keys: set[str]) -> set[str]:
    import re

    return set(re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)+", text)) & keys


def test_a_terminal_is_shown_a_page_and_told_the_rest(generated: Engine) -> None:
    url = generated.url.render_as_string(hide_password=False)
    with Session(generated) as session:
        keys = {c.key for c in queries.iter_claims(session, ClaimFilter())}
        contests = queries.count_claims(session, ClaimFilter(challenged=True))
    paged = _pty_run(url, "claims")
    assert "… 1470 more claims (1500 in all): --limit N shows N, --all shows every one" in paged
    assert len(ids_in(paged, keys)) >= 30
    contested = _pty_run(url, "contested")
    assert f"… {contests - 30} more contests ({contests} in all)" in contested
    # --limit and --all on a terminal: what was asked, no footer.
    assert "more claims" not in _pty_run(url, "claims", "--limit", "40")
    everything = _pty_run(url, "claims", "--all")
    assert "more claims" not in everything and ids_in(everything, keys) == keys
    # Piped, the default table is complete.
    runner = Runner(url)
    piped = runner("claims").stdout
    assert "more claims" not in piped and ids_in(piped, keys) == keys
    both = runner("claims", "--limit", "3", "--all")
    assert both.exit_code == 2 and "give one of them" in both.stderr


def test_few_claims_on_a_terminal_have_no_footer(run: Runner) -> None:
    text = _pty_run(run.url, "contested")
    assert "more" not in text.splitlines()[-1]


def test_by_actor_takes_a_limit_and_pages_a_terminal(generated: Engine) -> None:

    with Session(generated) as session:
        busiest = busiest_actor(session).key
        everything = json.loads(Runner(generated.url.render_as_string(False))(
            "by-actor", busiest, "-f", "json").stdout)  # fmt: skip
    made = len(everything["claims"])
    assert made > 40
    url = generated.url.render_as_string(hide_password=False)
    limited = json.loads(Runner(url)("by-actor", busiest, "--limit", "7", "-f", "json").stdout)
    # The newest 7 of each list, in the complete listing's order.
    assert limited["claims"] == everything["claims"][:7]
    assert limited["counters"] == everything["counters"][:7]
    paged = _pty_run(url, "by-actor", busiest)
    assert f"… {made - 30} more claims ({made} in all)" in paged
    assert "more claims" not in _pty_run(url, "by-actor", busiest, "--all")


def test_by_actor_json_does_not_count_what_it_does_not_show(generated: Engine) -> None:
    """Counting an actor's claims costs as much as reading their ids: JSON,
    which shows no count, sends no count(*); the table's headings do."""
    from sqlalchemy import event

    from tracker.render.pages import write_actor_record

    sent: list[str] = []

    def record(*args: Any) -> None:
        sent.append(args[2])

    with Session(generated) as session:
        busiest = busiest_actor(session)
        event.listen(generated, "before_cursor_execute", record)
        try:
            for fmt, counts in (("json", 0), ("table", 2)):
                sent.clear()
                out = Sampling()
                found = queries.actor_record(session, busiest, stream=True, limit=5)
                write_actor_record(out, found, fmt)
                out.flush()
                assert sum("count(*)" in s for s in sent) == counts, fmt
        finally:
            event.remove(generated, "before_cursor_execute", record)
