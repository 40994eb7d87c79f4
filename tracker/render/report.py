"""`tracker report`: the database as a GitHub-flavoured Markdown document.

`build_context` turns a scope into plain data (dataclasses, documented in
docs/report-templates.md) with a fixed number of SQL statements whatever the
size of the database; `render` feeds it to a Jinja2 template, shipped in
tracker/templates or given by the user. Every value a template prints is
escaped for Markdown unless a filter has already made it Markdown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker import __version__, dates
from tracker.query.history import corrections
from tracker.query.queries import (
    ClaimFilter,
    claim,
    claims,
    count_claims,
    matching_ids,
    most_countered,
)
from tracker.query.records import ActorRef, AnyClaim, AppearanceRecord, ClaimRecord
from tracker.record.models import Actor, SourceCredit
from tracker.record.names import resolve_actor
from tracker.render import views
from tracker.render.report_context import (
    ActorRow,
    ClaimView,
    ContestedView,
    CorrectionView,
    CounterView,
    Diagram,
    Dossier,
    DossierClaim,
    DossierCounter,
    Edge,
    FocusView,
    Group,
    Node,
    Omitted,
    QuoteView,
    RelatedView,
    Report,
    Scope,
    SourceView,
)

# Beyond this many contested claims one flowchart is unreadable: split it.
DIAGRAM_MAX_CLAIMS = 50


# -- loading -------------------------------------------------------------------


def _newest_first(found: Iterable[ClaimRecord]) -> list[ClaimRecord]:
    """Newest first, undated last, then by id: sorted here rather than in SQL
    so that PostgreSQL's collations and SQLite's byte order agree."""
    dated = sorted((c for c in found if c.stated_on), key=lambda c: c.key)
    dated.sort(key=lambda c: c.stated_on or dt.date.min, reverse=True)
    return dated + sorted((c for c in found if not c.stated_on), key=lambda c: c.key)


def _by_ids(session: Session, ids: set[int]) -> list[ClaimRecord]:
    if not ids:
        return []
    return claims(session, ClaimFilter(claim_ids=ids))


def _scope_filter(
    session: Session, scope: Scope, actor: Actor | None
) -> tuple[ClaimFilter, ClaimRecord | None]:
    """The claims a scope covers, and the focus claim of a `--claim` report."""
    if scope.claim is not None:
        focus = claim(session, scope.claim)
        related = {r.from_claim_id for r in focus.relations_in}
        related |= {r.to_claim_id for r in focus.relations_out}
        return ClaimFilter(claim_ids=related | {focus.id}), focus
    flt = ClaimFilter(
        actor_ids={actor.id} if actor else None,
        topic=scope.topic,
        since=scope.since,
        until=scope.until,
    )
    return flt, None


def _credits(session: Session, source_ids: set[int]) -> dict[int, list[str]]:
    rows = session.execute(
        select(SourceCredit.source_id, Actor.name)
        .join(Actor, Actor.id == SourceCredit.actor_id)
        .where(SourceCredit.source_id.in_(source_ids))
        .order_by(SourceCredit.source_id, SourceCredit.position)
    )
    found: dict[int, list[str]] = {}
    for source_id, name in rows:
        found.setdefault(source_id, []).append(name)
    return found


# -- building views -----------------------------------------------------------


def strongest(appearances: Sequence[AppearanceRecord]) -> AppearanceRecord | None:
    """Direct quotes before paraphrases, then the longest; ties by source and place."""
    quoted = [a for a in appearances if a.quote is not None]
    if not quoted:
        return None
    ranked = sorted(quoted, key=lambda a: (a.source.key, a.start_offset or 0))
    return max(ranked, key=lambda a: (a.type == "direct", len(a.quote or "")))


class _Builder:
    """Turns loaded claims into views, numbering sources in order of citation."""

    def __init__(self, credits: dict[int, list[str]], claims: Sequence[ClaimRecord]) -> None:
        self.credits = credits
        self.numbers: dict[int, int] = {}
        self.views: dict[int, ClaimView] = {}
        # The far end of a relation is a ref: the report's own record stands in.
        self.records = {c.id: c for c in claims}

    def number(self, source_id: int) -> int:
        return self.numbers.setdefault(source_id, len(self.numbers) + 1)

    def claim(self, related: AnyClaim) -> ClaimView:
        found = self.records.get(related.id)
        if found is None:
            raise ValueError(f"claim {related.key!r} is not among the report's claims")
        if found.id not in self.views:
            best = strongest(found.appearances)
            rest = sorted(
                (a for a in found.appearances if a is not best),
                key=lambda a: (a.source.key, a.start_offset or 0),
            )
            quotes = tuple(q for q in map(self.quote, [best, *rest]) if q is not None)
            self.views[found.id] = ClaimView(
                id=found.key,
                text=found.text,
                claimants=views.claimant_names(found),
                stated=dates.at_precision(found.stated_on, found.stated_precision),
                status=views.status(found),
                topics=[t.topic for t in found.topics],
                quote=quotes[0] if quotes else None,
                quotes=quotes,
                verdicts=tuple(views.verdict_text(r) for r in found.latest_reviews()),
            )
        return self.views[found.id]

    def quote(self, appearance: AppearanceRecord | None) -> QuoteView | None:
        if appearance is None or appearance.quote is None:
            return None
        via = appearance.via.name if appearance.via else None
        return QuoteView(
            text=appearance.quote,
            type=appearance.type,
            cue=appearance.cue,
            via=via,
            source=self.number(appearance.source_id),
        )

    def focus(self, found: ClaimRecord) -> FocusView:
        """Every quote of the claim, in the order of its sources, and every relation."""
        view = self.claim(found)
        ordered = sorted(found.appearances, key=lambda a: (a.source.key, a.start_offset or 0))
        quotes = [q for q in map(self.quote, ordered) if q is not None]
        relations = [
            RelatedView("out", r.relation, self.claim(r.to_claim))
            for r in sorted(found.relations_out, key=lambda r: _oldest_first(r.to_claim))
        ] + [
            RelatedView("in", r.relation, self.claim(r.from_claim))
            for r in sorted(found.relations_in, key=lambda r: _oldest_first(r.from_claim))
        ]
        return FocusView(view, quotes, relations)

    def counters(self, found: ClaimRecord) -> list[CounterView]:
        """The other sides' claims in contest with `found`, at its receiving end."""
        return [CounterView(r.relation, self.claim(r.from_claim)) for r in views.contests_in(found)]

    def contested(self, found: ClaimRecord) -> ContestedView:
        return ContestedView(self.claim(found), self.counters(found))

    def sources(self, report_claims: Sequence[ClaimRecord]) -> list[SourceView]:
        appearances: dict[int, list[AppearanceRecord]] = {}
        for found in report_claims:
            for a in found.appearances:
                appearances.setdefault(a.source_id, []).append(a)
        rest = sorted(
            (items[0].source for sid, items in appearances.items() if sid not in self.numbers),
            key=lambda s: s.key,
        )
        rest.sort(key=lambda s: s.published_on or dt.date.min, reverse=True)
        for source in rest:
            self.number(source.id)
        by_number = sorted(appearances.items(), key=lambda item: self.numbers[item[0]])
        return [
            SourceView(
                number=self.numbers[sid],
                id=items[0].source.key,
                outlet=items[0].source.outlet,
                title=items[0].source.title,
                url=items[0].source.url,
                published=views.published(items[0].source),
                credits=self.credits.get(sid, []),
                vias=sorted({a.via.name for a in items if a.via}),
                quotes=len(items),
            )
            for sid, items in by_number
        ]


def _oldest_first(other: AnyClaim) -> tuple[Any, ...]:
    return (other.stated_on is None, other.stated_on or dt.date.min, other.key)


def _actor_rows(report_claims: Sequence[ClaimRecord]) -> list[ActorRow]:
    ids = {c.id for c in report_claims}
    actors: dict[int, ActorRef] = {}
    made: dict[int, int] = {}
    contested: dict[int, int] = {}
    countered: dict[int, set[int]] = {}
    for found in report_claims:
        is_contested = views.status(found) == "contested"
        for claimant in found.claimants:
            actors[claimant.actor_id] = claimant.actor
            made[claimant.actor_id] = made.get(claimant.actor_id, 0) + 1
            contested[claimant.actor_id] = contested.get(claimant.actor_id, 0) + is_contested
            for r in views.contests_out(found):
                # Other sides' claims in the report (as `tracker actors` counts them).
                if r.to_claim_id in ids:
                    countered.setdefault(claimant.actor_id, set()).add(r.to_claim_id)
    ordered = sorted(actors.values(), key=lambda a: (a.name, a.key))
    return [
        ActorRow(a.name, a.kind, made[a.id], contested[a.id], len(countered.get(a.id, ())))
        for a in ordered
    ]


def _diagram(chunk: Sequence[ContestedView], first: int) -> Diagram:
    node_ids: dict[str, str] = {}
    groups: dict[tuple[str, ...], list[Node]] = {}

    def node(view: ClaimView) -> str:
        if view.id not in node_ids:
            node_ids[view.id] = f"c{len(node_ids) + 1}"
            # The whole proposition: Mermaid wraps a long label, a cut one
            # ("North Korea has supplied Russia with…") says nothing.
            groups.setdefault(tuple(view.claimants), []).append(Node(node_ids[view.id], view.text))
        return node_ids[view.id]

    edges = []
    for item in chunk:
        target = node(item.claim)
        edges += [Edge(node(c.claim), target, c.relation) for c in item.counters]
    return Diagram(
        groups=[
            Group(f"g{i}", " + ".join(names), nodes)
            for i, (names, nodes) in enumerate(groups.items(), 1)
        ],
        edges=edges,
        first=first,
        last=first + len(chunk) - 1,
    )


def _diagrams(contested: Sequence[ContestedView]) -> list[Diagram]:
    """Flowcharts of contested claims and their counter-claims, grouped by
    claimants, at most DIAGRAM_MAX_CLAIMS contested claims each."""
    return [
        _diagram(contested[start : start + DIAGRAM_MAX_CLAIMS], start + 1)
        for start in range(0, len(contested), DIAGRAM_MAX_CLAIMS)
    ]


def _dossier(actor: Actor, scoped: Sequence[ClaimRecord], build: _Builder) -> Dossier:
    made = [c for c in scoped if actor.id in {x.actor_id for x in c.claimants}]
    oldest_first = sorted(made, key=_oldest_first)
    dossier_claims = [
        DossierClaim(
            build.claim(c),
            build.counters(c),
            [CounterView(r.relation, build.claim(r.to_claim)) for r in views.contests_out(c)],
        )
        for c in oldest_first
    ]
    counters = [
        DossierCounter(build.claim(c), r.relation, build.claim(r.to_claim))
        for c in oldest_first
        for r in views.contests_out(c)
    ]
    return Dossier(views.actor_dict(actor), dossier_claims, counters)


def _title(scope: Scope, actor: Actor | None) -> str:
    if actor is not None:
        title = f"Dossier: {actor.name}"
    elif scope.claim is not None:
        title = f"Claim thread: {scope.claim}"
    elif scope.topic is not None:
        title = f"Claims and counter-claims on {scope.topic}"
    else:
        title = "Claims and counter-claims"
    if actor is not None and scope.topic is not None:
        title += f", on {scope.topic}"
    if scope.since and scope.until:
        title += f", stated {scope.since.isoformat()} to {scope.until.isoformat()}"
    elif scope.since:
        title += f", stated since {scope.since.isoformat()}"
    elif scope.until:
        title += f", stated until {scope.until.isoformat()}"
    return title


def _as_of(report_claims: Sequence[ClaimRecord]) -> str | None:
    """The newest claim date or source publication date in the report, at
    the precision the data has: a claim known to a month gives "2024-05",
    never an invented first day."""
    # Periods compare by their last day: a claim of "2024-06" may be of the 30th.
    found = {
        (c.stated_until, c.stated_on, c.stated_precision or "day")
        for c in report_claims
        if c.stated_on and c.stated_until
    }
    found |= {
        (
            dates.period_end(a.source.published_on, a.source.published_precision or "day"),
            a.source.published_on,
            a.source.published_precision or "day",
        )
        for c in report_claims
        for a in c.appearances
        if a.source.published_on
    }
    if not found:
        return None
    # Among equal ends, the finer date: the longer text.
    _, first, precision = max(found, key=lambda d: (d[0], dates.PRECISIONS[d[2]][0]))
    return dates.at_precision(first, precision)


def build_context(
    session: Session, scope: Scope, generated_at: dt.datetime | None = None
) -> Report:
    """Everything a report template shows, for `scope`.

    Every figure of `summary` counts what the body shows: `claims` the rows
    of the claims table (the claims in scope and the counter-claims shown
    with them), `contested` those of them whose status is contested,
    `contests` the contest sections, `actors` and `sources` the rows of
    their tables. With `scope.contests` and a scope holding more contests
    than that, the body shows the most countered of them (and only the
    claims, actors and sources they involve), and `omitted` says what the
    scope held.

    Raises NotFound or Ambiguous (tracker.errors) for an unknown claim or an
    unknown or ambiguous actor name.
    """
    actor = resolve_actor(session, scope.actor) if scope.actor is not None else None
    flt, focus = _scope_filter(session, scope, actor)
    omitted = None
    cap = scope.contests if focus is None else None
    total = count_claims(session, replace(flt, challenged=True)) if cap is not None else 0
    if cap is not None and total > cap:
        # An archive: the most countered contests, and only what they show.
        ranked = most_countered(session, flt, cap)
        omitted = Omitted(len(ranked), total, count_claims(session, flt))
        found = {c.id: c for c in claims(session, ClaimFilter(claim_ids=set(ranked)))}
        challenged = [found[i] for i in ranked]
        scoped = _newest_first(challenged)
    else:
        scoped = _newest_first(claims(session, flt))
        heads = matching_ids(session, replace(flt, challenged=True))
        challenged = [c for c in scoped if c.id in heads]
    scoped_ids = {c.id for c in scoped}
    # The claims in contest with those in scope, either way (a denial of 2023
    # answering a charge of 2024, the charge a dossier's denial answers) are
    # shown with them: load them (appearances, relations, status) in one batch.
    counter_ids = {r.from_claim_id for c in scoped for r in views.contests_in(c)}
    counter_ids |= {r.to_claim_id for c in scoped for r in views.contests_out(c)}
    report_claims = _newest_first([*scoped, *_by_ids(session, counter_ids - scoped_ids)])
    source_ids = {a.source_id for c in report_claims for a in c.appearances}
    build = _Builder(_credits(session, source_ids) if source_ids else {}, report_claims)

    focus_view = build.focus(focus) if focus is not None else None
    contested = [build.contested(c) for c in challenged]
    dossier = _dossier(actor, scoped, build) if actor is not None else None
    all_views = [build.claim(c) for c in report_claims]
    sources = build.sources(report_claims)
    actors = _actor_rows(report_claims)
    fixed = corrections(session, [c.id for c in report_claims])
    corrected = [
        CorrectionView(
            c.key, c.text, [f.change for f in fixed[c.id]], [f.sentence() for f in fixed[c.id]]
        )
        for c in report_claims
        if c.id in fixed
    ]
    return Report(
        title=_title(scope, actor),
        scope=scope,
        as_of=_as_of(report_claims),
        generated_at=generated_at.strftime("%Y-%m-%d %H:%M UTC") if generated_at else None,
        version=__version__,
        summary={
            "claims": len(all_views),
            "contested": sum(v.status == "contested" for v in all_views),
            "contests": len(contested),
            "actors": len(actors),
            "sources": len(sources),
        },
        claims=all_views,
        contested=contested,
        actors=actors,
        sources=sources,
        diagrams=_diagrams(contested),
        dossier=dossier,
        focus=focus_view,
        omitted=omitted,
        corrections=corrected,
    )
