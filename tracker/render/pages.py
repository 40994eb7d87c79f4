"""Whole outputs of the commands that print more than one listing (`by-actor`,
`show`), in any format: JSON and CSV for scripts, headed tables for people."""

from __future__ import annotations

from tracker.query.queries import ActorRecord
from tracker.record.models import Claim
from tracker.render import views
from tracker.render.output import render


def actor_record(record: ActorRecord, fmt: str) -> str:
    if fmt == "json":
        return render(fmt, [], [], views.record_dict(record))
    made = [["claimed", *views.claim_row(c)] for c in record.claims]
    countered = [["counters", *views.claim_row(c)] for c in record.counters]
    if fmt == "csv":
        return render(fmt, ["Side", *views.CLAIM_HEADERS], made + countered, None)
    actor = record.actor
    data = views.actor_dict(actor)
    lines = [f"{actor.name} ({actor.kind})"]
    if actor.description:
        lines.append(actor.description)
    if data["aliases"]:
        lines.append("Aliases: " + "; ".join(data["aliases"]))
    lines += [f"Role: {role['title']}, {role['of']}" for role in data["roles"]]
    if record.members:
        lines.append("Including: " + "; ".join(m.name for m in record.members))
    for title, rows in (
        (f"Claims by {actor.name}", made),
        (f"Claims {actor.name} counters", countered),
    ):
        lines.append(f"\n{title} ({len(rows)})")
        if rows:
            lines.append(render(fmt, views.CLAIM_HEADERS, [r[1:] for r in rows], None))
    return "\n".join(lines)


def claim_thread(claim: Claim, fmt: str) -> str:
    data = views.claim_dict(claim)
    if fmt == "json":
        return render(fmt, [], [], data)
    appearances = views.appearance_rows(claim)
    if fmt == "csv":
        return render(fmt, views.APPEARANCE_HEADERS, appearances, None)
    by = ", ".join(c["name"] for c in data["claimants"])
    relations = views.relation_rows(data)
    lines = [
        f"{claim.key} [{data['status']}]",
        claim.text,
        f"By: {by} · Stated: {data['stated_on'] or 'undated'}"
        f" · Topics: {', '.join(data['topics']) or '-'}",
        f"\nAppearances ({len(appearances)})",
        render(fmt, views.APPEARANCE_HEADERS, appearances, None),
        f"\nRelations ({len(relations)})",
    ]
    if relations:
        lines.append(render(fmt, views.RELATION_HEADERS, relations, None))
    return "\n".join(lines)
