"""What a statement is about, for finding what a denial answers: the
concepts of its words ("arms transfers": weapons, transfer), without the
words every denial uses ("the allegations", "baseless", "calling it").

General English news usage, not any one article's phrasing.
"""

from __future__ import annotations

import re

from tracker.extract import lexicon
from tracker.query.search import STOP_WORDS
from tracker.record.names import normalize

# Words that mean the same in a denial and in what it denies, beyond those
# in lexicon.CONCEPTS: "the shelling" answers "shelled three villages".
CONCEPTS: dict[str, list[str]] = {
    **lexicon.CONCEPTS,
    "attack": (
        "attack attacked attacks attacking strike strikes struck bomb bombed bombing bombings "
        "shell shelled shelling raid raided raids assault assaulted"
    ).split(),
    "bribe": "bribe bribes bribed bribery kickback kickbacks graft corruption corrupt".split(),
    "hack": "hack hacked hacking hackers hacker cyberattack cyberattacks breach breached".split(),
    "interfere": "interfere interfered interference meddle meddled meddling".split(),
    "rig": "rig rigged rigging fraud fraudulent manipulate manipulated manipulation".split(),
    "conceal": (
        "conceal concealed concealing hide hid hidden hiding withhold withheld suppress suppressed"
    ).split(),
    "pollute": "pollute polluted polluting pollution dump dumped dumping waste toxic".split(),
    "beat": "beat beaten beating beatings abuse abused torture tortured".split(),
    "kill": "kill killed killing killings murder murdered execute executed dead death".split(),
    "spy": "spy spied spying espionage surveillance".split(),
    "pay": "pay paid payment payments fund funded funding finance financed money".split(),
    "fire": "fire fires blaze blazes flames arson burn burned burnt burning".split(),
    "lose": "lose loses lost losing loss losses".split(),
}
CONCEPT_OF = {word: concept for concept, words in CONCEPTS.items() for word in words}

# Words a denial uses about what it denies rather than naming it: "rejected
# the allegations, calling them baseless" names no topic of its own.
GENERIC = frozenset(
    (
        "allegation allegations allege alleged charge charges claim claims accusation "
        "accusations report reports reporting suggestion suggestions assertion assertions "
        "involvement wrongdoing responsibility idea notion criticism story stories account "
        "accounts statement statements remark remarks comment comments rumor rumors rumour "
        "rumours speculation insinuation insinuations "
        "baseless unfounded groundless false untrue fabricated fabrication fabrications lie "
        "lies nonsense absurd ridiculous slander smear fake politically motivated "
        "call calling called saying said says say wrong percent completely totally entirely "
        "categorically strongly flatly any all such these those them themselves this that "
        "there has have had been being was were are not never"
    ).split()
)


_POSSESSIVE = re.compile(r"['\u2019]s\b")


def words(text: str) -> list[str]:
    """Normalised words, a possessive's without its 's ("Ukraine's": ukraine)."""
    return re.findall(r"[a-z0-9]+", normalize(_POSSESSIVE.sub("", text)))


def concepts(text: str) -> set[str]:
    """What a text is about: each word's concept, or the word (a plural
    as its singular: "transfers" is "transfer"), leaving out stop words
    and the words every denial uses."""
    found = set()
    for word in words(text):
        if word in STOP_WORDS or word in GENERIC or len(word) < 3:
            continue
        found.add(CONCEPT_OF.get(word, _stem(word)))
    return found


def _stem(word: str) -> str:
    """Crudely, a plural's singular: "transfers", "bodies", "witnesses"."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def search_words(topic: set[str]) -> list[str]:
    """The words to look for a topic's claims by: every word of its concepts."""
    expanded = {w for c in topic for w in CONCEPTS.get(c, [c])}
    return sorted(w for w in expanded if len(w) >= 4 and w not in STOP_WORDS)
