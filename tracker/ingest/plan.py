"""Planning a load: every check, and the state each entity should have, before any write.

Entities are matched by their `id` (our `key`). The planner reads what the
database holds, checks the dataset against it (references, aliases, quotes
anchored in their sources) and says, per entity, whether it is new, changed
or the same; `tracker.ingest.load` then writes only what changed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import ColumnElement, String, and_, select
from sqlalchemy.orm import Session, selectinload

from tracker.errors import InputError
from tracker.ingest.anchor import QuoteNotFound, anchor, relocate
from tracker.ingest.dataset import ClaimSpec, Dataset
from tracker.ingest.states import (
    ActorState,
    AppearanceState,
    ClaimState,
    Key,
    LoadReport,
    Plan,
    SourceState,
    State,
)
from tracker.record.models import (
    Actor,
    ActorName,
    Appearance,
    Claim,
    Claimant,
    Relation,
    Role,
    Source,
    SourceCredit,
)
from tracker.record.names import normalize

# Transliteration can lengthen a name (one Chinese character, several letters).
_NORMALIZED_WIDTH = int(cast(String, ActorName.__table__.c.normalized.type).length or 0)


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def check_unique_keys(what: str, specs: Sequence[Any]) -> None:
    seen: dict[str, Any] = {}
    for spec in specs:
        if spec.key in seen:
            raise InputError(
                f"{spec.where}: {what} id {spec.key!r} is already defined at {seen[spec.key].where}"
            )
        seen[spec.key] = spec


class Planner:
    """Reads the database once, checks the dataset against it, and lists the
    entities whose stored state differs from the files'."""

    def __init__(self, session: Session, dataset: Dataset, report: LoadReport) -> None:
        self.session = session
        self.data = dataset
        self.report = report
        self._new_actor_keys = {s.key for s in dataset.actors}
        self.actors: dict[str, Actor] = {
            a.key: a
            for a in session.scalars(
                select(Actor).options(
                    selectinload(Actor.aliases),
                    selectinload(Actor.names),
                    selectinload(Actor.roles).selectinload(Role.organization),
                )
            )
        }
        source_keys = {s.key for s in dataset.sources} | {
            a.source for c in dataset.claims for a in c.appearances
        }
        self.sources: dict[str, Source] = {
            s.key: s
            for s in session.scalars(
                select(Source)
                .where(Source.key.in_(source_keys))
                .options(selectinload(Source.credits).selectinload(SourceCredit.actor))
            )
        }
        claim_keys = {c.key for c in dataset.claims} | {
            t for c in dataset.claims for _, t in c.relations
        }
        self.claims: dict[str, Claim] = {
            c.key: c for c in self._claims_where(Claim.key.in_(claim_keys))
        }

    def _claims_where(self, condition: ColumnElement[bool]) -> Sequence[Claim]:
        """Existing claims with everything their state compares."""
        return self.session.scalars(
            select(Claim)
            .where(condition)
            .options(
                selectinload(Claim.claimants).selectinload(Claimant.actor),
                selectinload(Claim.topics),
                selectinload(Claim.appearances).selectinload(Appearance.source),
                selectinload(Claim.appearances).selectinload(Appearance.via),
                selectinload(Claim.relations_out).selectinload(Relation.to_claim),
            )
        ).all()

    def changes(self) -> list[tuple[str, Plan]]:
        """(kind, plan) of every entity to create or rewrite; counts all in the report."""
        actors = self._plan_actors()
        sources = self._plan_sources()
        claims = self._plan_claims() + self._plan_reanchored(sources)
        return [
            (kind, plan)
            for kind, plans in (("actors", actors), ("sources", sources), ("claims", claims))
            for plan in plans
            if not self._same(kind, plan)
        ]

    def _same(self, kind: str, plan: Plan) -> bool:
        if plan.row is None:
            self.report.created[kind] += 1
            return False
        same = plan.state == self._state(plan.row)
        if isinstance(plan.spec, Key):  # not in the files: only its quotes moved
            self.report.reanchored += 0 if same else 1
            return same
        (self.report.unchanged if same else self.report.updated)[kind] += 1
        return same

    @staticmethod
    def _state(row: Any) -> State:
        if isinstance(row, Actor):
            return ActorState(
                row.name,
                row.kind,
                row.description,
                [(a.alias, a.normalized) for a in row.aliases],
                [(r.title, r.organization.key, r.start_on, r.end_on) for r in row.roles],
            )
        if isinstance(row, Source):
            return SourceState(
                row.outlet,
                row.title,
                row.url,
                row.published_on,
                row.published_precision,
                row.language,
                row.archived_url,
                row.retrieved_on,
                row.excerpt,
                row.notes,
                row.content_hash,
                [c.actor.key for c in row.credits],
            )
        return ClaimState(
            row.text,
            row.stated_on,
            row.stated_precision,
            [c.actor.key for c in row.claimants],
            [t.topic for t in row.topics],
            [
                AppearanceState(
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
                for a in row.appearances
            ],
            [(r.relation, r.to_claim.key) for r in row.relations_out],
        )

    def _actor_key(self, key: str, where: object, field_name: str) -> str:
        if key not in self.actors and key not in self._new_actor_keys:
            raise InputError(f"{where}: unknown actor {key!r} in {field_name!r}")
        return key

    def _plan_actors(self) -> list[Plan]:
        specs = self.data.actors
        redefined = self._new_actor_keys
        # Names of actors being (re)defined are assigned anew below.
        owner = {
            name.normalized: actor.key
            for actor in self.actors.values()
            if actor.key not in redefined
            for name in actor.names
        }
        plans = []
        for spec in specs:
            aliases: list[tuple[str, str]] = []
            for alias in [spec.name, *spec.aliases]:
                norm = normalize(alias)
                if not norm:
                    raise InputError(f"{spec.where}: actor {spec.key!r}: alias {alias!r} is empty")
                if len(norm) > _NORMALIZED_WIDTH:
                    raise InputError(
                        f"{spec.where}: actor {spec.key!r}: alias {_short(alias)!r} is"
                        f" {len(norm)} characters long once transliterated;"
                        f" at most {_NORMALIZED_WIDTH} fit"
                    )
                if owner.get(norm, spec.key) != spec.key:
                    raise InputError(
                        f"{spec.where}: actor {spec.key!r}: alias {alias!r} already names"
                        f" actor {owner[norm]!r}"
                    )
                owner[norm] = spec.key
                if alias not in {a for a, _ in aliases}:
                    aliases.append((alias, norm))
            roles = []
            for r in spec.roles:
                if r.organization == spec.key:
                    raise InputError(f"{r.where}: actor {spec.key!r} cannot hold a role in itself")
                org = self._actor_key(r.organization, r.where, "of")
                roles.append((r.title, org, r.start, r.end))
            state = ActorState(spec.name, spec.kind, spec.description, aliases, roles)
            plans.append(Plan(spec, self.actors.get(spec.key), state))
        return plans

    def _plan_sources(self) -> list[Plan]:
        plans = []
        for spec in self.data.sources:
            credits = [self._actor_key(k, spec.where, "credits") for k in spec.credits]
            if len(set(credits)) != len(credits):
                raise InputError(f"{spec.where}: source {spec.key!r} credits an agency twice")
            state = SourceState(
                spec.outlet,
                spec.title,
                spec.url,
                spec.published,
                spec.published_precision,
                spec.language,
                spec.archived_url,
                spec.retrieved,
                spec.excerpt,
                spec.notes,
                spec.content_hash,
                credits,
            )
            plans.append(Plan(spec, self.sources.get(spec.key), state))
        return plans

    def _source_text(self, key: str) -> str | None:
        for spec in self.data.sources:
            if spec.key == key:
                return spec.text
        source = self.sources.get(key)
        return source.text if source is not None else None

    def _appearances(self, spec: ClaimSpec, texts: dict[str, str | None]) -> list[AppearanceState]:
        rows = []
        for app in spec.appearances:
            if app.source not in texts:
                texts[app.source] = self._source_text(app.source)
            text = texts[app.source]
            if text is None:
                raise InputError(f"{app.where}: claim {spec.key!r}: unknown source {app.source!r}")
            try:
                found = anchor(text, app.quote, app.occurrence)
            except QuoteNotFound as exc:
                raise InputError(
                    f"{app.where}: claim {spec.key!r}: quote {_short(app.quote)!r} refused:"
                    f" {exc} (source {app.source!r})"
                ) from None
            via = self._actor_key(app.via, app.where, "via") if app.via else None
            rows.append(
                AppearanceState(
                    app.source,
                    found.exact,  # as the source has it, whatever quotes were typed
                    found.start,
                    found.end,
                    found.prefix,
                    found.suffix,
                    app.type,
                    app.cue,
                    via,
                )
            )
        seen = Counter((r.source, r.start, r.end) for r in rows)
        if any(n > 1 for n in seen.values()):
            raise InputError(f"{spec.where}: claim {spec.key!r} lists the same quote twice")
        return rows

    def _plan_claims(self) -> list[Plan]:
        keys = {c.key for c in self.data.claims} | set(self.claims)
        claimants_of = {c.key: set(c.claimants) for c in self.data.claims}
        for key, row in self.claims.items():
            claimants_of.setdefault(key, {c.actor.key for c in row.claimants})
        texts: dict[str, str | None] = {}
        plans = []
        for spec in self.data.claims:
            claimants = [self._actor_key(k, spec.where, "claimants") for k in spec.claimants]
            if len(set(claimants)) != len(claimants):
                raise InputError(f"{spec.where}: claim {spec.key!r} names a claimant twice")
            targets: set[str] = set()
            for relation, target in spec.relations:
                if target == spec.key:
                    raise InputError(f"{spec.where}: claim {spec.key!r} cannot {relation} itself")
                if target not in keys:
                    raise InputError(
                        f"{spec.where}: claim {spec.key!r}:"
                        f" unknown claim {target!r} in {relation!r}"
                    )
                if target in targets:
                    raise InputError(
                        f"{spec.where}: claim {spec.key!r} relates to {target!r} more than once"
                    )
                if relation == "retracts" and not claimants_of[target] & set(claimants):
                    raise InputError(
                        f"{spec.where}: claim {spec.key!r} retracts {target!r}, but only a"
                        " claimant can withdraw a claim: they share no claimant"
                    )
                targets.add(target)
            state = ClaimState(
                spec.text,
                spec.stated,
                spec.precision,
                claimants,
                sorted(set(spec.topics)),
                self._appearances(spec, texts),
                list(spec.relations),
            )
            plans.append(Plan(spec, self.claims.get(spec.key), state))
        return plans

    def _plan_reanchored(self, sources: list[Plan]) -> list[Plan]:
        """Claims outside the files that quote a source whose text changes:
        each quote is found again in the new text (exact text, prefix and
        suffix) or the load is refused; nothing is left pointing at the
        wrong characters."""
        edited = {
            p.spec.key: p.spec
            for p in sources
            if p.row is not None and p.row.content_hash != p.spec.content_hash
        }
        if not edited:
            return []
        loaded = {c.key for c in self.data.claims}
        ids = [self.sources[key].id for key in edited]
        found = self._claims_where(
            and_(Claim.appearances.any(Appearance.source_id.in_(ids)), Claim.key.not_in(loaded))
        )
        plans = []
        for claim in found:
            self.claims[claim.key] = claim
            for appearance in claim.appearances:  # its other sources, written back as they are
                self.sources.setdefault(appearance.source.key, appearance.source)
            for relation in claim.relations_out:  # rewritten with the claim
                self.claims.setdefault(relation.to_claim.key, relation.to_claim)
            stored = self._state(claim)
            assert isinstance(stored, ClaimState)
            moved = []
            for app in stored.appearances:
                if app.source in edited:
                    new = relocate(edited[app.source].text, app.quote, app.prefix, app.suffix)
                    if new is None:
                        raise InputError(
                            f"{edited[app.source].where}: source {app.source!r}: the new text no"
                            f" longer holds the quote {_short(app.quote)!r} of claim"
                            f" {claim.key!r} (in the database); load that claim's corrected"
                            " file with it"
                        )
                    app = app._replace(
                        start=new.start, end=new.end, prefix=new.prefix, suffix=new.suffix
                    )
                moved.append(app)
            plans.append(Plan(Key(claim.key), claim, stored._replace(appearances=moved)))
        return plans
