"""Generated input (Hypothesis) against the loader, name resolution and every
output format: whatever comes in, the answer is a result or one clean line,
never a traceback, and a refusal changes nothing."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tests.conftest import Runner
from tests.test_load import snapshot
from tracker.errors import TrackerError
from tracker.record.names import resolve_actor
from tracker.render.formats import FORMATS
from tracker.render.output import render

# Derandomized: CI runs the same examples every time (a run that passed
# passes again); run with --hypothesis-seed=random to explore further.
FIXTURES = settings(
    derandomize=True,
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text as hostile as text gets: any code point but surrogates, controls included.
any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=60)
scalar = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False), any_text
)
# Data-file shaped documents: the real keys, with values of any shape.
value = st.recursive(scalar, lambda inner: st.lists(inner, max_size=3), max_leaves=6)
entity = st.dictionaries(
    st.sampled_from(
        ["id", "name", "kind", "text", "claimants", "stated", "appearances", "source", "quote",
         "file", "outlet", "title", "aliases", "roles", "relations", "topics", "type", "cue"]
    ),
    value,
    max_size=6,
)  # fmt: skip
document = st.dictionaries(
    st.sampled_from(["actors", "sources", "claims", "other"]),
    st.one_of(st.lists(entity, max_size=3), value),
    max_size=3,
)


def _one_clean_line(result: Any) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    if result.exit_code != 0:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr


@FIXTURES
@given(doc=document)
def test_any_data_file_loads_or_is_refused_in_one_line(
    seeded: Engine, run: Runner, tmp_path_factory: pytest.TempPathFactory, doc: dict[str, Any]
) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "data.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    before = snapshot(seeded)
    result = run("load", str(folder / "data.yaml"))
    _one_clean_line(result)
    if result.exit_code != 0:
        assert snapshot(seeded) == before


@FIXTURES
@given(raw=st.text(st.sampled_from(list("ab:-[]{}&*!|>'\"#?,\n\t %@`")), max_size=80))
def test_any_yaml_text_is_read_or_refused_in_one_line(
    seeded: Engine, run: Runner, tmp_path_factory: pytest.TempPathFactory, raw: str
) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "data.yaml").write_text(raw, encoding="utf-8")
    before = snapshot(seeded)
    result = run("load", str(folder / "data.yaml"))
    _one_clean_line(result)
    if result.exit_code != 0:
        assert snapshot(seeded) == before


@FIXTURES
@given(name=any_text)
def test_any_name_resolves_or_is_refused(session: Session, name: str) -> None:
    try:
        actor = resolve_actor(session, name)
    except TrackerError as exc:
        assert str(exc) and "\n" not in str(exc).strip()
    else:
        assert actor.key


@settings(derandomize=True, max_examples=60, deadline=None)
@given(rows=st.lists(st.lists(any_text, min_size=3, max_size=3), max_size=4))
def test_every_format_renders_any_text(rows: list[list[str]]) -> None:
    headers = ["ID", "Claim", "By"]
    data = [dict(zip(headers, row, strict=True)) for row in rows]
    for fmt in FORMATS:  # each renders, whatever the text; the data formats exactly
        out = render(fmt, headers, rows, data)
        if fmt == "json":
            assert json.loads(out) == data
        elif fmt == "csv":
            # Neutralised for spreadsheets by the export's rule: a text starting
            # with = + - @ tab CR or ' has one ' before it, which reading removes.
            read = list(csv.reader(io.StringIO(out, newline="")))[1:]
            assert [[c[1:] if c.startswith("'") else c for c in row] for row in read] == rows
            assert not any(c.startswith(("=", "+", "-", "@")) for row in read for c in row)
