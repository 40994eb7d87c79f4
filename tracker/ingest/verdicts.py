"""Verdicts and evidence in data files: a claim's `reviews`, its `evidence`
and its `first_appearance`, read and checked with file and line.

    reviews:
      - by: factcheck-org            # the reviewer, an actor id
        rating: Misleading           # the reviewer's own label
        value: 2                     # optional, on the scale best..worst
        best: 5
        worst: 1
        date: '2024-06-20'
        url: https://...
        explanation: ...
        evidence: [...]              # as below, backing the verdict
    evidence:
      - url: https://...
        title: ...
        kind: report
        date: '2024-06-10'
        shows: what it shows
        stance: supports             # or refutes
    first_appearance: {source: an-id}   # or {url: https://...}
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.errors import InputError
from tracker.ingest.fields import Fields, Where
from tracker.vocabulary import EVIDENCE_STANCES


@dataclass
class EvidenceSpec:
    url: str
    title: str | None
    kind: str | None
    published: dt.date | None
    shows: str | None
    stance: str
    where: Where


@dataclass
class ReviewSpec:
    reviewer: str  # actor key
    rating: str
    value: float | None
    best: float | None
    worst: float | None
    reviewed: dt.date | None
    url: str | None
    explanation: str | None
    where: Where
    evidence: list[EvidenceSpec] = field(default_factory=list)


@dataclass(frozen=True)
class FirstAppearance:
    source: str | None  # a source id, or
    url: str | None  # a place outside the database


def _day(f: Fields, key: str) -> dt.date | None:
    found = f.date(key)
    if found is None:
        return None
    if found[1] != "day":
        raise InputError(f"{f.at(key)}: field {key!r} must be a full date YYYY-MM-DD")
    return found[0]


def _number(f: Fields, key: str) -> float | None:
    value = f.data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InputError(f"{f.at(key)}: field {key!r} must be a number")
    return float(value)


def evidence(path: Path, data: Any, line: int, label: str | None = None) -> EvidenceSpec:
    f = Fields(
        path, data, "evidence", {"url", "title", "kind", "date", "shows", "stance"}, line, label
    )
    return EvidenceSpec(
        url=f.required("url"),
        title=f.text("title", required=False),
        kind=f.text("kind", required=False),
        published=_day(f, "date"),
        shows=f.text("shows", required=False),
        stance=f.choice("stance", EVIDENCE_STANCES),
        where=f.where,
    )


def review(
    path: Path, data: Any, line: int, label: str | None = None, reviewer: str = "by"
) -> ReviewSpec:
    """A review's fields; `reviewer`: the field naming the reviewer (an export
    document says `reviewer`, a data file `by`)."""
    f = Fields(
        path,
        data,
        "review",
        {reviewer, "rating", "value", "best", "worst", "date", "url", "explanation", "evidence"},
        line,
        label,
    )
    best, worst = _number(f, "best"), _number(f, "worst")
    if best is not None and best == worst:
        raise InputError(f"{f.at('best')}: a rating scale needs best and worst to differ")
    value = _number(f, "value")
    if value is not None and best is not None and worst is not None:
        low, high = sorted((best, worst))
        if not low <= value <= high:
            raise InputError(
                f"{f.at('value')}: value {value:g} is outside the scale {worst:g}..{best:g}"
            )
    return ReviewSpec(
        reviewer=f.slug(reviewer),
        rating=f.required("rating"),
        value=value,
        best=best,
        worst=worst,
        reviewed=_day(f, "date"),
        url=f.text("url", required=False),
        explanation=f.text("explanation", required=False),
        where=f.where,
        evidence=[
            evidence(path, item, f.at("evidence").line, label and f"{label}.evidence[{j}]")
            for j, item in enumerate(f.mappings("evidence"))
        ],
    )


def first_appearance(
    path: Path, data: Any, line: int, label: str | None = None
) -> FirstAppearance | None:
    if data is None:
        return None
    f = Fields(path, data, "first_appearance", {"source", "url"}, line, label)
    source, url = f.text("source", required=False), f.text("url", required=False)
    if (source is None) == (url is None):
        raise InputError(f"{f.where}: first_appearance takes one of 'source' (an id) or 'url'")
    return FirstAppearance(source, url)


def typed_review(data: dict[str, Any], label: str) -> ReviewSpec:
    """A review typed at the command line (`label`: the command), checked as a file's is."""
    return review(Path(label), data, 0, label)


def typed_evidence(data: dict[str, Any], label: str) -> EvidenceSpec:
    return evidence(Path(label), data, 0, label)
