"""The extraction workbench (`/sources/ID/extract`) through Starlette's test
client on both backends: it lists `tracker extract`'s proposals in the
article; what the reviewer accepts, with the speaker, span, text, date and
denial target they pick, is written in one change under the signed-in user
by the code `extract --review` writes through; what that code refuses is
refused whole, beside the form, and writes nothing."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from tests.conftest import Runner, unchanged
from tests.test_web_auth import add, sign_in
from tests.test_web_forms import last_change, send, shown
from tests.web_support import client
from tracker.extract import queue, review
from tracker.extract.propose import propose
from tracker.record.models import Actor, Change, Claim

SOURCE = "invented-wire"
BENCH = f"/sources/{SOURCE}/extract"
# Invented reporting about the seeds' actors: a denial of recorded charges,
# a pronoun two people fit, and somebody new.
TEXT = (
    "Kremlin rejects charges over North Korean arms\n"
    "MOSCOW \u2014 Russian President Vladimir Putin met North Korean leader Kim Jong Un in"
    " Pyongyang.\n"
    "He said the treaty was a breakthrough.\n"
    "Harbour official Lena Varga said the port was closed.\n"
)
DENIAL = "No charges over North Korean arms took place."


def store(run: Runner, folder: Path, text: str = TEXT, key: str = SOURCE) -> None:
    (folder / f"{key}.txt").write_text(text, encoding="utf-8")
    (folder / f"{key}.yaml").write_text(
        f"sources:\n  - id: {key}\n    file: {key}.txt\n    outlet: Test Wire\n"
        "    title: Kremlin rejects charges\n    published: '2024-06-21'\n",
        encoding="utf-8",
    )
    result = run("load", str(folder / f"{key}.yaml"))
    assert result.exit_code == 0, result.output


@pytest.fixture
def desk(seeded: Engine, run: Runner, tmp_path: Path) -> Iterator[TestClient]:
    """A team server on the seeds and TEXT, with ana (an editor) signed in."""
    add(run, "ana", "editor")
    add(run, "ben", "reader")
    store(run, tmp_path)
    with client(seeded) as c:
        assert sign_in(c, "ana").status_code == 303
        yield c


def fingerprints(html: str) -> dict[str, str]:
    """The hidden fields saying which statement each proposal is."""
    return dict(re.findall(r'name="(at\d+)" value="([^"]+)"', html))


def accept(c: TestClient, decided: dict[str, str]) -> Any:
    page = c.get(BENCH)
    assert page.status_code == 200, page.text
    return send(c, BENCH, {**fingerprints(page.text), **decided})


def count(engine: Engine, model: Any) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def relations(run: Runner, key: str) -> set[tuple[str, str]]:
    return {
        (r["relation"], r["id"]) for r in shown(run, key)["relations"] if r["direction"] == "out"
    }


def test_the_page_lists_the_proposals_in_the_article(desk: TestClient) -> None:
    page = desk.get(BENCH)
    assert page.status_code == 200
    html = page.text
    # Each proposal is marked at its words and has its box.
    marks = re.findall(r'<mark class="proposal stance-(\w+)" id="p(\d)" data-n="\d">'
                       r'<a href="#proposal-\d" title="proposal \d">([^<]+)</a>', html)  # fmt: skip
    assert marks == [
        ("denies", "1", "charges over North Korean arms"),
        ("asserts", "2", "the treaty was a breakthrough"),
        ("asserts", "3", "the port was closed"),
    ]
    assert len(re.findall(r'<fieldset class="proposal"', html)) == 3
    # The pronoun's candidates, and nobody picked for it.
    assert 'name="who2" value="c1"> <bdi>kim-jong-un</bdi>' in html
    assert 'name="who2" value="c2"> <bdi>vladimir-putin</bdi>' in html
    assert not re.search(r'name="who2" value="\w+" checked', html)
    assert "No speaker resolved" in html
    # The denial's candidates, the strong one suggested.
    assert 'value="t2"> <bdi>miller-arms-charge</bdi> (66.7)' in html
    assert 'value="t1"> <bdi>trilateral-deliveries-completed</bdi> (100, suggested)' in html
    assert 'name="csrf" value="' in html
    # The source page leads here.
    assert f'href="{BENCH}"' in desk.get(f"/sources/{SOURCE}").text


def test_accepted_proposals_are_written_in_one_change(
    desk: TestClient, seeded: Engine, run: Runner
) -> None:
    """Accept the denial, answering the charge picked among its candidates,
    and the pronoun's statement, by the candidate picked; skip the third."""
    claims, actors, changes = count(seeded, Claim), count(seeded, Actor), count(seeded, Change)
    done = accept(
        desk,
        {"do1": "accept", "answers1": "t2", "do2": "accept", "who2": "c2", "do3": "skip"},
    )
    assert done.status_code == 303, done.text
    assert done.headers["location"] == f"/sources/{SOURCE}"
    said = desk.get(done.headers["location"]).text
    assert "Wrote 2 of 3 proposals." in said
    assert (count(seeded, Claim), count(seeded, Actor)) == (claims + 2, actors)
    assert count(seeded, Change) == changes + 1
    assert last_change(seeded) == (
        "ana", f"web: tracker extract {SOURCE} --review (accepted 1, 2)"
    )  # fmt: skip
    denial = shown(run, "no-charges-over-north-korean-arms-took-place")
    assert denial["text"] == DENIAL
    assert [a["id"] for a in denial["claimants"]] == ["russia"]
    assert relations(run, denial["id"]) == {("denies", "miller-arms-charge")}
    [appearance] = denial["appearances"]
    assert (appearance["source"], appearance["quote"]) == (
        SOURCE, "charges over North Korean arms"
    )  # fmt: skip
    treaty = shown(run, "the-treaty-was-a-breakthrough")
    assert [a["id"] for a in treaty["claimants"]] == ["vladimir-putin"]
    # The command line sees the contest: the charge, denied by the new claim.
    contested = json.loads(run("contested", "--actor", "russia", "-f", "json").output)
    charge = next(c for c in contested if c["id"] == "miller-arms-charge")
    assert denial["id"] in json.dumps(charge)
    # What is written now stands as recorded: extracting again marks it so.
    assert "Already recorded, as" in desk.get(BENCH).text


def test_the_cli_writes_the_same(seeded: Engine, run: Runner, tmp_path: Path) -> None:
    """The same decisions through review.write, as `extract --review`
    writes them, give the same claims: the workbench adds no rule of its own."""
    store(run, tmp_path)
    with Session(seeded) as session:
        proposals = propose(session, TEXT, source_key=SOURCE)
    first, second = proposals[0], proposals[1]
    chosen = [
        review.Decision(first, first.claim_text, None, 1, (first.answers[1],)),
        review.Decision(
            second, second.claim_text, None, 2,
            speaker=review.Speaker(("vladimir-putin",), None, None, evidence="reviewer"),
        ),
    ]  # fmt: skip
    from tracker.record import lock

    with lock.transaction(seeded) as session:
        review.write(session, SOURCE, chosen)
    assert relations(run, "no-charges-over-north-korean-arms-took-place") == {
        ("denies", "miller-arms-charge")
    }
    assert [a["id"] for a in shown(run, "the-treaty-was-a-breakthrough")["claimants"]] == [
        "vladimir-putin"
    ]


def test_a_new_actor_a_narrowed_span_an_edited_text_and_date(
    desk: TestClient, seeded: Engine, run: Runner
) -> None:
    at = TEXT.index("port was closed")
    done = accept(
        desk,
        {
            "do3": "accept",
            "who3": "new",
            "name3": "Lena Varga-Holm",
            "kind3": "person",
            "start3": str(at),
            "end3": str(at + len("port was closed") + 2),  # the period and newline: trimmed
            "text3": "The harbour's port was closed.",
            "on3": "2024-06-20",
        },
    )
    assert done.status_code == 303, done.text
    claim = shown(run, "the-harbour-s-port-was-closed")
    assert claim["text"] == "The harbour's port was closed."
    assert claim["stated_on"] == "2024-06-20"
    [appearance] = claim["appearances"]
    assert (appearance["quote"], appearance["start"]) == ("port was closed.", at)
    [who] = claim["claimants"]
    assert who["name"] == "Lena Varga-Holm"
    with Session(seeded) as session:
        assert session.scalars(select(Actor.kind).where(Actor.key == who["id"])).one() == "person"


def test_no_speaker_no_claim(desk: TestClient, seeded: Engine) -> None:
    """A proposal whose speaker is not resolved is refused until one is
    picked, with the message of the code `extract --review` writes through;
    the other accepted proposal is not written either."""
    with unchanged(seeded):
        page = accept(desk, {"do1": "accept", "do2": "accept", "text2": "Kept as typed <b>."})
    assert page.status_code == 422, page.text
    message = "proposal 'the treaty was a breakthrough' has no resolved speaker"
    assert f'<p class="error" role="alert"><bdi>{message.replace(chr(39), "&#39;")}</bdi></p>' in (
        page.text
    )
    # Re-shown as sent: the accepts, and the typed text escaped.
    assert 'name="do2" value="accept" checked' in page.text
    assert "Kept as typed &lt;b&gt;.</textarea>" in page.text


@pytest.mark.parametrize(
    ("decided", "message"),
    [
        ({"do1": "accept", "on1": "June 2024"}, "proposal 1: invalid date"),
        ({"do1": "accept", "start1": "5", "end1": "999999"}, "are not a passage of the article"),
        ({"do1": "accept", "answers1": "t99"}, "none of the claims it may answer"),
        ({"do2": "accept", "who2": "c9"}, "none of its speaker's candidates"),
        ({"do2": "accept", "who2": "new", "name2": "", "kind2": "person"}, "name the new actor"),
        ({"do3": "accept", "who3": "new", "name3": "X", "kind3": "robot"}, "'robot' is not one"),
        ({"do1": "skip"}, "Nothing accepted: nothing written."),
        ({"do1": "accept", "at1": "0:1:2"}, "proposal 1 is not what the page showed"),
    ],
)
def test_refusals(desk: TestClient, seeded: Engine, decided: dict[str, str], message: str) -> None:
    with unchanged(seeded):
        page = accept(desk, decided)
    assert page.status_code == 422, page.text
    error = re.search(r'<p class="error" role="alert"><bdi>(.*?)</bdi></p>', page.text)
    assert error and message in unescape(error[1])


def test_a_choice_means_what_the_page_showed(seeded: Engine, run: Runner, tmp_path: Path) -> None:
    """A choice is sent by number (c2, t1): the fingerprint the page sends
    changes when the candidates or targets do, so a number picked on a page
    shown before the record changed is refused, not taken as another."""
    from dataclasses import replace

    from tracker.web.workbench import fingerprint

    store(run, tmp_path)
    with Session(seeded) as session:
        denial, he, _ = propose(session, TEXT, source_key=SOURCE)
    swapped = replace(he.speaker, candidates=he.speaker.candidates[::-1])
    assert fingerprint(replace(he, speaker=swapped)) != fingerprint(he)
    assert fingerprint(replace(denial, denies=denial.denies[1:])) != fingerprint(denial)
    assert fingerprint(denial) == fingerprint(replace(denial, claim_text="Other words."))


def test_only_an_editor_with_the_token_writes(desk: TestClient, seeded: Engine) -> None:
    page = desk.get(BENCH).text
    with unchanged(seeded):
        # No CSRF token: refused before anything is read.
        assert desk.post(BENCH, data={**fingerprints(page), "do1": "accept"}).status_code == 403
    with client(seeded) as other:
        assert sign_in(other, "ben").status_code == 303
        assert other.get(BENCH).status_code == 403
        with unchanged(seeded):
            assert send(other, BENCH, {**fingerprints(page), "do1": "accept"}).status_code == 403
    with client(seeded, read_only=True) as reader:
        assert reader.get(BENCH).status_code == 403
        assert "/extract" not in reader.get(f"/sources/{SOURCE}").text
    assert desk.get("/sources/no-such-source/extract").status_code == 404


def test_a_long_article_is_paged(
    desk: TestClient, seeded: Engine, run: Runner, tmp_path: Path
) -> None:
    """A page holds PAGE proposals (a form is read only to 1,000 fields):
    the rest are a page away, numbered as `tracker extract` numbers them."""
    from tracker.web.workbench import PAGE

    names = ["Ana", "Ben", "Cy", "Dee", "Eli", "Fay", "Gus", "Hal", "Ivy", "Jo"]
    lines = [
        f"Harbour official {names[k % 10]} Varga{k // 10} said dock {k} was closed."
        for k in range(PAGE + 5)
    ]
    store(run, tmp_path, "\n".join(lines) + "\n", "long-wire")
    first = desk.get("/sources/long-wire/extract")
    assert len(re.findall(r'<fieldset class="proposal"', first.text)) == PAGE
    assert 'href="?page=2#proposal-63"' in first.text  # its mark in the article
    second = desk.get("/sources/long-wire/extract?page=2")
    assert re.findall(r'<fieldset class="proposal" id="proposal-(\d+)"', second.text) == [
        str(n) for n in range(PAGE + 1, PAGE + 6)
    ]
    done = send(
        desk,
        "/sources/long-wire/extract?page=2",
        {**fingerprints(second.text), f"do{PAGE + 3}": "accept"},
    )
    assert done.status_code == 303, done.text
    assert shown(run, f"dock-{PAGE + 2}-was-closed")["text"] == f"Dock {PAGE + 2} was closed."


def test_the_review_queue_is_the_desk_s_and_the_workbench_takes_from_it(
    desk: TestClient, seeded: Engine, run: Runner
) -> None:
    """What tracker watch queued is listed at /queue as `tracker queue` lists
    it, marked in its source's workbench, and taken off by an accept there;
    readers never see it."""
    with Session(seeded) as session:
        said = queue.queue_source(session, SOURCE)
        session.commit()
    assert said == f"queued 3 proposal(s) of source {SOURCE} for review, 1 against a recorded claim"
    listed = desk.get("/queue")
    assert listed.status_code == 200
    row = r"<tr( class=\"flagged\")?><td>.*?</td><td><a href=\"([^\"]+)\">"
    rows = re.findall(row, listed.text)
    # The denial of recorded claims first, flagged; each row leads to the workbench.
    assert rows == [(' class="flagged"', BENCH), ("", BENCH), ("", BENCH)]
    assert 'href="/queue"' in desk.get("/").text
    cli = run("queue", "-f", "json")
    assert cli.exit_code == 0, cli.output
    assert desk.get("/queue.json").text == cli.output
    assert desk.get(BENCH).text.count("queued by tracker watch") == 3
    done = accept(desk, {"do1": "accept", "answers1": "t2"})
    assert done.status_code == 303, done.text
    assert "Took 1 off the review queue." in desk.get(done.headers["location"]).text
    left = json.loads(desk.get("/queue.json").text)
    assert [q["cue"] for q in left] == ["said", "said"]
    assert desk.get(BENCH).text.count("queued by tracker watch") == 2
    # Proposals nobody accepted are not the readers'.
    with client(seeded) as other:
        assert sign_in(other, "ben").status_code == 303
        assert other.get("/queue").status_code == 403
        assert other.get("/queue.json").status_code == 403
        assert 'href="/queue"' not in other.get("/").text
    with client(seeded, read_only=True) as reader:
        assert reader.get("/queue").status_code == 403
