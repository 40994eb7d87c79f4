"""The data a report template sees: plain dataclasses, documented in
docs/report-templates.md. `tracker.render.report` fills them; templates only read them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from tracker.vocabulary import COUNTER_RELATIONS


@dataclass(frozen=True)
class Scope:
    """What a report covers; all None is the whole database."""

    actor: str | None = None  # a name as typed: resolved like `by-actor`
    topic: str | None = None
    claim: str | None = None  # a claim id: that claim and its direct relations
    since: dt.date | None = None
    until: dt.date | None = None
    # At most this many contests, the most countered first; None: every one.
    contests: int | None = None


# -- the template context ----------------------------------------------------


@dataclass(frozen=True)
class SourceView:
    number: int  # the footnote number, unique per report
    id: str
    outlet: str
    title: str
    url: str | None
    published: str | None
    credits: list[str]
    vias: list[str]  # intermediaries ("via TASS") of its quotes in the report
    quotes: int  # appearances in the report's claims


@dataclass(frozen=True)
class QuoteView:
    text: str
    type: str  # direct | paraphrase
    cue: str | None
    via: str | None
    source: int  # footnote number of its source


@dataclass(frozen=True)
class ClaimView:
    id: str
    text: str
    claimants: list[str]
    stated: str | None
    status: str
    topics: list[str]
    quote: QuoteView | None  # the strongest: direct before paraphrase, then longest
    # Every quote, the strongest first, the others by source and place: a
    # claim reported twice is shown reported twice.
    quotes: tuple[QuoteView, ...] = ()
    # Each reviewer's latest verdict: "2/5 Misleading (FactCheck Desk, 2024-06-20)".
    verdicts: tuple[str, ...] = ()


@dataclass(frozen=True)
class CounterView:
    relation: str
    claim: ClaimView


@dataclass(frozen=True)
class RelatedView:
    """One relation of a focus claim, read from the focus claim's side."""

    direction: str  # "out": the focus claim <relation> `claim`; "in": `claim` <relation> it
    relation: str
    claim: ClaimView


@dataclass(frozen=True)
class FocusView:
    """The claim a `--claim` report is about: every quote, every relation."""

    claim: ClaimView
    quotes: list[QuoteView]
    relations: list[RelatedView]


@dataclass(frozen=True)
class ContestedView:
    claim: ClaimView
    counters: list[CounterView]


@dataclass(frozen=True)
class ActorRow:
    name: str
    kind: str
    made: int
    contested: int
    countered: int


@dataclass(frozen=True)
class Node:
    id: str
    label: str


@dataclass(frozen=True)
class Group:
    id: str
    title: str
    nodes: list[Node]


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    relation: str


@dataclass(frozen=True)
class Diagram:
    groups: list[Group]
    edges: list[Edge]
    first: int  # 1-based positions of its contested claims in `contested`
    last: int


@dataclass(frozen=True)
class DossierClaim:
    claim: ClaimView
    countered_by: list[CounterView]
    counters: list[CounterView]  # the claims it denies, disputes or undercuts


@dataclass(frozen=True)
class DossierCounter:
    claim: ClaimView  # the actor's claim
    relation: str
    target: ClaimView  # the claim of another it answers


@dataclass(frozen=True)
class Dossier:
    actor: dict[str, Any]  # views.actor_dict: id, name, kind, description, aliases, roles
    claims: list[DossierClaim]  # oldest first, undated last
    counters: list[DossierCounter]


@dataclass(frozen=True)
class CorrectionView:
    """A claim of the report whose text, date or claimants were changed after
    it was first recorded."""

    id: str  # the claim's id
    claim: str  # its text as it now reads
    changes: list[int]  # the changes in the log (tracker history), oldest first
    lines: list[str]  # each: "Corrected 2024-06-20: the date was 2024-06-18"


@dataclass
class Report:
    title: str
    scope: Scope
    as_of: str | None
    generated_at: str | None
    version: str
    summary: dict[str, int]
    claims: list[ClaimView]
    contested: list[ContestedView]  # one per contest, under the claim it challenges
    actors: list[ActorRow]
    sources: list[SourceView]
    diagrams: list[Diagram]
    dossier: Dossier | None = None
    focus: FocusView | None = None
    relations: tuple[str, ...] = field(default=COUNTER_RELATIONS)
    omitted: Omitted | None = None  # set when the scope had more contests than shown
    # Of the claims shown, in the claims table's order; none is no section.
    corrections: list[CorrectionView] = field(default_factory=list)


@dataclass(frozen=True)
class Omitted:
    """What a capped report leaves out: the scope held `contests` contests and
    `claims` claims; the report shows the `shown` most countered contests."""

    shown: int
    contests: int  # in the scope
    claims: int  # in the scope
