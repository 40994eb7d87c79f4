"""The status rules (README, "Concepts"; tracker/status.py), one test per rule.

Each test builds a small world of actors, roles and claims through the real
loader and reads statuses back through the real queries, on both backends.
Each is built so that deleting its rule from tracker/status.py changes the
answer. A Hypothesis test then compares random worlds against an oracle
written here, independently, from the README's wording.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from tracker.ingest.dataset import (
    ActorSpec,
    AppearanceSpec,
    ClaimSpec,
    Dataset,
    RoleSpec,
    SourceSpec,
)
from tracker.ingest.fields import Where
from tracker.ingest.load import load_dataset
from tracker.query import queries
from tracker.query.queries import ClaimFilter
from tracker.record import status_view
from tracker.record.status import status_is
from tracker.vocabulary import COUNTER_RELATIONS, STATUSES

HERE = Where(Path("test_status"), 1)


@dataclass
class C:
    """A claim of a test world: its claimants, date and relations to others."""

    by: list[str]
    stated: dt.date | None = None
    relations: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Outcome:
    status: dict[str, str]  # every claim's status, as listings show it
    heads: list[str]  # `tracker contested`: each contest once


# A role: the organization, or (organization, first day, last day), None open.
Role = str | tuple[str, dt.date | None, dt.date | None]
Roles = dict[str, list[Role]]


def _role(role: Role) -> tuple[str, dt.date | None, dt.date | None]:
    return (role, None, None) if isinstance(role, str) else role


def build(roles: Roles, claims: dict[str, C]) -> Dataset:
    """Actors (each with the organizations it holds a role in) and claims, as
    a dataset: one source whose text holds one quotable word per claim."""
    words = {key: f"w{i}x" for i, key in enumerate(claims)}
    source = SourceSpec(
        "s", "Outlet", "Title", None, dt.date(2024, 1, 1), "day", "en", [], None,
        " ".join(words.values()), HERE,
    )  # fmt: skip
    actors = [
        ActorSpec(
            key,
            f"Actor {key}",
            "person",
            None,
            [],
            [RoleSpec("member", *_role(role), HERE) for role in orgs],
            HERE,
        )
        for key, orgs in roles.items()
    ]
    specs = [
        ClaimSpec(
            key,
            f"Claim {key}",
            c.by,
            c.stated,
            "day" if c.stated else None,
            [],
            [AppearanceSpec("s", words[key], "direct", None, None, None, HERE)],
            list(c.relations),
            HERE,
        )
        for key, c in claims.items()
    ]
    return Dataset(actors=actors, sources=[source], claims=specs)


def outcome(session: Session, roles: Roles, claims: dict[str, C]) -> Outcome:
    """Load the world, read it back, and check the status filter agrees with
    the status each listing shows."""
    load_dataset(session, build(roles, claims))
    session.flush()
    shown = {c.key: c.status for c in queries.claims(session)}
    for status in STATUSES:
        filtered = {c.key for c in queries.claims(session, ClaimFilter(status=status))}
        assert filtered == {k for k, s in shown.items() if s == status}, status
    heads = [c.key for c in queries.contested(session)]
    assert all(shown[h] == "contested" for h in heads)
    # SQL users read the same statuses from the view (tracker.record.status_view).
    in_view = session.execute(text(f"SELECT key, status FROM {status_view.NAME}"))
    assert {key: status for key, status in in_view} == shown
    return Outcome({k: v or "" for k, v in shown.items()}, heads)


@pytest.fixture
def world(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session
        session.rollback()


DAY = dt.date(2024, 6, 1)
LATER = dt.date(2024, 6, 2)
# Two sides: a government with a ministry and its spokesperson (depth 2), and a
# foreign government.
ROLES: Roles = {
    "gov": [],
    "ministry": ["gov"],
    "spokesperson": ["ministry"],
    "minister": ["ministry"],
    "foreign": [],
    "outsider": [],
}


@pytest.mark.parametrize("relation", COUNTER_RELATIONS)
def test_a_counter_from_another_side_puts_both_ends_in_contest(
    world: Session, relation: str
) -> None:
    found = outcome(
        world,
        ROLES,
        {
            "charge": C(["spokesperson"], DAY),
            "denial": C(["foreign"], LATER, [(relation, "charge")]),
        },
    )
    assert found.status == {"charge": "contested", "denial": "contested"}
    assert found.heads == ["charge"]


def test_a_counter_by_the_same_claimant_is_no_contest(world: Session) -> None:
    found = outcome(
        world,
        ROLES,
        {"charge": C(["foreign"]), "denial": C(["foreign"], None, [("denies", "charge")])},
    )
    assert found.status == {"charge": "uncontested", "denial": "uncontested"}
    assert found.heads == []


@pytest.mark.parametrize(
    ("charger", "denier"),
    [
        ("spokesperson", "gov"),  # an organization, two levels up
        ("gov", "spokesperson"),  # its member, two levels down
        ("spokesperson", "minister"),  # two members of one ministry
    ],
)
def test_members_of_an_organization_are_one_side(world: Session, charger: str, denier: str) -> None:
    found = outcome(
        world, ROLES, {"charge": C([charger]), "denial": C([denier], None, [("denies", "charge")])}
    )
    assert found.status == {"charge": "uncontested", "denial": "uncontested"}


def test_a_joint_counter_contests_when_one_of_its_claimants_is_of_another_side(
    world: Session,
) -> None:
    found = outcome(
        world,
        ROLES,
        {
            "charge": C(["spokesperson"]),
            "joint": C(["gov", "foreign"], None, [("denies", "charge")]),
            "claim2": C(["spokesperson", "foreign"]),
            "inside": C(["minister"], None, [("disputes", "claim2")]),
        },
    )
    # `joint` has the foreign government among its claimants.
    assert found.status["charge"] == found.status["joint"] == "contested"
    # The minister shares a side with one of claim2's claimants: no contest.
    assert found.status["claim2"] == found.status["inside"] == "uncontested"


def test_retraction_outranks_contest_and_ends_the_contest(world: Session) -> None:
    found = outcome(
        world,
        ROLES,
        {
            "charge": C(["spokesperson"], DAY),
            "withdrawal": C(["spokesperson"], LATER, [("retracts", "charge")]),
            "denial": C(["foreign"], LATER, [("denies", "charge")]),
        },
    )
    # Denying a withdrawn claim is no longer a contest.
    assert found.status == {
        "charge": "retracted",
        "withdrawal": "uncontested",
        "denial": "uncontested",
    }
    assert found.heads == []


def test_a_retracted_counter_claim_contests_nothing(world: Session) -> None:
    found = outcome(
        world,
        ROLES,
        {
            "charge": C(["spokesperson"], DAY),
            "denial": C(["foreign"], DAY, [("denies", "charge")]),
            "taken-back": C(["foreign"], LATER, [("retracts", "denial")]),
        },
    )
    assert found.status == {
        "charge": "uncontested",
        "denial": "retracted",
        "taken-back": "uncontested",
    }


def test_corroboration_comes_from_another_side(world: Session) -> None:
    found = outcome(
        world,
        ROLES,
        {
            "claim": C(["spokesperson"]),
            "confirmation": C(["outsider"], None, [("corroborates", "claim")]),
            "own": C(["minister"]),
            "by-own-government": C(["gov"], None, [("corroborates", "own")]),
        },
    )
    assert found.status["claim"] == "corroborated"
    # A person's own organization cannot corroborate them.
    assert found.status["own"] == "uncontested"
    assert found.status["confirmation"] == found.status["by-own-government"] == "uncontested"


def test_support_is_agreement_not_corroboration(world: Session) -> None:
    found = outcome(
        world,
        ROLES,
        {"claim": C(["spokesperson"]), "agreement": C(["foreign"], None, [("supports", "claim")])},
    )
    assert found.status == {"claim": "uncontested", "agreement": "uncontested"}


def test_contest_outranks_corroboration(world: Session) -> None:
    found = outcome(
        world,
        ROLES,
        {
            "claim": C(["spokesperson"]),
            "confirmation": C(["outsider"], None, [("corroborates", "claim")]),
            "denial": C(["foreign"], None, [("denies", "claim")]),
        },
    )
    assert found.status["claim"] == "contested"


def test_a_retracted_corroboration_corroborates_nothing(world: Session) -> None:
    found = outcome(
        world,
        ROLES,
        {
            "claim": C(["spokesperson"]),
            "confirmation": C(["outsider"], None, [("corroborates", "claim")]),
            "withdrawal": C(["outsider"], None, [("retracts", "confirmation")]),
        },
    )
    assert found.status["claim"] == "uncontested"
    assert found.status["confirmation"] == "retracted"


def test_retraction_outranks_corroboration(world: Session) -> None:
    """Confirmed by another side, then withdrawn by its claimant: retracted,
    and the corroborated filter leaves it out."""
    found = outcome(
        world,
        ROLES,
        {
            "claim": C(["spokesperson"], DAY),
            "confirmation": C(["outsider"], DAY, [("corroborates", "claim")]),
            "withdrawal": C(["spokesperson"], LATER, [("retracts", "claim")]),
        },
    )
    assert found.status == {
        "claim": "retracted",
        "confirmation": "uncontested",
        "withdrawal": "uncontested",
    }


def test_roles_in_a_cycle_still_end(world: Session) -> None:
    roles = {"a": ["b"], "b": ["c"], "c": ["a"], "d": []}
    found = outcome(
        world,
        roles,
        {
            "claim": C(["a"]),
            "inside": C(["c"], None, [("denies", "claim")]),
            "outside": C(["d"], None, [("disputes", "claim")]),
        },
    )
    assert found.status == {"claim": "contested", "inside": "uncontested", "outside": "contested"}


@pytest.mark.parametrize(
    ("first", "second", "head"),
    [
        (DAY, LATER, "a"),  # the earlier claim heads the contest
        (LATER, DAY, "b"),
        (None, DAY, "b"),  # a dated claim comes before an undated one
        (DAY, DAY, "a"),  # same day: by id
        (None, None, "a"),
    ],
)
def test_two_claims_countering_each_other_are_one_contest(
    world: Session, first: dt.date | None, second: dt.date | None, head: str
) -> None:
    found = outcome(
        world,
        ROLES,
        {
            "a": C(["spokesperson"], first, [("denies", "b")]),
            "b": C(["foreign"], second, [("denies", "a")]),
        },
    )
    assert found.status == {"a": "contested", "b": "contested"}
    assert found.heads == [head]


def test_an_answer_that_is_no_contest_leaves_the_contest_listed(world: Session) -> None:
    """b, countered by the earlier a, relates back to a by agreeing: no
    counter, so b still heads its contest."""
    found = outcome(
        world,
        ROLES,
        {
            "a": C(["foreign"], DAY, [("denies", "b")]),
            "b": C(["spokesperson"], LATER, [("supports", "a")]),
        },
    )
    assert found.status == {"a": "contested", "b": "contested"}
    assert found.heads == ["b"]


def test_an_unknown_status_is_an_error() -> None:
    with pytest.raises(ValueError, match=r"^unknown status 'disputed'$"):
        status_is("disputed")


def test_a_chain_of_answers_is_one_contest_per_challenged_claim(world: Session) -> None:
    found = outcome(
        world,
        ROLES,
        {
            "charge": C(["spokesperson"], DAY),
            "denial": C(["foreign"], LATER, [("denies", "charge")]),
            "rebuttal": C(["gov"], dt.date(2024, 6, 3), [("disputes", "denial")]),
        },
    )
    assert set(found.status.values()) == {"contested"}
    assert found.heads == ["denial", "charge"]  # newest first


def test_an_answered_charge_keeps_its_own_contest(world: Session) -> None:
    """A charge denied by a claim that is itself disputed: two contests, one
    per challenged claim, whatever their dates (the denial is dated before
    the charge here, and the rebuttal is undated)."""
    found = outcome(
        world,
        ROLES,
        {
            "charge": C(["spokesperson"], LATER),
            "denial": C(["foreign"], DAY, [("denies", "charge")]),
            "rebuttal": C(["outsider"], None, [("disputes", "denial")]),
        },
    )
    assert found.heads == ["charge", "denial"]


YEARS = (dt.date(2000, 1, 1), dt.date(2010, 12, 31))


@pytest.mark.parametrize(
    ("stated", "status"),
    [
        (dt.date(2024, 6, 1), "contested"),  # a former member: another side by now
        (dt.date(2005, 6, 1), "uncontested"),  # while a member: the same side
        (None, "uncontested"),  # undated: every role counts
    ],
)
def test_a_role_makes_one_side_only_while_it_is_held(
    world: Session, stated: dt.date | None, status: str
) -> None:
    roles: Roles = {"gov": [], "former": [("gov", *YEARS)]}
    found = outcome(
        world,
        roles,
        {"claim": C(["gov"], stated), "denial": C(["former"], stated, [("denies", "claim")])},
    )
    assert found.status == {"claim": status, "denial": status}


def test_only_a_claimant_can_retract_even_after_a_claimant_changes(world: Session) -> None:
    """The loader admits a retraction sharing a claimant; if the retracted
    claim is later reloaded with other claimants, the retraction no longer
    counts (the rule holds in the database, not only at load time)."""
    claims = {"claim": C(["gov"]), "withdrawal": C(["gov"], None, [("retracts", "claim")])}
    assert outcome(world, ROLES, claims).status["claim"] == "retracted"
    changed = build(ROLES, {"claim": C(["foreign"]), "withdrawal": C(["gov"])})
    load_dataset(world, Dataset(sources=changed.sources, claims=changed.claims[:1]))
    world.flush()
    assert queries.claim(world, "claim").status == "uncontested"


def test_a_listing_shows_a_contest_whose_earlier_claim_it_leaves_out(world: Session) -> None:
    """Two claims countering each other are listed once, under the earlier;
    a listing that leaves the earlier out (a date filter) shows the later."""
    outcome(
        world,
        ROLES,
        {
            "a": C(["spokesperson"], dt.date(2023, 5, 1), [("denies", "b")]),
            "b": C(["foreign"], dt.date(2024, 5, 1), [("denies", "a")]),
        },
    )
    since = queries.contested(world, ClaimFilter(since=dt.date(2024, 1, 1)))
    assert [c.key for c in since] == ["b"]
    assert [c.key for c in queries.contested(world)] == ["a"]


# -- random worlds against an oracle --------------------------------------------------


def oracle(roles: Roles, claims: dict[str, C]) -> Outcome:
    """The README's rules, read literally, with no SQL."""

    def sides(actor: str) -> set[tuple[str, dt.date | None, dt.date | None]]:
        """(organization, from, until): every side and when it holds."""
        found: set[tuple[str, dt.date | None, dt.date | None]] = {(actor, None, None)}
        frontier = list(found)
        while frontier:
            step = set()
            for side, start, end in frontier:
                for org, r_start, r_end in map(_role, roles[side]):
                    starts = [d for d in (start, r_start) if d]
                    ends = [d for d in (end, r_end) if d]
                    first = max(starts) if starts else None
                    last = min(ends) if ends else None
                    if first and last and first > last:
                        continue
                    step.add((org, first, last))
            frontier = list(step - found)
            found |= step
        return found

    def held(actor: str, claim: str) -> set[str]:
        stated = claims[claim].stated  # a day: its period is itself
        return {
            side
            for side, first, last in sides(actor)
            if stated is None
            or ((first is None or first <= stated) and (last is None or last >= stated))
        }

    def another_side(claim: str, other: str) -> bool:
        theirs = set().union(*(held(a, other) for a in claims[other].by))
        return any(not held(a, claim) & theirs for a in claims[claim].by)

    links = [(key, rel, target) for key, c in claims.items() for rel, target in c.relations]
    retracted = {
        target
        for source, rel, target in links
        if rel == "retracts" and set(claims[source].by) & set(claims[target].by)
    }
    contests = {
        (source, target)
        for source, rel, target in links
        if rel in COUNTER_RELATIONS
        and another_side(source, target)
        and not {source, target} & retracted
    }
    in_contest = {key for pair in contests for key in pair}
    corroborated = {
        target
        for source, rel, target in links
        if rel == "corroborates" and another_side(source, target) and source not in retracted
    }

    def when(key: str) -> tuple[bool, dt.date, str]:
        stated = claims[key].stated
        return (stated is None, stated or dt.date.min, key)

    status = {
        key: "retracted"
        if key in retracted
        else "contested"
        if key in in_contest
        else "corroborated"
        if key in corroborated
        else "uncontested"
        for key in claims
    }
    heads = {
        target
        for source, target in contests
        if not ((target, source) in contests and when(source) < when(target))
    }
    newest_first = sorted(heads, key=lambda k: k)
    newest_first.sort(key=lambda k: claims[k].stated or dt.date.min, reverse=True)
    newest_first.sort(key=lambda k: claims[k].stated is None)
    return Outcome(status, newest_first)


ACTORS = ["p", "q", "r", "s", "t"]
RELATIONS = (*COUNTER_RELATIONS, "supports", "corroborates", "restates", "retracts")


ROLE_DATES = [None, dt.date(2024, 6, 1), dt.date(2024, 6, 2)]


@st.composite
def worlds(draw: st.DrawFn) -> tuple[Roles, dict[str, C]]:
    roles: Roles = {}
    for a in ACTORS:
        orgs = draw(
            st.lists(st.sampled_from([o for o in ACTORS if o != a]), max_size=2, unique=True)
        )
        roles[a] = []
        for org in orgs:
            first, last = draw(st.sampled_from(ROLE_DATES)), draw(st.sampled_from(ROLE_DATES))
            if first and last and first > last:
                first, last = last, first
            roles[a].append((org, first, last))
    keys = [f"c{i}" for i in range(draw(st.integers(2, 7)))]
    claims = {
        key: C(
            draw(st.lists(st.sampled_from(ACTORS), min_size=1, max_size=2, unique=True)),
            draw(st.sampled_from([None, DAY, LATER])),
        )
        for key in keys
    }
    pairs = draw(
        st.lists(
            st.tuples(st.sampled_from(keys), st.sampled_from(keys), st.sampled_from(RELATIONS)),
            max_size=10,
        )
    )
    seen: set[tuple[str, str]] = set()
    for source, target, relation in pairs:
        # The loader's rules: no self-relation, one per ordered pair, and only
        # a claim sharing a claimant may retract another.
        shares = set(claims[source].by) & set(claims[target].by)
        if source == target or (source, target) in seen or (relation == "retracts" and not shares):
            continue
        seen.add((source, target))
        claims[source].relations.append((relation, target))
    return roles, claims


@given(drawn=worlds())
@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_random_worlds_agree_with_the_rules_as_written(
    world: Session, drawn: tuple[Roles, dict[str, C]]
) -> None:
    roles, claims = drawn
    try:
        found = outcome(world, roles, claims)
    finally:
        world.rollback()
    assert found == oracle(roles, claims)


def test_the_oracle_can_tell_the_rules_apart() -> None:
    """The oracle is not trivially in agreement: on a world where each rule
    matters it gives each status and a head."""
    claims = {
        "charge": C(["p"], DAY),
        "denial": C(["q"], None, [("denies", "charge")]),
        "confirmed": C(["p"]),
        "by-other": C(["r"], None, [("corroborates", "confirmed")]),
        "gone": C(["r"]),
        "withdrawal": C(["r"], None, [("retracts", "gone")]),
    }
    found = oracle({a: [] for a in ACTORS}, claims)
    assert set(found.status.values()) == set(STATUSES)
    assert found.heads == ["charge"]
