"""One rule for every way in: what `tracker load` refuses in a data file,
`import` refuses in an export document (JSON or CSV sheets) and in
ClaimReview, in one line naming the file and the record, with every table
as it was; `db check` finds what an older import let in."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.conftest import Runner, unchanged
from tests.test_hostile import refused
from tests.test_hostile_input import claim_review, exported
from tracker.exchange.csvio import write_csv
from tracker.limits import MAX_TEXT_BYTES

Doc = dict[str, Any]


def _set(path: str, value: Any) -> Callable[[Doc], None]:
    """Set the value at `path` ("claims.0.appearances") of a document."""

    def change(doc: Doc) -> None:
        *parents, last = path.split(".")
        node: Any = doc
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[int(last) if last.isdigit() else last] = value

    return change


def _review(value: float) -> Callable[[Doc], None]:
    def change(doc: Doc) -> None:
        reviewer = doc["actors"][0]["id"]
        doc["claims"][0]["reviews"] = [
            {
                "reviewer": reviewer, "rating": "False", "value": value, "best": 5.0,
                "worst": 1.0, "date": None, "url": None, "explanation": None, "evidence": [],
            }
        ]  # fmt: skip

    return change


# Each: how the seeds' export is made wrong, and what the refusal says. All
# of these got in through `import` before (and SQLite and PostgreSQL kept
# some differently).
WRONG: dict[str, tuple[Callable[[Doc], None], str]] = {
    "no-appearances": (_set("claims.0.appearances", []), "claim has no appearances"),
    "no-claimants": (_set("claims.0.claimants", []), "claim has no claimants"),
    "alias-null": (_set("actors.0.aliases", [None]), "must be a list of names"),
    "bad-id": (_set("actors.0.id", "Not a slug"), "is not a slug"),
    "unknown-kind": (_set("actors.0.kind", "alien"), "expected one of"),
    "script-url": (_set("sources.0.url", "javascript:alert(1)"), "not an http(s) address"),
    "data-url": (_set("sources.0.archived_url", "data:text/html,x"), "not an http(s) address"),
    "text-too-large": (
        _set("sources.0.text", "x" * (MAX_TEXT_BYTES + 1)),
        "64 MiB",  # JSON: at most 64 MiB is stored; CSV: past the sheet's field limit
    ),
    "value-off-scale": (_review(9.0), "outside the scale"),
}
JSON_ONLY: dict[str, tuple[Callable[[Doc], None], str]] = {
    "topic-object": (_set("claims.0.topics", [["a"]]), "must be a list of names"),
    "alias-boolean": (_set("actors.0.aliases", [True]), "must be a list of names"),
    "alias-object": (_set("actors.0.aliases", [{"x": 1}]), "must be a list of names"),
    "excerpt-no": (_set("sources.0.excerpt", "no"), "must be true or false"),
    "unknown-field": (_set("claims.0.bogus", 1), "unknown field 'bogus'"),
    "offset-text": (_set("claims.0.appearances.0.start", "7"), "must be a whole number"),
}


@pytest.mark.parametrize(
    ("fmt", "case"),
    # JSON_ONLY: CSV sheets cannot hold them (their reader refuses what
    # would be one: tests/test_csvio.py).
    [*(("json", c) for c in [*WRONG, *JSON_ONLY]), *(("csv", c) for c in WRONG)],
)
def test_an_import_meets_the_loaders_rules(
    seeded: Engine, run: Runner, tmp_path: Path, fmt: str, case: str
) -> None:
    change, expected = {**WRONG, **JSON_ONLY}[case]
    doc = exported(run, tmp_path)
    change(doc)
    if fmt == "json":
        target = tmp_path / "wrong.json"
        target.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    else:
        target = tmp_path / "sheets"
        write_csv(doc, target)
    with unchanged(seeded):
        line = refused(run("import", str(target), "-f", fmt), str(target))
    assert expected in line or (case == "text-too-large" and "field larger" in line), line


CLAIMREVIEW_WRONG = {
    "no-appearance": (
        claim_review(itemReviewed={"@type": "Claim", "author": {"name": "A Minister"}}),
        "no appearance of the claim (itemReviewed.appearance)",
    ),
    "no-author": (
        claim_review(
            itemReviewed={"@type": "Claim", "appearance": {"url": "https://news.example/t"}}
        ),
        "no author of the claim (itemReviewed.author)",
    ),
    "script-appearance": (
        claim_review(
            itemReviewed={
                "@type": "Claim",
                "author": {"name": "A Minister"},
                "appearance": {"url": "javascript:alert(document.cookie)"},
            }
        ),
        "not an http(s) address",
    ),
    "script-review-url": (claim_review(url="javascript:alert(1)"), "not an http(s) address"),
    "off-scale": (
        claim_review(
            reviewRating={
                "ratingValue": 9,
                "bestRating": 5,
                "worstRating": 1,
                "alternateName": "False",
            }
        ),
        "outside the scale",
    ),
}


@pytest.mark.parametrize("case", CLAIMREVIEW_WRONG)
def test_claimreview_meets_the_loaders_rules(
    seeded: Engine, run: Runner, tmp_path: Path, case: str
) -> None:
    record, expected = CLAIMREVIEW_WRONG[case]
    path = tmp_path / "fc.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    with unchanged(seeded):
        refused(run("import", str(path), "-f", "claimreview"), str(path), expected)


def test_a_rating_no_float_holds_is_no_number(run: Runner, tmp_path: Path) -> None:
    """A 4,000-digit ratingValue (as text) raised OverflowError; it is read
    as publishers' words in ratingValue are: not a number."""
    path = tmp_path / "fc.json"
    rating = {"@type": "Rating", "ratingValue": "9" * 4000, "alternateName": "False"}
    path.write_text(json.dumps(claim_review(reviewRating=rating)), encoding="utf-8")
    result = run("import", str(path), "-f", "claimreview")
    assert result.exit_code == 0, result.output
    [claim] = [c for c in exported(run, tmp_path)["claims"] if c["reviews"]]
    assert [(r["rating"], r["value"]) for r in claim["reviews"]] == [("False", None)]


def test_claimreview_export_cannot_break_the_page_it_is_pasted_in(
    seeded: Engine, run: Runner, tmp_path: Path
) -> None:
    """ClaimReview is made to be embedded in a <script>: a claim's text
    holding "</script>" or "<!--" must not end or hide it."""
    from tracker.exchange.claimreview import jsonld_from_html

    hostile = "Talks failed.</script><script>alert(1)</script><!--"
    added = run(
        "add", "claim", "--by", "Miller", "--text", hostile, "--id", "hostile-claim",
        "--source", "star-advertiser-20240618", "--quote", "Moscow and Pyongyang", "--new",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    out = run("export", "-f", "claimreview", "--claim", "hostile-claim").stdout
    assert "</" not in out and "<!--" not in out
    [item] = json.loads(out)
    assert item["text"] == hostile
    pasted = f'<html><script type="application/ld+json">{out}</script><p>after</p></html>'
    assert jsonld_from_html(pasted) == [item]


def test_claimreview_slugs_cost_one_look_up_each() -> None:
    """20,000 claims sharing one slug took 65 s of a 108 s import: each new
    key tried every number before it. Work counted, not timed."""
    from tracker.exchange.jsonld import Keys

    class Counting(set[str]):
        looked = 0

        def __contains__(self, key: object) -> bool:
            Counting.looked += 1
            return super().__contains__(key)

    keys = Keys()
    keys.taken = Counting({"talks-failed-3"})  # a stated id the slugs must avoid
    made = [keys.unique("talks-failed") for _ in range(20_000)]
    assert made[:4] == ["talks-failed", "talks-failed-2", "talks-failed-4", "talks-failed-5"]
    assert len(set(made)) == 20_000 and "talks-failed-3" not in made
    assert Counting.looked <= 2 * 20_000
