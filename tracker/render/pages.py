"""Whole outputs of the commands that print more than one listing (`by-actor`,
`show`), in any format: JSON and CSV for scripts, headed tables for people."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import partial
from itertools import chain
from typing import Any

from tracker import dates
from tracker.query.history import Correction
from tracker.query.queries import ActorRecord
from tracker.query.records import ClaimRecord, EvidenceRecord
from tracker.query.search import Hit, highlights
from tracker.render import views
from tracker.render.history import correction_dict
from tracker.render.layout import display_width
from tracker.render.layout import paragraph as paragraph_at
from tracker.render.output import Collect, Paging, paragraph, render, write_listing
from tracker.render.stream import Out, write_csv, write_json
from tracker.render.terminal import printable


def write_actor_record(out: Out, record: ActorRecord, fmt: str, page: int | None = None) -> None:
    """Everything an actor said and countered, its claims written as they are
    read; `page`: a terminal's first page of each list."""
    if fmt == "json":
        write_json(views.record_dict(record), out)
        out.write("\n")
        return
    made = (["claimed", *views.claim_row(c)] for c in record.claims)
    countered = (["counters", *views.claim_row(c)] for c in record.counters)
    if fmt == "csv":
        write_csv(["Side", *views.CLAIM_HEADERS], chain(made, countered), out)
        return
    actor = record.actor
    data = views.actor_dict(actor)
    head = [f"{actor.name} ({actor.kind})"]
    if actor.description:
        head.append(actor.description)
    if data["aliases"]:
        head.append("Aliases: " + "; ".join(data["aliases"]))
    head += [f"Role: {role['title']}, {role['of']}" for role in data["roles"]]
    if record.members:
        head.append("Including: " + "; ".join(m.name for m in record.members))
    out.write("\n".join(paragraph(line, fmt) for line in head) + "\n")
    for title, rows, count in (
        (f"Claims by {actor.name}", made, record.claim_count),
        (f"Claims {actor.name} counters", countered, record.counter_count),
    ):
        out.write(paragraph(f"\n{title} ({count})", fmt) + "\n")
        paging = Paging(page, partial(int, count), "claims") if page is not None else None
        if count:
            write_listing(out, fmt, views.CLAIM_HEADERS, rows, lambda r: r[1:], lambda r: r, paging)


def actor_record(record: ActorRecord, fmt: str) -> str:
    """`write_actor_record` as text, for a record small enough to hold."""
    out = Collect()
    write_actor_record(out, record, fmt)
    return out.text().rstrip("\n")


def claim_thread(claim: ClaimRecord, fmt: str, corrections: Sequence[Correction] = ()) -> str:
    """`show`: the claim, its appearances, relations, verdicts, evidence, and
    what was corrected in it since it was recorded."""
    data = views.claim_dict(claim)
    if fmt == "json":
        data["corrections"] = [correction_dict(c) for c in corrections]
        return render(fmt, [], [], data)
    appearances = views.appearance_rows(claim)
    if fmt == "csv":
        return render(fmt, views.APPEARANCE_HEADERS, appearances, None)
    by = ", ".join(c["name"] for c in data["claimants"])
    relations = views.relation_rows(data)
    head = [
        f"{claim.key} [{data['status']}]",
        claim.text,
        f"By: {by} · Stated: {data['stated_on'] or 'undated'}"
        f" · Topics: {', '.join(data['topics']) or '-'}",
    ]
    head += [c.sentence() for c in corrections]
    lines = [
        *(paragraph(line, fmt) for line in head),
        f"\nAppearances ({len(appearances)})",
        render(fmt, views.APPEARANCE_HEADERS, appearances, None),
        f"\nRelations ({len(relations)})",
    ]
    if relations:
        lines.append(render(fmt, views.RELATION_HEADERS, relations, None))
    if claim.first_source or claim.first_url:
        lines.append(paragraph(f"\nFirst appearance: {claim.first_source or claim.first_url}", fmt))
    if claim.reviews:
        latest = claim.latest_reviews()
        lines.append(f"\nVerdicts ({len(latest)} reviewer(s), latest each)")
        rows = [
            [views.verdict_text(r), r.explanation or "", r.url or "", _evidence_lines(r.evidence)]
            for r in latest
        ]
        lines.append(render(fmt, ["Verdict", "Explanation", "Review", "Evidence"], rows, None))
    if claim.evidence:
        lines.append(f"\nEvidence ({len(claim.evidence)})")
        rows = [_evidence_row(e) for e in claim.evidence]
        lines.append(render(fmt, EVIDENCE_HEADERS, rows, None))
    return "\n".join(lines)


EVIDENCE_HEADERS = ["Stance", "Title", "Shows", "Date", "URL"]


def _evidence_row(e: EvidenceRecord) -> list[str]:
    return [e.stance, e.title or "", e.shows or "", dates.at_precision(e.published_on) or "", e.url]


def _evidence_lines(items: list[EvidenceRecord]) -> str:
    return "\n".join(f"{e.stance}: {e.title or e.url}" for e in items)


SEARCH_HEADERS = ["Kind", "Claim", "Source", "Snippet"]
_KIND_TITLES = {"claims": "Claims", "quotes": "Quotes", "sources": "Sources"}


def hit_record(hit: Hit) -> dict[str, Any]:
    """One search hit as JSON shows it: the snippet plain, its matches as spans."""
    plain, spans = highlights(hit.snippet)
    record: dict[str, Any] = {
        "kind": hit.kind,
        "claim": hit.claim,
        "source": hit.source,
        "snippet": plain,
        "highlights": [list(span) for span in spans],
    }
    if hit.kind == "sources":
        record["quoted_by"] = hit.quoted_by
    return record


def _lines(text: str, width: int) -> list[tuple[int, int]]:
    """(start, end) of each line of `text` wrapped at `width` columns, at
    spaces only."""
    found: list[tuple[int, int]] = []
    start = end = 0
    for word in re.finditer(r"\S+", text):
        if end > start and display_width(text[start : word.end()]) > width:
            found.append((start, end))
            start = word.start()
        elif end == start:
            start = word.start()
        end = word.end()
    if end > start:
        found.append((start, end))
    return found


def search_hits(hits: list[Hit], fmt: str, width: int, mark: Callable[[str], str]) -> str:
    """Search hits: kind by kind, each with what it belongs to and its snippet
    (matched words passed through `mark`), or any listing format."""
    records = [hit_record(h) for h in hits]
    if fmt != "table":
        rows = [[r["kind"], r["claim"] or "", r["source"] or "", r["snippet"]] for r in records]
        return render(fmt, SEARCH_HEADERS, rows, records)
    out: list[str] = []
    for kind, title in _KIND_TITLES.items():
        found = [r for r in records if r["kind"] == kind]
        if not found:
            continue
        out.append(f"{title} ({len(found)})")
        for r in found:
            if kind == "claims":
                head = r["claim"]
            elif kind == "quotes":
                head = f"{r['claim']} in {r['source']}"
            else:
                head = f"{r['source']} (quoted {r['quoted_by']} times)"
            out.append(paragraph_at(printable(head), width, "  ", "    "))
            text, spans = printable(r["snippet"]), r["highlights"]
            for start, end in _lines(text, max(20, width - 4)):
                line, at = [], start
                for s, e in spans:
                    s, e = max(s, start), min(e, end)
                    if s < e:
                        line += [text[at:s], mark(text[s:e])]
                        at = e
                line.append(text[at:end])
                out.append("    " + "".join(line))
    return "\n".join(out)


def passage(text: str, start: int, end: int, context: int, mark: Callable[[str], str]) -> str:
    """The text around [start, end) (`context` characters either side, whole
    lines), each line led by the offset of its first character, with the
    span itself passed through `mark`; a header gives the span's offsets."""
    first = text.rfind("\n", 0, max(0, start - context)) + 1
    last = text.find("\n", min(len(text), end + context))
    last = len(text) if last == -1 else last
    span = f"{start}-{end}" if end > start else f"offset {start}"
    out = [f"{span} of {len(text):,} characters"]
    width = len(str(last))
    at = first
    for line in text[first:last].split("\n"):
        line_end = at + len(line)
        s, e = max(start, at), min(end, line_end)
        shown = line[: s - at] + mark(line[s - at : e - at]) + line[e - at :] if s < e else line
        if end == start and at <= start <= line_end:
            shown = line[: start - at] + mark("|") + line[start - at :]
        out.append(f"{at:>{width}} │ {shown}")
        at = line_end + 1
    return "\n".join(out)
