"""Writing checked data files to the database: idempotent, all or nothing.

`tracker.ingest.plan` decides what changes; this module deletes the children of
changed rows and writes the new state in a fixed number of flushes, so the
cost of a load grows with the data, not with statements per row. An entity
whose stored state equals its file's is left untouched: a second load of the
same files changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import Engine
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from tracker import dates
from tracker.errors import InputError
from tracker.ingest.dataset import Dataset, data_files, read_files
from tracker.ingest.plan import Planner, check_unique_keys
from tracker.ingest.states import ActorState, ClaimState, LoadReport, Plan, SourceState
from tracker.record import lock, sides
from tracker.record.models import (
    Actor,
    ActorName,
    Alias,
    Appearance,
    Claim,
    Claimant,
    Relation,
    Role,
    Source,
    SourceCredit,
    Topic,
)

__all__ = ["LoadReport", "load_dataset", "load_paths"]


def _first_line(error: object) -> str:
    """Drivers add DETAIL and HINT lines; an error message is one line."""
    return str(error).strip().splitlines()[0]


def _actor_state(plan: Plan) -> ActorState:
    assert isinstance(plan.state, ActorState)
    return plan.state


class _Writer:
    """Applies a planner's changes: old children out, new state in."""

    def __init__(self, planner: Planner) -> None:
        self.session = planner.session
        self.actors = planner.actors
        self.sources = planner.sources
        self.claims = planner.claims

    def run(self, changed: list[tuple[str, Plan]]) -> None:
        self._delete_children([plan.row for _, plan in changed if plan.row is not None])
        self._write_actors([p for k, p in changed if k == "actors"])
        self._write_sources([p for k, p in changed if k == "sources"])
        self._write_claims([p for k, p in changed if k == "claims"])

    _CHILDREN: ClassVar[dict[type, tuple[str, ...]]] = {
        Actor: ("aliases", "roles"),
        Source: ("credits",),
        Claim: ("claimants", "topics", "appearances", "relations_out"),
    }

    def _delete_children(self, rows: list[Any]) -> None:
        """Old children go before new ones can take their unique keys; aliases
        before the names they point at."""
        for row in rows:
            for name in self._CHILDREN[type(row)]:
                for child in getattr(row, name):
                    self.session.delete(child)
        self.session.flush()
        for row in rows:
            if isinstance(row, Actor):
                for old_name in row.names:
                    self.session.delete(old_name)
        self.session.flush()
        for row in rows:
            for name in (
                *self._CHILDREN[type(row)],
                *(("names",) if isinstance(row, Actor) else ()),
            ):
                set_committed_value(row, name, [])

    def _write_actors(self, plans: list[Plan]) -> None:
        for plan in plans:
            spec = plan.spec
            actor = plan.row
            if actor is None:
                actor = Actor(key=spec.key, aliases=[], names=[], roles=[])
                self.session.add(actor)
                self.actors[spec.key] = actor
            state = _actor_state(plan)
            actor.name, actor.kind, actor.description = state.name, state.kind, state.description
            actor.names.extend(
                ActorName(normalized=n) for n in dict.fromkeys(n for _, n in state.aliases)
            )
        # Names before the aliases that point at them.
        self.session.flush()
        for plan in plans:
            actor = self.actors[plan.spec.key]
            state = _actor_state(plan)
            actor.aliases.extend(Alias(alias=a, normalized=n) for a, n in state.aliases)
            actor.roles.extend(
                Role(title=title, organization=self.actors[org], start_on=start, end_on=end)
                for title, org, start, end in state.roles
            )

    def _write_sources(self, plans: list[Plan]) -> None:
        for plan in plans:
            spec = plan.spec
            source = plan.row
            if source is None:
                source = Source(key=spec.key, credits=[])
                self.session.add(source)
                self.sources[spec.key] = source
            state = plan.state
            assert isinstance(state, SourceState)
            source.outlet, source.title, source.url = state.outlet, state.title, state.url
            source.published_on = state.published
            source.published_precision = state.published_precision
            source.language, source.notes = state.language, state.notes
            source.archived_url, source.retrieved_on = state.archived_url, state.retrieved
            source.excerpt, source.content_hash = state.excerpt, state.content_hash
            source.raw_hash = spec.raw_hash
            source.text, source.text_length = spec.text, len(spec.text)
            source.credits.extend(
                SourceCredit(actor=self.actors[k], position=i) for i, k in enumerate(state.credits)
            )

    def _write_claims(self, plans: list[Plan]) -> None:
        for plan in plans:
            if plan.row is None:
                claim = Claim(
                    key=plan.spec.key, claimants=[], topics=[], appearances=[], relations_out=[]
                )
                self.session.add(claim)
                self.claims[plan.spec.key] = claim
        for plan in plans:
            claim = self.claims[plan.spec.key]
            state = plan.state
            assert isinstance(state, ClaimState)
            text, stated, precision, claimants, topics, appearances, relations = state
            claim.text, claim.stated_on, claim.stated_precision = text, stated, precision
            claim.stated_until = (
                dates.period_end(stated, precision) if stated and precision else None
            )
            claim.claimants.extend(
                Claimant(actor=self.actors[k], position=i) for i, k in enumerate(claimants)
            )
            claim.topics.extend(Topic(topic=t) for t in topics)
            claim.appearances.extend(
                Appearance(
                    source=self.sources[src],
                    quote=quote,
                    start_offset=start,
                    end_offset=end,
                    prefix=prefix,
                    suffix=suffix,
                    type=kind,
                    cue=cue,
                    via=self.actors[via] if via else None,
                )
                for src, quote, start, end, prefix, suffix, kind, cue, via in appearances
            )
            claim.relations_out.extend(
                Relation(relation=rel, to_claim=self.claims[target]) for rel, target in relations
            )


def load_dataset(
    session: Session, dataset: Dataset, report: LoadReport | None = None
) -> LoadReport:
    """Write `dataset` in `session` (the caller owns the transaction)."""
    report = report or LoadReport()
    check_unique_keys("actor", dataset.actors)
    check_unique_keys("source", dataset.sources)
    check_unique_keys("claim", dataset.claims)
    planner = Planner(session, dataset, report)
    _Writer(planner).run(planner.changes())
    try:
        session.flush()
    except (IntegrityError, DataError) as exc:
        raise InputError(f"the database refused the data: {_first_line(exc.orig)}") from None
    if report.created["actors"] or report.updated["actors"]:
        sides.rebuild(session.connection())
    # What was written lacks what queries derive (status, contests): leave
    # nothing in the session, so that later queries load it all afresh.
    session.expunge_all()
    return report


def load_paths(
    engine: Engine,
    paths: Iterable[Path],
    on_file: Callable[[Path], None] | None = None,
) -> LoadReport:
    """Read every data file under `paths` and load them in one transaction."""
    report = LoadReport(files=data_files(paths))
    if not report.files:
        raise InputError("no data files (*.yaml, *.yml) found in the paths given")
    dataset = read_files(report.files, on_file)
    try:
        with lock.transaction(engine) as session:
            load_dataset(session, dataset, report)
    except (IntegrityError, DataError) as exc:
        raise InputError(f"the database refused the data: {_first_line(exc.orig)}") from None
    return report
