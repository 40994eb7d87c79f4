"""The extraction workbench: `tracker extract SOURCE --review` in a page.

GET runs extraction on the stored source (tracker.extract.propose, as
`tracker extract SOURCE` does) and shows its proposals highlighted in the
article, each with what the reviewer may decide: accept, skip, or link it
to the recorded claim it repeats; who said it (the proposed speaker, one of
its candidates, or a new actor of a kind); its span (offsets, or a passage
selected in the article); its claim text and date; and which claim a
denial answers (as suggested, one of its candidates, or none).

POST extracts again inside the write transaction, so what is decided is
read against the record as it is then, and writes every accepted proposal
through tracker.extract.review.write, the code `extract --review` writes
through, in one transaction: one change in the log, under the signed-in
user. What it refuses is refused whole, with its message beside the form.
A proposal whose words moved since the page was shown is refused too.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from tracker import dates
from tracker.errors import InputError
from tracker.extract import queue
from tracker.extract.attribution import TextSpan
from tracker.extract.link import Link
from tracker.extract.propose import Proposal, pipeline, propose
from tracker.extract.review import DENY_ACCEPT, Decision, target_text, who, write
from tracker.extract.speakers import Speaker
from tracker.ingest import edit
from tracker.ingest.edit import Written
from tracker.query import queries
from tracker.record.changelog import command_line
from tracker.render import views
from tracker.vocabulary import ACTOR_KINDS
from tracker.web.auth import editor
from tracker.web.desk import Desk
from tracker.web.forms import MAX_FIELD, FormError, Submission, submit
from tracker.web.highlight import Span, runs
from tracker.web.reading import page

DOINGS = ("skip", "accept", "link")
# Proposals a page holds: each sends eleven fields, and a form is read only
# to 1,000 (Starlette's bound); a long article's others are pages away.
PAGE = 60
# A page's form sends every proposal's texts back: more than other forms.
MAX_BODY = 2**20


def _desk(request: Request) -> Desk:
    desk: Desk = request.app.state.desk
    return desk


def _text(session: Session, key: str) -> str:
    text = edit.source_row(session, key).text
    if text is None:
        # As `tracker extract SOURCE` says it.
        raise InputError(f"source {key!r} has no stored text to read")
    return text


def proposals_of(session: Session, key: str) -> tuple[str, list[Proposal]]:
    """The stored source's text and its proposals, as `tracker extract SOURCE`
    proposes them."""
    text = _text(session, key)
    return text, propose(session, text, pipeline(), key)


def fingerprint(p: Proposal) -> str:
    """Which statement a proposal is, and what its choices are: where its cue
    and words are, its speaker's candidates and what it may answer, so that a
    choice sent by number (c2, t1) means what the page showed."""
    a = p.attribution
    choices = repr(
        (
            [(c.actor, c.name) for c in p.speaker.candidates],
            [(link.claim, link.proposal) for link in p.answers],
            p.recorded,
            [m.claim for m in p.matches[:1]],
        )
    )
    digest = hashlib.blake2s(choices.encode("utf-8"), digest_size=6).hexdigest()
    return f"{a.cue.start}:{a.content.start}:{a.content.end}:{digest}"


# -- the page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """One proposal as the page shows it, with the first values of its fields."""

    number: int
    proposal: Proposal
    who: str
    candidates: list[dict[str, Any]]
    answers: list[dict[str, Any]]
    stated: str


def _shown(proposals: list[Proposal]) -> list[Shown]:
    found = []
    for number, p in enumerate(proposals, 1):
        candidates = [
            {"value": f"c{k}", "label": c.actor or f"new: {c.name}", "kind": c.kind, "why": c.why}
            for k, c in enumerate(p.speaker.candidates, 1)
        ]
        answers = [
            {
                "value": f"t{k}",
                "label": target_text(link, proposals),
                "score": f"{link.score:g}",
                "strong": link.score >= DENY_ACCEPT,
            }
            for k, link in enumerate(p.answers, 1)
        ]
        stated = dates.at_precision(*p.stated) if p.stated else ""
        found.append(Shown(number, p, who(p.speaker), candidates, answers, stated or ""))
    return found


def _defaults(shown: list[Shown]) -> dict[str, str]:
    """The fields as the page first fills them: skip, the proposed speaker,
    span, claim text and date, a denial's targets as suggested."""
    values: dict[str, str] = {}
    for s in shown:
        a, n = s.proposal.attribution, s.number
        values |= {
            f"do{n}": "skip",
            # Nobody, for a speaker not resolved: the reviewer picks one.
            f"who{n}": "proposed",
            f"kind{n}": s.proposal.speaker.new_kind or "person",
            f"name{n}": s.proposal.speaker.new_name or a.speaker.text,
            f"start{n}": str(a.content.start),
            f"end{n}": str(a.content.end),
            f"text{n}": s.proposal.claim_text,
            f"on{n}": s.stated,
            f"answers{n}": "suggested",
            f"at{n}": fingerprint(s.proposal),
        }
    return values


def _number(request: Request) -> int:
    value = request.query_params.get("page", "1")
    return int(value) if value.isdigit() and 0 < int(value) < 10**6 else 1


def _page(
    request: Request, key: str, values: dict[str, Any] | None, error: str | None, code: int
) -> Response:
    with _desk(request).reading() as session:
        source = queries.source(session, key)
        meta = views.source_dict(source, 0)
        text, proposals = proposals_of(session, key)
        waiting = queue.pending(proposals, queue.queued_spans(session, key))
    number = _number(request)
    pages = max(1, -(-len(proposals) // PAGE))
    shown = _shown(proposals)[(number - 1) * PAGE : number * PAGE]
    spans = [
        Span(p.attribution.content.start, p.attribution.content.end, {"n": n, "p": p})
        for n, p in enumerate(proposals, 1)
    ]
    first = _defaults(shown)
    given = {**first, **(values or {})}
    return page(
        request,
        "workbench.html.j2",
        status=code,
        source=meta,
        runs=runs(text, spans),
        shown=shown,
        values=given,
        error=error,
        kinds=ACTOR_KINDS,
        action=f"/sources/{quote(key, safe='')}/extract?page={number}",
        number=number,
        pages=pages,
        page_size=PAGE,
        total=len(proposals),
        queued=waiting,
    )


# -- what was decided -------------------------------------------------------------------


def _field(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str):
        return ""
    if len(value) > MAX_FIELD or "\x00" in value:
        raise FormError(f"{name}: at most {MAX_FIELD:,} characters, and no NUL")
    return value.replace("\r\n", "\n").strip()


def _offset(data: dict[str, Any], name: str, n: int) -> int | None:
    value = _field(data, name)
    if not value:
        return None
    if not value.isdigit():
        raise FormError(f"proposal {n}: {value!r} is not a character offset")
    return int(value)


def _speaker(p: Proposal, data: dict[str, Any], n: int) -> Speaker | None:
    """The reviewer's speaker, as `extract --review` asks it: None keeps the
    proposal's."""
    picked = _field(data, f"who{n}") or "proposed"
    if picked == "proposed":
        return None
    if picked == "new":
        name = _field(data, f"name{n}")
        if not name:
            raise FormError(f"proposal {n}: name the new actor")
        kind = _field(data, f"kind{n}") or "person"
        if kind not in ACTOR_KINDS:
            raise FormError(f"proposal {n}: {kind!r} is not one of {', '.join(ACTOR_KINDS)}")
        return Speaker((), name, kind, evidence="reviewer")
    candidates = p.speaker.candidates
    number = picked[1:]
    if not (picked.startswith("c") and number.isdigit() and 1 <= int(number) <= len(candidates)):
        raise FormError(f"proposal {n}: {picked!r} is none of its speaker's candidates")
    chosen = candidates[int(number) - 1]
    if chosen.actor is not None:
        return Speaker((chosen.actor,), None, None, evidence="reviewer")
    return Speaker((), chosen.name, chosen.kind, evidence="reviewer")


def _span(text: str, p: Proposal, data: dict[str, Any], n: int) -> TextSpan:
    """The content as widened or narrowed: offsets into the stored text, the
    spaces at either end left out."""
    content = p.attribution.content
    start, end = _offset(data, f"start{n}", n), _offset(data, f"end{n}", n)
    start = content.start if start is None else start
    end = content.end if end is None else end
    if 0 <= start < end <= len(text):
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
    if not 0 <= start < end <= len(text):
        raise FormError(
            f"proposal {n}: characters {start}\u2013{end} are not a passage of the article"
            f" (0\u2013{len(text)})"
        )
    return TextSpan(start, end, text[start:end])


def _targets(p: Proposal, data: dict[str, Any], n: int) -> tuple[Link, ...] | None:
    picked = _field(data, f"answers{n}") or "suggested"
    if picked == "suggested" or not p.answers:
        return None
    if picked == "none":
        return ()
    number = picked[1:]
    if not (picked.startswith("t") and number.isdigit() and 1 <= int(number) <= len(p.answers)):
        raise FormError(f"proposal {n}: {picked!r} is none of the claims it may answer")
    return (p.answers[int(number) - 1],)


def decision(text: str, p: Proposal, data: dict[str, Any], n: int) -> Decision | None:
    """Proposal `n` as the reviewer decided it; None: skipped."""
    doing = _field(data, f"do{n}") or "skip"
    if doing not in DOINGS:
        raise FormError(f"proposal {n}: {doing!r} is not one of {', '.join(DOINGS)}")
    if doing == "skip":
        return None
    if _field(data, f"at{n}") != fingerprint(p):
        raise InputError(
            f"proposal {n} is not what the page showed (the record or the rules changed):"
            " look at the proposals again"
        )
    if p.recorded:
        raise InputError(f"proposal {n}: already recorded, as claim {p.recorded}")
    link_to = None
    if doing == "link":
        if not p.matches or p.matches[0].claim is None:
            raise FormError(f"proposal {n}: it repeats no recorded claim to link it to")
        link_to = p.matches[0].claim
    on = _field(data, f"on{n}")
    stated: dates.Dated | None = None
    if on:
        try:
            stated = dates.parse(on)
        except ValueError as exc:
            raise FormError(f"proposal {n}: invalid date: {exc}") from None
    content = _span(text, p, data, n)
    edited = replace(p, attribution=replace(p.attribution, content=content), stated=stated)
    claim_text = _field(data, f"text{n}") or p.claim_text
    return Decision(edited, claim_text, link_to, n, _targets(p, data, n), _speaker(p, data, n))


def decisions(text: str, proposals: list[Proposal], data: dict[str, Any]) -> list[Decision]:
    found = []
    for n, p in enumerate(proposals, 1):
        d = decision(text, p, data, n)
        if d is not None:
            found.append(d)
    return found


def accept(session: Session, key: str, data: dict[str, Any]) -> Written:
    """Extract `key` again, in this transaction, and write what `data` accepts
    of it as `extract --review` writes it: one Written saying all of it."""
    text, proposals = proposals_of(session, key)
    chosen = decisions(text, proposals, data)
    if not chosen:
        raise FormError("Nothing accepted: nothing written.")
    written = write(session, key, chosen)
    lines = [w.message for w in written]
    lines.append(f"Wrote {len(chosen)} of {len(proposals)} proposals.")
    # What tracker watch queued and is now decided leaves the queue, in this change.
    off = queue.clear(session, key, {queue.span(proposals[d.number - 1]) for d in chosen})
    if off:
        lines.append(f"Took {off} off the review queue.")
    return Written("added", "source", key, " · ".join(lines))


async def workbench(request: Request) -> Response:
    key = str(request.path_params["key"])
    if request.method != "POST":
        await run_in_threadpool(editor, request)
        return await run_in_threadpool(_page, request, key, None, None, 200)

    def prepare(data: dict[str, Any]) -> Submission:
        numbers = sorted(
            int(name[2:]) for name in data if name.startswith("do") and name[2:].isdigit()
        )
        accepted = [str(n) for n in numbers if _field(data, f"do{n}") != "skip"]
        command = "web: " + command_line(["extract", key, "--review"])
        if accepted:
            shown = ", ".join(accepted[:50]) + (", …" if len(accepted) > 50 else "")
            command += f" (accepted {shown})"
        return Submission(
            command=command,
            write=lambda session: accept(session, key, data),
            where=lambda w: f"/sources/{quote(key, safe='')}",
        )

    def refused(shown: dict[str, Any], message: str) -> Response:
        return _page(request, key, shown, message, 422)

    return await submit(request, prepare, refused)
