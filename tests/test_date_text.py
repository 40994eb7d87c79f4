"""Dates as text in one place (tracker.dates): one precision table, one
parser of a date as given, one writer of a date at its precision."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

from tracker import dates

PACKAGE = Path(__file__).resolve().parent.parent / "tracker"


@pytest.mark.parametrize(
    ("text", "day", "precision", "compact"),
    [
        ("2024-06-17", dt.date(2024, 6, 17), "day", "20240617"),
        ("2024-06", dt.date(2024, 6, 1), "month", "202406"),
        ("2024", dt.date(2024, 1, 1), "year", "2024"),
    ],
)
def test_a_date_reads_and_writes_back_at_its_precision(
    text: str, day: dt.date, precision: str, compact: str
) -> None:
    assert dates.parse_date(text) == (day, precision)
    assert dates.at_precision(day, precision) == text
    assert dates.compact(day, precision) == compact


def test_parse_date_takes_what_options_and_fields_give() -> None:
    assert dates.parse_date(None) is None
    assert dates.parse_date(2024) == (dt.date(2024, 1, 1), "year")  # a YAML number
    for bad in ("2024-6-1", "2024-13", "June 2024", ""):
        with pytest.raises(ValueError, match="is not a date"):
            dates.parse_date(bad)
    with pytest.raises(ValueError, match="give a full date YYYY-MM-DD"):
        dates.parse_date("2024-06", day_only=True)
    assert dates.at_precision(None) is None
    assert dates.at_precision(dt.date(2024, 6, 17), None) == "2024-06-17"


def _precision_tables_and_date_functions(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Dict):
            keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
            if keys == {"day", "month", "year"}:
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: a precision table")
        if isinstance(node, ast.FunctionDef) and node.name in (
            "date_text",
            "parse_date",
            "at_precision",
            "_date_text",
        ):
            found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: def {node.name}")
    return found


def test_dates_are_written_in_dates_py_alone() -> None:
    found = [
        line
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "dates.py" or path.parent != PACKAGE
        for line in _precision_tables_and_date_functions(path)
    ]
    assert found == []
    own = _precision_tables_and_date_functions(PACKAGE / "dates.py")
    own.sort(key=lambda line: int(line.split(":")[1]))
    assert [line.split(": ", 1)[1] for line in own] == [
        "a precision table",
        "def parse_date",
        "def at_precision",
    ]
