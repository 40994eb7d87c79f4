"""Atom feeds (RFC 4287) of the contests: the whole record's, each topic's,
each actor's.

An entry is a contest, under the claim another side answers: its id is
derived from that claim's key alone, so it stays the same however often the
contest changes, and its `updated` is the time of the latest change in the
log to the claim or to any claim that counters it. A feed client shows a
contest once, and again only when the record of it changed.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.query import queries
from tracker.query.queries import ClaimFilter
from tracker.record.changes import Change, ChangeRow
from tracker.record.models import Claim
from tracker.render import views
from tracker.vocabulary import COUNTER_RELATIONS

# Entries a feed carries: the most recently changed contests.
FEED_ENTRIES = 100
_NAMESPACE = uuid.UUID("6f9c1f3e-5b1a-4a43-9d53-1b7f0e0c7a11")  # tracker's feeds
# What XML 1.0 cannot carry at all, escaped or not.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value: str) -> str:
    return escape(_NOT_XML.sub("\ufffd", value))


def _urn(kind: str, key: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{kind}:{key}')}"


def _time(at: dt.datetime | None) -> str:
    at = at or dt.datetime(1970, 1, 1)
    if at.tzinfo is not None:
        at = at.astimezone(dt.UTC).replace(tzinfo=None)
    return at.replace(microsecond=0).isoformat() + "Z"


def _changed(session: Session, keys: set[str]) -> dict[str, dt.datetime]:
    """Per claim id, when the log last changed the claim (its rows, or rows it owns)."""
    found: dict[str, dt.datetime] = {}
    chunk = sorted(keys)
    for start in range(0, len(chunk), 500):
        rows = session.execute(
            select(Claim.key, func.max(Change.made_at))
            .join(ChangeRow, ChangeRow.claim_id == Claim.id)
            .join(Change, Change.id == ChangeRow.change_id)
            .where(Claim.key.in_(chunk[start : start + 500]))
            .group_by(Claim.key)
        )
        found.update({key: at for key, at in rows})
    return found


def _summary(claim: dict[str, Any]) -> str:
    def who(c: dict[str, Any]) -> str:
        return ", ".join(a["name"] for a in c["claimants"]) or "unattributed"

    lines = [f"{who(claim)} ({claim['stated_on'] or 'undated'}): {claim['text']}"]
    for counter in claim["counter_claims"]:
        lines.append(
            f"{counter['relation']} by {who(counter)} ({counter['stated_on'] or 'undated'}):"
            f" {counter['text']}"
        )
    return "\n".join(lines)


def _feed(
    title: str,
    kind: str,
    key: str,
    name: str,
    entries: list[tuple[dt.datetime | None, dict[str, Any]]],
    base: str | None,
) -> bytes:
    depth = name.count("/")
    entries = sorted(entries, key=lambda e: (e[0] or dt.datetime.min, e[1]["id"]), reverse=True)
    entries = entries[:FEED_ENTRIES]
    updated = _time(entries[0][0] if entries else None)
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<id>{_urn('feed-' + kind, key)}</id>",
        f"<title>{_text(title)}</title>",
        f"<updated>{updated}</updated>",
        "<author><name>tracker</name></author>",
        "<generator>tracker</generator>",
    ]
    if base is not None:
        out.append(f'<link rel="self" href={quoteattr(base + quote(name))}/>')
    for at, claim in entries:
        page = f"claims/{claim['id']}.html"
        href = base + quote(page) if base is not None else "../" * depth + quote(page)
        out += [
            "<entry>",
            f"<id>{_urn('contest', claim['id'])}</id>",
            f"<title>{_text(claim['text'][:200])}</title>",
            f"<updated>{_time(at)}</updated>",
            f'<link rel="alternate" type="text/html" href={quoteattr(href)}/>',
            f'<content type="text">{_text(_summary(claim))}</content>',
            "</entry>",
        ]
    out.append("</feed>")
    return ("\n".join(out) + "\n").encode("utf-8")


@dataclass
class Feeds:
    files: dict[str, bytes]  # by file name in the site
    announced: dict[str, list[str]]  # per page, the feeds its head links to


def feeds(session: Session, base: str | None, log: Session | None = None) -> Feeds:
    """Every feed of the site: feeds/contests.xml (announced by the home
    page), and one per topic (by the topics page) and per actor (by the
    actor's page) that has a contest: feeds/topics/T.xml, feeds/actors/A.xml.
    `log`: the database whose change log dates the entries, when `session`
    holds a copy of a scope of it (tracker.publish.scoped)."""
    records = list(queries.iter_claims(session, ClaimFilter(challenged=True)))
    owners: dict[str, set[str]] = {
        r.key: {r.key}
        | {x.from_claim.key for x in r.relations_in if x.relation in COUNTER_RELATIONS}
        for r in records
    }
    changed = _changed(log or session, set().union(*owners.values()) if owners else set())
    by_topic: dict[str, list[tuple[dt.datetime | None, dict[str, Any]]]] = defaultdict(list)
    by_actor: dict[str, list[tuple[dt.datetime | None, dict[str, Any]]]] = defaultdict(list)
    names: dict[str, str] = {}
    everything = []
    for record in records:
        times = [changed[k] for k in owners[record.key] if k in changed]
        claim = views.claim_dict(record)
        entry = (max(times) if times else None, claim)
        everything.append(entry)
        for topic in claim["topics"]:
            by_topic[topic].append(entry)
        sides = [*claim["claimants"], *(a for c in claim["counter_claims"] for a in c["claimants"])]
        for actor in {a["id"]: a for a in sides}.values():
            names[actor["id"]] = actor["name"]
            by_actor[actor["id"]].append(entry)
    out = {
        "feeds/contests.xml": _feed(
            "Contests", "contests", "", "feeds/contests.xml", everything, base
        )
    }
    announced: dict[str, list[str]] = {"index.html": ["feeds/contests.xml"]}
    for topic, entries in sorted(by_topic.items()):
        name = f"feeds/topics/{quote(topic, safe='')}.xml"
        out[name] = _feed(f"Contests on {topic}", "topic", topic, name, entries, base)
        announced.setdefault("topics.html", []).append(name)
    for key, entries in sorted(by_actor.items()):
        name = f"feeds/actors/{quote(key, safe='')}.xml"
        out[name] = _feed(f"Contests of {names[key]}", "actor", key, name, entries, base)
        announced[f"actors/{key}.html"] = [name]
    return Feeds(out, announced)
