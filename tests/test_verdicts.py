"""Verdicts, evidence and first appearances, on both backends: recorded from
the command line and from data files, shown, filtered on, kept by every
edit, and never a cause of a claim's status."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Runner


def ok(run: Runner, *args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def desk(run: Runner) -> Runner:
    """The seeds, with a fact-checker."""
    ok(run, "add", "actor", "FactCheck Desk", "--kind", "organization", "--id", "factcheck-desk")
    return run


def show(run: Runner, claim: str) -> dict[str, object]:
    return json.loads(ok(run, "show", claim, "-f", "json"))  # type: ignore[no-any-return]


def test_a_verdict_never_changes_status(desk: Runner) -> None:
    contested = ok(desk, "contested", "-f", "json")
    before = show(desk, "moscow-pyongyang-deny-arms")["status"]
    ok(desk, "review", "moscow-pyongyang-deny-arms", "--by", "factcheck-desk", "--rating", "False")
    ok(desk, "review", "miller-arms-charge", "--by", "factcheck-desk", "--rating", "True")
    assert show(desk, "moscow-pyongyang-deny-arms")["status"] == before
    listed = json.loads(ok(desk, "contested", "-f", "json"))
    assert [c["id"] for c in listed] == [c["id"] for c in json.loads(contested)]
    assert [c["status"] for c in listed] == [c["status"] for c in json.loads(contested)]


def test_each_reviewers_latest_verdict(desk: Runner) -> None:
    ok(desk, "add", "actor", "Other Check", "--kind", "organization", "--id", "other-check")
    for by, rating, date in (
        ("factcheck-desk", "Unproven", "2024-06-19"),
        ("factcheck-desk", "Accurate", "2024-07-02"),
        ("other-check", "Misleading", "2024-06-25"),
    ):
        ok(desk, "review", "miller-arms-charge", "--by", by, "--rating", rating, "--date", date)
    reviews = show(desk, "miller-arms-charge")["reviews"]
    assert isinstance(reviews, list)
    latest = [(r["reviewer"]["id"], r["rating"]) for r in reviews if r["latest"]]
    assert latest == [("factcheck-desk", "Accurate"), ("other-check", "Misleading")]
    assert len(reviews) == 3  # all kept, in the order recorded
    page = ok(desk, "show", "miller-arms-charge", "-f", "plain")
    assert "Accurate (FactCheck Desk, 2024-07-02)" in page
    assert "Unproven" not in page


def test_listings_filter_on_verdicts(desk: Runner) -> None:
    ok(desk, "review", "miller-arms-charge", "--by", "factcheck-desk", "--rating", "Accurate")
    rated = json.loads(ok(desk, "claims", "--rating", "accurate", "-f", "json"))
    assert [c["id"] for c in rated] == ["miller-arms-charge"]
    assert json.loads(ok(desk, "contested", "--reviewed", "-f", "json"))[0]["id"] == (
        "miller-arms-charge"
    )
    unreviewed = json.loads(ok(desk, "claims", "--unreviewed", "-f", "json"))
    assert len(unreviewed) == 43 and "miller-arms-charge" not in {c["id"] for c in unreviewed}
    assert json.loads(ok(desk, "claims", "--rating", "False", "-f", "json")) == []


def test_evidence_on_a_claim_and_on_a_verdict(desk: Runner) -> None:
    ok(desk, "review", "miller-arms-charge", "--by", "factcheck-desk", "--rating", "Accurate")
    ok(desk, "add", "evidence", "miller-arms-charge", "--stance", "supports", "--url",
       "https://un.example/report.pdf", "--kind", "report", "--date", "2024-03-01")  # fmt: skip
    ok(desk, "add", "evidence", "miller-arms-charge", "--stance", "refutes", "--review-by",
       "factcheck-desk", "--url", "https://imagery.example/port.png")  # fmt: skip
    data = show(desk, "miller-arms-charge")
    assert data["evidence"] == [
        {"url": "https://un.example/report.pdf", "title": None, "kind": "report",
         "date": "2024-03-01", "shows": None, "stance": "supports"}
    ]  # fmt: skip
    reviews = data["reviews"]
    assert isinstance(reviews, list)
    assert [e["url"] for e in reviews[0]["evidence"]] == ["https://imagery.example/port.png"]
    result = desk("add", "evidence", "putin-eurasian-security", "--stance", "refutes",
                  "--review-by", "factcheck-desk", "--url", "https://x.example")  # fmt: skip
    assert result.exit_code == 1
    assert "'factcheck-desk' has not reviewed claim 'putin-eurasian-security'" in result.output


def test_edits_keep_verdicts_and_evidence(desk: Runner) -> None:
    """Every edit rewrites the claim through the loader: nothing of it may drop."""
    ok(desk, "review", "miller-arms-charge", "--by", "factcheck-desk", "--rating", "Accurate")
    ok(desk, "add", "evidence", "miller-arms-charge", "--stance", "supports", "--url",
       "https://un.example/report.pdf")  # fmt: skip
    before = show(desk, "miller-arms-charge")
    ok(desk, "relate", "miller-arms-charge", "putin-eurasian-security", "--relation", "disputes")
    after = show(desk, "miller-arms-charge")
    assert (after["reviews"], after["evidence"]) == (before["reviews"], before["evidence"])


def test_reviewers_merge_and_are_not_removed_from_under_their_verdicts(desk: Runner) -> None:
    ok(desk, "add", "actor", "FactCheck Desk (old)", "--kind", "organization", "--id", "old-desk")
    ok(desk, "review", "miller-arms-charge", "--by", "old-desk", "--rating", "Accurate")
    refused = desk("remove", "actor", "old-desk", "--yes")
    assert refused.exit_code == 1 and "1 reviews" in refused.output
    ok(desk, "merge-actors", "factcheck-desk", "old-desk", "--yes")
    reviews = show(desk, "miller-arms-charge")["reviews"]
    assert isinstance(reviews, list)
    assert [r["reviewer"]["id"] for r in reviews] == ["factcheck-desk"]
    # A reviewed claim is removed with its verdicts.
    ok(desk, "remove", "claim", "miller-arms-charge", "--with-relations", "--yes")
    assert desk("show", "miller-arms-charge").exit_code == 1


DATA = """\
actors:
  - id: factcheck-desk
    name: FactCheck Desk
    kind: organization
claims:
  - id: reviewed-charge
    text: North Korea has supplied Russia with munitions.
    claimants: [matthew-miller]
    first_appearance: {url: https://state.example/briefing-0617}
    appearances:
      - source: star-advertiser-20240618
        quote: 'dozens of ballistic missiles'
        type: direct
    reviews:
      - by: factcheck-desk
        rating: Accurate
        value: 4
        best: 5
        worst: 1
        date: '2024-06-20'
        evidence:
          - {url: 'https://un.example/a.pdf', stance: supports}
    evidence:
      - {url: 'https://un.example/b.pdf', stance: refutes, title: Port records, date: '2024-05-01'}
"""


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("stance: supports", "stance: proves"), "field 'stance' is 'proves'; expected one of"),
        (("worst: 1", "worst: 5"), "a rating scale needs best and worst to differ"),
        (("value: 4", "value: 9"), "value 9 is outside the scale 1..5"),
        (("date: '2024-06-20'", "date: '2024-06'"), "field 'date' must be a full date"),
        (("- by: factcheck-desk", "- by: nobody"), "nobody"),
        (("{url: https://state.example/briefing-0617}", "{source: no-such-source}"),
         "unknown source 'no-such-source' in 'first_appearance'"),
        (("{url: https://state.example/briefing-0617}",
          "{url: https://a.example, source: star-advertiser-20240618}"),
         "first_appearance takes one of 'source' (an id) or 'url'"),
    ],
)  # fmt: skip
def test_data_files_carry_verdicts_and_refuse_bad_ones(
    run: Runner, tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    good = tmp_path / "good" / "verdicts.yaml"
    good.parent.mkdir()
    good.write_text(DATA, encoding="utf-8")
    ok(run, "load", str(good))
    data = show(run, "reviewed-charge")
    assert data["first_appearance"] == {
        "source": None,
        "url": "https://state.example/briefing-0617",
    }
    reviews = data["reviews"]
    assert isinstance(reviews, list) and reviews[0]["value"] == 4.0
    before = ok(run, "claims", "-f", "json")
    bad = tmp_path / "bad" / "verdicts.yaml"
    bad.parent.mkdir()
    assert change[0] in DATA
    bad.write_text(DATA.replace(change[0], change[1]).replace("reviewed-charge", "other"), "utf-8")
    result = run("load", str(bad))
    assert result.exit_code == 1 and message in result.output, result.output
    assert result.output.count("\n") == 1
    assert ok(run, "claims", "-f", "json") == before
    assert seeds.is_dir()


def test_listings_and_reports_show_the_latest_verdicts(desk: Runner) -> None:
    ok(desk, "review", "miller-arms-charge", "--by", "factcheck-desk", "--rating", "Unproven",
       "--date", "2024-06-19")  # fmt: skip
    ok(desk, "review", "miller-arms-charge", "--by", "factcheck-desk", "--rating", "Accurate",
       "--date", "2024-06-20")  # fmt: skip
    table = ok(desk, "contested", "--reviewed", "-f", "plain")
    assert "Accurate (FactCheck Desk, 2024-06-20)" in table and "Unproven" not in table
    # CSV keeps the status alone in its column.
    csv = ok(desk, "contested", "--reviewed", "-f", "csv")
    assert "Accurate" not in csv and ",contested," in csv
    report = ok(desk, "report", "--claim", "miller-arms-charge")
    assert "**Verdicts:** Accurate (FactCheck Desk, 2024-06-20)" in report
    assert "Unproven" not in report
