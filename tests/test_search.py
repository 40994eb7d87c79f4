"""Full-text search: one grammar, the same hits on SQLite (FTS5) and PostgreSQL
(tsvector), kept in step with every write."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tests.conftest import SEEDS, Runner
from tracker.ingest.load import load_paths
from tracker.query import queries
from tracker.query.search import START, STOP, QueryError, Term, highlights, parse, search


def test_the_grammar() -> None:
    assert parse('arms "ballistic missiles" -munitions OR denial') == [
        [Term(("arms",)), Term(("ballistic", "missiles")), Term(("munitions",), excluded=True)],
        [Term(("denial",))],
    ]
    # Punctuation separates words, as the indexes do; single letters and
    # words as common as "the" are not indexed, so no query looks for them.
    assert parse("U.S. 11,000") == [[Term(("11", "000"))]]
    assert parse("the war of its people") == [[Term(("war",)), Term(("people",))]]
    # Only a capital OR joins alternatives: "or" is a common word.
    assert parse("denied or rejected") == [[Term(("denied",)), Term(("rejected",))]]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"ballistic missiles', "unclosed quote"),
        ("", "at least one word"),
        ("  ...  ", "at least one word"),
        ("-munitions", "not only words to exclude"),
        ("arms OR -munitions", "not only words to exclude"),
        ("the", "are not indexed"),  # nothing left to look for
        ("this -arms", "words too common to index"),
        ("arms OR its", "words too common to index"),
    ],
)
def test_queries_that_cannot_be_read_say_why(query: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        parse(query)


def keys(session: Session, query: str, kind: str) -> list[str | None]:
    hits = search(session, query, (kind,))
    return [h.claim if kind != "sources" else h.source for h in hits]


def test_claims_quotes_and_sources(session: Session) -> None:
    assert keys(session, '"ballistic missiles"', "claims") == ["miller-arms-charge"]
    quotes = search(session, '"ballistic missiles"', ("quotes",))
    assert [(h.claim, h.source) for h in quotes] == [
        ("miller-arms-charge", "star-advertiser-20240618")
    ]
    sources = search(session, '"ballistic missiles"', ("sources",))
    quoted = {s.key: n for s, n in queries.sources(session)}
    assert [(h.source, h.quoted_by) for h in sources] == [
        ("star-advertiser-20240618", quoted["star-advertiser-20240618"])
    ]


def test_words_are_stemmed(session: Session) -> None:
    # "deny" finds "denied", "transfer" finds "transfers".
    assert keys(session, "deny transfer", "quotes") == ["moscow-pyongyang-deny-arms"]


def test_exclusion_and_or(session: Session) -> None:
    with_munitions = set(keys(session, "munitions", "claims"))
    assert {"miller-arms-charge", "trilateral-arms-supply"} <= with_munitions
    without = set(keys(session, "munitions -ballistic", "claims"))
    assert without == with_munitions - {"miller-arms-charge"}
    assert set(keys(session, "sacred OR solidarity", "claims")) == {
        "nk-media-sacred-war",
        "putin-nk-solidarity",
        "lavrov-support-for-kim",
    }


def test_snippets_mark_the_matched_words(session: Session) -> None:
    (hit,) = search(session, "sacred", ("claims",))
    plain, spans = highlights(hit.snippet)
    assert START not in plain and STOP not in plain
    assert [plain[s:e].lower() for s, e in spans] == ["sacred"]


def test_search_follows_every_write(engine: Engine, tmp_path: Path) -> None:
    """A claim's text rewritten by a reload, and a source whose text is edited,
    are found by their new words and no longer by their old ones."""
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    load_paths(engine, [folder])
    claims = folder / "claims.yaml"
    content = claims.read_text(encoding="utf-8")
    claims.write_text(content.replace("sacred war of all Russian citizens.", "holy war."))
    article = folder / "002_75e8f458d8cc0dcf.txt"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("commercial satellite", "civilian satellite"), encoding="utf-8")
    load_paths(engine, [folder])
    with Session(engine) as session:
        assert keys(session, "holy", "claims") == ["nk-media-sacred-war"]
        assert keys(session, '"sacred war"', "claims") == []
        assert keys(session, "civilian", "sources") == ["star-advertiser-20240618"]
        assert keys(session, "commercial", "sources") == []


def test_common_words_change_nothing(session: Session) -> None:
    """Both backends skip the same common words, so a query with them finds
    what the query without them finds: on SQLite as on PostgreSQL."""
    for kind in ("claims", "quotes", "sources"):
        assert keys(session, "the sacred war", kind) == keys(session, "sacred war", kind)
        assert keys(session, "war -its", kind) == keys(session, "war", kind)
    assert keys(session, "sacred war", "claims") == ["nk-media-sacred-war"]


def test_accents_count_on_both_backends(engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    article = folder / "002_75e8f458d8cc0dcf.txt"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("commercial satellite", "Kovač satellite"), encoding="utf-8")
    load_paths(engine, [folder])
    with Session(engine) as session:
        assert keys(session, "Kovač", "sources") == ["star-advertiser-20240618"]
        assert keys(session, "Kovac", "sources") == []


def test_the_command(run: Runner) -> None:
    result = run("search", '"arms transfers"')
    assert result.exit_code == 0, result.output
    assert "moscow-pyongyang-deny-arms" in result.stdout
    data = json.loads(run("search", '"arms transfers"', "-f", "json").stdout)
    kinds = {h["kind"] for h in data}
    assert kinds == {"claims", "quotes", "sources"}
    quote = next(h for h in data if h["kind"] == "quotes")
    assert quote["claim"] == "moscow-pyongyang-deny-arms"
    assert quote["source"] == "star-advertiser-20240618"
    start, end = quote["highlights"][0]
    assert quote["snippet"][start:end].lower().startswith("arms")  # the phrase, or its words
    only = json.loads(run("search", "arms", "--in", "claims", "--limit", "2", "-f", "json").stdout)
    assert len(only) == 2 and {h["kind"] for h in only} == {"claims"}
    twice = run("search", "arms", "--in", "claims", "--in", "claims", "-f", "json")
    assert json.loads(twice.stdout) == json.loads(
        run("search", "arms", "--in", "claims", "-f", "json").stdout
    )


def test_a_bad_query_is_one_line_and_exit_2(run: Runner) -> None:
    result = run("search", '"unclosed')
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and "unclosed quote" in result.stderr
    assert result.stderr.count("\n") == 1


def test_no_hits_says_so(run: Runner) -> None:
    result = run("search", "zeppelin")
    assert result.exit_code == 0
    assert result.stdout.strip() == "Nothing matches 'zeppelin'."
