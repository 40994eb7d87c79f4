"""How every form that changes the record works, whatever it changes.

A form is a list of fields, each the CLI option it stands for. Showing it
(GET) fills it with what the page knows; sending it (POST) checks, in order,
that the sender may write (an editor: 403 otherwise), that the form carries
the session's CSRF token (403), then reads the fields as the CLI reads its
options and calls the library function the CLI calls, in one transaction
under the write lock whose change in the log names the signed-in user and
the command line the form stands for. What the library refuses is the
CLI's message, shown above the form re-shown with what was sent (422);
what it writes is said on the page the form leads to (303).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from tracker import dates
from tracker.errors import InputError, TrackerError
from tracker.ingest import adding
from tracker.ingest.edit import Written
from tracker.query import queries
from tracker.record.changelog import command_line
from tracker.render import views
from tracker.render.terminal import error_line
from tracker.web.auth import editor, posted
from tracker.web.desk import Desk
from tracker.web.reading import SAID, page

MAX_FIELD = 60_000  # characters of one field (the body is bounded before that)


class FormError(InputError):
    """A field that cannot be read, said as the CLI says it of its option."""


@dataclass(frozen=True)
class Field:
    name: str  # the form's field
    label: str
    option: str | None = None  # the CLI's option it stands for; None: an argument
    kind: str = "text"  # text, textarea, lines, select, checkbox, number, file, hidden
    choices: tuple[str, ...] = ()
    required: bool = False
    help: str = ""


@dataclass(frozen=True)
class Form:
    title: str
    command: tuple[str, ...]  # the CLI's words: ("add", "claim")
    fields: tuple[Field, ...]
    button: str
    upload: bool = False  # multipart, with a file


class Values:
    """A sent form's fields read as the CLI reads its options."""

    def __init__(self, form: Form, data: Mapping[str, Any]) -> None:
        self.form = form
        self.data = data
        self.fields = {f.name: f for f in form.fields}
        self.fetched: dict[str, Any] = {}  # what an Action's `prepare` got

    def _option(self, name: str) -> str:
        f = self.fields[name]
        return f.option or f.label

    def text(self, name: str) -> str | None:
        """The field's text; a blank field is not given."""
        value = self.data.get(name)
        if not isinstance(value, str) or not value.strip():
            return None
        if len(value) > MAX_FIELD or "\x00" in value:
            raise FormError(f"{self._option(name)}: at most {MAX_FIELD:,} characters, and no NUL")
        return value.replace("\r\n", "\n")

    def given(self, name: str) -> str | None:
        """The field as sent, blank included ("" clears, as in the CLI)."""
        value = self.data.get(name)
        if value is None:
            return None
        return self.text(name) or ""

    def required(self, name: str) -> str:
        value = self.text(name)
        if value is None:
            raise FormError(f"Missing option '{self._option(name)}'.")
        return value

    def lines(self, name: str) -> list[str]:
        """One value a line, as the CLI's option repeated."""
        value = self.text(name) or ""
        return [line.strip() for line in value.splitlines() if line.strip()]

    def actors(self, session: Session, name: str) -> list[str]:
        """The actors named one a line, each resolved as the CLI resolves a
        writer's name (an id, an alias, a surname): their ids."""
        return [adding.writer_key(session, n)[0] for n in self.lines(name)]

    def flag(self, name: str) -> bool:
        return self.data.get(name) in ("on", "yes", "1", "true")

    def choice(self, name: str) -> str | None:
        value = self.text(name)
        choices = self.fields[name].choices
        if value is not None and value not in choices:
            raise FormError(f"{self._option(name)}: {value!r} is not one of {', '.join(choices)}")
        return value

    def date(self, name: str, day_only: bool = False) -> tuple[dt.date, str] | None:
        value = self.text(name)
        if value is None:
            return None
        try:
            day, precision = dates.parse(value.strip())
        except ValueError as exc:
            raise FormError(f"Invalid value for {self._option(name)}: {exc}") from None
        if day_only and precision != "day":
            raise FormError(
                f"Invalid value for {self._option(name)}: {value!r}: give a full date YYYY-MM-DD"
            )
        return day, precision

    def number(self, name: str) -> float | None:
        value = self.text(name)
        if value is None:
            return None
        try:
            return float(value)
        except ValueError:
            raise FormError(
                f"Invalid value for '{self._option(name)}': {value!r} is not a valid float."
            ) from None

    def count(self, name: str) -> int | None:
        value = self.text(name)
        if value is None:
            return None
        if not value.strip().isdigit() or int(value) < 1:
            raise FormError(f"{self._option(name)}: {value!r} is not a whole number from 1")
        return int(value)

    def upload(self, name: str) -> UploadFile | None:
        value = self.data.get(name)
        return value if isinstance(value, UploadFile) and value.filename else None

    def command(self, arguments: list[str]) -> str:
        """The command line this form stands for, as the change log keeps it."""
        words = [*self.form.command, *arguments]
        for f in self.form.fields:
            if f.option is None or f.kind in ("hidden", "file"):
                continue
            if f.kind == "checkbox":
                words += [f.option] if self.flag(f.name) else []
            elif f.kind == "lines":
                for line in self.lines(f.name):
                    words += [f.option, line]
            elif isinstance(value := self.data.get(f.name), str) and value.strip():
                words += [f.option, value]
        upload = next((self.upload(f.name) for f in self.form.fields if f.kind == "file"), None)
        if upload is not None:
            words.insert(len(self.form.command), upload_name(upload))
        return "web: " + command_line(words)


def upload_name(upload: UploadFile) -> str:
    """The browser's name for an uploaded file, never a path here: it names
    the file in messages and in the change log."""
    return PurePath(upload.filename or "upload").name[:200] or "upload"


@dataclass
class Action:
    """One form, and what it does.

    `write(session, values, key)` makes the change with the library's
    functions; `start(session, request, key)` gives the fields' first values
    and `context(session, key)` what the page shows about the form; `done` is
    where the browser goes after (default: the page of what was written)."""

    form: Form
    template: str
    write: Callable[[Session, Values, str], Written]
    arguments: Callable[[str, Values], list[str]] = lambda key, values: [key] if key else []
    start: Callable[[Session, Request, str], dict[str, Any]] | None = None
    context: Callable[[Session, str], dict[str, Any]] | None = None
    done: Callable[[Written, Values], str] | None = None
    key: str = "key"  # the path parameter naming what the form changes
    # A typo-level fix: logged, never shown among a claim's corrections.
    silent: Callable[[Values], bool] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    # Work done before the write's transaction (a page fetched from the web:
    # the write lock is not held while it is read); it leaves what it got in
    # `values.fetched`.
    prepare: Callable[[Desk, Values], None] | None = None


def claim_shown(session: Session, key: str) -> dict[str, Any]:
    """The claim a form changes, shown above it (none for a form of no claim)."""
    return {"claim": views.claim_dict(queries.claim(session, key))} if key else {}


def _desk(request: Request) -> Desk:
    desk: Desk = request.app.state.desk
    return desk


def target(written: Written) -> str:
    """The page of what was written."""
    from urllib.parse import quote

    place = {
        "claim": "claims",
        "appearance": "claims",
        "relation": "claims",
        "review": "claims",
        "evidence": "claims",
        "actor": "actors",
        "alias": "actors",
        "source": "sources",
    }.get(written.kind)
    if place is None or written.action == "removed":
        return "/"
    return f"/{place}/{quote(written.id, safe='')}"


def _show(
    request: Request, action: Action, key: str, values: dict[str, Any], error: str | None, code: int
) -> Response:
    context: dict[str, Any] = {}
    if action.context is not None:
        with _desk(request).reading() as session:
            context = action.context(session, key)
    return page(
        request,
        action.template,
        status=code,
        form=action.form,
        values=values,
        error=error,
        action=request.url.path,
        key=key,
        **action.extra,
        **context,
    )


@dataclass
class Submission:
    """What one sent form does: the command line it stands for (as the
    change log keeps it), the write, and where the browser goes after."""

    command: str
    write: Callable[[Session], Written]
    where: Callable[[Written], str] = target
    silent: bool = False  # a typo-level fix


async def submit(
    request: Request,
    prepare: Callable[[dict[str, Any]], Submission],
    refused: Callable[[dict[str, Any], str], Response],
) -> Response:
    """A POSTed form, the same way for every form that writes: the sender
    must be an editor (403), the form must carry the session's CSRF token
    (403); `prepare(data)` reads the fields into a Submission, written in one
    transaction under the write lock as one change made by the signed-in
    user. A refusal (TrackerError, from reading the fields or from the
    library) is `refused(what was sent, the CLI's one-line message)`;
    success is said on the next page shown, where the submission leads (303)."""
    found = await run_in_threadpool(editor, request)
    data = await posted(request)

    def write() -> tuple[Submission, Written]:
        submission = prepare(data)
        assert found.name is not None  # an editor is someone
        with _desk(request).writing(found.name, submission.command, submission.silent) as session:
            return submission, submission.write(session)

    try:
        submission, written = await run_in_threadpool(write)
    except TrackerError as exc:
        # The CLI's line: error_line cuts a long quoted value as the terminal's.
        shown = {k: v for k, v in data.items() if isinstance(v, str)}
        return await run_in_threadpool(refused, shown, error_line(str(exc)))
    finally:
        for upload in data.values():
            if isinstance(upload, UploadFile):
                await upload.close()
    request.session[SAID] = written.message
    return RedirectResponse(submission.where(written), 303)


def handler(action: Action) -> Callable[[Request], Any]:
    """The route of `action`: GET shows the form, POST sends it."""

    async def endpoint(request: Request) -> Response:
        key = str(request.path_params.get(action.key, ""))
        if request.method != "POST":
            await run_in_threadpool(editor, request)

            def first() -> dict[str, Any]:
                if action.start is None:
                    return {}
                with _desk(request).reading() as session:
                    return action.start(session, request, key)

            start = await run_in_threadpool(first)
            return await run_in_threadpool(_show, request, action, key, start, None, 200)

        def prepare(data: dict[str, Any]) -> Submission:
            values = Values(action.form, data)
            if action.prepare is not None:
                # Before the write's transaction: the lock is not held while it runs.
                action.prepare(_desk(request), values)
            done = action.done
            return Submission(
                command=values.command(action.arguments(key, values)),
                write=lambda session: action.write(session, values, key),
                where=(lambda w: done(w, values)) if done is not None else target,
                silent=action.silent(values) if action.silent else False,
            )

        def refused(shown: dict[str, Any], message: str) -> Response:
            return _show(request, action, key, shown, message, 422)

        return await submit(request, prepare, refused)

    return endpoint
