"""When a reported statement was made: the date its sentence gives the
statement, read from the article's publication date (tracker.dates).

Only the words around the statement date it, never what was said ("Putin
said on Monday that the visit will start on Thursday" was said on Monday),
and not a date that belongs to something else ("ahead of his visit on
Friday", "beginning Tuesday"). A bare week-day ("said Tuesday", AP style)
counts only right beside the cue. With no date in the sentence, a statement
in the simple past ("said", "denied") was made shortly before the article:
known to the publication's month, as the seeds' claims are dated; one in
the present or the perfect ("says", "has denied") is a standing position,
left undated.
"""

from __future__ import annotations

import re

from tracker import dates
from tracker.extract.attribution import Attribution

# Words before a date that make it another event's: "ahead of his visit on
# Friday", "since October", "until June 19", "next Monday".
_NOT_THE_STATEMENT = re.compile(
    r"\b(?:ahead|before|after|until|till|since|from|beginning|starting|next|following|"
    r"during|through|by|visit|trip|summit|meeting|election|vote|deadline)\b[^,;.]*$",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019]?\s+|\n")
_AUDIENCE = r"(?:\s+(?:reporters|journalists|lawmakers|the\s+\w+|\w+))?"
_PAST = re.compile(r"(?i)^(?:\w+ed|said|told|wrote|thought|swore|spoke|gave|made)\b")
_PERFECT = re.compile(r"(?i)^(?:has|have|had)\b")


def sentence_around(text: str, attribution: Attribution) -> tuple[int, int]:
    """The sentence (or sentences) the attribution's spans lie in."""
    spans = [attribution.speaker, attribution.cue, attribution.content]
    if attribution.via is not None:
        spans.append(attribution.via)
    low, high = min(s.start for s in spans), max(s.end for s in spans)
    start = max((m.end() for m in _SENTENCE_END.finditer(text, 0, low)), default=0)
    end_match = _SENTENCE_END.search(text, high)
    return start, end_match.start() if end_match else len(text)


def when_said(
    text: str, attribution: Attribution, published: dates.Dated | None
) -> dates.Dated | None:
    """The date (and its precision) the statement was made, or None."""
    start, end = sentence_around(text, attribution)
    content = attribution.content
    # What was said is blanked, not cut, so offsets stay the text's.
    around = (
        text[start : max(start, content.start)]
        + " " * (min(end, content.end) - max(start, content.start))
        + text[min(end, content.end) : end]
        if content.start < end and content.end > start
        else text[start:end]
    )
    cue_start, cue_end = attribution.cue.start - start, attribution.cue.end - start
    for mention in dates.mentions(around, published):
        if mention.date is None:
            continue
        if _NOT_THE_STATEMENT.search(around[: mention.start]):
            continue
        if mention.form == "bare weekday" and not _beside(around, mention, cue_start, cue_end):
            continue
        return mention.date
    if published is None or attribution.cue.text == ":" or _PERFECT.match(attribution.cue.text):
        return None
    if _PAST.match(attribution.cue.text):
        day, precision = published
        return (day.replace(day=1), "month") if precision == "day" else published
    return None


def _beside(around: str, mention: dates.Mention, cue_start: int, cue_end: int) -> bool:
    """ "said Tuesday", "told reporters Tuesday", "Tuesday said"."""
    after = around[cue_end : mention.start]
    before = around[mention.end : cue_start]
    return bool(
        re.fullmatch(rf"\s*{_AUDIENCE}\s*,?\s*", after) if mention.start >= cue_end else False
    ) or bool(re.fullmatch(r"\s*", before) if mention.end <= cue_start else False)
