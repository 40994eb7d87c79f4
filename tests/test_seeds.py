"""The curated seed dataset, as loaded: complete, anchored, and resolved."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import SEEDS
from tracker import queries
from tracker.models import Actor, Appearance, Claim, Relation, Source
from tracker.names import resolve_actor

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


def contested_in_files(claims: list[dict[str, Any]]) -> set[str]:
    """The README's rule: countered by a claim with another claimant, not retracted."""
    claimants = {c["id"]: set(c["claimants"]) for c in claims}
    contested, retracted = set(), set()
    for c in claims:
        for relation, targets in (c.get("relations") or {}).items():
            for target in targets:
                if relation == "retracts":
                    retracted.add(target)
                elif relation in COUNTERS and claimants[c["id"]] - claimants[target]:
                    contested.add(target)
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


def test_putin_letter_is_one_claim_in_three_sources_and_two_translations(
    session: Session,
) -> None:
    claim = queries.claim(session, "putin-alternative-trade-security")
    assert {a.source.key for a in claim.appearances} == {
        "ani-20240618",
        "star-advertiser-20240618",
        "polskie-radio-20240618",
    }
    quotes = " ".join(a.quote for a in claim.appearances if a.type == "direct")
    # TASS's translation (ANI) and Reuters' (Star-Advertiser, Polskie Radio).
    assert "jointly oppose illegitimate unilateral restrictions" in quotes
    assert "jointly resist illegitimate unilateral restrictions" in quotes
    vias = {a.via.key for a in claim.appearances if a.via}
    assert {"tass", "reuters"} <= vias


def test_arms_transfer_cluster_is_complete(session: Session) -> None:
    denial = queries.claim(session, ARMS_DENIAL)
    assert [c.actor.key for c in denial.claimants] == ["russia", "north-korea"]
    denied = {r.to_claim.key for r in denial.relations_out if r.relation == "denies"}
    assert denied == {
        "miller-arms-charge",
        "us-skorea-arms-concern",
        "trilateral-condemnation",
        "trilateral-deliveries-confirmed",
    }
    charge = queries.claim(session, "miller-arms-charge")
    assert [c.actor.key for c in charge.claimants] == ["matthew-miller"]
    assert charge.appearances[0].quote == (
        "dozens of ballistic missiles and over 11,000 containers of munitions to Russia"
    )
    condemnation = queries.claim(session, "trilateral-condemnation")
    assert {c.actor.key for c in condemnation.claimants} == {
        "united-states",
        "japan",
        "south-korea",
    }


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
    contested = {c.key for c in queries.contested(session)}
    assert contested == contested_in_files(claims)
    assert contested  # the rule above found something to compare
