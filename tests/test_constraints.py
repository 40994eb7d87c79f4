"""What the database itself refuses, whichever program writes to it."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tracker.record.models import Actor, ActorName, Alias, Appearance, Claim, Relation, Source


def refused(engine: Engine, change: Callable[[Session], None], constraint: str) -> None:
    """`change` is refused by the database, by the constraint named: SQLite's
    message names a check by its name and a unique key by its columns (a
    foreign key not at all); PostgreSQL's names every constraint."""
    with Session(engine) as session:
        change(session)
        with pytest.raises(IntegrityError) as refusal:
            session.flush()
        session.rollback()
    message = str(refusal.value.orig).splitlines()[0]
    assert re.search(constraint, message), message


def claim(session: Session, key: str) -> Claim:
    return session.scalars(select(Claim).where(Claim.key == key)).one()


def test_claim_never_relates_to_itself(seeded: Engine) -> None:
    def change(session: Session) -> None:
        c = claim(session, "miller-arms-charge")
        session.add(Relation(from_claim=c, to_claim=c, relation="supports"))

    refused(seeded, change, r'"?ck_relations_not_self"?$')


def test_no_duplicate_relation(seeded: Engine) -> None:
    def change(session: Session) -> None:
        session.add(
            Relation(
                from_claim=claim(session, "moscow-pyongyang-deny-arms"),
                to_claim=claim(session, "miller-arms-charge"),
                relation="disputes",
            )
        )

    refused(seeded, change, r"relations.to_claim_id$|\"uq_relations_from_claim_id_to_claim_id\"")


def test_unknown_relation_type(seeded: Engine) -> None:
    def change(session: Session) -> None:
        session.add(
            Relation(
                from_claim=claim(session, "miller-putin-desperate"),
                to_claim=claim(session, "miller-arms-charge"),
                relation="likes",
            )
        )

    refused(seeded, change, r'"?ck_relations_relation"?$')


def test_offsets_stay_inside_the_source(seeded: Engine) -> None:
    def change(session: Session) -> None:
        source = session.scalars(select(Source)).first()
        assert source is not None
        end = source.text_length + 5
        session.add(
            Appearance(
                claim=claim(session, "miller-arms-charge"),
                source=source,
                # The relationship follows source_id alone (a source without
                # text has no length): the length is the loader's to write.
                source_length=source.text_length,
                quote="x" * 10,
                start_offset=end - 10,
                end_offset=end,
                prefix="",
                suffix="",
                type="direct",
            )
        )

    refused(seeded, change, r'"?ck_appearances_offsets"?$')


def test_quote_length_matches_offsets(seeded: Engine) -> None:
    def change(session: Session) -> None:
        a = session.scalars(select(Appearance)).first()
        assert a is not None
        a.end_offset += 1

    refused(seeded, change, r'"?ck_appearances_quote_length"?$')


def test_source_length_must_match_its_text(seeded: Engine) -> None:
    def change(session: Session) -> None:
        source = session.scalars(select(Source)).first()
        assert source is not None
        source.text = source.text[:100]

    refused(seeded, change, r'"?ck_sources_text_length"?$')


def test_every_alias_names_one_actor(seeded: Engine) -> None:
    def change(session: Session) -> None:
        lavrov = session.scalars(select(Actor).where(Actor.key == "sergei-lavrov")).one()
        session.add(ActorName(actor_id=lavrov.id, normalized="putin"))

    refused(seeded, change, r'actor_names.normalized$|"pk_actor_names"')


def test_alias_cannot_borrow_another_actors_name(seeded: Engine) -> None:
    def change(session: Session) -> None:
        lavrov = session.scalars(select(Actor).where(Actor.key == "sergei-lavrov")).one()
        session.add(Alias(actor_id=lavrov.id, alias="Putin", normalized="putin"))

    refused(seeded, change, r'^FOREIGN KEY constraint failed$|"fk_aliases_actor_names"')


def test_deleting_an_actor_with_claims_is_refused(seeded: Engine) -> None:
    def change(session: Session) -> None:
        miller = session.scalars(select(Actor).where(Actor.key == "matthew-miller")).one()
        session.execute(delete(Alias).where(Alias.actor_id == miller.id))
        session.execute(delete(ActorName).where(ActorName.actor_id == miller.id))
        session.execute(delete(Actor).where(Actor.id == miller.id))

    with Session(seeded) as session:
        with pytest.raises(IntegrityError):
            change(session)
        session.rollback()


def test_date_needs_its_precision(seeded: Engine) -> None:
    def change(session: Session) -> None:
        claim(session, "miller-arms-charge").stated_precision = None

    refused(seeded, change, r'"?ck_claims_date_has_precision"?$')
