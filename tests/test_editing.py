"""`tracker edit`, surnames on writes, and the corrections `show` and reports
tell readers of, on the seeds and both backends; every write in the log."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.conftest import SEEDS, Runner
from tests.test_edit import as_json, ok, refused
from tests.test_load import edit, snapshot

MILLER = "miller-arms-charge"
STAR = "star-advertiser-20240618"


def shown(run: Runner, key: str = MILLER) -> dict[str, Any]:
    found: dict[str, Any] = as_json(run("show", key, "-f", "json"))
    return found


def latest(run: Runner) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(ok(run("history", "--limit", "1", "-f", "json")))[0]
    return found


# -- edit claim ---------------------------------------------------------------------------


def test_a_claims_text_date_topics_and_claimants_change_in_one_write(run: Runner) -> None:
    written = as_json(
        run("edit", "claim", MILLER, "--text", "North Korea has supplied Russia with missiles.",
            "--on", "2024-06", "--topic", "sanctions", "--no-topic", "arms-transfers",
            "--claimant", "United States", "-f", "json")
    )  # fmt: skip
    assert written["action"] == "updated" and written["id"] == MILLER
    assert written["message"] == f"updated claim {MILLER}: text, date, topics, claimants"
    claim = written["claim"]
    assert claim["text"] == "North Korea has supplied Russia with missiles."
    assert (claim["stated_on"], claim["stated_precision"]) == ("2024-06", "month")
    assert claim["topics"] == ["sanctions"]
    assert [c["id"] for c in claim["claimants"]] == ["matthew-miller", "united-states"]
    assert len(claim["appearances"]) == 1 and claim["status"] == "contested"
    change = latest(run)
    (entity,) = change["entities"]
    assert [f["field"] for f in entity["fields"]] == ["text", "stated", "claimants", "topics"]
    ok(run("edit", "claim", MILLER, "--undated", "--no-claimant", "Matthew Miller"))
    again = shown(run)
    assert again["stated_on"] is None and [c["id"] for c in again["claimants"]] == ["united-states"]
    assert ok(run("edit", "claim", MILLER, "--undated")).strip() == (
        f"claim {MILLER} already says so"
    )
    assert latest(run)["id"] == change["id"] + 1  # saying so again records nothing


@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        (["--no-topic", "trade"], 1, "has no topic 'trade' (it has: arms-transfers)"),
        (["--no-claimant", "Miller"], 1, "would have no claimant"),
        (["--claimant", "Zelensky"], 1, "no actor is named 'Zelensky' exactly"),
        (["--on", "2024-13-01"], 2, "is not a date"),
        (["--on", "2024", "--undated"], 2, "give one"),
        (["--text", "  "], 1, "field 'text' is empty"),
        (["--text", "Bad\x1b[2Jtext"], 1, "holds a control character (U+001B)"),
        (["--topic", "x" * 101], 1, "at most 100 fit"),
    ],
)
def test_an_edit_is_refused_where_a_data_file_would_be(
    seeded: Engine, run: Runner, args: list[str], code: int, fragment: str
) -> None:
    if code == 1:
        refused(seeded, run, ["edit", "claim", MILLER, *args], code, fragment)
        return
    before = snapshot(seeded)  # a usage error: click's lines, and nothing written
    result = run("edit", "claim", MILLER, *args)
    assert result.exit_code == 2 and fragment in result.stderr
    assert snapshot(seeded) == before


def test_rewording_a_reviewed_claim_warns_and_keeps_the_note(run: Runner) -> None:
    ok(run("add", "actor", "FactCheck Desk", "--kind", "organization", "--id", "desk"))
    ok(run("review", MILLER, "--by", "desk", "--rating", "Accurate"))
    result = run("edit", "claim", MILLER, "--text", "North Korea supplied Russia with arms.")
    assert result.exit_code == 0
    assert result.stderr == (
        f"Warning: claim {MILLER} has 1 verdict(s) given on its old wording: check them"
        f" against the new text (tracker show {MILLER})\n"
    )
    assert "verdict(s) given on its old wording" in latest(run)["note"]
    assert shown(run)["reviews"][0]["rating"] == "Accurate"  # kept, not refused
    # A date alone is no rewording.
    assert run("edit", "claim", MILLER, "--on", "2024-06-16").stderr == ""


# -- edit actor, source, appearance -------------------------------------------------------


def test_an_actors_name_kind_and_description(run: Runner) -> None:
    actor = as_json(run("edit", "actor", "Miller", "--name", "Matthew A. Miller", "-f", "json"))
    assert actor["actor"]["name"] == "Matthew A. Miller"
    assert "Matthew Miller" in actor["actor"]["aliases"]  # the old name still finds him
    assert ok(run("by-actor", "Matthew Miller", "-f", "json"))
    ok(run("edit", "actor", "kcna", "--name", "KCNA agency", "--drop-old-name"))
    kcna = as_json(run("edit", "actor", "kcna", "--description", "", "--kind", "group",
                       "-f", "json"))["actor"]  # fmt: skip
    assert kcna["name"] == "KCNA agency" and "Korean Central News Agency" not in kcna["aliases"]
    assert kcna["kind"] == "group" and kcna["description"] is None
    fields = latest(run)["entities"][0]["fields"]
    assert {f["field"] for f in fields} == {"kind", "description"}


def test_an_actor_edit_is_refused_like_a_data_file(seeded: Engine, run: Runner) -> None:
    refused(seeded, run, ["edit", "actor", "Miller", "--name", "Putin"], 1, "Putin")
    for args, fragment in (
        (["--kind", "planet"], "'planet' is not one of"),
        (["--drop-old-name"], "--drop-old-name goes with --name"),
    ):
        result = run("edit", "actor", "Miller", *args)
        assert result.exit_code == 2 and fragment in result.stderr


def test_a_sources_description_dates_and_credits(seeded: Engine, run: Runner) -> None:
    source = as_json(
        run("edit", "source", "ani-20240618", "--published", "2024-06-19", "--credit", "Reuters",
            "--url", "https://www.aninews.in/x", "--excerpt", "--retrieved", "2024-06-20",
            "-f", "json")
    )["source"]  # fmt: skip
    assert source["published_on"] == "2024-06-19" and source["excerpt"] is True
    assert source["credits"] == ["Asian News International", "Reuters"]
    assert source["url"] == "https://www.aninews.in/x" and source["retrieved_on"] == "2024-06-20"
    cleared = as_json(
        run("edit", "source", "ani-20240618", "--url", "", "--published", "", "--whole",
            "--no-credit", "Reuters", "-f", "json")
    )["source"]  # fmt: skip
    assert cleared["url"] is None and cleared["published_on"] is None
    assert cleared["excerpt"] is False and cleared["credits"] == ["Asian News International"]
    refused(seeded, run, ["edit", "source", "ani-20240618", "--title", ""], 1, "'title' is empty")
    refused(seeded, run, ["edit", "source", "ani-20240618", "--no-credit", "TASS"], 1,
            "has no credit 'tass'")  # fmt: skip
    refused(seeded, run, ["edit", "source", "no-such-source", "--title", "T"], 1,
            "no source with id 'no-such-source'")  # fmt: skip


def test_an_appearances_type_cue_and_intermediary(seeded: Engine, run: Runner) -> None:
    written = ok(run("edit", "appearance", MILLER, STAR, "--type", "paraphrase", "--cue", "said",
                     "--via", "Reuters"))  # fmt: skip
    assert written.strip() == (
        f"updated the appearance of claim {MILLER} in {STAR}:2468: type, cue, via"
    )
    (appearance,) = shown(run)["appearances"]
    assert (appearance["type"], appearance["cue"], appearance["via"]) == (
        "paraphrase",
        "said",
        "Reuters",
    )
    assert (appearance["start"], appearance["quote"]) == (2468, appearance["quote"])
    ok(run("edit", "appearance", MILLER, f"{STAR}:2468", "--no-via", "--cue", ""))
    (appearance,) = shown(run)["appearances"]
    assert appearance["via"] is None and appearance["cue"] is None
    refused(seeded, run, ["edit", "appearance", MILLER, "ani-20240618", "--cue", "x"], 1,
            "has no appearance in source 'ani-20240618'")  # fmt: skip
    refused(seeded, run, ["edit", "appearance", MILLER, STAR, "--cue", "x" * 101], 1,
            "field 'cue' is 101 characters long")  # fmt: skip


# -- surnames -----------------------------------------------------------------------------


def test_a_persons_surname_resolves_on_writes_when_one_person_bears_it(
    seeded: Engine, run: Runner
) -> None:
    ok(run("add", "actor", "Dmitry Peskov", "--kind", "person"))
    result = run("add", "claim", "--by", "Peskov", "--text", "The visit will be historic.",
                 "--source", STAR, "--quote", "North Korea had supplied", "--new")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "'Peskov' taken as Dmitry Peskov (dmitry-peskov), the one person of that surname\n"
    )
    assert "the one person of that surname" in latest(run)["note"]
    # Two persons of that surname: refused with the nearest, as any near miss.
    ok(run("add", "actor", "Yelena Peskova", "--kind", "person", "--alias", "Lena Peskov"))
    refused(seeded, run, ["edit", "claim", MILLER, "--claimant", "Peskov"], 1,
            "no actor is named 'Peskov' exactly", "Nearest: ")  # fmt: skip
    # An organization has no surname.
    refused(seeded, run, ["edit", "claim", MILLER, "--claimant", "Department"], 1,
            "no actor is named 'Department' exactly")  # fmt: skip


# -- corrections --------------------------------------------------------------------------


def test_corrections_are_shown_with_what_the_claim_said_before(run: Runner) -> None:
    ok(run("edit", "claim", MILLER, "--on", "2024-06-18"))
    ok(run("edit", "claim", MILLER, "--text", "North Korea supplied Russia with missiles.",
           "--claimant", "United States"))  # fmt: skip
    ok(run("edit", "claim", MILLER, "--topic", "sanctions"))  # no correction: a topic
    corrections = shown(run)["corrections"]
    assert [c["text"].split(": ", 1)[1] for c in corrections] == [
        "the date was 2024-06-17",
        "the text was “North Korea has supplied Russia with dozens of ballistic missiles and"
        " more than 11,000 containers of munitions for use in Ukraine.”; the claimants were"
        " Matthew Miller",
    ]
    assert corrections[1]["fields"][1] == {
        "field": "claimants",
        "before": ["Matthew Miller"],
        "after": ["Matthew Miller", "United States government"],
    }
    text = ok(run("show", MILLER))
    assert f"Corrected {corrections[0]['on']}: the date was 2024-06-17" in text
    report = ok(run("report", "--no-timestamp"))
    section = report.split("## Corrections\n", 1)[1].split("\n## ", 1)[0]
    assert f"(ID: {MILLER})" in section and section.count("  - Corrected ") == 2
    # Only the claims a report shows.
    assert "## Corrections" not in ok(run("report", "--no-timestamp", "--topic", "trade"))


def test_silent_and_undone_changes_are_no_corrections(run: Runner) -> None:
    ok(run("edit", "claim", MILLER, "--text", "North Korea has suplied Russia.", "--silent"))
    assert latest(run)["silent"] is True
    ok(run("edit", "claim", MILLER, "--on", "2024-06-18"))
    ok(run("undo", str(latest(run)["id"])))
    assert shown(run)["corrections"] == []
    assert "## Corrections" not in ok(run("report", "--no-timestamp"))


def test_a_reloaded_data_file_that_changes_a_claim_is_a_correction(
    run: Runner, tmp_path: Path
) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    edit(seeds / "claims.yaml", "North Korea has supplied Russia with dozens", "North Korea"
         " supplied Russia with dozens")  # fmt: skip
    ok(run("load", str(seeds)))
    (correction,) = shown(run)["corrections"]
    assert correction["fields"][0]["before"].startswith("North Korea has supplied Russia")
    assert latest(run)["capture"] == "compact"
    ok(run("load", "--silent", str(SEEDS)))  # back, silently
    assert len(shown(run)["corrections"]) == 1


# -- every write is a change -----------------------------------------------------------------


def test_verdicts_evidence_imports_and_extraction_are_changes(run: Runner, tmp_path: Path) -> None:
    ok(run("add", "actor", "FactCheck Desk", "--kind", "organization", "--id", "desk"))
    ok(run("review", MILLER, "--by", "desk", "--rating", "Accurate"))
    assert latest(run)["entities"][0]["fields"][0]["added"] == ["Accurate by desk"]
    ok(run("add", "evidence", MILLER, "--stance", "supports", "--url", "https://e.example/un"))
    assert latest(run)["entities"][0]["fields"][0]["added"] == ["supports: https://e.example/un"]
    backup = tmp_path / "backup.json"
    ok(run("export", "-o", str(backup)))
    ok(run("remove", "claim", MILLER, "--with-relations", "--yes"))
    ok(run("import", str(backup)))
    imported = latest(run)
    assert imported["capture"] == "compact" and imported["command"].endswith(f"import {backup}")
    assert imported["files"][0]["path"] == str(backup)
    assert imported["counts"]["claims"]["added"] == 1
    pytest.importorskip("spacy")
    ok(run("extract", STAR, "--accept-all"))
    extracted = latest(run)
    assert extracted["command"].endswith(f"extract {STAR} --accept-all")
    assert extracted["counts"]["claims"]["added"] >= 1
