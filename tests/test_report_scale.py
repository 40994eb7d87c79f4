"""A report of an archive: the most countered contests, capped, with what is
left out stated; every figure of its summary still what the body shows."""

from __future__ import annotations

import re

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tests.conftest import Runner
from tests.test_report import check_document, check_summary, contest_titles, parse
from tracker.query import queries
from tracker.query.queries import ClaimFilter
from tracker.record.models import Actor, Claimant
from tracker.render.report import build_context
from tracker.render.report_context import Scope
from tracker.render.templating import render

LEFT_OUT = re.compile(
    r"This report shows the (\d+) contests with the most counter-claims, of (\d+) among"
    r" (\d+) claims in scope.*: (\d+) contests are left out"
)


def test_a_capped_report_states_what_it_leaves_out(generated: Engine) -> None:
    with Session(generated) as session:
        total = queries.count_claims(session, ClaimFilter(challenged=True))
        assert total > 40
        context = build_context(session, Scope(contests=12))
        text = render(context)
        check_document(text)
        figures = check_summary(text)
        assert figures["Contests"] == 12
        found = LEFT_OUT.search(text)
        assert found is not None
        assert [int(g) for g in found.groups()] == [12, total, 1500, total - 12]
        # The most countered first: no contest shown has fewer counter-claims
        # than one left out.
        shown = [len(item.counters) for item in context.contested]
        assert shown == sorted(shown, reverse=True)
        everything = build_context(session, Scope())
        counts = sorted((len(item.counters) for item in everything.contested), reverse=True)
        assert shown == counts[:12]
        assert everything.omitted is None and len(everything.contested) == total


def test_a_capped_dossier_adds_up(generated: Engine) -> None:
    with Session(generated) as session:
        busiest = session.scalars(
            select(Actor.name)
            .join(Claimant, Claimant.actor_id == Actor.id)
            .group_by(Actor.name)
            .order_by(func.count().desc(), Actor.name)
        ).first()
        assert busiest is not None
        text = render(build_context(session, Scope(actor=busiest, contests=3)))
    check_document(text)
    assert check_summary(text)["Contests"] == 3
    assert LEFT_OUT.search(text)


def test_the_command_caps_at_fifty_and_all_shows_every_one(generated: Engine) -> None:
    run = Runner(generated.url.render_as_string(hide_password=False))
    with Session(generated) as session:
        total = queries.count_claims(session, ClaimFilter(challenged=True))
    assert total > 50
    capped = run("report", "--no-timestamp").stdout
    assert len(contest_titles(parse(capped)[0])) == 50
    assert LEFT_OUT.search(capped)
    assert len(contest_titles(parse(run("report", "--limit", "7").stdout)[0])) == 7
    full = run("report", "--all", "--no-timestamp").stdout
    assert len(contest_titles(parse(full)[0])) == total and not LEFT_OUT.search(full)


def test_a_small_scope_is_shown_whole(run: Runner) -> None:
    text = run("report", "--no-timestamp").stdout
    assert not LEFT_OUT.search(text)
    assert text == run("report", "--no-timestamp", "--all").stdout
