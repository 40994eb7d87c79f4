"""Dates known to a day, a month or a year ("October last year")."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

# Each precision: the length of its ISO 8601 text, and its format. The one table.
PRECISIONS = {"day": (10, "%Y-%m-%d"), "month": (7, "%Y-%m"), "year": (4, "%Y")}


def parse(text: str) -> tuple[dt.date, str]:
    """'YYYY-MM-DD', 'YYYY-MM' or 'YYYY' as (first day, precision).

    Raises ValueError for anything else, including unpadded forms like
    2024-6-1, so that files and the command line accept the same dates.
    """
    for precision, (length, fmt) in PRECISIONS.items():
        if len(text) == length:
            try:
                return dt.datetime.strptime(text, fmt).date(), precision
            except ValueError:
                break
    raise ValueError(f"{text!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")


def parse_date(value: object, day_only: bool = False) -> tuple[dt.date, str] | None:
    """A date as given (an option, a field; None: not given) as (first day,
    precision); `day_only`: a full date is required. Raises ValueError with
    the reason, which each caller puts where the user looks (an option, a
    file's line)."""
    if value is None:
        return None
    day, precision = parse(str(value))
    if day_only and precision != "day":
        raise ValueError(f"{str(value)!r}: give a full date YYYY-MM-DD")
    return day, precision


def at_precision(day: dt.date | None, precision: str | None = "day") -> str | None:
    """A date as text, cut to its precision: 2024-06-17, 2024-06 or 2024 (ISO
    8601). The one date text of every output: JSON, tables, exports, pages."""
    if day is None:
        return None
    return day.isoformat()[: PRECISIONS[precision or "day"][0]]


def compact(day: dt.date, precision: str) -> str:
    """20240618, 202406 or 2024: the date at its precision, for an id."""
    return day.strftime(PRECISIONS[precision][1].replace("-", ""))


def recency(day: dt.date | None) -> tuple[bool, dt.date]:
    """Sort key of "the latest" verdict: dated after undated, then by date
    (ties go to the one recorded last, which callers add)."""
    return (day is not None, day or dt.date.min)


def period_end(day: dt.date, precision: str) -> dt.date:
    """The last day of the period that starts on `day`."""
    if precision == "year":
        return day.replace(month=12, day=31)
    if precision == "month":
        return day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return day


# -- dates a text gives, read from the day it was published ---------------------------

Dated = tuple[dt.date, str]  # (first day, precision)

# English names, not the locale's (calendar.day_name follows the locale).
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
# AP style abbreviates a month before a day ("Oct. 4"); May, June and July never are.
_MONTH_OF = {name: k for k, name in enumerate(MONTHS, 1)} | {
    short: k
    for k, name in enumerate(MONTHS, 1)
    for short in {name[:3], "sept" if k == 9 else name[:3]}
    if k not in (5, 6, 7)
}
_MONTH = "(?P<month>" + "|".join(sorted(_MONTH_OF, key=len, reverse=True)) + r")\.?"
_WEEKDAY = "(?P<weekday>" + "|".join(WEEKDAYS) + ")"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"

# Each form of a date and what it is. "May" is a modal as often as a month:
# a month without a day is a date only after "in", "last", "early"… or
# before a year.
_FORMS = [
    ("day", rf"\b(?:{_WEEKDAY},?\s+)?{_MONTH}\s+{_DAY}\b(?:,?\s+{_YEAR}\b)?"),
    ("day", rf"\b(?:{_WEEKDAY},?\s+)?{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR}\b)?"),
    (
        "month",
        rf"\b(?P<which>(?:in|last|early|late|mid|earlier\s+in)\s+|mid-){_MONTH}\b"
        rf"(?:,?\s+{_YEAR}\b|\s+(?P<rel>last|this)\s+year\b)?",
    ),
    ("month", rf"\b{_MONTH}\s+{_YEAR}\b"),
    ("weekday", rf"\b(?P<which>on|last)\s+{_WEEKDAY}\b"),
    ("bare weekday", rf"\b{_WEEKDAY}\b(?!['\u2019]s)"),
    (
        "relative",
        r"\b(?P<rel>yesterday|today|tonight|last\s+night|this\s+(?:morning|afternoon|evening)"
        r"|(?:earlier\s+|later\s+)?(?:last|this|past)\s+(?:week|month|year))\b",
    ),
    ("year", rf"\b(?:in|during)\s+(?:early\s+|late\s+)?{_YEAR}\b"),
]
_PATTERNS = [(kind, re.compile(form, re.IGNORECASE)) for kind, form in _FORMS]


@dataclass(frozen=True)
class Mention:
    """A date a text gives: where it is, what form it takes, and the date
    (None when the publication date cannot place it)."""

    start: int
    end: int
    form: str  # day, month, weekday, bare weekday, relative or year
    date: Dated | None


def mentions(text: str, published: Dated | None) -> list[Mention]:
    """Every date `text` gives, in text order, each read from the day the
    text was published ("on Monday": the Monday on or before it; "in
    October": the latest October not after it); where two forms overlap
    the longer is kept."""
    found: list[Mention] = []
    for form, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            if any(m.start < match.end() and match.start() < m.end for m in found):
                continue
            if not all(
                match.group(g)[:1].isupper() for g in ("month", "weekday") if _has(match, g)
            ):
                continue  # "they may 5 …": names of days and months are capitalised
            found.append(
                Mention(match.start(), match.end(), form, _resolve(form, match, published))
            )
    return sorted(found, key=lambda m: m.start)


def _resolve(form: str, match: re.Match[str], published: Dated | None) -> Dated | None:
    parts = match.groupdict()
    year = int(parts["year"]) if parts.get("year") else None
    on, precision = published if published else (None, None)
    if form in ("day", "month"):
        month = _MONTH_OF[parts["month"].lower()]
        day = int(parts["day"]) if form == "day" else 1
        if year is None and parts.get("rel") and on is not None:
            year = on.year - (parts["rel"].lower() == "last")
        if year is None:
            # The latest such date not after the publication: "in October"
            # in an article of June is last year's.
            if on is None or precision == "year":
                return None
            if precision == "month" and form == "day" and month == on.month:
                return None
            year = on.year - ((month, day) > (on.month, on.day if precision == "day" else 31))
        if _which(parts) == "last" and on is not None and (year, month) == (on.year, on.month):
            year -= 1  # "last June", in June, is a year ago
        try:
            return dt.date(year, month, day), form
        except ValueError:  # "February 30"
            return None
    if form == "year":
        return dt.date(year or 1, 1, 1), "year"
    if on is None:
        return None
    if form in ("weekday", "bare weekday"):
        if precision != "day":
            return None
        back = (on.weekday() - WEEKDAYS.index(parts["weekday"].lower())) % 7
        if back == 0 and _which(parts) == "last":
            back = 7
        return on - dt.timedelta(days=back), "day"
    rel = " ".join(parts["rel"].lower().split())
    return _relative(rel, on, precision or "day")


def _has(match: re.Match[str], group: str) -> bool:
    return group in match.re.groupindex and match.group(group) is not None


def _which(parts: dict[str, str | None]) -> str:
    return (parts.get("which") or "").strip().lower()


def _relative(rel: str, on: dt.date, precision: str) -> Dated | None:
    """ "yesterday", "last week", "earlier this month"… from the day `on`."""
    words = rel.split()
    unit = words[-1]
    if unit in ("yesterday", "today", "tonight", "night", "morning", "afternoon", "evening"):
        if precision != "day":
            return None
        back = unit == "yesterday" or rel == "last night"
        return on - dt.timedelta(days=int(back)), "day"
    which = words[-2]
    if which == "past":  # the days up to `on`: "over the past week"
        if precision != "day":
            return None
        return _holding(on - dt.timedelta(days={"week": 6, "month": 30, "year": 365}[unit]), on)
    previous = which == "last"
    if unit == "year":
        return dt.date(on.year - previous, 1, 1), "year"
    if unit == "month":
        if precision == "year":
            return None
        first = on.replace(day=1)
        return (first - dt.timedelta(days=1)).replace(day=1) if previous else first, "month"
    if precision != "day":
        return None
    monday = on - dt.timedelta(days=on.weekday() + 7 * previous)
    return _holding(monday, monday + dt.timedelta(days=6) if previous else on)


def _holding(first: dt.date, last: dt.date) -> Dated | None:
    """A week is no precision: the month, or the year, that holds all of it."""
    if (first.year, first.month) == (last.year, last.month):
        return first.replace(day=1), "month"
    if first.year == last.year:
        return first.replace(month=1, day=1), "year"
    return None
