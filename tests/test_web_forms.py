"""`tracker serve`'s forms, through Starlette's test client on both backends:
each writes what the CLI command it stands for writes, through the same
library code, in one change the log records under the signed-in user; each
refuses what the command refuses, with the command's message, beside the
form re-shown with what was sent, and writes nothing then."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html import unescape
from typing import Any

import pytest
from markupsafe import escape
from sqlalchemy import Engine, select
from starlette.testclient import TestClient

from tests.conftest import Runner, unchanged
from tests.test_web_auth import add, csrf_of, sign_in
from tests.web_support import client
from tracker.record.models import Change

SOURCE = "star-advertiser-20240618"
PHRASE = "pledged his unwavering support"


@pytest.fixture
def desk(seeded: Engine, run: Runner) -> Iterator[TestClient]:
    """A team server, with ana (an editor) signed in."""
    add(run, "ana", "editor")
    add(run, "ben", "reader")
    desk = ["add", "actor", "FactCheck Desk", "--kind", "organization", "--id", "factcheck-desk"]
    assert run(*desk).exit_code == 0
    with client(seeded) as c:
        assert sign_in(c, "ana").status_code == 303
        yield c


def send(c: TestClient, path: str, data: dict[str, Any]) -> Any:
    """POST a form as the browser would: with the page's CSRF token."""
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', c.get("/").text)
    assert token
    return c.post(path, data={"csrf": token[1], **data})


def last_change(engine: Engine) -> tuple[str, str]:
    with engine.connect() as connection:
        row = connection.execute(
            select(Change.made_by, Change.command).order_by(Change.id.desc()).limit(1)
        ).one()
    return row.made_by, row.command


def shown(run: Runner, key: str) -> dict[str, Any]:
    result = run("show", key, "-f", "json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.output)
    return data


def cli_refusal(run: Runner, *args: str) -> str:
    """What the CLI says when it refuses `args` (it must)."""
    result = run(*args)
    assert result.exit_code != 0, result.output
    return result.output.split("Error: ", 1)[1].strip()


def refused_as_the_cli(
    c: TestClient, engine: Engine, run: Runner, path: str, data: dict[str, Any], args: list[str]
) -> str:
    """The form is refused with the CLI's message, re-shown with what was
    sent, and nothing is written."""
    message = cli_refusal(run, *args)
    with unchanged(engine):
        page = send(c, path, data)
    assert page.status_code == 422, page.text
    assert f'<p class="error" role="alert"><bdi>{escape(message)}</bdi></p>' in page.text
    for value in data.values():
        if isinstance(value, str) and value and value != "on":
            assert str(escape(value)) in page.text  # the form holds what was sent
    return message


# -- history ------------------------------------------------------------------------------


def test_the_claim_page_shows_its_history_as_tracker_history(
    desk: TestClient, seeded: Engine, run: Runner
) -> None:
    key = "miller-arms-charge"
    done = send(desk, f"/claims/{key}/review", {"by": "factcheck-desk", "rating": "Accurate"})
    assert done.status_code == 303, done.text
    printed = run("history", key, "-f", "json").output
    cli = json.loads(printed)
    assert desk.get(f"/claims/{key}/history.json").text == printed  # byte for byte
    missing = desk.get("/claims/miller-arms-chage/history.json")
    assert missing.status_code == 404 and "Did you mean miller-arms-charge?" in missing.text
    page = desk.get(f"/claims/{key}").text
    assert re.findall(r'id="change-(\d+)"', page) == [str(c["id"]) for c in cli]
    assert len(cli) == 2 and f"History ({len(cli)})" in page
    newest = cli[0]
    assert newest["by"] == "ana" and newest["command"].startswith("web: tracker review")
    assert f'<bdi class="by">{newest["by"]}</bdi>' in page
    assert str(escape(newest["command"])) in page
    assert "reviewed" in " ".join(re.findall(r"<li><bdi>([^<]*)</bdi></li>", page)) or any(
        line in page for line in ("added review", "updated claim")
    )


# -- adding claims ------------------------------------------------------------------------


def _passage(run: Runner) -> tuple[int, int]:
    text = json.loads(run("sources", "-f", "json").output)
    assert any(s["id"] == SOURCE for s in text)
    from tests.conftest import SEEDS
    from tracker.ingest.sourcefile import read

    article = read(SEEDS / "002_75e8f458d8cc0dcf.txt").text
    start = article.index(PHRASE)
    return start, start + len(PHRASE)


def test_a_claim_from_a_passage_selected_in_its_source(
    desk: TestClient, seeded: Engine, run: Runner
) -> None:
    start, end = _passage(run)
    # The source page offers the form; the selection's link fills its quote.
    source_page = desk.get(f"/sources/{SOURCE}").text
    assert 'id="add-claim"' in source_page
    form = desk.get(f"/add/claim?source={SOURCE}&start={start - 1}&end={end + 1}").text
    assert f">{PHRASE}</textarea>" in form
    done = send(
        desk,
        "/add/claim",
        {
            "source": SOURCE,
            "start": str(start - 1),  # spaces at its ends are no part of the quote
            "end": str(end + 1),
            "quote": "",
            "by": "Putin",
            "text": "Putin pledged unwavering support to North Korea.",
            "on": "2024-06-18",
            "topics": "russia-north-korea\nsupport",
            "cue": "pledged",
            "new": "on",  # Putin's letter says as much, in another claim
        },
    )
    assert done.status_code == 303, done.text
    key = done.headers["location"].removeprefix("/claims/")
    claim = shown(run, key)
    assert claim["text"] == "Putin pledged unwavering support to North Korea."
    [appearance] = claim["appearances"]
    assert (appearance["quote"], appearance["start"], appearance["end"]) == (PHRASE, start, end)
    assert appearance["cue"] == "pledged" and claim["stated_on"] == "2024-06-18"
    assert sorted(claim["topics"]) == ["russia-north-korea", "support"]
    assert [a["id"] for a in claim["claimants"]] == ["vladimir-putin"]
    by, command = last_change(seeded)
    assert by == "ana" and command.startswith("web: tracker add claim --source")
    # The next page says what was written, once.
    said = f'<p class="said" role="status"><bdi>added claim {key}</bdi></p>'
    assert said in desk.get(done.headers["location"]).text
    assert said not in desk.get(done.headers["location"]).text


def test_a_typed_quote_that_does_not_occur_is_refused_as_the_cli_refuses_it(
    desk: TestClient, seeded: Engine, run: Runner
) -> None:
    data = {
        "source": SOURCE,
        "quote": "Kim promised a bridge of gold",
        "by": "Putin",
        "text": "A claim whose quote is nowhere.",
    }
    args = ["add", "claim", "--source", SOURCE, "--quote", data["quote"], "--by", "Putin"]
    message = refused_as_the_cli(
        desk, seeded, run, "/add/claim", data, [*args, "--text", data["text"]]
    )
    assert "does not occur in the source text" in message


def test_a_selection_that_cuts_a_word_is_refused(
    desk: TestClient, seeded: Engine, run: Runner
) -> None:
    start, end = _passage(run)
    with unchanged(seeded):
        page = send(
            desk,
            "/add/claim",
            {
                "source": SOURCE,
                "start": str(start + 2),
                "end": str(end),
                "by": "Putin",
                "text": "x",
            },
        )
    assert page.status_code == 422
    assert "the quote occurs only inside longer words" in page.text


def test_a_claim_like_a_recorded_one_is_refused_unless_new(
    desk: TestClient, seeded: Engine, run: Runner
) -> None:
    # Putin's letter in Reuters' translation, typed as a new claim of Putin's.
    quote, source = "jointly resist illegitimate unilateral restrictions", "polskie-radio-20240618"
    data = {
        "source": source,
        "quote": quote,
        "by": "Putin",
        "text": "Russia and North Korea will resist restrictions.",
    }
    args = ["add", "claim", "--source", source, "--quote", quote, "--by", "Putin"]
    message = refused_as_the_cli(
        desk, seeded, run, "/add/claim", data, [*args, "--text", data["text"]]
    )
    assert "resembles claim putin-resist-unilateral-restrictions" in message
    assert send(desk, "/add/claim", {**data, "new": "on"}).status_code == 303


def test_a_counter_claim_from_a_claim_page(desk: TestClient, seeded: Engine, run: Runner) -> None:
    page = desk.get("/claims/miller-arms-charge").text
    assert 'href="/claims/miller-arms-charge/counter"' in page
    form = desk.get("/claims/miller-arms-charge/counter")
    assert form.status_code == 200 and "North Korea has supplied Russia" in form.text
    data = {
        "relation": "disputes",
        "source": SOURCE,
        "quote": "have denied arms transfers",
        "by": "Lavrov",
        "text": "Lavrov called the charges unfounded.",
        "paraphrase": "on",
        "new": "on",
    }
    args = ["add", "counter", "miller-arms-charge", "--source", SOURCE, "--quote"]
    refused_as_the_cli(
        desk, seeded, run, "/claims/miller-arms-charge/counter", {**data, "by": "Nobody Atall"},
        [*args, data["quote"], "--by", "Nobody Atall", "--text", "x"],
    )  # fmt: skip
    done = send(desk, "/claims/miller-arms-charge/counter", data)
    assert done.status_code == 303, done.text
    key = done.headers["location"].removeprefix("/claims/")
    claim = shown(run, key)
    out = [(r["relation"], r["id"]) for r in claim["relations"] if r["direction"] == "out"]
    assert out == [("disputes", "miller-arms-charge")]
    assert claim["appearances"][0]["type"] == "paraphrase"
    assert last_change(seeded)[0] == "ana"


# -- relations, verdicts, evidence ----------------------------------------------------------


def test_relate_and_unrelate(desk: TestClient, seeded: Engine, run: Runner) -> None:
    a, b = "putin-eurasian-security", "miller-arms-charge"
    refused_as_the_cli(
        desk, seeded, run, f"/claims/{a}/relate",
        {"relation": "supports", "other": "no-such-claim"},
        ["relate", a, "no-such-claim", "--relation", "supports"],
    )  # fmt: skip
    done = send(desk, f"/claims/{a}/relate", {"relation": "supports", "other": b})
    assert done.status_code == 303 and done.headers["location"] == f"/claims/{a}"
    assert ("supports", b) in [(r["relation"], r["id"]) for r in shown(run, a)["relations"]]
    assert last_change(seeded) == ("ana", f"web: tracker relate {a} {b} --relation supports")
    refused_as_the_cli(desk, seeded, run, f"/claims/{b}/unrelate", {"other": a}, ["unrelate", b, a])
    assert send(desk, f"/claims/{a}/unrelate", {"other": b}).status_code == 303
    assert b not in [r["id"] for r in shown(run, a)["relations"]]
    assert last_change(seeded) == ("ana", f"web: tracker unrelate {a} {b}")


def test_review(desk: TestClient, seeded: Engine, run: Runner) -> None:
    key = "miller-arms-charge"
    refused_as_the_cli(
        desk, seeded, run, f"/claims/{key}/review",
        {"by": "factcheck-desk", "rating": "False", "date": "2024-13-01"},
        ["review", key, "--by", "factcheck-desk", "--rating", "False", "--date", "2024-13-01"],
    )  # fmt: skip
    done = send(
        desk,
        f"/claims/{key}/review",
        {"by": "factcheck-desk", "rating": "Unproven", "value": "2", "best": "5", "worst": "1"},
    )
    assert done.status_code == 303, done.text
    review = shown(run, key)["reviews"][-1]
    assert (review["rating"], review["value"], review["best"]) == ("Unproven", 2.0, 5.0)
    assert last_change(seeded)[0] == "ana"


def test_evidence(desk: TestClient, seeded: Engine, run: Runner) -> None:
    key = "miller-arms-charge"
    refused_as_the_cli(
        desk, seeded, run, f"/claims/{key}/evidence",
        {"url": "https://example.org/r", "stance": "supports", "review_by": "factcheck-desk"},
        ["add", "evidence", key, "--url", "https://example.org/r", "--stance", "supports",
         "--review-by", "factcheck-desk"],
    )  # fmt: skip
    done = send(
        desk,
        f"/claims/{key}/evidence",
        {"url": "https://example.org/report", "stance": "supports", "title": "UN panel"},
    )
    assert done.status_code == 303, done.text
    evidence = shown(run, key)["evidence"]
    assert [(e["url"], e["title"]) for e in evidence] == [
        ("https://example.org/report", "UN panel")
    ]
    assert last_change(seeded)[0] == "ana"


# -- who may send a form -----------------------------------------------------------------------


def test_a_form_needs_an_editor_and_its_token(desk: TestClient, seeded: Engine) -> None:
    path, data = "/claims/miller-arms-charge/relate", {"relation": "supports", "other": "x"}
    with unchanged(seeded):
        assert desk.post(path, data=data).status_code == 403  # no token
        desk.cookies.clear()
        sign_in(desk, "ben")
        assert send(desk, path, data).status_code == 403  # a reader
        assert 'id="feed"' not in desk.get("/claims/miller-arms-charge").text
        desk.cookies.clear()
        assert desk.post(path, data=data).status_code == 303  # nobody: sign in first
        assert desk.get(path).headers["location"].startswith("/signin")


# -- edits, merges, removals, undo ----------------------------------------------------------


def test_edit_a_claim(desk: TestClient, seeded: Engine, run: Runner) -> None:
    key = "miller-arms-charge"
    form = desk.get(f"/claims/{key}/edit")
    assert form.status_code == 200
    assert 'name="on" value="2024-06-17"' in form.text  # what it says now
    refused_as_the_cli(
        desk, seeded, run, f"/claims/{key}/edit", {"no_claimants": "Putin"},
        ["edit", "claim", key, "--no-claimant", "Putin"],
    )  # fmt: skip
    done = send(
        desk, f"/claims/{key}/edit", {"on": "2024-06", "topics": "sanctions", "silent": "on"}
    )
    assert done.status_code == 303 and done.headers["location"] == f"/claims/{key}"
    claim = shown(run, key)
    assert claim["stated_on"] == "2024-06" and "sanctions" in claim["topics"]
    assert last_change(seeded) == (
        "ana", f"web: tracker edit claim {key} --on 2024-06 --topic sanctions --silent"
    )  # fmt: skip
    silent = json.loads(run("history", key, "-f", "json").output)[0]["silent"]
    assert silent is True


def test_edit_an_actor_and_a_source(desk: TestClient, seeded: Engine, run: Runner) -> None:
    form = desk.get("/actors/matthew-miller/edit").text
    assert 'name="name" value="Matthew Miller"' in form
    refused_as_the_cli(
        desk, seeded, run, "/actors/matthew-miller/edit",
        {"name": "Vladimir Putin", "kind": "person"},
        ["edit", "actor", "matthew-miller", "--name", "Vladimir Putin"],
    )  # fmt: skip
    done = send(
        desk,
        "/actors/matthew-miller/edit",
        {"name": "Matthew A. Miller", "kind": "person", "description": "State Department"},
    )
    assert done.status_code == 303, done.text
    actor = json.loads(run("by-actor", "matthew-miller", "-f", "json").output)["actor"]
    assert actor["name"] == "Matthew A. Miller" and "Matthew Miller" in actor["aliases"]
    assert last_change(seeded)[0] == "ana"

    form = desk.get(f"/sources/{SOURCE}/edit").text
    assert 'name="published" value="2024-06-18"' in form
    refused_as_the_cli(
        desk, seeded, run, f"/sources/{SOURCE}/edit", {"retrieved": "2024-06"},
        ["edit", "source", SOURCE, "--retrieved", "2024-06"],
    )  # fmt: skip
    before = {s["id"]: s for s in json.loads(run("sources", "-f", "json").output)}[SOURCE]
    sent = {**_form_values(form), "archived_url": "https://archive.example/star"}
    done = send(desk, f"/sources/{SOURCE}/edit", sent)
    assert done.status_code == 303, done.text
    sources = {s["id"]: s for s in json.loads(run("sources", "-f", "json").output)}
    # What was shown and sent back unchanged is kept as it was.
    assert sources[SOURCE] == {**before, "archived_url": "https://archive.example/star"}


def _form_values(html: str) -> dict[str, str]:
    """The inputs of the page's desk form, as a browser sends them unchanged."""
    form = html[html.index('class="desk-form"') :]
    values = dict(re.findall(r'<input name="([^"]+)" value="([^"]*)"', form))
    values.update(re.findall(r'<textarea name="([^"]+)"[^>]*>([^<]*)</textarea>', form))
    return {k: unescape(v) for k, v in values.items()}


def test_merge_actors(desk: TestClient, seeded: Engine, run: Runner) -> None:
    assert run("add", "actor", "M. Miller", "--kind", "person", "--id", "m-miller").exit_code == 0
    refused_as_the_cli(
        desk, seeded, run, "/actors/matthew-miller/merge", {"other": "matthew-miller"},
        ["merge-actors", "matthew-miller", "matthew-miller", "--yes"],
    )  # fmt: skip
    done = send(desk, "/actors/matthew-miller/merge", {"other": "m-miller"})
    assert done.status_code == 303 and done.headers["location"] == "/actors/matthew-miller"
    actor = json.loads(run("by-actor", "matthew-miller", "-f", "json").output)["actor"]
    assert "M. Miller" in actor["aliases"]
    assert last_change(seeded) == ("ana", "web: tracker merge-actors matthew-miller m-miller --yes")


def test_remove_a_claim_a_source_and_an_actor(
    desk: TestClient, seeded: Engine, run: Runner
) -> None:
    answered = "miller-arms-charge"
    refused_as_the_cli(
        desk, seeded, run, f"/claims/{answered}/remove", {},
        ["remove", "claim", answered, "--yes"],
    )  # fmt: skip
    done = send(desk, f"/claims/{answered}/remove", {"with_relations": "on"})
    assert done.status_code == 303 and done.headers["location"] == "/"
    assert run("show", answered).exit_code != 0
    assert last_change(seeded) == (
        "ana", f"web: tracker remove claim {answered} --yes --with-relations"
    )  # fmt: skip
    refused_as_the_cli(
        desk, seeded, run, f"/sources/{SOURCE}/remove", {},
        ["remove", "source", SOURCE, "--yes"],
    )  # fmt: skip
    refused_as_the_cli(
        desk, seeded, run, "/actors/matthew-miller/remove", {},
        ["remove", "actor", "matthew-miller", "--yes"],
    )  # fmt: skip
    nobody = ["add", "actor", "Nobody Yet", "--kind", "person", "--id", "nobody-yet"]
    assert run(*nobody).exit_code == 0
    assert send(desk, "/actors/nobody-yet/remove", {}).status_code == 303
    assert run("by-actor", "nobody-yet").exit_code != 0


def test_undo_a_change_from_a_claims_history(desk: TestClient, seeded: Engine, run: Runner) -> None:
    a, b = "putin-eurasian-security", "miller-arms-charge"
    related_form = {"relation": "supports", "other": b}
    assert send(desk, f"/claims/{a}/relate", related_form).status_code == 303
    related = json.loads(run("history", a, "-f", "json").output)[0]["id"]
    review = {"by": "factcheck-desk", "rating": "Odd"}
    assert send(desk, f"/claims/{a}/review", review).status_code == 303
    page = desk.get(f"/claims/{a}").text
    assert f'action="/changes/{related}/undo"' in page
    # A later change touched the claim: refused, naming it, as the CLI refuses it.
    refused_as_the_cli(
        desk, seeded, run, f"/changes/{related}/undo", {"next": f"/claims/{a}"},
        ["undo", str(related)],
    )  # fmt: skip
    reviewed = related + 1
    done = send(desk, f"/changes/{reviewed}/undo", {"next": f"/claims/{a}"})
    assert done.status_code == 303 and done.headers["location"] == f"/claims/{a}"
    done = send(desk, f"/changes/{related}/undo", {"next": "//elsewhere.example"})
    assert done.status_code == 303 and done.headers["location"] == "/"
    assert b not in [r["id"] for r in shown(run, a)["relations"]]
    undone = json.loads(run("history", a, "-f", "json").output)[0]
    assert (undone["by"], undone["undoes"]) == ("ana", related)
    assert undone["command"] == f"web: tracker undo {related}"


# -- a source, uploaded ---------------------------------------------------------------------

PAGE = b"""<!doctype html><html lang="en"><head><title>Talks resume</title>
<meta property="og:site_name" content="Example Wire"></head>
<body><article><h1>Talks resume</h1><p>The ministry said talks would resume in May.</p>
</article></body></html>"""


def upload(c: TestClient, name: str, body: bytes, **fields: str) -> Any:
    token = csrf_of(c.get("/add/source").text)
    return c.post(
        "/add/source", data={"csrf": token, **fields}, files={"file": (name, body, "text/html")}
    )


def test_add_a_source_by_uploading_its_file(
    desk: TestClient, seeded: Engine, run: Runner, tmp_path: Any
) -> None:
    assert 'href="/add/source"' in desk.get("/sources").text
    form = desk.get("/add/source").text
    assert 'enctype="multipart/form-data"' in form and 'type="file" name="file"' in form
    done = upload(desk, "../../etc/talks.html", PAGE, published="2025-05-02", credits="Reuters")
    assert done.status_code == 303, done.text
    key = done.headers["location"].removeprefix("/sources/")
    # The same file through the CLI is the same source: it names the one recorded.
    (tmp_path / "talks.html").write_bytes(PAGE)
    again = run("add", "source", str(tmp_path / "talks.html"))
    assert again.exit_code == 0 and key in again.output
    sources = {s["id"]: s for s in json.loads(run("sources", "-f", "json").output)}
    assert (sources[key]["title"], sources[key]["outlet"]) == ("Talks resume", "Example Wire")
    assert sources[key]["published_on"] == "2025-05-02" and sources[key]["credits"] == ["Reuters"]
    by, command = last_change(seeded)
    assert by == "ana" and command.startswith("web: tracker add source talks.html --published")
    assert "would resume in May" in desk.get(f"/sources/{key}").text


def test_an_upload_is_refused_as_the_cli_refuses_the_file(
    desk: TestClient, seeded: Engine, run: Runner, tmp_path: Any
) -> None:
    text = b"The ministry said talks would resume.\n"
    (tmp_path / "note.txt").write_bytes(text)
    message = cli_refusal(run, "add", "source", str(tmp_path / "note.txt"))
    assert "does not say its title: give --title" in message
    with unchanged(seeded):
        page = upload(desk, "note.txt", text, outlet="Example Wire")
        assert page.status_code == 422
        assert str(escape(message.replace(str(tmp_path / "note.txt"), "note.txt"))) in page.text
        assert 'value="Example Wire"' in page.text
        empty = upload(desk, "empty.txt", b"   \n", title="T", outlet="O")
        assert empty.status_code == 422 and "empty.txt: holds no article text" in empty.text
        # Larger than a fetched page may be: refused before it is read whole.
        big = upload(desk, "big.txt", b"x" * (17 * 2**20), title="T", outlet="O")
        assert big.status_code == 413


# -- what a selection quotes, and who may write ---------------------------------------------


def test_a_selection_of_a_recurring_passage_is_that_occurrence(
    desk: TestClient, seeded: Engine, run: Runner
) -> None:
    from tests.conftest import SEEDS
    from tracker.ingest.sourcefile import read

    article = read(SEEDS / "002_75e8f458d8cc0dcf.txt").text
    phrase = "North Korea"
    places = [i for i in range(len(article)) if article.startswith(phrase, i)]
    assert len(places) > 3
    third = places[2]
    done = send(
        desk,
        "/add/claim",
        {"source": SOURCE, "start": str(third), "end": str(third + len(phrase)),
         "by": "Miller", "text": "A claim quoting North Korea's third mention.", "new": "on"},
    )  # fmt: skip
    assert done.status_code == 303, done.text
    [appearance] = shown(run, done.headers["location"].removeprefix("/claims/"))["appearances"]
    assert (appearance["start"], appearance["end"]) == (third, third + len(phrase))
    # Typed, the same quote is refused as the CLI refuses it: which one is meant?
    data = {"source": SOURCE, "quote": phrase, "by": "Miller", "text": "Which one?"}
    args = ["add", "claim", "--source", SOURCE, "--quote", phrase, "--by", "Miller"]
    message = refused_as_the_cli(
        desk, seeded, run, "/add/claim", data, [*args, "--text", "Which one?"]
    )
    assert "occurs" in message


def test_quote_at_counts_characters_as_the_stored_text_does() -> None:
    from tracker.errors import InputError
    from tracker.ingest.adding import quote_at

    text = "🙂 Officials said: the convoy left. Later, the convoy left again."
    start = text.index("the convoy left")
    assert quote_at(text, start - 1, start + len("the convoy left")) == ("the convoy left", 1)
    second = text.rindex("the convoy left")
    assert quote_at(text, second, second + 15) == ("the convoy left", 2)
    with pytest.raises(InputError, match=r"quote whole words|cuts a word"):
        quote_at(text, start + 1, start + 15)
    with pytest.raises(InputError, match="not within the source's text"):
        quote_at(text, 10, len(text) + 1)
    with pytest.raises(InputError, match="the quote is empty"):
        quote_at(text, 1, 2)


def test_hostile_text_sent_in_a_form_comes_back_as_text(desk: TestClient, seeded: Engine) -> None:
    payload = '</textarea><script>window.__pwned=1</script>"><img src=x onerror=alert(1)>'
    with unchanged(seeded):
        page = send(
            desk, "/add/claim", {"source": SOURCE, "quote": payload, "by": payload, "text": payload}
        )
    assert page.status_code == 422
    assert "<script>window" not in page.text and "<img src=x" not in page.text
    assert str(escape(payload)) in page.text


def test_a_read_only_server_has_no_forms(seeded: Engine) -> None:
    with client(seeded, read_only=True) as c, unchanged(seeded):
        assert 'id="feed"' not in c.get("/claims/miller-arms-charge").text
        assert c.get("/add/claim").status_code == 403
        assert c.post("/claims/miller-arms-charge/relate", data={}).status_code == 403


def test_alone_on_this_computer_writes_are_the_local_users(seeded: Engine, run: Runner) -> None:
    from tracker.web.desk import local_user

    with client(seeded) as c:
        a, b = "putin-eurasian-security", "miller-arms-charge"
        related = send(c, f"/claims/{a}/relate", {"relation": "supports", "other": b})
        assert related.status_code == 303
    assert last_change(seeded)[0] == local_user()
