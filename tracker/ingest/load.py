"""Writing checked data files to the database: idempotent, all or nothing.

`tracker.ingest.plan` decides what changes; this module deletes the children
of changed rows and writes the new state with Core bulk statements: one
executemany per table and batch, never a statement per row, and no
statement's parameters growing with the input. New rows get their ids here,
under the write lock every load holds, so children can be written without
asking the database for the ids it generated. An entity whose stored state
equals its file's is left untouched: a second load of the same files
changes nothing.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, bindparam, delete, func, select, text, update
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from tracker import dates
from tracker.errors import InputError
from tracker.ingest.checks import check_dataset
from tracker.ingest.dataset import Dataset, data_files, load_roots, read_files
from tracker.ingest.plan import Planner, check_unique_keys
from tracker.ingest.states import (
    ActorState,
    ClaimState,
    LoadReport,
    Plan,
    SourceState,
    State,
)
from tracker.ingest.verdict_rows import verdict_rows
from tracker.record import changelog, lock, sides
from tracker.record.batching import batches
from tracker.record.changelog import ChangeContext
from tracker.record.models import (
    Actor,
    ActorName,
    Alias,
    Appearance,
    Base,
    Claim,
    Claimant,
    Evidence,
    Relation,
    Review,
    Role,
    Source,
    SourceCredit,
    Topic,
)

__all__ = ["LoadReport", "load_dataset", "load_paths"]

# Rows per executemany: bounded memory for the rows being sent.
ROWS = 5000


def _first_line(error: object) -> str:
    """Drivers add DETAIL and HINT lines; an error message is one line."""
    return str(error).strip().splitlines()[0]


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


class _Writer:
    """Applies a planner's changes: old children out, new state in."""

    def __init__(
        self,
        connection: Connection,
        planner: Planner,
        on_write: Callable[[int, int], None] | None = None,
    ) -> None:
        self.connection = connection
        # Progress: (rows just written, rows to write in all).
        self.on_write = on_write
        self.total = 0
        stored = planner.stored
        self.actor_ids = {k: a.id for k, a in stored.actors.items()}
        self.source_ids = {k: s.id for k, s in stored.sources.items()}
        self.source_lengths: dict[str, int | None] = {
            k: s.length for k, s in stored.sources.items()
        }
        self.claim_ids = {k: c.id for k, c in stored.claims.items()}
        self.inserted: set[Table] = set()

    def _insert(self, model: Any, rows: Iterable[dict[str, Any]]) -> None:
        table = _table(model)
        for batch in batches(rows, ROWS):
            self.connection.execute(table.insert(), batch)
            self.inserted.add(table)
            self._wrote(len(batch))

    def _wrote(self, rows: int) -> None:
        if self.on_write is not None:
            self.on_write(rows, self.total)

    def _update(self, model: Any, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        table = _table(model)
        columns: dict[str, Any] = {k: bindparam(k) for k in rows[0] if k != "row_id"}
        statement = update(table).where(table.c.id == bindparam("row_id")).values(columns)
        for batch in batches(rows, ROWS):
            self.connection.execute(statement, batch)
            self._wrote(len(batch))

    def _delete(self, model: Any, column: str, ids: Sequence[int]) -> None:
        table = _table(model)
        for batch in batches(ids):
            self.connection.execute(delete(table).where(table.c[column].in_(batch)))

    def _delete_review_evidence(self, claim_ids: Sequence[int]) -> None:
        evidence, reviews = _table(Evidence), _table(Review)
        for batch in batches(claim_ids):
            of_reviews = select(reviews.c.id).where(reviews.c.claim_id.in_(batch))
            self.connection.execute(delete(evidence).where(evidence.c.review_id.in_(of_reviews)))

    def _next_id(self, model: Any) -> int:
        table = _table(model)
        return int(self.connection.execute(select(func.max(table.c.id))).scalar() or 0) + 1

    def run(self, changed: list[tuple[str, Plan]]) -> None:
        actors = [p for k, p in changed if k == "actors"]
        sources = [p for k, p in changed if k == "sources"]
        claims = [p for k, p in changed if k == "claims"]
        self.total = sum(_rows(p.state) for _, p in changed)
        # Old children go before new ones take their unique keys, aliases
        # before the names they point at, and a claim's quotes before its
        # source's text (and length) changes under them.
        old_claims = [p.row.id for p in claims if p.row is not None]
        # Evidence first: it points at the reviews deleted after it.
        self._delete_review_evidence(old_claims)
        children: list[tuple[Any, str]] = [
            (Evidence, "claim_id"),
            (Review, "claim_id"),
            (Relation, "from_claim_id"),
            (Claimant, "claim_id"),
            (Topic, "claim_id"),
            (Appearance, "claim_id"),
        ]
        for model, column in children:
            self._delete(model, column, old_claims)
        self._delete(SourceCredit, "source_id", [p.row.id for p in sources if p.row is not None])
        old_actors = [p.row.id for p in actors if p.row is not None]
        for model, column in [(Alias, "actor_id"), (Role, "actor_id"), (ActorName, "actor_id")]:
            self._delete(model, column, old_actors)
        self._write_actors(actors)
        self._write_sources(sources)
        self._write_claims(claims)
        self._move_sequences()

    def _assign(self, model: Any, plans: list[Plan], ids: dict[str, int]) -> list[Plan]:
        """Ids for the new entities among `plans`; returns those new plans."""
        new = [p for p in plans if p.row is None]
        first = self._next_id(model) if new else 0
        for n, plan in enumerate(new):
            ids[plan.spec.key] = first + n
        return new

    def _write_actors(self, plans: list[Plan]) -> None:
        new = self._assign(Actor, plans, self.actor_ids)

        def fields(plan: Plan) -> dict[str, Any]:
            state = plan.state
            assert isinstance(state, ActorState)
            return {"name": state.name, "kind": state.kind, "description": state.description}

        self._update(Actor, [{"row_id": p.row.id, **fields(p)} for p in plans if p.row is not None])
        self._insert(
            Actor, ({"id": self.actor_ids[p.spec.key], "key": p.spec.key, **fields(p)} for p in new)
        )
        names, aliases, roles = [], [], []
        for plan in plans:
            state = plan.state
            assert isinstance(state, ActorState)
            actor_id = self.actor_ids[plan.spec.key]
            names += [
                {"normalized": n, "actor_id": actor_id}
                for n in dict.fromkeys(n for _, n in state.aliases)
            ]
            aliases += [
                {"actor_id": actor_id, "alias": a, "normalized": n} for a, n in state.aliases
            ]
            roles += [
                {
                    "actor_id": actor_id,
                    "organization_id": self.actor_ids[org],
                    "title": title,
                    "start_on": start,
                    "end_on": end,
                }
                for title, org, start, end in state.roles
            ]
        self._insert(ActorName, names)
        self._insert(Alias, aliases)
        self._insert(Role, roles)

    def _write_sources(self, plans: list[Plan]) -> None:
        new = self._assign(Source, plans, self.source_ids)

        def fields(plan: Plan) -> dict[str, Any]:
            state, spec = plan.state, plan.spec
            assert isinstance(state, SourceState)
            self.source_lengths[spec.key] = len(spec.text) if spec.text is not None else None
            return {
                "outlet": state.outlet,
                "title": state.title,
                "url": state.url,
                "published_on": state.published,
                "published_precision": state.published_precision,
                "language": state.language,
                "archived_url": state.archived_url,
                "retrieved_on": state.retrieved,
                "excerpt": state.excerpt,
                "notes": state.notes,
                "content_hash": state.content_hash,
                "raw_hash": spec.raw_hash,
                "text": spec.text,
                "text_length": len(spec.text) if spec.text is not None else None,
            }

        self._update(
            Source, [{"row_id": p.row.id, **fields(p)} for p in plans if p.row is not None]
        )
        self._insert(
            Source,
            ({"id": self.source_ids[p.spec.key], "key": p.spec.key, **fields(p)} for p in new),
        )
        credits = []
        for plan in plans:
            state = plan.state
            assert isinstance(state, SourceState)
            source_id = self.source_ids[plan.spec.key]
            credits += [
                {"source_id": source_id, "actor_id": self.actor_ids[k], "position": i}
                for i, k in enumerate(state.credits)
            ]
        self._insert(SourceCredit, credits)

    def _write_claims(self, plans: list[Plan]) -> None:
        new = self._assign(Claim, plans, self.claim_ids)

        def fields(plan: Plan) -> dict[str, Any]:
            state = plan.state
            assert isinstance(state, ClaimState)
            until = (
                dates.period_end(state.stated, state.precision)
                if state.stated and state.precision
                else None
            )
            return {
                "text": state.text,
                "stated_on": state.stated,
                "stated_until": until,
                "stated_precision": state.precision,
                "first_source_id": (
                    self.source_ids[state.first_source] if state.first_source else None
                ),
                "first_url": state.first_url,
            }

        self._update(Claim, [{"row_id": p.row.id, **fields(p)} for p in plans if p.row is not None])
        self._insert(
            Claim, ({"id": self.claim_ids[p.spec.key], "key": p.spec.key, **fields(p)} for p in new)
        )
        self._insert(Claimant, self._children(plans, "claimants"))
        self._insert(Topic, self._children(plans, "topics"))
        self._insert(Appearance, self._children(plans, "appearances"))
        self._insert(Relation, self._children(plans, "relations"))
        self._write_verdicts(plans)

    def _write_verdicts(self, plans: list[Plan]) -> None:
        claims: list[tuple[int, ClaimState]] = []
        for plan in plans:
            assert isinstance(plan.state, ClaimState)
            claims.append((self.claim_ids[plan.spec.key], plan.state))
        rows = verdict_rows(claims, self.actor_ids, self._next_id(Review))
        self._insert(Review, rows.reviews)
        self._insert(Evidence, rows.evidence)

    def _children(self, plans: list[Plan], kind: str) -> Iterable[dict[str, Any]]:
        for plan in plans:
            state = plan.state
            assert isinstance(state, ClaimState)
            key = plan.spec.key
            claim_id = self.claim_ids[key]
            if kind == "claimants":
                for i, actor in enumerate(state.claimants):
                    yield {"claim_id": claim_id, "actor_id": self.actor_ids[actor], "position": i}
            elif kind == "topics":
                for topic in state.topics:
                    yield {"claim_id": claim_id, "topic": topic}
            elif kind == "appearances":
                for a in state.appearances:
                    yield {
                        "claim_id": claim_id,
                        "source_id": self.source_ids[a.source],
                        "source_length": self.source_lengths[a.source],
                        "quote": a.quote,
                        "start_offset": a.start,
                        "end_offset": a.end,
                        "prefix": a.prefix,
                        "suffix": a.suffix,
                        "type": a.type,
                        "cue": a.cue,
                        "via_actor_id": self.actor_ids[a.via] if a.via else None,
                    }
            else:
                for relation, target in state.relations:
                    yield {
                        "from_claim_id": claim_id,
                        "to_claim_id": self.claim_ids[target],
                        "relation": relation,
                    }

    def _move_sequences(self) -> None:
        """PostgreSQL hands out ids from sequences, which rows inserted with
        their ids do not move: move them past the rows, as an application
        insert would have."""
        if self.connection.dialect.name != "postgresql":
            return
        for table in self.inserted:
            if "id" in table.c and table.name in ("actors", "sources", "claims", "reviews"):
                self.connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'),"
                        f" (SELECT max(id) FROM {table.name}))"
                    )
                )


def _rows(state: State) -> int:
    """The rows writing `state` inserts or updates: its own and its children's."""
    children: tuple[Sized, ...]
    if isinstance(state, ClaimState):
        backing = [e for r in state.reviews for e in r.evidence]
        children = (
            state.claimants,
            state.topics,
            state.appearances,
            state.relations,
            state.reviews,
            state.evidence,
            backing,
        )
    elif isinstance(state, ActorState):
        names = {n for _, n in state.aliases}
        children = (names, state.aliases, state.roles)
    else:
        children = (state.credits,)
    return 1 + sum(len(c) for c in children)


def load_dataset(
    session: Session,
    dataset: Dataset,
    report: LoadReport | None = None,
    on_write: Callable[[int, int], None] | None = None,
) -> LoadReport:
    """Write `dataset` in `session` (the caller owns the transaction);
    `on_write(rows, total)` follows the writing."""
    report = report or LoadReport()
    check_dataset(dataset)
    check_unique_keys("actor", dataset.actors)
    check_unique_keys("source", dataset.sources)
    check_unique_keys("claim", dataset.claims)
    planner = Planner(session, dataset, report)
    changes = planner.changes()
    try:
        _Writer(session.connection(), planner, on_write).run(changes)
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
    on_write: Callable[[int, int], None] | None = None,
    allow_outside: bool = False,
    context: ChangeContext | None = None,
) -> LoadReport:
    """Read every data file under `paths` and load them in one transaction
    (`on_file` after each file read, `on_write` as rows are written): one
    change in the log, made by `context`. Source texts are read only from
    inside the folders loaded, unless `allow_outside`."""
    paths = list(paths)
    report = LoadReport(files=data_files(paths))
    if not report.files:
        raise InputError("no data files (*.yaml, *.yml) found in the paths given")
    roots = None if allow_outside else load_roots(paths)
    with _collector_paused():
        dataset = read_files(report.files, on_file, roots)
        try:
            with lock.transaction(engine, context) as session:
                log_bulk(session, report.files)
                load_dataset(session, dataset, report, on_write)
        except (IntegrityError, DataError) as exc:
            raise InputError(f"the database refused the data: {_first_line(exc.orig)}") from None
    if report.changed and engine.dialect.name == "postgresql":
        analyze(engine)
    return report


def log_bulk(session: Session, files: Sequence[Path]) -> None:
    """A load's change keeps its data files' digests, and the rows it inserts
    by their keys only (their values are the rows as they stand, or the
    before-image of the later change that altered them): see README, History."""
    digests = []
    for path in files:
        digest = hashlib.sha256()
        with path.open("rb") as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
        size = path.stat().st_size
        digests.append({"path": str(path), "sha256": digest.hexdigest(), "bytes": size})
    changelog.data_files(session, digests)
    changelog.compact(session)


def analyze(engine: Engine) -> None:
    """Refresh PostgreSQL's statistics of tracker's tables after a load, and
    merge the entries it queued in the search indexes.

    Without them (right after a bulk load, before autovacuum comes by, or
    never where it is off) the planner guesses: at 100,000 claims it scanned
    every relation inside each status probe, and `contested` took minutes
    instead of seconds. ANALYZE samples each table (a few seconds at a
    million claims), and may run beside readers.
    """
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with engine.connect() as connection:
        connection.execute(text(f"ANALYZE {tables}"))
        # The search indexes' new entries wait in a pending list (up to 4 MB
        # an index) that every search reads through row by row until a vacuum
        # merges it: 740 ms for a search of 3,000 sources, 0.1 ms once merged.
        connection.execute(text(_MERGE_SEARCH_INDEXES))
        connection.commit()


_MERGE_SEARCH_INDEXES = """
    SELECT gin_clean_pending_list(c.oid::regclass) FROM pg_class c
    JOIN pg_am a ON a.oid = c.relam
    WHERE c.relkind = 'i' AND a.amname = 'gin' AND c.relname LIKE 'ix_search_%'
      AND c.relnamespace = current_schema()::regnamespace"""


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a dataset is read and written.

    A load allocates millions of small objects that all stay alive until it
    ends; each full collection walks every one of them, and Python runs more
    of them the more there are: at 100k claims reading the files took 61 s
    with the collector, 17 s without. What a load builds holds no cycles
    worth collecting before it ends (reference counting frees the rest)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
