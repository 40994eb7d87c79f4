"""ClaimReview JSON-LD: the export document as schema.org fact-checks, and back.

Shape. `to_claimreview` returns a list of JSON-LD objects, each complete with its
own "@context", to be written as a JSON array: the form a fact-check page embeds
in one <script type="application/ld+json">, and which Google's fact-check markup
and extractors read object by object. One ClaimReview per review of a claim; a
claim nobody reviewed is a standalone Claim carrying its text:

    [{"@context": ["https://schema.org", {"tracker": "https://github.com/tracker/tracker/ns#"}],
      "@type": "ClaimReview",
      "claimReviewed": "North Korea has supplied …",
      "itemReviewed": {
        "@type": "Claim",
        "author": {"@type": "Person", "name": "Matthew Miller"},
        "datePublished": "2024-06-17",
        "appearance": [{"@type": "CreativeWork", "url": "https://…", "headline": "…",
                        "datePublished": "2024-06-18",
                        "publisher": {"@type": "Organization", "name": "Star-Advertiser"}}],
        "tracker:id": "miller-arms-charge",
        "tracker:relations": [{"tracker:relation": "restates",
                               "tracker:to": "trilateral-arms-supply"}]},
      "reviewRating": {"@type": "Rating", "ratingValue": 2, "bestRating": 5, "worstRating": 1,
                       "alternateName": "Misleading"},
      "author": {"@type": "Organization", "name": "FactCheck.org"},
      "datePublished": "2024-06-20", "url": "https://…", "reviewBody": "…"}]

Extension. schema.org has no way to relate claims, so the tracker's own terms live
under the prefix `tracker:`, https://github.com/tracker/tracker/ns# (declared in each
object's @context; a consumer that knows only schema.org ignores them). On a Claim:
  tracker:id         the claim's id in the tracker;
  tracker:relations  [{"tracker:relation": one of RELATION_TYPES, "tracker:to": the other
                     claim's id}], in stored order.
On an author: tracker:kind "unnamed" for an unnamed source.
On reading, the prefix may be any one the input's @context binds to that namespace,
or the full IRI.

Mapping. Actors of kind person are Person; government, organization, group and
unnamed are Organization: schema.org's author is a Person or an Organization, and
an unnamed source ("officials speaking on condition of anonymity") is often
several people, and never one named person. An unnamed actor carries
`tracker:kind: "unnamed"`, which reading gives back. A source is a CreativeWork
with url, headline (its title), datePublished and publisher (its outlet).
firstAppearance is that CreativeWork for a stored source, or a CreativeWork with
only a url for a place outside the database. A review's explanation is the
reviewBody.

Reading (`from_claimreview`) gives a document with provisional ids for the importer to
resolve: actors by the slug of their name, kept exactly as written (an author with no
name is named by the host of its url), kind person for Person and organization for
any other type; sources by the slug of their url (or title), known only by url ("text":
null), with the url's host as outlet and the url as title when the record has neither;
claims by tracker:id or the slug of their text, merged when records repeat them.
Appearances have no quote (quote, start, end null; type paraphrase, since nothing is
quoted). ClaimReview carries no topics, evidence, quotes or actor details: they come
back empty. An itemReviewed that is not a Claim (the older markup: the work that carries
the claim) is read as the claim's appearance.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from tracker.errors import InputError
from tracker.exchange import jsonld as ld
from tracker.ingest import strictjson
from tracker.ingest.checks import check_url
from tracker.ingest.fields import LIMITS, Where
from tracker.ingest.htmlpage import json_ld_scripts
from tracker.vocabulary import RELATION_TYPES

NAMESPACE = "https://github.com/tracker/tracker/ns#"
PREFIX = "tracker"
SCHEMA = "https://schema.org"
_UNNAMED = "unnamed"
_URL_MAX = LIMITS["source"]["url"]

Node = dict[str, Any]
# The document's records, their keys in its order (docs/exchange.md).
_ACTOR = "id name kind description aliases roles"
_SOURCE = "id outlet title url published language credits notes archived_url retrieved excerpt text"
_CLAIM = "id text claimants stated topics first_appearance appearances relations reviews evidence"
_APPEARANCE = "source quote start end type cue via"


def context() -> list[Any]:
    """The @context of every object written: schema.org, and our extension's prefix."""
    return [SCHEMA, {PREFIX: NAMESPACE}]


# -- document -> ClaimReview ---------------------------------------------------------


def to_claimreview(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """A ClaimReview per review of each claim, a Claim for each claim without one."""
    actors = {actor["id"]: actor for actor in doc.get("actors") or []}
    sources = {source["id"]: source for source in doc.get("sources") or []}
    out: list[Node] = []
    for claim in doc.get("claims") or []:
        reviews = claim.get("reviews") or []
        if not reviews:
            out.append({"@context": context(), **_claim_node(claim, actors, sources, True)})
            continue
        item = _claim_node(claim, actors, sources, False)
        out.extend(_review_node(claim, review, copy.deepcopy(item), actors) for review in reviews)
    return out


def _claim_node(claim: Node, actors: dict[str, Node], sources: dict[str, Node], text: bool) -> Node:
    where = f"claim {claim['id']}"
    node: Node = {"@type": "Claim"}
    if text:
        node["text"] = claim["text"]
    authors = [_actor_node(actors, key, where) for key in claim.get("claimants") or []]
    if authors:
        node["author"] = authors[0] if len(authors) == 1 else authors
    if claim.get("stated"):
        node["datePublished"] = claim["stated"]
    shown = list(dict.fromkeys(a["source"] for a in claim.get("appearances") or []))
    if shown:
        node["appearance"] = [_work(_lookup(sources, key, "source", where)) for key in shown]
    first = claim.get("first_appearance") or {}
    if first.get("source"):
        node["firstAppearance"] = _work(_lookup(sources, first["source"], "source", where))
    elif first.get("url"):
        node["firstAppearance"] = {"@type": "CreativeWork", "url": first["url"]}
    node[f"{PREFIX}:id"] = claim["id"]
    relations = claim.get("relations") or []
    if relations:
        node[f"{PREFIX}:relations"] = [
            {f"{PREFIX}:relation": r["relation"], f"{PREFIX}:to": r["to"]} for r in relations
        ]
    return node


def _review_node(claim: Node, review: Node, item: Node, actors: dict[str, Node]) -> Node:
    rating: Node = {"@type": "Rating"}
    for key, prop in (("value", "ratingValue"), ("best", "bestRating"), ("worst", "worstRating")):
        if review.get(key) is not None:
            rating[prop] = review[key]
    rating["alternateName"] = review["rating"]
    node: Node = {
        "@context": context(),
        "@type": "ClaimReview",
        "claimReviewed": claim["text"],
        "itemReviewed": item,
        "reviewRating": rating,
        "author": _actor_node(actors, review["reviewer"], f"claim {claim['id']}"),
    }
    for key, prop in (("date", "datePublished"), ("url", "url"), ("explanation", "reviewBody")):
        if review.get(key):
            node[prop] = review[key]
    return node


def _actor_node(actors: dict[str, Node], key: str, where: str) -> Node:
    actor = _lookup(actors, key, "actor", where)
    node: Node = {
        "@type": "Person" if actor.get("kind") == "person" else "Organization",
        "name": actor["name"],
    }
    if actor.get("kind") == _UNNAMED:
        node[f"{PREFIX}:kind"] = _UNNAMED
    return node


def _lookup(records: dict[str, Node], key: str, what: str, where: str) -> Node:
    if key not in records:
        raise InputError(f"{where}: {what} {key!r} is not among the document's {what}s")
    return records[key]


def _work(source: Node) -> Node:
    node: Node = {"@type": "CreativeWork"}
    for key, prop in (("url", "url"), ("title", "headline"), ("published", "datePublished")):
        if source.get(key):
            node[prop] = source[key]
    if source.get("outlet"):
        node["publisher"] = {"@type": "Organization", "name": source["outlet"]}
    return node


# -- ClaimReview -> document ---------------------------------------------------------


def from_claimreview(data: Any) -> dict[str, Any]:
    """The document that ClaimReview and Claim objects in `data` describe.

    `data` is one object, a list (lists may nest), or an object with "@graph".
    Raises InputError, naming the object by its place in the input ([0] for a
    single object), when the input is not schema.org JSON-LD, holds no
    ClaimReview or Claim, or a ClaimReview lacks what a review needs.
    """
    return _Reader().read(data)


def dumps(items: list[dict[str, Any]]) -> str:
    """The objects as indented JSON, safe to paste into a page's <script>:
    every "<" is written \\u003c (still the same JSON), so no text of a
    claim can close the script ("</script>") or open a comment ("<!--")."""
    return json.dumps(items, ensure_ascii=False, indent=2).replace("<", "\\u003c") + "\n"


def jsonld_from_html(html: str, name: str = "the page") -> list[Any]:
    """The JSON-LD items of the page's <script type="application/ld+json"> blocks
    (a block holding a list gives its items), each read by the one strict
    rule (tracker.ingest.strictjson). Nothing is fetched."""
    items: list[Any] = []
    for line, script in json_ld_scripts(html):
        if not script.strip():
            continue
        data = strictjson.loads_lenient(script, name, first_line=line)
        items.extend(data if isinstance(data, list) else [data])
    return [item for item in items if item]


class _Reader:
    def __init__(self) -> None:
        self.actors: dict[str, Node] = {}
        self.actor_ids: dict[str, str] = {}  # name as written -> id
        self.sources: dict[str, Node] = {}
        self.source_ids: dict[str, str] = {}  # url, or title and outlet -> id
        self.claims: dict[str, Node] = {}
        self.keys = {kind: ld.Keys() for kind in ("actor", "source", "claim")}
        self.claim_ids: dict[str, str] = {}  # text -> id
        self.firsts: dict[str, tuple[Any, str]] = {}  # claim id -> firstAppearance, where
        self.index: dict[str, Node] = {}  # @id -> node, for references
        self.ext_keys = {f"{PREFIX}:", NAMESPACE}

    def read(self, data: Any) -> dict[str, Any]:
        if not isinstance(data, (dict, list)):
            raise InputError(
                f"not JSON-LD: expected an object or a list of objects, not {ld.kind(data)}"
            )
        # What follows walks lists and @context recursively.
        strictjson.check_depth(data, "not JSON-LD")
        found: list[tuple[str, str, Node]] = []
        others: set[str] = set()
        schema_seen = seen_any = False
        for path, top in ld.objects([data] if isinstance(data, dict) else data, ""):
            seen_any = True
            in_schema = ld.names_schema(top.get("@context"))
            self._bind_extension(top.get("@context"))
            for where, node in ld.nodes(path, top):
                types = ld.types(node, in_schema)
                schema_seen = schema_seen or in_schema or bool(types)
                if isinstance(node.get("@id"), str) and len(node) > 2:
                    self.index[node["@id"]] = node
                wanted = next((t for t in ("ClaimReview", "Claim") if t in types), None)
                if wanted:
                    found.append((wanted, where, node))
                else:
                    others |= types
        if not found and seen_any and not schema_seen:
            raise InputError("not JSON-LD: no object has an @context naming schema.org")
        if not found:
            seen = f" (found {', '.join(sorted(others))})" if others else ""
            raise InputError(f"no schema.org ClaimReview or Claim in the input{seen}")
        reviewed = {
            ref["@id"]
            for kind, _, node in found
            if kind == "ClaimReview"
            and isinstance(ref := ld.first(node, "itemReviewed"), dict)
            and isinstance(ref.get("@id"), str)
        }
        for kind, _, node in found:
            item = self._deref(ld.first(node, "itemReviewed")) if kind == "ClaimReview" else node
            stated = self._ext(item, "id") if isinstance(item, dict) else None
            if isinstance(stated, str):  # reserved: no slug may take it
                self.keys["claim"].taken.add(stated)
        for kind, where, node in found:
            if kind == "ClaimReview":
                self._claim_review(where, node)
            elif node.get("@id") not in reviewed:
                self._standalone(where, node)
        for key, (work, where) in self.firsts.items():
            self.claims[key]["first_appearance"] = self._first_appearance(work, where)
        return {
            "tracker_export": 1,
            "actors": [self.actors[key] for key in sorted(self.actors)],
            "sources": [self.sources[key] for key in sorted(self.sources)],
            "claims": [self.claims[key] for key in sorted(self.claims)],
        }

    def _claim_review(self, where: str, node: Node) -> None:
        what = f"ClaimReview at {where}"
        text = ld.text(node, "claimReviewed")
        if text is None:
            raise InputError(f"{what} has no claimReviewed (the text of the claim)")
        rating = self._deref(ld.first(node, "reviewRating"))
        if not isinstance(rating, dict):
            raise InputError(f"{what} has no reviewRating")
        value = ld.number(ld.first(rating, "ratingValue"))
        # Some publishers put the verdict's words in ratingValue.
        label = ld.text(rating, "alternateName") or ld.text(rating, "name")
        if label is None and value is None:
            label = ld.text(rating, "ratingValue")
        if label is None:
            raise InputError(f"{what}: its reviewRating has no alternateName (the rating's label)")
        reviewer = self._actor(
            ld.first(node, "author") or ld.first(node, "publisher"), "organization"
        )
        if reviewer is None:
            raise InputError(f"{what} has no author with a name or url")
        item = self._deref(ld.first(node, "itemReviewed"))
        claim = self._claim(text, item if isinstance(item, dict) else None, f"{what}.itemReviewed")
        review: Node = {
            "reviewer": reviewer,
            "rating": label,
            "value": value,
            "best": ld.number(ld.first(rating, "bestRating")),
            "worst": ld.number(ld.first(rating, "worstRating")),
            "date": ld.date(node, what, day=True),
            "url": ld.text(node, "url"),
            "explanation": ld.text(node, "reviewBody") or ld.text(node, "description"),
            "evidence": [],
        }
        if review not in claim["reviews"]:
            claim["reviews"].append(review)

    def _standalone(self, where: str, node: Node) -> None:
        text = ld.text(node, "text") or ld.text(node, "name")
        if text is None:
            raise InputError(f"Claim at {where} has no text")
        self._claim(text, node, f"Claim at {where}")

    def _claim(self, text: str, item: Node | None, where: str) -> Node:
        stated = self._ext(item, "id") if item else None
        key = stated if isinstance(stated, str) else self.claim_ids.get(text)
        if key is None:
            key = self.keys["claim"].unique(ld.slug(text, "claim"))
        claim = self.claims.get(key)
        if claim is None:
            claim = self.claims[key] = ld.record(
                _CLAIM, id=key, text=text, claimants=[], topics=[], appearances=[],
                relations=[], reviews=[], evidence=[],
            )  # fmt: skip
            self.claim_ids.setdefault(text, key)
        if item is None:
            return claim
        for author in ld.values(item, "author"):
            actor = self._actor(author, "person")
            if actor and actor not in claim["claimants"]:
                claim["claimants"].append(actor)
        claim["stated"] = claim["stated"] or ld.date(item, where, day=False)
        works = ld.values(item, "appearance")
        if "Claim" not in ld.types(item, True):
            works.append(item)
        for work in works:
            source = self._source(work, where)
            if source and all(a["source"] != source for a in claim["appearances"]):
                claim["appearances"].append(
                    ld.record(_APPEARANCE, source=source, type="paraphrase")
                )
        first = ld.first(item, "firstAppearance")
        if first is not None:
            self.firsts.setdefault(key, (first, where))
        for n, relation in enumerate(ld.listed(self._ext(item, "relations"))):
            name = self._ext(relation, "relation") if isinstance(relation, dict) else None
            target = self._ext(relation, "to") if isinstance(relation, dict) else None
            if name not in RELATION_TYPES or not isinstance(target, str):
                raise InputError(
                    f"{where}: {PREFIX}:relations[{n}] needs a {PREFIX}:relation (one of"
                    f" {', '.join(RELATION_TYPES)}) and a {PREFIX}:to naming a claim id"
                )
            entry = {"relation": name, "to": target}
            if entry not in claim["relations"]:
                claim["relations"].append(entry)
        return claim

    def _first_appearance(self, work: Any, where: str) -> Node | None:
        work = self._deref(work)
        url = (
            work
            if isinstance(work, str)
            else ld.text(work, "url")
            if isinstance(work, dict)
            else None
        )
        described = isinstance(work, dict) and any(
            ld.first(work, prop) is not None for prop in ("headline", "name", "publisher")
        )
        if url and not described:
            # A bare url is a stored source only when the records show one there.
            source = self.source_ids.get(url)
            return {"source": source, "url": None} if source else {"source": None, "url": url}
        source = self._source(work, f"{where}.firstAppearance")
        return {"source": source, "url": None} if source else None

    def _source(self, work: Any, where: str) -> str | None:
        work = self._deref(work)
        if isinstance(work, str):
            url, title, published, outlet = work.strip() or None, None, None, None
        elif isinstance(work, dict):
            url = ld.text(work, "url")
            title = ld.text(work, "headline") or ld.text(work, "name")
            published = ld.date(work, where, day=False)
            outlet = self._name(ld.first(work, "publisher"))
        else:
            return None
        if url:
            # Said here, where the record is named: the source would be
            # refused later for the outlet a javascript: URL has no host for.
            check_url(Where(Path(where), 0, where), "appearance", "url", url, _URL_MAX)
            lookup, base = url, ld.slug(ld.without_scheme(url), "source", None)
        elif title:
            lookup, base = f"{title}\n{outlet or ''}", ld.slug(title, "source")
        else:
            return None
        key = self.source_ids.get(lookup)
        if key is None:
            key = self.keys["source"].unique(base)
            self.source_ids[lookup] = key
            self.sources[key] = ld.record(
                _SOURCE, id=key, outlet=outlet or ld.host(url), title=title or url, url=url,
                published=published, credits=[], excerpt=False,
            )  # fmt: skip
        else:
            # A later record may describe the same url more fully.
            source = self.sources[key]
            if title and source["title"] == url:
                source["title"] = title
            if outlet and source["outlet"] == ld.host(url):
                source["outlet"] = outlet
            source["published"] = source["published"] or published
        return key

    def _actor(self, value: Any, default_kind: str) -> str | None:
        value = self._deref(value)
        name = self._name(value)
        if name is None:
            return None
        key = self.actor_ids.get(name)
        if key is None:
            types = ld.types(value, True) if isinstance(value, dict) else set()
            kind = "person" if "Person" in types else "organization" if types else default_kind
            if isinstance(value, dict) and self._ext(value, "kind") == _UNNAMED:
                kind = _UNNAMED
            key = self.keys["actor"].unique(ld.slug(name, "actor"))
            self.actor_ids[name] = key
            self.actors[key] = ld.record(_ACTOR, id=key, name=name, kind=kind, aliases=[], roles=[])
        return key

    def _name(self, value: Any) -> str | None:
        value = self._deref(value)
        if isinstance(value, str):
            return value.strip() or None
        if isinstance(value, dict):
            return ld.text(value, "name") or ld.host(ld.text(value, "url"))
        return None

    def _deref(self, value: Any) -> Any:
        if isinstance(value, dict) and set(value) <= {"@id", "@type"}:
            ref = value.get("@id")
            return self.index.get(ref, value) if isinstance(ref, str) else value
        return value

    def _bind_extension(self, ctx: Any) -> None:
        if isinstance(ctx, list):
            for part in ctx:
                self._bind_extension(part)
        elif isinstance(ctx, dict):
            for term, iri in ctx.items():
                if iri == NAMESPACE or (isinstance(iri, dict) and iri.get("@id") == NAMESPACE):
                    self.ext_keys.add(f"{term}:")

    def _ext(self, node: Node, term: str) -> Any:
        for prefix in self.ext_keys:
            if prefix + term in node:
                return node[prefix + term]
        return None
