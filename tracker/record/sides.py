"""Sides: an actor and every organization it holds a role in, at any depth.

The closure is kept in `actor_sides` (tracker.record.models.ActorSide), rebuilt in
full by every write that changes actors or roles; the status rules read it.
A side holds for the overlap of the periods of the roles that lead to it
(Miller is on the US government's side while he is the State Department's
spokesperson and the Department is part of the government); a role with no
dates holds at all times. UNION (not UNION ALL) ends on cycles of roles:
periods only narrow along a path, so a cycle adds no new row.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

# Migration 0002 runs a frozen copy of these statements to fill the table.
REBUILD = (
    "DELETE FROM actor_sides",
    """
    WITH RECURSIVE up(actor_id, side_id, from_on, until_on) AS (
        SELECT id, id, CAST(NULL AS DATE), CAST(NULL AS DATE) FROM actors
        UNION
        SELECT up.actor_id, roles.organization_id,
               CASE WHEN up.from_on IS NULL THEN roles.start_on
                    WHEN roles.start_on IS NULL OR roles.start_on < up.from_on THEN up.from_on
                    ELSE roles.start_on END,
               CASE WHEN up.until_on IS NULL THEN roles.end_on
                    WHEN roles.end_on IS NULL OR roles.end_on > up.until_on THEN up.until_on
                    ELSE roles.end_on END
        FROM up JOIN roles ON roles.actor_id = up.side_id
    )
    INSERT INTO actor_sides (actor_id, side_id, from_on, until_on)
    SELECT DISTINCT actor_id, side_id, from_on, until_on FROM up
    WHERE from_on IS NULL OR until_on IS NULL OR from_on <= until_on
    """,
)


def rebuild(connection: Connection) -> None:
    """Recompute every actor's sides from the roles, in the caller's transaction."""
    for statement in REBUILD:
        connection.execute(text(statement))
