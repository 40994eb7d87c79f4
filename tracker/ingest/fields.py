"""Typed access to one data-file mapping's fields, with errors that say where."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tracker import dates
from tracker.errors import InputError

# Ids are slugs: lower-case words of letters and digits joined by hyphens.
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_ID = 100


def check_slug(key: str, what: str, where: str = "") -> str:
    """`key` if it is a slug; otherwise one line naming where and why."""
    if not SLUG.fullmatch(key) or len(key) > MAX_ID:
        raise InputError(
            f"{where}{what} id {key[:40]!r} is not a slug: lower-case letters and digits joined"
            f" by hyphens (north-korea-arms-denial), at most {MAX_ID} characters"
        )
    return key


@dataclass(frozen=True)
class Where:
    """A place in a data file, for error messages; or, with `label`, the
    command that typed the data in."""

    path: Path
    line: int
    label: str | None = None

    def __str__(self) -> str:
        return self.label or f"{self.path}:{self.line}"


def _limits() -> dict[str, dict[str, int]]:
    """The longest value each field may hold: the width of its column, so that
    every backend accepts what the loader accepts (SQLite would not check)."""
    from tracker.record import models as m

    def width(column: Any) -> int:
        return int(column.type.length)

    return {
        "actor": {
            "id": width(m.Actor.key),
            "name": width(m.Actor.name),
            "aliases": width(m.Alias.alias),
        },
        "role": {"title": width(m.Role.title)},
        "source": {
            "id": width(m.Source.key),
            "outlet": width(m.Source.outlet),
            "title": width(m.Source.title),
            "url": width(m.Source.url),
            "archived_url": width(m.Source.archived_url),
            "language": width(m.Source.language),
        },
        "claim": {"id": width(m.Claim.key), "topics": width(m.Topic.topic)},
        "appearance": {"cue": width(m.Appearance.cue)},
        "review": {"rating": width(m.Review.rating), "url": width(m.Review.url)},
        "evidence": {
            "url": width(m.Evidence.url),
            "title": width(m.Evidence.title),
            "kind": width(m.Evidence.kind),
        },
        "first_appearance": {"url": width(m.Claim.first_url)},
    }


LIMITS = _limits()


class Fields:
    """Typed access to one mapping's fields, with errors that say where."""

    def __init__(
        self,
        path: Path,
        data: Any,
        what: str,
        allowed: set[str],
        line: int = 1,
        label: str | None = None,
    ) -> None:
        # A non-mapping has no line of its own: report the enclosing one.
        # A YAML mapping knows its line (tracker.ingest.dataset); anything else
        # is reported at the enclosing one.
        # `label`: typed at the command line, not read from a file.
        self.label = label
        self.where = Where(
            path, getattr(data, "line", line) if isinstance(data, dict) else line, label
        )
        if not isinstance(data, dict):
            raise InputError(f"{self.where}: each {what} must be a mapping of fields")
        self.limits = LIMITS.get(what, {})
        self.data = data
        self.path = path
        self.what = what
        for key in data:
            if key not in allowed:
                raise InputError(
                    f"{self.at(key)}: unknown field {key!r} in {what};"
                    f" expected one of: {', '.join(sorted(allowed))}"
                )

    def at(self, key: str) -> Where:
        lines = getattr(self.data, "field_lines", {})
        return Where(self.path, lines.get(key, self.where.line), self.label)

    def text(self, key: str, required: bool = True) -> str | None:
        value = self.data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise InputError(f"{self.where}: {self.what} has no {key!r}")
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise InputError(f"{self.at(key)}: field {key!r} must be text")
        return self._fits(key, str(value))

    def _fits(self, key: str, value: str) -> str:
        limit = self.limits.get(key)
        if limit is not None and len(value) > limit:
            raise InputError(
                f"{self.at(key)}: field {key!r} is {len(value)} characters long;"
                f" at most {limit} fit"
            )
        return value

    def required(self, key: str) -> str:
        value = self.text(key)
        assert value is not None
        return value

    def slug(self, key: str) -> str:
        """A required id: a slug, or one line saying where it is not."""
        return check_slug(self.required(key), self.what, f"{self.at(key)}: ")

    def choice(self, key: str, choices: tuple[str, ...], default: str | None = None) -> str:
        value = self.text(key, required=default is None) or default
        assert value is not None
        if value not in choices:
            raise InputError(
                f"{self.at(key)}: field {key!r} is {value!r}; expected one of: {', '.join(choices)}"
            )
        return value

    def texts(self, key: str, required: bool = False) -> list[str]:
        value = self.data.get(key)
        if value is None:
            if required:
                raise InputError(f"{self.where}: {self.what} has no {key!r}")
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(
            isinstance(v, (str, int)) and not isinstance(v, bool) for v in value
        ):
            raise InputError(f"{self.at(key)}: field {key!r} must be a list of names")
        if required and not value:
            raise InputError(f"{self.at(key)}: field {key!r} is empty")
        return [self._fits(key, str(v)) for v in value]

    def mappings(self, key: str) -> list[Any]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise InputError(f"{self.at(key)}: field {key!r} must be a list")
        return value

    def date(self, key: str) -> tuple[dt.date, str] | None:
        """'YYYY', 'YYYY-MM' or 'YYYY-MM-DD' as (first day, precision)."""
        try:
            return dates.parse_date(self.data.get(key))
        except ValueError as exc:
            raise InputError(f"{self.at(key)}: field {key!r}: {exc}") from None
