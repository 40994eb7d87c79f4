"""Reading brat standoff gold (PolNeAR's form) and measuring by cue family,
on a small invented corpus written here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tracker.errors import InputError
from tracker.extract.attribution import TextSpan, attributions
from tracker.extract.brat import joined, read_ann, read_brat
from tracker.extract.families import SPEECH_FAMILIES, family
from tracker.extract.gold import GoldAttribution
from tracker.extract.propose import pipeline
from tracker.extract.score import Tally

ROOT = Path(__file__).resolve().parent.parent

TEXT = (
    "The mayor said the bridge would reopen in May.\n"
    "\u201cWe are ready,\u201d Ms. Dale told reporters, \u201cand we will be on time.\u201d\n"
    "Critics think the plan is too costly.\n"
    "The delay has been well documented.\n"
)


def _at(fragment: str, after: int = 0) -> str:
    start = TEXT.index(fragment, after)
    return f"{start} {start + len(fragment)}"


def _ann() -> str:
    told = TEXT.index("told")
    lines = [
        f"T1\tSource {_at('The mayor')}\tThe mayor",
        f"T2\tCue {_at('said')}\tsaid",
        f"T3\tContent {_at('the bridge would reopen in May')}\tthe bridge would reopen in May",
        f"T4\tAttribution {_at('said')}\tsaid",
        "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
        f"T5\tSource {_at('Ms. Dale')}\tMs. Dale",
        f"T6\tCue {_at('told')}\ttold",
        # A discontinuous content: both parts of the quotation.
        f"T7\tContent {_at('We are ready,')};{_at('and we will be on time.', told)}"
        "\tWe are ready, and we will be on time.",
        "E2\tAttribution:T7 Content:T7 Cue:T6 Source:T5",
        f"T8\tSource {_at('Critics')}\tCritics",
        f"T9\tCue {_at('think')}\tthink",
        f"T10\tContent {_at('the plan is too costly')}\tthe plan is too costly",
        "E3\tAttribution:T9 Content:T10 Cue:T9 Source:T8",
        f"T11\tCue {_at('has been well documented')}\thas been well documented",
        f"T12\tContent {_at('The delay')}\tThe delay",
        "E4\tAttribution-no-source:T11 Cue:T11 Content:T12",
        "#1\tAnnotatorNotes T3\tcheck the date",
        "a span's text continued after a line break",
    ]
    return "\n".join(lines) + "\n"


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text/bridge.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "attributions/bridge_a1.ann").write_text(_ann(), encoding="utf-8")
    # A second annotator's file: the first (by name) is the gold.
    (tmp_path / "attributions/bridge_b2.ann").write_text("", encoding="utf-8")
    # An article without annotations is not part of the gold.
    (tmp_path / "text/other.txt").write_text("Nothing here.\n", encoding="utf-8")
    return tmp_path


def test_the_reader_ties_spans_into_attributions(corpus: Path) -> None:
    [article] = read_brat(corpus)
    gold = article.gold
    assert gold.source == "bridge"
    assert article.without_source == 1
    assert [(g.speaker.text, g.cue.text) for g in gold.attributions] == [
        ("The mayor", "said"),
        ("Ms. Dale", "told"),
        ("Critics", "think"),
    ]
    quote = gold.attributions[1].content
    # A discontinuous span is scored from its first character to its last.
    assert quote.text.startswith("We are ready,") and quote.text.endswith("on time.")
    assert TEXT[quote.start : quote.end] == quote.text


def test_spans_are_checked_against_the_text(corpus: Path) -> None:
    ann = corpus / "attributions/bridge_a1.ann"
    ann.write_text(ann.read_text().replace("\tThe mayor\n", "\tThe major\n"), encoding="utf-8")
    with pytest.raises(InputError, match=r"bridge_a1.ann:1: 'The major' is not at"):
        read_brat(corpus)
    ann.write_text("T1\tSource 5 5000\tx\n", encoding="utf-8")
    with pytest.raises(InputError, match="outside the text"):
        read_brat(corpus)
    ann.write_text("E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n", encoding="utf-8")
    with pytest.raises(InputError, match="T3 is not a span"):
        read_ann(ann, TEXT, "bridge")
    with pytest.raises(InputError, match="not a brat corpus"):
        read_brat(corpus / "text")


@pytest.mark.parametrize(
    ("cue", "expected"),
    [
        ("said", "say"),
        ("has strongly denied", "deny"),
        ("according to", "according to"),
        ("told reporters", "tell"),
        ("contended", "speech"),
        ("tweeted", "write"),
        ("thinks", "belief"),
        ("is expected", "belief"),
        (":", "colon"),
        ("shows", "other"),
    ],
)
def test_cue_families(cue: str, expected: str) -> None:
    assert family(cue) == expected


def _gold(
    speaker: tuple[int, int], cue: tuple[int, int], content: tuple[int, int]
) -> GoldAttribution:
    def span(bounds: tuple[int, int]) -> TextSpan:
        return TextSpan(bounds[0], bounds[1], TEXT[bounds[0] : bounds[1]])

    return GoldAttribution(span(speaker), span(cue), span(content), None, "", "", (), frozenset())


def test_the_tally_counts_beliefs_right_but_recall_only_speech(corpus: Path) -> None:
    [article] = read_brat(corpus)
    found = attributions(pipeline(), TEXT)
    tally = Tally()
    tally.add(
        found,
        article.gold.attributions,
        lambda a: family(a.cue.text),  # type: ignore[attr-defined]
        SPEECH_FAMILIES.__contains__,
    )
    by_cue = {a.cue.text: a for a in found}
    assert set(by_cue) == {"said", "told", "think"}
    # The mayor's statement is right; Ms. Dale's quotation is in two parts
    # and found as its first, under half of the whole; the belief is right.
    assert (tally.found, tally.right) == (3, 2)
    assert (tally.speech, tally.speech_found) == (2, 1)
    assert tally.families["say"].precision == 1.0
    assert tally.families["tell"].recall == 0.0
    assert (tally.families["belief"].found_right, tally.families["belief"].gold) == (1, 1)
    assert tally.stances == {("say", "asserts"): 1, ("belief", "hedges"): 1}


def test_a_proposal_matching_nothing_lowers_precision() -> None:
    gold = [_gold((0, 9), (10, 14), (15, 45))]
    wrong = _gold((0, 9), (10, 14), (15, 21))  # content under half the gold's
    tally = Tally()
    tally.add(
        [wrong, gold[0]],
        gold,
        lambda a: family(a.cue.text),  # type: ignore[attr-defined]
        SPEECH_FAMILIES.__contains__,
    )
    assert (tally.found, tally.right, tally.precision, tally.recall) == (2, 1, 0.5, 1.0)


def test_the_benchmark_refuses_a_folder_that_is_no_corpus_in_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks/extraction.py"), "--brat", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0
    assert "not a brat corpus" in result.stderr


def test_the_benchmark_prints_precision_and_recall_per_family(corpus: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks/extraction.py"), "--brat", str(corpus)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "precision 0.67 (2 of 3 found right)" in result.stdout
    assert "speech-act recall 0.50 (1 of 2 gold speech acts found)" in result.stdout
    assert "1 without one, not scored" in result.stdout


def test_a_quotation_continued_after_its_cue_is_joined_as_polnear_marks_it() -> None:
    text = "\u201cWe are ready,\u201d she said. \u201cWe will be on time.\u201d\nHe said no."
    found = attributions(pipeline(), text)
    assert [a.content.text for a in found] == ["We are ready", "We will be on time.", "no"]
    whole = joined(text, found)
    assert [a.content.text for a in whole] == [
        text[text.index("We are") : text.index("time.") + 5],
        "no",
    ]
    assert text[whole[0].content.start : whole[0].content.end] == whole[0].content.text
