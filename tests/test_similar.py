"""A new claim that repeats a recorded one is caught; a different statement
that shares its words is not."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from tracker.query.similar import similar_claims
from tracker.record.names import resolve_actor

RECORDED = "putin-resist-unilateral-restrictions"


def alike(session: Session, text: str, by: str = "Putin") -> list[str]:
    actor = resolve_actor(session, by)
    assert actor is not None
    return [m.claim for m in similar_claims(session, text, [], {actor.id})]


def test_the_same_statement_in_other_words_order(session: Session) -> None:
    text = (
        "Putin calls Western sanctions illegitimate unilateral restrictions"
        " that Russia and North Korea will jointly resist."
    )
    assert alike(session, text) == [RECORDED]


@pytest.mark.parametrize(
    "text",
    [
        # A smaller statement inside the recorded one is another proposition.
        "Russia and North Korea will resist.",
        # Its negation shares every word and says the opposite.
        "Russia and North Korea will not jointly resist Western sanctions, which Putin"
        " calls illegitimate unilateral restrictions.",
        "Russia and North Korea won't jointly resist Western sanctions, which Putin"
        " calls illegitimate unilateral restrictions.",
    ],
)
def test_a_different_proposition_is_not_the_same_claim(session: Session, text: str) -> None:
    assert RECORDED not in alike(session, text)


def test_only_the_same_side_counts(session: Session) -> None:
    text = (
        "Russia and North Korea will jointly resist Western sanctions,"
        " which Putin calls illegitimate unilateral restrictions."
    )
    assert alike(session, text) == [RECORDED]
    assert RECORDED not in alike(session, text, by="Miller")


def test_a_text_of_common_words_only_finds_nothing(session: Session) -> None:
    assert alike(session, "They will have been there.") == []
