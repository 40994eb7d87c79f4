"""The web interface's small parts on their own: the runs quotes and matches
are cut into, the stream between a listing's reader and its client, and the
real `tracker serve` process."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import pytest
from sqlalchemy import Engine

from tests.conftest import Runner
from tracker.render.stream import Out
from tracker.web import streaming
from tracker.web.highlight import Span, runs


def test_runs_cut_at_every_edge_of_overlapping_spans() -> None:
    text = "Moscow and Pyongyang have denied arms transfers."
    a, b = Span(0, 20, "a"), Span(11, 32, "b")
    found = runs(text, [b, a, Span(40, 99, "out of the text"), Span(5, 5, "empty")])
    assert [r.text for r in found] == [
        "Moscow and ",
        "Pyongyang",
        " have denied",
        " arms transfers.",
    ]
    assert [[s.data for s in r.spans] for r in found] == [["a"], ["a", "b"], ["b"], []]
    assert [[s.data for s in r.first] for r in found] == [["a"], ["b"], [], []]
    assert "".join(r.text for r in found) == text
    assert [r.text for r in runs("", [])] == []


def test_a_stream_goes_as_it_is_written_and_stops_when_the_client_does() -> None:
    written: list[int] = []
    finished = threading.Event()

    def write(out: Out) -> None:
        try:
            for n in range(10_000):
                out.write("x" * 65_536)  # a chunk each time: Out's buffer is 64 KiB
                written.append(n)
        finally:
            finished.set()

    body = streaming.streamed(write)
    assert next(body) == b"x" * 65_536
    body.close()  # the client has gone
    assert finished.wait(10)
    # The reader was held by the small queue, then stopped: it never read on.
    assert len(written) < 20


def test_an_error_while_streaming_reaches_the_response() -> None:
    def write(out: Out) -> None:
        out.write("[")
        out.flush()
        raise RuntimeError("the database went away")

    body = streaming.streamed(write)
    assert next(body) == b"["
    with pytest.raises(RuntimeError, match="went away"):
        next(body)


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _get(url: str, deadline: float) -> tuple[int, bytes]:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.mark.parametrize(
    ("read_only", "workers"),
    [(False, 1), (True, 1), (True, 2)],
    ids=["writable", "read-only", "read-only-2-workers"],
)
def test_tracker_serve_serves(seeded: Engine, run: Runner, read_only: bool, workers: int) -> None:
    port = _port()
    args = ["--db", run.url, "serve", "--port", str(port), *(["--read-only"] if read_only else [])]
    args += ["--workers", str(workers)]
    process = subprocess.Popen(
        [sys.executable, "-c", "from tracker.cli import main; main()", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ),
    )  # fmt: skip
    try:
        status, body = _get(
            f"http://127.0.0.1:{port}/claims/miller-arms-charge.json", time.monotonic() + 30
        )
        assert status == 200
        assert body.decode() == run("show", "miller-arms-charge", "-f", "json").output
        status, page = _get(f"http://127.0.0.1:{port}/", time.monotonic() + 5)
        assert status == 200 and b"miller-arms-charge" in page
    finally:
        process.terminate()
        _, err = process.communicate(timeout=20)
    said = err.decode()
    mode = "read-only, no sign-in" if read_only else "sign-in when users exist"
    assert f"at http://127.0.0.1:{port}/ ({mode})" in said
    assert "Traceback" not in said
    # Each worker its own process, serving the same record.
    assert len(set(re.findall(r"Started server process \[(\d+)\]", said))) == workers


def test_only_a_read_only_server_runs_in_several_processes(run: Runner) -> None:
    refused = run("serve", "--workers", "2")
    assert refused.exit_code == 1
    assert refused.output.strip().endswith(
        "--workers takes --read-only: sign-in and its throttle live in one process"
    )
