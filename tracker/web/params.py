"""Query parameters read as the CLI reads its options: the same names, the
same values, the same refusals (a 400 with the CLI's reason)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from tracker import dates
from tracker.errors import TrackerError
from tracker.query.filters import claim_filter
from tracker.query.queries import ClaimFilter
from tracker.vocabulary import RELATION_TYPES, SEARCH_KINDS, STATUSES
from tracker.web.security import MAX_PARAM

# The filters of a claim listing, in the order a page shows them.
FILTERS = ("actor", "topic", "source", "since", "until", "relation", "rating", "reviewed")
MAX_COUNT = 2**31 - 1  # as the CLI's --limit
PAGE_SIZE = 25


class ParamError(TrackerError):
    """A query parameter that cannot be read: a 400, saying why."""

    exit_code = 2


def text(params: Mapping[str, str], name: str) -> str | None:
    """A parameter's value; empty (a form's blank field) is not given."""
    value = params.get(name)
    if value is None or value == "":
        return None
    if len(value) > MAX_PARAM or "\x00" in value:
        raise ParamError(f"{name}: at most {MAX_PARAM} characters, and no NUL")
    return value


def choice(params: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str | None:
    value = text(params, name)
    if value is not None and value not in choices:
        raise ParamError(f"{name}: {value!r} is not one of {', '.join(choices)}")
    return value


def count(params: Mapping[str, str], name: str, default: int | None = None) -> int | None:
    value = text(params, name)
    if value is None:
        return default
    if not value.isdigit() or not 1 <= int(value) <= MAX_COUNT:
        raise ParamError(f"{name}: give a whole number from 1 to {MAX_COUNT}, not {value!r}")
    return int(value)


def _date(params: Mapping[str, str], name: str, end_of_period: bool) -> dt.date | None:
    value = text(params, name)
    if value is None:
        return None
    try:
        day, precision = dates.parse(value)
    except ValueError as exc:
        raise ParamError(f"{name}: {exc}") from None
    return dates.period_end(day, precision) if end_of_period else day


def reviewed(params: Mapping[str, str]) -> bool | None:
    value = choice(params, "reviewed", ("yes", "no"))
    return None if value is None else value == "yes"


def listing(params: Mapping[str, str], session: Session, statuses: bool = False) -> ClaimFilter:
    """The ClaimFilter of `tracker contested`/`claims`/`timeline` from the
    same options (`reviewed=yes|no` for --reviewed/--unreviewed)."""
    since = _date(params, "since", end_of_period=False)
    until = _date(params, "until", end_of_period=True)
    if since and until and since > until:
        raise ParamError(f"since {since} is after until {until}")
    return claim_filter(
        session,
        actor=text(params, "actor"),
        topic=text(params, "topic"),
        source=text(params, "source"),
        since=since,
        until=until,
        relation=choice(params, "relation", RELATION_TYPES),
        rating=text(params, "rating"),
        reviewed=reviewed(params),
        status=choice(params, "status", STATUSES) if statuses else None,
        limit=count(params, "limit"),
    )


def kinds(given: list[str]) -> tuple[str, ...]:
    """`in=claims&in=quotes` (the values given): what search looks in, each
    once, in the order given, as `--in` repeated; all three when none."""
    for kind in given:
        if kind not in SEARCH_KINDS:
            raise ParamError(f"in: {kind[:40]!r} is not one of {', '.join(SEARCH_KINDS)}")
    return tuple(dict.fromkeys(given)) or SEARCH_KINDS


@dataclass(frozen=True)
class Query:
    """The filters given, to build links from: the same page with one more
    filter, one less, or another page."""

    values: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, params: Mapping[str, str], names: tuple[str, ...]) -> Query:
        return cls(tuple((n, v) for n in names if (v := params.get(n)) and len(v) <= MAX_PARAM))

    def get(self, name: str) -> str | None:
        return dict(self.values).get(name)

    def link(self, **changes: str | int | None) -> str:
        """`?…` with `changes` made (None removes a parameter)."""
        values = dict(self.values)
        for name, value in changes.items():
            if value is None:
                values.pop(name, None)
            else:
                values[name] = str(value)
        return "?" + urlencode(values) if values else "?"
