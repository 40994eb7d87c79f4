"""A plain-text article's first line is its title when it reads as a
headline, and `tracker add source` says so; anything else still needs
--title. Invented texts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.conftest import Runner, snapshot
from tracker.ingest.sourcefile import headline

BODY = "The ministry said on Monday that the port would reopen.\n"


@pytest.mark.parametrize(
    "first",
    [
        "Port to reopen next week, ministry says",
        "Russia, N Korea to work together to counter Western sanctions: Putin",
        "Will the port reopen?",
        "'We will not back down,' mayor says",
        "2024 budget passes after all-night session",
    ],
)
def test_a_headline_is_the_title(first: str) -> None:
    assert headline(f"{first}\n{BODY}") == first
    assert headline(f"\n  {first}  \n\n{BODY}") == first  # blank lines and spaces around it


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("The ministry said the port would reopen.\nIt gave no date.\n", "a sentence"),
        ("Port to reopen\n", "nothing after it"),
        ("The ministry said on Monday that the port\nwould reopen next week.\n", "wrapped"),
        (f"By Lena Varga, Harbour Correspondent\n{BODY}", "a byline"),
        (f"June 18, 2024\n{BODY}", "a date"),
        (f"port reopens\n{BODY}", "no capital"),
        (f"Reopening:\n{BODY}", "a lead-in"),
        (f"{'Port ' * 30}reopens\n{BODY}", "too long"),
        (f"Reopens\n{BODY}", "one word"),
    ],
)
def test_what_is_not_a_headline(text: str, why: str) -> None:
    assert headline(text) is None, why


def test_a_markdown_heading_is_the_title() -> None:
    assert headline(f"# Port to reopen\n\n{BODY}", markdown=True) == "Port to reopen"
    assert headline(f"Port to reopen\n\n{BODY}", markdown=True) is None


def test_add_source_takes_the_first_line_and_says_so(
    run: Runner, seeded: Engine, tmp_path: Path
) -> None:
    article = tmp_path / "article.txt"
    article.write_text(f"Port to reopen next week, ministry says\n\n{BODY}", encoding="utf-8")
    result = run("add", "source", str(article), "--outlet", "Harbour Wire", "-f", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["source"]["title"] == "Port to reopen next week, ministry says"
    assert result.stderr == (
        "Title taken from the first line: 'Port to reopen next week, ministry says'"
        " (--title gives another)\n"
    )
    # The text keeps its headline: extraction reads it as the article's.
    shown = run("source", json.loads(result.stdout)["id"])
    assert "Port to reopen next week, ministry says\n\nThe ministry said" in shown.stdout


def test_title_overrides_the_first_line_silently(run: Runner, tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text(f"Port to reopen next week, ministry says\n\n{BODY}", encoding="utf-8")
    result = run("add", "source", str(article), "--outlet", "W", "--title", "Port", "-f", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["source"]["title"] == "Port"
    assert result.stderr == ""


def test_without_a_headline_the_title_is_still_asked_for(
    run: Runner, seeded: Engine, tmp_path: Path
) -> None:
    article = tmp_path / "article.txt"
    article.write_text(f"{BODY}It gave no date.\n", encoding="utf-8")
    before = snapshot(seeded)
    result = run("add", "source", str(article), "--outlet", "Harbour Wire")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1].endswith("does not say its title: give --title")
    assert snapshot(seeded) == before
