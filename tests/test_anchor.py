"""Anchoring a quote: whole words of the source, however the quote was typed."""

from __future__ import annotations

import pytest

from tracker.ingest.anchor import QuoteNotFound, QuoteRepeated, anchor, anchors, fold

TEXT = "North Korea supplied missiles, the spokesman said. North Korea denied it."


def test_a_quote_is_whole_words() -> None:
    assert anchor(TEXT, "supplied missiles").exact == "supplied missiles"
    for cut in ("missile", "orth Korea supplied", "Korea supplied missil"):
        with pytest.raises(QuoteNotFound, match="only inside longer words"):
            anchor(TEXT, cut)
    # Punctuation at either end is not a word: these are whole.
    assert anchor(TEXT, "missiles,").end == TEXT.index(",") + 1
    assert anchor(TEXT, "the spokesman said.").exact == "the spokesman said."


@pytest.mark.parametrize(
    ("text", "quote"),
    [
        ("spokeswoman Ana Kovac\u030c told reporters", "Ana Kovač told"),  # stored decomposed
        ("spokeswoman Ana Kovač told reporters", "Ana Kovac\u030c told"),  # typed decomposed
    ],
)
def test_an_accent_matches_however_it_is_encoded(text: str, quote: str) -> None:
    found = anchor(text, quote)
    assert found.exact == text[found.start : found.end]
    assert found.exact.startswith("Ana") and found.exact.endswith("told")


def test_a_letter_without_its_accent_is_another_letter() -> None:
    with pytest.raises(QuoteNotFound):
        anchor("spokeswoman Ana Kovac\u030c told reporters", "Ana Kovac")


@pytest.mark.parametrize("invisible", ["\u00ad", "\u200b", "\u2060"])
def test_invisible_characters_in_the_source_do_not_break_a_quote(invisible: str) -> None:
    text = f"North Korea supplied mis{invisible}siles to Russia."
    found = anchor(text, "supplied missiles to")
    assert found.exact == f"supplied mis{invisible}siles to"


def test_fold_keeps_each_characters_source_span() -> None:
    folded = fold("a\u2026 e\u0301\u00adb")
    assert folded.text == "a... éb"
    assert folded.starts == [0, 1, 1, 1, 2, 3, 6]
    assert folded.ends == [1, 2, 2, 2, 3, 5, 7]


def test_a_repeated_quote_lists_where_and_how_to_pick() -> None:
    with pytest.raises(QuoteRepeated) as caught:
        anchor(TEXT, "North Korea", pick="--occurrence N")
    message = str(caught.value)
    assert message == (
        "the quote occurs 2 times in the source (at 0, 51); say which with --occurrence N (1-2)"
    )
    assert anchor(TEXT, "North Korea", 2).start == 51
    with pytest.raises(QuoteNotFound, match="occurrence 3 asked for; the quote occurs 2 times"):
        anchor(TEXT, "North Korea", 3)
    assert [a.start for a in anchors(TEXT, "North Korea")] == [0, 51]


def test_a_long_list_of_places_is_cut() -> None:
    with pytest.raises(QuoteRepeated, match=r"\(at 0, 4, 8, 12, 16 and 2 more\)"):
        anchor("war war war war war war war", "war")
