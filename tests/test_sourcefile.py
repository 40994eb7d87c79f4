"""Reading an article from a file: what a page states of itself, in the
encoding it declares, and nothing it does not state."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tracker.errors import InputError
from tracker.ingest.sourcefile import read

BODY = """<article><h1>Ministry rejects report</h1>
<p>The foreign ministry of Zembla on Tuesday rejected a report that its navy had escorted
fuel shipments through the strait, calling it a fabrication from beginning to end.</p>
<p>“The report is a fabrication,” ministry spokeswoman Ana Kovač told reporters in the
capital, where the ministry's statement was read out on state television.</p></article>"""


def page(tmp_path: Path, head: str, body: str = BODY, encoding: str = "utf-8") -> Path:
    path = tmp_path / "page.html"
    path.write_bytes(
        f"<!DOCTYPE html><html{head}</head><body>{body}</body></html>".encode(encoding)
    )
    return path


def test_json_ld_states_what_the_meta_tags_do_not(tmp_path: Path) -> None:
    head = """ lang="fr"><head><meta charset="utf-8"><title>Page | Site</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
 {"@type": "WebSite", "name": "Not the article"},
 {"@type": "NewsArticle", "headline": "Le ministère dément",
  "datePublished": "2025-03-04T23:30:00-05:00", "url": "https://example.org/a",
  "publisher": {"@type": "Organization", "name": "Example Wire"}}]}</script>"""
    found = read(page(tmp_path, head))
    assert found.title == "Le ministère dément"
    assert found.outlet == "Example Wire"
    assert found.url == "https://example.org/a"
    # The day the publisher states, in its own time zone.
    assert found.published == (dt.date(2025, 3, 4), "day")
    assert found.language == "fr"
    assert "fabrication from beginning to end" in found.text


def test_nothing_is_guessed(tmp_path: Path) -> None:
    """No site name: no outlet (not the domain); no stated date: no date,
    even with one in the text and the address."""
    head = """><head><meta charset="utf-8"><title>Ministry rejects report</title>
<link rel="canonical" href="https://wire.example.org/2025/03/04/fuel">"""
    body = BODY.replace("on Tuesday", "on Tuesday, March 4, 2025,")
    found = read(page(tmp_path, head, body))
    assert found.title == "Ministry rejects report"
    assert found.url == "https://wire.example.org/2025/03/04/fuel"
    assert (found.outlet, found.published, found.language) == (None, None, None)


def test_the_declared_encoding_is_used(tmp_path: Path) -> None:
    head = """ lang="de"><head>
<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">
<meta property="og:site_name" content="Zeitung Österreich">"""
    body = BODY.replace("“", '"').replace("”", '"').replace("Kovač", "Müller")
    found = read(page(tmp_path, head, body, encoding="windows-1252"))
    assert found.outlet == "Zeitung Österreich"
    assert "spokeswoman Ana Müller" in found.text


@pytest.mark.parametrize(
    ("head", "message"),
    [
        ('><head><meta charset="klingon-8">', "declares an unknown encoding 'klingon-8'"),
        ('><head><meta charset="us-ascii">', "not us-ascii"),
    ],
)
def test_a_page_that_cannot_be_decoded_says_why(tmp_path: Path, head: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        read(page(tmp_path, head))


def markdown(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "note.md"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("---\ntitle: a\ntitle: b\n---\nText.\n", r"note.md:3: invalid YAML: duplicate key"),
        ("---\ntitle: [unclosed\n---\nText.\n", r"note.md:\d: invalid YAML"),
        ("---\n- a list\n---\nText.\n", r"note.md:2: front matter must be a mapping"),
        ("---\ntitle: T\n---\n", "holds no article text"),
        ("  \n\n", "holds no article text"),
        ("---\nretrieved: 2031-04\n---\nText.\n", "retrieved: give the full date"),
        ("---\npublished: 2031-13-01\n---\nText.\n", "published:"),
        ("---\ncredits: {a: b}\n---\nText.\n", "'credits' must be a list of names"),
        ("---\ntitle: {a: b}\n---\nText.\n", "'title' must be text"),
        ("---\ntitle: T\nText.\n", "never closed"),
    ],
)
def test_bad_front_matter_is_one_line_naming_file_and_line(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(InputError, match=message) as caught:
        read(markdown(tmp_path, text))
    assert "\n" not in str(caught.value)


def test_front_matter_dates_stay_as_written(tmp_path: Path) -> None:
    found = read(markdown(tmp_path, "---\npublished: 2031-03\nretrieved: 2031-04-01\n---\nText.\n"))
    assert found.published == (dt.date(2031, 3, 1), "month")
    assert found.retrieved == dt.date(2031, 4, 1)
