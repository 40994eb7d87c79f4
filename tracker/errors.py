"""Errors meant for users: each becomes one line and a stable exit status."""

from __future__ import annotations


class TrackerError(Exception):
    """A problem the user can fix; the message says what and where."""

    exit_code = 1


class InputError(TrackerError):
    """A data file is unreadable or wrong. The message names file and line or field."""


class NotFound(TrackerError):
    """No actor, claim or source matches what was asked for."""


class Ambiguous(TrackerError):
    """A name matches several actors; the message lists them."""

    exit_code = 2

    def __init__(self, message: str, candidates: list[str]) -> None:
        super().__init__(message)
        self.candidates = candidates


class SchemaError(TrackerError):
    """The database is not at the schema revision this tracker expects."""


class FetchError(InputError):
    """A page could not be fetched, or was refused: the message names the URL."""


class AddressRefused(FetchError):
    """A fetch would reach a private, loopback or otherwise non-public address."""
