"""Anchoring a quote: whole words of the source, however the quote was typed."""

from __future__ import annotations

import pytest

from tracker.ingest.anchor import (
    QuoteNotFound,
    QuoteRepeated,
    anchor,
    anchors,
    fold,
    occurrence_at,
    occurrences,
)

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


def test_a_lone_character_with_a_canonical_form_matches_it() -> None:
    """NFC maps some single characters to another: the angstrom sign (U+212B)
    is the letter A with ring above (U+00C5), typed either way."""
    sign, letter = "\u212b", "\u00c5"
    found = anchor(f"a gap of one {sign}ngstr\u00f6m, it said", f"one {letter}ngstr\u00f6m")
    assert (found.start, found.exact) == (9, f"one {sign}ngstr\u00f6m")
    assert anchor(f"one {letter}ngstrom wide", f"one {sign}ngstrom").exact == f"one {letter}ngstrom"


@pytest.mark.parametrize(
    ("text", "quote", "start", "occurrence"),
    [
        ("no. no. no.", "no.", 0, 1),
        ("no. no. no.", "no.", 4, 2),
        ("no. no. no.", "no.", 8, 3),
        # Occurrences may overlap, as the loader counts them.
        ("a a a", "a a", 2, 2),
        # Said once: nothing to pick.
        ("yes. no.", "no.", 5, None),
        # Not an occurrence at all.
        ("no. no. no.", "no.", 1, None),
        # Nothing quoted, or no text to quote from.
        ("no. no.", None, 0, None),
        (None, "no.", 0, None),
        ("no. no.", "no.", None, None),
    ],
)
def test_occurrence_at_numbers_the_occurrences_of_a_recurring_quote(
    text: str | None, quote: str | None, start: int | None, occurrence: int | None
) -> None:
    assert occurrence_at(text, quote, start) == occurrence
    if occurrence is not None:
        assert anchor(text or "", quote or "", occurrence).start == start


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


def test_a_data_file_says_which_with_occurrence_n() -> None:
    with pytest.raises(QuoteRepeated, match=r"say which with occurrence: N \(1-2\)$"):
        anchor(TEXT, "North Korea")


def test_a_long_list_of_places_is_cut() -> None:
    with pytest.raises(QuoteRepeated, match=r"\(at 0, 4, 8, 12, 16 and 2 more\)"):
        anchor("war war war war war war war", "war")


def test_one_occurrence_too_few_says_once() -> None:
    with pytest.raises(QuoteNotFound, match=r"occurrence 2 asked for; the quote occurs once$"):
        anchor("North Korea denied it.", "Korea", 2)


def test_five_places_are_listed_whole() -> None:
    with pytest.raises(QuoteRepeated, match=r"\(at 0, 4, 8, 12, 16\); say which"):
        anchor("war war war war war", "war")


ELLIPSIS = "wait\u2026 what"  # folded: "wait... what", three dots from one character


@pytest.mark.parametrize(
    ("text", "quote"),
    [
        (ELLIPSIS, "wait."),
        (ELLIPSIS, "wait.."),
        (ELLIPSIS, ".. what"),
        (ELLIPSIS, ". what"),
        (ELLIPSIS, ".."),
        ("\u2026what now", "..what"),
    ],
)
def test_a_typed_quote_may_not_cut_a_character_of_the_source(text: str, quote: str) -> None:
    """Two dots are not an ellipsis: a match that begins or ends inside one
    source character is no match."""
    with pytest.raises(QuoteNotFound, match="does not occur"):
        anchor(text, quote)


@pytest.mark.parametrize(
    ("text", "quote", "exact"),
    [
        (ELLIPSIS, "wait...", "wait\u2026"),
        (ELLIPSIS, "... what", "\u2026 what"),
        ("\u2026", "...", "\u2026"),  # the whole text one character
        ("He said \u201cno\u201d", '"no"', "\u201cno\u201d"),  # at the very end
        ("It ends with a line break.\n", "a  line\nbreak", "a line break"),
    ],
)
def test_a_typed_quote_matches_whole_characters_anywhere(text: str, quote: str, exact: str) -> None:
    assert anchor(text, quote).exact == exact


def test_fold_ends_on_trailing_white_space() -> None:
    folded = fold("a \n")
    assert folded == ("a ", [0, 1], [1, 3])


TEXT_SAID = (
    "The ministry said on Monday that no weapons were ever shipped to Russia by sea or by air."
)


@pytest.mark.parametrize(
    ("quote", "passage", "alike"),
    [
        # A word dropped from the quote.
        ("no weapons were shipped to Russia", "no weapons were ever shipped to Russia", 93),
        # At the start of the text, and at its end.
        ("The ministry said Monday", "The ministry said on Monday", 94),
        ("shipped to Russia by sea or air", "shipped to Russia by sea or by air.", 94),
    ],
)
def test_the_closest_passage_is_named_with_its_offsets(
    quote: str, passage: str, alike: int
) -> None:
    start = TEXT_SAID.index(passage)
    message = (
        "the quote does not occur in the source text; the closest passage is at"
        f" {start}-{start + len(passage)} ({alike}% alike): {passage!r}"
    )
    with pytest.raises(QuoteNotFound) as caught:
        anchor(TEXT_SAID, quote)
    assert str(caught.value) == message


def test_a_long_closest_passage_is_cut_at_eighty_characters() -> None:
    text = " ".join(f"word{i}" for i in range(40))
    quote = " ".join(f"word{i}" for i in range(3, 17)) + " wordx"
    with pytest.raises(QuoteNotFound) as caught:
        anchor(text, quote)
    shown = str(caught.value).split(": ", 1)[1]
    assert shown == repr(text[text.index("word3") :][:79] + "\u2026")


def test_a_closest_passage_of_eighty_characters_is_shown_whole() -> None:
    passage = " ".join(f"word{i}" for i in range(13))
    assert len(passage) == 80
    with pytest.raises(QuoteNotFound) as caught:
        anchor(passage + " and more. Other words entirely.", passage.replace("word7", "wordx"))
    assert str(caught.value).endswith(f"at 0-80 (99% alike): {passage!r}")


@pytest.mark.parametrize("text", ["", "   "])
def test_nothing_to_compare_says_only_not_found(text: str) -> None:
    with pytest.raises(QuoteNotFound) as caught:
        anchor(text, "missiles")
    assert str(caught.value) == "the quote does not occur in the source text"


def test_every_occurrence_or_the_same_refusals() -> None:
    with pytest.raises(QuoteNotFound, match=r"^the quote is empty$"):
        anchors(TEXT, " ")
    with pytest.raises(QuoteNotFound, match="closest passage is at 51-73"):
        anchors(TEXT, "North Korea refused it")


def test_the_context_is_up_to_32_characters_either_side() -> None:
    text = "A" * 40 + " the bridge was closed " + "B" * 40
    found = anchor(text, "the bridge was closed")
    assert (found.prefix, found.suffix) == ("A" * 31 + " ", " " + "B" * 31)
    near_the_start = anchor("Ana said the bridge was closed.", "Ana said")
    assert (near_the_start.prefix, near_the_start.suffix) == ("", " the bridge was closed.")


def test_punctuation_ending_a_quote_cuts_no_word() -> None:
    assert anchor("in version 2.0 today", "in version 2.").exact == "in version 2."


def test_an_occurrence_out_of_range_says_how_many_there_are() -> None:
    assert anchor(TEXT, "North Korea", 2).start == 51
    for wrong in (0, 3):
        with pytest.raises(QuoteNotFound) as caught:
            anchor(TEXT, "North Korea", wrong)
        assert str(caught.value) == f"occurrence {wrong} asked for; the quote occurs 2 times"


def test_a_quote_inside_longer_words_is_shown_where_it_is() -> None:
    with pytest.raises(QuoteNotFound) as caught:
        anchor(TEXT, "supplied missile")
    assert str(caught.value) == (
        "the quote occurs only inside longer words ('rth Korea supplied missiles, the spo' at 12);"
        " quote whole words"
    )


def test_an_exact_occurrence_wins_over_typed_variants() -> None:
    """Said once exactly and once with a typographic apostrophe: the exact
    one, not a choice between two."""
    text = "I don't know. I don\u2019t know."
    assert anchor(text, "I don't know.").start == 0
    assert anchor(text, "I don\u2019t know.").start == 14


def test_occurrences_may_overlap() -> None:
    assert occurrences("aaa", "aa") == [0, 1]
    assert occurrences("no. no.", "yes") == []


def test_an_empty_quote_says_so() -> None:
    for quote in ("", "  \n"):
        with pytest.raises(QuoteNotFound) as caught:
            anchor(TEXT, quote)
        assert str(caught.value) == "the quote is empty"


def test_a_cut_word_at_the_start_of_the_text_is_shown_from_there() -> None:
    with pytest.raises(QuoteNotFound) as caught:
        anchor("Ukrainian forces advanced.", "Ukrain")
    assert "('Ukrainian forces' at 0)" in str(caught.value)
