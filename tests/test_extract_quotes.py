"""Extraction's work grows with the text, however many quotation marks it
holds (issue 21: 16,000 marks took 27 s, 32,000 took 100 s, 8,000 unbalanced
“ 24 s). Counted, not timed: the seconds are benchmarks/extraction.py
--quotes's."""

from __future__ import annotations

import sys
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from tracker.extract import segment
from tracker.extract.attribution import attributions
from tracker.extract.propose import pipeline

EXTRACT = str(Path(segment.__file__).parent)

# 1 MB of each: a run of balanced marks, a run of opening marks never
# closed, straight quotes, and quoted statements with cues and no sentence
# break (every full stop is inside a quotation).
SHAPES = {
    "balanced run": "\u201c\u201d",
    "unbalanced run": "\u201c",
    "straight run": '"',
    "unbalanced words": "\u201ca ",
    "quoted statements": "He said \u201cyes.\u201d ",
}


def _megabyte(unit: str) -> str:
    return unit * (1_000_000 // len(unit.encode()))


class _Recording:
    """spaCy's tokenizer, recording the longest run without a space it is
    given: its time is quadratic in that length."""

    def __init__(self) -> None:
        self.nlp = pipeline()
        self.longest = 0

    def tokenizer(self, text: str) -> Any:
        self.longest = max([self.longest, *(len(w) for w in text.split())])
        return self.nlp.tokenizer(text)


@pytest.mark.parametrize("unit", ["\u201c\u201d", "\u201c", '"'])
def test_a_megabyte_of_marks_never_reaches_the_tokenizer_as_one_word(unit: str) -> None:
    text = _megabyte(unit)
    recording = _Recording()
    found = segment.sentences(recording, text)  # type: ignore[arg-type]
    assert recording.longest <= segment.LONG_RUN
    tokens = [t for s in found for t in s.tokens]
    # Every mark is a token of its own, at its offset.
    assert len(tokens) == len(text)
    assert all(text[t.start : t.end] == t.text for t in tokens[:: len(tokens) // 1000])
    assert max(len(s.tokens) for s in found) <= segment.MAX_SENTENCE


def test_a_long_run_splits_into_its_words_and_marks() -> None:
    run = "\u201c" * 70 + "word" + "\u201d" * 70
    found = segment.sentences(pipeline(), f"He said {run} today.\nNext line.")
    assert [t.text for t in found[0].tokens[2:5]] == ["\u201c", "\u201c", "\u201c"]
    assert "word" in [t.text for t in found[0].tokens]
    assert [t.text for t in found[0].tokens[-2:]] == ["today", "."]
    assert [t.text for t in found[1].tokens] == ["Next", "line", "."]


def _lines_run(text: str) -> int:
    """The lines of tracker/extract executed extracting from `text`."""
    count = 0

    def local(frame: FrameType, event: str, arg: object) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return local

    def calls(frame: FrameType, event: str, arg: object) -> Any:
        return local if frame.f_code.co_filename.startswith(EXTRACT) else None

    nlp = pipeline()
    sys.settrace(calls)
    try:
        attributions(nlp, text)
    finally:
        sys.settrace(None)
    return count


@pytest.mark.parametrize("shape", list(SHAPES))
def test_work_is_linear_in_the_quotes(shape: str) -> None:
    unit = SHAPES[shape]
    small = _lines_run(unit * (4000 // len(unit)))
    large = _lines_run(unit * (16000 // len(unit)))
    # Four times the text, four times the work (a quadratic rule: sixteen).
    assert large <= 4.4 * small, (small, large)


def test_a_sentence_of_a_thousand_statements_still_yields_each() -> None:
    text = "He said \u201cyes.\u201d " * 1000
    found = attributions(pipeline(), text)
    assert len(found) == 1000
    assert {a.content.text for a in found} == {"yes."}
