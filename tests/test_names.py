"""Resolving what a user types to one actor."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tracker.errors import Ambiguous, NotFound
from tracker.record.models import Actor, Role
from tracker.record.names import member_ids, normalize, resolve_actor


def test_normalize_folds_case_accents_script_and_punctuation() -> None:
    assert normalize("U.S.") == normalize("US") == "us"
    assert normalize("Ushakóv") == "ushakov"
    # The Cyrillic meets the usual English spelling (an alias of Ushakov's).
    assert normalize("Юрий Ушаков") == normalize("Yuriy Ushakov") == "yuriy ushakov"
    # A syllabic script: a word per syllable, as a reader would type it.
    assert normalize("习近平") == "xi jin ping"
    assert normalize("김정은") == "gim jeong eun"
    assert normalize("People's  Republic") == "peoples republic"


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("miller", "matthew-miller"),  # surname, any case
        ("Matthew", "matthew-miller"),  # partial name
        ("matt mil", "matthew-miller"),  # word prefixes
        ("Departmnt", "us-state-department"),  # one word of longer names, misspelled
        ("Lav", "sergei-lavrov"),  # three letters make a prefix (too short to be fuzzy)
        ("VLADAMIR PUTIN", "vladimir-putin"),  # the misspelling of seed 000
        ("Vladimir Poutine", "vladimir-putin"),  # French transliteration (fuzzy)
        ("Владимир Путин", "vladimir-putin"),  # Cyrillic
        ("Ушаков", "yuri-ushakov"),  # Cyrillic surname
        ("Yuriy Ushakov", "yuri-ushakov"),
        ("Ushakow", "yuri-ushakov"),  # German transliteration (fuzzy)
        ("Lavrof", "sergei-lavrov"),
        ("the kremlin", "russia"),
        ("KNCA", "kcna"),
        ("Pyongyang", "north-korea"),
        ("Washington", "united-states"),
        ("Seoul", "south-korea"),
        # A whole alias wins over the longer names it begins ("Russian President").
        ("Russia", "russia"),
        # Three letters may be fuzzy; a score of exactly the threshold (80) is enough.
        ("TSS", "tass"),
        ("Putim", "vladimir-putin"),
    ],
)
def test_names_resolve(session: Session, typed: str, key: str) -> None:
    assert resolve_actor(session, typed).key == key


def test_ambiguous_name_lists_candidates(session: Session) -> None:
    with pytest.raises(Ambiguous) as caught:
        resolve_actor(session, "Korea")
    assert "North Korean government" in caught.value.candidates
    assert "South Korean government" in caught.value.candidates
    assert caught.value.exit_code == 2


def test_unknown_name_suggests_the_nearest(session: Session) -> None:
    with pytest.raises(NotFound, match=r"no actor matches 'Zelensky'\. Nearest: ") as caught:
        resolve_actor(session, "Zelensky")
    assert caught.value.exit_code == 1


def test_a_stray_word_in_a_name_of_several_is_not_ignored(session: Session) -> None:
    """Word by word, "Vladimirr" is close to "Vladimir"; the name typed has
    two words, and as a whole it is close to no one."""
    assert resolve_actor(session, "Vladimirr").key == "vladimir-putin"
    with pytest.raises(NotFound, match=r"no actor matches 'Vladimirr X'"):
        resolve_actor(session, "Vladimirr X")


def test_an_exact_miss_names_the_three_nearest_and_the_way_out(session: Session) -> None:
    with pytest.raises(NotFound) as caught:
        resolve_actor(session, "Putin V", exact=True)
    assert str(caught.value) == (
        "no actor is named 'Putin V' exactly. Nearest: Vladimir Putin; Yuri Ushakov;"
        " Russian government. Give its id or a whole alias (see `tracker actors`),"
        " or add it with `tracker add actor`."
    )
    # An exact alias needs no ranking; a partial name is not one.
    assert resolve_actor(session, "vladimir putin", exact=True).key == "vladimir-putin"


def test_with_no_actor_at_all_there_is_nothing_near(engine: Engine) -> None:
    with Session(engine) as empty:
        for exact in (True, False):
            with pytest.raises(NotFound) as caught:
                resolve_actor(empty, "Miller", exact=exact)
            assert str(caught.value) == (
                "no actor is named 'Miller' exactly. Give its id or a whole alias"
                " (see `tracker actors`), or add it with `tracker add actor`."
                if exact
                else "no actor matches 'Miller'. See `tracker actors`."
            )


def test_candidates_are_listed_in_full(session: Session) -> None:
    with pytest.raises(Ambiguous) as caught:
        resolve_actor(session, "Korea")
    assert str(caught.value) == (
        "'Korea' matches 5 actors: Kim Jong Un; Korean Central News Agency;"
        " North Korean government; North Korean state media; South Korean government."
        " Give more of the name."
    )
    with pytest.raises(Ambiguous) as caught:
        resolve_actor(session, "Koreaa")
    assert str(caught.value) == (
        "'Koreaa' is close to 2 actors: South Korean government; North Korean government."
        " Give more of the name."
    )
    assert caught.value.candidates == ["South Korean government", "North Korean government"]


def test_a_name_of_no_letters_asks_for_one(session: Session) -> None:
    with pytest.raises(NotFound) as caught:
        resolve_actor(session, "...")
    assert str(caught.value) == "no actor matches '...': give a name"


def keys(session: Session, ids: set[int]) -> set[str]:
    return set(session.scalars(select(Actor.key).where(Actor.id.in_(ids))))


def id_of(session: Session, key: str) -> int:
    return session.scalars(select(Actor.id).where(Actor.key == key)).one()


def test_members_are_found_at_any_depth_and_only_there(session: Session) -> None:
    us = member_ids(session, id_of(session, "united-states"))
    assert keys(session, us) == {"united-states", "us-state-department", "matthew-miller"}
    russia = keys(session, member_ids(session, id_of(session, "russia")))
    assert russia == {
        "russia", "vladimir-putin", "yuri-ushakov", "alexander-kozlov", "sergei-lavrov", "tass"
    }  # fmt: skip
    assert keys(session, member_ids(session, id_of(session, "matthew-miller"))) == {
        "matthew-miller"
    }


def test_members_in_a_cycle_are_each_found_once(session: Session) -> None:
    """The Department made a member of Miller: the walk still ends."""
    session.add(
        Role(
            actor_id=id_of(session, "us-state-department"),
            organization_id=id_of(session, "matthew-miller"),
            title="Employer",
        )
    )
    session.flush()
    found = keys(session, member_ids(session, id_of(session, "matthew-miller")))
    assert found == {"matthew-miller", "us-state-department"}


def test_an_id_resolves_first_even_when_no_name_reads_like_it(session: Session) -> None:
    session.add(Actor(key="desk-7", name="Fact Desk", kind="organization"))
    session.flush()
    assert resolve_actor(session, "desk-7").name == "Fact Desk"
    assert resolve_actor(session, "desk-7", exact=True).name == "Fact Desk"
    # The id is a whole word of no alias: read as a name, it finds nothing.
    with pytest.raises(NotFound):
        resolve_actor(session, "desk 7")
