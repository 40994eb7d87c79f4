"""Hand-written peers of tracker's read commands: the yardstick for its speed.

    python benchmarks/peers.py --db sqlite:///t.db contested [--limit N]
    python benchmarks/peers.py --db sqlite:///t.db claims [--limit N]
    python benchmarks/peers.py --db sqlite:///t.db by-actor ACTOR_ID
    python benchmarks/peers.py --db sqlite:///t.db show CLAIM_ID
    python benchmarks/peers.py --db sqlite:///t.db search "ballistic missiles"
    python benchmarks/peers.py --db postgresql+psycopg://u@host/db contested
    python benchmarks/peers.py --db sqlite:///t.db contested-sql

Each command prints exactly what `tracker --db URL COMMAND ... -f json` prints,
byte for byte (benchmarks/check_peers.py proves it), but is the program an
engineer would write by hand in an afternoon to answer the same question: the
standard library's `sqlite3` (or `psycopg` 3 for PostgreSQL) and SQL typed out,
no ORM, no SQLAlchemy, no click, and Python only to shape rows into dicts that
orjson encodes (tracker encodes with orjson too).

What each peer does:

- `contested`, `claims`: one statement selects the claims in order (newest
  first, undated last, then by id) with each one's status computed in SQL by
  the status rules of tracker/record/status.py (sides from `actor_sides` held
  at each claim's date, retraction, contests, corroboration; `contested` keeps
  the claims that head a contest). It is read a batch of 1,000 rows at a time
  (a server-side cursor on PostgreSQL), its first appearance beside it, and
  for each batch six statements fetch what belongs to it, keyed by the batch's
  ids: relations both ways (with each one's contest flag) and the related
  claims, the claimants of the batch and of the related claims, topics,
  appearances with their sources, verdicts (each reviewer's latest marked),
  and the evidence of the claims and of their verdicts.
  Every record is written as soon as it is built, so memory holds one batch.
- `by-actor ID`: the actor, its aliases and roles (three small statements),
  then two such listings: the claims it made, and the claims of others its
  claims contest (each selected by `id IN (...)` through the claimants' actor
  index).
- `show ID`: the same listing, of one claim, and its corrections: the changes
  since it was recorded (not silent, undone or undoing) that changed its text,
  date or claimants, read from the change log's before and after images.
- `search QUERY`: the query parsed as tracker parses it (same grammar, same
  stop words), then one statement per kind of text (claims, quotes, sources):
  FTS5 `MATCH` with `snippet()` and `bm25()` on SQLite, `websearch_to_tsquery`
  with `ts_headline()` and `ts_rank_cd()` on PostgreSQL.
- `contested-sql` (SQLite only): benchmarks/peers/contested.sql, ONE statement
  that builds every claim object inside SQLite (`json_object`,
  `json_group_array`) and returns one line per claim (`[{...}`, `,{...}`, ...,
  the last one closed by `]`), run by the `sqlite-utils query --raw-lines`
  command line when it is installed, else through `sqlite3`. Its JSON is
  compact: it equals tracker's once parsed, not byte for byte.

Why this is a fair yardstick: the peers compute the same answers from the same
tables with the same rules, in a bounded number of statements (one, plus six
per 1,000 claims) and bounded memory, the way tracker is meant to; they do no
caching between runs, precompute nothing and skip no rule (the status of a
claim that heads a contest is written as 'contested' because the rules make it
so: a contest's target stands and is in a contest). What they leave out is what
a hand-written script has no need of: an ORM, the CLI framework, a schema
check, name resolution (`by-actor` takes an exact actor id) and other formats.
Its SQL has the shape of tracker's (correlated EXISTS probes, with PostgreSQL's
`OFFSET 0` fence), so that what a comparison measures is what tracker adds
around the same database work.

PostgreSQL: the URL goes to psycopg as it is, its query string included. The
status query's cost estimate is high enough for PostgreSQL's JIT to compile it
(about a second at 10,000 claims, more than the query itself); to compare
without it, give both programs `?options=-c%20jit%3Doff` at the end of the URL.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import orjson

BATCH = 1000
SQL_DIR = Path(__file__).resolve().parent / "peers"
COUNTERS = ("denies", "disputes", "undercuts")
_COUNTERS_SQL = "('denies', 'disputes', 'undercuts')"
_DATE_LENGTH = {"day": 10, "month": 7, "year": 4}

Row = tuple[Any, ...]


# -- the status rules, as SQL (tracker/record/status.py, README "Concepts") -----------

# Ends each EXISTS the status rules probe claim by claim. PostgreSQL would
# otherwise plan such an EXISTS, correlated by an equality, as a hashed subplan:
# every relation of the archive judged before the first row (a quarter of a
# second for `--limit 50` at 10,000 claims). `OFFSET 0` keeps it a probe through
# the indexes; SQLite needs nothing (Database._sql drops the mark there).
_PROBE = " /*probe*/"


def _held(side: str, claim: str) -> str:
    """Side row `side` holds at some time in claim `claim`'s period (undated: always)."""
    return (
        f"({claim}.stated_on IS NULL OR (({side}.from_on IS NULL"
        f" OR {side}.from_on <= {claim}.stated_until)"
        f" AND ({side}.until_on IS NULL OR {side}.until_on >= {claim}.stated_on)))"
    )


def _another_side(from_id: str, to_id: str) -> str:
    """Claim `from_id` has a claimant sharing no side with any claimant of claim
    `to_id`, each side taken at its own claim's date."""
    return f"""EXISTS (
        SELECT 1 FROM claimants ours JOIN claims us ON us.id = ours.claim_id
        WHERE ours.claim_id = {from_id} AND NOT EXISTS (
            SELECT 1 FROM claimants theirs
            JOIN claims them ON them.id = theirs.claim_id
            JOIN actor_sides ts ON ts.actor_id = theirs.actor_id
            JOIN actor_sides os ON os.side_id = ts.side_id
            WHERE theirs.claim_id = {to_id} AND os.actor_id = ours.actor_id
              AND {_held("ts", "them")} AND {_held("os", "us")}))"""


def _retracted(claim_id: str) -> str:
    """A `retracts` relation points at the claim from a claim sharing a claimant."""
    return f"""EXISTS (
        SELECT 1 FROM relations x
        JOIN claimants xt ON xt.claim_id = x.from_claim_id
        JOIN claimants xo ON xo.claim_id = x.to_claim_id AND xo.actor_id = xt.actor_id
        WHERE x.to_claim_id = {claim_id} AND x.relation = 'retracts'{_PROBE})"""


def _contest(rel: str) -> str:
    """Relation `rel` is a contest: a counter relation between standing claims,
    from another side than its target."""
    return (
        f"({rel}.relation IN {_COUNTERS_SQL}"
        f" AND NOT {_retracted(f'{rel}.from_claim_id')}"
        f" AND NOT {_retracted(f'{rel}.to_claim_id')}"
        f" AND {_another_side(f'{rel}.from_claim_id', f'{rel}.to_claim_id')})"
    )


_STATUS = f"""CASE
    WHEN {_retracted("c.id")} THEN 'retracted'
    WHEN EXISTS (SELECT 1 FROM relations k WHERE k.to_claim_id = c.id AND {_contest("k")}{_PROBE})
      OR EXISTS (SELECT 1 FROM relations k WHERE k.from_claim_id = c.id AND {_contest("k")}{_PROBE})
      THEN 'contested'
    WHEN EXISTS (
        SELECT 1 FROM relations k
        WHERE k.to_claim_id = c.id AND k.relation = 'corroborates'
          AND NOT {_retracted("k.from_claim_id")}
          AND {_another_side("k.from_claim_id", "k.to_claim_id")}{_PROBE})
      THEN 'corroborated'
    ELSE 'uncontested' END"""

# `a` comes before `c`: dated before undated, then by date, then by id.
_EARLIER = """((a.stated_on IS NOT NULL AND (c.stated_on IS NULL OR a.stated_on < c.stated_on
        OR (a.stated_on = c.stated_on AND a.key < c.key)))
    OR (a.stated_on IS NULL AND c.stated_on IS NULL AND a.key < c.key))"""

# Claim `c` heads a contest: another side counters it, unless `c` contests that
# claim back and that claim is the earlier (the contest is listed under it).
_CHALLENGED = f"""EXISTS (
    SELECT 1 FROM relations k JOIN claims a ON a.id = k.from_claim_id
    WHERE k.to_claim_id = c.id AND {_contest("k")}
      AND NOT ({_EARLIER} AND EXISTS (
          SELECT 1 FROM relations b
          WHERE b.from_claim_id = c.id AND b.to_claim_id = k.from_claim_id AND {_contest("b")}))
      {_PROBE})"""

_NEWEST_FIRST = "ORDER BY c.stated_on DESC NULLS LAST, c.key"
# A claim's columns, its first appearance's source id among them.
_CLAIM_COLUMNS = """c.id, c.key, c.text, c.stated_on, c.stated_precision,
    (SELECT f.key FROM sources f WHERE f.id = c.first_source_id), c.first_url"""

# A claim heading a contest stands and is in a contest: its status is 'contested'.
CONTESTED = f"""SELECT {_CLAIM_COLUMNS}, 'contested' FROM claims c
WHERE {_CHALLENGED} {_NEWEST_FIRST}"""
CLAIMS = f"SELECT {_CLAIM_COLUMNS}, {_STATUS} FROM claims c {_NEWEST_FIRST}"
# An actor's claims, and the claims its claims contest: found through the
# claimants' actor index, not by testing every claim.
CLAIMED_BY = f"""SELECT {_CLAIM_COLUMNS}, {_STATUS} FROM claims c
WHERE c.id IN (SELECT m.claim_id FROM claimants m WHERE m.actor_id = ?)
{_NEWEST_FIRST}"""
COUNTERED_BY = f"""SELECT {_CLAIM_COLUMNS}, {_STATUS} FROM claims c
WHERE c.id IN (
    SELECT k.to_claim_id FROM relations k JOIN claimants m ON m.claim_id = k.from_claim_id
    WHERE m.actor_id = ? AND {_contest("k")})
{_NEWEST_FIRST}"""
ONE_CLAIM = f"SELECT {_CLAIM_COLUMNS}, {_STATUS} FROM claims c WHERE c.key = ?"

# What belongs to a batch of claims; {ids} is replaced by the batch's id list.
_RELATIONS = f"""
SELECT r.from_claim_id, 0, r.id, r.relation, {_contest("r")},
       o.id, o.key, o.text, o.stated_on, o.stated_precision
FROM relations r JOIN claims o ON o.id = r.to_claim_id
WHERE r.from_claim_id {{ids}}
UNION ALL
SELECT r.to_claim_id, 1, r.id, r.relation, {_contest("r")},
       o.id, o.key, o.text, o.stated_on, o.stated_precision
FROM relations r JOIN claims o ON o.id = r.from_claim_id
WHERE r.to_claim_id {{ids}}
ORDER BY 1, 2, 3"""
_CLAIMANTS = """
SELECT m.claim_id, a.key, a.name, a.kind
FROM claimants m JOIN actors a ON a.id = m.actor_id
WHERE m.claim_id {ids} ORDER BY m.claim_id, m.position"""
_TOPICS = "SELECT claim_id, topic FROM topics WHERE claim_id {ids} ORDER BY claim_id, topic"
_APPEARANCES = """
SELECT p.claim_id, p.source_id, s.key, s.outlet, s.title, s.published_on,
       s.published_precision, p.quote, p.start_offset, p.end_offset, p.prefix, p.suffix,
       p.type, p.cue, v.name
FROM appearances p
JOIN sources s ON s.id = p.source_id
LEFT JOIN actors v ON v.id = p.via_actor_id
WHERE p.claim_id {ids} ORDER BY p.claim_id, p.id"""
# Verdicts, in the order recorded; evidence on the claims and on their verdicts.
_REVIEWS = """
SELECT r.id, r.claim_id, a.key, a.name, a.kind, r.rating, r.rating_value, r.best_rating,
       r.worst_rating, r.reviewed_on, r.url, r.explanation
FROM reviews r JOIN actors a ON a.id = r.reviewer_id
WHERE r.claim_id {ids} ORDER BY r.claim_id, r.position"""
_EVIDENCE = """
SELECT e.claim_id, e.review_id, e.url, e.title, e.kind, e.published_on, e.shows, e.stance
FROM evidence e
WHERE e.claim_id {ids} OR e.review_id IN (SELECT v.id FROM reviews v WHERE v.claim_id {ids})
ORDER BY e.position, e.id"""

# -- corrections (tracker/query/history.py): edits of what a claim says, when, by whom --

# The changes since the claim was recorded that updated its row or took a
# claimant away: not silent, not undone, undoing nothing, not the one that
# created it. A change's rows are read by their ids (first_row..last_row).
_CORRECTED_BY = """
SELECT DISTINCT ch.id, ch.made_at, ch.first_row, ch.last_row
FROM change_rows r JOIN changes ch ON ch.id = r.change_id
WHERE r.claim_id = ?
  AND ((r.table_name = 'claims' AND r.op = 'update')
       OR (r.table_name = 'claimants' AND r.op <> 'insert'))
  AND NOT ch.silent AND ch.undoes IS NULL
  AND NOT EXISTS (SELECT 1 FROM changes u WHERE u.undoes = ch.id)
  AND NOT EXISTS (
      SELECT 1 FROM change_rows n
      WHERE n.id BETWEEN ch.first_row AND ch.last_row AND n.change_id = ch.id
        AND n.table_name = 'claims' AND n.op = 'insert' AND n.claim_id = r.claim_id)
ORDER BY ch.id"""
# What one change did to the claim's row and its claimants.
_CHANGED_ROWS = """
SELECT table_name, row_key, op, before, after FROM change_rows
WHERE id BETWEEN ? AND ? AND change_id = ? AND claim_id = ?
  AND table_name IN ('claims', 'claimants')
ORDER BY id"""
# A compact (key-only) insert's values: the next change's before-image.
_LATER_IMAGE = """
SELECT before FROM change_rows
WHERE table_name = ? AND row_key = ? AND change_id > ? AND before IS NOT NULL
ORDER BY id LIMIT 1"""
_CURRENT_ROW = {
    "claims": "SELECT id, key, text, stated_on, stated_precision FROM claims WHERE id = ?",
    "claimants": "SELECT claim_id, actor_id, position FROM claimants"
    " WHERE claim_id = ? AND actor_id = ?",
}
_CURRENT_COLUMNS = {
    "claims": ("id", "key", "text", "stated_on", "stated_precision"),
    "claimants": ("claim_id", "actor_id", "position"),
}
_KEY_COLUMNS = {"claims": ("id",), "claimants": ("claim_id", "actor_id")}
_ACTOR_KEY = "SELECT key FROM actors WHERE id = ?"
_LAST_ACTOR_IMAGE = """
SELECT coalesce(before, after) FROM change_rows
WHERE table_name = 'actors' AND row_key = ? AND (before IS NOT NULL OR after IS NOT NULL)
ORDER BY id DESC LIMIT 1"""
_NAMES = "SELECT key, name FROM actors WHERE key IN ({keys})"

# -- search (tracker/query/search.py) --------------------------------------------------

SNIPPET_WORDS = 16
START, STOP = "\x02", "\x03"
# PostgreSQL's English stop words: left out of every query on both backends.
_STOP_WORDS_TEXT = (
    "i me my myself we our ours ourselves you your yours yourself yourselves he him his "
    "himself she her hers herself it its itself they them their theirs themselves what "
    "which who whom this that these those am is are was were be been being have has had "
    "having do does did doing a an the and but if or because as until while of at by for "
    "with about against between into through during before after above below to from up "
    "down in out on off over under again further then once here there when where why how "
    "all any both each few more most other some such no nor not only own same so than too "
    "very s t can will just don should now"
)
_STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
_TOKEN = re.compile(r'\s*(-?)("([^"]*)("?)|(\S+))')
_WORD = re.compile(r"\w+")
_KINDS = ("claims", "quotes", "sources")

_SEARCH_SQLITE = {
    "claims": f"""
        SELECT c.key, NULL,
               snippet(search_claims, 0, char(2), char(3), '…', {SNIPPET_WORDS}), 0
        FROM search_claims JOIN claims c ON c.id = search_claims.rowid
        WHERE search_claims MATCH ? ORDER BY bm25(search_claims), c.key LIMIT ?""",
    "quotes": f"""
        SELECT c.key, s.key,
               snippet(search_quotes, 0, char(2), char(3), '…', {SNIPPET_WORDS}), 0
        FROM search_quotes
        JOIN appearances p ON p.id = search_quotes.rowid
        JOIN claims c ON c.id = p.claim_id
        JOIN sources s ON s.id = p.source_id
        WHERE search_quotes MATCH ? ORDER BY bm25(search_quotes), c.key, s.key LIMIT ?""",
    "sources": f"""
        SELECT NULL, s.key,
               snippet(search_sources, 0, char(2), char(3), '…', {SNIPPET_WORDS}),
               (SELECT count(*) FROM appearances p WHERE p.source_id = s.id)
        FROM search_sources JOIN sources s ON s.id = search_sources.rowid
        WHERE search_sources MATCH ? ORDER BY bm25(search_sources), s.key LIMIT ?""",
}
_HEADLINE = (
    f'\'StartSel="{START}", StopSel="{STOP}", MaxWords={SNIPPET_WORDS},'
    ' MinWords=6, MaxFragments=1, FragmentDelimiter="…"\''
)
# The expressions are those of the GIN indexes, so that the indexes are used.
_SEARCH_POSTGRESQL = {
    "claims": f"""
        SELECT c.key, NULL, ts_headline('english', c.text, q, {_HEADLINE}), 0
        FROM claims c, websearch_to_tsquery('english', ?) q
        WHERE to_tsvector('english', c.text) @@ q
        ORDER BY ts_rank_cd(to_tsvector('english', c.text), q) DESC, c.key LIMIT ?""",
    "quotes": f"""
        SELECT c.key, s.key, ts_headline('english', p.quote, q, {_HEADLINE}), 0
        FROM appearances p
        JOIN claims c ON c.id = p.claim_id
        JOIN sources s ON s.id = p.source_id,
        websearch_to_tsquery('english', ?) q
        WHERE to_tsvector('english', p.quote) @@ q
        ORDER BY ts_rank_cd(to_tsvector('english', p.quote), q) DESC, c.key, s.key LIMIT ?""",
    "sources": f"""
        SELECT NULL, s.key, ts_headline('english', s.text, q, {_HEADLINE}),
               (SELECT count(*) FROM appearances p WHERE p.source_id = s.id)
        FROM sources s, websearch_to_tsquery('english', ?) q
        WHERE to_tsvector('english', s.text) @@ q
        ORDER BY ts_rank_cd(to_tsvector('english', s.text), q) DESC, s.key LIMIT ?""",
}


class PeerError(Exception):
    """What the user asked for does not exist or cannot be read."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]
    excluded: bool = False


def parse_query(query: str) -> list[list[Term]]:
    """Groups of terms joined by OR (tracker's grammar: words, "phrases",
    -excluded, OR), stop words and single letters left out."""
    groups: list[list[Term]] = [[]]
    for match in _TOKEN.finditer(query):
        minus, _, phrase, closed, bare = match.groups()
        if bare == "OR" and not minus:
            groups.append([])
            continue
        if phrase is not None and not closed:
            raise PeerError(f"the search has an unclosed quote: {query!r}", 2)
        text = phrase if phrase is not None else bare
        words = tuple(w for w in _WORD.findall(text) if len(w) > 1 and w.lower() not in _STOP_WORDS)
        if words:
            groups[-1].append(Term(words, bool(minus)))
    if not any(not t.excluded for group in groups for t in group) or any(
        all(t.excluded for t in group) for group in groups
    ):
        raise PeerError("the search has a part with no word to look for", 2)
    return groups


def fts5_query(groups: list[list[Term]]) -> str:
    def term(t: Term) -> str:
        return '"' + " ".join(t.words) + '"'

    return " OR ".join(
        "("
        + " AND ".join(term(t) for t in group if not t.excluded)
        + "".join(f" NOT {term(t)}" for t in group if t.excluded)
        + ")"
        for group in groups
    )


def websearch_query(groups: list[list[Term]]) -> str:
    def term(t: Term) -> str:
        quoted = '"' + " ".join(t.words) + '"'
        return f"-{quoted}" if t.excluded else quoted

    return " or ".join(" ".join(term(t) for t in group) for group in groups)


def highlights(snippet: str) -> tuple[str, list[list[int]]]:
    """The snippet without its marks, and the [start, end] of each marked run."""
    plain: list[str] = []
    spans: list[list[int]] = []
    start: int | None = None
    for ch in snippet:
        if ch == START:
            start = len(plain)
        elif ch == STOP:
            if start is not None:
                spans.append([start, len(plain)])
            start = None
        else:
            plain.append(ch)
    return "".join(plain), spans


# -- databases --------------------------------------------------------------------------


class Database:
    """A connection and the few things SQLite and PostgreSQL spell differently:
    parameters (`?` here), a list of ids, a cursor that streams."""

    postgresql: bool

    def __init__(self, url: str) -> None:
        if url.startswith(("postgresql", "postgres:")):
            import psycopg

            self.postgresql = True
            self.pg = psycopg.connect(re.sub(r"^postgres(ql)?\+\w+://", "postgresql://", url))
        else:
            path = url.removeprefix("sqlite:///") if "://" in url else url
            if not Path(path).is_file():
                raise PeerError(f"no database file {path}")
            self.postgresql = False
            self.lite = sqlite3.connect(path, isolation_level=None)
            self.lite.execute("BEGIN")  # one snapshot for every statement

    def _sql(self, sql: str) -> str:
        if self.postgresql:
            return sql.replace("?", "%s").replace(_PROBE, " OFFSET 0")
        return sql.replace(_PROBE, "")

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        if self.postgresql:
            with self.pg.cursor() as cur:
                cur.execute(self._sql(sql), params)
                return cur.fetchall()
        return self.lite.execute(self._sql(sql), params).fetchall()

    def by_ids(self, sql: str, ids: Sequence[int]) -> list[Row]:
        """`sql` with every `{ids}` made `IN (the ids)`."""
        if self.postgresql:
            return self.rows(sql.replace("{ids}", "= ANY(?)"), [list(ids)] * sql.count("{ids}"))
        marks = "IN (" + ",".join("?" * len(ids)) + ")"
        return self.rows(sql.replace("{ids}", marks), list(ids) * sql.count("{ids}"))

    def batches(self, sql: str, params: Sequence[Any] = ()) -> Iterator[list[Row]]:
        """The rows of `sql`, read `BATCH` at a time (server-side on PostgreSQL)."""
        if self.postgresql:
            with self.pg.cursor(name="peer_listing") as server_side:
                server_side.execute(self._sql(sql), params)
                while rows := server_side.fetchmany(BATCH):
                    yield rows
            return
        cursor = self.lite.execute(self._sql(sql), params)
        while rows := cursor.fetchmany(BATCH):
            yield rows

    def close(self) -> None:
        if self.postgresql:
            self.pg.close()
        else:
            self.lite.close()


# -- claim objects (tracker/render/views.py claim_dict) --------------------------------


def date_text(day: Any, precision: str | None) -> str | None:
    """A date cut to its precision: 2024-06-17, 2024-06 or 2024. SQLite keeps
    dates as ISO text already; PostgreSQL's date objects print as ISO."""
    if day is None:
        return None
    return str(day)[: _DATE_LENGTH[precision or "day"]]


@dataclass
class _Related:
    relation: str
    contest: bool
    other_id: int
    key: str
    text: str
    stated_on: Any
    precision: str | None


@dataclass
class _Threads:
    out: dict[int, list[_Related]] = field(default_factory=dict)
    into: dict[int, list[_Related]] = field(default_factory=dict)


def _iso(day: Any) -> str:
    return "" if day is None else str(day)


def claim_objects(db: Database, rows: list[Row]) -> list[dict[str, Any]]:
    """The claim objects of a batch of (id, key, text, stated_on, precision, status)."""
    ids = [r[0] for r in rows]
    threads = _Threads()
    for mine, incoming, _, relation, contest, other, key, text, on, precision in db.by_ids(
        _RELATIONS, ids
    ):
        ref = _Related(relation, bool(contest), other, key, text, on, precision)
        (threads.into if incoming else threads.out).setdefault(mine, []).append(ref)
    wanted = set(ids)
    wanted.update(r.other_id for found in threads.out.values() for r in found)
    wanted.update(r.other_id for found in threads.into.values() for r in found)
    claimants: dict[int, list[dict[str, Any]]] = {}
    for claim_id, key, name, kind in db.by_ids(_CLAIMANTS, sorted(wanted)):
        claimants.setdefault(claim_id, []).append({"id": key, "name": name, "kind": kind})
    topics: dict[int, list[str]] = {}
    for claim_id, topic in db.by_ids(_TOPICS, ids):
        topics.setdefault(claim_id, []).append(topic)
    appearances: dict[int, list[tuple[int, dict[str, Any]]]] = {}
    for a in db.by_ids(_APPEARANCES, ids):
        appearances.setdefault(a[0], []).append(
            (
                a[1],
                {
                    "source": a[2],
                    "outlet": a[3],
                    "title": a[4],
                    "published_on": date_text(a[5], a[6]),
                    "quote": a[7],
                    "start": a[8],
                    "end": a[9],
                    "prefix": a[10],
                    "suffix": a[11],
                    "type": a[12],
                    "cue": a[13],
                    "via": a[14],
                },
            )
        )

    reviews, evidence = verdicts(db, ids)

    def related(r: _Related) -> dict[str, Any]:
        return {
            "relation": r.relation,
            "contest": r.contest,
            "id": r.key,
            "text": r.text,
            "claimants": claimants.get(r.other_id, []),
            "stated_on": date_text(r.stated_on, r.precision),
        }

    found = []
    for claim_id, key, text, stated_on, precision, first_source, first_url, status in rows:
        seen = appearances.get(claim_id, [])
        out, into = threads.out.get(claim_id, []), threads.into.get(claim_id, [])
        counters = sorted(
            (r for r in into if r.relation in COUNTERS),
            key=lambda r: (r.stated_on is None, _iso(r.stated_on), r.key),
        )
        found.append(
            {
                "id": key,
                "text": text,
                "claimants": claimants.get(claim_id, []),
                "stated_on": date_text(stated_on, precision),
                "stated_precision": precision,
                "status": status,
                "topics": topics.get(claim_id, []),
                "sources": len({source_id for source_id, _ in seen}),
                "appearances": [a for _, a in seen],
                "counter_claims": [related(r) for r in counters],
                "relations": [{"direction": "out", **related(r)} for r in out]
                + [{"direction": "in", **related(r)} for r in into],
                "first_appearance": (
                    {"source": first_source, "url": first_url}
                    if first_source or first_url
                    else None
                ),
                "reviews": reviews.get(claim_id, []),
                "evidence": evidence.get(claim_id, []),
            }
        )
    return found


def _evidence(row: Row) -> dict[str, Any]:
    url, title, kind, published_on, shows, stance = row
    return {
        "url": url,
        "title": title,
        "kind": kind,
        "date": date_text(published_on, "day"),
        "shows": shows,
        "stance": stance,
    }


def verdicts(
    db: Database, ids: Sequence[int]
) -> tuple[dict[int, list[dict[str, Any]]], dict[int, list[dict[str, Any]]]]:
    """The verdicts (each with its evidence, each reviewer's latest marked) and
    the evidence of the claims `ids`, by claim id."""
    reviews: dict[int, list[dict[str, Any]]] = {}
    by_review: dict[int, dict[str, Any]] = {}
    # Each reviewer's latest on each claim: dated after undated, then by date,
    # then the one recorded last.
    latest: dict[tuple[int, str], tuple[tuple[bool, str], int]] = {}
    for review_id, claim_id, *who, rating, value, best, worst, on, url, why in db.by_ids(
        _REVIEWS, ids
    ):
        mine = reviews.setdefault(claim_id, [])
        rank = (on is not None, _iso(on))
        if (claim_id, who[0]) not in latest or (rank, len(mine)) >= latest[claim_id, who[0]]:
            latest[claim_id, who[0]] = (rank, len(mine))
        review = {
            "reviewer": {"id": who[0], "name": who[1], "kind": who[2]},
            "rating": rating,
            "value": value,
            "best": best,
            "worst": worst,
            "date": date_text(on, "day"),
            "url": url,
            "explanation": why,
            "latest": False,
            "evidence": [],
        }
        mine.append(review)
        by_review[review_id] = review
    for (claim_id, _), (_, index) in latest.items():
        reviews[claim_id][index]["latest"] = True
    evidence: dict[int, list[dict[str, Any]]] = {}
    for claim_id, review_id, *row in db.by_ids(_EVIDENCE, ids):
        item = _evidence(tuple(row))
        if claim_id is not None:
            evidence.setdefault(claim_id, []).append(item)
        else:
            by_review[review_id]["evidence"].append(item)
    return reviews, evidence


def _after(db: Database, change: int, table: str, row_key: str, after: str | None) -> Any:
    """A row's values after `change`: its after-image, or for a compact insert
    the next change's before-image, else the row as it stands, else its key."""
    if after is not None:
        return json.loads(after)
    later = db.rows(_LATER_IMAGE, [table, row_key, change])
    if later:
        return json.loads(later[0][0])
    key = json.loads(row_key)
    current = db.rows(_CURRENT_ROW[table], key)
    if current:
        return dict(zip(_CURRENT_COLUMNS[table], current[0], strict=True))
    return dict(zip(_KEY_COLUMNS[table], key, strict=True)) if table == "claimants" else None


def _actor_key(db: Database, actor_id: int) -> str:
    found = db.rows(_ACTOR_KEY, [actor_id])
    if found:
        return str(found[0][0])
    image = db.rows(_LAST_ACTOR_IMAGE, [json.dumps([actor_id])])
    key = json.loads(image[0][0]).get("key") if image and image[0][0] else None
    return str(key) if key else f"actor #{actor_id}"


def _said(db: Database, images: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Text, date and claimants (by key) as the images of a claim's rows give them."""
    fields: dict[str, Any] = {}
    if images["claims"]:
        row = images["claims"][-1]
        fields["text"] = row["text"]
        fields["stated"] = date_text(
            None if row["stated_on"] is None else str(row["stated_on"])[:10],
            row["stated_precision"],
        )
    people = sorted(images["claimants"], key=lambda r: r.get("position") or 0)
    if people:
        fields["claimants"] = [_actor_key(db, r["actor_id"]) for r in people]
    return fields


def corrections(db: Database, claim_id: int) -> list[dict[str, Any]]:
    """The corrections of claim `claim_id`, oldest first."""
    found = []
    for change, made_at, first_row, last_row in db.rows(_CORRECTED_BY, [claim_id]):
        before: dict[str, list[dict[str, Any]]] = {"claims": [], "claimants": []}
        after: dict[str, list[dict[str, Any]]] = {"claims": [], "claimants": []}
        updated = True
        for table, row_key, op, was, now in db.rows(
            _CHANGED_ROWS, [first_row, last_row, change, claim_id]
        ):
            if op in ("update", "delete"):
                before[table].append(json.loads(was) if was else {})
            if op in ("update", "insert"):
                values = _after(db, change, table, row_key, now)
                if values is not None:
                    after[table].append(values)
            if table == "claims" and op != "update":
                updated = False
        if not updated:
            continue
        old, new = _said(db, before), _said(db, after)
        fields = []
        for name in ("text", "stated"):
            if name in old and name in new and old[name] != new[name]:
                fields.append({"field": name, "before": old[name], "after": new[name]})
        if old.get("claimants", []) != new.get("claimants", []):
            keys = [*old.get("claimants", []), *new.get("claimants", [])]
            names: dict[str, str] = dict(
                db.rows(_NAMES.replace("{keys}", ",".join("?" * len(keys))), keys)
            )
            fields.append(
                {
                    "field": "claimants",
                    "before": [names.get(k, k) for k in old.get("claimants", [])],
                    "after": [names.get(k, k) for k in new.get("claimants", [])],
                }
            )
        if not fields:
            continue
        said = []
        for f in fields:
            if f["field"] == "text":
                said.append(f"the text was “{f['before']}”")
            elif f["field"] == "stated":
                said.append(f"the date was {f['before'] or 'undated'}")
            else:
                said.append(f"the claimants were {'; '.join(f['before']) or 'none'}")
        on = str(made_at)[:10]
        found.append(
            {
                "change": change,
                "on": on,
                "fields": fields,
                "text": f"Corrected {on}: " + "; ".join(said),
            }
        )
    return found


def listing(db: Database, sql: str, params: Sequence[Any] = ()) -> Iterator[dict[str, Any]]:
    """The claim objects of the claims `sql` selects, in its order, a batch at a time."""
    for rows in db.batches(sql, params):
        yield from claim_objects(db, rows)


def _limited(sql: str, limit: int | None) -> str:
    return sql if limit is None else f"{sql} LIMIT {int(limit)}"


# -- output: json.dumps(..., indent=2, ensure_ascii=False), written as it is built ------


def dumps(value: Any) -> bytes:
    try:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2)
    except TypeError:  # a lone surrogate: what orjson refuses, the standard library encodes
        return json.dumps(value, ensure_ascii=False, indent=2).encode("utf-8", "surrogatepass")


def write_array(out: BinaryIO, items: Iterable[Any], level: int = 0) -> None:
    """An indented JSON array at nesting `level`, an item at a time."""
    pad = b"\n" + b"  " * (level + 1)
    empty = True
    for item in items:
        out.write((b"[" if empty else b",") + pad + dumps(item).replace(b"\n", pad))
        empty = False
    out.write(b"[]" if empty else b"\n" + b"  " * level + b"]")


# -- commands ---------------------------------------------------------------------------


def cmd_claims(db: Database, out: BinaryIO, limit: int | None = None) -> None:
    write_array(out, listing(db, _limited(CLAIMS, limit)))
    out.write(b"\n")


def cmd_contested(db: Database, out: BinaryIO, limit: int | None = None) -> None:
    write_array(out, listing(db, _limited(CONTESTED, limit)))
    out.write(b"\n")


def cmd_show(db: Database, out: BinaryIO, key: str) -> None:
    found = db.rows(ONE_CLAIM, [key])
    if not found:
        raise PeerError(f"no claim {key!r}")
    shown = claim_objects(db, found)[0]
    shown["corrections"] = corrections(db, found[0][0])
    out.write(dumps(shown) + b"\n")


def cmd_by_actor(db: Database, out: BinaryIO, key: str) -> None:
    found = db.rows("SELECT id, key, name, kind, description FROM actors WHERE key = ?", [key])
    if not found:
        raise PeerError(f"no actor {key!r} (give its exact id)")
    actor_id, key, name, kind, description = found[0]
    aliases = db.rows("SELECT alias FROM aliases WHERE actor_id = ? ORDER BY id", [actor_id])
    roles = db.rows(
        """SELECT r.title, o.name, r.start_on, r.end_on
        FROM roles r JOIN actors o ON o.id = r.organization_id
        WHERE r.actor_id = ? ORDER BY r.id""",
        [actor_id],
    )
    actor = {
        "id": key,
        "name": name,
        "kind": kind,
        "description": description,
        "aliases": [a for (a,) in aliases if a != name],
        "roles": [
            {"title": t, "of": o, "start": date_text(s, "day"), "end": date_text(e, "day")}
            for t, o, s, e in roles
        ],
        "members": [],
    }
    out.write(b'{\n  "actor": ' + dumps(actor).replace(b"\n", b"\n  ") + b',\n  "claims": ')
    write_array(out, listing(db, CLAIMED_BY, [actor_id]), 1)
    out.write(b',\n  "counters": ')
    write_array(out, listing(db, COUNTERED_BY, [actor_id]), 1)
    out.write(b"\n}\n")


def cmd_search(db: Database, out: BinaryIO, query: str, limit: int = 20) -> None:
    groups = parse_query(query)
    if db.postgresql:
        statements, compiled = _SEARCH_POSTGRESQL, websearch_query(groups)
    else:
        statements, compiled = _SEARCH_SQLITE, fts5_query(groups)
    hits = []
    for kind in _KINDS:
        for claim, source, snippet, quoted_by in db.rows(statements[kind], [compiled, limit]):
            plain, spans = highlights(" ".join(snippet.split()))
            hit: dict[str, Any] = {
                "kind": kind,
                "claim": claim,
                "source": source,
                "snippet": plain,
                "highlights": spans,
            }
            if kind == "sources":
                hit["quoted_by"] = int(quoted_by)
            hits.append(hit)
    out.write(dumps(hits) + b"\n")


def sqlite_utils_argv(path: str) -> list[str] | None:
    """The `sqlite-utils` command that runs the statement on its standard input
    (benchmarks/peers/contested.sql) on database file `path`, or None when
    sqlite-utils is not installed."""
    found = Path(sys.executable).with_name("sqlite-utils")
    program = str(found) if found.exists() else shutil.which("sqlite-utils")
    if program is None:
        return None
    return [program, "query", path, "-", "--raw-lines"]


def cmd_contested_sql(url: str, out: BinaryIO) -> None:
    """contested.sql through sqlite-utils (which replaces this process), else sqlite3."""
    if url.startswith("postgres"):
        raise PeerError("contested-sql is for SQLite")
    path = url.removeprefix("sqlite:///") if "://" in url else url
    if not Path(path).is_file():
        raise PeerError(f"no database file {path}")
    sql_file = SQL_DIR / "contested.sql"
    argv = sqlite_utils_argv(path)
    if argv is not None:
        out.flush()
        with sql_file.open("rb") as sql:
            os.dup2(sql.fileno(), 0)
        os.execv(argv[0], argv)
    connection = sqlite3.connect(path)
    for (line,) in connection.execute(sql_file.read_text(encoding="utf-8")):
        out.write(line.encode() + b"\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, metavar="URL")
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("contested", "claims"):
        commands.add_parser(name).add_argument("--limit", type=int)
    commands.add_parser("by-actor").add_argument("actor_id")
    commands.add_parser("show").add_argument("claim_id")
    search = commands.add_parser("search")
    search.add_argument("query")
    search.add_argument("--limit", type=int, default=20)
    commands.add_parser("contested-sql")
    args = parser.parse_args(argv)
    out = sys.stdout.buffer
    try:
        if args.command == "contested-sql":
            cmd_contested_sql(args.db, out)
            return 0
        db = Database(args.db)
        run: dict[str, Callable[[], None]] = {
            "contested": lambda: cmd_contested(db, out, args.limit),
            "claims": lambda: cmd_claims(db, out, args.limit),
            "by-actor": lambda: cmd_by_actor(db, out, args.actor_id),
            "show": lambda: cmd_show(db, out, args.claim_id),
            "search": lambda: cmd_search(db, out, args.query, args.limit),
        }
        try:
            run[args.command]()
        finally:
            db.close()
    except PeerError as exc:
        out.flush()
        print(f"Error: {exc}", file=sys.stderr)
        return exc.exit_code
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
