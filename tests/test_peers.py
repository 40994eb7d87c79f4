"""The hand-written peers of benchmarks/ print what tracker prints, and a
scale run stops when one does not: a ratio against other bytes measures nothing.

benchmarks/check_peers.py compares every command on the seeds, the edge cases
and generated data; this runs a telling few of them on both backends, so that
a field added to tracker's JSON and not to the peers fails here.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import check_peers  # noqa: E402
import scale  # noqa: E402

COMMANDS = [
    ["contested"],
    ["claims"],
    ["contested", "--limit", "3"],
    ["by-actor", "japan"],  # claims with verdicts, evidence and first appearances
    ["show", "edge-reviewed-charge"],  # each reviewer's latest; a correction of two fields
    ["show", "edge-former-2024"],  # two corrections
    ["show", "edge-official-2017"],  # claimants corrected
    ["show", "edge-tie-a"],  # an edit undone: no correction
    ["show", "edge-same-side"],  # a silent edit: no correction
    ["search", "denied"],
]


def test_the_peers_print_what_tracker_prints(database_url: str) -> None:
    check_peers.load(database_url, [check_peers.ROOT / "seeds"], edges=True)
    commands = COMMANDS + ([["contested-sql"]] if database_url.startswith("sqlite") else [])
    failed = [
        f"{' '.join(o.command)}\n{o.detail}"
        for o in (check_peers.compare("", database_url, c) for c in commands)
        if not o.ok
    ]
    assert failed == []
    shown = check_peers._run(
        [
            str(check_peers.TRACKER),
            "--db",
            database_url,
            "show",
            "edge-reviewed-charge",
            "-f",
            "json",
        ]
    ).stdout.decode()
    # The edge cases are there to be compared: verdicts, evidence, corrections.
    for field in ('"latest": true', '"latest": false', '"stance": "refutes"', "Corrected "):
        assert field in shown


def test_a_peer_that_differs_fails_the_scale_run(capsys: pytest.CaptureFixture[str]) -> None:
    rows: list[scale.Row] = []
    same = [sys.executable, "-c", "print(1)"]
    row = scale.pair(rows, 1, "sqlite", "same", same, same, "peer", repeat=2)
    assert row.same == "yes"
    other = [sys.executable, "-c", "print(2)"]
    with pytest.raises(SystemExit) as stopped:
        scale.pair(rows, 1, "sqlite", "differs", same, other, "peer", repeat=1)
    assert str(stopped.value.code).startswith("output differs: ")
    assert "print(2)" in str(stopped.value.code) and "\n" not in str(stopped.value.code)
    # An uncaught SystemExit with a message exits with status 1.
    done = check_peers._run(
        [
            sys.executable,
            "-c",
            "import sys; sys.path.insert(0, 'benchmarks'); import scale; "
            "raise scale.OutputDiffers('output differs: x against y')",
        ]
    )
    assert done.returncode == 1
    assert done.stderr.decode().strip() == "output differs: x against y"
