"""Editing a source's text: quotes already in the database follow it or the load is refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tests.conftest import SEEDS, line_of
from tracker.errors import InputError
from tracker.ingest.anchor import CONTEXT, relocate
from tracker.ingest.load import load_paths
from tracker.record.models import Appearance, Source

STAR = "002_75e8f458d8cc0dcf.txt"


def only_sources(tmp_path: Path) -> Path:
    """A folder holding the seed sources alone: their claims stay in the database only."""
    folder = tmp_path / "sources-only"
    folder.mkdir()
    shutil.copy(SEEDS / "sources.yaml", folder)
    for text in SEEDS.glob("*.txt"):
        shutil.copy(text, folder)
    return folder


def appearances_of(engine: Engine, key: str) -> list[tuple[str, int, int]]:
    with Session(engine) as session:
        rows = session.scalars(
            select(Appearance)
            .join(Source, Source.id == Appearance.source_id)
            .where(Source.key == key)
            .order_by(Appearance.id)
        )
        return [(a.quote, a.start_offset, a.end_offset) for a in rows]


def test_quotes_follow_an_edited_text(seeded: Engine, tmp_path: Path) -> None:
    folder = only_sources(tmp_path)
    text = (folder / STAR).read_text(encoding="utf-8")
    (folder / STAR).write_text("UPDATED: " + text, encoding="utf-8")
    before = appearances_of(seeded, "star-advertiser-20240618")
    report = load_paths(seeded, [folder])
    assert report.updated["sources"] == 1
    after = appearances_of(seeded, "star-advertiser-20240618")
    assert sorted((q, s + 9, e + 9) for q, s, e in before) == sorted(after)
    with Session(seeded) as session:
        for a in session.scalars(select(Appearance)):
            assert a.source.text[a.start_offset : a.end_offset] == a.quote
            assert a.source_length == len(a.source.text)
            # The context moved with it: "UPDATED: " now opens the first prefixes.
            assert a.prefix == a.source.text[max(0, a.start_offset - CONTEXT) : a.start_offset]
            assert a.suffix == a.source.text[a.end_offset : a.end_offset + CONTEXT]


def test_a_quote_edited_away_is_refused(seeded: Engine, tmp_path: Path) -> None:
    folder = only_sources(tmp_path)
    text = (folder / STAR).read_text(encoding="utf-8")
    # Same length, so the old offsets would still fit: the words no longer do.
    (folder / STAR).write_text(text.replace("arms transfers", "ARMS TRANSFERS"), encoding="utf-8")
    before = appearances_of(seeded, "star-advertiser-20240618")
    with pytest.raises(InputError, match="moscow-pyongyang-deny-arms") as caught:
        load_paths(seeded, [folder])
    sources = folder / "sources.yaml"
    assert str(caught.value) == (
        f"{sources}:{line_of(sources, 'id: star-advertiser-20240618')}:"
        " source 'star-advertiser-20240618': the new text no longer holds the quote"
        " 'Moscow and Pyongyang have denied arms transfers' of claim"
        " 'moscow-pyongyang-deny-arms' (in the database); load that claim's corrected"
        " file with it"
    )
    assert appearances_of(seeded, "star-advertiser-20240618") == before


def test_an_edit_after_the_last_quote_keeps_offsets(seeded: Engine, tmp_path: Path) -> None:
    folder = only_sources(tmp_path)
    with (folder / STAR).open("a", encoding="utf-8") as f:
        f.write("\nCorrection appended.\n")
    before = appearances_of(seeded, "star-advertiser-20240618")
    report = load_paths(seeded, [folder])
    assert sorted(appearances_of(seeded, "star-advertiser-20240618")) == sorted(before)
    # Checked, and not one moved: none counts as re-anchored.
    assert report.reanchored == 0 and report.updated["sources"] == 1
    with Session(seeded) as session:
        source = session.scalars(
            select(Source).where(Source.key == "star-advertiser-20240618")
        ).one()
        assert all(
            a.source_length == source.text_length
            for a in session.scalars(select(Appearance).where(Appearance.source_id == source.id))
        )


def test_relocate_uses_prefix_and_suffix() -> None:
    text = "Moscow denied it. Later, Pyongyang denied it."
    found = relocate(text, "denied it", "Later, Pyongyang ", ".")
    assert found is not None and text[found.start :].startswith("denied it.") and found.start > 20
    assert relocate(text, "denied it", "", "") is None  # two equally good places
    assert relocate(text, "confirmed it", "", "") is None


def test_claims_quoting_other_unloaded_sources_keep_them(seeded: Engine, tmp_path: Path) -> None:
    """The Putin letter is quoted in all three articles; editing one of them,
    loaded alone, re-anchors its quotes and leaves the other two as they are."""
    folder = tmp_path / "one-source"
    folder.mkdir()
    (folder / "sources.yaml").write_text(
        "sources:\n"
        "  - id: star-advertiser-20240618\n"
        f"    file: {STAR}\n"
        "    outlet: Honolulu Star-Advertiser\n"
        "    title: Putin vows trade, security agreements with North Korea ahead of visit\n"
        "    published: '2024-06-18'\n"
        "    language: en\n"
        "    credits: [reuters]\n",
        encoding="utf-8",
    )
    text = (SEEDS / STAR).read_text(encoding="utf-8")
    (folder / STAR).write_text("Updated. " + text, encoding="utf-8")
    others = appearances_of(seeded, "ani-20240618")
    with Session(seeded) as session:
        quoting = session.scalar(
            select(func.count(Appearance.claim_id.distinct()))
            .join(Source, Source.id == Appearance.source_id)
            .where(Source.key == "star-advertiser-20240618")
        )
    report = load_paths(seeded, [folder])
    assert quoting and report.reanchored == quoting  # every claim quoting the Star-Advertiser
    assert f"quotes re-anchored in {quoting} other claim(s)" in report.summary()
    assert report.updated["claims"] == 0
    assert sorted(appearances_of(seeded, "ani-20240618")) == sorted(others)


def test_relocate_refuses_a_lone_occurrence_in_other_surroundings() -> None:
    """Bob's quote, once his sentence is cut, must not move onto Alice's words."""
    old = "Alice said the sky is green. Bob said the sky is green too."
    bob = old.rindex("the sky is green")
    prefix, suffix = old[bob - 8 : bob], old[bob + 16 : bob + 22]
    assert (
        relocate("Alice said the sky is green. Carol left.", "the sky is green", prefix, suffix)
        is None
    )
    moved = relocate("Intro. " + old, "the sky is green", prefix, suffix)
    assert moved is not None and moved.start == bob + 7


TWO_DENIALS = "Moscow denied it. Later, Pyongyang denied it."


@pytest.mark.parametrize(
    ("prefix", "suffix", "start"),
    [
        ("Moscow ", "", 7),  # the first place, by what came before
        ("", ". Later", 7),  # by what came after
        ("Later, Pyongyang ", "", 35),
    ],
)
def test_relocate_picks_the_place_whose_context_survives(
    prefix: str, suffix: str, start: int
) -> None:
    found = relocate(TWO_DENIALS, "denied it", prefix, suffix)
    assert found is not None and found.start == start


def test_relocate_prefers_the_longer_shared_context() -> None:
    """The stored prefix ends "said "; one place has "said:" (its last
    character differs), the other "xaid " (the last four agree): the second."""
    text = "Sky is green! said:no. Really xaid no"
    found = relocate(text, "no", "said ", "")
    assert found is not None and found.start == len(text) - 2
    # The same, after the quote: "!too." differs at once, " tox" later.
    found = relocate("said no!too. said no tox", "no", "said ", " too.")
    assert found is not None and found.start == 18
    # The context counts at the very start of the text too.
    text = "A denied it. B denied it."
    found = relocate(text, "denied it", "A ", "")
    assert found is not None and found.start == 2


def test_relocate_counts_every_shared_character() -> None:
    """Three characters of the stored suffix survive at the first place, one
    at the second (whose last two agree again): the first."""
    found = relocate("P QabcX P QaXcd", "Q", "P ", "abcd")
    assert found is not None and found.start == 2
    # The same before the quote, counted from its end.
    found = relocate("abXdQ XbcdQ", "Q", "abcd", "")
    assert found is not None and found.start == 10


def test_relocate_refuses_two_places_alike() -> None:
    assert relocate("no. no.", "no", "", ".") is None


@pytest.mark.parametrize(
    ("new", "quote", "prefix", "suffix", "start"),
    [
        # Only the words before the quote are intact.
        ("Bob said the sky is green, he insisted.", "the sky is green", "Bob said ", " too.", 9),
        # Only the words after.
        ("Carol: the sky is green too.", "the sky is green", "Bob said ", " too.", 7),
        # It opened the text and still does; the words after changed.
        ("Sky is green! Really.", "Sky is green", "", ", he said.", 0),
        # It closed the text and still does; the words before changed.
        ("She said the sky is green", "the sky is green", "He said: ", "", 9),
    ],
)
def test_relocate_keeps_a_quote_whose_context_holds_on_one_side(
    new: str, quote: str, prefix: str, suffix: str, start: int
) -> None:
    found = relocate(new, quote, prefix, suffix)
    assert found is not None and (found.start, found.exact) == (start, quote)


def test_relocate_refuses_an_opening_quote_moved_inside_the_text() -> None:
    """Stored at the start of the text (no prefix), it now follows other words
    and the words after it changed: another passage."""
    assert relocate("Note. Sky is green! she said.", "Sky is green", "", ", he said.") is None
