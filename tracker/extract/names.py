"""A speaker phrase as a desk records it: the bare name, the titles and
descriptions around it, and the kind of actor the words say it is.

"Manhattan Supreme Court Justice Frank Nervo" is the name "Frank Nervo"
described as "Manhattan Supreme Court Justice"; "The White House" is a
government, "The New York Times" an organization, "family members of
victims" an unnamed source. General English news usage, no one article's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tracker.extract import lexicon


def words_of(text: str) -> frozenset[str]:
    """A word list written as one string: it reads better than 80 quoted items."""
    return frozenset(text.split())


# Words that stand before a name as its title, capitalised ("Justice Frank
# Nervo", "Sen. Ted Cruz"): they describe the person and are not the name.
TITLES = words_of(
    "president vice prime minister secretary justice judge senator sen sen. rep rep. "
    "representative gov gov. governor mayor speaker leader majority minority whip chief "
    "general gen gen. col col. colonel lt lt. lieutenant sgt sgt. sergeant adm adm. "
    "admiral commander ambassador attorney prosecutor director chairman chairwoman "
    "chair spokesman spokeswoman spokesperson dr dr. prof prof. professor sir dame lord "
    "lady king queen prince princess pope rev rev. reverend father sheikh inspector "
    "officer detective sheriff councilman councilwoman congressman congresswoman "
    "deputy assistant acting former foreign defense defence interior finance "
    "health justice state supreme district federal court house senate chancellor premier "
    "lawyer attorney-general ceo cfo founder executive commissioner superintendent "
    "widow widower actress actor star singer author writer strategist economist pollster "
    "activist candidate nominee host anchor comedian rapper designer coach player billionaire "
    "developer businessman businesswoman analyst columnist correspondent reporter editor "
    "publisher producer director filmmaker historian scholar pastor rabbi imam bishop "
    "cardinal surgeon physician nurse scientist researcher"
)
# Courtesy titles: dropped, not a description; they say whether "he" or "she" fits.
HONORIFICS = {"mr": "male", "mr.": "male", "mrs": "female", "mrs.": "female"} | {
    "ms": "female",
    "ms.": "female",
    "miss": "female",
}
# Nouns that say a person's sex, for the pronouns that can refer to them.
GENDERED = {
    **dict.fromkeys(
        words_of(
            "spokeswoman chairwoman congresswoman councilwoman businesswoman widow wife mother "
            "daughter sister queen princess lady dame actress grandmother aunt"
        ),
        "female",
    ),
    **dict.fromkeys(
        words_of(
            "spokesman chairman congressman councilman businessman widower husband father son "
            "brother king prince lord sir actor grandfather uncle"
        ),
        "male",
    ),
}
PRONOUN_GENDER = {"he": "male", "she": "female"}

# Words that make a phrase a government ("the Obama administration", "the
# White House") or another organization ("the State Department", "the
# New York Times"): DOMAIN.md's kinds.
GOVERNMENT_WORDS = words_of(
    "government administration cabinet kremlin regime junta republic kingdom emirates"
)
ORGANIZATION_WORDS = words_of(
    "ministry department agency office embassy court police army military navy council "
    "committee commission senate congress parliament assembly party campaign company "
    "corporation corp corp. inc inc. ltd ltd. llc bank university college school institute "
    "foundation association union federation league organization organisation group "
    "times post journal news press tribune herald gazette daily telegraph guardian "
    "network channel television radio magazine newspaper wire service bureau authority "
    "board fund club hospital church center centre coalition alliance"
)
# News agencies and broadcasters that are known by one word.
OUTLETS = words_of(
    "reuters afp ap tass yonhap xinhua bloomberg interfax kcna ria cnn bbc nbc abc cbs fox "
    "msnbc npr pbs politico axios aljazeera al-jazeera"
)
# What an unnamed source is called: "officials", "a source familiar with …",
# "family members of victims".
UNNAMED_HEADS = words_of(
    "official officials source sources person people member members diplomat diplomats "
    "analyst analysts expert experts resident residents witness witnesses aide aides "
    "adviser advisers advisor advisors insider insiders observer observers critic critics "
    "supporter supporters investigator investigators relative relatives family families "
    "victims lawmakers legislators staff employees workers activists protesters "
    "colleagues friends neighbours neighbors students parents researchers scientists "
    "doctors officers authorities"
)
# Nouns that head a description pointing back to someone named before
# ("the judge", "the ministry"), with the words that mean the same.
SYNONYMS: dict[str, frozenset[str]] = {
    word: group
    for group in (
        frozenset({"judge", "justice"}),
        frozenset({"lawyer", "attorney", "counsel"}),
        frozenset({"spokesman", "spokeswoman", "spokesperson"}),
        frozenset({"aide", "adviser", "advisor"}),
        frozenset({"country", "countries", "nation", "nations", "government", "governments"}),
        frozenset({"minister", "ministers"}),
        frozenset({"official", "officials"}),
        frozenset({"senator", "sen", "sen."}),
        frozenset({"newspaper", "paper", "times", "post", "journal"}),
        frozenset({"agency", "agencies"}),
    )
    for word in group
}
DESCRIPTION_HEADS = frozenset(
    lexicon.SPEAKER_NOUNS | set(SYNONYMS) | TITLES | UNNAMED_HEADS | GOVERNMENT_WORDS
)
# Capitalised words that are not names: nationalities, days, months.
NOT_NAMES = words_of(
    "american americans russian russians korean koreans north south east west chinese "
    "japanese ukrainian ukrainians british french german iranian israeli israelis "
    "palestinian european syrian turkish indian pakistani afghan iraqi saudi egyptian "
    "mexican canadian australian western eastern republican republicans democrat "
    "democrats democratic gop u.s. us un u.n. eu nato "
    "monday tuesday wednesday thursday friday saturday sunday january february march "
    "april june july august september october november december europe eurasia asia "
    "africa america americas pacific atlantic arctic middle photo file advertising"
)
# Places named by one word, never a speaker on their own: a mention of
# "Indiana" is not one more person "he" could be.
PLACES = words_of(
    "alabama alaska arizona arkansas california colorado connecticut delaware florida hawaii "
    "idaho illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts "
    "michigan minnesota mississippi missouri montana nebraska nevada ohio oklahoma oregon "
    "pennsylvania tennessee texas utah vermont wisconsin wyoming carolina dakota hampshire "
    "jersey mexico york manhattan brooklyn chicago boston philadelphia iowa modesto "
    "england scotland wales ireland canada australia india pakistan afghanistan iraq syria "
    "egypt libya yemen israel palestine gaza lebanon jordan turkey greece italy spain "
    "germany france poland ukraine russia china japan korea taiwan vietnam cuba venezuela "
    "brazil argentina nigeria kenya cairo paris london moscow beijing tokyo"
)
COUNTRIES = frozenset(c.lower() for c in lexicon.CAPITALS.values())
NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "both": 2}

_WORD = re.compile(r"[^\s]+")


@dataclass(frozen=True)
class Named:
    name: str | None  # the bare name, when the phrase ends with one
    description: str | None  # the words around it: a title, a description
    gender: str | None  # male or female, when a title or honorific says


def _bare(word: str) -> str:
    return word.lower().rstrip(",;:")


def is_name_word(word: str) -> bool:
    """A capitalised word that can be part of a person's name."""
    low = _bare(word)
    return (
        word[:1].isupper()
        and low not in TITLES
        and low not in HONORIFICS
        and low not in NOT_NAMES
        and low not in lexicon.FUNCTION_WORDS
        and low not in ORGANIZATION_WORDS
        and low not in GOVERNMENT_WORDS
        # "TASS", "SEOUL", "REUTERS/File": an acronym, a dateline, a credit
        and not (len(word) > 1 and word.isupper())
        and "/" not in word
    ) or bool(re.fullmatch(r"[A-Z]\.", word))


def split_name(phrase: str) -> Named:
    """The name a phrase ends with and what stands before it:
    "Trump lawyer Marc Kasowitz" -> "Marc Kasowitz", "Trump lawyer"."""
    # Quotation marks and dashes are no words of a name ("'' Ms. Compton").
    words = [w for w in _WORD.findall(phrase.strip()) if any(c.isalnum() for c in w)]
    while words and _bare(words[0]) in lexicon.DETERMINERS:
        words = words[1:]
    gender = next((GENDERED[_bare(w)] for w in words if _bare(w) in GENDERED), None)
    start = len(words)
    while start > 0 and is_name_word(words[start - 1]):
        start -= 1
    name_words = words[start:]
    # "Marc Kasowitz, the lawyer …": a name never ends a phrase in a
    # lower-case word; "Officials" opening a sentence is not a name.
    if not name_words or (len(name_words) == 1 and _bare(name_words[0]) in DESCRIPTION_HEADS):
        return Named(None, " ".join(words) or None, gender)
    before = words[:start]
    for word in reversed(before):
        if _bare(word) in HONORIFICS:
            gender = gender or HONORIFICS[_bare(word)]
    description = [w for w in before if _bare(w) not in HONORIFICS]
    return Named(" ".join(name_words), " ".join(description) or None, gender)


def kind_of(phrase: str, several: bool = False) -> str:
    """person, organization, government, group or unnamed, from the words."""
    words = [_bare(w) for w in _WORD.findall(phrase)]
    joined = " ".join(words)
    if "white house" in joined or "kremlin" in words:
        # "White House officials": officials of it, not it.
        return "unnamed" if words and words[-1] in UNNAMED_HEADS else "government"
    if several:
        return "group"
    named = split_name(phrase)
    if named.name is None:
        head = words[-1] if words else ""
        if head in OUTLETS or (phrase.strip().isupper() and len(phrase.strip()) > 1):
            return "organization"  # "TASS", "NATO"
        if head in GOVERNMENT_WORDS:
            return "government"
        if head in ORGANIZATION_WORDS or head in lexicon.MEDIA_WORDS:
            return "organization"
        return "unnamed"
    # A person's titles may name an institution ("Supreme Court Justice"):
    # only the name's own words say it is not a person.
    own = {_bare(w) for w in named.name.split()}
    if named.name.lower() in COUNTRIES:
        return "government"
    if own & OUTLETS or re.search(r"\.(?:com|org|net)$", named.name.lower()):
        return "organization"
    first = _WORD.findall(phrase.strip())[:1]
    if first and first[0].lower() == "the" and named.description is None:
        return "organization"  # "the Independent": people take no article
    return "person"


def definite(phrase: str) -> bool:
    """A description that points back to someone named before: "the judge",
    "The two countries", "the Russian ministry" (not "a source", not
    "officials", not a name: "the White House", "the Obama administration")."""
    words = phrase.split()
    return (
        bool(words)
        and words[0].lower() in ("the", "this", "that", "these", "those")
        and not any(is_name_word(w) for w in words[1:])
    )


def describes(word: str) -> bool:
    """A word that can stand in a description before a name: "Trump lawyer",
    "9/11 widow", "a Kremlin aide" (not the verb of "Judge keeps Trump")."""
    low = _bare(word)
    return word[:1].isupper() or low in DESCRIPTION_HEADS or any(c.isdigit() for c in word)


def head(phrase: str) -> str:
    words = [_bare(w) for w in _WORD.findall(phrase)]
    return words[-1] if words else ""


def institution(head_word: str) -> bool:
    """Whether a description's head names an institution ("the ministry",
    "the network", "the two countries") rather than people."""
    return (
        head_word in ORGANIZATION_WORDS
        or head_word in GOVERNMENT_WORDS
        or head_word in lexicon.MEDIA_WORDS
        or head_word in ("country", "countries", "nation", "nations", "network")
    )


def fits(head_word: str, words: set[str]) -> bool:
    """Whether a description's head noun fits a mention described by `words`."""
    return bool(SYNONYMS.get(head_word, frozenset({head_word})) & words)
