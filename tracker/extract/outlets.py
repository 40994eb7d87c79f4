"""The outlet a statement came through (its `via`): a recorded actor, or
the name of one to add.

"state news agency TASS", "the TASS news agency", "Yahoo News": the
recorded actor the phrase ends with, or whose name is one of its runs of
capitalised words; otherwise its last such run ("TASS", "Yahoo News") is
proposed as a new organization, so that accepting the statement keeps
whom it came through.
"""

from __future__ import annotations

import re

from tracker.extract import lexicon
from tracker.extract.attribution import TextSpan
from tracker.extract.speakers import ActorIndex
from tracker.record.names import normalize

# A run of capitalised words, with the small words names keep ("Voice of
# America", "Al Jazeera"); possessives end it ("North Korea's").
_RUN = re.compile(
    r"(?:[A-Z][\w.&\u2019'-]*|\d+)(?:\s+(?:of|the|de|al|for|and)?\s*(?:[A-Z][\w.&-]*|\d+))*"
)


def _runs(text: str) -> list[str]:
    """The names in `text`: runs of capitalised words that end it or stand
    before a word for an outlet ("the TASS news agency"), not an owner's
    ("North Korea's agency") nor an adjective ("the Russian state media")."""
    runs = []
    for match in _RUN.finditer(text):
        run = " ".join(match.group().split())
        rest = text[match.end() :].split()
        if text[match.end() : match.end() + 1] in ("'", "\u2019"):
            continue
        if rest and rest[0].lower().strip(".,") not in lexicon.MEDIA_WORDS:
            continue
        runs.append(run)
    return runs


def resolve(index: ActorIndex, span: TextSpan | None) -> tuple[str | None, str | None]:
    """The recorded actor `span` names, or else the name of a new one."""
    if span is None:
        return None, None
    actor, _ = index.ending(span.text)
    if actor is not None:
        return actor, None
    runs = _runs(span.text)
    for run in reversed(runs):
        found = index.named(normalize(run))
        if found is not None:
            return found, None
    # "The" opens a sentence, not a name.
    names = [r.removeprefix("The ").strip() for r in runs if r not in ("The", "A", "An")]
    return None, (names[-1] if names else None)
