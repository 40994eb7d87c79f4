"""`tracker serve`'s reading pages and JSON, through Starlette's test client,
on both backends: what each page shows, and JSON byte for byte the CLI's."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html import unescape

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from tests.conftest import Runner
from tests.web_support import client
from tracker.web.security import CSP, MAX_BODY


@pytest.fixture
def web(seeded: Engine) -> Iterator[TestClient]:
    with client(seeded) as c:
        yield c


_BLOCKS = "p|div|li|ul|ol|h\\d|td|th|tr|br|section|article|blockquote|dt|dd|nav|header|footer|form"
_BLOCK = re.compile(rf"</?({_BLOCKS}|label|option|title)\b[^>]*>")


def text_of(html: str) -> str:
    """What a reader sees: tags out (a block's edge a space), entities read,
    spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", "", _BLOCK.sub(" ", html))).split())


# Each JSON route beside the command whose `-f json` it must equal.
CONTRACTS = [
    ("/contested.json", ["contested"]),
    ("/contested.json?actor=Miller", ["contested", "--actor", "Miller"]),
    (
        "/contested.json?topic=arms-transfers&since=2024",
        ["contested", "--topic", "arms-transfers", "--since", "2024"],
    ),
    (
        "/contested.json?until=2023-12&relation=denies",
        ["contested", "--until", "2023-12", "--relation", "denies"],
    ),
    ("/contested.json?limit=2", ["contested", "--limit", "2"]),
    ("/contested.json?reviewed=no", ["contested", "--unreviewed"]),
    ("/claims.json", ["claims"]),
    (
        "/claims.json?status=uncontested&source=ani-20240618",
        ["claims", "--status", "uncontested", "--source", "ani-20240618"],
    ),
    ("/claims/miller-arms-charge.json", ["show", "miller-arms-charge"]),
    ("/claims/moscow-pyongyang-deny-arms.json", ["show", "moscow-pyongyang-deny-arms"]),
    ("/actors.json", ["actors"]),
    ("/actors/matthew-miller.json", ["by-actor", "matthew-miller"]),
    ("/actors/united-states.json?members=yes", ["by-actor", "united-states", "--include-members"]),
    ("/sources.json", ["sources"]),
    ("/search.json?q=arms+transfers", ["search", "arms transfers"]),
    (
        "/search.json?q=denied+OR+rejected&in=quotes&limit=3",
        ["search", "denied OR rejected", "--in", "quotes", "--limit", "3"],
    ),
    ("/timeline.json", ["timeline"]),
    ("/timeline.json?actor=Miller", ["timeline", "--actor", "Miller"]),
    ("/topics.json", ["topics"]),
]


@pytest.mark.parametrize(("path", "command"), CONTRACTS, ids=[p for p, _ in CONTRACTS])
def test_json_is_the_clis_byte_for_byte(
    web: TestClient, run: Runner, path: str, command: list[str]
) -> None:
    cli = run(*command, "-f", "json")
    assert cli.exit_code == 0, cli.output
    got = web.get(path)
    assert got.status_code == 200
    assert got.headers["content-type"].startswith("application/json")
    assert got.text == cli.output
    assert json.loads(got.text)  # and it is not an empty listing


def test_a_listing_is_streamed_in_chunks(generated: Engine) -> None:
    """1,500 claims: the body comes in many chunks, not one held document."""
    with client(generated) as c, c.stream("GET", "/claims.json") as response:
        chunks = list(response.iter_bytes())
    assert len(chunks) > 10
    assert len(json.loads(b"".join(chunks))) == 1500


@pytest.mark.parametrize(
    ("path", "status", "said"),
    [
        ("/claims/miller-arms-chage.json", 404, "Did you mean miller-arms-charge?"),
        ("/contested.json?actor=korea", 400, "matches 5 actors"),
        ("/contested.json?actor=zelensky", 404, "no actor matches 'zelensky'"),
        ("/contested.json?since=2024-6", 400, "is not a date"),
        ("/contested.json?since=2024&until=2023", 400, "2024-01-01 is after until 2023-12-31"),
        ("/contested.json?relation=hates", 400, "relation: 'hates' is not one of"),
        ("/contested.json?topic=arms", 404, "arms"),
        ("/contested.json?limit=0", 400, "limit"),
        ("/search.json?q=%22unclosed", 400, "unclosed quote"),
        ("/search.json?q=the", 400, "at least one word"),
        ("/actors/nobody-at-all.json", 404, "no actor matches"),
        ("/claims.json?status=" + "x" * 600, 400, "at most 500 characters"),
    ],
)
def test_json_errors_are_the_clis_messages(
    web: TestClient, path: str, status: int, said: str
) -> None:
    got = web.get(path)
    assert got.status_code == status
    assert said in got.json()["error"]


def test_the_contests_page_shows_both_sides(web: TestClient) -> None:
    page = web.get("/")
    assert page.status_code == 200
    seen = text_of(page.text)
    # The charge, its claimant, date, status and quote...
    assert "North Korea has supplied Russia with dozens of ballistic missiles" in seen
    assert "Matthew Miller" in seen and "2024-06-17" in seen and "contested" in seen.lower()
    # ...and the denial that answers it, with its own claimants and quote.
    assert "denied by" in seen
    assert "There have been no arms transfers between North Korea and Russia." in seen
    assert "Moscow and Pyongyang have denied arms transfers" in seen
    assert 'href="/sources/star-advertiser-20240618#q2746-2793"' in page.text
    assert 'href="/claims/moscow-pyongyang-deny-arms"' in page.text
    # Newest first, as the CLI lists them.
    order = [m for m in re.findall(r'id="c-([a-z0-9-]+)"', page.text)]
    assert order[:2] == ["miller-arms-charge", "us-sanctions-transfers"]
    assert 'href="/contested.json?"' in page.text or 'href="/contested.json"' in page.text


def test_filters_are_links_and_narrow_the_page(web: TestClient) -> None:
    page = web.get("/?actor=Miller&topic=arms-transfers")
    assert page.status_code == 200
    ids = re.findall(r'id="c-([a-z0-9-]+)"', page.text)
    assert ids == ["miller-arms-charge"]
    # Each active filter can be removed by a link; the JSON keeps the filters.
    assert 'href="?topic=arms-transfers"' in page.text  # without the actor
    assert 'href="/contested.json?actor=Miller&amp;topic=arms-transfers"' in page.text
    # A topic on a claim is a link adding that filter.
    assert 'href="?actor=Miller&amp;topic=arms-transfers"' in page.text


def test_listings_are_paged(web: TestClient, run: Runner) -> None:
    every = [c["id"] for c in json.loads(run("claims", "-f", "json").output)]
    first, second = web.get("/claims"), web.get("/claims?page=2")
    ids = re.findall(r'id="c-([a-z0-9-]+)"', first.text + second.text)
    assert ids == every[: len(ids)] and len(ids) == len(every) == 44
    assert 'rel="next" href="?page=2"' in first.text
    assert 'rel="prev"' in second.text and 'rel="next"' not in second.text
    assert web.get("/claims?page=9").status_code == 200
    assert web.get("/claims?page=0").status_code == 400


def test_the_claim_page(web: TestClient) -> None:
    page = web.get("/claims/moscow-pyongyang-deny-arms")
    assert page.status_code == 200
    seen = text_of(page.text)
    assert "There have been no arms transfers between North Korea and Russia." in seen
    assert "Russian government" in seen and "North Korean government" in seen
    assert "Why it is contested" in seen
    assert "this claim denies Matthew Miller (2024-06-17)" in seen
    assert "Topics: arms-transfers" in seen
    # The quote in its context (the stored prefix and suffix), linked to its spot.
    assert "Moscow and Pyongyang have denied arms transfers" in seen
    assert 'href="/sources/star-advertiser-20240618#q2746-2793"' in page.text
    assert "Relations (5)" in seen
    # Its history: the load that wrote it, as `tracker history CLAIM` lists it.
    assert 'id="history"' in page.text and "History (1)" in seen


def test_the_claim_page_of_a_charge_names_who_contests_it(web: TestClient) -> None:
    seen = text_of(web.get("/claims/miller-arms-charge").text)
    assert "Russian government, North Korean government (undated) denies this claim" in seen
    assert "→ this claim denies yes" in seen


def test_the_actor_page_and_its_search_box(web: TestClient) -> None:
    page = web.get("/actors/matthew-miller")
    seen = text_of(page.text)
    assert "Matthew Miller (person)" in seen
    assert "Aliases: Miller; Matt Miller" in seen
    assert "Role: Spokesperson, U.S. Department of State" in seen
    assert "Claims by Matthew Miller (3)" in seen and "Claims Matthew Miller counters (0)" in seen
    # An alias goes straight to the actor; part of a name is said to be so.
    found = web.get("/actors?q=miller")
    assert found.status_code == 303
    assert found.headers["location"] == "/actors/matthew-miller?q=miller"
    assert "matched" not in text_of(web.get(found.headers["location"]).text)
    partial = web.get("/actors?q=matt+mil").headers["location"]
    assert partial == "/actors/matthew-miller?q=matt+mil"
    seen = text_of(web.get(partial).text)
    assert "matched part of a name" in seen and "fuzzy" not in seen
    # A misspelling: said to be a fuzzy match.
    fuzzy = web.get("/actors?q=Lavrof")
    assert fuzzy.headers["location"] == "/actors/sergei-lavrov?q=Lavrof"
    assert "a fuzzy match" in text_of(web.get(fuzzy.headers["location"]).text)
    # A name in the address goes to the actor's own page.
    assert web.get("/actors/Ushakov").headers["location"] == "/actors/yuri-ushakov?q=Ushakov"


def test_an_ambiguous_or_unknown_name_is_said_so(web: TestClient) -> None:
    many = web.get("/actors?q=korea")
    assert many.status_code == 300
    assert "matches 5 actors" in text_of(many.text)
    assert 'href="/actors?q=Kim%20Jong%20Un"' in many.text
    none = web.get("/actors?q=zelensky")
    assert none.status_code == 404 and "Nearest:" in text_of(none.text)


def test_members_are_included_when_asked(web: TestClient) -> None:
    seen = text_of(web.get("/actors/united-states?members=yes").text)
    assert "Including:" in seen and "Matthew Miller" in seen


def test_the_source_page_marks_every_quote_at_its_offsets(web: TestClient, run: Runner) -> None:
    page = web.get("/sources/star-advertiser-20240618")
    assert page.status_code == 200
    stored = run("source", "star-advertiser-20240618").output
    mark = r'<mark id="q(\d+)-(\d+)"[^>]*><a href="/claims/([a-z0-9-]+)"[^>]*>(.*?)</a>'
    marks = re.findall(mark, page.text, re.S)
    claims = json.loads(run("claims", "--source", "star-advertiser-20240618", "-f", "json").output)
    quoted = {
        (a["start"], a["end"], c["id"])
        for c in claims
        for a in c["appearances"]
        if a["source"] == "star-advertiser-20240618"
    }
    assert {(int(s), int(e), k) for s, e, k, _ in marks} <= quoted and len(marks) >= 10
    for start, _, _, shown in marks:
        # Each mark opens on the stored text at its offset.
        assert stored[int(start) :].startswith(unescape(shown))
    seen = text_of(page.text)
    assert "Honolulu Star-Advertiser" in seen and "2024-06-18" in seen
    assert "Wire credits" in seen
    # The article reads whole: the marks cut nothing out.
    article = re.search(r'<div class="article"[^>]*>(.*?)</div>', page.text, re.S)
    assert article and unescape(re.sub(r"<[^>]+>", "", article[1])) == stored.rstrip("\n")


def test_search_shows_its_hits_highlighted(web: TestClient) -> None:
    page = web.get("/search?q=arms+transfers&in=quotes")
    assert page.status_code == 200
    assert "Quotes (1)" in text_of(page.text)
    assert "<mark>arms</mark> <mark>transfers</mark>" in page.text
    assert 'href="/claims/moscow-pyongyang-deny-arms"' in page.text
    assert "Nothing matches" in text_of(web.get("/search?q=zzzzqq").text)
    assert web.get("/search?q=%22open").status_code == 400
    assert web.get("/search").status_code == 200  # the empty form


def test_timeline_and_topics(web: TestClient) -> None:
    page = web.get("/timeline?actor=Miller").text
    timeline = text_of(page[page.index('<ol class="timeline">') :])
    assert timeline.index("2024-06-17") < timeline.index("undated")
    assert "There have been no arms transfers" in timeline  # the answer comes with the charge
    topics = web.get("/topics")
    assert "putin-visit 11" in text_of(topics.text)
    assert 'href="/?topic=arms-transfers"' in topics.text


def test_every_page_is_not_found_by_a_wrong_id(web: TestClient) -> None:
    for path in ("/claims/nope", "/sources/nope", "/actors/nobody-at-all", "/nothing"):
        got = web.get(path)
        assert got.status_code == 404, path
        assert "<h1>Not found</h1>" in got.text


def test_every_response_carries_the_security_headers(web: TestClient) -> None:
    for path in ("/", "/claims/miller-arms-charge", "/contested.json", "/static/app.js", "/nope"):
        headers = web.get(path).headers
        assert headers["content-security-policy"] == CSP
        assert "frame-ancestors 'none'" in CSP and "script-src 'self'" in CSP
        assert "'unsafe-inline'" not in CSP
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"


def test_no_page_has_inline_script_or_style(web: TestClient) -> None:
    pages = ["/", "/claims/miller-arms-charge", "/actors/matthew-miller", "/sources/ani-20240618"]
    for path in [*pages, "/search?q=arms", "/timeline", "/topics", "/signin"]:
        html = web.get(path).text
        assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/app.js" defer>'], path
        assert " style=" not in html and "<style" not in html, path
        assert not re.search(r"\son[a-z]+=", html), path  # no event handler attributes
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html


@pytest.mark.parametrize(
    "path",
    [
        "/static/../app.py",
        "/static/..%2fapp.py",
        "/static/%2e%2e/%2e%2e/pyproject.toml",
        "/static/templates/base.html.j2",
        "/static/..%5c..%5capp.py",
        "/static/style.css%00.py",
        "/static//etc/passwd",
    ],
)
def test_static_files_are_only_the_assets(web: TestClient, path: str) -> None:
    got = web.get(path)
    assert got.status_code == 404
    assert "import" not in got.text and "root:" not in got.text


def test_assets_are_served_by_tracker_itself(web: TestClient) -> None:
    css, js = web.get("/static/style.css"), web.get("/static/app.js")
    assert css.status_code == js.status_code == 200
    assert css.headers["content-type"].startswith("text/css")
    assert js.headers["content-type"].startswith("text/javascript")
    for path in ("/", "/sources/ani-20240618"):  # nothing from another host
        assert not re.search(r'(src|href)="(https?:)?//', web.get(path).text)


def test_request_bodies_are_bounded(web: TestClient) -> None:
    got = web.post("/signin", content=b"x" * (MAX_BODY + 1),
                   headers={"content-type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert got.status_code == 413
