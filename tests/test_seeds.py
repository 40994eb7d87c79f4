"""The curated seed dataset, as loaded: complete, anchored, and resolved."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import SEEDS
from tracker.ingest.anchor import anchor
from tracker.query import queries
from tracker.record.models import Actor, Appearance, Claim, Relation, Source
from tracker.record.names import resolve_actor
from tracker.render import views

SHARED_SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
ARMS_DENIAL = "moscow-pyongyang-deny-arms"
COUNTERS = ("denies", "disputes", "undercuts")


def seed_files() -> dict[str, list[dict[str, Any]]]:
    """Every entity in the seed YAML files, read with plain PyYAML, not the loader."""
    entities: dict[str, list[dict[str, Any]]] = {"actors": [], "sources": [], "claims": []}
    files = sorted(p for p in SEEDS.rglob("*") if p.suffix in (".yaml", ".yml"))
    assert files
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for kind, items in entities.items():
            items.extend(data.get(kind) or [])
    return entities


def contested_in_files(files: dict[str, list[dict[str, Any]]]) -> set[str]:
    """The README's rule, read off the files: both ends of a counter relation
    between standing claims, from a claimant of another side (an actor and
    the organizations it holds roles in, at any depth)."""
    organizations = {a["id"]: [r["of"] for r in a.get("roles") or []] for a in files["actors"]}

    def side(actor: str) -> set[str]:
        found, frontier = {actor}, [actor]
        while frontier:
            frontier = [o for a in frontier for o in organizations[a] if o not in found]
            found.update(frontier)
        return found

    claims = files["claims"]
    claimants = {c["id"]: c["claimants"] for c in claims}
    links = [
        (c["id"], relation, target)
        for c in claims
        for relation, targets in (c.get("relations") or {}).items()
        for target in targets
    ]
    retracted = {target for _, relation, target in links if relation == "retracts"}

    def another_side(claim: str, other: str) -> bool:
        theirs = set().union(*(side(a) for a in claimants[other]))
        return any(not side(a) & theirs for a in claimants[claim])

    contested: set[str] = set()
    for source, relation, target in links:
        if relation in COUNTERS and another_side(source, target):
            contested |= {source, target}
    return contested - retracted


def test_seed_articles_are_the_shared_ones_with_their_names() -> None:
    names = sorted(p.name for p in SEEDS.glob("*.txt"))
    assert names == [
        "000_6018b8bff275df5f.txt",
        "002_75e8f458d8cc0dcf.txt",
        "003_a3968330206f9eb1.txt",
    ]
    if SHARED_SEEDS.is_dir():
        for name in names:
            assert (SEEDS / name).read_bytes() == (SHARED_SEEDS / name).read_bytes()


def test_every_quote_is_the_source_text_at_its_offsets(session: Session) -> None:
    appearances = session.scalars(select(Appearance)).all()
    assert len(appearances) >= 50
    for a in appearances:
        text = a.source.text
        assert text[a.start_offset : a.end_offset] == a.quote
        assert text[: a.start_offset].endswith(a.prefix)
        assert text[a.end_offset :].startswith(a.suffix)
        assert a.source_length == len(text)


def test_every_claim_has_claimants_and_appearances(session: Session) -> None:
    for claim in queries.claims(session):
        assert claim.claimants, claim.key
        assert claim.appearances, claim.key


PLEDGES = [
    "putin-alternative-trade-mechanisms",
    "putin-resist-unilateral-restrictions",
    "putin-eurasian-security",
]


def test_putin_letters_pledges_are_three_claims_in_three_sources_and_two_translations(
    session: Session,
) -> None:
    """Putin's three pledges are three propositions, each quoted in all three
    articles, in TASS's translation (ANI) and in Reuters' (the other two)."""
    for key in PLEDGES:
        claim = queries.claim(session, key)
        assert {a.source.key for a in claim.appearances} == {
            "ani-20240618",
            "star-advertiser-20240618",
            "polskie-radio-20240618",
        }, key
        assert {a.via.key for a in claim.appearances if a.via} == {"tass", "reuters"}, key
    resist = queries.claim(session, "putin-resist-unilateral-restrictions")
    direct = {a.quote for a in resist.appearances if a.type == "direct"}
    assert direct == {
        "jointly oppose illegitimate unilateral restrictions",
        "jointly resist illegitimate unilateral restrictions",
    }


def test_the_letters_fourth_proposition_has_its_own_claim(session: Session) -> None:
    claim = queries.claim(session, "putin-democracy-stability")
    assert [a.quote for a in claim.appearances] == [
        "We are ready to closely work together to bring more democracy and stability"
        " to international relations"
    ]


def test_arms_transfer_cluster_is_complete(session: Session) -> None:
    denial = queries.claim(session, ARMS_DENIAL)
    assert [c.actor.key for c in denial.claimants] == ["russia", "north-korea"]
    denied = {r.to_claim.key for r in denial.relations_out if r.relation == "denies"}
    assert denied == {
        "miller-arms-charge",
        "us-sanctions-transfers",
        "us-skorea-arms-concern",
        "trilateral-arms-supply",
        "trilateral-deliveries-completed",
    }
    # Both sides of the contest, with no reverse relation written.
    assert denial.status == "contested"
    assert not views.counter_relations(denial)
    charge = queries.claim(session, "miller-arms-charge")
    assert [c.actor.key for c in charge.claimants] == ["matthew-miller"]
    assert charge.appearances[0].quote == (
        "dozens of ballistic missiles and over 11,000 containers of munitions to Russia"
    )
    # "Repeated charges": the same side's charge of October 2023, restated.
    assert [(r.relation, r.to_claim.key) for r in charge.relations_out] == [
        ("restates", "trilateral-arms-supply")
    ]
    supply = queries.claim(session, "trilateral-arms-supply")
    assert {c.actor.key for c in supply.claimants} == {"united-states", "japan", "south-korea"}
    # The forecast is a proposition of its own, and nobody denies it.
    assert queries.claim(session, "trilateral-human-toll").status == "uncontested"


def test_seed_names_resolve_to_the_right_actors(session: Session) -> None:
    expected = {
        "Vladamir Putin": "vladimir-putin",
        "Yury Ushakov": "yuri-ushakov",
        "Yuri Ushakov": "yuri-ushakov",
        "KNCA": "kcna",
        "Moscow": "russia",
        "Pyongyang": "north-korea",
        "Miller": "matthew-miller",
    }
    for name, key in expected.items():
        assert resolve_actor(session, name).key == key, name


def test_miller_is_the_state_departments_spokesperson(session: Session) -> None:
    miller = resolve_actor(session, "Matthew Miller")
    assert [(r.title, r.organization.key) for r in miller.roles] == [
        ("Spokesperson", "us-state-department")
    ]


def test_sources_carry_outlet_date_and_wire_credits(session: Session) -> None:
    credits = {
        s.key: [c.actor.key for c in s.credits] for s in session.scalars(select(Source)).all()
    }
    assert credits == {
        "ani-20240618": ["ani"],
        "star-advertiser-20240618": ["reuters"],
        "polskie-radio-20240618": ["reuters", "iar", "pap"],
    }


def test_spellings_sharing_a_normal_form_are_all_kept(session: Session) -> None:
    putin = resolve_actor(session, "Putin")
    aliases = [a.alias for a in putin.aliases]
    assert "Vladimir Putin" in aliases and "Владимир Путин" in aliases
    assert resolve_actor(session, "Владимир Путин").key == "vladimir-putin"


def test_everything_in_the_seed_files_is_in_the_database(session: Session) -> None:
    files = seed_files()
    claims = files["claims"]

    def count(model: type) -> int | None:
        return session.scalar(select(func.count()).select_from(model))

    assert count(Actor) == len(files["actors"])
    assert count(Source) == len(files["sources"])
    assert count(Claim) == len(claims)
    assert count(Appearance) == sum(len(c["appearances"]) for c in claims)
    relations = sum(len(t) for c in claims for t in (c.get("relations") or {}).values())
    assert count(Relation) == relations
    assert {a.key for a in session.scalars(select(Actor))} == {a["id"] for a in files["actors"]}
    assert {s.key for s in session.scalars(select(Source))} == {s["id"] for s in files["sources"]}
    assert {c.key for c in session.scalars(select(Claim))} == {c["id"] for c in claims}
    contested = {c.key for c in queries.claims(session, queries.ClaimFilter(status="contested"))}
    assert contested == contested_in_files(files)
    assert contested  # the rule above found something to compare


def anchored_spans(files: dict[str, list[dict[str, Any]]]) -> dict[str, list[tuple[int, int]]]:
    """Per source file name: the (start, end) of every appearance's quote."""
    by_source = {s["id"]: s["file"] for s in files["sources"]}
    spans: dict[str, list[tuple[int, int]]] = {name: [] for name in by_source.values()}
    for claim in files["claims"]:
        for a in claim["appearances"]:
            name = by_source[a["source"]]
            found = anchor(
                (SEEDS / name).read_text(encoding="utf-8"), a["quote"], a.get("occurrence")
            )
            spans[name].append((found.start, found.end))
    return spans


# Words joining two propositions inside one quotation ("To do this, we will ...").
CONNECTIVES = {"and", "to", "do", "this"}


def test_every_quotation_in_the_articles_is_in_a_claim() -> None:
    """Nothing lost: every word inside quotation marks in the three articles
    is quoted by some appearance, but for the words joining two propositions."""
    spans = anchored_spans(seed_files())
    quotations = 0
    for name, found in spans.items():
        text = (SEEDS / name).read_text(encoding="utf-8")
        covered = [False] * len(text)
        for start, end in found:
            covered[start:end] = [True] * (end - start)
        for match in re.finditer(r'"([^"]+)"|“([^”]+)”', text):
            quotations += 1
            start, end = match.start() + 1, match.end() - 1
            left = "".join(" " if covered[i] else text[i] for i in range(start, end))
            words = {w.casefold() for w in re.findall(r"\w+", left)}
            assert words <= CONNECTIVES, (name, text[start:end], words)
    assert quotations == 19


def test_no_quote_spans_two_sentences() -> None:
    """One proposition per claim, checked where it can be: no appearance quotes
    across a sentence boundary (a sentence's own closing full stop is kept)."""
    for claim in seed_files()["claims"]:
        for a in claim["appearances"]:
            assert not re.search(r"[.!?…]\s+[A-Z“\"]", a["quote"]), (claim["id"], a["quote"])


def test_same_side_links_restate_and_no_claim_is_corroborated(session: Session) -> None:
    """No party in the three articles confirms another independently: the
    seeds hold no `corroborates`, and agreement by the other party to the
    relationship (`supports`) makes nothing corroborated."""
    statuses = {c.key: c.status for c in queries.claims(session)}
    assert "corroborated" not in statuses.values()
    thanks = queries.claim(session, "putin-nk-supports-war")
    assert [(r.relation, r.from_claim.key) for r in thanks.relations_in] == [
        ("supports", "nk-media-supports-war")
    ]
    assert thanks.status == "uncontested"
