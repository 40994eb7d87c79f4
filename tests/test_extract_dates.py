"""When a proposed statement was made: the dates a sentence gives, read from
the article's publication date, at the precision the text gives. Invented
sentences; the publication date is fixed: Tuesday 18 June 2024."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from tracker import dates
from tracker.extract.propose import propose

TUESDAY = (dt.date(2024, 6, 18), "day")


def said(text: str, published: dates.Dated | None = TUESDAY) -> dates.Dated | None:
    (mention,) = dates.mentions(text, published)
    return mention.date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A week-day is the latest such day on or before the publication.
        ("on Monday", (dt.date(2024, 6, 17), "day")),
        ("on Tuesday", (dt.date(2024, 6, 18), "day")),
        ("on Wednesday", (dt.date(2024, 6, 12), "day")),
        ("last Tuesday", (dt.date(2024, 6, 11), "day")),
        ("yesterday", (dt.date(2024, 6, 17), "day")),
        ("on June 18", (dt.date(2024, 6, 18), "day")),
        ("on 3 June", (dt.date(2024, 6, 3), "day")),
        ("on Oct. 4, 2023", (dt.date(2023, 10, 4), "day")),
        # A day or month later in the year than the publication is last year's.
        ("on June 30", (dt.date(2023, 6, 30), "day")),
        ("in October", (dt.date(2023, 10, 1), "month")),
        ("in May", (dt.date(2024, 5, 1), "month")),
        ("in June", (dt.date(2024, 6, 1), "month")),
        ("last June", (dt.date(2023, 6, 1), "month")),
        ("in October last year", (dt.date(2023, 10, 1), "month")),
        ("in March 2021", (dt.date(2021, 3, 1), "month")),
        ("last month", (dt.date(2024, 5, 1), "month")),
        ("earlier this month", (dt.date(2024, 6, 1), "month")),
        # A week is no precision: the month that holds all of it.
        ("last week", (dt.date(2024, 6, 1), "month")),
        ("last year", (dt.date(2023, 1, 1), "year")),
        ("in 2019", (dt.date(2019, 1, 1), "year")),
    ],
)
def test_a_date_is_read_from_the_publication_date(text: str, expected: dates.Dated) -> None:
    assert said(f"The minister said {text} that talks would resume.") == expected


def test_a_week_across_two_months_is_known_to_its_year() -> None:
    # Published Tuesday 2 July 2024: last week ran from 24 to 30 June.
    assert said("last week", (dt.date(2024, 7, 2), "day")) == (dt.date(2024, 6, 1), "month")
    # Published Thursday 2 May 2024: this week began on 29 April.
    assert said("this week", (dt.date(2024, 5, 2), "day")) == (dt.date(2024, 1, 1), "year")
    # Published Wednesday 1 January 2025: this week began on 30 December 2024.
    assert said("this week", (dt.date(2025, 1, 1), "day")) is None


def test_what_the_publication_date_cannot_place_is_not_guessed() -> None:
    month = (dt.date(2024, 6, 1), "month")
    assert said("on Monday", month) is None  # which Monday of June?
    assert said("on June 12", month) is None  # before or after the publication?
    assert said("on May 12", month) == (dt.date(2024, 5, 12), "day")
    assert said("in October", None) is None
    assert said("in October 2023", None) == (dt.date(2023, 10, 1), "month")


def test_words_that_are_not_dates() -> None:
    assert dates.mentions("They may 5 times refuse; the vote is on tuesday.", TUESDAY) == []
    assert dates.mentions("Sunday's vote", TUESDAY) == []


def one(session: Session, text: str) -> dates.Dated | None:
    (proposal,) = propose(session, text, published=TUESDAY)
    return proposal.stated


def test_a_statement_is_dated_by_the_words_around_it(session: Session) -> None:
    assert one(session, "Harbour official Lena Varga said on Monday that the port was closed.") == (
        dt.date(2024, 6, 17),
        "day",
    )
    # AP style: a bare week-day beside the cue.
    assert one(session, "The port was closed, Harbour official Lena Varga said Sunday.") == (
        dt.date(2024, 6, 16),
        "day",
    )
    assert one(session, "In October, Harbour official Lena Varga said the port was closed.") == (
        dt.date(2023, 10, 1),
        "month",
    )


def test_a_date_in_what_was_said_or_of_another_event_is_not_the_statement_s(
    session: Session,
) -> None:
    # The date inside the statement is when the port closes, not when it was said.
    assert one(session, "Harbour official Lena Varga said the port would close on Friday.") == (
        dt.date(2024, 6, 1),
        "month",
    )
    ahead = "Ahead of the vote on Friday, harbour official Lena Varga said the port was closed."
    assert one(session, ahead) == (dt.date(2024, 6, 1), "month")


def test_undated_only_where_nothing_says(session: Session) -> None:
    # The simple past, no date: said shortly before the article, known to its month.
    assert one(session, "Harbour official Lena Varga said the port was closed.") == (
        dt.date(2024, 6, 1),
        "month",
    )
    # The perfect and the present are standing positions: nothing dates them.
    assert one(session, "Harbour official Lena Varga has denied that the port was closed.") is None
    assert one(session, "Harbour official Lena Varga says the port is closed.") is None
    # Without a publication date, the simple past says nothing either.
    (proposal,) = propose(session, "Harbour official Lena Varga said the port was closed.")
    assert proposal.stated is None


def test_a_statement_added_to_a_dated_one_takes_its_date(session: Session) -> None:
    text = (
        "Harbour official Lena Varga said on Monday that the port was closed."
        ' She added that "the ferries will not sail."\n'
    )
    stated = [p.stated for p in propose(session, text, published=TUESDAY)]
    assert stated == [(dt.date(2024, 6, 17), "day")] * 2


def test_at_the_time_and_that_month_point_back_to_the_last_date_given(session: Session) -> None:
    text = (
        "In October last year, the harbour was flooded.\n"
        "Harbour official Lena Varga said at the time that the port was closed.\n"
        "Earlier that month, Mayor Tomas Halloran had said the dykes would hold.\n"
    )
    stated = [p.stated for p in propose(session, text, published=TUESDAY)]
    assert stated == [(dt.date(2023, 10, 1), "month")] * 2


def test_a_headline_reports_the_news_of_its_month(session: Session) -> None:
    text = "Port stays closed, harbour official says\nThe ferries were cancelled.\n"
    (headline,) = propose(session, text, published=TUESDAY)
    assert headline.attribution.cue.start < 40
    assert headline.stated == (dt.date(2024, 6, 1), "month")


def test_a_date_in_another_clause_is_not_the_statement_s(session: Session) -> None:
    july = (dt.date(2024, 7, 2), "day")  # a Tuesday: last week was 24 to 30 June

    def stated(text: str) -> dates.Dated | None:
        (proposal,) = propose(session, text, published=july)
        return proposal.stated

    near = "Harbour official Lena Varga told reporters in an interview last week that it was shut."
    assert stated(near) == (dt.date(2024, 6, 1), "month")
    # "last week" dates the council's vote: the statement is known to the article's month.
    other = "The council voted last week, and Harbour official Lena Varga said the port was shut."
    assert stated(other) == (dt.date(2024, 7, 1), "month")
