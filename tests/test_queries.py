"""Queries on the seed dataset: contested claims, filters, status, actors, bounded SQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, asc, desc, event, func, select
from sqlalchemy.orm import Session

from tracker.ingest.dataset import AppearanceSpec, ClaimSpec, Dataset
from tracker.ingest.fields import Where
from tracker.ingest.load import load_dataset
from tracker.query import queries
from tracker.query.queries import ClaimFilter
from tracker.record import batching
from tracker.record.models import Actor, Claimant
from tracker.record.names import resolve_actor
from tracker.render import views
from tracker.vocabulary import STATUSES

# The contests of the seeds, newest first: the claims the Moscow/Pyongyang denial answers.
ARMS = [
    "miller-arms-charge",
    "us-sanctions-transfers",
    "trilateral-arms-supply",
    "trilateral-deliveries-completed",
    "us-skorea-arms-concern",
]
DENIAL = "moscow-pyongyang-deny-arms"


def keys(claims: list[queries.Claim]) -> list[str]:
    return [c.key for c in claims]


def actor_ids(session: Session, name: str) -> set[int]:
    return {resolve_actor(session, name).id}


def test_contested_lists_each_contest_once_newest_first(session: Session) -> None:
    found = queries.contested(session)
    # Miller 2024-06-17, the sanctions 2024-05, the trilateral statement 2023-10, the
    # undated concern last; the denial answers them all and heads none.
    assert keys(found) == ARMS
    assert {c.status for c in found} == {"contested"}
    assert all(DENIAL in [r.from_claim.key for r in c.relations_in] for c in found)


def test_a_denial_is_contested_without_a_reverse_relation(session: Session) -> None:
    denial = queries.claim(session, DENIAL)
    assert denial.status == "contested"
    assert not views.counter_relations(denial)
    contested = set(keys(queries.claims(session, ClaimFilter(status="contested"))))
    assert contested == {*ARMS, DENIAL}


def test_status_filter_agrees_with_the_status_shown(session: Session) -> None:
    everything = queries.claims(session)
    for status in STATUSES:
        by_filter = set(keys(queries.claims(session, ClaimFilter(status=status))))
        shown = {c.key for c in everything if c.status == status}
        assert by_filter == shown, status
    assert {c.status for c in everything} == {"contested", "uncontested"}


def test_actor_filter_takes_either_side(session: Session) -> None:
    assert (
        keys(queries.contested(session, ClaimFilter(actor_ids=actor_ids(session, "Moscow"))))
        == ARMS
    )
    miller = ClaimFilter(actor_ids=actor_ids(session, "Miller"))
    assert keys(queries.contested(session, miller)) == ["miller-arms-charge"]
    assert set(keys(queries.claims(session, miller))) == {
        "miller-arms-charge",
        "miller-putin-desperate",
        "miller-putin-seeks-equipment",
    }


def test_date_topic_relation_and_limit_filters(session: Session) -> None:
    since = ClaimFilter(since=dt.date(2024, 1, 1))
    assert keys(queries.contested(session, since)) == ARMS[:2]
    until = ClaimFilter(until=dt.date(2023, 12, 31))
    assert keys(queries.contested(session, until)) == ARMS[2:4]
    topic = queries.claims(session, ClaimFilter(topic="putin-visit"))
    assert topic and all("putin-visit" in [t.topic for t in c.topics] for c in topic)
    restated = queries.claims(session, ClaimFilter(relation="restates"))
    assert set(keys(restated)) == {
        "lavrov-nk-supports-war",
        "visit-announcement",
        "kim-invites-putin",
        "trilateral-arms-supply",
    }
    supported = queries.claims(session, ClaimFilter(relation="supports"))
    assert keys(supported) == ["putin-nk-supports-war"]
    assert keys(queries.claims(session, ClaimFilter(relation="corroborates"))) == []
    assert keys(queries.contested(session, ClaimFilter(limit=2))) == ARMS[:2]


def test_claims_are_newest_first_and_undated_last(session: Session) -> None:
    found = queries.claims(session)
    dated = [c.stated_on for c in found if c.stated_on is not None]
    assert dated == sorted(dated, reverse=True)
    first_undated = next(i for i, c in enumerate(found) if c.stated_on is None)
    assert all(c.stated_on is None for c in found[first_undated:])


def test_actor_record_of_russia(session: Session) -> None:
    russia = resolve_actor(session, "Kremlin")
    record = queries.actor_record(session, russia)
    assert "moscow-pyongyang-deny-arms" in keys(record.claims)
    assert "china-russia-drills-provoke" in keys(record.claims)
    assert "putin-eurasian-security" not in keys(record.claims)
    assert sorted(keys(record.counters)) == sorted(ARMS)
    with_members = queries.actor_record(session, russia, include_members=True)
    assert {"putin-eurasian-security", "ushakov-visit-dates"} <= set(keys(with_members.claims))
    assert "Vladimir Putin" in [m.name for m in with_members.members]


def test_members_are_found_at_any_depth(session: Session) -> None:
    """Miller holds a role in the State Department, which is part of the US government."""
    us = resolve_actor(session, "United States")
    direct = queries.actor_record(session, us)
    assert "miller-arms-charge" not in keys(direct.claims)
    deep = queries.actor_record(session, us, include_members=True)
    assert "miller-arms-charge" in keys(deep.claims)


def test_retraction_outranks_everything(session: Session) -> None:
    miller = queries.claim(session, "miller-arms-charge")
    quote = miller.appearances[0]
    retraction = ClaimSpec(
        key="miller-retracts",
        text="Miller withdraws the charge.",
        claimants=["matthew-miller"],
        stated=dt.date(2024, 6, 20),
        precision="day",
        topics=[],
        appearances=[
            AppearanceSpec(
                quote.source.key, quote.quote, "direct", None, None, None, Where(Path("test"), 1)
            )
        ],
        relations=[("retracts", "miller-arms-charge")],
        where=Where(Path("test"), 1),
    )
    load_dataset(session, Dataset(claims=[retraction]))
    session.commit()
    session.expire_all()
    assert queries.claim(session, "miller-arms-charge").status == "retracted"
    assert "miller-arms-charge" not in keys(queries.contested(session))
    retracted = queries.claims(session, ClaimFilter(status="retracted"))
    assert keys(retracted) == ["miller-arms-charge"]


@contextmanager
def counting(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: object) -> None:
        statement = str(args[2])
        if not statement.startswith("BEGIN"):  # transaction control is not a query
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


# Per batch of claims, one statement per collection a listing shows
# (claimants, topics, appearances, relations each way, the claimants of
# related claims outside the batch, first appearances, reviews, evidence):
# nine at the most, never one per row.
PER_BATCH = 9


def test_listings_issue_a_bounded_number_of_statements(
    seeded: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One statement for the claims and at most nine per batch, rendering
    included; with batches of 10, the 44 seed claims take 5 batches."""
    monkeypatch.setattr(batching, "BATCH", 10)
    counts = {}
    for name, flt in (("all", ClaimFilter()), ("contested", ClaimFilter(status="contested"))):
        with Session(seeded) as session, counting(seeded) as statements:
            found = queries.claims(session, flt)
            [views.claim_dict(c) for c in found]
        batches = -(-len(found) // 10)
        assert batches <= len(statements) - 1 <= PER_BATCH * batches, name
        counts[name] = (len(found), batches)
    assert counts == {"all": (44, 5), "contested": (6, 1)}
    with Session(seeded) as session:
        russia = resolve_actor(session, "Russia")
        with counting(seeded) as statements:
            record = queries.actor_record(session, russia, include_members=True)
            [views.claim_dict(c) for c in record.claims + record.counters]
    batches = -(-len(record.claims) // 10) + -(-len(record.counters) // 10)
    # Members (one query for the roles, one for the actors) and two listings.
    assert len(record.claims) + len(record.counters) > 2 * PER_BATCH
    assert len(statements) <= 2 + 2 + PER_BATCH * batches


def test_an_actor_s_newest_claims_are_the_same_walked_or_sorted(
    generated: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """by-actor --limit walks the claims newest first for a busy actor and
    sorts a rare one's: the plan is a cost, never a different answer."""
    with Session(generated) as session:
        busiest, rarest = (
            session.execute(
                select(Claimant.actor_id)
                .group_by(Claimant.actor_id)
                .order_by(order(func.count()), Claimant.actor_id)
                .limit(1)
            ).scalar_one()
            for order in (desc, asc)
        )
        # 1,500 claims: the busiest actor's are worth walking, the rarest's not.
        assert queries._worth_walking(session, {busiest}, 20)
        assert not queries._worth_walking(session, {rarest}, 20)

        def listing(actor_id: int) -> tuple[list[str], list[str], int]:
            record = queries.actor_record(
                session, session.get_one(Actor, actor_id), limit=20, stream=True
            )
            made = [c.key for c in record.claims]
            return made, [c.key for c in record.counters], record.claim_count

        for actor_id in (busiest, rarest):
            found = {}
            for walk in (True, False):
                monkeypatch.setattr(queries, "_worth_walking", lambda *_, walk=walk: walk)
                found[walk] = listing(actor_id)
            assert found[True] == found[False]
            assert found[True][0], actor_id
            assert len(found[True][0]) == min(20, found[True][2])
