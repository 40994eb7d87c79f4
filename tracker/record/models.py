"""The relational model: actors, sources, claims, appearances and relations.

Everything that must always hold is declared here as a constraint, so the
database refuses bad rows whichever program writes them.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy import text as sql
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.record.base import Base, Key, is_search_object, one_of
from tracker.vocabulary import (
    ACTOR_KINDS,
    APPEARANCE_TYPES,
    DATE_PRECISIONS,
    EVIDENCE_STANCES,
    RELATION_TYPES,
    USER_ROLES,
)


class Actor(Base):
    __tablename__ = "actors"
    __table_args__ = (CheckConstraint(one_of("kind", ACTOR_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(Key, unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str | None] = mapped_column(Text)

    aliases: Mapped[list[Alias]] = relationship(back_populates="actor", order_by="Alias.id")
    names: Mapped[list[ActorName]] = relationship(order_by="ActorName.normalized")
    roles: Mapped[list[Role]] = relationship(
        foreign_keys="Role.actor_id", back_populates="actor", order_by="Role.id"
    )


class ActorName(Base):
    """A normalised name and the one actor it resolves to (its primary key)."""

    __tablename__ = "actor_names"
    # Target of the aliases' composite key.
    __table_args__ = (UniqueConstraint("normalized", "actor_id"),)

    normalized: Mapped[str] = mapped_column(String(200), primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="RESTRICT"), index=True)


class Alias(Base):
    """A name an actor goes by, as written; the canonical name is stored as one too.

    Several spellings may share a normalised form (Владимир Путин and
    Vladimir Putin), but only within one actor: the composite key ties each
    alias to the actor its normalised name resolves to.
    """

    __tablename__ = "aliases"
    __table_args__ = (
        UniqueConstraint("actor_id", "alias"),
        ForeignKeyConstraint(
            ["normalized", "actor_id"],
            ["actor_names.normalized", "actor_names.actor_id"],
            ondelete="RESTRICT",
            name="fk_aliases_actor_names",
        ),
        Index("ix_aliases_normalized", "normalized"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="RESTRICT"))
    alias: Mapped[str] = mapped_column(String(200))
    normalized: Mapped[str] = mapped_column(String(200))

    actor: Mapped[Actor] = relationship(back_populates="aliases")


class Role(Base):
    """An actor's position in an organization, for a period when known."""

    __tablename__ = "roles"
    __table_args__ = (
        CheckConstraint("actor_id <> organization_id", name="not_self"),
        CheckConstraint("start_on IS NULL OR end_on IS NULL OR start_on <= end_on", name="period"),
        UniqueConstraint("actor_id", "organization_id", "title"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="RESTRICT"))
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    start_on: Mapped[dt.date | None] = mapped_column(Date)
    end_on: Mapped[dt.date | None] = mapped_column(Date)

    actor: Mapped[Actor] = relationship(foreign_keys=[actor_id], back_populates="roles")
    organization: Mapped[Actor] = relationship(foreign_keys=[organization_id])


class ActorSide(Base):
    """An actor and each organization it belongs to, at any depth, with the
    period it belongs (the overlap of the roles on the way; None is open).

    Derived from roles and rebuilt by every write that changes actors or
    roles (tracker.record.sides), so that the status rules (tracker.record.status) read a
    table rather than walking roles for every claim they judge.
    """

    __tablename__ = "actor_sides"
    __table_args__ = (
        CheckConstraint(
            "from_on IS NULL OR until_on IS NULL OR from_on <= until_on", name="period"
        ),
        Index("ix_actor_sides_side_id", "side_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Derived rows go with their actor: no evidence is lost.
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    side_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    from_on: Mapped[dt.date | None] = mapped_column(Date)
    until_on: Mapped[dt.date | None] = mapped_column(Date)


class Source(Base):
    """A document that reports claims, with its full text stored for anchoring."""

    __tablename__ = "sources"
    __table_args__ = (
        CheckConstraint("text_length = length(text)", name="text_length"),
        CheckConstraint(
            "(text IS NULL AND text_length IS NULL AND content_hash IS NULL AND url IS NOT NULL)"
            " OR (text IS NOT NULL AND text_length IS NOT NULL AND content_hash IS NOT NULL)",
            name="text_or_url",
        ),
        CheckConstraint(one_of("published_precision", DATE_PRECISIONS), name="published_precision"),
        CheckConstraint(
            "(published_on IS NULL AND published_precision IS NULL)"
            " OR (published_on IS NOT NULL AND published_precision IS NOT NULL)",
            name="published_has_precision",
        ),
        # Target of the appearances' composite key: lets the database itself
        # check that every quote's offsets lie inside its source.
        UniqueConstraint("id", "text_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(Key, unique=True)
    outlet: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(500))
    url: Mapped[str | None] = mapped_column(String(2000))
    # Like a claim's date: the first day of a day, month or year.
    published_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    published_precision: Mapped[str | None] = mapped_column(String(5))
    language: Mapped[str | None] = mapped_column(String(20))
    # None: a source known only by its URL (a ClaimReview's appearance): its
    # appearances quote nothing.
    text: Mapped[str | None] = mapped_column(Text)
    text_length: Mapped[int | None] = mapped_column(Integer)
    content_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    # The file it was added from (`tracker add source`), before extraction:
    # adding the same file again finds it.
    raw_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    archived_url: Mapped[str | None] = mapped_column(String(2000))
    retrieved_on: Mapped[dt.date | None] = mapped_column(Date)
    # The stored text is part of the document only.
    excerpt: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    notes: Mapped[str | None] = mapped_column(Text)

    credits: Mapped[list[SourceCredit]] = relationship(
        back_populates="source", order_by="SourceCredit.position"
    )


class SourceCredit(Base):
    """A wire agency credited by a source (Reuters, TASS, ANI, PAP...)."""

    __tablename__ = "source_credits"

    source_id: Mapped[int] = mapped_column(
        ForeignKey("sources.id", ondelete="RESTRICT"), primary_key=True
    )
    actor_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer)

    source: Mapped[Source] = relationship(back_populates="credits")
    actor: Mapped[Actor] = relationship()


class Claim(Base):
    __tablename__ = "claims"
    __table_args__ = (
        CheckConstraint(one_of("stated_precision", DATE_PRECISIONS), name="precision"),
        CheckConstraint(
            "(stated_on IS NULL AND stated_precision IS NULL AND stated_until IS NULL)"
            " OR (stated_on IS NOT NULL AND stated_precision IS NOT NULL"
            " AND stated_until IS NOT NULL AND stated_until >= stated_on)",
            name="date_has_precision",
        ),
        # Listings' order, newest first and undated last, read from an index
        # so that `--limit 50` stops after fifty rows. PostgreSQL needs its
        # own (a backward scan of stated_on puts NULLs first); SQLite reads
        # ix_claims_stated_on backwards with NULLs last, and cannot declare
        # NULLS LAST in an index.
        Index("ix_claims_newest_first", sql("stated_on DESC NULLS LAST"), "key").ddl_if(
            dialect="postgresql"
        ),
        # Where it was first made: a stored source, or a place outside the database.
        CheckConstraint("first_source_id IS NULL OR first_url IS NULL", name="first_appearance"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(Key, unique=True)
    text: Mapped[str] = mapped_column(Text)
    # A month or year is stored as its first and last day, so that a date
    # filter can match every claim whose period overlaps it.
    stated_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    stated_until: Mapped[dt.date | None] = mapped_column(Date, index=True)
    stated_precision: Mapped[str | None] = mapped_column(String(5))
    # Provenance, apart from when it was stated: its first appearance.
    first_source_id: Mapped[int | None] = mapped_column(
        ForeignKey("sources.id", ondelete="RESTRICT"), index=True
    )
    first_url: Mapped[str | None] = mapped_column(String(2000))

    claimants: Mapped[list[Claimant]] = relationship(
        back_populates="claim", order_by="Claimant.position"
    )
    topics: Mapped[list[Topic]] = relationship(back_populates="claim", order_by="Topic.topic")
    appearances: Mapped[list[Appearance]] = relationship(
        back_populates="claim", order_by="Appearance.id"
    )
    relations_out: Mapped[list[Relation]] = relationship(
        foreign_keys="Relation.from_claim_id", back_populates="from_claim", order_by="Relation.id"
    )
    relations_in: Mapped[list[Relation]] = relationship(
        foreign_keys="Relation.to_claim_id", back_populates="to_claim", order_by="Relation.id"
    )
    first_source: Mapped[Source | None] = relationship()
    reviews: Mapped[list[Review]] = relationship(back_populates="claim", order_by="Review.position")
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="claim", order_by="Evidence.position"
    )


class Claimant(Base):
    __tablename__ = "claimants"

    claim_id: Mapped[int] = mapped_column(
        ForeignKey("claims.id", ondelete="RESTRICT"), primary_key=True
    )
    actor_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer)

    claim: Mapped[Claim] = relationship(back_populates="claimants")
    actor: Mapped[Actor] = relationship()


class Topic(Base):
    __tablename__ = "topics"

    claim_id: Mapped[int] = mapped_column(
        ForeignKey("claims.id", ondelete="RESTRICT"), primary_key=True
    )
    topic: Mapped[str] = mapped_column(Key, primary_key=True, index=True)

    claim: Mapped[Claim] = relationship(back_populates="topics")


class Appearance(Base):
    """One place a claim is reported: a quote anchored to its source.

    Anchored as W3C Web Annotation selectors: offsets (TextPositionSelector,
    0-based, end exclusive) and exact+prefix+suffix (TextQuoteSelector).
    """

    __tablename__ = "appearances"
    __table_args__ = (
        ForeignKeyConstraint(
            ["source_id", "source_length"],
            ["sources.id", "sources.text_length"],
            ondelete="RESTRICT",
            # A source's text may be edited; its quotes follow (the loader
            # re-anchors them, and the offsets check still applies).
            onupdate="CASCADE",
            name="fk_appearances_source_length",
        ),
        CheckConstraint(
            "start_offset >= 0 AND end_offset > start_offset AND end_offset <= source_length",
            name="offsets",
        ),
        CheckConstraint("length(quote) = end_offset - start_offset", name="quote_length"),
        # In a source with no stored text nothing is quoted: all of these or none.
        CheckConstraint(
            "(quote IS NULL AND start_offset IS NULL AND end_offset IS NULL"
            " AND source_length IS NULL AND prefix IS NULL AND suffix IS NULL)"
            " OR (quote IS NOT NULL AND start_offset IS NOT NULL AND end_offset IS NOT NULL"
            " AND source_length IS NOT NULL AND prefix IS NOT NULL AND suffix IS NOT NULL)",
            name="quoted",
        ),
        CheckConstraint(one_of("type", APPEARANCE_TYPES), name="type"),
        UniqueConstraint("claim_id", "source_id", "start_offset", "end_offset"),
        Index("ix_appearances_source_id", "source_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="RESTRICT"))
    # Its own key as well as the composite one: a quote-less appearance has
    # no length to check, and must still name a source that exists.
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="RESTRICT"))
    source_length: Mapped[int | None] = mapped_column(Integer)
    quote: Mapped[str | None] = mapped_column(Text)
    start_offset: Mapped[int | None] = mapped_column(Integer)
    end_offset: Mapped[int | None] = mapped_column(Integer)
    prefix: Mapped[str | None] = mapped_column(Text)
    suffix: Mapped[str | None] = mapped_column(Text)
    type: Mapped[str] = mapped_column(String(10))
    cue: Mapped[str | None] = mapped_column(String(100))
    via_actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("actors.id", ondelete="RESTRICT"), index=True
    )

    claim: Mapped[Claim] = relationship(back_populates="appearances")
    source: Mapped[Source] = relationship(foreign_keys=[source_id])
    via: Mapped[Actor | None] = relationship()

    PREFIX_LENGTH: ClassVar[int] = 32


class Relation(Base):
    """A typed, directed link: `from_claim` denies/supports/... `to_claim`."""

    __tablename__ = "relations"
    __table_args__ = (
        CheckConstraint("from_claim_id <> to_claim_id", name="not_self"),
        CheckConstraint(one_of("relation", RELATION_TYPES), name="relation"),
        # One link per ordered pair: a claim cannot both deny and support another.
        UniqueConstraint("from_claim_id", "to_claim_id"),
        Index("ix_relations_to_claim_id", "to_claim_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    from_claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="RESTRICT"))
    to_claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="RESTRICT"))
    relation: Mapped[str] = mapped_column(String(20))

    from_claim: Mapped[Claim] = relationship(
        foreign_keys=[from_claim_id], back_populates="relations_out"
    )
    to_claim: Mapped[Claim] = relationship(
        foreign_keys=[to_claim_id], back_populates="relations_in"
    )


class Review(Base):
    """A fact-checker's verdict on a claim, in the reviewer's own words
    ("False", "Misleading"), with an optional value on the reviewer's scale.
    A verdict never changes a claim's status: that follows from relations."""

    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint("claim_id", "position"),
        CheckConstraint(
            "best_rating IS NULL OR worst_rating IS NULL OR best_rating <> worst_rating",
            name="scale",
        ),
        Index("ix_reviews_claim_id", "claim_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="RESTRICT"))
    position: Mapped[int] = mapped_column(Integer)
    reviewer_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="RESTRICT"), index=True
    )
    rating: Mapped[str] = mapped_column(String(200), index=True)
    rating_value: Mapped[float | None] = mapped_column(Float)
    best_rating: Mapped[float | None] = mapped_column(Float)
    worst_rating: Mapped[float | None] = mapped_column(Float)
    reviewed_on: Mapped[dt.date | None] = mapped_column(Date)
    url: Mapped[str | None] = mapped_column(String(2000))
    explanation: Mapped[str | None] = mapped_column(Text)

    claim: Mapped[Claim] = relationship(back_populates="reviews")
    reviewer: Mapped[Actor] = relationship()
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="review", order_by="Evidence.position"
    )


class Evidence(Base):
    """A document that supports or refutes a claim, or a review's verdict."""

    __tablename__ = "evidence"
    __table_args__ = (
        CheckConstraint(
            "(claim_id IS NULL AND review_id IS NOT NULL)"
            " OR (claim_id IS NOT NULL AND review_id IS NULL)",
            name="owner",
        ),
        CheckConstraint(one_of("stance", EVIDENCE_STANCES), name="stance"),
        Index("ix_evidence_claim_id", "claim_id"),
        Index("ix_evidence_review_id", "review_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claims.id", ondelete="RESTRICT"))
    review_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id", ondelete="RESTRICT"))
    position: Mapped[int] = mapped_column(Integer)
    url: Mapped[str] = mapped_column(String(2000))
    title: Mapped[str | None] = mapped_column(String(500))
    kind: Mapped[str | None] = mapped_column(String(50))
    published_on: Mapped[dt.date | None] = mapped_column(Date)
    shows: Mapped[str | None] = mapped_column(Text)
    stance: Mapped[str] = mapped_column(String(10))

    claim: Mapped[Claim | None] = relationship(back_populates="evidence")
    review: Mapped[Review | None] = relationship(back_populates="evidence")


class User(Base):
    """Someone who signs in to `tracker serve`: a name, a role, and an argon2
    hash of the password (tracker.web.users), never the password itself."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(one_of("role", USER_ROLES), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Key, unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))


class Feed(Base):
    """An RSS or Atom feed `tracker watch` reads (tracker.ingest.feeds), and
    the validators its server gave last time, sent back as conditional
    headers (If-None-Match, If-Modified-Since) so an unchanged feed costs one
    short answer."""

    __tablename__ = "feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)  # as asked for, normalised
    title: Mapped[str | None] = mapped_column(String(500))
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))


class FeedEntry(Base):
    """An entry of a feed that `tracker watch` has read: its article is a
    source. Seen again with the same fingerprint, it is passed over; with
    another (the entry was updated), its article is fetched again."""

    __tablename__ = "feed_entries"
    __table_args__ = (UniqueConstraint("feed_id", "entry_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id", ondelete="RESTRICT"))
    # The entry's own id (RSS guid, Atom id), else its link.
    entry_id: Mapped[str] = mapped_column(String(2000))
    link: Mapped[str] = mapped_column(String(2000))
    # SHA-256 of what the feed says of the entry (link, title, dates, summary).
    fingerprint: Mapped[str] = mapped_column(String(64))
    # None once the source is removed: the entry stays seen, not added again.
    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("sources.id", ondelete="RESTRICT"), index=True
    )


class QueuedProposal(Base):
    """A proposal `tracker extract` made for a watched source, waiting for a
    person: `tracker queue` lists it, `extract SOURCE --review` asks about
    it, and an accept or a skip takes it off. What is shown is kept as it was
    proposed; a review proposes anew and asks about the proposals at these
    offsets, so links to claims recorded since are seen."""

    __tablename__ = "queued_proposals"
    __table_args__ = (
        # Named: the convention's name would pass PostgreSQL's 63 characters.
        UniqueConstraint(
            "source_id",
            "cue_start",
            "content_start",
            "content_end",
            name="uq_queued_proposals_span",
        ),
        CheckConstraint("0 <= content_start AND content_start < content_end", name="content"),
        Index("ix_queued_proposals_flagged", "flagged"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="RESTRICT"))
    position: Mapped[int] = mapped_column(Integer)  # its number among the source's proposals
    cue_start: Mapped[int] = mapped_column(Integer)
    content_start: Mapped[int] = mapped_column(Integer)
    content_end: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str] = mapped_column(Text)  # as the text names them
    cue: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text)
    stance: Mapped[str] = mapped_column(String(20))
    # Who said it, as proposed: actors, a new actor, or the candidates.
    actors: Mapped[str] = mapped_column(Text)
    claim_text: Mapped[str] = mapped_column(Text)
    # JSON: the recorded claims it denies or disputes, [{"id", "relation", "score"}].
    answers: Mapped[str | None] = mapped_column(Text)
    # It denies or disputes a recorded claim: listed first.
    flagged: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    queued_at: Mapped[dt.datetime] = mapped_column(DateTime)


# The change log's tables belong to the same metadata: whoever reads the
# schema from here (the migrations, the drift test, `db check`) sees them.
from tracker.record.changes import Change, ChangeRow, OpenChange  # noqa: E402

__all__ = [
    "Actor",
    "ActorName",
    "ActorSide",
    "Alias",
    "Appearance",
    "Base",
    "Change",
    "ChangeRow",
    "Claim",
    "Claimant",
    "Evidence",
    "Feed",
    "FeedEntry",
    "Key",
    "OpenChange",
    "QueuedProposal",
    "Relation",
    "Review",
    "Role",
    "Source",
    "SourceCredit",
    "Topic",
    "User",
    "is_search_object",
]
