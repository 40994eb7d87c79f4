"""Write a synthetic but realistic tracker dataset, in the seed YAML format.

    python benchmarks/generate.py --claims 5000 --out /tmp/bench-data

Layout of DIR (what `tracker load DIR` reads):

    actors.yaml              a few hundred actors: governments, ministries, wire
                             agencies, companies, armed groups and people, with
                             aliases and roles (people in ministries, ministries
                             in governments)
    sources.yaml             about one source per three claims, dated 2015-2024
    claims/claims-NNNN.yaml  the claims, 1,000 per file
    texts/src-NNNNNN.txt     source texts: headline, filler and reporting
                             sentences; every quote occurs exactly once in its
                             source (checked before anything is written)

Claims have 1-3 claimants and 1-4 appearances (direct quotes and paraphrases,
some relayed `via` an agency); about 15% are countered (denies / disputes /
undercuts) by a claim of another actor, about 10% are supported or
corroborated. Everything is drawn from one seeded random generator, so the
same arguments always write the same bytes.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tracker.ingest.anchor import occurrences
from tracker.record.names import normalize

DEFAULT_CLAIMS = 5000
DEFAULT_SEED = 20240618
CLAIMS_PER_FILE = 1000
FIRST_DAY = dt.date(2015, 1, 1)
LAST_DAY = dt.date(2024, 12, 31)
COUNTERED_SHARE = 0.15
SUPPORTED_SHARE = 0.10

# --------------------------------------------------------------------------- pools

_SYLLABLES = [
    "val", "dor", "kes", "tra", "mor", "ven", "zan", "bel", "ost", "nor", "gal", "tor",
    "sil", "ka", "ren", "lum", "var", "esh", "qua", "bra", "tel", "mir", "sar", "hal",
]  # fmt: skip
_COUNTRY_ENDINGS = ["ia", "ora", "avia", "enia", "aria", "esia", "onia"]
_PLACE_ENDINGS = ["grad", "holm", "port", "ford", "mund", "ava", "ek", "ir"]
FIRST_NAMES = [
    "Anna", "Boris", "Carla", "Dmitri", "Elena", "Farid", "Greta", "Hiroshi", "Ingrid",
    "Jonas", "Katya", "Luis", "Mariam", "Nikolai", "Olga", "Pavel", "Quentin", "Rosa",
    "Samir", "Tamara", "Umar", "Vera", "Walter", "Ximena", "Yusuf", "Zofia", "Aleksander",
    "Bianca", "Chen", "Dalia", "Emil", "Fatima", "Gustav", "Hana", "Ivo", "Julia", "Kenji",
    "Lena", "Mateo", "Nadia", "Oskar", "Petra", "Rafael", "Sofia", "Tomasz", "Ulla",
    "Viktor", "Wanda", "Yara", "Zoran",
]  # fmt: skip
LAST_NAMES = [
    "Abramov", "Bauer", "Castillo", "Dvorak", "Eriksen", "Fischer", "Garcia", "Horvath",
    "Ivanova", "Jansen", "Kowalski", "Lindqvist", "Moreau", "Novak", "Okafor", "Petrov",
    "Quiroga", "Rossi", "Sato", "Tanaka", "Ueda", "Volkov", "Wagner", "Xu", "Yilmaz",
    "Zielinski", "Andersen", "Becker", "Costa", "Dimitrov", "Esposito", "Ferreira",
    "Gruber", "Haddad", "Ishikawa", "Jovanovic", "Kuznetsov", "Laine", "Mendes", "Nakamura",
    "Orlov", "Popescu", "Rahman", "Schulz", "Takahashi", "Urban", "Varga", "Weber",
    "Yamamoto", "Zhukov", "Albu", "Brandt", "Cerny", "Dragan", "Engel", "Farkas", "Gashi",
    "Hoxha", "Iqbal", "Kaya",
]  # fmt: skip
MINISTRIES = [
    ("Ministry of Defence", "Defence Ministry", "defence"),
    ("Ministry of Foreign Affairs", "Foreign Ministry", "foreign"),
    ("Ministry of Energy", "Energy Ministry", "energy"),
    ("Ministry of Trade", "Trade Ministry", "trade"),
]
PERSON_TITLES = {
    "government": ["President", "Prime Minister", "Deputy Prime Minister", "Chief of Staff"],
    "defence": ["Minister of Defence", "Spokesperson", "Chief of the General Staff"],
    "foreign": ["Foreign Minister", "Spokesperson", "Deputy Foreign Minister"],
    "energy": ["Minister of Energy", "Spokesperson"],
    "trade": ["Minister of Trade", "Spokesperson", "Chief Negotiator"],
    "company": ["Chief Executive", "Spokesperson", "Chairman"],
    "group": ["Commander", "Spokesperson"],
}
AGENCIES = [
    ("Northwire", "NWR"), ("Continental Press Agency", "CPA"), ("Meridian News", "MNS"),
    ("Baltic Wire Service", "BWS"), ("Eastern Telegraph Agency", "ETA"),
    ("Global Dispatch", "GDX"), ("Harbor Press", "HBP"), ("Central Newswire", "CNW"),
]  # fmt: skip
COMPANY_WORDS = ["Energy", "Shipping", "Minerals", "Aerospace", "Grain", "Telecom"]
OUTLETS = [
    ("The Morning Ledger", "morningledger.example"),
    ("Evening Courier", "eveningcourier.example"),
    ("The Continental Review", "contreview.example"),
    ("Daily Observer", "dailyobserver.example"),
    ("Harbor City Herald", "harborherald.example"),
    ("World Affairs Weekly", "worldaffairs.example"),
    ("The Northern Star", "northernstar.example"),
    ("Capital Gazette", "capitalgazette.example"),
    ("Frontline Radio", "frontlineradio.example"),
    ("Asia Pacific Wire", "apwire.example"),
    ("The Balkan Times", "balkantimes.example"),
    ("Gulf Monitor", "gulfmonitor.example"),
]
TOPICS = [
    "security", "arms-transfers", "sanctions", "trade", "energy", "diplomacy", "maritime",
    "cyber", "elections", "humanitarian", "nuclear", "border",
]  # fmt: skip
THINGS = [
    ("patrol vessels", "maritime"), ("artillery shells", "arms-transfers"),
    ("air-defence systems", "arms-transfers"), ("tonnes of grain", "trade"),
    ("million cubic metres of gas", "energy"), ("observers", "elections"),
    ("aid convoys", "humanitarian"), ("border posts", "border"),
    ("diplomats", "diplomacy"), ("servers", "cyber"), ("drones", "security"),
    ("cargo ships", "sanctions"), ("centrifuges", "nuclear"), ("troops", "security"),
]  # fmt: skip
ACTIONS = [
    ("will send", "would send", "to send"),
    ("will deliver", "would deliver", "to deliver"),
    ("will withdraw", "would withdraw", "to withdraw"),
    ("has deployed", "had deployed", "deployed"),
    ("has seized", "had seized", "seized"),
    ("will buy", "would buy", "to buy"),
    ("has received", "had received", "received"),
    ("will station", "would station", "to station"),
]
DIRECT_CUES = ["said", "told reporters", "wrote", "said in a statement", "told state television"]
PARAPHRASE_CUES = ["said", "announced", "claimed", "according to", "insisted", "has said"]
COUNTER_CUES = ["denied", "rejected", "dismissed", "disputed"]
FILLER = [
    "The talks were expected to continue next week.",
    "Officials declined to give further details.",
    "The statement came after days of speculation in local media.",
    "Neither side has published the text of the agreement.",
    "Analysts said the announcement was aimed at a domestic audience.",
    "The ministry did not respond to a request for comment.",
    "Markets reacted calmly to the news.",
    "Opposition politicians called for a parliamentary inquiry.",
    "The figures could not be independently verified.",
    "A spokesperson said more information would follow in due course.",
    "Diplomats described the atmosphere of the meeting as tense.",
    "The announcement was made at a press conference in the capital.",
    "Satellite images published last month showed increased activity in the area.",
    "Human rights groups urged restraint.",
    "The United Nations has called for an independent investigation.",
]
NOUNS = {
    "denies": "denial",
    "disputes": "dispute",
    "undercuts": "rebuttal",
    "supports": "statement",
    "corroborates": "account",
}
MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip


# --------------------------------------------------------------------------- model


@dataclass
class Actor:
    key: str
    name: str
    kind: str
    description: str
    aliases: list[str] = field(default_factory=list)
    roles: list[dict[str, Any]] = field(default_factory=list)
    country: int | None = None
    weight: float = 1.0

    def as_yaml(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.key,
            "name": self.name,
            "kind": self.kind,
            "description": self.description,
        }
        if self.aliases:
            data["aliases"] = self.aliases
        if self.roles:
            data["roles"] = self.roles
        return data


@dataclass
class Source:
    key: str
    outlet: str
    domain: str
    published: dt.date
    credits: list[str]
    # (sentence, quote or None): the body, assembled once every quote is placed.
    reports: list[tuple[str, str]] = field(default_factory=list)
    headline: str | None = None

    @property
    def file(self) -> str:
        return f"texts/{self.key}.txt"


@dataclass
class Content:
    """What a claim says, in the forms a reporter may write it."""

    claim_text: str
    fact: str  # the claim as a clause ("Valdoria will send 12 drones to Ostgrad by May")
    direct: str  # first person, inside quotation marks
    paraphrases: list[str]  # third person, after "X said (that)"
    headline: str
    topic: str


@dataclass
class Claim:
    key: str
    index: int
    claimants: list[str]
    stated: dt.date | None
    precision: str | None
    topics: list[str]
    content: Content
    appearances: list[dict[str, Any]] = field(default_factory=list)
    relations: dict[str, list[str]] = field(default_factory=dict)

    def as_yaml(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.key,
            "text": self.content.claim_text,
            "claimants": self.claimants,
        }
        if self.stated is not None:
            width = {"day": 10, "month": 7, "year": 4}[self.precision or "day"]
            data["stated"] = self.stated.isoformat()[:width]
        if self.topics:
            data["topics"] = self.topics
        data["appearances"] = self.appearances
        if self.relations:
            data["relations"] = self.relations
        return data


# --------------------------------------------------------------------------- generator


class Generator:
    def __init__(self, claims: int, actors: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.n_claims = claims
        self.n_actors = actors
        self.names: set[str] = set()  # normalized aliases in use, across all actors
        self.actors: list[Actor] = []
        self.by_key: dict[str, Actor] = {}
        self.countries: list[tuple[str, str, str]] = []  # name, demonym, capital
        self.places: list[str] = []
        self.sources: list[Source] = []
        self.claims: list[Claim] = []
        self.facts: set[tuple[Any, ...]] = set()
        self._source_days: list[dt.date] = []
        self._source_by_key: dict[str, Source] = {}

    # -- names ----------------------------------------------------------------
    def _word(self, endings: Sequence[str], syllables: int = 2) -> str:
        while True:
            stem = "".join(self.rng.choice(_SYLLABLES) for _ in range(syllables))
            word = (stem + self.rng.choice(endings)).capitalize()
            if normalize(word) not in self.names and word not in self.places:
                return word

    def _claim_name(self, name: str) -> bool:
        norm = normalize(name)
        if not norm or norm in self.names:
            return False
        self.names.add(norm)
        return True

    def _add(self, actor: Actor, aliases: Sequence[str]) -> Actor:
        if not self._claim_name(actor.name):
            raise RuntimeError(f"actor name {actor.name!r} is taken")
        actor.aliases = [a for a in aliases if self._claim_name(a)]
        self.actors.append(actor)
        self.by_key[actor.key] = actor
        return actor

    # -- actors ---------------------------------------------------------------
    def make_actors(self) -> None:
        n_countries = max(6, self.n_actors // 10)
        for i in range(n_countries):
            country = self._word(_COUNTRY_ENDINGS)
            demonym = country + "n" if country.endswith("a") else country + "ian"
            capital = self._word(_PLACE_ENDINGS)
            self.countries.append((country, demonym, capital))
            self._add(
                Actor(
                    f"gov-{country.lower()}",
                    f"{demonym} government",
                    "government",
                    f"Government of {country}",
                    country=i,
                ),
                [country, f"Government of {country}", capital, f"Republic of {country}"],
            )
        for _ in range(max(20, self.n_actors // 4)):
            self.places.append(self._word(_PLACE_ENDINGS))
        for name, short in AGENCIES:
            self._add(
                Actor(
                    f"agency-{short.lower()}",
                    name,
                    "organization",
                    f"{name}, a news agency",
                    weight=0.0,
                ),
                [short],
            )
        # Ministries: the first two for every country, all four for a third of them.
        for i, (country, demonym, _capital) in enumerate(self.countries):
            wanted = MINISTRIES if i % 3 == 0 else MINISTRIES[:2]
            for full, short, tag in wanted:
                self._add(
                    Actor(
                        f"{tag}-{country.lower()}",
                        f"{demonym} {full}",
                        "organization",
                        f"{full} of {country}",
                        roles=[{"title": "Ministry", "of": f"gov-{country.lower()}"}],
                        country=i,
                    ),
                    [f"{demonym} {short}", f"{full} of {country}"],
                )
        for word in COMPANY_WORDS:
            owner = self.rng.randrange(len(self.countries))
            country = self.countries[owner][0]
            name = f"{country} {word} Corporation"
            acronym = f"{country[0]}{word[0]}C"
            self._add(
                Actor(
                    f"company-{country.lower()}-{word.lower()}",
                    name,
                    "organization",
                    f"State-owned {word.lower()} company of {country}",
                    country=owner,
                ),
                [f"{country} {word}", acronym],
            )
        for _ in range(max(4, self.n_actors // 25)):
            place = self.rng.choice(self.places)
            kind = self.rng.choice(["Liberation Front", "Defence Forces", "Resistance Movement"])
            name = f"{place} {kind}"
            acronym = place[0] + "".join(w[0] for w in kind.split())
            if normalize(name) in self.names:
                continue
            self._add(
                Actor(
                    f"group-{normalize(name).replace(' ', '-')}",
                    name,
                    "group",
                    f"Armed group active around {place}",
                ),
                [acronym, f"the {kind} of {place}"],
            )
        organizations = [a for a in self.actors if a.kind != "group" and a.weight > 0]
        groups = [a for a in self.actors if a.kind == "group"]
        tries = 0
        while len(self.actors) < self.n_actors and tries < 20 * self.n_actors:
            tries += 1
            first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
            name = f"{first} {last}"
            if normalize(name) in self.names:
                continue
            home = self.rng.choice(groups) if self.rng.random() < 0.06 else None
            home = home or self.rng.choice(organizations)
            tag = home.key.split("-")[0]
            titles = PERSON_TITLES.get(tag if tag != "gov" else "government", ["Spokesperson"])
            title = self.rng.choice(titles)
            key = normalize(name).replace(" ", "-")
            aliases = [last, f"{first[0]}. {last}", f"{title} {last}"]
            if "v" in last:
                aliases.append(last.replace("v", "w", 1))  # a transliteration variant
            start = FIRST_DAY - dt.timedelta(days=self.rng.randrange(3000))
            role: dict[str, Any] = {"title": title, "of": home.key, "start": start.isoformat()}
            if self.rng.random() < 0.15:
                role["end"] = (start + dt.timedelta(days=self.rng.randrange(400, 4000))).isoformat()
            person = Actor(
                key,
                name,
                "person",
                f"{title}, {home.name}",
                roles=[role],
                country=home.country,
            )
            self._add(person, aliases)
        # Zipf-like activity: a few actors make many claims, most make a few.
        speakers = [a for a in self.actors if a.weight > 0]
        self.rng.shuffle(speakers)
        for rank, actor in enumerate(speakers, start=1):
            actor.weight = 1.0 / rank**0.8

    # -- sources --------------------------------------------------------------
    def make_sources(self) -> None:
        agencies = [a.key for a in self.actors if a.key.startswith("agency-")]
        span = (LAST_DAY - FIRST_DAY).days
        n_sources = max(8, self.n_claims * 3 // 10)
        days = sorted(self.rng.randrange(span + 30) for _ in range(n_sources))
        for i, day in enumerate(days):
            outlet, domain = self.rng.choice(OUTLETS)
            credits = self.rng.sample(agencies, self.rng.choice([0, 0, 1, 1, 1, 2]))
            self.sources.append(
                Source(
                    f"src-{i + 1:06d}", outlet, domain, FIRST_DAY + dt.timedelta(days=day), credits
                )
            )
        self._source_days = [s.published for s in self.sources]
        self._source_by_key = {s.key: s for s in self.sources}

    def _sources_near(self, day: dt.date, count: int) -> list[Source]:
        """`count` distinct sources published on or soon after `day`."""
        at = bisect.bisect_left(self._source_days, day)
        window = self.sources[at : at + 12]
        if len(window) < count + 2:
            window = self.sources[max(0, at - 12) : at + 12]
        return self.rng.sample(window, min(count, len(window)))

    # -- claims ---------------------------------------------------------------
    def _content(self, speaker: Actor) -> Content:
        while True:
            thing, topic = self.rng.choice(THINGS)
            action = self.rng.choice(ACTIONS)
            number = self.rng.randrange(2, 2000)
            place = self.rng.choice(self.places)
            month = self.rng.choice(MONTHS)
            fact = (thing, action[0], number, place, month)
            if fact not in self.facts:
                self.facts.add(fact)
                break
        if speaker.country is not None:
            country, demonym, _ = self.countries[speaker.country]
        else:
            country, demonym = speaker.name, speaker.name
        amount = f"{number:,}"
        direct = f"We {action[0].split(' ', 1)[1]} {amount} {thing} to {place} by {month}"
        if action[0].startswith("has "):
            direct = (
                f"We have {action[0].split(' ', 1)[1]} {amount} {thing} near {place} since {month}"
            )
        return Content(
            claim_text=f"{country} {action[0]} {amount} {thing} to {place} by {month}.",
            fact=f"{country} {action[0]} {amount} {thing} to {place} by {month}",
            direct=direct,
            paraphrases=[
                f"{country} {action[1]} {amount} {thing} to {place} by {month}",
                f"{amount} {thing} {action[2]} {place} before {month}",
            ],
            headline=f"{demonym} {thing}: {country} {action[2]} {amount} to {place}",
            topic=topic,
        )

    def _counter_content(self, target: Claim, relation: str) -> Content:
        base = target.content
        n = len(self.claims)
        if target.relations:  # answering a counter-claim
            noun = NOUNS[next(iter(target.relations))]
            text = f"The {noun} in {target.key} is itself false."
        elif relation == "undercuts":
            text = f"The evidence that {base.fact} was fabricated."
        elif relation == "disputes":
            text = f"The report that {base.fact} is inaccurate."
        else:
            text = f"It is false that {base.fact}."
        if relation == "undercuts":
            direct = f"The {n:,} pages of evidence behind the {base.topic} report do not exist"
            para = f"the evidence for the {base.topic} report, case {n:,}, had been fabricated"
        else:
            direct = f"There is no truth in story number {n:,} about {base.topic}"
            para = f"report number {n:,} about {base.topic} was false"
        verb = {"denies": "denied", "disputes": "disputed", "undercuts": "undercut"}[relation]
        return Content(
            text, base.fact, direct, [para], f"Report {n:,} on {base.topic} {verb}", base.topic
        )

    def _pick_claimants(self, count: int, avoid: set[str]) -> list[str]:
        speakers = [a for a in self.actors if a.weight > 0 and a.key not in avoid]
        picked: list[str] = []
        while len(picked) < count:
            actor = self.rng.choices(speakers, weights=[a.weight for a in speakers])[0]
            if actor.key not in picked:
                picked.append(actor.key)
        return picked

    def _stated(self, after: dt.date | None) -> tuple[dt.date | None, str | None]:
        if after is not None:
            return after + dt.timedelta(days=self.rng.randrange(1, 10)), "day"
        day = FIRST_DAY + dt.timedelta(days=self.rng.randrange((LAST_DAY - FIRST_DAY).days))
        roll = self.rng.random()
        if roll < 0.80:
            return day, "day"
        if roll < 0.90:
            return day.replace(day=1), "month"
        if roll < 0.95:
            return day.replace(month=1, day=1), "year"
        return None, None

    def _place(self, claim: Claim, source: Source, quote: str, sentence: str) -> bool:
        """Report `quote` in `source` unless it would not occur exactly once there."""
        for other_sentence, other in source.reports:
            if quote in other_sentence or other in sentence:
                return False
        source.reports.append((sentence, quote))
        return True

    def _appearances(self, claim: Claim, day: dt.date, count: int, near: Source | None) -> None:
        speaker = self.by_key[claim.claimants[0]]
        name = speaker.name
        candidates = self._sources_near(day, count + 2)
        if near is not None and near not in candidates and self.rng.random() < 0.4:
            candidates.insert(0, near)  # the rebuttal is in the article that reported the claim
        used = 0
        for source in candidates:
            if used == count:
                break
            app: dict[str, Any] = {"source": source.key}
            roll = self.rng.random()
            if roll < 0.45:
                quote = claim.content.direct
                cue = self.rng.choice(DIRECT_CUES)
                sentence = f"\u201c{quote},\u201d {name} {cue}."
                app.update(quote=quote, type="direct", cue=cue)
            elif roll < 0.55 and source.headline is None:
                quote = claim.content.headline
                sentence = quote
                app.update(quote=quote, type="paraphrase", cue="headline")
            else:
                quote = self.rng.choice(claim.content.paraphrases)
                cue = self.rng.choice(PARAPHRASE_CUES)
                if cue == "according to":
                    sentence = f"According to {name}, {quote}."
                else:
                    sentence = f"{name} {cue} that {quote}."
                app.update(quote=quote, type="paraphrase", cue=cue)
            if source.credits and self.rng.random() < 0.5:
                app["via"] = self.rng.choice(source.credits)
            if app["cue"] == "headline":
                if any(quote in s or q in quote for s, q in source.reports):
                    continue
                source.headline = quote
                source.reports.append(("", quote))
            elif not self._place(claim, source, quote, sentence):
                continue
            claim.appearances.append(app)
            used += 1
        if not claim.appearances:
            raise RuntimeError(f"no source could report claim {claim.key}")

    def make_claims(self) -> None:
        countered: set[int] = set()
        for i in range(self.n_claims):
            relations: dict[str, list[str]] = {}
            target: Claim | None = None
            if self.claims and self.rng.random() < COUNTERED_SHARE:
                for attempt in range(8):
                    candidate = self.rng.choice(self.claims)
                    # Mostly original claims; now and then a counter-claim is answered.
                    if candidate.relations and attempt < 6 and self.rng.random() < 0.9:
                        continue
                    if candidate.index not in countered:
                        target = candidate
                        break
            relation = self.rng.choice(["denies", "denies", "disputes", "undercuts"])
            if target is not None:
                countered.add(target.index)
                relations[relation] = [target.key]
                claimants = self._pick_claimants(
                    self.rng.choice([1, 1, 1, 2]), avoid=set(target.claimants)
                )
                stated, precision = self._stated(target.stated or FIRST_DAY)
                content = self._counter_content(target, relation)
            else:
                claimants = self._pick_claimants(self.rng.choice([1, 1, 1, 1, 2, 2, 3]), set())
                stated, precision = self._stated(None)
                content = self._content(self.by_key[claimants[0]])
            if self.claims and self.rng.random() < SUPPORTED_SHARE:
                supported = self.rng.choice(self.claims)
                if target is None or supported.key != target.key:
                    kind = self.rng.choice(["supports", "corroborates"])
                    relations.setdefault(kind, []).append(supported.key)
            topics = sorted(
                {content.topic, *self.rng.sample(TOPICS, self.rng.choice([0, 0, 1, 2]))}
            )
            slug = normalize(content.fact if target is None else f"{relation} {content.fact}")
            slug = slug.replace(" ", "-")[:40].rstrip("-")
            claim = Claim(f"c{i + 1:05d}-{slug}", i, claimants, stated, precision, topics, content)
            claim.relations = relations
            near = None
            if target is not None:
                near = self._source_by_key[target.appearances[0]["source"]]
            day = stated or FIRST_DAY + dt.timedelta(days=self.rng.randrange(1400))
            self._appearances(claim, day, self.rng.choice([1, 1, 2, 2, 2, 3, 3, 4]), near)
            self.claims.append(claim)

    # -- output ---------------------------------------------------------------
    def source_text(self, source: Source) -> str:
        body = [s for s, _ in source.reports if s]
        fillers = self.rng.sample(FILLER, min(len(FILLER), len(body) + 2))
        sentences = body + fillers
        self.rng.shuffle(sentences)
        paragraphs = [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
        headline = source.headline or f"{source.outlet}: news of {source.published:%d %B %Y}"
        dateline = f"{source.published:%B %d, %Y} ({source.outlet})"
        text = "\n\n".join([headline, dateline, *paragraphs]) + "\n"
        for _, quote in source.reports:
            found = len(occurrences(text, quote))
            if found != 1:
                raise RuntimeError(f"{source.key}: quote {quote!r} occurs {found} times")
        return text

    def write(self, out: Path) -> dict[str, int]:
        (out / "texts").mkdir(parents=True, exist_ok=True)
        (out / "claims").mkdir(exist_ok=True)
        _dump(
            out / "actors.yaml",
            f"{len(self.actors)} synthetic actors (benchmarks/generate.py)",
            {"actors": [a.as_yaml() for a in self.actors]},
        )
        sources = []
        for source in self.sources:
            (out / source.file).write_text(self.source_text(source), encoding="utf-8")
            entry: dict[str, Any] = {
                "id": source.key,
                "file": source.file,
                "outlet": source.outlet,
                "title": source.headline or f"News of {source.published:%d %B %Y}",
                "url": f"https://{source.domain}/{source.published:%Y/%m/%d}/{source.key}",
                "published": source.published.isoformat(),
                "language": "en",
            }
            if source.credits:
                entry["credits"] = source.credits
            sources.append(entry)
        _dump(
            out / "sources.yaml",
            f"{len(sources)} synthetic sources; `file` is relative to this file",
            {"sources": sources},
        )
        for start in range(0, len(self.claims), CLAIMS_PER_FILE):
            chunk = self.claims[start : start + CLAIMS_PER_FILE]
            _dump(
                out / "claims" / f"claims-{start // CLAIMS_PER_FILE + 1:05d}.yaml",
                f"claims {start + 1}-{start + len(chunk)} of {len(self.claims)}",
                {"claims": [c.as_yaml() for c in chunk]},
            )
        return {
            "actors": len(self.actors),
            "sources": len(self.sources),
            "claims": len(self.claims),
            "appearances": sum(len(c.appearances) for c in self.claims),
            "relations": sum(len(v) for c in self.claims for v in c.relations.values()),
        }


_Dumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _dump(path: Path, comment: str, data: dict[str, Any]) -> None:
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(f"# {comment}\n\n{text}", encoding="utf-8")


def generate(
    out: Path, claims: int = DEFAULT_CLAIMS, actors: int = 300, seed: int = DEFAULT_SEED
) -> dict[str, int]:
    """Write the dataset into `out` (created if missing); return what it holds."""
    if claims < 1:
        raise ValueError("at least one claim")
    gen = Generator(claims, actors, seed)
    gen.make_actors()
    gen.make_sources()
    gen.make_claims()
    return gen.write(out)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=DEFAULT_CLAIMS, metavar="N")
    parser.add_argument("--actors", type=int, default=300, metavar="N")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, required=True, metavar="DIR")
    args = parser.parse_args(argv)
    if args.out.exists() and any(args.out.iterdir()):
        parser.error(f"{args.out} is not empty")
    counts = generate(args.out, args.claims, args.actors, args.seed)
    print(f"wrote {args.out}: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
