-- `tracker contested -f json`, built inside SQLite in one statement.
--
-- Run as `sqlite-utils query DB - --raw-lines < contested.sql` (or through
-- benchmarks/peers.py contested-sql): one line per claim, `[{...}` first, `,{...}`
-- after, the last closed by `]` (or the one line `[]`), so the lines joined are
-- the JSON array tracker prints, compact, its rows streamed as they are built.
--
-- The status rules of tracker/record/status.py, as sets: `retracted` (a claim
-- sharing a claimant retracts it), `contests` (a denies / disputes / undercuts
-- relation between standing claims, from a claim with a claimant who shares no
-- side with any claimant of its target, each side held at its own claim's date;
-- an undated claim keeps every side) and `heads` (claims another side contests,
-- except where the claim contests that answerer back and the answerer is the
-- earlier: the contest is then listed under the answerer). A head stands and is
-- in a contest: its status is 'contested'.
WITH
retracted AS MATERIALIZED (
    SELECT DISTINCT x.to_claim_id AS claim_id
    FROM relations x
    JOIN claimants xt ON xt.claim_id = x.from_claim_id
    JOIN claimants xo ON xo.claim_id = x.to_claim_id AND xo.actor_id = xt.actor_id
    WHERE x.relation = 'retracts'
),
contests AS MATERIALIZED (
    SELECT r.id, r.from_claim_id, r.to_claim_id
    FROM relations r
    WHERE r.relation IN ('denies', 'disputes', 'undercuts')
      AND r.from_claim_id NOT IN (SELECT claim_id FROM retracted)
      AND r.to_claim_id NOT IN (SELECT claim_id FROM retracted)
      AND EXISTS (
          SELECT 1 FROM claimants ours JOIN claims us ON us.id = ours.claim_id
          WHERE ours.claim_id = r.from_claim_id AND NOT EXISTS (
              SELECT 1 FROM claimants theirs
              JOIN claims them ON them.id = theirs.claim_id
              JOIN actor_sides ts ON ts.actor_id = theirs.actor_id
              JOIN actor_sides os ON os.side_id = ts.side_id
              WHERE theirs.claim_id = r.to_claim_id AND os.actor_id = ours.actor_id
                AND (them.stated_on IS NULL
                     OR ((ts.from_on IS NULL OR ts.from_on <= them.stated_until)
                         AND (ts.until_on IS NULL OR ts.until_on >= them.stated_on)))
                AND (us.stated_on IS NULL
                     OR ((os.from_on IS NULL OR os.from_on <= us.stated_until)
                         AND (os.until_on IS NULL OR os.until_on >= us.stated_on)))))
),
heads AS MATERIALIZED (
    SELECT DISTINCT c.id, c.key, c.text, c.stated_on, c.stated_precision,
           c.first_source_id, c.first_url
    FROM contests k
    JOIN claims c ON c.id = k.to_claim_id
    JOIN claims a ON a.id = k.from_claim_id
    WHERE NOT (
        -- the answerer is the earlier: dated before undated, then by date, then by id
        ((a.stated_on IS NOT NULL AND (c.stated_on IS NULL OR a.stated_on < c.stated_on
              OR (a.stated_on = c.stated_on AND a.key < c.key)))
         OR (a.stated_on IS NULL AND c.stated_on IS NULL AND a.key < c.key))
        AND EXISTS (SELECT 1 FROM contests b
                    WHERE b.from_claim_id = c.id AND b.to_claim_id = k.from_claim_id))
),
numbered AS (
    SELECT h.*,
           row_number() OVER (ORDER BY h.stated_on DESC NULLS LAST, h.key) AS n,
           count(*) OVER () AS total
    FROM heads h
)
SELECT CASE WHEN h.n IS NULL THEN '[]' ELSE
    CASE WHEN h.n = 1 THEN '[' ELSE ',' END
    || json_object(
        'id', h.key,
        'text', h.text,
        'claimants', json((
            SELECT json_group_array(json_object('id', x.key, 'name', x.name, 'kind', x.kind))
            FROM (SELECT a.key, a.name, a.kind
                  FROM claimants m JOIN actors a ON a.id = m.actor_id
                  WHERE m.claim_id = h.id ORDER BY m.position) AS x)),
        'stated_on', substr(h.stated_on, 1,
            CASE h.stated_precision WHEN 'year' THEN 4 WHEN 'month' THEN 7 ELSE 10 END),
        'stated_precision', h.stated_precision,
        'status', 'contested',
        'topics', json((
            SELECT json_group_array(x.topic)
            FROM (SELECT topic FROM topics WHERE claim_id = h.id ORDER BY topic) AS x)),
        'sources', (SELECT count(DISTINCT source_id) FROM appearances WHERE claim_id = h.id),
        'appearances', json((
            SELECT json_group_array(json_object(
                'source', x.source, 'outlet', x.outlet, 'title', x.title,
                'published_on', substr(x.published_on, 1,
                    CASE x.published_precision WHEN 'year' THEN 4 WHEN 'month' THEN 7
                    ELSE 10 END),
                'quote', x.quote, 'start', x.start_offset, 'end', x.end_offset,
                'prefix', x.prefix, 'suffix', x.suffix, 'type', x.type, 'cue', x.cue,
                'via', x.via))
            FROM (SELECT s.key AS source, s.outlet, s.title, s.published_on,
                         s.published_precision, p.quote, p.start_offset, p.end_offset,
                         p.prefix, p.suffix, p.type, p.cue, v.name AS via
                  FROM appearances p
                  JOIN sources s ON s.id = p.source_id
                  LEFT JOIN actors v ON v.id = p.via_actor_id
                  WHERE p.claim_id = h.id ORDER BY p.id) AS x)),
        -- oldest first, undated last
        'counter_claims', json((
            SELECT json_group_array(json_object(
                'relation', x.relation,
                'contest', json(CASE WHEN x.contest THEN 'true' ELSE 'false' END),
                'id', x.key, 'text', x.text,
                'claimants', json((
                    SELECT json_group_array(json_object('id', y.key, 'name', y.name,
                                                        'kind', y.kind))
                    FROM (SELECT a.key, a.name, a.kind
                          FROM claimants m JOIN actors a ON a.id = m.actor_id
                          WHERE m.claim_id = x.other ORDER BY m.position) AS y)),
                'stated_on', substr(x.stated_on, 1,
                    CASE x.stated_precision WHEN 'year' THEN 4 WHEN 'month' THEN 7
                    ELSE 10 END)))
            FROM (SELECT r.relation, r.id IN (SELECT id FROM contests) AS contest,
                         o.id AS other, o.key, o.text, o.stated_on, o.stated_precision
                  FROM relations r JOIN claims o ON o.id = r.from_claim_id
                  WHERE r.to_claim_id = h.id
                    AND r.relation IN ('denies', 'disputes', 'undercuts')
                  ORDER BY o.stated_on IS NULL, o.stated_on, o.key) AS x)),
        -- this claim's relations to others, then others' to it, each by relation id
        'relations', json((
            SELECT json_group_array(json_object(
                'direction', x.direction,
                'relation', x.relation,
                'contest', json(CASE WHEN x.contest THEN 'true' ELSE 'false' END),
                'id', x.key, 'text', x.text,
                'claimants', json((
                    SELECT json_group_array(json_object('id', y.key, 'name', y.name,
                                                        'kind', y.kind))
                    FROM (SELECT a.key, a.name, a.kind
                          FROM claimants m JOIN actors a ON a.id = m.actor_id
                          WHERE m.claim_id = x.other ORDER BY m.position) AS y)),
                'stated_on', substr(x.stated_on, 1,
                    CASE x.stated_precision WHEN 'year' THEN 4 WHEN 'month' THEN 7
                    ELSE 10 END)))
            FROM (SELECT 'out' AS direction, 0 AS side, r.id AS relation_id, r.relation,
                         r.id IN (SELECT id FROM contests) AS contest,
                         o.id AS other, o.key, o.text, o.stated_on, o.stated_precision
                  FROM relations r JOIN claims o ON o.id = r.to_claim_id
                  WHERE r.from_claim_id = h.id
                  UNION ALL
                  SELECT 'in', 1, r.id, r.relation, r.id IN (SELECT id FROM contests),
                         o.id, o.key, o.text, o.stated_on, o.stated_precision
                  FROM relations r JOIN claims o ON o.id = r.from_claim_id
                  WHERE r.to_claim_id = h.id
                  ORDER BY side, relation_id) AS x)),
        'first_appearance', json(CASE
            WHEN h.first_source_id IS NULL AND h.first_url IS NULL THEN NULL
            ELSE json_object(
                'source', (SELECT f.key FROM sources f WHERE f.id = h.first_source_id),
                'url', h.first_url) END),
        -- in the order recorded; each reviewer's latest (dated after undated, then by
        -- date, then the one recorded last) marked
        'reviews', json((
            SELECT json_group_array(json_object(
                'reviewer', json_object('id', x.reviewer, 'name', x.name, 'kind', x.kind),
                'rating', x.rating, 'value', x.rating_value, 'best', x.best_rating,
                'worst', x.worst_rating, 'date', x.reviewed_on, 'url', x.url,
                'explanation', x.explanation,
                'latest', json(CASE WHEN x.latest THEN 'true' ELSE 'false' END),
                'evidence', json((
                    SELECT json_group_array(json_object(
                        'url', e.url, 'title', e.title, 'kind', e.kind,
                        'date', e.published_on, 'shows', e.shows, 'stance', e.stance))
                    FROM (SELECT * FROM evidence WHERE review_id = x.id
                          ORDER BY position, id) AS e))))
            FROM (SELECT v.id, a.key AS reviewer, a.name, a.kind, v.rating, v.rating_value,
                         v.best_rating, v.worst_rating, v.reviewed_on, v.url, v.explanation,
                         NOT EXISTS (
                             SELECT 1 FROM reviews w
                             WHERE w.claim_id = v.claim_id AND w.reviewer_id = v.reviewer_id
                               AND (w.reviewed_on IS NOT NULL, coalesce(w.reviewed_on, ''),
                                    w.position)
                                 > (v.reviewed_on IS NOT NULL, coalesce(v.reviewed_on, ''),
                                    v.position)) AS latest
                  FROM reviews v JOIN actors a ON a.id = v.reviewer_id
                  WHERE v.claim_id = h.id ORDER BY v.position) AS x)),
        'evidence', json((
            SELECT json_group_array(json_object(
                'url', e.url, 'title', e.title, 'kind', e.kind,
                'date', e.published_on, 'shows', e.shows, 'stance', e.stance))
            FROM (SELECT * FROM evidence WHERE claim_id = h.id ORDER BY position, id) AS e))
    )
    || CASE WHEN h.n = h.total THEN ']' ELSE '' END
END
FROM (SELECT 1) AS one
LEFT JOIN numbered h ON 1 = 1
ORDER BY h.n
