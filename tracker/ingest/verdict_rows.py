"""The rows a load writes for claims' verdicts and evidence.

Reviews get their ids here (from `first_id` on, under the write lock every
load holds), so that the evidence backing a review can point at it in the
same bulk insert.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tracker.ingest.states import ClaimState, EvidenceState

Row = dict[str, Any]


@dataclass
class VerdictRows:
    reviews: list[Row] = field(default_factory=list)
    evidence: list[Row] = field(default_factory=list)

    def backing(self, items: list[EvidenceState], **owner: int | None) -> None:
        self.evidence.extend(
            {
                **owner,
                "position": i,
                "url": e.url,
                "title": e.title,
                "kind": e.kind,
                "published_on": e.published,
                "shows": e.shows,
                "stance": e.stance,
            }
            for i, e in enumerate(items)
        )


def verdict_rows(
    claims: list[tuple[int, ClaimState]], actor_ids: dict[str, int], first_id: int
) -> VerdictRows:
    """Rows for the reviews and evidence of each (claim id, state)."""
    rows = VerdictRows()
    next_id = first_id
    for claim_id, state in claims:
        for i, r in enumerate(state.reviews):
            rows.reviews.append(
                {
                    "id": next_id,
                    "claim_id": claim_id,
                    "position": i,
                    "reviewer_id": actor_ids[r.reviewer],
                    "rating": r.rating,
                    "rating_value": r.value,
                    "best_rating": r.best,
                    "worst_rating": r.worst,
                    "reviewed_on": r.reviewed,
                    "url": r.url,
                    "explanation": r.explanation,
                }
            )
            rows.backing(r.evidence, claim_id=None, review_id=next_id)
            next_id += 1
        rows.backing(state.evidence, claim_id=claim_id, review_id=None)
    return rows
