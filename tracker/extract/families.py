"""Cue families: what kind of act a cue reports, for measuring extraction
by kind (precision of what is proposed, recall of what the gold marks).

The families are written from general English usage, apart from the
extractor's own lexicon, so that a verb the extractor lacks is still
counted as the speech act it is. Speech acts (`say`, `tell`, `according
to`, `write`, `deny`, `accuse`, `speech`, and a headline's or transcript's
colon) are what recall counts; `belief` (thinks, wants, hopes…) and `other`
(shows, found, supports…) are attributions too, and a proposal matching one
is right, but missing one is no miss.
"""

from __future__ import annotations

from tracker.extract.lexicon import forms

_LEMMAS: dict[str, str] = {
    "say": "say",
    "tell": "tell",
    "according to": "according_to as_per cite quote",
    "write": "write tweet post blog blogged publish text email",
    "deny": "deny reject dismiss refute dispute rebuff contest disavow contradict",
    "accuse": (
        "accuse charge blame criticize criticise condemn denounce decry slam attack fault "
        "allege lambaste blast"
    ),
    "speech": (
        "add note ask announce argue explain declare continue insist state report claim "
        "acknowledge warn call reply respond recall promise pledge vow urge suggest praise "
        "mention stress point reveal predict confirm testify admit concede contend assert "
        "maintain emphasize emphasise comment remark observe describe tout boast complain "
        "joke quip agree propose demand threaten question conclude reiterate repeat speak "
        "talk swear assure caution lament counter retort shout yell chant inform brief "
        "disclose estimate recount suggest thank welcome applaud hail predict acknowledge "
        "object protest order instruct advise recommend invite plead beg challenge "
        "affirm proclaim summarize explain interview discuss address spoke spoken quipped "
        "chatted"
    ),
    "belief": (
        "think believe want hope fear feel know see seem expect plan prefer worry like wish "
        "doubt suspect figure assume consider understand realize realise regard intend "
        "appear wonder trust imagine guess reckon presume anticipate need love hate "
        "dislike care saw seen knew known felt understood planned"
    ),
}
SPEECH_FAMILIES = ("say", "tell", "according to", "write", "deny", "accuse", "speech", "colon")
FAMILIES = (*SPEECH_FAMILIES, "belief", "other")


def _table() -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    words: dict[str, str] = {}
    pairs: dict[tuple[str, str], str] = {}
    for family, lemmas in _LEMMAS.items():
        for lemma in lemmas.split():
            if "_" in lemma:
                first, second = lemma.split("_")
                pairs[(first, second)] = family
                continue
            for form in forms(lemma):
                words.setdefault(form, family)
    return words, pairs


_WORDS, _PAIRS = _table()


def family(cue: str) -> str:
    """The family of a cue's text: its first word (or pair of words) that
    names one; a lone colon is a headline's or transcript's."""
    words = [w.strip(".,;:!?\u201c\u201d\"'") for w in cue.lower().split()]
    if not words or not any(words):
        return "colon" if ":" in cue else "other"
    for k, word in enumerate(words):
        if tuple(words[k : k + 2]) in _PAIRS:
            return _PAIRS[(words[k], words[k + 1])]
        if word in _WORDS:
            return _WORDS[word]
    return "other"


def is_speech(cue: str) -> bool:
    return family(cue) in SPEECH_FAMILIES
