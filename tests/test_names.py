"""Resolving what a user types to one actor."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from tracker.errors import Ambiguous, NotFound
from tracker.record.names import normalize, resolve_actor


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
