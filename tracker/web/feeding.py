"""The forms that add to the record: a claim (from a passage selected in a
source, or a typed quote), a counter-claim, a relation, a verdict, evidence,
a source (an uploaded file).

Each is the CLI command of the same name (`tracker add claim`, `add counter`,
`relate`, `unrelate`, `review`, `add evidence`, `add source FILE`): its fields are the command's
options, read as the command reads them, and written by the library
functions the command calls (tracker.web.forms says how).
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request

from tracker.errors import AddressRefused, InputError
from tracker.ingest import adding, edit, sourcefile, webpage
from tracker.ingest.edit import Written
from tracker.ingest.verdicts import typed_evidence, typed_review
from tracker.query import queries
from tracker.query.similar import refuse_resembling
from tracker.vocabulary import COUNTER_RELATIONS, EVIDENCE_STANCES, RELATION_TYPES
from tracker.web.desk import Desk
from tracker.web.forms import Action, Field, Form, FormError, Values, claim_shown, upload_name
from tracker.web.security import MAX_UPLOAD

# -- a claim and a counter-claim --------------------------------------------------------

_CLAIM_FIELDS = (
    Field("source", "Source (its id)", "--source", required=True),
    Field(
        "quote",
        "Quote: its words in the source",
        "--quote",
        "textarea",
        required=True,
        help="Select a passage in the source to fill it, or type it: it must occur there.",
    ),
    Field("start", "", kind="hidden"),
    Field("end", "", kind="hidden"),
    Field(
        "by",
        "Claimants, one a line",
        "--by",
        "lines",
        required=True,
        help="Any name `by-actor` resolves: an id, an alias, a surname.",
    ),
    Field("text", "The proposition, neutral, in your words", "--text", "textarea", required=True),
    Field("on", "Stated on (YYYY[-MM[-DD]])", "--on"),
    Field("topics", "Topics, one a line", "--topic", "lines"),
    Field("paraphrase", "The quote is a paraphrase", "--paraphrase", "checkbox"),
    Field("cue", 'Cue ("said", "denied")', "--cue"),
    Field("via", 'Via ("TASS reported")', "--via"),
    Field("occurrence", "Which occurrence, if the quote recurs", "--occurrence", "number"),
    Field("id", "Its id (default: from its text)", "--id"),
    Field("new", "Record it even if it resembles a recorded claim", "--new", "checkbox"),
)

ADD_CLAIM = Form("Add a claim", ("add", "claim"), _CLAIM_FIELDS, "Add the claim")
ADD_COUNTER = Form(
    "Add a counter-claim",
    ("add", "counter"),
    (
        Field(
            "relation", "How it answers the claim", "--relation", "select", COUNTER_RELATIONS, True
        ),
        *_CLAIM_FIELDS,
    ),
    "Add the counter-claim",
)


def _offset(values: Values, name: str) -> int | None:
    value = values.text(name)
    if value is None:
        return None
    if not value.isdigit():
        raise InputError(f"the selection's {name} {value!r} is not a character offset")
    return int(value)


def _claim(session: Session, values: Values, relations: list[tuple[str, str]]) -> Written:
    source = values.required("source").strip()
    start, end = _offset(values, "start"), _offset(values, "end")
    occurrence = values.count("occurrence")
    if start is not None and end is not None:
        # A passage selected in the source: the quote and its occurrence are
        # what is there, at those offsets.
        text = edit.source_row(session, source).text
        if text is None:
            raise InputError(f"source {source!r} has no stored text to select a passage in")
        quote, occurrence = adding.quote_at(text, start, end)
    else:
        quote = values.required("quote")
    fields = adding.ClaimFields(
        by=values.lines("by"),
        text=values.required("text"),
        source=source,
        quote=quote,
        stated=values.date("on"),
        topics=values.lines("topics"),
        paraphrase=values.flag("paraphrase"),
        cue=values.text("cue"),
        via=values.text("via"),
        occurrence=occurrence,
        key=values.text("id"),
        relations=relations,
    )
    if not fields.by:
        values.required("by")
    label = "tracker add " + ("counter" if relations else "claim")
    spec, _ = adding.claim_spec(session, fields, label)
    # Written first, so that a bad quote or name is what is reported; a
    # resemblance then undoes it (the transaction rolls back): as the CLI.
    written = edit.add_claim(session, spec)
    if not values.flag("new"):
        refuse_resembling(session, spec)
    return written


def _add_claim(session: Session, values: Values, key: str) -> Written:
    return _claim(session, values, [])


def _add_counter(session: Session, values: Values, key: str) -> Written:
    return _claim(session, values, [(values.choice("relation") or "denies", key)])


def _selection(session: Session, request: Request, key: str) -> dict[str, Any]:
    """A passage selected in a source page (?source=&start=&end=): its quote."""
    values: dict[str, Any] = {"relation": "denies"}
    params = request.query_params
    source = params.get("source")
    if source:
        values["source"] = source[:500]
        start, end = params.get("start", ""), params.get("end", "")
        found = queries.source(session, values["source"])
        if start.isdigit() and end.isdigit() and found.text is not None:
            try:
                quote, _ = adding.quote_at(found.text, int(start), int(end))
            except InputError:
                pass  # the form says so when sent
            else:
                values.update(quote=quote, start=start, end=end)
    return values


# -- relations, verdicts, evidence ------------------------------------------------------

RELATE = Form(
    "Relate it to another claim",
    ("relate",),
    (
        Field("relation", "Relation", "--relation", "select", RELATION_TYPES, True),
        Field("other", "The other claim (its id)", None, required=True),
    ),
    "Relate",
)
UNRELATE = Form(
    "Remove its relation to another claim",
    ("unrelate",),
    (Field("other", "The other claim (its id)", None, required=True),),
    "Remove the relation",
)


def _relate(session: Session, values: Values, key: str) -> Written:
    other = values.required("other").strip()
    relation = values.choice("relation")
    if relation is None:
        values.required("relation")
    assert relation is not None
    return edit.relate(session, key, other, relation)


def _unrelate(session: Session, values: Values, key: str) -> Written:
    return edit.unrelate(session, key, values.required("other").strip())


def _other(key: str, values: Values) -> list[str]:
    return [key, values.text("other") or ""]


REVIEW = Form(
    "Record a verdict",
    ("review",),
    (
        Field("by", "Reviewer (the fact-checker)", "--by", required=True),
        Field("rating", 'Rating, in its own words ("False")', "--rating", required=True),
        Field("value", "Value on its scale", "--value", "number"),
        Field("best", "Best value of the scale", "--best", "number"),
        Field("worst", "Worst value of the scale", "--worst", "number"),
        Field("date", "Published on (YYYY-MM-DD)", "--date"),
        Field("url", "Where the review is published", "--url"),
        Field("explanation", "Explanation", "--explanation", "textarea"),
    ),
    "Record the verdict",
)
EVIDENCE = Form(
    "Add evidence",
    ("add", "evidence"),
    (
        Field("url", "Where the document is", "--url", required=True),
        Field("stance", "What it does to the claim", "--stance", "select", EVIDENCE_STANCES, True),
        Field("title", "Title", "--title"),
        Field("kind", "Kind (report, dataset, image…)", "--kind"),
        Field("date", "Its date (YYYY-MM-DD)", "--date"),
        Field("shows", "What it shows, in a sentence", "--shows", "textarea"),
        Field("review_by", "Backs this reviewer's latest verdict", "--review-by"),
    ),
    "Add the evidence",
)


def _review(session: Session, values: Values, key: str) -> Written:
    data: dict[str, object] = {
        "by": adding.writer_key(session, values.required("by"))[0],
        "rating": values.required("rating"),
        "value": values.number("value"),
        "best": values.number("best"),
        "worst": values.number("worst"),
        "date": values.text("date"),
        "url": values.text("url"),
        "explanation": values.text("explanation"),
    }
    spec = typed_review({k: v for k, v in data.items() if v is not None}, "tracker review")
    return edit.add_review(session, key, spec)


def _evidence(session: Session, values: Values, key: str) -> Written:
    data = {
        "url": values.required("url"),
        "stance": values.choice("stance") or values.required("stance"),
        "title": values.text("title"),
        "kind": values.text("kind"),
        "date": values.text("date"),
        "shows": values.text("shows"),
    }
    spec = typed_evidence({k: v for k, v in data.items() if v is not None}, "tracker add evidence")
    named = values.text("review_by")
    reviewer = adding.writer_key(session, named)[0] if named else None
    return edit.add_evidence(session, key, spec, reviewer)


ACTIONS = {
    "add_claim": Action(ADD_CLAIM, "form.html.j2", _add_claim, start=_selection),
    "add_counter": Action(
        ADD_COUNTER, "form.html.j2", _add_counter, start=_selection, context=claim_shown
    ),
    "relate": Action(RELATE, "form.html.j2", _relate, arguments=_other, context=claim_shown),
    "unrelate": Action(UNRELATE, "form.html.j2", _unrelate, arguments=_other, context=claim_shown),
    "review": Action(REVIEW, "form.html.j2", _review, context=claim_shown),
    "evidence": Action(EVIDENCE, "form.html.j2", _evidence, context=claim_shown),
}


# -- a source, uploaded -----------------------------------------------------------------

ADD_SOURCE = Form(
    "Add a source",
    ("add", "source"),
    (
        Field(
            "file",
            "The article: an HTML page saved from a browser, or a text or Markdown file",
            None,
            "file",
        ),
        Field(
            "fetch",
            "Or its address (http or https), fetched by the server",
            None,
            help="Fetched within 30 s and 16 MiB; never from inside the network unless"
            " the server was started with --allow-private-fetch.",
        ),
        Field("id", "Its id (default: from outlet and date)", "--id"),
        Field("title", "Title (default: what the file says)", "--title"),
        Field("outlet", "Outlet (default: the page's site name)", "--outlet"),
        Field("url", "Where it was published", "--url"),
        Field("published", "Published (YYYY[-MM[-DD]])", "--published"),
        Field("language", "Language code (en, fr…)", "--language"),
        Field("credits", "Wire agencies credited, one a line", "--credit", "lines"),
        Field("archived_url", "An archived copy", "--archived-url"),
        Field("retrieved", "Retrieved on (YYYY-MM-DD)", "--retrieved"),
        Field("excerpt", "The text is an excerpt of the document", "--excerpt", "checkbox"),
        Field("notes", "Why the date, credits… are what they are", "--notes", "textarea"),
    ),
    "Add the source",
    upload=True,
)


def _fetch_source(desk: Desk, values: Values) -> None:
    """The page the form names by address, fetched before the write begins,
    as `tracker add source URL` fetches it (SSRF-guarded unless the server
    allows private addresses)."""
    url = values.text("fetch")
    if url is None:
        return
    if values.upload("file") is not None:
        raise FormError("Give the file or its address, not both.")
    try:
        page = webpage.fetch_page(url.strip(), allow_private=desk.allow_private_fetch)
    except AddressRefused as exc:
        raise AddressRefused(
            f"{exc} (a server started with --allow-private-fetch fetches it)"
        ) from None
    values.fetched["page"] = page


def _add_source(session: Session, values: Values, key: str) -> Written:
    page = values.fetched.get("page")
    upload = values.upload("file")
    if page is not None:
        found, name = page.found, page.download.final_url
        at = webpage.sources_at(session, page)
        if at:  # fetched again, as `add source URL` again: the page's edits followed
            return webpage.refetch(session, at[0], page).written
    elif upload is None:
        raise FormError("Missing argument 'FILE|URL'.")
    else:
        name = upload_name(upload)
        raw = upload.file.read(MAX_UPLOAD + 1)
        if len(raw) > MAX_UPLOAD:
            raise FormError(f"{name}: larger than {MAX_UPLOAD // 2**20} MiB")
        suffix = PurePath(name).suffix.lower()
        found = sourcefile.from_bytes(
            raw,
            name,
            html=True if suffix in sourcefile.HTML_SUFFIXES else None,
            markdown=suffix in sourcefile.MARKDOWN_SUFFIXES,
        )
    given = adding.SourceFields(
        key=values.text("id"),
        title=values.text("title"),
        outlet=values.text("outlet"),
        url=values.text("url"),
        published=values.date("published"),
        language=values.text("language"),
        credits=values.lines("credits"),
        archived_url=values.text("archived_url"),
        retrieved=values.date("retrieved", day_only=True),
        excerpt=values.flag("excerpt"),
        notes=values.text("notes"),
    )
    written, _ = adding.add_source(session, found, name, given)
    return written


ACTIONS["add_source"] = Action(
    ADD_SOURCE,
    "form.html.j2",
    _add_source,
    # The change log's command: `tracker add source URL` for a page fetched.
    arguments=lambda k, v: [url.strip()] if (url := v.text("fetch")) else [],
    prepare=_fetch_source,
)
