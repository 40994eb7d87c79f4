"""Each rule of load planning, broken once: one line naming the file, the
entity and what is wrong, and nothing written. The data is small and made
up, so that each case breaks one rule and nothing else."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tests.conftest import line_of
from tracker.errors import InputError
from tracker.ingest import plan
from tracker.ingest.anchor import CONTEXT
from tracker.ingest.load import load_paths
from tracker.record.models import (
    Actor,
    Alias,
    Appearance,
    Claim,
    Evidence,
    Review,
    Source,
)

TEXT = "Ana Kovac said the bridge was closed. Ben Ortiz denied it: the bridge is open."


def dataset() -> dict[str, Any]:
    """Two people of two sides, an agency, a wire report and an outside page."""
    return {
        "actors": [
            # Its own name again among its aliases: said once.
            {"id": "ana", "name": "Ana Kovac", "kind": "person", "aliases": ["Kovac", "Ana Kovac"]},
            {"id": "ben", "name": "Ben Ortiz", "kind": "person",
             "roles": [{"title": "Mayor", "of": "town"}]},
            {"id": "town", "name": "Town Hall", "kind": "government",
             "description": "The town's government"},
            # An id that reads as one of its own names is no clash.
            {"id": "wire", "name": "Wire Agency", "kind": "organization", "aliases": ["Wire"]},
        ],
        "sources": [
            {"id": "report", "file": "report.txt", "outlet": "Daily", "title": "Bridge",
             "published": "2024-05", "credits": ["wire"], "language": "en",
             "url": "https://daily.example/bridge", "archived_url": "https://archive.example/1",
             "retrieved": "2024-05-03", "excerpt": True, "notes": "Wire copy."},
            {"id": "page", "url": "https://town.example/bridge", "outlet": "Town Hall",
             "title": "Bridge notice"},
        ],
        "claims": [
            {"id": "closed", "text": "The bridge was closed.", "claimants": ["ana"],
             "stated": "2024-05-01",
             "appearances": [{"source": "report", "quote": "the bridge was closed",
                              "via": "wire"}]},
            {"id": "open", "text": "The bridge is open.", "claimants": ["ben"],
             "stated": "2024-05-01",
             "appearances": [{"source": "report", "quote": "the bridge is open"},
                             {"source": "page", "cue": "posted", "via": "town"}],
             "first_appearance": {"source": "page"},
             "relations": {"denies": ["closed"]},
             "reviews": [{"by": "wire", "rating": "True", "value": 5, "best": 5, "worst": 1,
                          "date": "2024-05-02", "url": "https://wire.example/check",
                          "explanation": "The mayor's office confirmed it.",
                          "evidence": [{"url": "https://town.example/photo", "stance": "supports",
                                        "title": "Photo", "shows": "Cars crossing"}]}],
             "evidence": [{"url": "https://town.example/log", "title": "Traffic log",
                           "kind": "dataset", "date": "2024-05-01",
                           "shows": "Traffic both ways", "stance": "supports"}]},
        ],
    }  # fmt: skip


def write(folder: Path, data: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.txt").write_text(TEXT, encoding="utf-8")
    (folder / "data.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return folder


def counts(engine: Engine) -> tuple[int, int, int]:
    with Session(engine) as session:
        return (
            session.scalar(select(func.count()).select_from(Claim)) or 0,
            session.scalar(select(func.count()).select_from(Source)) or 0,
            session.scalar(select(func.count()).select_from(Appearance)) or 0,
        )


def test_the_dataset_itself_loads(engine: Engine, tmp_path: Path) -> None:
    load_paths(engine, [write(tmp_path / "a", dataset())])
    assert counts(engine) == (2, 2, 3)
    with Session(engine) as session:
        page = session.scalars(select(Appearance).where(Appearance.quote.is_(None))).one()
        assert (page.start_offset, page.end_offset) == (None, None)
        assert (page.cue, page.via.key if page.via else None) == ("posted", "town")
        report = session.scalars(select(Source).where(Source.key == "report")).one()
        assert (report.outlet, report.title, report.url, report.language) == (
            "Daily",
            "Bridge",
            "https://daily.example/bridge",
            "en",
        )
        assert (report.published_on, report.published_precision) == (dt.date(2024, 5, 1), "month")
        assert (report.archived_url, report.retrieved_on, report.excerpt, report.notes) == (
            "https://archive.example/1",
            dt.date(2024, 5, 3),
            True,
            "Wire copy.",
        )
        assert [c.actor.key for c in report.credits] == ["wire"]
        names = session.execute(
            select(Actor.key, Alias.alias).join(Alias, Alias.actor_id == Actor.id)
        ).all()
        assert sorted(n for k, n in names if k == "ana") == ["Ana Kovac", "Kovac"]
        town = session.scalars(select(Actor).where(Actor.key == "town")).one()
        assert (town.name, town.kind, town.description) == (
            "Town Hall",
            "government",
            "The town's government",
        )
        firsts = dict(
            session.execute(
                select(Claim.key, Source.key).join(Source, Source.id == Claim.first_source_id)
            ).all()
        )
        assert firsts == {"open": "page"}
        review = session.scalars(select(Review)).one()
        assert (review.reviewer.key, review.rating, review.rating_value) == ("wire", "True", 5)
        assert (review.best_rating, review.worst_rating) == (5, 1)
        assert (review.reviewed_on, review.url) == (
            dt.date(2024, 5, 2),
            "https://wire.example/check",
        )
        assert review.explanation == "The mayor's office confirmed it."
        evidence = session.scalars(select(Evidence).order_by(Evidence.url)).all()
        assert [
            (e.url, e.title, e.kind, e.published_on, e.shows, e.stance, e.review_id is None)
            for e in evidence
        ] == [
            ("https://town.example/log", "Traffic log", "dataset", dt.date(2024, 5, 1),
             "Traffic both ways", "supports", True),
            ("https://town.example/photo", "Photo", None, None, "Cars crossing", "supports",
             False),
        ]  # fmt: skip


def claim(data: dict[str, Any], key: str) -> dict[str, Any]:
    return next(c for c in data["claims"] if c["id"] == key)


def actor(data: dict[str, Any], key: str) -> dict[str, Any]:
    return next(a for a in data["actors"] if a["id"] == key)


def _alias_empty(d: dict[str, Any]) -> None:
    actor(d, "ana")["aliases"].append("...")


def _alias_too_long(d: dict[str, Any]) -> None:
    actor(d, "ana")["aliases"].append("\u4e2d" * 100)


def _alias_taken(d: dict[str, Any]) -> None:
    actor(d, "ben")["aliases"] = ["kovac"]


def _role_in_itself(d: dict[str, Any]) -> None:
    actor(d, "town")["roles"] = [{"title": "Seat", "of": "town"}]


def _role_unknown(d: dict[str, Any]) -> None:
    actor(d, "ben")["roles"][0]["of"] = "city"


def _id_reads_as_name(d: dict[str, Any]) -> None:
    d["actors"].append({"id": "ben-ortiz", "name": "Someone Else", "kind": "person"})


def _credits_twice(d: dict[str, Any]) -> None:
    d["sources"][0]["credits"] = ["wire", "wire"]


def _credits_unknown(d: dict[str, Any]) -> None:
    d["sources"][0]["credits"] = ["agency"]


def _claimant_twice(d: dict[str, Any]) -> None:
    claim(d, "closed")["claimants"] = ["ana", "ana"]


def _claimant_unknown(d: dict[str, Any]) -> None:
    claim(d, "closed")["claimants"] = ["anna"]


def _relation_unknown(d: dict[str, Any]) -> None:
    claim(d, "open")["relations"] = {"denies": ["shut"]}


def _relation_self(d: dict[str, Any]) -> None:
    claim(d, "open")["relations"] = {"disputes": ["open"]}


def _relation_twice(d: dict[str, Any]) -> None:
    claim(d, "open")["relations"] = {"denies": ["closed"], "disputes": ["closed"]}


def _retracts_another_claimant(d: dict[str, Any]) -> None:
    claim(d, "open")["relations"] = {"retracts": ["closed"]}


def _first_unknown(d: dict[str, Any]) -> None:
    claim(d, "open")["first_appearance"] = {"source": "gazette"}


def _quote_from_url_only(d: dict[str, Any]) -> None:
    claim(d, "open")["appearances"][1]["quote"] = "the bridge is open"


def _no_quote(d: dict[str, Any]) -> None:
    del claim(d, "open")["appearances"][0]["quote"]


def _source_unknown(d: dict[str, Any]) -> None:
    claim(d, "open")["appearances"][0]["source"] = "gazette"


def _quote_twice(d: dict[str, Any]) -> None:
    appearances = claim(d, "open")["appearances"]
    appearances.append(dict(appearances[0], type="paraphrase"))


def _via_unknown(d: dict[str, Any]) -> None:
    claim(d, "closed")["appearances"][0]["via"] = "agency"


def _via_unknown_on_a_page(d: dict[str, Any]) -> None:
    claim(d, "open")["appearances"][1]["via"] = "agency"


def _reviewer_unknown(d: dict[str, Any]) -> None:
    claim(d, "open")["reviews"][0]["by"] = "checker"


def _quote_absent(d: dict[str, Any]) -> None:
    claim(d, "open")["appearances"][0]["quote"] = "the bridge is shut"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_alias_empty, "actor 'ana': alias '...' is empty"),
        (_alias_too_long, "actor 'ana': alias '\u4e2d\u4e2d"),
        (_alias_taken, "actor 'ben': alias 'kovac' already names actor 'ana'"),
        (_role_in_itself, "actor 'town' cannot hold a role in itself"),
        (_role_unknown, "unknown actor 'city' in 'of'"),
        (_id_reads_as_name,
         "actor id 'ben-ortiz' reads as a name of actor 'ben', which would no longer find it"),
        (_credits_twice, "source 'report' credits an agency twice"),
        (_credits_unknown, "unknown actor 'agency' in 'credits'"),
        (_claimant_twice, "claim 'closed' names a claimant twice"),
        (_claimant_unknown, "unknown actor 'anna' in 'claimants'"),
        (_relation_unknown, "claim 'open': unknown claim 'shut' in 'denies'"),
        (_relation_self, "claim 'open' cannot disputes itself"),
        (_relation_twice, "claim 'open' relates to 'closed' more than once"),
        (_retracts_another_claimant,
         "claim 'open' retracts 'closed', but only a claimant can withdraw a claim"),
        (_first_unknown, "claim 'open': unknown source 'gazette' in 'first_appearance'"),
        (_quote_from_url_only,
         "claim 'open': source 'page' has no stored text, so nothing can be quoted from it"),
        (_no_quote, "appearance needs a 'quote' (the exact text)"),
        (_source_unknown, "claim 'open': unknown source 'gazette'"),
        (_quote_twice, "claim 'open' lists the same quote twice"),
        (_via_unknown, "unknown actor 'agency' in 'via'"),
        (_via_unknown_on_a_page, "unknown actor 'agency' in 'via'"),
        (_reviewer_unknown, "unknown actor 'checker' in 'by'"),
        (_quote_absent, "claim 'open': quote 'the bridge is shut' refused: the quote does not"),
    ],
)  # fmt: skip
def test_each_rule_refuses_with_its_own_line(
    engine: Engine, tmp_path: Path, change: Any, message: str
) -> None:
    data = copy.deepcopy(dataset())
    change(data)
    with pytest.raises(InputError) as caught:
        load_paths(engine, [write(tmp_path / "bad", data)])
    line = str(caught.value)
    assert message in line and "\n" not in line, line
    assert line.startswith(str(tmp_path / "bad" / "data.yaml") + ":"), line
    if change is _id_reads_as_name:  # at the actor whose id clashes
        data_file = tmp_path / "bad" / "data.yaml"
        assert line.startswith(f"{data_file}:{line_of(data_file, '- id: ben-ortiz')}:")
    assert counts(engine) == (0, 0, 0)


def test_a_loaded_url_only_source_is_known_to_later_files(engine: Engine, tmp_path: Path) -> None:
    """The source is in the database, not in the files: still known, still
    without a text to quote."""
    load_paths(engine, [write(tmp_path / "a", dataset())])
    later = {
        "claims": [
            {"id": "reopened", "text": "The bridge reopened.", "claimants": ["ben"],
             "appearances": [{"source": "page"}], "first_appearance": {"source": "page"}},
        ]
    }  # fmt: skip
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "more.yaml").write_text(yaml.safe_dump(later), encoding="utf-8")
    load_paths(engine, [tmp_path / "b"])
    assert counts(engine) == (3, 2, 4)
    claim(later, "reopened")["appearances"][0]["quote"] = "reopened"
    (tmp_path / "b" / "more.yaml").write_text(yaml.safe_dump(later), encoding="utf-8")
    with pytest.raises(InputError, match="source 'page' has no stored text"):
        load_paths(engine, [tmp_path / "b"])


def test_a_source_that_loses_its_text_takes_no_quote_along(engine: Engine, tmp_path: Path) -> None:
    load_paths(engine, [write(tmp_path / "a", dataset())])
    data = dataset()
    source = data["sources"][0]
    del source["file"]
    source["url"] = "https://daily.example/bridge"
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "sources.yaml").write_text(yaml.safe_dump({"sources": [source]}), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_paths(engine, [folder])
    assert str(caught.value) == (
        f"{folder / 'sources.yaml'}:2: source 'report' gains or loses its stored text, and"
        " claim 'closed' (in the database) appears in it: load that claim's corrected file"
        " with it"
    )
    assert counts(engine) == (2, 2, 3)


def test_a_later_file_quotes_a_stored_text(engine: Engine, tmp_path: Path) -> None:
    """The source is in the database only: its stored text is read, once,
    for every quote the new files take from it."""
    load_paths(engine, [write(tmp_path / "a", dataset())])
    later = {
        "claims": [
            {"id": f"said-{n}", "text": f"Claim {n}.", "claimants": ["ana"],
             "appearances": [{"source": "report", "quote": quote}]}
            for n, quote in enumerate(["Ana Kovac said", "Ben Ortiz denied it"])
        ]
    }  # fmt: skip
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "more.yaml").write_text(yaml.safe_dump(later), encoding="utf-8")
    load_paths(engine, [tmp_path / "b"])
    with Session(engine) as session:
        rows = session.execute(
            select(Claim.key, Appearance.start_offset, Appearance.end_offset)
            .join(Appearance, Appearance.claim_id == Claim.id)
            .where(Claim.key.like("said-%"))
            .order_by(Claim.key)
        ).all()
    assert [tuple(r) for r in rows] == [("said-0", 0, 14), ("said-1", 38, 57)]


def test_a_first_appearance_outside_the_database_is_kept(engine: Engine, tmp_path: Path) -> None:
    data = dataset()
    claim(data, "open")["first_appearance"] = {"url": "https://town.example/first"}
    load_paths(engine, [write(tmp_path / "a", data)])
    with Session(engine) as session:
        first = session.execute(
            select(Claim.first_source_id, Claim.first_url).where(Claim.key == "open")
        ).one()
    assert tuple(first) == (None, "https://town.example/first")


def reload(engine: Engine, folder: Path, change: Any) -> None:
    data = dataset()
    change(data)
    load_paths(engine, [write(folder, data)])


def stored_appearances(engine: Engine) -> list[tuple[Any, ...]]:
    with Session(engine) as session:
        rows = session.scalars(select(Appearance)).all()
        return sorted(
            ((a.quote, a.start_offset, a.type, a.cue, a.via.key if a.via else None) for a in rows),
            key=repr,
        )


def test_a_reload_changes_an_unmoved_quotes_type_cue_and_via(
    engine: Engine, tmp_path: Path
) -> None:
    """The quote is the same in the same text (its anchor is kept without a
    search); what the files say around it still changes."""
    load_paths(engine, [write(tmp_path / "a", dataset())])

    def change(d: dict[str, Any]) -> None:
        first = claim(d, "closed")["appearances"][0]
        first.update(type="paraphrase", cue="said", via="town")

    reload(engine, tmp_path / "b", change)
    assert ("the bridge was closed", 15, "paraphrase", "said", "town") in (
        stored_appearances(engine)
    )
    report = load_paths(engine, [tmp_path / "b"])
    assert report.updated["claims"] == 0 and report.unchanged["claims"] == 2

    def unknown_via(d: dict[str, Any]) -> None:
        change(d)
        claim(d, "closed")["appearances"][0]["via"] = "agency"

    with pytest.raises(InputError) as caught:
        reload(engine, tmp_path / "c", unknown_via)
    assert str(caught.value).startswith(f"{tmp_path / 'c' / 'data.yaml'}:")
    assert "unknown actor 'agency' in 'via'" in str(caught.value)


def test_a_recurring_quote_still_needs_its_occurrence_on_reload(
    engine: Engine, tmp_path: Path
) -> None:
    def second(d: dict[str, Any]) -> None:
        claim(d, "open")["appearances"][0].update(quote="the bridge", occurrence=2)

    reload(engine, tmp_path / "a", second)
    assert ("the bridge", 59) in [a[:2] for a in stored_appearances(engine)]

    def unsaid(d: dict[str, Any]) -> None:
        claim(d, "open")["appearances"][0]["quote"] = "the bridge"

    with pytest.raises(InputError, match="the quote occurs 2 times in the source"):
        reload(engine, tmp_path / "b", unsaid)


def test_only_its_claimants_retract_a_claim_in_the_database(engine: Engine, tmp_path: Path) -> None:
    load_paths(engine, [write(tmp_path / "a", dataset())])
    (tmp_path / "b").mkdir()
    withdrawal = {
        "id": "withdrawn",
        "text": "The bridge was not closed.",
        "claimants": ["ben"],
        "appearances": [{"source": "page"}],
        "relations": {"retracts": ["closed"]},
    }
    more = tmp_path / "b" / "more.yaml"
    more.write_text(yaml.safe_dump({"claims": [withdrawal]}), encoding="utf-8")
    with pytest.raises(InputError, match="only a claimant can withdraw a claim"):
        load_paths(engine, [tmp_path / "b"])
    withdrawal["claimants"] = ["ana"]
    more.write_text(yaml.safe_dump({"claims": [withdrawal]}), encoding="utf-8")
    load_paths(engine, [tmp_path / "b"])
    assert counts(engine) == (3, 2, 4)


def test_an_edited_text_moves_the_context_of_claims_outside_the_files(
    engine: Engine, tmp_path: Path
) -> None:
    """Words inserted between the two quotes: the first keeps its place and
    gains a new suffix, the second moves and gains a new prefix."""
    load_paths(engine, [write(tmp_path / "a", dataset())])
    folder = tmp_path / "b"
    folder.mkdir()
    edited = TEXT.replace("denied it:", "denied it all:")
    (folder / "report.txt").write_text(edited, encoding="utf-8")
    sources = {"sources": dataset()["sources"][:1]}
    (folder / "sources.yaml").write_text(yaml.safe_dump(sources), encoding="utf-8")
    report = load_paths(engine, [folder])
    assert report.reanchored == 2
    with Session(engine) as session:
        for a in session.scalars(select(Appearance).where(Appearance.quote.is_not(None))):
            assert a.start_offset is not None and a.end_offset is not None
            assert edited[a.start_offset : a.end_offset] == a.quote
            assert a.prefix == edited[max(0, a.start_offset - CONTEXT) : a.start_offset]
            assert a.suffix == edited[a.end_offset : a.end_offset + CONTEXT]


def test_an_alias_may_fill_its_column_exactly(engine: Engine, tmp_path: Path) -> None:
    data = dataset()
    actor(data, "ana")["aliases"].append("k" * plan.NORMALIZED_WIDTH)
    load_paths(engine, [write(tmp_path / "a", data)])
    actor(data, "ana")["aliases"].append("j" * (plan.NORMALIZED_WIDTH + 1))
    with pytest.raises(InputError, match=f"at most {plan.NORMALIZED_WIDTH} fit"):
        load_paths(engine, [write(tmp_path / "b", data)])


def test_a_new_name_that_reads_as_a_stored_id_is_refused_where_it_is_given(
    engine: Engine, tmp_path: Path
) -> None:
    """The id is in the database; the name clashing with it is in the file."""
    load_paths(engine, [write(tmp_path / "a", dataset())])
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "more.yaml").write_text(
        "actors:\n  - id: wire-service\n    name: Wire Service\n    kind: organization\n"
        "    aliases: [town]\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        load_paths(engine, [folder])
    assert str(caught.value) == (
        f"{folder / 'more.yaml'}:2: actor 'wire-service': a name reads as the id of actor"
        " 'town', which would no longer find it: choose another name"
    )
