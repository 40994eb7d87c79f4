"""Feeding and fixing the record from the command line: every write command,
its output, and its refusals, each leaving the database as it was."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.conftest import Runner
from tests.test_load import snapshot

STAR = "star-advertiser-20240618"


def ok(result: Any) -> str:
    assert result.exit_code == 0, result.output
    return str(result.stdout)


def as_json(result: Any) -> Any:
    return json.loads(ok(result))


def refused(engine: Engine, run: Runner, args: list[str], code: int, *fragments: str) -> str:
    """The command fails with one line naming the problem, and writes nothing."""
    before = snapshot(engine)
    result = run(*args)
    assert result.exit_code == code, result.output
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr
    assert snapshot(engine) == before
    return str(result.stderr)


def status(run: Runner, key: str) -> str:
    return str(as_json(run("show", key, "-f", "json"))["status"])


# -- sources -------------------------------------------------------------------------

HTML = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Ministry rejects report | Example Wire</title>
<meta property="og:title" content="Ministry rejects report on fuel shipments">
<meta property="og:site_name" content="Example Wire">
<meta property="article:published_time" content="2025-03-04T09:30:00Z">
<link rel="canonical" href="https://wire.example.org/2025/03/04/fuel">
</head><body><nav>Home | World | Business</nav>
<article><h1>Ministry rejects report on fuel shipments</h1>
<p>ZEMBLA — The foreign ministry of Zembla on Tuesday rejected a report that its navy had
escorted fuel shipments through the strait, calling it a fabrication.</p>
<p>“The report is a fabrication from beginning to end,” ministry spokeswoman Ana Kovač told
reporters in the capital.</p>
<p>The Daily Example reported on Monday that three tankers had crossed the strait under naval
escort, citing officials speaking on condition of anonymity.</p></article>
<footer>Comments are closed.</footer></body></html>
"""


def test_an_html_page_becomes_a_source_with_its_metadata(run: Runner, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(HTML, encoding="utf-8")
    added = as_json(run("add", "source", str(page), "-f", "json"))
    assert added["action"] == "added" and added["kind"] == "source"
    source = added["source"]
    assert source["id"] == added["id"] == "example-wire-20250304"
    assert source["title"] == "Ministry rejects report on fuel shipments"
    assert source["outlet"] == "Example Wire"
    assert source["published_on"] == "2025-03-04"
    assert source["url"] == "https://wire.example.org/2025/03/04/fuel"
    text = ok(run("source", source["id"]))
    assert "a fabrication from beginning to end" in text
    assert "Comments are closed" not in text and "Home | World" not in text
    # The same file again: nothing new, and it says which source holds it.
    again = run("add", "source", str(page))
    assert ok(again).strip() == "source example-wire-20250304 already holds this content"


def test_markdown_front_matter_and_options(run: Runner, tmp_path: Path) -> None:
    note = tmp_path / "statement.md"
    note.write_text(
        "---\ntitle: Statement on the strait\noutlet: Ministry of Foreign Affairs of Zembla\n"
        "published: 2031-03\ncredits: [Reuters]\nlanguage: en\n---\n"
        "The Ministry denies that any naval vessel escorted tankers in March.\n",
        encoding="utf-8",
    )
    added = as_json(
        run(
            "add", "source", str(note), "--id", "zembla-statement", "--excerpt",
            "--archived-url", "https://web.archive.org/x", "--retrieved", "2031-04-01",
            "-f", "json",
        )
    )  # fmt: skip
    source = added["source"]
    assert source["id"] == "zembla-statement"
    assert source["published_on"] == "2031-03"  # a month stays a month
    assert source["credits"] == ["Reuters"]
    assert source["excerpt"] is True
    assert source["archived_url"] == "https://web.archive.org/x"
    assert source["retrieved_on"] == "2031-04-01"
    assert ok(run("source", "zembla-statement")).startswith("The Ministry denies")


def test_a_plain_text_needs_its_title_and_outlet(
    seeded: Engine, run: Runner, tmp_path: Path
) -> None:
    plain = tmp_path / "plain.txt"
    plain.write_text("Somebody said something.\n", encoding="utf-8")
    before = snapshot(seeded)
    result = run("add", "source", str(plain), "--outlet", "Somewhere")
    assert result.exit_code == 2 and "give --title" in result.stderr
    assert snapshot(seeded) == before
    bad = tmp_path / "bad.md"
    bad.write_text("---\ntitel: typo\n---\nText.\n", encoding="utf-8")
    refused(seeded, run, ["add", "source", str(bad)], 1, "unknown front matter field 'titel'")


# -- claims and counter-claims ----------------------------------------------------------


def test_a_claim_and_its_denial_from_the_command_line(run: Runner, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(HTML, encoding="utf-8")
    source = as_json(run("add", "source", str(page), "-f", "json"))["id"]
    as_json(run("add", "actor", "Daily Example", "--kind", "organization", "-f", "json"))
    ok(run("add", "actor", "Zemblan government", "--kind", "government", "--alias", "Zembla"))
    anonymous = as_json(
        run(
            "add", "actor", "Officials speaking to the Daily Example on condition of anonymity",
            "--kind", "unnamed", "-f", "json",
        )
    )["id"]  # fmt: skip
    charge = as_json(
        run(
            "add", "claim", "--by", anonymous, "--text",
            "Three tankers crossed the strait under naval escort.",
            "--source", source,
            "--quote", "three tankers had crossed the strait under naval escort",
            "--paraphrase", "--cue", "citing", "--via", "Daily Example", "--on", "2025-03-03",
            "--topic", "shipping", "-f", "json",
        )
    )["claim"]  # fmt: skip
    assert charge["claimants"][0]["kind"] == "unnamed"
    assert charge["appearances"][0]["via"] == "Daily Example"
    # A straight apostrophe and quotes typed where the article has curly ones.
    denial = as_json(
        run(
            "add", "counter", charge["id"], "--by", "Zembla", "--on", "2025-03-04",
            "--text", "No naval vessel escorted fuel shipments through the strait.",
            "--source", source, "--quote", "The report is a fabrication from beginning to end",
            "--cue", "told reporters", "-f", "json",
        )
    )["claim"]  # fmt: skip
    assert denial["appearances"][0]["quote"] == "The report is a fabrication from beginning to end"
    assert [(r["direction"], r["relation"], r["id"]) for r in denial["relations"]] == [
        ("out", "denies", charge["id"])
    ]
    assert status(run, charge["id"]) == status(run, denial["id"]) == "contested"
    contests = as_json(run("contested", "--topic", "shipping", "-f", "json"))
    assert [c["id"] for c in contests] == [charge["id"]]


def test_a_quote_not_in_the_source_is_refused_with_the_closest_passage(
    seeded: Engine, run: Runner
) -> None:
    refused(
        seeded, run,
        ["add", "claim", "--by", "Miller", "--text", "A new claim.", "--source", STAR,
         "--quote", "Moscow denied the transfers"],
        1, "quote 'Moscow denied the transfers' refused", "closest passage is at",
    )  # fmt: skip


def test_a_repeated_quote_at_the_command_line_asks_for_occurrence(
    seeded: Engine, run: Runner
) -> None:
    args = ["add", "claim", "--by", "Miller", "--text", "Pyongyang said something new.",
            "--source", STAR, "--quote", "Pyongyang"]  # fmt: skip
    message = refused(seeded, run, args, 1, "occurs", "say which with --occurrence N (1-")
    assert "`occurrence: N`" not in message
    added = as_json(run(*args, "--occurrence", "2", "-f", "json"))
    (appearance,) = added["claim"]["appearances"]
    assert appearance["quote"] == "Pyongyang"


@pytest.mark.parametrize("name", ["Korea", "Kim Jong Il", "Lavrof"])
def test_a_write_names_its_actors_exactly(seeded: Engine, run: Runner, name: str) -> None:
    """Listings forgive a partial or misspelt name; a write does not guess
    whose claim it records (\"Kim Jong Il\" is not Kim Jong Un)."""
    refused(
        seeded, run,
        ["add", "claim", "--by", name, "--text", "x.", "--source", STAR, "--quote", "Leave a"],
        1, f"no actor is named {name!r} exactly", "Nearest:",
    )  # fmt: skip


def test_an_id_may_not_read_as_another_actors_name(seeded: Engine, run: Runner) -> None:
    refused(seeded, run, ["rename", "actor", "yonhap", "putin"], 1, "reads as a name of actor")
    refused(
        seeded, run,
        ["add", "actor", "Moscow City Hall", "--kind", "organization", "--id", "moscow"],
        1, "reads as a name of actor 'russia'",
    )  # fmt: skip


def test_merging_two_periods_of_one_role_is_refused(
    seeded: Engine, run: Runner, tmp_path: Path
) -> None:
    ok(run("add", "actor", "M. Miller", "--kind", "person", "--id", "m-miller",
           "--role", "Spokesperson", "--of", "us-state-department"))  # fmt: skip
    # The same role for the same (open) period: one role after the merge.
    ok(run("merge-actors", "matthew-miller", "m-miller", "--yes"))
    assert len(as_json(run("by-actor", "matthew-miller", "-f", "json"))["actor"]["roles"]) == 1
    data = tmp_path / "matt.yaml"
    data.write_text(
        "actors:\n  - id: matt-m\n    name: Matt M.\n    kind: person\n    roles:\n"
        "      - {title: Spokesperson, of: us-state-department, start: '2015-01-01',"
        " end: '2016-12-31'}\n",
        encoding="utf-8",
    )
    ok(run("load", str(data)))
    refused(
        seeded, run, ["merge-actors", "matthew-miller", "matt-m", "--yes"], 1, "different periods"
    )


def test_the_same_statement_again_is_offered_as_an_appearance(seeded: Engine, run: Runner) -> None:
    """Putin's letter in Reuters' translation, typed as a new claim of Putin's:
    refused, naming the recorded claim; --new records it anyway."""
    args = [
        "add", "claim", "--by", "Putin", "--on", "2024-06-18", "--source",
        "polskie-radio-20240618", "--text", "Russia and North Korea will resist restrictions.",
        "--quote", "jointly resist illegitimate unilateral restrictions",
    ]  # fmt: skip
    message = refused(seeded, run, args, 1, "resembles claim putin-resist-unilateral-restrictions")
    assert "tracker add appearance putin-resist-unilateral-restrictions" in message
    assert "--new" in message
    added = as_json(run(*args, "--new", "-f", "json"))
    assert added["id"].startswith("russia-and-north-korea-will-resist")


def test_another_appearance_of_a_claim(seeded: Engine, run: Runner) -> None:
    before = as_json(run("show", "miller-arms-charge", "-f", "json"))["appearances"]
    added = as_json(
        run(
            "add", "appearance", "miller-arms-charge", "--source", STAR,
            "--quote", "repeated charges on Monday", "--paraphrase", "-f", "json",
        )
    )  # fmt: skip
    after = added["claim"]["appearances"]
    assert len(after) == len(before) + 1
    assert after[-1]["quote"] == "repeated charges on Monday" and after[-1]["type"] == "paraphrase"
    refused(
        seeded, run,
        ["add", "appearance", "miller-arms-charge", "--source", STAR,
         "--quote", "repeated charges on Monday"],
        1, "lists the same quote twice",
    )  # fmt: skip


# -- relations, names, ids --------------------------------------------------------------


def test_relate_and_unrelate(seeded: Engine, run: Runner) -> None:
    assert status(run, "us-skorea-tech-for-arms") == "uncontested"
    ok(
        run(
            "relate",
            "moscow-pyongyang-deny-arms",
            "us-skorea-tech-for-arms",
            "--relation",
            "denies",
        )
    )
    assert status(run, "us-skorea-tech-for-arms") == "contested"
    changed = ok(
        run(
            "relate",
            "moscow-pyongyang-deny-arms",
            "us-skorea-tech-for-arms",
            "--relation",
            "disputes",
        )
    )
    assert "(was: denies)" in changed
    ok(run("unrelate", "moscow-pyongyang-deny-arms", "us-skorea-tech-for-arms"))
    assert status(run, "us-skorea-tech-for-arms") == "uncontested"
    refused(
        seeded, run, ["unrelate", "moscow-pyongyang-deny-arms", "us-skorea-tech-for-arms"], 1,
        "has no relation to",
    )  # fmt: skip
    refused(
        seeded, run,
        ["relate", "miller-arms-charge", "miller-arms-charge", "--relation", "supports"],
        1, "cannot supports itself",
    )  # fmt: skip


def test_actors_aliases_and_roles(seeded: Engine, run: Runner) -> None:
    added = as_json(
        run(
            "add", "actor", "Maria Zakharova", "--kind", "person", "--alias", "Zakharova",
            "--role", "Spokesperson", "--of", "Russian government", "-f", "json",
        )
    )["actor"]  # fmt: skip
    assert added["id"] == "maria-zakharova"
    assert added["roles"] == [
        {"title": "Spokesperson", "of": "Russian government", "start": None, "end": None}
    ]
    ok(run("alias", "Zakharova", "Мария Захарова"))
    record = as_json(run("by-actor", "Мария Захарова", "-f", "json"))
    assert record["actor"]["id"] == "maria-zakharova"
    refused(seeded, run, ["alias", "Zakharova", "Kremlin"], 1, "already names actor 'russia'")
    refused(
        seeded, run, ["add", "actor", "Vladimir Putin", "--kind", "person", "--id", "v-putin"], 1,
        "already names actor 'vladimir-putin'",
    )  # fmt: skip


def test_rename_keeps_every_reference(seeded: Engine, run: Runner) -> None:
    ok(run("rename", "claim", "moscow-pyongyang-deny-arms", "arms-denial"))
    charge = as_json(run("show", "miller-arms-charge", "-f", "json"))
    assert charge["counter_claims"][0]["id"] == "arms-denial"
    ok(run("rename", "actor", "matthew-miller", "miller"))
    assert charge["claimants"][0]["name"] == "Matthew Miller"
    assert (
        as_json(run("show", "miller-arms-charge", "-f", "json"))["claimants"][0]["id"] == "miller"
    )
    refused(seeded, run, ["rename", "claim", "arms-denial", "Arms Denial"], 1, "is not a slug")
    refused(
        seeded, run, ["rename", "claim", "arms-denial", "miller-arms-charge"], 1, "exists already"
    )
    refused(seeded, run, ["rename", "source", "nope", "other"], 1, "no source with id 'nope'")


def test_merge_actors_moves_everything(seeded: Engine, run: Runner) -> None:
    """A duplicate actor created by mistake, with a claim and a relayed quote:
    merged, its claim and quote are the other's, its names aliases of it."""
    ok(run("add", "actor", "Vlad Putin", "--kind", "person", "--id", "v-putin"))
    ok(
        run(
            "add", "claim", "--by", "v-putin", "--new", "--text", "Russia will win.", "--source",
            STAR, "--quote", "ADVERTISING", "--via", "v-putin",
        )
    )  # fmt: skip
    result = run("merge-actors", "vladimir-putin", "v-putin")
    assert result.exit_code == 2 and "--yes" in result.stderr  # no terminal to ask on
    ok(run("merge-actors", "vladimir-putin", "v-putin", "--yes"))
    record = as_json(run("by-actor", "Vlad Putin", "-f", "json"))
    assert record["actor"]["id"] == "vladimir-putin"
    assert "Vlad Putin" in record["actor"]["aliases"]
    claim = next(c for c in record["claims"] if c["text"] == "Russia will win.")
    assert claim["appearances"][0]["via"] == "Vladimir Putin"
    actors = {a["id"] for a in as_json(run("actors", "-f", "json"))}
    assert "v-putin" not in actors


# -- removals --------------------------------------------------------------------------


def test_remove_asks_and_refuses_to_orphan_evidence(seeded: Engine, run: Runner) -> None:
    result = run("remove", "claim", "miller-arms-charge")
    assert result.exit_code == 2 and "--yes" in result.stderr
    refused(
        seeded, run, ["remove", "claim", "miller-arms-charge", "--yes"], 1,
        "answered by 1 claim(s) (moscow-pyongyang-deny-arms)", "--with-relations",
    )  # fmt: skip
    refused(seeded, run, ["remove", "source", STAR, "--yes"], 1, "holds", "--with-appearances")
    refused(
        seeded, run, ["remove", "source", STAR, "--with-appearances", "--yes"], 1,
        "appears only in source",
    )  # fmt: skip
    refused(seeded, run, ["remove", "actor", "Miller", "--yes"], 1, "has 3 claims", "merge-actors")
    refused(
        seeded, run, ["remove", "appearance", "miller-arms-charge", STAR, "--yes"], 1,
        "only appearance",
    )  # fmt: skip
    ok(run("remove", "claim", "miller-arms-charge", "--with-relations", "--yes"))
    assert "miller-arms-charge" not in {c["id"] for c in as_json(run("claims", "-f", "json"))}
    denial = as_json(run("show", "moscow-pyongyang-deny-arms", "-f", "json"))
    assert "miller-arms-charge" not in {r["id"] for r in denial["relations"]}


def test_remove_a_relation_an_appearance_and_an_unused_actor(run: Runner) -> None:
    ok(run("remove", "relation", "nk-media-supports-war", "putin-nk-supports-war", "--yes"))
    assert not as_json(run("show", "putin-nk-supports-war", "-f", "json"))["relations"][1:]
    thanks = as_json(run("show", "putin-nk-supports-war", "-f", "json"))
    start = next(a["start"] for a in thanks["appearances"] if a["source"] == STAR)
    ok(run("remove", "appearance", "putin-nk-supports-war", f"{STAR}:{start}", "--yes"))
    after = as_json(run("show", "putin-nk-supports-war", "-f", "json"))["appearances"]
    assert STAR not in {a["source"] for a in after}
    ok(run("add", "actor", "Nobody Yet", "--kind", "person"))
    ok(run("remove", "actor", "nobody-yet", "--yes"))
    assert "nobody-yet" not in {a["id"] for a in as_json(run("actors", "-f", "json"))}


@pytest.mark.parametrize(
    "args",
    [
        ["add", "claim", "--by", "Miller", "--text", "t", "--source", "nope", "--quote", "q"],
        ["add", "claim", "--by", "Miller", "--text", "t", "--source", STAR, "--quote", "Leave a",
         "--on", "June 2024"],
        ["add", "counter", "no-such-claim", "--by", "Miller", "--text", "t", "--source", STAR,
         "--quote", "Leave a"],
        ["add", "claim", "--by", "Miller", "--text", "t", "--source", STAR, "--quote", "Leave a",
         "--id", "miller-arms-charge"],
        ["relate", "miller-arms-charge", "no-such-claim", "--relation", "supports"],
    ],
)  # fmt: skip
def test_bad_input_writes_nothing(seeded: Engine, run: Runner, args: list[str]) -> None:
    before = snapshot(seeded)
    result = run(*args)
    assert result.exit_code in (1, 2) and "Error: " in result.stderr
    assert snapshot(seeded) == before
