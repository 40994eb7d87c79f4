"""Who an article mentions, where, and how it describes them: the people,
governments and organisations a pronoun or a description may point back to.

A pronoun resolves only when exactly one mention before it fits, so a
mention missed here could make a wrong speaker: the scan counts every
capitalised name it cannot rule out (recorded actors by their aliases,
anyone else by the words), and a name it is unsure of counts as one more
person, which leaves a pronoun unresolved rather than wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tracker.extract import lexicon, names
from tracker.extract.actors import ActorIndex
from tracker.record.names import normalize

_TOKEN = re.compile(r"\S+")
_OPENING = "\"'\u201c\u2018\u00ab([\u2014-"
_CLOSING = "\"'\u201d\u2019\u00bb)],;:!?\u2014"
# "U.S.", "Mr.", "J.", "Sen.": a full stop that does not end a sentence.
_ABBREVIATION = re.compile(
    r"(?:[A-Z]\.)+|(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Col|Lt|Sgt|Adm|Jr|Sr|St|Prof|Rev|Capt|Maj)\."
)
# Sentence openers that are capitalised only by position.
_COMMON = frozenset(
    lexicon.FUNCTION_WORDS
    | lexicon.LEADING
    | lexicon.PREPOSITIONS
    | lexicon.CLAUSE_WORDS
    | names.DESCRIPTION_HEADS
    | set(lexicon.PRONOUNS)
    | names.words_of(
        "asked speaking family families according despite many some several most one two "
        "three both all no not there here now today yesterday"
    )
)
MAX_BEFORE = 4  # description words looked at before a name


@dataclass(frozen=True)
class Mention:
    start: int  # offset in the text
    entity: str  # "actor:KEY" for a recorded actor, "new:NAME" for anyone else
    actor: str | None  # the recorded actor, if any
    name: str  # as a new actor would be named
    kind: str
    gender: str | None
    described: frozenset[str]  # the words describing it here ("kremlin", "aide")
    description: str | None
    spoke: bool = False  # the speaker of an attribution here


@dataclass
class _Word:
    start: int
    text: str  # without quotation marks and closing punctuation
    breaks: bool  # punctuation after it ends the phrase
    sentence_start: bool


def _words(text: str) -> list[_Word]:
    words: list[_Word] = []
    new_sentence = True
    for m in _TOKEN.finditer(text):
        raw = m.group()
        lead = len(raw) - len(raw.lstrip(_OPENING))
        word = raw[lead:].rstrip(_CLOSING)
        breaks = word != raw[lead:]
        if word.endswith(".") and not _ABBREVIATION.fullmatch(word):
            word, breaks = word[:-1], True
        word = re.sub(r"['\u2019]s$", "", word)
        if word:
            words.append(_Word(m.start() + lead, word, breaks or bool(lead), new_sentence))
        new_sentence = raw.rstrip(_CLOSING).endswith((".", "!", "?")) and not (
            _ABBREVIATION.fullmatch(word + ".") and len(word) <= 3
        )
        if "\n" in text[m.end() : m.end() + 2]:
            new_sentence = True
            if words:
                words[-1].breaks = True
    return words


def _capitalised(word: _Word) -> bool:
    first = word.text[:1]
    if not first.isupper():
        return False
    return not (word.sentence_start and word.text.lower() in _COMMON)


def scan(text: str, index: ActorIndex) -> list[Mention]:
    """Every mention of a recorded actor or of a name, in text order."""
    words = _words(text)
    found: list[Mention] = []
    k = 0
    while k < len(words):
        if not _capitalised(words[k]):
            k += 1
            continue
        end = k
        while end + 1 < len(words) and not words[end].breaks and _capitalised(words[end + 1]):
            end += 1
        begin = k
        while (
            begin > 0
            and k - begin < MAX_BEFORE
            and not words[begin - 1].breaks
            and words[begin - 1].text.lower() not in lexicon.FUNCTION_WORDS
            and names.describes(words[begin - 1].text)
        ):
            begin -= 1
        phrase = " ".join(w.text for w in words[begin : end + 1])
        mention = _mention(words[k].start, phrase, index)
        if mention is not None:
            found.append(mention)
        k = end + 1
    return _cluster(found)


def _mention(start: int, phrase: str, index: ActorIndex) -> Mention | None:
    named = names.split_name(phrase)
    described = frozenset(normalize(named.description or "").split())
    match = index.match(phrase)
    if match.actor is not None:
        return Mention(
            start,
            f"actor:{match.actor}",
            match.actor,
            index.display.get(match.actor, match.actor),
            index.kinds.get(match.actor, "person"),
            named.gender,
            described | index.described.get(match.actor, frozenset()),
            named.description,
        )
    kind = names.kind_of(phrase)
    if named.name is None and kind in ("unnamed", "person"):
        return None  # "North Korean arms", "Friday"
    if named.name is not None and (
        named.name.lower() in names.PLACES
        or (named.description or "").split()[-1:] in (["North"], ["South"], ["East"], ["West"])
    ):
        return None  # "Indiana", "North Carolina"
    name = named.name or " ".join(w for w in phrase.split() if w.lower() not in lexicon.DETERMINERS)
    if kind != "person":
        described = described | frozenset(normalize(name).split())
    entity = f"new:{normalize(name)}"
    return Mention(start, entity, None, name, kind, named.gender, described, named.description)


def _cluster(found: list[Mention]) -> list[Mention]:
    """One entity for "Ivana Trump" and a later "Ivana" or "Trump" when no
    other name ends or begins with it; a word two names share stays its own."""
    full: dict[str, set[str]] = {}
    for m in found:
        words = m.entity.removeprefix("new:").split()
        if m.actor is None and len(words) > 1:
            for word in (words[0], words[-1]):
                full.setdefault(word, set()).add(m.entity)
    clustered = []
    for m in found:
        single = m.entity.removeprefix("new:")
        if m.actor is None and " " not in single and len(full.get(single, ())) == 1:
            (entity,) = full[single]
            m = Mention(m.start, entity, None, m.name, m.kind, m.gender, m.described, m.description)
        clustered.append(m)
    return clustered
