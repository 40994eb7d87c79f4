"""Writing checked data files to the database: idempotent, all or nothing.

Entities are matched by their `id` (our `key`). An entity whose stored state
equals its file's is left untouched, so a second load of the same files
changes nothing; one that differs is rewritten, children and all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from tracker import db
from tracker.anchor import QuoteNotFound, anchor
from tracker.dataset import ActorSpec, ClaimSpec, Dataset, SourceSpec, data_files, read_file
from tracker.errors import InputError
from tracker.models import (
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
from tracker.names import normalize

KINDS = ("actors", "sources", "claims")


@dataclass
class LoadReport:
    files: list[Path] = field(default_factory=list)
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) + sum(self.updated.values()))

    def summary(self) -> str:
        parts = []
        for kind in KINDS:
            parts.append(
                f"{kind}: {self.created[kind]} new, {self.updated[kind]} updated,"
                f" {self.unchanged[kind]} unchanged"
            )
        return f"loaded {len(self.files)} file(s) — " + "; ".join(parts)


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _check_unique_keys(what: str, specs: Sequence[Any]) -> None:
    seen: dict[str, Any] = {}
    for spec in specs:
        if spec.key in seen:
            raise InputError(
                f"{spec.where}: {what} id {spec.key!r} is already defined at {seen[spec.key].where}"
            )
        seen[spec.key] = spec


class _Loader:
    def __init__(self, session: Session, dataset: Dataset, report: LoadReport) -> None:
        self.session = session
        self.data = dataset
        self.report = report
        self.actors: dict[str, Actor] = {
            a.key: a
            for a in session.scalars(
                select(Actor).options(
                    selectinload(Actor.aliases),
                    selectinload(Actor.names),
                    selectinload(Actor.roles),
                )
            )
        }
        self.sources: dict[str, Source] = {}
        self.claims: dict[str, Claim] = {}

    # -- helpers -----------------------------------------------------------
    def _count(self, kind: str, existed: bool, same: bool) -> None:
        counter = (
            self.report.unchanged
            if same
            else self.report.updated
            if existed
            else self.report.created
        )
        counter[kind] += 1

    def actor(self, key: str, where: object, field_name: str) -> Actor:
        try:
            return self.actors[key]
        except KeyError:
            raise InputError(f"{where}: unknown actor {key!r} in {field_name!r}") from None

    # -- actors ------------------------------------------------------------
    def load_actors(self) -> None:
        specs = self.data.actors
        owner: dict[str, str] = {
            name.normalized: actor.key for actor in self.actors.values() for name in actor.names
        }
        spec_keys = {s.key for s in specs}
        # Names of actors being (re)defined are re-assigned below.
        owner = {norm: key for norm, key in owner.items() if key not in spec_keys}
        wanted: dict[str, list[tuple[str, str]]] = {}
        for spec in specs:
            aliases: list[tuple[str, str]] = []
            for alias in [spec.name, *spec.aliases]:
                norm = normalize(alias)
                if not norm:
                    raise InputError(f"{spec.where}: actor {spec.key!r}: alias {alias!r} is empty")
                if owner.get(norm, spec.key) != spec.key:
                    raise InputError(
                        f"{spec.where}: actor {spec.key!r}: alias {alias!r} already names"
                        f" actor {owner[norm]!r}"
                    )
                if alias not in {a for a, _ in aliases}:
                    aliases.append((alias, norm))
                    owner[norm] = spec.key
            wanted[spec.key] = aliases

        changed: list[tuple[ActorSpec, Actor]] = []
        created: set[str] = set()
        for spec in specs:
            actor = self.actors.get(spec.key)
            state = (spec.name, spec.kind, spec.description, wanted[spec.key])
            if actor is not None and state == (
                actor.name,
                actor.kind,
                actor.description,
                [(a.alias, a.normalized) for a in actor.aliases],
            ):
                continue
            if actor is None:
                actor = Actor(key=spec.key)
                self.session.add(actor)
                self.actors[spec.key] = actor
                created.add(spec.key)
            actor.name, actor.kind, actor.description = spec.name, spec.kind, spec.description
            changed.append((spec, actor))
        # Aliases point at names, and old names must be gone before new ones
        # claim them: four steps, each flushed in order.
        for _, actor in changed:
            for old_alias in actor.aliases:
                self.session.delete(old_alias)
        self.session.flush()
        for _, actor in changed:
            for old_name in actor.names:
                self.session.delete(old_name)
        self.session.flush()
        for spec, actor in changed:
            self.session.expire(actor, ["aliases", "names"])
            norms = dict.fromkeys(n for _, n in wanted[spec.key])
            actor.names = [ActorName(normalized=n) for n in norms]
        self.session.flush()
        for spec, actor in changed:
            actor.aliases = [Alias(alias=a, normalized=n) for a, n in wanted[spec.key]]

        for spec in specs:
            actor = self.actors[spec.key]
            roles = [
                (r.title, self.actor(r.organization, r.where, "of").key, r.start, r.end)
                for r in spec.roles
            ]
            for r in spec.roles:
                if r.organization == spec.key:
                    raise InputError(f"{r.where}: actor {spec.key!r} cannot hold a role in itself")
            current = [(r.title, r.organization.key, r.start_on, r.end_on) for r in actor.roles]
            same = roles == current and actor not in [a for _, a in changed]
            existed = spec.key not in created
            if roles != current:
                for role in list(actor.roles):
                    actor.roles.remove(role)
                    self.session.delete(role)
                self.session.flush()
                for title, org, start, end in roles:
                    actor.roles.append(
                        Role(title=title, organization=self.actors[org], start_on=start, end_on=end)
                    )
            self._count("actors", existed, same)

    # -- sources -----------------------------------------------------------
    def load_sources(self) -> None:
        keys = {s.key for s in self.data.sources} | {
            a.source for c in self.data.claims for a in c.appearances
        }
        self.sources = {
            s.key: s
            for s in self.session.scalars(
                select(Source).where(Source.key.in_(keys)).options(selectinload(Source.credits))
            )
        }
        for spec in self.data.sources:
            self._load_source(spec)

    def _load_source(self, spec: SourceSpec) -> None:
        credits = [self.actor(k, spec.where, "credits").key for k in spec.credits]
        if len(set(credits)) != len(credits):
            raise InputError(f"{spec.where}: source {spec.key!r} credits an agency twice")
        source = self.sources.get(spec.key)
        state = (
            spec.outlet,
            spec.title,
            spec.url,
            spec.published,
            spec.language,
            spec.notes,
            spec.content_hash,
            credits,
        )
        if source is not None and state == (
            source.outlet,
            source.title,
            source.url,
            source.published_on,
            source.language,
            source.notes,
            source.content_hash,
            [c.actor.key for c in source.credits],
        ):
            self._count("sources", True, True)
            return
        self._count("sources", source is not None, False)
        if source is None:
            source = Source(key=spec.key)
            self.session.add(source)
            self.sources[spec.key] = source
        source.outlet, source.title, source.url = spec.outlet, spec.title, spec.url
        source.published_on, source.language, source.notes = (
            spec.published,
            spec.language,
            spec.notes,
        )
        source.text, source.text_length = spec.text, len(spec.text)
        source.content_hash = spec.content_hash
        for credit in list(source.credits):
            source.credits.remove(credit)
            self.session.delete(credit)
        self.session.flush()
        source.credits.extend(
            SourceCredit(actor=self.actors[k], position=i) for i, k in enumerate(credits)
        )

    # -- claims ------------------------------------------------------------
    def load_claims(self) -> None:
        keys = {c.key for c in self.data.claims} | {
            t for c in self.data.claims for _, t in c.relations
        }
        self.claims = {
            c.key: c
            for c in self.session.scalars(
                select(Claim)
                .where(Claim.key.in_(keys))
                .options(
                    selectinload(Claim.claimants).selectinload(Claimant.actor),
                    selectinload(Claim.topics),
                    selectinload(Claim.appearances).selectinload(Appearance.source),
                    selectinload(Claim.appearances).selectinload(Appearance.via),
                    selectinload(Claim.relations_out).selectinload(Relation.to_claim),
                )
            )
        }
        pending: list[tuple[ClaimSpec, Claim, bool]] = []
        for spec in self.data.claims:
            claim = self.claims.get(spec.key)
            existed = claim is not None
            if claim is None:
                claim = Claim(key=spec.key, text=spec.text)
                self.session.add(claim)
                self.claims[spec.key] = claim
            pending.append((spec, claim, existed))
        # Relations need every claim of the load to exist first.
        for spec, claim, existed in pending:
            self._load_claim(spec, claim, existed)

    def _appearances(self, spec: ClaimSpec) -> list[tuple[Any, ...]]:
        rows = []
        for app in spec.appearances:
            source = self.sources.get(app.source)
            if source is None:
                raise InputError(f"{app.where}: claim {spec.key!r}: unknown source {app.source!r}")
            try:
                found = anchor(source.text, app.quote, app.occurrence)
            except QuoteNotFound as exc:
                raise InputError(
                    f"{app.where}: claim {spec.key!r}: quote {_short(app.quote)!r} refused:"
                    f" {exc} (source {app.source!r})"
                ) from None
            via = self.actor(app.via, app.where, "via").key if app.via else None
            rows.append(
                (
                    app.source,
                    app.quote,
                    found.start,
                    found.end,
                    found.prefix,
                    found.suffix,
                    app.type,
                    app.cue,
                    via,
                )
            )
        seen = Counter((r[0], r[2], r[3]) for r in rows)
        if any(n > 1 for n in seen.values()):
            raise InputError(f"{spec.where}: claim {spec.key!r} lists the same quote twice")
        return rows

    def _load_claim(self, spec: ClaimSpec, claim: Claim, existed: bool) -> None:
        claimants = [self.actor(k, spec.where, "claimants").key for k in spec.claimants]
        if len(set(claimants)) != len(claimants):
            raise InputError(f"{spec.where}: claim {spec.key!r} names a claimant twice")
        appearances = self._appearances(spec)
        relations = []
        targets: set[str] = set()
        for relation, target in spec.relations:
            if target == spec.key:
                raise InputError(f"{spec.where}: claim {spec.key!r} cannot {relation} itself")
            if target not in self.claims:
                raise InputError(
                    f"{spec.where}: claim {spec.key!r}: unknown claim {target!r} in {relation!r}"
                )
            if target in targets:
                raise InputError(
                    f"{spec.where}: claim {spec.key!r} relates to {target!r} more than once"
                )
            targets.add(target)
            relations.append((relation, target))
        topics = sorted(set(spec.topics))

        if existed:
            current = (
                claim.text,
                claim.stated_on,
                claim.stated_precision,
                [c.actor.key for c in claim.claimants],
                [t.topic for t in claim.topics],
                [
                    (
                        a.source.key,
                        a.quote,
                        a.start_offset,
                        a.end_offset,
                        a.prefix,
                        a.suffix,
                        a.type,
                        a.cue,
                        a.via.key if a.via else None,
                    )
                    for a in claim.appearances
                ],
                [(r.relation, r.to_claim.key) for r in claim.relations_out],
            )
            wanted = (
                spec.text,
                spec.stated,
                spec.precision,
                claimants,
                topics,
                appearances,
                relations,
            )
            if current == wanted:
                self._count("claims", True, True)
                return
        self._count("claims", existed, False)
        claim.text, claim.stated_on, claim.stated_precision = spec.text, spec.stated, spec.precision
        for collection in (claim.claimants, claim.topics, claim.appearances, claim.relations_out):
            for child in list(collection):
                collection.remove(child)  # type: ignore[arg-type]
                self.session.delete(child)
        self.session.flush()
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
    _check_unique_keys("actor", dataset.actors)
    _check_unique_keys("source", dataset.sources)
    _check_unique_keys("claim", dataset.claims)
    loader = _Loader(session, dataset, report)
    loader.load_actors()
    loader.load_sources()
    loader.load_claims()
    try:
        session.flush()
    except IntegrityError as exc:
        raise InputError(f"the database refused the data: {exc.orig}") from None
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
    dataset = Dataset()
    for path in report.files:
        dataset.extend(read_file(path))
        if on_file:
            on_file(path)
    try:
        with db.transaction(engine) as session:
            load_dataset(session, dataset, report)
    except IntegrityError as exc:
        raise InputError(f"the database refused the data: {exc.orig}") from None
    return report
