"""Loading data files: idempotent, all or nothing, and every error on one line."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from tests.conftest import SEEDS, line_of, snapshot
from tracker.cli import cli
from tracker.errors import InputError
from tracker.ingest import plan
from tracker.ingest.anchor import Anchor
from tracker.ingest.anchor import anchor as find
from tracker.ingest.load import load_paths
from tracker.record.models import Appearance, Claim


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    return folder


def edit(path: Path, old: str, new: str) -> None:
    content = path.read_text(encoding="utf-8")
    assert old in content, old
    path.write_text(content.replace(old, new, 1), encoding="utf-8")


def test_second_load_changes_nothing(seeded: Engine) -> None:
    before = snapshot(seeded)
    report = load_paths(seeded, [SEEDS])
    assert not report.changed
    assert report.unchanged["claims"] == len(before["claims"])
    assert report.unchanged["actors"] == len(before["actors"])
    assert snapshot(seeded) == before


def test_first_load_reports_what_it_created(engine: Engine) -> None:
    report = load_paths(engine, [SEEDS])
    assert report.created["sources"] == 3
    assert report.created["claims"] == len(snapshot(engine)["claims"])
    assert not report.updated and not report.unchanged


def test_an_edited_claim_is_updated_alone(seeded: Engine, seeds_copy: Path) -> None:
    edit(
        seeds_copy / "claims.yaml",
        "text: There have been no arms transfers between North Korea and Russia.",
        "text: North Korea and Russia have transferred no arms between them.",
    )
    total = {kind: len(rows) for kind, rows in snapshot(seeded).items()}
    report = load_paths(seeded, [seeds_copy])
    assert (report.updated["claims"], report.unchanged["claims"]) == (1, total["claims"] - 1)
    for kind in ("actors", "sources"):
        assert (report.updated[kind], report.unchanged[kind]) == (0, total[kind])
    assert sum(report.created.values()) == 0
    with Session(seeded) as session:
        claim = session.scalars(
            select(Claim).where(Claim.key == "moscow-pyongyang-deny-arms")
        ).one()
        assert claim.text == "North Korea and Russia have transferred no arms between them."
        assert len(claim.relations_out) == 5


def assert_refused(engine: Engine, folder: Path, *fragments: str) -> str:
    """The load fails with one line containing `fragments` and changes nothing."""
    before = snapshot(engine)
    with pytest.raises(InputError) as caught:
        load_paths(engine, [folder])
    message = str(caught.value)
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message, message
    assert snapshot(engine) == before
    return message


def test_quote_not_in_source_is_refused(engine: Engine, seeds_copy: Path) -> None:
    claims = seeds_copy / "claims.yaml"
    edit(claims, "'Moscow and Pyongyang have denied arms transfers'", "'Moscow denied everything'")
    line = line_of(claims, "Moscow denied everything")
    assert_refused(
        engine,
        seeds_copy,
        f"claims.yaml:{line - 1}:",
        "moscow-pyongyang-deny-arms",
        "'Moscow denied everything' refused",
        "star-advertiser-20240618",
    )


def test_a_refused_quote_names_the_closest_passage(engine: Engine, seeds_copy: Path) -> None:
    claims = seeds_copy / "claims.yaml"
    edit(
        claims,
        "'Moscow and Pyongyang have denied arms transfers'",
        "'Pyongyang denied arms transfers'",
    )
    text = (SEEDS / "002_75e8f458d8cc0dcf.txt").read_text(encoding="utf-8")
    start = text.index("Pyongyang have denied arms transfers")
    message = assert_refused(engine, seeds_copy, "the closest passage is at ", "% alike)")
    passage = message.split("the closest passage is at ")[1]
    span, _, rest = passage.partition(" (")
    found_start, found_end = map(int, span.split("-"))
    assert found_start <= start < found_end
    assert repr(text[found_start:found_end]) in rest


# A quote as a person types it: straight quotes and apostrophes, hyphens, plain
# spaces and line breaks where the article has typographic marks, dashes and
# no-break spaces (article 003 is full of them). (file text, typed replacement)
SECURITY = "we will build an architecture of equal and indivisible security in Eurasia.'"
AGREEMENT = (
    "will be signed taking into account what has happened between our countries in recent"
    " years \u2013 in the field of international politics, in the field of economics"
)
TYPED = [
    (
        "'support for Pyongyang\u2019s efforts to defend its interests'",
        "'support for Pyongyang''s efforts to defend its interests'",
    ),
    (f"'And at the same time \u2013 {SECURITY}", f"'And at the same time - {SECURITY}"),
    (
        '"build closer trade and security\\u00A0ties with North Korea"',
        "'build closer trade and security ties with North Korea'",
    ),
    (
        f"'outline prospects for further cooperation, and {AGREEMENT}'",
        '"outline prospects\\nfor further cooperation,   and '
        + AGREEMENT.replace("\u2013", "-")
        + '"',
    ),
]


def test_quotes_match_as_typed_and_are_stored_as_the_source_has_them(
    engine: Engine, seeds_copy: Path
) -> None:
    load_paths(engine, [SEEDS])
    exact = snapshot(engine)
    claims = seeds_copy / "claims.yaml"
    for old, new in TYPED:
        content = claims.read_text(encoding="utf-8")
        assert old in content, old
        claims.write_text(content.replace(old, new), encoding="utf-8")
    # Loaded into the same database the typed file changes nothing: every
    # quote is the source's own span, at the same offsets.
    report = load_paths(engine, [seeds_copy])
    assert not report.changed
    assert snapshot(engine) == exact


def test_a_typed_quote_loads_into_an_empty_database_as_the_exact_span(
    engine: Engine, seeds_copy: Path
) -> None:
    edit(seeds_copy / "claims.yaml", TYPED[0][0], TYPED[0][1])
    load_paths(engine, [seeds_copy])
    with Session(engine) as session:
        claim = session.scalars(select(Claim).where(Claim.key == "putin-backs-pyongyang")).one()
        quotes = {a.quote for a in claim.appearances}
    assert "support for Pyongyang\u2019s efforts to defend its interests" in quotes
    assert "support for Pyongyang's efforts to defend its interests" not in quotes


def test_a_quote_of_white_space_alone_is_refused(engine: Engine, seeds_copy: Path) -> None:
    edit(
        seeds_copy / "claims.yaml",
        "quote: 'sacred war of all Russian citizens'",
        'quote: "\\u2028 "',
    )
    assert_refused(engine, seeds_copy, "nk-media-sacred-war", "field 'quote' is empty")


def test_an_unquoted_value_with_a_colon_says_to_quote_it(engine: Engine, seeds_copy: Path) -> None:
    edit(seeds_copy / "claims.yaml", "cue: headline", "cue: the headline: said")
    assert_refused(engine, seeds_copy, "claims.yaml:", "must be quoted")


def test_bad_file_changes_nothing_in_a_loaded_database(seeded: Engine, seeds_copy: Path) -> None:
    edit(seeds_copy / "claims.yaml", "over 11,000 containers", "over 12,000 containers")
    assert_refused(seeded, seeds_copy, "miller-arms-charge", "does not occur")


def test_broken_yaml_names_file_and_line(engine: Engine, seeds_copy: Path) -> None:
    actors = seeds_copy / "actors.yaml"
    edit(actors, "    kind: person\n", "    kind: [person\n")
    assert_refused(engine, seeds_copy, "actors.yaml:", "invalid YAML")


def test_unknown_field_names_field_and_line(engine: Engine, seeds_copy: Path) -> None:
    claims = seeds_copy / "claims.yaml"
    edit(claims, "    stated: '2024-06-17'\n", "    stated: '2024-06-17'\n    said_on: x\n")
    line = line_of(claims, "said_on")
    assert_refused(engine, seeds_copy, f"claims.yaml:{line}:", "unknown field 'said_on'")


def test_unknown_actor_reference_is_named(engine: Engine, seeds_copy: Path) -> None:
    edit(seeds_copy / "claims.yaml", "claimants: [matthew-miller]", "claimants: [matt-miler]")
    assert_refused(engine, seeds_copy, "unknown actor 'matt-miler'", "'claimants'")


def test_unknown_claim_in_relation_is_named(engine: Engine, seeds_copy: Path) -> None:
    edit(seeds_copy / "claims.yaml", "- miller-arms-charge\n", "- miller-arms-charges\n")
    assert_refused(engine, seeds_copy, "unknown claim 'miller-arms-charges'", "'denies'")


def test_claim_cannot_relate_to_itself(engine: Engine, seeds_copy: Path) -> None:
    edit(seeds_copy / "claims.yaml", "- miller-arms-charge\n", "- moscow-pyongyang-deny-arms\n")
    assert_refused(engine, seeds_copy, "cannot denies itself")


def test_not_utf8_is_refused(engine: Engine, seeds_copy: Path) -> None:
    (seeds_copy / "extra.yaml").write_bytes(b"actors:\n  - id: x\n    name: Caf\xe9\n")
    assert_refused(engine, seeds_copy, "extra.yaml:3:", "not UTF-8")


def test_source_text_not_utf8_is_refused(engine: Engine, seeds_copy: Path) -> None:
    (seeds_copy / "000_6018b8bff275df5f.txt").write_bytes(b"Moscow \xff\n")
    assert_refused(engine, seeds_copy, "000_6018b8bff275df5f.txt:1:", "not UTF-8")


def test_alias_of_two_actors_is_refused(engine: Engine, seeds_copy: Path) -> None:
    edit(seeds_copy / "actors.yaml", "aliases: [Miller, Matt Miller]", "aliases: [Miller, Putin]")
    assert_refused(engine, seeds_copy, "alias 'Putin'", "already names actor")


def test_duplicate_id_is_refused(engine: Engine, seeds_copy: Path) -> None:
    edit(seeds_copy / "claims.yaml", "id: miller-putin-desperate", "id: miller-arms-charge")
    assert_refused(engine, seeds_copy, "claim id 'miller-arms-charge' is already defined at")


def test_duplicate_yaml_key_is_refused(engine: Engine, seeds_copy: Path) -> None:
    edit(seeds_copy / "sources.yaml", "    language: en\n", "    language: en\n    language: pl\n")
    assert_refused(engine, seeds_copy, "sources.yaml:", "duplicate key 'language'")


def test_bad_date_is_refused(engine: Engine, seeds_copy: Path) -> None:
    edit(seeds_copy / "claims.yaml", "stated: '2024-06-17'", "stated: '2024-13-17'")
    assert_refused(engine, seeds_copy, "field 'stated'", "is not a date")


def test_missing_source_text_is_refused(engine: Engine, seeds_copy: Path) -> None:
    (seeds_copy / "002_75e8f458d8cc0dcf.txt").unlink()
    assert_refused(engine, seeds_copy, "sources.yaml:", "does not exist")


def test_ambiguous_quote_needs_an_occurrence(engine: Engine, seeds_copy: Path) -> None:
    claims = seeds_copy / "claims.yaml"
    edit(
        claims,
        "'Moscow and Pyongyang have denied arms transfers'",
        "'Pyongyang'",
    )
    article = (seeds_copy / "002_75e8f458d8cc0dcf.txt").read_text(encoding="utf-8")
    places = [m.start() for m in re.finditer(r"\bPyongyang\b", article)]
    assert len(places) > 1
    assert_refused(
        engine,
        seeds_copy,
        f"occurs {len(places)} times in the source (at {', '.join(map(str, places))})",
        f"say which with `occurrence: N` (1-{len(places)})",
    )
    edit(
        claims,
        "        quote: 'Pyongyang'\n",
        "        quote: 'Pyongyang'\n        occurrence: 2\n",
    )
    load_paths(engine, [seeds_copy])
    with Session(engine) as session:
        claim = session.scalars(
            select(Claim).where(Claim.key == "moscow-pyongyang-deny-arms")
        ).one()
        first = claim.appearances[0]
        assert first.quote == "Pyongyang"
        assert first.source.text.find("Pyongyang") < first.start_offset


def test_all_files_or_none(engine: Engine, seeds_copy: Path) -> None:
    """A good file and a bad one in the same invocation: the good one is not kept."""
    (seeds_copy / "zz-bad.yaml").write_text("claims:\n  - id: only-an-id\n", encoding="utf-8")
    assert_refused(engine, seeds_copy, "zz-bad.yaml:2:", "claim has no 'text'")
    assert snapshot(engine)["claims"] == []


def test_cli_error_is_one_line_and_exit_1(seeded: Engine, seeds_copy: Path) -> None:
    edit(seeds_copy / "claims.yaml", "claimants: [matthew-miller]", "claimants: [nobody]")
    url = seeded.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(cli, ["--db", url, "load", str(seeds_copy)], catch_exceptions=False)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Error: ") and "unknown actor 'nobody'" in lines[0]


def test_cli_load_reports_counts(engine: Engine) -> None:
    url = engine.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(cli, ["--db", url, "load", str(SEEDS)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "loaded 3 file(s)" in result.stdout
    assert "sources: 3 new" in result.stdout
    again = CliRunner().invoke(cli, ["--db", url, "load", str(SEEDS)], catch_exceptions=False)
    assert "claims: 0 new, 0 updated" in again.stdout


def test_missing_path_is_an_error(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file or folder"):
        load_paths(engine, [tmp_path / "nope"])


def test_edited_aliases_replace_the_old_ones(seeded: Engine, seeds_copy: Path) -> None:
    edit(
        seeds_copy / "actors.yaml", "aliases: [Miller, Matt Miller]", "aliases: [Miller, M. Miller]"
    )
    report = load_paths(seeded, [seeds_copy])
    assert report.updated["actors"] == 1
    with Session(seeded) as session:
        from tracker.record.names import resolve_actor

        assert resolve_actor(session, "m miller").key == "matthew-miller"
        miller = resolve_actor(session, "Miller")
        assert [a.alias for a in miller.aliases] == ["Matthew Miller", "Miller", "M. Miller"]


def test_writing_reports_its_progress(engine: Engine) -> None:
    """`on_write` follows every row written, and adds up to the total it gives."""
    calls: list[tuple[int, int]] = []
    load_paths(engine, [SEEDS], on_write=lambda rows, total: calls.append((rows, total)))
    totals = {total for _, total in calls}
    assert len(totals) == 1
    (total,) = totals
    with engine.connect() as connection:
        rows = sum(
            connection.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in ("actors", "actor_names", "aliases", "roles", "sources", "source_credits",
                      "claims", "claimants", "topics", "appearances", "relations")
        )  # fmt: skip
    assert sum(n for n, _ in calls) == total == rows
    # Nothing to write, nothing reported.
    calls.clear()
    load_paths(engine, [SEEDS], on_write=lambda rows, total: calls.append((rows, total)))
    assert calls == []


def test_a_terminal_sees_reading_then_writing(tmp_path: Path) -> None:
    import os
    import pty
    import sys

    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(
            sys.executable,
            [sys.executable, "-m", "tracker", "--db", str(tmp_path / "t.db"), "load", str(SEEDS)],
        )
    out = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    os.waitpid(pid, 0)
    shown = out.decode("utf-8")
    reading = shown.rindex("Reading data files  [####################################]  100%")
    writing = shown.rindex("Writing to the database  [####################################]  100%")
    assert reading < writing < shown.index("loaded 3 file(s)")
    assert "\r\n\r\n" not in shown  # no blank line between the bars and the summary


@pytest.mark.parametrize(
    ("length", "shown"),
    [(60, "Moscow denied " + "x" * 46), (61, "Moscow denied " + "x" * 45 + "\u2026")],
)
def test_a_refused_quote_is_shown_up_to_sixty_characters(
    engine: Engine, seeds_copy: Path, length: int, shown: str
) -> None:
    quote = "Moscow denied " + "x" * (length - 14)
    edit(
        seeds_copy / "claims.yaml", "'Moscow and Pyongyang have denied arms transfers'", repr(quote)
    )
    assert_refused(engine, seeds_copy, f"quote {shown!r} refused")


def test_a_source_edited_with_its_claims_moves_their_quotes(
    seeded: Engine, seeds_copy: Path
) -> None:
    """The claims' files, loaded again beside the edited text, keep nothing of
    the old offsets: every quote is found again in the new text."""
    star = next(seeds_copy.glob("002_*.txt"))
    star.write_text("UPDATED: " + star.read_text(encoding="utf-8"), encoding="utf-8")
    report = load_paths(seeded, [seeds_copy])
    assert report.updated["sources"] == 1 and report.updated["claims"] > 0
    with Session(seeded) as session:
        for a in session.scalars(select(Appearance)):
            assert a.source.text[a.start_offset : a.end_offset] == a.quote, a.claim.key


def test_a_reload_of_unchanged_files_searches_no_text(
    seeded: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Quotes the database holds, in texts unchanged, keep their anchors: a
    reload (most loads) does not search the sources again, but for a quote
    that says which of its occurrences it is (the seeds have one)."""
    searched: list[str] = []

    def anchor(text: str, quote: str, *args: Any) -> Anchor:
        searched.append(quote)
        return find(text, quote, *args)

    monkeypatch.setattr(plan, "anchor", anchor)
    report = load_paths(seeded, [SEEDS])
    assert not report.changed
    assert searched == ["counter Western sanctions"]
