"""Hostile input on the ways in added since the loader: `import` (JSON, CSV,
ClaimReview as JSON or in a page) and `add source`. Each case is refused in
one bounded line, on both backends, and every table is as it was."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.conftest import Runner, unchanged
from tests.test_hostile import refused
from tracker.limits import MAX_DATA_BYTES, MAX_TEXT_BYTES

DEEP = 100_000

ARTICLE = "<p>" + "The minister said the talks had failed and would not resume. " * 12 + "</p>"


def page(head: str = "", title: str = "Talks fail") -> str:
    return (
        f"<!DOCTYPE html><html><head><title>{title}</title>{head}</head>"
        f"<body><article>{ARTICLE}</article></body></html>"
    )


def json_ld(script: str) -> str:
    return f'<script type="application/ld+json">{script}</script>'


def claim_review(**changes: Any) -> dict[str, Any]:
    """One well-formed ClaimReview; `changes` replace its keys."""
    record: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "claimReviewed": "The talks failed.",
        "author": {"@type": "Organization", "name": "Fact Desk"},
        "reviewRating": {"@type": "Rating", "ratingValue": 1, "alternateName": "False"},
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": "Person", "name": "A Minister"},
            "appearance": {"@type": "CreativeWork", "url": "https://news.example/talks"},
        },
    }
    return record | changes


def exported(run: Runner, tmp_path: Path) -> dict[str, Any]:
    """The seeds as `tracker export` writes them."""
    result = run("export", "-o", str(tmp_path / "seeds.json"))
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads((tmp_path / "seeds.json").read_text("utf-8"))
    return data


# -- reads bounded, regular files only -----------------------------------------------------


def _hostile_file(path: Path, kind: str, limit: int) -> Path:
    """`path` made a FIFO, a link to /dev/zero, or a sparse file past `limit`."""
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "device":
        path.symlink_to("/dev/zero")
    else:
        with path.open("wb") as file:
            file.truncate(max(limit + 1, 5 * 2**30))  # 5 GiB, none of it on disk
    return path


EXPECTED = {"fifo": "is a FIFO (named pipe), not a file", "device": "is a character device"}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
@pytest.mark.parametrize("kind", ["fifo", "device", "sparse"])
@pytest.mark.parametrize("way", ["load", "import-json", "import-page", "csv-sheet", "add-source"])
def test_reads_refuse_what_is_not_a_file_and_stop_at_the_bound(
    seeded: Engine, run: Runner, tmp_path: Path, kind: str, way: str
) -> None:
    """A FIFO hung `import` and `add source`; /dev/zero or a 5 GB sparse file
    reached 3.8 GB of memory. Neither is read now past its bound."""
    if way == "csv-sheet":
        assert run("export", "-f", "csv", "-o", str(tmp_path / "sheets")).exit_code == 0
        (tmp_path / "sheets" / "sources.csv").unlink()
        target = _hostile_file(tmp_path / "sheets" / "sources.csv", kind, MAX_DATA_BYTES)
        args = ["import", str(tmp_path / "sheets"), "-f", "csv"]
    elif way == "add-source":
        target = _hostile_file(tmp_path / "page.html", kind, MAX_TEXT_BYTES)
        args = ["add", "source", str(target), "--outlet", "X", "--title", "T"]
    else:
        name = {"load": "data.yaml", "import-json": "backup.json", "import-page": "fc.html"}[way]
        target = _hostile_file(tmp_path / name, kind, MAX_DATA_BYTES)
        args = ["load", str(target)] if way == "load" else ["import", str(target)]
    if kind == "device" and way == "add-source":
        args += ["--allow-outside"]  # /dev/zero lies outside the page's folder
    with unchanged(seeded):
        line = refused(run(*args), str(target))
    assert EXPECTED.get(kind, "MiB, the most one file may hold") in line


# -- JSON by one strict rule -----------------------------------------------------------------


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _review_text(**changes: Any) -> str:
    return json.dumps(claim_review(**changes))


# Each: (file name, its text, what the error says). ClaimReview is read from
# a .json file and from a page's script alike.
STRICT_JSON = {
    "deep-document": ("backup.json", "[" * DEEP + "]" * DEEP, "nest too deeply"),
    "deep-value": (
        "backup.json",
        '{"tracker_export": 1, "actors": ' + "[" * DEEP + "]" * DEEP + "}",
        "nest too deeply",
    ),
    "deep-claimreview": ("fc.json", "[" * DEEP + _review_text() + "]" * DEEP, "nest too deeply"),
    "deep-context": (
        "fc.json",
        _review_text(**{"@context": json.loads("[" * 900 + '"https://schema.org"' + "]" * 900)}),
        "nest more than 64 levels deep",
    ),
    "long-integer": ("backup.json", '{"tracker_export": ' + "9" * 5000 + "}", "5,000 digits"),
    "long-rating": (
        "fc.json",
        _review_text().replace('"ratingValue": 1', '"ratingValue": ' + "9" * 4000),
        "4,000 digits",
    ),
    "surrogate": (
        "backup.json",
        '{"tracker_export": 1, "actors": [{"id": "x", "name": "A \\ud800"}]}',
        ":1:57: an escaped lone surrogate",
    ),
    "surrogate-claimreview": (
        "fc.json",
        _review_text(claimReviewed="The talks \\ud800 failed.").replace("\\\\ud800", "\\ud800"),
        "an escaped lone surrogate",
    ),
    "duplicate-key": (
        "backup.json",
        '{"tracker_export": 1, "actors": [], "actors": [{"id": "x"}]}',
        "key 'actors' appears twice in one object",
    ),
    "nan": ("backup.json", '{"tracker_export": NaN}', "NaN is not a number JSON allows"),
    "minus-infinity": (
        "fc.json",
        _review_text().replace('"ratingValue": 1', '"ratingValue": -Infinity'),
        "-Infinity is not a number JSON allows",
    ),
    "too-large": (
        "fc.json",
        _review_text().replace('"ratingValue": 1', '"ratingValue": 1e400'),
        "'1e400' is too large for a number",
    ),
}


@pytest.mark.parametrize("case", STRICT_JSON)
def test_json_that_raised_tracebacks_is_one_line(
    seeded: Engine, run: Runner, tmp_path: Path, case: str
) -> None:
    name, text, expected = STRICT_JSON[case]
    paths = [_write(tmp_path, name, text)]
    if name == "fc.json":  # the same records in a fact-check page
        paths.append(_write(tmp_path, "fc.html", page(json_ld(text))))
    with unchanged(seeded):
        for path in paths:
            fmt = ["-f", "claimreview"] if name == "fc.json" else []
            refused(run("import", str(path), *fmt), str(path), expected)


def test_a_broken_script_in_a_page_says_its_line(run: Runner, tmp_path: Path) -> None:
    path = _write(tmp_path, "fc.html", page("\n\n" + json_ld('\n{"@type": "ClaimReview",\n}')))
    refused(run("import", str(path)), f"{path}:5:1: not JSON")


@pytest.mark.parametrize(
    "script",
    ["[" * DEEP + "]" * DEEP, '{"@type": "NewsArticle", "headline": "Fake \\ud800 title"}'],
    ids=["deep", "surrogate"],
)
def test_a_pages_broken_json_ld_states_nothing(
    seeded: Engine, run: Runner, tmp_path: Path, script: str
) -> None:
    """`add source` reads what a page states of itself; a script it cannot
    read (RecursionError, UnicodeEncodeError before) states nothing."""
    path = _write(tmp_path, "page.html", page(json_ld(script)))
    added = run("add", "source", str(path), "--outlet", "X", "-f", "json")
    assert added.exit_code == 0, added.output
    assert json.loads(added.stdout)["source"]["title"] == "Talks fail"


# -- add source ----------------------------------------------------------------------------


def test_a_link_out_of_the_folder_is_refused_unless_allowed(
    seeded: Engine, run: Runner, tmp_path: Path
) -> None:
    """A symlink to /etc/passwd was stored as a source: the data files' rule."""
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    (tmp_path / "articles").mkdir()
    link = tmp_path / "articles" / "story.txt"
    link.symlink_to(secret)
    args = ["add", "source", str(link), "--outlet", "X", "--title", "T"]
    with unchanged(seeded):
        refused(run(*args), str(link), f"links to {secret}", "--allow-outside")
    allowed = run(*args, "--allow-outside")
    assert allowed.exit_code == 0, allowed.output
    # A link within the folder is followed as before.
    (tmp_path / "articles" / "real.txt").write_text("The minister said no.\n", "utf-8")
    (tmp_path / "articles" / "alias.txt").symlink_to("real.txt")
    inside = run(
        "add", "source", str(tmp_path / "articles" / "alias.txt"), "--outlet", "Y", "--title", "U"
    )
    assert inside.exit_code == 0, inside.output


@pytest.mark.parametrize("charset", ["punycode", "idna", "utf-7", "unicode_escape", "base64"])
def test_a_page_declaring_no_character_set_is_refused(
    seeded: Engine, run: Runner, tmp_path: Path, charset: str
) -> None:
    """<meta charset="punycode"> raised UnicodeError."""
    path = _write(tmp_path, "page.html", page(f'<meta charset="{charset}">'))
    with unchanged(seeded):
        refused(run("add", "source", str(path), "--outlet", "X"), str(path), repr(charset))


def test_a_page_is_read_as_an_article_within_a_bound(
    seeded: Engine, run: Runner, tmp_path: Path
) -> None:
    """A 64 MiB page took 79 s and 3.6 GB; what an extractor is given is
    bounded, and what holds no text (inline images, scripts) is set aside
    first, so a page saved whole still reads."""
    from tracker.limits import MAX_PAGE_MARKUP

    paragraph = "<p>The minister said the talks had failed. The envoy said no.</p>\n"
    markup = _write(
        tmp_path, "huge.html", page(paragraph * (MAX_PAGE_MARKUP // len(paragraph) + 1))
    )
    with unchanged(seeded):
        refused(run("add", "source", str(markup), "--outlet", "X"), str(markup), "at most 8 MiB")
    inline = '<img src="data:image/png;base64,' + "A" * 2**20 + '">'
    script = "<script>var state = '" + "x" * 2**20 + "';</script>"
    whole = _write(tmp_path, "saved.html", page((inline + script) * 6))
    added = run("add", "source", str(whole), "--outlet", "X", "-f", "json")
    assert added.exit_code == 0, added.output
    assert "talks had failed" in run("source", json.loads(added.stdout)["id"]).stdout


# -- command-line arguments ------------------------------------------------------------------

NOT_UTF8 = {
    "add-actor": ["add", "actor", "Mill\udce9r", "--kind", "person"],
    "by-actor": ["by-actor", "Mill\udce9r"],
    "show": ["show", "miller-arms-charge\udcff"],
    "option": ["claims", "--topic", "arms\udce9"],
    "surrogate": ["add", "actor", "Half \ud800 a pair", "--kind", "person"],
}


@pytest.mark.parametrize("args", NOT_UTF8.values(), ids=NOT_UTF8)
def test_an_argument_that_is_not_utf8_is_one_line(
    seeded: Engine, run: Runner, args: list[str]
) -> None:
    """A byte that is not UTF-8 (a Latin-1 terminal) reached the database or
    the terminal as a lone surrogate: UnicodeEncodeError."""
    with unchanged(seeded):
        line = refused(run(*args))
    assert "not UTF-8 text" in line or "lone surrogate" in line


@pytest.mark.skipif(os.name != "posix", reason="argv as bytes is POSIX")
def test_argv_bytes_from_a_latin1_terminal(seeded: Engine, tmp_path: Path) -> None:
    import subprocess
    import sys

    url = seeded.url.render_as_string(hide_password=False)
    with unchanged(seeded):
        done = subprocess.run(
            [sys.executable, "-m", "tracker", "--db", url, "by-actor", b"Mill\xe9r"],
            capture_output=True,
            timeout=120,
        )
    assert done.returncode == 2 and b"Traceback" not in done.stderr
    assert done.stderr.splitlines()[-1] == (
        b"Error: an argument is not UTF-8 text: 'Mill\\xe9r' (byte 0xE9);"
        b" is the terminal's encoding UTF-8?"
    )
    # A file that exists under such a name is read: its name is only a path.
    article = tmp_path / os.fsdecode(b"caf\xe9.txt")
    article.write_text("The minister said the talks failed.\n", encoding="utf-8")
    added = subprocess.run(
        [sys.executable, "-m", "tracker", "--db", url, "add", "source", os.fsencode(article),
         "--outlet", "X", "--title", "T"],
        capture_output=True,
        timeout=120,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
@pytest.mark.parametrize("kind", ["fifo", "sparse"])
def test_extract_reads_a_file_by_the_same_bound(
    seeded: Engine, run: Runner, tmp_path: Path, kind: str
) -> None:
    pytest.importorskip("spacy")
    target = _hostile_file(tmp_path / "article.txt", kind, MAX_TEXT_BYTES)
    with unchanged(seeded):
        line = refused(run("extract", str(target)))
    # A FIFO is no file to extract: its name is looked up as a source id.
    assert ("MiB, the most one file may hold" if kind == "sparse" else "no source") in line
