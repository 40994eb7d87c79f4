"""`tracker publish`, on both backends: a static site of the reading pages
whose every link resolves inside it, ClaimReview in reviewed claims' pages
equal to the export's, Atom feeds with stable ids and times from the change
log, the same bytes from the same record, and incremental publishes that
write what changed and remove what was removed."""

from __future__ import annotations

import json
import re
import shlex
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser
import pytest

from tests.conftest import Runner
from tracker.publish.site import MANIFEST, page_file

ATOM = "{http://www.w3.org/2005/Atom}"
_LINK = re.compile(r'\b(?:href|src)="([^"]*)"')
_JSONLD = re.compile(r'<script type="application/ld\+json">\n(.*?)\n</script>', re.S)


def ok(run: Runner, *args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result.output


def files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def publish(run: Runner, folder: Path, *args: str) -> str:
    return ok(run, "publish", str(folder), *args)


@pytest.fixture
def reviewed(run: Runner) -> Runner:
    ok(run, "add", "actor", "FactCheck Desk", "--kind", "organization", "--id", "factcheck-desk")
    ok(
        run,
        "review",
        "miller-arms-charge",
        "--by",
        "factcheck-desk",
        "--rating",
        "Accurate",
        "--date",
        "2024-06-20",
        "--url",
        "https://factcheck.example/miller",
    )
    return run


def test_every_link_resolves_inside_the_site(reviewed: Runner, tmp_path: Path) -> None:
    site = tmp_path / "site"
    out = publish(reviewed, site)
    pages = [p for p in site.rglob("*.html")]
    claims = json.loads(ok(reviewed, "claims", "-f", "json"))
    actors = json.loads(ok(reviewed, "actors", "-f", "json"))
    sources = json.loads(ok(reviewed, "sources", "-f", "json"))
    for claim in claims:
        assert (site / "claims" / f"{claim['id']}.html").is_file()
    for actor in actors:
        assert (site / "actors" / f"{actor['id']}.html").is_file()
    for source in sources:
        assert (site / "sources" / f"{source['id']}.html").is_file()
    assert f"published {len(pages)} pages" in out
    for page in pages:
        body = page.read_text(encoding="utf-8")
        assert "<form" not in body and "<script src" not in body, page
        for link in _LINK.findall(body):
            parts = urlsplit(link)
            if parts.scheme in ("http", "https"):
                # A source's own address, never an asset of the page.
                assert re.search(rf'<a [^>]*href="{re.escape(link)}"', body), (page, link)
                continue
            assert not link.startswith(("/", "?")), (page, link)  # a static site has no queries
            assert not parts.query, (page, link)
            if not parts.path:
                assert link.startswith("#"), (page, link)
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            assert target.is_file() and site.resolve() in target.parents, (page, link)


def test_every_page_of_a_listing_is_published(
    run: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracker.web import params

    monkeypatch.setattr(params, "PAGE_SIZE", 4)
    site = tmp_path / "site"
    publish(run, site)
    claims = json.loads(ok(run, "claims", "-f", "json"))
    listed = sorted(site.glob("claims*.html"))
    assert len(listed) == -(-len(claims) // 4)  # claims.html, claims-page-2.html, ...
    linked = set()
    for page in listed:
        linked |= set(re.findall(r'href="claims/([^"#]+)\.html"', page.read_text(encoding="utf-8")))
    assert linked == {c["id"] for c in claims}
    # Each page once, however many ways it is linked (`?page=1`, `?`, none).
    out = publish(run, site, "--incremental")
    assert " 0 files written," in out
    second = (site / "claims-page-2.html").read_text(encoding="utf-8")
    assert (
        'rel="prev" href="claims.html"' in second
        and 'rel="next" href="claims-page-3.html"' in second
    )


def test_the_same_record_gives_the_same_bytes(reviewed: Runner, tmp_path: Path) -> None:
    publish(reviewed, tmp_path / "a", "--base-url", "https://example.org/t")
    publish(reviewed, tmp_path / "b", "--base-url", "https://example.org/t")
    first, second = files(tmp_path / "a"), files(tmp_path / "b")
    assert first == second
    assert MANIFEST in first and "sitemap.xml" in first and "feeds/contests.xml" in first


def test_a_reviewed_claim_carries_the_exports_claimreview(reviewed: Runner, tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish(reviewed, site)
    exported = json.loads(
        ok(reviewed, "export", "-f", "claimreview", "--claim", "miller-arms-charge")
    )
    reviews = [d for d in exported if d.get("@type") == "ClaimReview"]
    assert reviews, exported
    body = (site / "claims" / "miller-arms-charge.html").read_text(encoding="utf-8")
    (block,) = _JSONLD.findall(body)
    assert json.loads(block) == reviews
    unreviewed = (site / "claims" / "moscow-pyongyang-deny-arms.html").read_text(encoding="utf-8")
    assert "ld+json" not in unreviewed


def test_canonical_addresses_and_sitemap_only_with_a_base_url(run: Runner, tmp_path: Path) -> None:
    publish(run, tmp_path / "plain")
    assert not (tmp_path / "plain" / "sitemap.xml").exists()
    assert 'rel="canonical"' not in (tmp_path / "plain" / "index.html").read_text(encoding="utf-8")
    site = tmp_path / "hosted"
    publish(run, site, "--base-url", "https://example.org/desk/")
    page = (site / "claims" / "miller-arms-charge.html").read_text(encoding="utf-8")
    assert (
        '<link rel="canonical" href="https://example.org/desk/claims/miller-arms-charge.html">'
        in page
    )
    tree = ET.parse(site / "sitemap.xml")
    listed = {e.text for e in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    assert listed == {
        f"https://example.org/desk/{p.relative_to(site)}" for p in site.rglob("*.html")
    }


def _entries(path: Path) -> dict[str, dict[str, str]]:
    """The feed's entries by id, once it is read as a feed reader reads it
    (feedparser, no complaint) and checked against what RFC 4287 requires."""
    read = feedparser.parse(path.read_bytes())
    assert not read.bozo, read.get("bozo_exception")
    assert read.version == "atom10"
    root = ET.parse(path).getroot()
    assert root.tag == f"{ATOM}feed"
    # atom:feed holds exactly one id, title and updated, and an author
    # (RFC 4287 4.1.1; the feed's author stands for every entry's).
    for name in ("id", "title", "updated", "author"):
        assert len(root.findall(f"{ATOM}{name}")) == 1, name
    assert read.feed.id == root.findtext(f"{ATOM}id")
    found = {}
    for entry in root.iter(f"{ATOM}entry"):
        # Each entry: one id, title and updated (4.1.2), and, having no
        # content of its own kind elsewhere, an alternate link.
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{ATOM}{name}")) == 1, name
        values = {
            n: entry.findtext(f"{ATOM}{n}") or "" for n in ("id", "title", "updated", "content")
        }
        link = entry.find(f"{ATOM}link")
        assert link is not None
        values["href"] = link.get("href") or ""
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", values["updated"])
        found[values["id"]] = values
    assert [e.id for e in read.entries] == list(found)
    assert all(e.get("updated_parsed") for e in read.entries)
    return found


def test_feeds_hold_each_contest_once_updated_from_the_change_log(
    run: Runner, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    publish(run, site)
    contested = json.loads(ok(run, "contested", "-f", "json"))
    entries = _entries(site / "feeds" / "contests.xml")
    assert len(entries) == len(contested)
    by_text = {e["title"]: e for e in entries.values()}
    for entry in entries.values():
        target = (site / "feeds" / unquote(entry["href"])).resolve()
        assert target.is_file(), entry["href"]
    miller = _entries(site / "feeds" / "actors" / "matthew-miller.xml")
    assert {e["href"] for e in miller.values()} == {"../../claims/miller-arms-charge.html"}
    index = (site / "index.html").read_text(encoding="utf-8")
    assert 'type="application/atom+xml" href="feeds/contests.xml"' in index
    # A change to one claim: the entries of its contests are updated, the ids stay.
    ok(run, "edit", "claim", "miller-arms-charge", "--on", "2024-06-16")
    publish(run, site, "--incremental")
    after = _entries(site / "feeds" / "contests.xml")
    assert set(after) == set(entries)
    changed = {i for i in after if after[i]["updated"] != entries[i]["updated"]}
    touched = {
        by_text[c["text"][:200]]["id"]
        for c in contested
        if "miller-arms-charge" in [c["id"], *(x["id"] for x in c["counter_claims"])]
    }
    assert changed == touched and 0 < len(changed) < len(after)


def test_incremental_writes_what_changed_and_removes_what_was_removed(
    run: Runner, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    publish(run, site)
    before = files(site)
    ok(run, "remove", "claim", "kozlov-air-service", "--yes")
    out = publish(run, site, "--incremental")
    after = files(site)
    assert "claims/kozlov-air-service.html" in before
    assert "claims/kozlov-air-service.html" not in after
    written = int(re.search(r"(\d+) files written", out).group(1))  # type: ignore[union-attr]
    unchanged = int(re.search(r"(\d+) unchanged", out).group(1))  # type: ignore[union-attr]
    assert 0 < written < unchanged
    assert written == sum(1 for n in after if n != MANIFEST and before.get(n) != after[n])
    # And the result is what a fresh publish of the record writes.
    publish(run, tmp_path / "fresh")
    assert files(tmp_path / "fresh") == after


def test_a_scope_publishes_what_its_export_holds_and_nothing_else(
    run: Runner, tmp_path: Path
) -> None:
    site = tmp_path / "miller"
    publish(run, site, "--actor", "Miller")
    exported = json.loads(ok(run, "export", "--actor", "Miller"))
    inside = {c["id"] for c in exported["claims"]}
    everything = json.loads(ok(run, "claims", "-f", "json"))
    outside = [c for c in everything if c["id"] not in inside]
    assert inside and outside
    assert {p.stem for p in (site / "claims").iterdir()} == inside
    assert {p.stem for p in (site / "actors").iterdir()} == {a["id"] for a in exported["actors"]}
    assert {p.stem for p in (site / "sources").iterdir()} == {s["id"] for s in exported["sources"]}
    for path, data in files(site).items():
        text = data.decode("utf-8")
        for claim in outside:
            assert claim["id"] not in text and claim["text"] not in text, (path, claim["id"])
    # The feeds' times are the record's own, not the copy's the site was made from.
    whole = tmp_path / "whole"
    publish(run, whole)
    scoped = _entries(site / "feeds" / "contests.xml")
    full = _entries(whole / "feeds" / "contests.xml")
    assert scoped and all(full[i]["updated"] == e["updated"] for i, e in scoped.items())


def test_hostile_text_stays_text(run: Runner, tmp_path: Path) -> None:
    hostile = 'Nothing </script><script>alert(1)</script> & "x" ]]> <b>bold</b>'
    ok(run, "edit", "claim", "moscow-pyongyang-deny-arms", "--text", hostile)
    ok(run, "add", "actor", "FactCheck Desk", "--kind", "organization", "--id", "factcheck-desk")
    ok(run, "review", "moscow-pyongyang-deny-arms", "--by", "factcheck-desk", "--rating", "False")
    site = tmp_path / "site"
    publish(run, site)
    page = (site / "claims" / "moscow-pyongyang-deny-arms.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<b>bold" not in page
    (block,) = _JSONLD.findall(page)
    assert "</script" not in block.lower()
    assert json.loads(block)[0]["claimReviewed"] == hostile
    entries = _entries(site / "feeds" / "contests.xml")  # parses: the text is escaped
    assert any(hostile in e["content"] for e in entries.values())


def test_refusals_are_one_line(run: Runner, tmp_path: Path) -> None:
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine", encoding="utf-8")
    result = run("publish", str(foreign))
    assert result.exit_code == 1 and "holds files tracker did not publish" in result.output
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "mine"
    tricked = tmp_path / "tricked"
    tricked.mkdir()
    (tricked / MANIFEST).write_text(json.dumps({"files": {"../victim.txt": "0"}}), encoding="utf-8")
    (tmp_path / "victim.txt").write_text("keep", encoding="utf-8")
    result = run("publish", str(tricked))
    assert result.exit_code == 1 and "outside the site" in result.output
    assert (tmp_path / "victim.txt").exists()
    result = run("publish", str(tmp_path / "x"), "--base-url", "javascript:alert(1)")
    assert result.exit_code == 1 and "--base-url" in result.output
    for result in (run("publish", str(foreign)), run("publish", str(tricked))):
        assert len(result.output.strip().splitlines()) == 1


def test_the_readmes_worked_example(
    run: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """README's Publishing example, run as written (the seeds are loaded)."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Publishing: `tracker publish`", 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    commands = [shlex.split(line) for line in block.splitlines() if line.startswith("tracker ")]
    assert [c[1] for c in commands] == ["load", "add", "review", "publish"]
    monkeypatch.chdir(tmp_path)
    for command in commands[1:]:
        ok(run, *command[1:])
    page = (tmp_path / "site" / "claims" / "miller-arms-charge.html").read_text(encoding="utf-8")
    (block,) = _JSONLD.findall(page)
    (review,) = json.loads(block)
    assert (
        review["@type"] == "ClaimReview" and review["reviewRating"]["alternateName"] == "Accurate"
    )
    assert review["author"]["name"] == "FactCheck Desk"


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("/", "index.html"),
        ("/claims?page=2", "claims-page-2.html"),
        ("/claims?page=1", "claims.html"),
        ("/claims/a%20b", "claims/a b.html"),
        ("/claims?topic=x", None),
        ("/claims/x.json", None),
        ("/claims/..", None),
        ("/claims/%2e%2e%2fetc", None),
        ("/search?q=x", None),
        ("//evil.example/x", None),
        ("/static/style.css", "static/style.css"),
        ("/static/../x", None),
    ],
)
def test_which_links_have_a_page(link: str, expected: str | None) -> None:
    assert page_file(link) == expected
