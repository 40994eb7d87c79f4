"""Full-text search over claim texts, quotes and source texts.

SQLite answers from FTS5 tables and PostgreSQL from GIN indexes on
`to_tsvector('english', ...)`, both created and kept in sync by the migration
that introduced search (0002); both stem English words ("denied" finds
"deny"). A query is parsed here, in one small grammar for both backends, so
the two accept the same queries and refuse the same mistakes:

    words        all must occur                 arms transfers
    "a phrase"   these words in this order      "ballistic missiles"
    -word        must not occur                 munitions -ballistic
    OR           either side                    denied OR rejected

Words too common to index ("the", "of", "its": PostgreSQL's English stop
words) and single letters are left out of every query on both backends, so
"its war" looks for "war" everywhere; a part of a query left with no word to
look for is refused. Accents count on both ("Kovac" does not find "Kovač").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from tracker.errors import TrackerError
from tracker.vocabulary import SEARCH_KINDS

KINDS = SEARCH_KINDS
# Marks around each matched word in a snippet; never in stored text (control
# characters are refused on input), so they cannot be forged by data.
START, STOP = "\x02", "\x03"
SNIPPET_WORDS = 16
_WORD = re.compile(r"\w+")
# PostgreSQL's English stop words (tsearch_data/english.stop): it indexes none
# of them, so no query may look for one, on either backend.
_STOP_WORDS_TEXT = (
    "i me my myself we our ours ourselves you your yours yourself yourselves he him "
    "his himself she her hers herself it its itself they them their theirs themselves "
    "what which who whom this that these those am is are was were be been being have "
    "has had having do does did doing a an the and but if or because as until while "
    "of at by for with about against between into through during before after above "
    "below to from up down in out on off over under again further then once here "
    "there when where why how all any both each few more most other some such no nor "
    "not only own same so than too very s t can will just don should now"
)
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
_TOKEN = re.compile(r'\s*(-?)("([^"]*)("?)|(\S+))')


class QueryError(TrackerError):
    """A search query that cannot be read; the message says why."""

    exit_code = 2  # a usage error, like a bad option value


@dataclass(frozen=True)
class Term:
    """A word or a phrase (several words in order), possibly excluded."""

    words: tuple[str, ...]
    excluded: bool = False


# Groups of terms joined by OR; within a group every term must hold.
Query = list[list[Term]]


def parse(query: str) -> Query:
    """Read a query (see the module's docstring); QueryError when it cannot."""
    groups: Query = [[]]
    for match in _TOKEN.finditer(query):
        minus, _, phrase, closed, bare = match.groups()
        if bare == "OR" and not minus:
            groups.append([])
            continue
        if phrase is not None and not closed:
            raise QueryError(f"the search has an unclosed quote: {query!r}")
        words = tuple(
            w
            for w in _WORD.findall(phrase if phrase is not None else bare)
            if len(w) > 1 and w.lower() not in STOP_WORDS
        )
        if words:
            groups[-1].append(Term(words, bool(minus)))
    if all(not group for group in groups):
        raise QueryError(
            "give at least one word to search for (words as common as 'the' or 'its',"
            " and single letters, are not indexed)"
        )
    for group in groups:
        if not any(not t.excluded for t in group):
            raise QueryError(
                "each part of the search (between ORs) needs a word to look for,"
                " not only words to exclude or words too common to index"
            )
    return groups


def _fts5(query: Query) -> str:
    """The query in FTS5's syntax, every word quoted (so none is an operator)."""

    def term(t: Term) -> str:
        return '"' + " ".join(t.words) + '"'

    parts = []
    for group in query:
        wanted = " AND ".join(term(t) for t in group if not t.excluded)
        unwanted = "".join(f" NOT {term(t)}" for t in group if t.excluded)
        parts.append(f"({wanted}{unwanted})")
    return " OR ".join(parts)


def _websearch(query: Query) -> str:
    """The query in PostgreSQL's websearch_to_tsquery syntax."""

    def term(t: Term) -> str:
        # Quoted, even one word: websearch_to_tsquery reads a bare "or" as OR.
        quoted = '"' + " ".join(t.words) + '"'
        return f"-{quoted}" if t.excluded else quoted

    return " or ".join(" ".join(term(t) for t in group) for group in query)


@dataclass(frozen=True)
class Hit:
    kind: str  # "claims", "quotes" or "sources"
    claim: str | None  # the claim the hit belongs to (none for a source's text)
    source: str | None  # the source the hit is in (none for a claim's own text)
    snippet: str  # matched words between START and STOP
    quoted_by: int  # for a source: how many appearances quote it


_SQLITE = {
    "claims": f"""
        SELECT c.key AS claim, NULL AS source,
               snippet(search_claims, 0, char(2), char(3), '…', {SNIPPET_WORDS}) AS snippet,
               0 AS quoted_by
        FROM search_claims JOIN claims c ON c.id = search_claims.rowid
        WHERE search_claims MATCH :query
        ORDER BY bm25(search_claims), c.key LIMIT :limit""",
    "quotes": f"""
        SELECT c.key AS claim, s.key AS source,
               snippet(search_quotes, 0, char(2), char(3), '…', {SNIPPET_WORDS}) AS snippet,
               0 AS quoted_by
        FROM search_quotes
        JOIN appearances a ON a.id = search_quotes.rowid
        JOIN claims c ON c.id = a.claim_id
        JOIN sources s ON s.id = a.source_id
        WHERE search_quotes MATCH :query
        ORDER BY bm25(search_quotes), c.key, s.key LIMIT :limit""",
    "sources": f"""
        SELECT NULL AS claim, s.key AS source,
               snippet(search_sources, 0, char(2), char(3), '…', {SNIPPET_WORDS}) AS snippet,
               (SELECT count(*) FROM appearances a WHERE a.source_id = s.id) AS quoted_by
        FROM search_sources JOIN sources s ON s.id = search_sources.rowid
        WHERE search_sources MATCH :query
        ORDER BY bm25(search_sources), s.key LIMIT :limit""",
}

# The expressions must be those of the indexes (migration 0002) to use them.
_HEADLINE = (
    f'\'StartSel="{START}", StopSel="{STOP}", MaxWords={SNIPPET_WORDS},'
    ' MinWords=6, MaxFragments=1, FragmentDelimiter="…"\''
)
_POSTGRESQL = {
    "claims": f"""
        SELECT c.key AS claim, NULL AS source,
               ts_headline('english', c.text, q, {_HEADLINE}) AS snippet, 0 AS quoted_by
        FROM claims c, websearch_to_tsquery('english', :query) q
        WHERE to_tsvector('english', c.text) @@ q
        ORDER BY ts_rank_cd(to_tsvector('english', c.text), q) DESC, c.key LIMIT :limit""",
    "quotes": f"""
        SELECT c.key AS claim, s.key AS source,
               ts_headline('english', a.quote, q, {_HEADLINE}) AS snippet, 0 AS quoted_by
        FROM appearances a
        JOIN claims c ON c.id = a.claim_id
        JOIN sources s ON s.id = a.source_id,
        websearch_to_tsquery('english', :query) q
        WHERE to_tsvector('english', a.quote) @@ q
        ORDER BY ts_rank_cd(to_tsvector('english', a.quote), q) DESC, c.key, s.key
        LIMIT :limit""",
    "sources": f"""
        SELECT NULL AS claim, s.key AS source,
               ts_headline('english', s.text, q, {_HEADLINE}) AS snippet,
               (SELECT count(*) FROM appearances a WHERE a.source_id = s.id) AS quoted_by
        FROM sources s, websearch_to_tsquery('english', :query) q
        WHERE to_tsvector('english', s.text) @@ q
        ORDER BY ts_rank_cd(to_tsvector('english', s.text), q) DESC, s.key LIMIT :limit""",
}


def search(
    session: Session, query: str, kinds: tuple[str, ...] = KINDS, limit: int = 20
) -> list[Hit]:
    """Hits for `query`, kind by kind (claims, quotes, sources), each kind
    ranked best first and cut at `limit`."""
    parsed = parse(query)
    sqlite = session.get_bind().dialect.name == "sqlite"
    statements, compiled = (_SQLITE, _fts5(parsed)) if sqlite else (_POSTGRESQL, _websearch(parsed))
    hits = []
    for kind in kinds:
        rows = session.execute(text(statements[kind]), {"query": compiled, "limit": limit})
        hits += [
            Hit(kind, row.claim, row.source, _one_line(row.snippet), int(row.quoted_by))
            for row in rows
        ]
    return hits


def _one_line(snippet: str) -> str:
    return " ".join(snippet.split())


def highlights(snippet: str) -> tuple[str, list[tuple[int, int]]]:
    """The snippet without its marks, and the (start, end) of each matched run."""
    plain: list[str] = []
    spans: list[tuple[int, int]] = []
    at = 0
    start: int | None = None
    for ch in snippet:
        if ch == START:
            start = at
        elif ch == STOP:
            if start is not None:
                spans.append((start, at))
            start = None
        else:
            plain.append(ch)
            at += 1
    return "".join(plain), spans
