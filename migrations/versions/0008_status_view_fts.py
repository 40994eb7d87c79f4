"""the claim_status view; full-text search tables Datasette finds

Revision ID: 0008
Revises: 0007

The derived status, visible to SQL: `claim_status` has a row per claim with
its status (contested, corroborated, uncontested, retracted) and counts
(tracker.record.status_view describes the columns), so that psql and
Datasette users filter by what the listings show. Its SQL is the rules of
tracker.record.status compiled for each backend, frozen below as they were
when this revision was written; tests/test_sql_access.py fails when the
rules change without a revision that replaces the view.

Full-text search: Datasette finds an FTS table by its CREATE statement
naming the content table as `content="claims"` or `content=[claims]`; 0003
wrote `content='claims'`, which it misses (no search box, and `?_search=`
silently returning every row). On SQLite the three FTS5 tables are made
again with the option double-quoted and their index rebuilt from the
content tables (an FTS5 table's options are fixed when it is created; the
triggers of 0003 name the tables, not their options, and stand). PostgreSQL
searches through GIN indexes: nothing to do there.

A later revision that rebuilds claims, claimants, relations, appearances,
reviews or actor_sides on SQLite (batch mode recreates a table to alter it)
must drop this view first and create it again afterwards: SQLite refuses to
rename a table while a view names one that is missing.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (search object, table, column), as 0003 made them.
SEARCHED = [
    ("search_claims", "claims", "text"),
    ("search_quotes", "appearances", "quote"),
    ("search_sources", "sources", "text"),
]
TOKENIZE = "tokenize='porter unicode61 remove_diacritics 0'"


def _search_tables(quoted: str) -> None:
    """Make each FTS5 table again, its content table named as `quoted`
    formats it, and fill its index from that table."""
    if op.get_bind().dialect.name != "sqlite":
        return
    for name, table, column in SEARCHED:
        content = quoted.format(table)
        op.execute(f"DROP TABLE {name}")
        op.execute(
            f"CREATE VIRTUAL TABLE {name} USING fts5({column}, content={content},"
            f" content_rowid='id', {TOKENIZE})"
        )
        op.execute(f"INSERT INTO {name}({name}) VALUES ('rebuild')")


def upgrade() -> None:
    view = SQLITE_VIEW if op.get_bind().dialect.name == "sqlite" else POSTGRESQL_VIEW
    op.execute(f"CREATE VIEW claim_status AS {view}")
    _search_tables('"{}"')


def downgrade() -> None:
    op.execute("DROP VIEW claim_status")
    _search_tables("'{}'")


# The view's SELECT, as tracker.record.status_view.view_sql wrote it for this
# revision; never edit it: a change of the rules is a new revision.
SQLITE_VIEW = (
    'SELECT claims.id AS claim_id, claims."key" AS "key", CASE WHEN (EXISTS (SELECT 1 AS '
    "anon_1 FROM relations AS relations_1, claimants AS claimants_1, claimants AS claimants_2 "
    "WHERE relations_1.to_claim_id = claims.id AND relations_1.relation = 'retracts' AND "
    "claimants_1.claim_id = relations_1.from_claim_id AND claimants_2.claim_id = claims.id "
    "AND claimants_2.actor_id = claimants_1.actor_id LIMIT -1 OFFSET 0)) THEN 'retracted' "
    "WHEN (EXISTS (SELECT 1 AS anon_2 FROM relations AS relations_2 WHERE "
    "(relations_2.to_claim_id = claims.id OR relations_2.from_claim_id = claims.id) AND "
    "relations_2.relation IN ('denies', 'disputes', 'undercuts') AND (EXISTS (SELECT * FROM "
    "claimants AS claimants_3, claims AS claims_1 WHERE claimants_3.claim_id = "
    "relations_2.from_claim_id AND claims_1.id = relations_2.from_claim_id AND NOT (EXISTS "
    "(SELECT 1 AS anon_3 FROM claimants AS claimants_4 JOIN claims AS claims_2 ON claims_2.id "
    "= claimants_4.claim_id JOIN actor_sides AS actor_sides_1 ON actor_sides_1.actor_id = "
    "claimants_4.actor_id JOIN actor_sides AS actor_sides_2 ON actor_sides_2.side_id = "
    "actor_sides_1.side_id WHERE claimants_4.claim_id = relations_2.to_claim_id AND "
    "actor_sides_2.actor_id = claimants_3.actor_id AND (claims_2.stated_on IS NULL OR "
    "(actor_sides_1.from_on IS NULL OR actor_sides_1.from_on <= claims_2.stated_until) AND "
    "(actor_sides_1.until_on IS NULL OR actor_sides_1.until_on >= claims_2.stated_on)) AND "
    "(claims_1.stated_on IS NULL OR (actor_sides_2.from_on IS NULL OR actor_sides_2.from_on "
    "<= claims_1.stated_until) AND (actor_sides_2.until_on IS NULL OR actor_sides_2.until_on "
    ">= claims_1.stated_on)))))) AND NOT (EXISTS (SELECT 1 AS anon_4 FROM relations AS "
    "relations_3, claimants AS claimants_5, claimants AS claimants_6 WHERE "
    "relations_3.to_claim_id = relations_2.from_claim_id AND relations_3.relation = "
    "'retracts' AND claimants_5.claim_id = relations_3.from_claim_id AND claimants_6.claim_id "
    "= relations_2.from_claim_id AND claimants_6.actor_id = claimants_5.actor_id LIMIT -1 "
    "OFFSET 0)) AND NOT (EXISTS (SELECT 1 AS anon_5 FROM relations AS relations_4, claimants "
    "AS claimants_7, claimants AS claimants_8 WHERE relations_4.to_claim_id = "
    "relations_2.to_claim_id AND relations_4.relation = 'retracts' AND claimants_7.claim_id = "
    "relations_4.from_claim_id AND claimants_8.claim_id = relations_2.to_claim_id AND "
    "claimants_8.actor_id = claimants_7.actor_id LIMIT -1 OFFSET 0)) LIMIT -1 OFFSET 0)) THEN "
    "'contested' WHEN (EXISTS (SELECT 1 AS anon_6 FROM relations AS relations_5 WHERE "
    "relations_5.to_claim_id = claims.id AND relations_5.relation = 'corroborates' AND "
    "(EXISTS (SELECT * FROM claimants AS claimants_9, claims AS claims_3 WHERE "
    "claimants_9.claim_id = relations_5.from_claim_id AND claims_3.id = "
    "relations_5.from_claim_id AND NOT (EXISTS (SELECT 1 AS anon_7 FROM claimants AS "
    "claimants_10 JOIN claims AS claims_4 ON claims_4.id = claimants_10.claim_id JOIN "
    "actor_sides AS actor_sides_3 ON actor_sides_3.actor_id = claimants_10.actor_id JOIN "
    "actor_sides AS actor_sides_4 ON actor_sides_4.side_id = actor_sides_3.side_id WHERE "
    "claimants_10.claim_id = relations_5.to_claim_id AND actor_sides_4.actor_id = "
    "claimants_9.actor_id AND (claims_4.stated_on IS NULL OR (actor_sides_3.from_on IS NULL "
    "OR actor_sides_3.from_on <= claims_4.stated_until) AND (actor_sides_3.until_on IS NULL "
    "OR actor_sides_3.until_on >= claims_4.stated_on)) AND (claims_3.stated_on IS NULL OR "
    "(actor_sides_4.from_on IS NULL OR actor_sides_4.from_on <= claims_3.stated_until) AND "
    "(actor_sides_4.until_on IS NULL OR actor_sides_4.until_on >= claims_3.stated_on)))))) "
    "AND NOT (EXISTS (SELECT 1 AS anon_8 FROM relations AS relations_6, claimants AS "
    "claimants_11, claimants AS claimants_12 WHERE relations_6.to_claim_id = "
    "relations_5.from_claim_id AND relations_6.relation = 'retracts' AND "
    "claimants_11.claim_id = relations_6.from_claim_id AND claimants_12.claim_id = "
    "relations_5.from_claim_id AND claimants_12.actor_id = claimants_11.actor_id LIMIT -1 "
    "OFFSET 0)) LIMIT -1 OFFSET 0)) THEN 'corroborated' ELSE 'uncontested' END AS status, "
    "(SELECT count(distinct(appearances.source_id)) AS count_1 FROM appearances WHERE "
    "appearances.claim_id = claims.id) AS sources, (SELECT count(*) AS count_2 FROM "
    "appearances WHERE appearances.claim_id = claims.id) AS appearances, (SELECT count(*) AS "
    "count_3 FROM relations AS relations_7 WHERE relations_7.to_claim_id = claims.id AND "
    "relations_7.relation IN ('denies', 'disputes', 'undercuts') AND (EXISTS (SELECT * FROM "
    "claimants AS claimants_13, claims AS claims_5 WHERE claimants_13.claim_id = "
    "relations_7.from_claim_id AND claims_5.id = relations_7.from_claim_id AND NOT (EXISTS "
    "(SELECT 1 AS anon_9 FROM claimants AS claimants_14 JOIN claims AS claims_6 ON "
    "claims_6.id = claimants_14.claim_id JOIN actor_sides AS actor_sides_5 ON "
    "actor_sides_5.actor_id = claimants_14.actor_id JOIN actor_sides AS actor_sides_6 ON "
    "actor_sides_6.side_id = actor_sides_5.side_id WHERE claimants_14.claim_id = "
    "relations_7.to_claim_id AND actor_sides_6.actor_id = claimants_13.actor_id AND "
    "(claims_6.stated_on IS NULL OR (actor_sides_5.from_on IS NULL OR actor_sides_5.from_on "
    "<= claims_6.stated_until) AND (actor_sides_5.until_on IS NULL OR actor_sides_5.until_on "
    ">= claims_6.stated_on)) AND (claims_5.stated_on IS NULL OR (actor_sides_6.from_on IS "
    "NULL OR actor_sides_6.from_on <= claims_5.stated_until) AND (actor_sides_6.until_on IS "
    "NULL OR actor_sides_6.until_on >= claims_5.stated_on)))))) AND NOT (EXISTS (SELECT 1 AS "
    "anon_10 FROM relations AS relations_8, claimants AS claimants_15, claimants AS "
    "claimants_16 WHERE relations_8.to_claim_id = relations_7.from_claim_id AND "
    "relations_8.relation = 'retracts' AND claimants_15.claim_id = relations_8.from_claim_id "
    "AND claimants_16.claim_id = relations_7.from_claim_id AND claimants_16.actor_id = "
    "claimants_15.actor_id LIMIT -1 OFFSET 0)) AND NOT (EXISTS (SELECT 1 AS anon_11 FROM "
    "relations AS relations_9, claimants AS claimants_17, claimants AS claimants_18 WHERE "
    "relations_9.to_claim_id = relations_7.to_claim_id AND relations_9.relation = 'retracts' "
    "AND claimants_17.claim_id = relations_9.from_claim_id AND claimants_18.claim_id = "
    "relations_7.to_claim_id AND claimants_18.actor_id = claimants_17.actor_id LIMIT -1 "
    "OFFSET 0))) AS countered_by, (SELECT count(*) AS count_4 FROM relations AS relations_10 "
    "WHERE relations_10.from_claim_id = claims.id AND relations_10.relation IN ('denies', "
    "'disputes', 'undercuts') AND (EXISTS (SELECT * FROM claimants AS claimants_19, claims AS "
    "claims_7 WHERE claimants_19.claim_id = relations_10.from_claim_id AND claims_7.id = "
    "relations_10.from_claim_id AND NOT (EXISTS (SELECT 1 AS anon_12 FROM claimants AS "
    "claimants_20 JOIN claims AS claims_8 ON claims_8.id = claimants_20.claim_id JOIN "
    "actor_sides AS actor_sides_7 ON actor_sides_7.actor_id = claimants_20.actor_id JOIN "
    "actor_sides AS actor_sides_8 ON actor_sides_8.side_id = actor_sides_7.side_id WHERE "
    "claimants_20.claim_id = relations_10.to_claim_id AND actor_sides_8.actor_id = "
    "claimants_19.actor_id AND (claims_8.stated_on IS NULL OR (actor_sides_7.from_on IS NULL "
    "OR actor_sides_7.from_on <= claims_8.stated_until) AND (actor_sides_7.until_on IS NULL "
    "OR actor_sides_7.until_on >= claims_8.stated_on)) AND (claims_7.stated_on IS NULL OR "
    "(actor_sides_8.from_on IS NULL OR actor_sides_8.from_on <= claims_7.stated_until) AND "
    "(actor_sides_8.until_on IS NULL OR actor_sides_8.until_on >= claims_7.stated_on)))))) "
    "AND NOT (EXISTS (SELECT 1 AS anon_13 FROM relations AS relations_11, claimants AS "
    "claimants_21, claimants AS claimants_22 WHERE relations_11.to_claim_id = "
    "relations_10.from_claim_id AND relations_11.relation = 'retracts' AND "
    "claimants_21.claim_id = relations_11.from_claim_id AND claimants_22.claim_id = "
    "relations_10.from_claim_id AND claimants_22.actor_id = claimants_21.actor_id LIMIT -1 "
    "OFFSET 0)) AND NOT (EXISTS (SELECT 1 AS anon_14 FROM relations AS relations_12, "
    "claimants AS claimants_23, claimants AS claimants_24 WHERE relations_12.to_claim_id = "
    "relations_10.to_claim_id AND relations_12.relation = 'retracts' AND "
    "claimants_23.claim_id = relations_12.from_claim_id AND claimants_24.claim_id = "
    "relations_10.to_claim_id AND claimants_24.actor_id = claimants_23.actor_id LIMIT -1 "
    "OFFSET 0))) AS counters, (SELECT count(*) AS count_5 FROM reviews WHERE reviews.claim_id "
    "= claims.id) AS reviews FROM claims"
)
POSTGRESQL_VIEW = (
    "SELECT claims.id AS claim_id, claims.key AS key, CASE WHEN (EXISTS (SELECT 1 AS anon_1 "
    "FROM relations AS relations_1, claimants AS claimants_1, claimants AS claimants_2 WHERE "
    "relations_1.to_claim_id = claims.id AND relations_1.relation = 'retracts' AND "
    "claimants_1.claim_id = relations_1.from_claim_id AND claimants_2.claim_id = claims.id "
    "AND claimants_2.actor_id = claimants_1.actor_id LIMIT ALL OFFSET 0)) THEN 'retracted' "
    "WHEN (EXISTS (SELECT 1 AS anon_2 FROM relations AS relations_2 WHERE "
    "(relations_2.to_claim_id = claims.id OR relations_2.from_claim_id = claims.id) AND "
    "relations_2.relation IN ('denies', 'disputes', 'undercuts') AND (EXISTS (SELECT * FROM "
    "claimants AS claimants_3, claims AS claims_1 WHERE claimants_3.claim_id = "
    "relations_2.from_claim_id AND claims_1.id = relations_2.from_claim_id AND NOT (EXISTS "
    "(SELECT 1 AS anon_3 FROM claimants AS claimants_4 JOIN claims AS claims_2 ON claims_2.id "
    "= claimants_4.claim_id JOIN actor_sides AS actor_sides_1 ON actor_sides_1.actor_id = "
    "claimants_4.actor_id JOIN actor_sides AS actor_sides_2 ON actor_sides_2.side_id = "
    "actor_sides_1.side_id WHERE claimants_4.claim_id = relations_2.to_claim_id AND "
    "actor_sides_2.actor_id = claimants_3.actor_id AND (claims_2.stated_on IS NULL OR "
    "(actor_sides_1.from_on IS NULL OR actor_sides_1.from_on <= claims_2.stated_until) AND "
    "(actor_sides_1.until_on IS NULL OR actor_sides_1.until_on >= claims_2.stated_on)) AND "
    "(claims_1.stated_on IS NULL OR (actor_sides_2.from_on IS NULL OR actor_sides_2.from_on "
    "<= claims_1.stated_until) AND (actor_sides_2.until_on IS NULL OR actor_sides_2.until_on "
    ">= claims_1.stated_on)))))) AND NOT (EXISTS (SELECT 1 AS anon_4 FROM relations AS "
    "relations_3, claimants AS claimants_5, claimants AS claimants_6 WHERE "
    "relations_3.to_claim_id = relations_2.from_claim_id AND relations_3.relation = "
    "'retracts' AND claimants_5.claim_id = relations_3.from_claim_id AND claimants_6.claim_id "
    "= relations_2.from_claim_id AND claimants_6.actor_id = claimants_5.actor_id LIMIT ALL "
    "OFFSET 0)) AND NOT (EXISTS (SELECT 1 AS anon_5 FROM relations AS relations_4, claimants "
    "AS claimants_7, claimants AS claimants_8 WHERE relations_4.to_claim_id = "
    "relations_2.to_claim_id AND relations_4.relation = 'retracts' AND claimants_7.claim_id = "
    "relations_4.from_claim_id AND claimants_8.claim_id = relations_2.to_claim_id AND "
    "claimants_8.actor_id = claimants_7.actor_id LIMIT ALL OFFSET 0)) LIMIT ALL OFFSET 0)) "
    "THEN 'contested' WHEN (EXISTS (SELECT 1 AS anon_6 FROM relations AS relations_5 WHERE "
    "relations_5.to_claim_id = claims.id AND relations_5.relation = 'corroborates' AND "
    "(EXISTS (SELECT * FROM claimants AS claimants_9, claims AS claims_3 WHERE "
    "claimants_9.claim_id = relations_5.from_claim_id AND claims_3.id = "
    "relations_5.from_claim_id AND NOT (EXISTS (SELECT 1 AS anon_7 FROM claimants AS "
    "claimants_10 JOIN claims AS claims_4 ON claims_4.id = claimants_10.claim_id JOIN "
    "actor_sides AS actor_sides_3 ON actor_sides_3.actor_id = claimants_10.actor_id JOIN "
    "actor_sides AS actor_sides_4 ON actor_sides_4.side_id = actor_sides_3.side_id WHERE "
    "claimants_10.claim_id = relations_5.to_claim_id AND actor_sides_4.actor_id = "
    "claimants_9.actor_id AND (claims_4.stated_on IS NULL OR (actor_sides_3.from_on IS NULL "
    "OR actor_sides_3.from_on <= claims_4.stated_until) AND (actor_sides_3.until_on IS NULL "
    "OR actor_sides_3.until_on >= claims_4.stated_on)) AND (claims_3.stated_on IS NULL OR "
    "(actor_sides_4.from_on IS NULL OR actor_sides_4.from_on <= claims_3.stated_until) AND "
    "(actor_sides_4.until_on IS NULL OR actor_sides_4.until_on >= claims_3.stated_on)))))) "
    "AND NOT (EXISTS (SELECT 1 AS anon_8 FROM relations AS relations_6, claimants AS "
    "claimants_11, claimants AS claimants_12 WHERE relations_6.to_claim_id = "
    "relations_5.from_claim_id AND relations_6.relation = 'retracts' AND "
    "claimants_11.claim_id = relations_6.from_claim_id AND claimants_12.claim_id = "
    "relations_5.from_claim_id AND claimants_12.actor_id = claimants_11.actor_id LIMIT ALL "
    "OFFSET 0)) LIMIT ALL OFFSET 0)) THEN 'corroborated' ELSE 'uncontested' END AS status, "
    "(SELECT count(distinct(appearances.source_id)) AS count_1 FROM appearances WHERE "
    "appearances.claim_id = claims.id) AS sources, (SELECT count(*) AS count_2 FROM "
    "appearances WHERE appearances.claim_id = claims.id) AS appearances, (SELECT count(*) AS "
    "count_3 FROM relations AS relations_7 WHERE relations_7.to_claim_id = claims.id AND "
    "relations_7.relation IN ('denies', 'disputes', 'undercuts') AND (EXISTS (SELECT * FROM "
    "claimants AS claimants_13, claims AS claims_5 WHERE claimants_13.claim_id = "
    "relations_7.from_claim_id AND claims_5.id = relations_7.from_claim_id AND NOT (EXISTS "
    "(SELECT 1 AS anon_9 FROM claimants AS claimants_14 JOIN claims AS claims_6 ON "
    "claims_6.id = claimants_14.claim_id JOIN actor_sides AS actor_sides_5 ON "
    "actor_sides_5.actor_id = claimants_14.actor_id JOIN actor_sides AS actor_sides_6 ON "
    "actor_sides_6.side_id = actor_sides_5.side_id WHERE claimants_14.claim_id = "
    "relations_7.to_claim_id AND actor_sides_6.actor_id = claimants_13.actor_id AND "
    "(claims_6.stated_on IS NULL OR (actor_sides_5.from_on IS NULL OR actor_sides_5.from_on "
    "<= claims_6.stated_until) AND (actor_sides_5.until_on IS NULL OR actor_sides_5.until_on "
    ">= claims_6.stated_on)) AND (claims_5.stated_on IS NULL OR (actor_sides_6.from_on IS "
    "NULL OR actor_sides_6.from_on <= claims_5.stated_until) AND (actor_sides_6.until_on IS "
    "NULL OR actor_sides_6.until_on >= claims_5.stated_on)))))) AND NOT (EXISTS (SELECT 1 AS "
    "anon_10 FROM relations AS relations_8, claimants AS claimants_15, claimants AS "
    "claimants_16 WHERE relations_8.to_claim_id = relations_7.from_claim_id AND "
    "relations_8.relation = 'retracts' AND claimants_15.claim_id = relations_8.from_claim_id "
    "AND claimants_16.claim_id = relations_7.from_claim_id AND claimants_16.actor_id = "
    "claimants_15.actor_id LIMIT ALL OFFSET 0)) AND NOT (EXISTS (SELECT 1 AS anon_11 FROM "
    "relations AS relations_9, claimants AS claimants_17, claimants AS claimants_18 WHERE "
    "relations_9.to_claim_id = relations_7.to_claim_id AND relations_9.relation = 'retracts' "
    "AND claimants_17.claim_id = relations_9.from_claim_id AND claimants_18.claim_id = "
    "relations_7.to_claim_id AND claimants_18.actor_id = claimants_17.actor_id LIMIT ALL "
    "OFFSET 0))) AS countered_by, (SELECT count(*) AS count_4 FROM relations AS relations_10 "
    "WHERE relations_10.from_claim_id = claims.id AND relations_10.relation IN ('denies', "
    "'disputes', 'undercuts') AND (EXISTS (SELECT * FROM claimants AS claimants_19, claims AS "
    "claims_7 WHERE claimants_19.claim_id = relations_10.from_claim_id AND claims_7.id = "
    "relations_10.from_claim_id AND NOT (EXISTS (SELECT 1 AS anon_12 FROM claimants AS "
    "claimants_20 JOIN claims AS claims_8 ON claims_8.id = claimants_20.claim_id JOIN "
    "actor_sides AS actor_sides_7 ON actor_sides_7.actor_id = claimants_20.actor_id JOIN "
    "actor_sides AS actor_sides_8 ON actor_sides_8.side_id = actor_sides_7.side_id WHERE "
    "claimants_20.claim_id = relations_10.to_claim_id AND actor_sides_8.actor_id = "
    "claimants_19.actor_id AND (claims_8.stated_on IS NULL OR (actor_sides_7.from_on IS NULL "
    "OR actor_sides_7.from_on <= claims_8.stated_until) AND (actor_sides_7.until_on IS NULL "
    "OR actor_sides_7.until_on >= claims_8.stated_on)) AND (claims_7.stated_on IS NULL OR "
    "(actor_sides_8.from_on IS NULL OR actor_sides_8.from_on <= claims_7.stated_until) AND "
    "(actor_sides_8.until_on IS NULL OR actor_sides_8.until_on >= claims_7.stated_on)))))) "
    "AND NOT (EXISTS (SELECT 1 AS anon_13 FROM relations AS relations_11, claimants AS "
    "claimants_21, claimants AS claimants_22 WHERE relations_11.to_claim_id = "
    "relations_10.from_claim_id AND relations_11.relation = 'retracts' AND "
    "claimants_21.claim_id = relations_11.from_claim_id AND claimants_22.claim_id = "
    "relations_10.from_claim_id AND claimants_22.actor_id = claimants_21.actor_id LIMIT ALL "
    "OFFSET 0)) AND NOT (EXISTS (SELECT 1 AS anon_14 FROM relations AS relations_12, "
    "claimants AS claimants_23, claimants AS claimants_24 WHERE relations_12.to_claim_id = "
    "relations_10.to_claim_id AND relations_12.relation = 'retracts' AND "
    "claimants_23.claim_id = relations_12.from_claim_id AND claimants_24.claim_id = "
    "relations_10.to_claim_id AND claimants_24.actor_id = claimants_23.actor_id LIMIT ALL "
    "OFFSET 0))) AS counters, (SELECT count(*) AS count_5 FROM reviews WHERE reviews.claim_id "
    "= claims.id) AS reviews FROM claims"
)
