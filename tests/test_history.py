"""`tracker history` and `tracker undo` on the seeds: what each change did, and
every kind of write put back exactly as it was."""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from tests.conftest import SEEDS, Runner
from tests.test_edit import refused
from tests.test_load import edit, snapshot
from tracker.record.check import CHECKS

MILLER = "miller-arms-charge"
DENIAL = "moscow-pyongyang-deny-arms"


def ok(result: Any) -> str:
    assert result.exit_code == 0, result.output
    return str(result.stdout)


def exported(run: Runner) -> str:
    return ok(run("export", "-f", "json"))


def changes(run: Runner, *args: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads(ok(run("history", *args, "-f", "json")))
    return found


def last_change(run: Runner) -> int:
    return int(changes(run, "--limit", "1")[0]["id"])


# -- undo puts back what each write changed ------------------------------------------------


def test_a_removed_claim_comes_back_exactly_as_it_was(seeded: Engine, run: Runner) -> None:
    ok(run("add", "actor", "FactCheck Desk", "--kind", "organization", "--id", "desk"))
    ok(run("review", MILLER, "--by", "desk", "--rating", "Accurate", "--date", "2024-06-20"))
    ok(run("add", "evidence", MILLER, "--stance", "supports", "--url", "https://e.example/un"))
    ok(run("add", "evidence", MILLER, "--stance", "refutes", "--review-by", "desk",
           "--url", "https://e.example/img"))  # fmt: skip
    ok(run("add", "appearance", MILLER, "--source", "star-advertiser-20240618",
           "--quote", "North Korea had supplied", "--paraphrase", "--via", "Reuters"))  # fmt: skip
    before = exported(run)
    ok(run("remove", "claim", MILLER, "--with-relations", "--yes"))
    assert MILLER not in exported(run)
    removal = last_change(run)
    undone = ok(run("undo", str(removal)))
    assert undone.startswith(f"undid change {removal} (") and "row(s) put back" in undone
    assert exported(run) == before
    # The undo is a change of its own, saying what it undid.
    latest = changes(run, "--limit", "2")
    assert latest[0]["undoes"] == removal and latest[1]["undone_by"] == latest[0]["id"]
    assert ok(run("db", "check")).count("ok ") == len(CHECKS)


PAGE = Path(__file__).resolve().parent.parent / "docs" / "walkthrough" / "zembla-tankers.html"


@pytest.mark.parametrize(
    ("setup", "args"),
    [
        ([], ["rename", "claim", MILLER, "miller-charge"]),
        ([], ["relate", DENIAL, "us-skorea-tech-for-arms", "--relation", "denies"]),
        ([], ["unrelate", DENIAL, MILLER]),
        ([], ["alias", "Putin", "Vladimir Poutine"]),
        ([], ["merge-actors", "north-korean-state-media", "kcna", "--yes"]),
        (
            [],
            ["remove", "appearance", "putin-nk-supports-war", "star-advertiser-20240618", "--yes"],
        ),
        ([["add", "source", str(PAGE)]], ["remove", "source", "example-wire-20250304", "--yes"]),
        (
            [["add", "actor", "Dmitry Peskov", "--kind", "person"]],
            ["remove", "actor", "Peskov", "--yes"],
        ),
        (
            [],
            [
                "add",
                "actor",
                "Dmitry Peskov",
                "--kind",
                "person",
                "--role",
                "Spokesman",
                "--of",
                "Russian government",
            ],
        ),
        (
            [],
            [
                "add",
                "claim",
                "--by",
                "Miller",
                "--text",
                "A new claim.",
                "--source",
                "star-advertiser-20240618",
                "--quote",
                "North Korea had supplied",
                "--new",
            ],
        ),
    ],
    ids=lambda a: " ".join(a[:2]) if a and isinstance(a[0], str) else "",
)
def test_undo_puts_every_kind_of_write_back(
    seeded: Engine, run: Runner, setup: list[list[str]], args: list[str]
) -> None:
    for step in setup:
        ok(run(*step))
    before, rows = exported(run), snapshot(seeded)
    ok(run(*args))
    assert exported(run) != before or snapshot(seeded) != rows
    ok(run("undo", str(last_change(run))))
    assert exported(run) == before
    after = snapshot(seeded)
    for table in rows:
        if table == "actor_sides":  # derived, rebuilt: the same rows, under new ids
            assert sorted(r[1:] for r in after[table]) == sorted(r[1:] for r in rows[table])
        elif table not in ("changes", "change_rows"):
            assert after[table] == rows[table], table


def test_a_load_is_undone_and_a_reload_of_edited_files_too(
    seeded: Engine, run: Runner, tmp_path: Path
) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    edit(seeds / "claims.yaml", "stated: '2024-06-17'", "stated: '2024-06-16'")
    edit(seeds / "actors.yaml", "name: Matthew Miller", "name: Matthew A. Miller")
    before = exported(run)
    assert "updated" in ok(run("load", str(seeds)))
    reload = changes(run, "--limit", "1")[0]
    assert reload["capture"] == "compact" and reload["counts"]["actors"]["updated"] == 1
    assert exported(run) != before
    ok(run("undo", str(reload["id"])))
    assert exported(run) == before
    # The first load cannot be undone while the reload stands; once it is undone, it can.
    ok(run("undo", str(reload["id"] + 1)))  # redo the reload
    refused(
        seeded, run, ["undo", "1"], 1, f"change {reload['id']} (", "changed the same rows since"
    )
    ok(run("undo", str(reload["id"] + 2)))  # undo the redo: the reload is undone
    ok(run("undo", "1"))
    assert ok(run("claims")).strip() == "No claims match."
    assert ok(run("actors")).strip() == "No actors yet."


def test_undo_is_refused_when_a_later_change_stands_in_the_way(seeded: Engine, run: Runner) -> None:
    ok(run("--as", "ana", "rename", "claim", MILLER, "miller-charge"))
    rename = last_change(run)
    ok(run("--as", "bo", "relate", "miller-charge", "us-sanctions-transfers", "--relation",
           "supports"))  # fmt: skip
    relate = last_change(run)
    ok(run("--as", "bo", "rename", "claim", "miller-charge", "miller-charge-2024"))
    message = refused(seeded, run, ["undo", str(rename)], 1, f"cannot undo change {rename}:")
    assert f"change {rename + 2} (" in message and "bo: tracker" in message
    assert "undo that first" in message
    # The relation is another row: undone on its own.
    ok(run("undo", str(relate)))
    refused(seeded, run, ["undo", str(relate)], 1, f"change {relate} was undone by change")
    refused(seeded, run, ["undo", "999"], 1, "no change 999 (the log holds changes 1 to")


# -- history -------------------------------------------------------------------------------


def test_history_says_what_changed_when_and_by_whom(run: Runner) -> None:
    ok(run("--as", "Ana", "rename", "claim", MILLER, "miller-charge"))
    ok(run("--as", "Bo", "relate", DENIAL, "us-skorea-tech-for-arms", "--relation", "denies"))
    listed = changes(run)
    assert [c["by"] for c in listed[:2]] == ["Bo", "Ana"]
    assert [c["id"] for c in listed] == sorted((c["id"] for c in listed), reverse=True)
    rename = listed[1]
    assert rename["entities"] == [
        {
            "kind": "claim",
            "id": "miller-charge",
            "action": "updated",
            "fields": [{"field": "id", "before": MILLER, "after": "miller-charge"}],
        }
    ]
    made = dt.datetime.strptime(rename["at"], "%Y-%m-%dT%H:%M:%SZ")
    assert abs(made - dt.datetime.now(dt.UTC).replace(tzinfo=None)) < dt.timedelta(minutes=5)
    relate = listed[0]["entities"][0]
    assert relate["id"] == DENIAL and relate["fields"] == [
        {"field": "relations", "removed": [], "added": ["denies us-skorea-tech-for-arms"]}
    ]
    load = listed[-1]
    assert load["counts"]["claims"] == {"added": 44, "updated": 0, "removed": 0}
    assert load["more"] == 68 - len(load["entities"]) and load["files"]
    # The table, a line per entity; a load by its counts.
    table = ok(run("history", "-f", "plain"))
    assert "updated claim miller-charge: id: “miller-arms-charge” → “miller-charge”" in table
    assert "claims: 44 added" in table


def test_history_narrows_to_a_claim_an_actor_a_source_a_person_or_a_day(run: Runner) -> None:
    ok(run("--as", "Ana", "edit", "claim", MILLER, "--on", "2024-06-16"))
    ok(run("--as", "Bo", "alias", "Miller", "M. Miller"))
    ok(run("--as", "Bo", "remove", "appearance", "putin-nk-supports-war",
           "star-advertiser-20240618", "--yes"))  # fmt: skip
    of_claim = changes(run, MILLER)
    assert [c["by"] for c in of_claim][:1] == ["Ana"]
    assert all(e["id"] == MILLER for c in of_claim for e in c["entities"])
    assert of_claim[0]["entities"][0]["fields"] == [
        {"field": "stated", "before": "2024-06-17", "after": "2024-06-16"}
    ]
    of_actor = changes(run, "--actor", "Miller")
    assert of_actor[0]["entities"][0] == {
        "kind": "actor",
        "id": "matthew-miller",
        "action": "updated",
        "fields": [{"field": "aliases", "removed": [], "added": ["M. Miller"]}],
    }
    of_source = changes(run, "--source", "star-advertiser-20240618")
    assert of_source[0]["entities"][0]["id"] == "putin-nk-supports-war"
    assert [c["by"] for c in changes(run, "--by", "bo")] == ["Bo", "Bo"]
    assert changes(run, "--since", "2999-01-01") == []
    assert ok(run("history", "--since", "2999")).strip() == "No changes match."
    result = run("history", MILLER, "--actor", "Miller")
    assert result.exit_code == 2 and "give one of CLAIM, --actor and --source" in result.stderr


def test_a_removed_claims_history_is_found_by_its_id(run: Runner) -> None:
    ok(run("remove", "claim", MILLER, "--with-relations", "--yes"))
    found = changes(run, MILLER)
    assert [e["action"] for c in found for e in c["entities"]] == ["removed", "added"]
    result = run("history", "no-such-claim")
    assert result.exit_code == 1 and "no claim with id 'no-such-claim'" in result.stderr


# -- the README's sessions -------------------------------------------------------------------

README = SEEDS.parent / "README.md"
_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")
_DAY = re.compile(r"Corrected \d{4}-\d{2}-\d{2}")


def _sessions() -> list[list[tuple[list[str], int | None, str]]]:
    """The README's replayed sessions: (arguments, `| head -N`, output) each."""
    text = README.read_text(encoding="utf-8")
    found = []
    for block in re.findall(
        r"<!-- tests/test_history.py replays.*?-->\n```text\n(.*?)```", text, re.S
    ):
        steps = []
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, output = chunk.partition("\n")
            head = re.search(r"\| head -(\d+)$", command)
            steps.append(
                (shlex.split(command.split(" | ")[0])[1:], int(head[1]) if head else None, output)
            )
        found.append(steps)
    return found


def _masked(text: str) -> str:
    return _DAY.sub("Corrected YYYY-MM-DD", _TIME.sub("YYYY-MM-DD HH:MM", text))


def test_the_readme_has_its_sessions() -> None:
    assert len(_sessions()) == 2 and all(_sessions())


@pytest.mark.parametrize("number", range(len(_sessions())))
def test_the_readme_sessions_replay(
    run: Runner, monkeypatch: pytest.MonkeyPatch, number: int
) -> None:
    """Each session, on the seeds, prints what the README shows (times aside);
    the database is named by the environment, as a user's would be, so that
    the commands the log keeps are the README's."""
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("TRACKER_DATABASE_URL", run.url)
    from click.testing import CliRunner

    from tracker.cli import cli

    for args, head, expected in _sessions()[number]:
        result = CliRunner().invoke(cli, args, catch_exceptions=False)
        printed = result.stdout + result.stderr
        if head is not None:
            printed = "".join(printed.splitlines(keepends=True)[:head])
        assert _masked(printed) == _masked(expected), args


def test_an_undo_the_database_refuses_is_one_line_and_changes_nothing(
    seeded: Engine, run: Runner
) -> None:
    """A write made around tracker (not in the log) can stand in the way: the
    claim's id taken again by another tool."""
    ok(run("remove", "claim", MILLER, "--with-relations", "--yes"))
    removal = last_change(run)
    with seeded.begin() as connection:
        connection.execute(
            text("INSERT INTO claims (id, key, text) VALUES (999, :key, 'Another.')"),
            {"key": MILLER},
        )
    said = f"cannot undo change {removal}: the database refused a row of claims put back"
    refused(seeded, run, ["undo", str(removal)], 1, said)
