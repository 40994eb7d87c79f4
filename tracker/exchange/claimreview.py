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
On reading, the prefix may be any one the input's @context binds to that namespace,
or the full IRI.

Mapping. Actors of kind person or unnamed are Person; government, organization and
group are Organization. A source is a CreativeWork with url, headline (its title),
datePublished and publisher (its outlet). firstAppearance is that CreativeWork for a
stored source, or a CreativeWork with only a url for a place outside the database. A
review's explanation is the reviewBody.

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

import contextlib
import copy
import math
import re
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

from anyascii import anyascii

from tracker import dates
from tracker.errors import InputError
from tracker.vocabulary import RELATION_TYPES

NAMESPACE = "https://github.com/tracker/tracker/ns#"
PREFIX = "tracker"
SCHEMA = "https://schema.org"
_SCHEMA_PREFIXES = ("https://schema.org/", "http://schema.org/", "schema:")
_PERSON_KINDS = ("person", "unnamed")
_SLUG_WORDS = 8
_SLUG_LENGTH = 60
# A datePublished may be a DateTime; the tracker keeps the date part.
_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?(?=$|[T ])")

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
    kind = "Person" if actor.get("kind") in _PERSON_KINDS else "Organization"
    return {"@type": kind, "name": actor["name"]}


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


def jsonld_from_html(html: str) -> list[Any]:
    """The JSON-LD items of the page's <script type="application/ld+json"> blocks
    (a block holding a list gives its items). Nothing is fetched."""
    # Imported here: extruct brings rdflib and other parsers the other formats never need.
    from extruct.jsonld import JsonLdExtractor

    if not html.strip():
        return []
    try:
        # As bytes: lxml refuses a str that declares its own encoding.
        items: list[Any] = JsonLdExtractor().extract(html.encode("utf-8"), encoding="utf-8")
    except ValueError as exc:
        raise InputError(f"a JSON-LD block of the page is not JSON: {exc}") from None
    return items


class _Reader:
    def __init__(self) -> None:
        self.actors: dict[str, Node] = {}
        self.actor_ids: dict[str, str] = {}  # name as written -> id
        self.sources: dict[str, Node] = {}
        self.source_ids: dict[str, str] = {}  # url, or title and outlet -> id
        self.claims: dict[str, Node] = {}
        self.claim_ids: dict[str, str] = {}  # text -> id
        self.reserved: set[str] = set()  # claim ids that records state
        self.firsts: dict[str, tuple[Any, str]] = {}  # claim id -> firstAppearance, where
        self.index: dict[str, Node] = {}  # @id -> node, for references
        self.ext_keys = {f"{PREFIX}:", NAMESPACE}

    def read(self, data: Any) -> dict[str, Any]:
        if not isinstance(data, (dict, list)):
            raise InputError(
                f"not JSON-LD: expected an object or a list of objects, not {_kind(data)}"
            )
        found: list[tuple[str, str, Node]] = []
        others: set[str] = set()
        schema_seen = seen_any = False
        for path, top in _objects([data] if isinstance(data, dict) else data, ""):
            seen_any = True
            in_schema = _names_schema(top.get("@context"))
            self._bind_extension(top.get("@context"))
            for where, node in _nodes(path, top):
                types = _types(node, in_schema)
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
            and isinstance(ref := _first(node, "itemReviewed"), dict)
            and isinstance(ref.get("@id"), str)
        }
        for kind, _, node in found:
            item = self._deref(_first(node, "itemReviewed")) if kind == "ClaimReview" else node
            stated = self._ext(item, "id") if isinstance(item, dict) else None
            if isinstance(stated, str):
                self.reserved.add(stated)
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
        text = _text(node, "claimReviewed")
        if text is None:
            raise InputError(f"{what} has no claimReviewed (the text of the claim)")
        rating = self._deref(_first(node, "reviewRating"))
        if not isinstance(rating, dict):
            raise InputError(f"{what} has no reviewRating")
        value = _number(_first(rating, "ratingValue"))
        # Some publishers put the verdict's words in ratingValue.
        label = _text(rating, "alternateName") or _text(rating, "name")
        if label is None and value is None:
            label = _text(rating, "ratingValue")
        if label is None:
            raise InputError(f"{what}: its reviewRating has no alternateName (the rating's label)")
        reviewer = self._actor(_first(node, "author") or _first(node, "publisher"), "organization")
        if reviewer is None:
            raise InputError(f"{what} has no author with a name or url")
        item = self._deref(_first(node, "itemReviewed"))
        claim = self._claim(text, item if isinstance(item, dict) else None, f"{what}.itemReviewed")
        review: Node = {
            "reviewer": reviewer,
            "rating": label,
            "value": value,
            "best": _number(_first(rating, "bestRating")),
            "worst": _number(_first(rating, "worstRating")),
            "date": _date(node, what, day=True),
            "url": _text(node, "url"),
            "explanation": _text(node, "reviewBody") or _text(node, "description"),
            "evidence": [],
        }
        if review not in claim["reviews"]:
            claim["reviews"].append(review)

    def _standalone(self, where: str, node: Node) -> None:
        text = _text(node, "text") or _text(node, "name")
        if text is None:
            raise InputError(f"Claim at {where} has no text")
        self._claim(text, node, f"Claim at {where}")

    def _claim(self, text: str, item: Node | None, where: str) -> Node:
        stated = self._ext(item, "id") if item else None
        key = stated if isinstance(stated, str) else self.claim_ids.get(text)
        if key is None:
            key = _unique(_slug(text, "claim"), self.claims.keys() | self.reserved)
        claim = self.claims.get(key)
        if claim is None:
            claim = self.claims[key] = _record(
                _CLAIM, id=key, text=text, claimants=[], topics=[], appearances=[],
                relations=[], reviews=[], evidence=[],
            )  # fmt: skip
            self.claim_ids.setdefault(text, key)
        if item is None:
            return claim
        for author in _values(item, "author"):
            actor = self._actor(author, "person")
            if actor and actor not in claim["claimants"]:
                claim["claimants"].append(actor)
        claim["stated"] = claim["stated"] or _date(item, where, day=False)
        works = _values(item, "appearance")
        if "Claim" not in _types(item, True):
            works.append(item)
        for work in works:
            source = self._source(work, where)
            if source and all(a["source"] != source for a in claim["appearances"]):
                claim["appearances"].append(_record(_APPEARANCE, source=source, type="paraphrase"))
        first = _first(item, "firstAppearance")
        if first is not None:
            self.firsts.setdefault(key, (first, where))
        for n, relation in enumerate(_listed(self._ext(item, "relations"))):
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
            else _text(work, "url")
            if isinstance(work, dict)
            else None
        )
        described = isinstance(work, dict) and any(
            _first(work, prop) is not None for prop in ("headline", "name", "publisher")
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
            url = _text(work, "url")
            title = _text(work, "headline") or _text(work, "name")
            published = _date(work, where, day=False)
            outlet = self._name(_first(work, "publisher"))
        else:
            return None
        if url:
            lookup, base = url, _slug(_without_scheme(url), "source", None)
        elif title:
            lookup, base = f"{title}\n{outlet or ''}", _slug(title, "source")
        else:
            return None
        key = self.source_ids.get(lookup)
        if key is None:
            key = _unique(base, self.sources.keys())
            self.source_ids[lookup] = key
            self.sources[key] = _record(
                _SOURCE, id=key, outlet=outlet or _host(url), title=title or url, url=url,
                published=published, credits=[], excerpt=False,
            )  # fmt: skip
        else:
            # A later record may describe the same url more fully.
            source = self.sources[key]
            if title and source["title"] == url:
                source["title"] = title
            if outlet and source["outlet"] == _host(url):
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
            types = _types(value, True) if isinstance(value, dict) else set()
            kind = "person" if "Person" in types else "organization" if types else default_kind
            key = _unique(_slug(name, "actor"), self.actors.keys())
            self.actor_ids[name] = key
            self.actors[key] = _record(_ACTOR, id=key, name=name, kind=kind, aliases=[], roles=[])
        return key

    def _name(self, value: Any) -> str | None:
        value = self._deref(value)
        if isinstance(value, str):
            return value.strip() or None
        if isinstance(value, dict):
            return _text(value, "name") or _host(_text(value, "url"))
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


def _objects(items: Iterable[Any], path: str) -> Iterator[tuple[str, Node]]:
    for n, item in enumerate(items):
        where = f"{path}[{n}]"
        if isinstance(item, list):
            yield from _objects(item, where)
        elif isinstance(item, dict):
            yield where, item
        else:
            raise InputError(f"not JSON-LD: {where} is {_kind(item)}, not an object")


def _nodes(path: str, top: Node) -> Iterator[tuple[str, Node]]:
    if "@graph" in top:
        yield from _objects(_listed(top["@graph"]), f"{path}.@graph")
    if "@type" in top:
        yield path, top


def _names_schema(ctx: Any) -> bool:
    if isinstance(ctx, str):
        bare = ctx.strip().rstrip("/").removeprefix("https://").removeprefix("http://")
        return bare == "schema.org"
    if isinstance(ctx, list):
        return any(_names_schema(part) for part in ctx)
    if isinstance(ctx, dict):
        return any(_names_schema(iri) for iri in ctx.values() if isinstance(iri, str))
    return False


def _types(node: Node, in_schema: bool) -> set[str]:
    found = set()
    for name in _listed(node.get("@type")):
        if not isinstance(name, str):
            continue
        prefix = next((p for p in _SCHEMA_PREFIXES if name.startswith(p)), None)
        if prefix:
            found.add(name.removeprefix(prefix))
        elif in_schema and ":" not in name:
            found.add(name)
    return found


def _values(node: Node, name: str) -> list[Any]:
    for key in (name, *(prefix + name for prefix in _SCHEMA_PREFIXES)):
        if key in node:
            return list(_listed(node[key]))
    return []


def _first(node: Node, name: str) -> Any:
    values = _values(node, name)
    return values[0] if values else None


def _text(node: Node, name: str) -> str | None:
    value = _first(node, name)
    if isinstance(value, dict):
        value = value.get("@value")
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _number(value: Any) -> int | float | None:
    value = value.get("@value") if isinstance(value, dict) else value
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = float(value) if re.search(r"[.eE]", value) else int(value)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return value


def _date(node: Node, where: str, *, day: bool) -> str | None:
    raw = _text(node, "datePublished")
    if raw is None:
        return None
    match = _DATE.match(raw)
    try:
        if match is None:
            raise ValueError(raw)
        dates.parse(match.group())
    except ValueError:
        raise InputError(f"{where}: datePublished {raw!r} is not a date (YYYY-MM-DD)") from None
    if day and len(match.group()) != len("2024-06-18"):
        raise InputError(f"{where}: datePublished {raw!r} is not a day (YYYY-MM-DD)")
    return match.group()


def _record(keys: str, **values: Any) -> Node:
    return dict.fromkeys(keys.split()) | values


def _listed(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _slug(text: str, kind: str, words: int | None = _SLUG_WORDS) -> str:
    found = re.findall(r"[a-z0-9]+", anyascii(text).lower())[:words]
    return "-".join(found)[:_SLUG_LENGTH].rstrip("-") or kind


def _unique(base: str, taken: Iterable[str]) -> str:
    used = set(taken)
    key, n = base, 1
    while key in used:
        n += 1
        key = f"{base}-{n}"
    return key


def _without_scheme(url: str) -> str:
    return re.sub(r"^[a-z][a-z0-9+.-]*://(www\.)?", "", url, flags=re.IGNORECASE)


def _host(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname
    return host.removeprefix("www.") if host else None


def _kind(value: Any) -> str:
    names = {bool: "a boolean", int: "a number", float: "a number", str: "a string"}
    return "null" if value is None else names.get(type(value), type(value).__name__)
