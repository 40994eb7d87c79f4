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
_OTHER_CLAUSE = re.compile(
    r"(?i)\b(?:that|which|where|who|whom|whose|when|while|because|if|and|but|or|after|"
    r"before|since|until|to|as|whether)\b"
)
_NEAR_WORDS = 10
_LONGEST_SENTENCE = 2000
_LOOK_BACK = 20_000  # how far back "at the time" looks for the date it means
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019]?\s+|\n")
_AUDIENCE = r"(?:\s+(?:reporters|journalists|lawmakers|the\s+\w+|\w+))?"
_PAST = re.compile(
    r"(?i)^(?:(?:was|were)\s+)?(?:\w+ed|said|told|wrote|thought|swore|spoke|gave|made)\b"
)
_MARKER = re.compile(r"(?i)^(?:according\s+to|as\s+per|citing|quoting|as\s+reported)\b")
_HEAD = 300  # a headline is in the first lines of its article
_PERFECT = re.compile(r"(?i)^(?:has|have|had)\b")
# A date given by the one the text gave last: "said at the time", "earlier
# that month", "the same day".
_ANAPHOR = re.compile(
    r"(?i)\b(?:at\s+the\s+time|(?:earlier|later)\s+that\s+(?P<unit>day|week|month|year)"
    r"|that\s+(?P<unit2>day|month|year)|the\s+same\s+day)\b"
)


def sentence_around(text: str, attribution: Attribution) -> tuple[int, int]:
    """The sentence (or sentences) the attribution's spans lie in."""
    spans = [attribution.speaker, attribution.cue, attribution.content]
    if attribution.via is not None:
        spans.append(attribution.via)
    low, high = min(s.start for s in spans), max(s.end for s in spans)
    # Looked for in a window, so that a long article costs no more per statement.
    window = max(0, low - _LONGEST_SENTENCE)
    start = max((m.end() for m in _SENTENCE_END.finditer(text, window, low)), default=window)
    end_match = _SENTENCE_END.search(text, high)
    return start, end_match.start() if end_match else len(text)


def said_on(
    text: str, attribution: Attribution, published: dates.Dated | None
) -> dates.Dated | None:
    """The date the words around the statement give it, or None."""
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
    speaker = (attribution.speaker.start - start, attribution.speaker.end - start)
    for mention in dates.mentions(around, published):
        if mention.date is None:
            continue
        if _NOT_THE_STATEMENT.search(around[: mention.start]):
            continue
        if mention.form == "bare weekday" and not _beside(around, mention, cue_start, cue_end):
            continue
        if not _in_its_clause(around, mention, speaker, (cue_start, cue_end)):
            continue
        return mention.date
    anaphor = _ANAPHOR.search(around)
    if anaphor is not None and _in_its_clause(
        around,
        dates.Mention(anaphor.start(), anaphor.end(), "", None),
        speaker,
        (cue_start, cue_end),
    ):
        before = text[max(0, start - _LOOK_BACK) : start]
        return _the_last_date(before, published, anaphor.group("unit", "unit2"))
    return None


def _in_its_clause(
    around: str, mention: dates.Mention, speaker: tuple[int, int], cue: tuple[int, int]
) -> bool:
    """Whether a date is in the attribution's own clause: nothing that opens
    another clause ("which", "and", "where", "to …") lies between it and the
    speaker and cue, and no more than a few words ("told MSNBC's Rachel
    Maddow in an interview last week")."""
    low, high = min(speaker[0], cue[0]), max(speaker[1], cue[1])
    if mention.end <= low:
        between = around[mention.end : low]
    elif mention.start >= high:
        between = around[high : mention.start]
    else:  # "Trump, who has been feuding … this week, on Friday said"
        between = around[min(speaker[1], cue[1]) : mention.start]
    return not _OTHER_CLAUSE.search(between) and len(between.split()) <= _NEAR_WORDS


def _the_last_date(
    before: str, published: dates.Dated | None, units: tuple[str | None, ...]
) -> dates.Dated | None:
    """The last date `before` gives, at most as precise as the anaphor's
    unit ("earlier that month": its month)."""
    given = [m.date for m in dates.mentions(before, published) if m.date is not None]
    if not given:
        return None
    day, precision = given[-1]
    unit = next((u.lower() for u in units if u), None)
    if unit == "year" or (unit == "month" and precision == "day"):
        return (
            (day.replace(month=1, day=1), "year")
            if unit == "year"
            else (day.replace(day=1), "month")
        )
    if unit == "week":
        return (day.replace(day=1), "month") if precision == "day" else (day, precision)
    return day, precision


def by_tense(
    text: str, attribution: Attribution, published: dates.Dated | None
) -> dates.Dated | None:
    """With no date in its sentence: a statement in the simple past, a
    headline's (whose present is news of the day: "Putin vows …") or one
    reported through a source marker ("according to", "as per") was made
    shortly before the article, so in its month; one in the perfect or the
    present is a standing position, undated."""
    if published is None:
        return None
    cue = attribution.cue.text
    headline = attribution.cue.start < _HEAD and not _ends_a_sentence(text, attribution)
    if not headline and (_PERFECT.match(cue) or not (_PAST.match(cue) or _MARKER.match(cue))):
        return None
    day, precision = published
    return (day.replace(day=1), "month") if precision == "day" else published


class Dater:
    """Dates the statements of one article in text order: a statement its
    sentence does not date, by the same speaker as the statement just
    before it or added to it ("They added …"), takes that one's date when
    its sentence gave one."""

    def __init__(self, text: str, published: dates.Dated | None) -> None:
        self.text = text
        self.published = published
        self._previous: tuple[tuple[str, ...], dates.Dated | None] = ((), None)

    def date(self, attribution: Attribution, actors: tuple[str, ...]) -> dates.Dated | None:
        found = said_on(self.text, attribution, self.published)
        before, given = self._previous
        follows = (actors and actors == before) or attribution.cue.text.lower() == "added"
        if found is None and follows and given is not None:
            found = given
        self._previous = (actors, found)
        return found or by_tense(self.text, attribution, self.published)


def _ends_a_sentence(text: str, attribution: Attribution) -> bool:
    """Whether the line the attribution is on ends as a sentence does (a
    headline does not)."""
    end = text.find("\n", attribution.content.end)
    line = text[: end if end != -1 else len(text)].rstrip()
    return line.endswith((".", "\u201d", '"', "'"))


def _beside(around: str, mention: dates.Mention, cue_start: int, cue_end: int) -> bool:
    """ "said Tuesday", "told reporters Tuesday", "Tuesday said"."""
    after = around[cue_end : mention.start]
    before = around[mention.end : cue_start]
    return bool(
        re.fullmatch(rf"\s*{_AUDIENCE}\s*,?\s*", after) if mention.start >= cue_end else False
    ) or bool(re.fullmatch(r"\s*", before) if mention.end <= cue_start else False)
