"""The forms that fix the record: edit a claim, an actor or a source, merge
actors, remove, undo a change.

Each is the CLI command of the same name (`tracker edit claim|actor|source`,
`merge-actors`, `remove claim|source|actor`, `undo`), its fields the
command's options, written by the library functions it calls. Sending the
form is the confirmation the command asks for (its --yes).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request

from tracker import dates
from tracker.ingest import adding, amend, edit, remove
from tracker.ingest import undo as undoing
from tracker.ingest.edit import Written
from tracker.query import queries
from tracker.record.models import Change
from tracker.record.names import resolve_actor
from tracker.render import views
from tracker.vocabulary import ACTOR_KINDS
from tracker.web.auth import safe_next
from tracker.web.forms import Action, Field, Form, FormError, Values, claim_shown

# -- edits ----------------------------------------------------------------------------

EDIT_CLAIM = Form(
    "Edit the claim",
    ("edit", "claim"),
    (
        Field("text", "The proposition", "--text", "textarea"),
        Field("on", "Stated on (YYYY[-MM[-DD]])", "--on"),
        Field("undated", "When it was stated is not known", "--undated", "checkbox"),
        Field("topics", "Add topics, one a line", "--topic", "lines"),
        Field("no_topics", "Drop topics, one a line", "--no-topic", "lines"),
        Field("claimants", "Add claimants, one a line", "--claimant", "lines"),
        Field("no_claimants", "Drop claimants, one a line", "--no-claimant", "lines"),
        Field("silent", "A typo: not shown among its corrections", "--silent", "checkbox"),
    ),
    "Save the claim",
)


def _edit_claim_start(session: Session, request: Request, key: str) -> dict[str, Any]:
    claim = edit.claim_row(session, key)
    return {"text": claim.text, "on": dates.at_precision(claim.stated_on, claim.stated_precision)}


def _edit_claim(session: Session, values: Values, key: str) -> Written:
    stated = values.date("on")
    undated = values.flag("undated")
    if stated is not None and undated:
        raise FormError("--on DATE dates it, --undated says it is not dated: give one")
    when: Any = amend.KEEP
    if stated is not None:
        when = stated
    elif undated:
        when = None

    edited = amend.edit_claim(
        session,
        key,
        text=values.text("text"),
        stated=when,
        topics=(values.lines("topics"), values.lines("no_topics")),
        claimants=(values.actors(session, "claimants"), values.actors(session, "no_claimants")),
    )
    return edited.written


EDIT_ACTOR = Form(
    "Edit the actor",
    ("edit", "actor"),
    (
        Field("name", "Its canonical name (the old one stays an alias)", "--name"),
        Field("drop_old_name", "The old name goes (a typo)", "--drop-old-name", "checkbox"),
        Field("kind", "What it is", "--kind", "select", ACTOR_KINDS, True),
        Field("description", "A short description (blank clears it)", "--description"),
    ),
    "Save the actor",
)


def _edit_actor_start(session: Session, request: Request, key: str) -> dict[str, Any]:
    actor = edit.actor_row(session, key)
    return {"name": actor.name, "kind": actor.kind, "description": actor.description or ""}


def _edit_actor(session: Session, values: Values, key: str) -> Written:
    name = values.text("name")
    if values.flag("drop_old_name") and name is None:
        raise FormError("--drop-old-name goes with --name")
    given = {
        "name": name,
        "kind": values.choice("kind"),
        "description": values.given("description"),
    }
    edited = amend.edit_actor(
        session,
        key,
        keep_old_name=not values.flag("drop_old_name"),
        **{k: v for k, v in given.items() if v is not None},
    )
    return edited.written


_SOURCE_TEXTS = ("title", "outlet", "url", "language", "archived_url", "notes")
EDIT_SOURCE = Form(
    "Edit the source",
    ("edit", "source"),
    (
        Field("title", "Title", "--title"),
        Field("outlet", "Outlet", "--outlet"),
        Field("url", "Where it was published (blank clears it)", "--url"),
        Field("published", "Published (YYYY[-MM[-DD]], blank clears it)", "--published"),
        Field("language", "Language code (en, fr…)", "--language"),
        Field("archived_url", "An archived copy", "--archived-url"),
        Field("retrieved", "Retrieved on (YYYY-MM-DD, blank clears it)", "--retrieved"),
        Field("excerpt", "The text is an excerpt of the document", "--excerpt", "checkbox"),
        Field("notes", "Notes", "--notes", "textarea"),
        Field("credits", "Add wire credits, one a line", "--credit", "lines"),
        Field("no_credits", "Drop wire credits, one a line", "--no-credit", "lines"),
    ),
    "Save the source",
)


def _edit_source_start(session: Session, request: Request, key: str) -> dict[str, Any]:
    source = edit.source_row(session, key)
    values: dict[str, Any] = {name: getattr(source, name) or "" for name in _SOURCE_TEXTS}
    values["published"] = dates.at_precision(source.published_on, source.published_precision)
    values["retrieved"] = source.retrieved_on.isoformat() if source.retrieved_on else ""
    values["excerpt"] = "on" if source.excerpt else ""
    return values


def _edit_source(session: Session, values: Values, key: str) -> Written:
    given: dict[str, Any] = {}
    for name in _SOURCE_TEXTS:
        value = values.given(name)
        if value is not None:
            given[name] = value
    given["excerpt"] = values.flag("excerpt")
    published: Any = amend.KEEP
    if values.given("published") is not None:
        published = values.date("published")  # blank: None, cleared
    retrieved: Any = amend.KEEP
    if values.given("retrieved") is not None:
        day = values.date("retrieved", day_only=True)
        retrieved = day[0] if day else None

    edited = amend.edit_source(
        session,
        key,
        published=published,
        retrieved=retrieved,
        credits=(values.actors(session, "credits"), values.actors(session, "no_credits")),
        **given,
    )
    return edited.written


MERGE_ACTORS = Form(
    "Merge another actor into this one",
    ("merge-actors",),
    (Field("other", "The other actor (its id or a name)", None, required=True),),
    "Merge it into this actor",
)


def _merge(session: Session, values: Values, key: str) -> Written:
    other = adding.writer_key(session, values.required("other"))[0]
    return edit.merge_actors(session, key, other)


def _keep_and_other(key: str, values: Values) -> list[str]:
    return [key, values.text("other") or "", "--yes"]


def _actor_shown(session: Session, key: str) -> dict[str, Any]:
    return {"subject": views.actor_dict(resolve_actor(session, key))["name"]}


def _source_shown(session: Session, key: str) -> dict[str, Any]:
    return {"subject": views.source_dict(queries.source(session, key), 0)["title"]}


# -- removals -------------------------------------------------------------------------

REMOVE_CLAIM = Form(
    "Remove the claim",
    ("remove", "claim"),
    (
        Field(
            "with_relations",
            "Also remove other claims' relations to it",
            "--with-relations",
            "checkbox",
        ),
    ),
    "Remove the claim and its appearances",
)
REMOVE_SOURCE = Form(
    "Remove the source",
    ("remove", "source"),
    (
        Field(
            "with_appearances", "Also remove the quotes it holds", "--with-appearances", "checkbox"
        ),
    ),
    "Remove the source and its text",
)
REMOVE_ACTOR = Form("Remove the actor", ("remove", "actor"), (), "Remove the actor")


def _yes(key: str, values: Values) -> list[str]:
    return [key, "--yes"]


def _remove_claim(session: Session, values: Values, key: str) -> Written:
    return remove.remove_claims(session, [key], values.flag("with_relations"))[0]


def _remove_source(session: Session, values: Values, key: str) -> Written:
    return remove.remove_source(session, key, values.flag("with_appearances"))


def _remove_actor(session: Session, values: Values, key: str) -> Written:
    return remove.remove_actor(session, key)


# -- undo -----------------------------------------------------------------------------

UNDO = Form(
    "Undo a change",
    ("undo",),
    (Field("next", "", kind="hidden"),),
    "Undo it",
)


def _change(key: str) -> int:
    if not key.isdigit() or int(key) < 1:
        raise FormError(f"CHANGE: {key!r} is not a change's number")
    return int(key)


def _undo(session: Session, values: Values, key: str) -> Written:
    done = undoing.undo(session, _change(key))
    return Written("undone", "change", str(done.change), done.message)


def _undo_start(session: Session, request: Request, key: str) -> dict[str, Any]:
    return {"next": safe_next(request.query_params.get("next"))}


def _undo_shown(session: Session, key: str) -> dict[str, Any]:
    change = session.get(Change, _change(key))
    if change is None:
        return {"subject": f"There is no change {key}."}
    return {"subject": undoing.describe(change)}


def _back(written: Written, values: Values) -> str:
    return safe_next(values.text("next"))


ACTIONS = {
    "edit_claim": Action(
        EDIT_CLAIM,
        "form.html.j2",
        _edit_claim,
        start=_edit_claim_start,
        context=claim_shown,
        silent=lambda values: values.flag("silent"),
    ),
    "edit_actor": Action(
        EDIT_ACTOR, "form.html.j2", _edit_actor, start=_edit_actor_start, context=_actor_shown
    ),
    "edit_source": Action(
        EDIT_SOURCE, "form.html.j2", _edit_source, start=_edit_source_start, context=_source_shown
    ),
    "merge_actors": Action(
        MERGE_ACTORS, "form.html.j2", _merge, arguments=_keep_and_other, context=_actor_shown
    ),
    "remove_claim": Action(
        REMOVE_CLAIM, "form.html.j2", _remove_claim, arguments=_yes, context=claim_shown
    ),
    "remove_source": Action(
        REMOVE_SOURCE, "form.html.j2", _remove_source, arguments=_yes, context=_source_shown
    ),
    "remove_actor": Action(
        REMOVE_ACTOR, "form.html.j2", _remove_actor, arguments=_yes, context=_actor_shown
    ),
    "undo": Action(UNDO, "form.html.j2", _undo, start=_undo_start, context=_undo_shown, done=_back),
}
