"""ClaimReview records into the loader's specs, meeting what is recorded.

Authors resolve to recorded actors through the name resolver, by id or a
whole alias ("Vladimir V. Putin" is Putin, not a second Putin); anyone else
becomes a new actor. An appearance's URL meets the source recorded with that
URL, or becomes a source known only by its URL. A claim already recorded
(the same id, as a tracker export names it) keeps everything it has and
gains only the verdicts and evidence it lacks: a ClaimReview carries no
quotes, and must not take any away. Importing the same records again
changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from tracker.errors import Ambiguous, InputError, NotFound
from tracker.exchange import document
from tracker.exchange.claimreview import from_claimreview, jsonld_from_html
from tracker.files import read_bytes
from tracker.ingest import edit
from tracker.ingest.dataset import Dataset
from tracker.limits import MAX_DATA_BYTES
from tracker.record.batching import batches
from tracker.record.models import Actor, Appearance, Claim, Claimant, Relation, Review, Source
from tracker.record.names import resolve_actor

Record = dict[str, Any]


# What edit.claim_spec reads, loaded with the claims (a query per relationship for
# a batch of claims, not one per claim).
_CLAIM_SPEC_LOADS = (
    selectinload(Claim.appearances).selectinload(Appearance.source),
    selectinload(Claim.appearances).selectinload(Appearance.via),
    selectinload(Claim.claimants).selectinload(Claimant.actor),
    selectinload(Claim.topics),
    selectinload(Claim.relations_out).selectinload(Relation.to_claim),
    selectinload(Claim.reviews).selectinload(Review.reviewer),
    selectinload(Claim.reviews).selectinload(Review.evidence),
    selectinload(Claim.evidence),
    selectinload(Claim.first_source),
)


def _read(path: Path) -> Any:
    if path.suffix.lower() in (".html", ".htm"):
        html = read_bytes(path, MAX_DATA_BYTES).decode("utf-8", errors="replace")
        found = jsonld_from_html(html, str(path))
        if not found:
            raise InputError(
                f'{path}: no JSON-LD (<script type="application/ld+json">) in the page'
            )
        return found
    return document.read_json(path)


def _actor_keys(session: Session, actors: list[Record], taken: set[str]) -> dict[str, str]:
    """Provisional actor id -> recorded or new id; new actors stay in `actors`."""
    mapping: dict[str, str] = {}
    new = []
    for a in actors:
        try:
            found: Actor | None = resolve_actor(session, a["name"], exact=True)
        except (NotFound, Ambiguous):
            found = None
        if found is not None:
            mapping[a["id"]] = found.key
            continue
        key = edit.new_key(session, "actor", a["name"], taken)
        taken.add(key)
        mapping[a["id"]] = key
        a["id"] = key
        new.append(a)
    actors[:] = new  # not removed one by one: that is quadratic in the records
    return mapping


def _source_keys(session: Session, sources: list[Record], taken: set[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    new = []
    for s in sources:
        url, title = s.get("url"), s.get("title")
        if url:
            found = session.scalar(select(Source.key).where(Source.url == url))
        else:
            # No address: the stored source of that title (and outlet), if one.
            same = select(Source.key).where(Source.title == title)
            if s.get("outlet"):
                same = same.where(Source.outlet == s["outlet"])
            found = session.scalar(same.order_by(Source.key).limit(1))
        if found is not None:
            mapping[s["id"]] = found
            continue
        if not url:
            raise InputError(
                f"a ClaimReview appearance ({title!r}) has no url and no stored source has"
                " that title: add the source first, or give the appearance its url"
            )
        key = edit.new_key(session, "source", s["id"], taken)
        taken.add(key)
        mapping[s["id"]] = key
        s["id"] = key
        new.append(s)
    sources[:] = new
    return mapping


def _review_key(r: Any) -> tuple[Any, ...]:
    return (r.reviewer, r.rating, r.reviewed, r.url)


def claimreview_dataset(session: Session, path: Path) -> Dataset:
    """The records of a ClaimReview file (JSON, or an HTML page embedding it)."""
    data = _read(path)
    try:
        doc = from_claimreview(data)
    except InputError as exc:  # it names the record; the file is ours to say
        raise InputError(f"{path}: {exc}") from None
    taken: set[str] = set()
    actors = _actor_keys(session, doc["actors"], taken)
    sources = _source_keys(session, doc["sources"], taken)
    for s in doc["sources"]:
        s["credits"] = [actors.get(k, k) for k in s.get("credits", [])]
    for c in doc["claims"]:
        c["claimants"] = [actors.get(k, k) for k in c["claimants"]]
        for a in c["appearances"]:
            a["source"] = sources.get(a["source"], a["source"])
            if a.get("via"):
                a["via"] = actors.get(a["via"], a["via"])
        for r in c["reviews"]:
            r["reviewer"] = actors.get(r["reviewer"], r["reviewer"])
        first = c.get("first_appearance")
        if first and first.get("source"):
            first["source"] = sources.get(first["source"], first["source"])
    dataset = document.to_dataset(doc, str(path))
    # The claims already recorded, a batch of keys a query (not one per claim).
    recorded = {
        row.key: row
        for keys in batches(spec.key for spec in dataset.claims)
        for row in session.scalars(
            select(Claim).where(Claim.key.in_(keys)).options(*_CLAIM_SPEC_LOADS)
        )
    }
    merged = []
    for spec in dataset.claims:
        row = recorded.get(spec.key)
        if row is None:
            merged.append(spec)
            continue
        kept = edit.claim_spec(row, str(path))
        known = {_review_key(r) for r in kept.reviews}
        kept.reviews += [r for r in spec.reviews if _review_key(r) not in known]
        urls = {e.url for e in kept.evidence}
        kept.evidence += [e for e in spec.evidence if e.url not in urls]
        if kept.first is None:
            kept.first = spec.first
        merged.append(kept)
    for spec in merged:  # the loader would refuse them too, in its own words
        lacks = (not spec.claimants and "no author of the claim (itemReviewed.author)") or (
            not spec.appearances and "no appearance of the claim (itemReviewed.appearance)"
        )
        if lacks:
            raise InputError(
                f"{path}: the ClaimReview of {spec.text!r} gives {lacks}: a claim is recorded"
                " with who made it and where it was reported"
            )
    dataset.claims = merged
    return dataset
