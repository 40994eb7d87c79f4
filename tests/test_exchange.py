"""Export and import, every format both ways, on both backends: JSON is
lossless to the byte, YAML and CSV give back the same records, ClaimReview
meets what is recorded, and a bad import writes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tests.conftest import Runner
from tracker.record import db, migrate
from tracker.record.models import Actor, Appearance, Claim, Review, Source

FACT_CHECK = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://factcheck.example/2024/06/putin-letter",
    "claimReviewed": "Russia and North Korea will jointly resist illegitimate unilateral"
    " restrictions.",
    "itemReviewed": {
        "@type": "Claim",
        "author": {"@type": "Person", "name": "Vladimir V. Putin"},
        "datePublished": "2024-06-18",
        "appearance": {
            "@type": "NewsArticle",
            "url": "https://news.example/putin-rodong-sinmun-letter",
            "headline": "Putin's letter to Rodong Sinmun",
            "datePublished": "2024-06-18",
        },
    },
    "author": {"@type": "Organization", "name": "Example Fact Check"},
    "reviewRating": {
        "@type": "Rating",
        "ratingValue": "2",
        "bestRating": "5",
        "worstRating": "1",
        "alternateName": "Misleading",
    },
    "datePublished": "2024-06-21",
}


def url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def with_verdicts(run: Runner) -> None:
    """A verdict with evidence on a seed claim, evidence on its denial."""
    for args in (
        ["add", "actor", "FactCheck Desk", "--kind", "organization", "--id", "factcheck-desk"],
        ["review", "miller-arms-charge", "--by", "factcheck-desk", "--rating", "Accurate",
         "--value", "5", "--best", "5", "--worst", "1", "--date", "2024-06-20",
         "--url", "https://factcheck.example/1", "--explanation", "The UN panel's figures match."],
        ["add", "evidence", "miller-arms-charge", "--stance", "supports", "--review-by",
         "factcheck-desk", "--url", "https://un.example/panel.pdf", "--title", "Panel report",
         "--kind", "report", "--date", "2024-03-01", "--shows", "Containers counted at ports."],
        ["add", "evidence", "moscow-pyongyang-deny-arms", "--stance", "refutes",
         "--url", "https://imagery.example/rajin.png", "--kind", "image"],
    ):  # fmt: skip
        result = run(*args)
        assert result.exit_code == 0, result.output


@pytest.fixture
def other(database_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    """An empty database beside the test's, on the same backend."""
    if database_url.startswith("sqlite"):
        target = f"sqlite:///{tmp_path / 'other.db'}"
        engine = db.create(target)
        migrate.upgrade(engine)
        engine.dispose()
        yield Runner(target)
        return
    from tests.conftest import postgres_schema

    with postgres_schema() as (target, _):
        engine = db.create(target)
        migrate.upgrade(engine)
        engine.dispose()
        yield Runner(target)


def exported(run: Runner, tmp_path: Path, name: str, *args: str) -> bytes:
    path = tmp_path / name
    result = run("export", "-o", str(path), *args)
    assert result.exit_code == 0, result.output
    return path.read_bytes()


def test_json_round_trip_is_byte_identical(run: Runner, other: Runner, tmp_path: Path) -> None:
    with_verdicts(run)
    first = exported(run, tmp_path, "first.json")
    result = other("import", str(tmp_path / "first.json"))
    assert result.exit_code == 0, result.output
    assert exported(other, tmp_path, "second.json") == first
    doc = json.loads(first)
    assert doc["tracker_export"] == 1
    assert len(doc["claims"]) == 44 and len(doc["sources"]) == 3
    review = next(c for c in doc["claims"] if c["id"] == "miller-arms-charge")["reviews"][0]
    assert review["rating"] == "Accurate" and review["evidence"][0]["kind"] == "report"
    # Importing the same records again changes nothing.
    again = other("import", str(tmp_path / "first.json"))
    assert "0 new, 0 updated, 44 unchanged" in again.output


def test_json_round_trip_of_generated_data(
    generated: Engine, other: Runner, tmp_path: Path
) -> None:
    first = exported(Runner(url(generated)), tmp_path, "first.json")
    assert other("import", str(tmp_path / "first.json")).exit_code == 0
    assert exported(other, tmp_path, "second.json") == first


def test_yaml_is_data_files_that_load_back_the_same(
    run: Runner, other: Runner, tmp_path: Path
) -> None:
    with_verdicts(run)
    first = exported(run, tmp_path, "first.json")
    folder = tmp_path / "data"
    assert run("export", "-f", "yaml", "-o", str(folder)).exit_code == 0
    assert sorted(p.name for p in folder.iterdir()) == [
        "actors.yaml",
        "claims.yaml",
        "sources.yaml",
        "texts",
    ]
    result = other("load", str(folder))
    assert result.exit_code == 0, result.output
    assert exported(other, tmp_path, "second.json") == first


def test_csv_neutralises_formulas_and_reads_back_exactly(
    run: Runner, other: Runner, tmp_path: Path, seeded: Engine
) -> None:
    """A cell a spreadsheet would execute is written with a leading quote,
    and the value still reads back exactly."""
    with_verdicts(run)
    formula = '=HYPERLINK("https://evil.example","click")'
    result = run("review", "putin-eurasian-security", "--by", "factcheck-desk",
                 "--rating", formula, "--explanation", "+1 -2 @three")  # fmt: skip
    assert result.exit_code == 0, result.output
    first = exported(run, tmp_path, "first.json")
    folder = tmp_path / "sheets"
    assert run("export", "-f", "csv", "-o", str(folder)).exit_code == 0
    raw = (folder / "reviews.csv").read_text(encoding="utf-8-sig")
    assert "\"'=HYPERLINK(" in raw and '"\'+1 -2 @three"' in raw
    assert other("import", str(folder)).exit_code == 0
    assert exported(other, tmp_path, "second.json") == first


def test_a_scope_loads_on_its_own(run: Runner, other: Runner, tmp_path: Path) -> None:
    """--claim takes the claim, the claims it relates to and what they need."""
    path = tmp_path / "scope.json"
    assert run("export", "--claim", "miller-arms-charge", "-o", str(path)).exit_code == 0
    doc = json.loads(path.read_text(encoding="utf-8"))
    ids = {c["id"] for c in doc["claims"]}
    assert {"miller-arms-charge", "moscow-pyongyang-deny-arms", "trilateral-arms-supply"} <= ids
    assert len(ids) < 44
    assert other("import", str(path)).exit_code == 0
    shown = other("show", "miller-arms-charge", "-f", "json")
    assert json.loads(shown.output)["status"] == "contested"


def counts(runner: Runner) -> tuple[int, ...]:
    engine = db.create(runner.url)
    try:
        with Session(engine) as s:
            return tuple(
                int(s.scalar(select(func.count()).select_from(m)) or 0)
                for m in (Actor, Source, Claim, Appearance, Review)
            )
    finally:
        engine.dispose()


def test_a_bad_import_is_one_line_and_writes_nothing(
    run: Runner, other: Runner, tmp_path: Path
) -> None:
    good = json.loads(exported(run, tmp_path, "good.json"))
    before = counts(other)
    broken = dict(good)
    broken["claims"] = [*good["claims"][:-1], {**good["claims"][-1], "claimants": ["nobody"]}]
    cases = {
        "reference.json": json.dumps(broken),
        "truncated.json": json.dumps(good)[:5000],
        "not-ours.json": json.dumps({"claims": []}),
    }
    for name, text in cases.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        result = other("import", str(tmp_path / name))
        assert result.exit_code == 1, (name, result.output)
        assert result.output.startswith("Error: ") and result.output.count("\n") == 1, name
    assert counts(other) == before


def test_claimreview_out_is_one_review_per_verdict(run: Runner, tmp_path: Path) -> None:
    with_verdicts(run)
    path = tmp_path / "reviews.json"
    result = run("export", "-f", "claimreview", "--claim", "miller-arms-charge", "-o", str(path))
    assert result.exit_code == 0, result.output
    items = json.loads(path.read_text(encoding="utf-8"))
    reviews = [i for i in items if i["@type"] == "ClaimReview"]
    assert len(reviews) == 1
    review = reviews[0]
    assert review["itemReviewed"]["author"] == {"@type": "Person", "name": "Matthew Miller"}
    assert review["reviewRating"]["alternateName"] == "Accurate"
    assert review["author"]["name"] == "FactCheck Desk"
    # The denial travels in the extension, which plain consumers ignore.
    denial = next(i for i in items if i.get("tracker:id") == "moscow-pyongyang-deny-arms")
    assert {"tracker:relation": "denies", "tracker:to": "miller-arms-charge"} in denial[
        "tracker:relations"
    ]


def test_claimreview_in_meets_recorded_actors_and_stores_sources_by_url(
    run: Runner, seeded: Engine, tmp_path: Path
) -> None:
    page = tmp_path / "fact-check.html"
    page.write_text(
        '<html><head><script>var x = 1;</script><script type="application/ld+json">'
        + json.dumps(FACT_CHECK)
        + "</script></head><body><p>Our verdict…</p></body></html>",
        encoding="utf-8",
    )
    actors = counts(run)[0]
    result = run("import", str(page))
    assert result.exit_code == 0, result.output
    # "Vladimir V. Putin" is the recorded Putin: only the fact-checker is new.
    assert counts(run)[0] == actors + 1
    with Session(seeded) as session:
        claim = session.scalars(
            select(Claim).where(Claim.text == FACT_CHECK["claimReviewed"])
        ).one()
        assert [c.actor.key for c in claim.claimants] == ["vladimir-putin"]
        (appearance,) = claim.appearances
        assert appearance.quote is None and appearance.source.text is None
        assert appearance.source.url == "https://news.example/putin-rodong-sinmun-letter"
        key = claim.key
    shown = run("show", key, "-f", "plain")
    assert "(not quoted: the source's text is not stored)" in shown.output  # not left blank
    data = json.loads(run("show", key, "-f", "json").output)
    assert data["appearances"][0]["quote"] is None
    assert [(r["rating"], r["value"], r["best"]) for r in data["reviews"]] == [
        ("Misleading", 2.0, 5.0)
    ]
    again = run("import", str(page))
    assert "0 new, 0 updated, 1 unchanged" in again.output
    assert run("db", "check").exit_code == 0


def test_claimreview_of_a_recorded_claim_adds_only_the_verdict(
    run: Runner, other: Runner, tmp_path: Path
) -> None:
    """Out of one database, into another holding the same claim: its quotes stay."""
    with_verdicts(run)
    path = tmp_path / "reviews.json"
    assert run("export", "-f", "claimreview", "-o", str(path)).exit_code == 0
    assert other("load", str(Path(__file__).parent.parent / "seeds")).exit_code == 0
    before = json.loads(other("show", "miller-arms-charge", "-f", "json").output)
    result = other("import", str(path), "-f", "claimreview")
    assert result.exit_code == 0, result.output
    after = json.loads(other("show", "miller-arms-charge", "-f", "json").output)
    assert after["appearances"] == before["appearances"]
    assert [r["rating"] for r in after["reviews"]] == ["Accurate"]
    assert after["status"] == before["status"] == "contested"
