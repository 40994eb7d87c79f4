"""The README's examples are real: each `$ tracker ...` block is what the command prints
on the seed dataset (so the docs cannot drift from the code)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tests.conftest import Runner

README = Path(__file__).resolve().parent.parent / "README.md"
_BLOCK = re.compile(r"```console\n(.*?)```", re.S)


def examples() -> list[tuple[list[str], int | None, str]]:
    """(arguments, `| head -N` or None, expected output) for each example."""
    found = []
    for block in _BLOCK.findall(README.read_text(encoding="utf-8")):
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, output = chunk.partition("\n")
            head = re.search(r"\| head -(?:n )?(\d+)$", command)
            words = shlex.split(command.split("|")[0])
            if words[:2] == ["tracker", "load"]:
                continue  # depends on the database's state before; tests/test_load.py covers it
            found.append((words[1:], int(head[1]) if head else None, output))
    return found


def test_the_readme_has_examples() -> None:
    commands = {args[0] for args, _, _ in examples()}
    assert {"contested", "claims", "by-actor", "show", "sources", "actors"} <= commands


@pytest.mark.parametrize(("args", "head", "expected"), examples(), ids=lambda v: str(v)[:40])
def test_readme_example(
    run: Runner, monkeypatch: pytest.MonkeyPatch, args: list[str], head: int | None, expected: str
) -> None:
    monkeypatch.setenv("COLUMNS", "150")
    result = run(*args)
    printed = result.stdout + result.stderr
    if head is not None:
        printed = "".join(printed.splitlines(keepends=True)[:head])
    assert printed == expected


def test_the_python_api_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """README's Python API block, run as written (in a folder of its own, with
    the seeds beside it), prints the JSON contract's claim objects."""
    import contextlib
    import io
    import shutil

    block = re.search(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert block is not None
    shutil.copytree(README.parent / "seeds", tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(block[1], "README.md", "exec"), {})
    lines = printed.getvalue().splitlines()
    assert lines and all(line.startswith("{'id': ") for line in lines)
    assert "'id': 'miller-arms-charge'" in lines[0]


_WALKTHROUGH = re.compile(r"```shell-session\n(.*?)```", re.S)


def walkthrough() -> list[tuple[list[str], int | None, str]]:
    """(arguments, `| head -N` or None, expected output) of the quick start, in order."""
    steps = []
    for block in _WALKTHROUGH.findall(README.read_text(encoding="utf-8")):
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, output = chunk.partition("\n")
            head = re.search(r"\| head -(?:n )?(\d+)$", command)
            steps.append(
                (shlex.split(command.split(" | ")[0])[1:], int(head[1]) if head else None, output)
            )
    return steps


def test_the_quick_start_runs_as_written(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From an HTML article to a contested claim and a report, on an empty
    database, every command printing what the README shows."""
    steps = walkthrough()
    assert [args[:2] for args, _, _ in steps][:1] == [["add", "source"]]
    assert any(args[0] == "report" for args, _, _ in steps)
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.chdir(README.parent)
    run = Runner(database_url)
    for args, head, expected in steps:
        result = run(*args)
        printed = result.stdout + result.stderr
        if head is not None:
            printed = "".join(printed.splitlines(keepends=True)[:head])
        assert printed == expected, args
