"""One batching helper, sized to the backend (tracker.record.batching), and
no other: every statement over many ids is cut by it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tracker.record import batching
from tracker.record.batching import batch_size, batches

PACKAGE = Path(__file__).resolve().parent.parent / "tracker"


def test_batches_cut_any_iterable_and_keep_its_order() -> None:
    assert list(batches(iter(range(7)), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(batches([], 3)) == []
    assert list(batches(x for x in "ab")) == [["a", "b"]]


def test_the_default_is_read_when_called(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batching, "BATCH", 2)
    assert list(batches(range(5))) == [[0, 1], [2, 3], [4]]
    assert batch_size("sqlite") == 2


def test_a_batch_fits_the_backends_bound_on_parameters() -> None:
    assert batch_size("sqlite") == batch_size("postgresql") == batching.BATCH
    # Items of many parameters each: as many as the bound takes.
    assert batch_size("sqlite", per_item=100) == 32_766 // 100
    assert batch_size("postgresql", per_item=100) == 65_535 // 100
    assert batch_size("mysql", per_item=10) == 99  # unknown: SQLite's old 999
    assert batch_size("sqlite", per_item=10**6) == 1


def test_no_module_keeps_a_batching_helper_of_its_own() -> None:
    own = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "batching.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name in ("batches", "chunks"):
                own.append(f"{path.relative_to(PACKAGE)}: def {node.name}")
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id.lstrip("_") == "BATCH" for t in node.targets
            ):
                own.append(f"{path.relative_to(PACKAGE)}: BATCH")
    assert own == []
