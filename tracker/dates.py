"""Dates known to a day, a month or a year ("October last year")."""

from __future__ import annotations

import calendar
import datetime as dt

_FORMATS = {10: ("%Y-%m-%d", "day"), 7: ("%Y-%m", "month"), 4: ("%Y", "year")}


def parse(text: str) -> tuple[dt.date, str]:
    """'YYYY-MM-DD', 'YYYY-MM' or 'YYYY' as (first day, precision).

    Raises ValueError for anything else, including unpadded forms like
    2024-6-1, so that files and the command line accept the same dates.
    """
    if len(text) in _FORMATS:
        fmt, precision = _FORMATS[len(text)]
        try:
            return dt.datetime.strptime(text, fmt).date(), precision
        except ValueError:
            pass
    raise ValueError(f"{text!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")


_LENGTHS = {"day": 10, "month": 7, "year": 4}


def at_precision(day: dt.date | None, precision: str | None = "day") -> str | None:
    """A date cut to its precision: 2024-06-17, 2024-06 or 2024 (ISO 8601)."""
    if day is None:
        return None
    return day.isoformat()[: _LENGTHS[precision or "day"]]


def compact(day: dt.date, precision: str) -> str:
    """20240618, 202406 or 2024: the date at its precision, for an id."""
    return day.strftime({"day": "%Y%m%d", "month": "%Y%m", "year": "%Y"}[precision])


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
