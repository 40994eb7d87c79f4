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

from sqlalchemy import String
from sqlalchemy.orm import Session

from tracker.errors import InputError
from tracker.ingest.anchor import QuoteNotFound, anchor, relocate
from tracker.ingest.dataset import ClaimSpec, Dataset
from tracker.ingest.states import (
    ActorState,
    AppearanceState,
    ClaimState,
    EvidenceState,
    Key,
    LoadReport,
    Plan,
    ReviewState,
    SourceState,
)
from tracker.ingest.stored import Stored, StoredActor, StoredClaim, StoredSource
from tracker.ingest.verdicts import EvidenceSpec, ReviewSpec
from tracker.record.models import ActorName
from tracker.record.names import normalize

# Transliteration can lengthen a name (one Chinese character, several letters).
NORMALIZED_WIDTH = int(cast(String, ActorName.__table__.c.normalized.type).length or 0)


def _evidence(e: EvidenceSpec) -> EvidenceState:
    return EvidenceState(e.url, e.title, e.kind, e.published, e.shows, e.stance)


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _unordered(state: Any) -> Any:
    """A state as compared: a claim's relations are a set (one per target,
    no position), however a file or an export lists them."""
    if isinstance(state, ClaimState):
        return state._replace(relations=sorted(state.relations))
    return state


def check_unique_keys(what: str, specs: Sequence[Any]) -> None:
    seen: dict[str, Any] = {}
    for spec in specs:
        if spec.key in seen:
            raise InputError(
                f"{spec.where}: {what} id {spec.key!r} is already defined at {seen[spec.key].where}"
            )
        seen[spec.key] = spec


class Planner:
    """Reads what the database holds of the entities the dataset names, checks
    the dataset against it, and lists the entities whose stored state differs
    from the files'."""

    def __init__(self, session: Session, dataset: Dataset, report: LoadReport) -> None:
        self.data = dataset
        self.report = report
        self._new_actor_keys = {s.key for s in dataset.actors}
        self._texts = {s.key: s.text for s in dataset.sources}
        self._hashes = {s.key: s.content_hash for s in dataset.sources}
        self.stored = Stored(session.connection())
        self.stored.read_actors()
        self.stored.read_sources(
            [s.key for s in dataset.sources]
            + [a.source for c in dataset.claims for a in c.appearances]
        )
        self.stored.read_claims([c.key for c in dataset.claims])
        self.stored.read_claim_ids([t for c in dataset.claims for _, t in c.relations])

    @property
    def actors(self) -> dict[str, StoredActor]:
        return self.stored.actors

    @property
    def sources(self) -> dict[str, StoredSource]:
        return self.stored.sources

    @property
    def claims(self) -> dict[str, StoredClaim]:
        return self.stored.claims

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
        same = bool(_unordered(plan.state) == _unordered(plan.row.state))
        if isinstance(plan.spec, Key):  # not in the files: only its quotes moved
            self.report.reanchored += 0 if same else 1
            return same
        (self.report.unchanged if same else self.report.updated)[kind] += 1
        return same

    def _actor_key(self, key: str, where: object, field_name: str) -> str:
        if key not in self.actors and key not in self._new_actor_keys:
            raise InputError(f"{where}: unknown actor {key!r} in {field_name!r}")
        return key

    def _plan_actors(self) -> list[Plan]:
        specs = self.data.actors
        redefined = self._new_actor_keys
        # Names of actors being (re)defined are assigned anew below.
        owner = {
            name: actor.key
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
                if len(norm) > NORMALIZED_WIDTH:
                    raise InputError(
                        f"{spec.where}: actor {spec.key!r}: alias {_short(alias)!r} is"
                        f" {len(norm)} characters long once transliterated;"
                        f" at most {NORMALIZED_WIDTH} fit"
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
        self._check_ids_against_names(owner)
        return plans

    def _check_ids_against_names(self, owner: dict[str, str]) -> None:
        """An id is matched before any name (`by-actor moscow`): no actor's id
        may read as another actor's name, or that name would find it."""
        defined = {s.key: s.where for s in self.data.actors}
        for key in set(self.actors) | self._new_actor_keys:
            other = owner.get(key.replace("-", " "))
            if other is None or other == key:
                continue
            if key in defined:
                raise InputError(
                    f"{defined[key]}: actor id {key!r} reads as a name of actor {other!r},"
                    " which would no longer find it: choose another id"
                )
            if other in defined:  # the id is in the database; the name is new
                raise InputError(
                    f"{defined[other]}: actor {other!r}: a name reads as the id of actor"
                    f" {key!r}, which would no longer find it: choose another name"
                )

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

    def _known_source(self, key: str) -> bool:
        return key in self._texts or key in self.sources

    def _source_text(self, key: str) -> str | None:
        if key in self._texts:
            return self._texts[key]
        return self.stored.text(key)

    def _unchanged_text(self, key: str) -> bool:
        """Whether a source's text is the same in the files as in the database."""
        stored = self.sources.get(key)
        new = self._hashes.get(key)
        return stored is not None and (new is None or new == stored.content_hash)

    def _appearances(self, spec: ClaimSpec, texts: dict[str, str | None]) -> list[AppearanceState]:
        # A quote the database holds already, unchanged, in a text unchanged,
        # keeps its anchor: no need to search the text again (a reload of
        # unchanged files is mostly this).
        row = self.claims.get(spec.key)
        known = {
            (a.source, a.quote): a
            for a in (row.state.appearances if row is not None and row.state else [])
        }
        rows = []
        for app in spec.appearances:
            if app.source not in texts:
                texts[app.source] = self._source_text(app.source)
            if texts[app.source] is None and self._known_source(app.source):
                # Known only by its URL: nothing there can be quoted.
                if app.quote is not None:
                    raise InputError(
                        f"{app.where}: claim {spec.key!r}: source {app.source!r} has no stored"
                        " text, so nothing can be quoted from it: leave out 'quote'"
                    )
                via = self._actor_key(app.via, app.where, "via") if app.via else None
                rows.append(
                    AppearanceState(
                        app.source, None, None, None, None, None, app.type, app.cue, via
                    )
                )
                continue
            if app.quote is None:
                raise InputError(f"{app.where}: appearance needs a 'quote' (the exact text)")
            same = known.get((app.source, app.quote))
            if same is not None and app.occurrence is None and self._unchanged_text(app.source):
                text = texts[app.source]
                if text is not None and text.count(app.quote) == 1:
                    via = self._actor_key(app.via, app.where, "via") if app.via else None
                    rows.append(same._replace(type=app.type, cue=app.cue, via=via))
                    continue
            text = texts[app.source]
            if text is None:
                raise InputError(f"{app.where}: claim {spec.key!r}: unknown source {app.source!r}")
            try:
                # Typed at the command line (a label) or read from a file.
                pick = "--occurrence N" if app.where.label else "`occurrence: N`"
                found = anchor(text, app.quote, app.occurrence, pick)
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
        seen = Counter((r.source, r.start, r.end) for r in rows if r.start is not None)
        if any(n > 1 for n in seen.values()):
            raise InputError(f"{spec.where}: claim {spec.key!r} lists the same quote twice")
        return rows

    def _review(self, r: ReviewSpec) -> ReviewState:
        return ReviewState(
            self._actor_key(r.reviewer, r.where, "by"),
            r.rating,
            r.value,
            r.best,
            r.worst,
            r.reviewed,
            r.url,
            r.explanation,
            [_evidence(e) for e in r.evidence],
        )

    def _plan_claims(self) -> list[Plan]:
        keys = {c.key for c in self.data.claims} | set(self.claims)
        claimants_of = {c.key: set(c.claimants) for c in self.data.claims}
        # Retracting a claim in the database: its claimants decide.
        retracted = {t for c in self.data.claims for r, t in c.relations if r == "retracts"}
        self.stored.read_claims(t for t in retracted if t not in claimants_of)
        for key, row in self.claims.items():
            if row.state is not None:
                claimants_of.setdefault(key, set(row.state.claimants))
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
            first = spec.first
            if first is not None and first.source and not self._known_source(first.source):
                raise InputError(
                    f"{spec.where}: claim {spec.key!r}: unknown source {first.source!r}"
                    " in 'first_appearance'"
                )
            state = ClaimState(
                spec.text,
                spec.stated,
                spec.precision,
                claimants,
                sorted(set(spec.topics)),
                self._appearances(spec, texts),
                list(spec.relations),
                [self._review(r) for r in spec.reviews],
                [_evidence(e) for e in spec.evidence],
                first.source if first else None,
                first.url if first else None,
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
        plans = []
        for claim in self.stored.read_claims_quoting(ids, loaded):
            assert claim.state is not None
            # Written back whole: its relations' targets need their ids.
            self.stored.read_claim_ids(t for _, t in claim.state.relations)
            stored = claim.state
            moved = []
            for app in stored.appearances:
                if app.source in edited:
                    text = edited[app.source].text
                    # Quote, prefix and suffix are stored together or not at
                    # all (the `quoted` constraint).
                    if text is None or app.quote is None:
                        raise InputError(
                            f"{edited[app.source].where}: source {app.source!r} gains or loses"
                            f" its stored text, and claim {claim.key!r} (in the database)"
                            " appears in it: load that claim's corrected file with it"
                        )
                    assert app.prefix is not None and app.suffix is not None
                    new = relocate(text, app.quote, app.prefix, app.suffix)
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
