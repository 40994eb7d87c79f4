"""The words attribution is made of: reporting verbs and what they do,
the nouns that name a speaker, the markers of an intermediary.

General English news usage (the kind a style guide lists), not any one
article's phrasing. Verb forms are spelled out by `forms` so that no
lemmatizer (and no 100 MB lookup table) is needed for a closed list.
"""

from __future__ import annotations

import re
from typing import NamedTuple

STANCES = (
    "asserts",
    "hedges",
    "accuses",
    "denies",
    "disputes",
    "pledges",
    "condemns",
    "thanks",
)

# lemma -> stance. A lemma may be a phrase ("raise concern"): its first word
# inflects, the rest must follow as written.
_VERBS: dict[str, list[str]] = {
    "asserts": (
        "say add tell write state claim insist stress note explain announce declare report "
        "confirm argue reiterate repeat emphasize emphasise maintain assert affirm "
        "acknowledge admit reply respond comment observe remark mention predict warn "
        "tweet post analyse analyze describe conclude recall testify disclose "
        "reveal indicate boast complain concede contend continue ask lament assure "
        "recommend urge propose joke quip counter retort chant point_out call_for "
        "question call call_on discuss talk_about speak_about speak_of agree demand "
        "shout yell tout praise hail applaud welcome"
    ).split(),
    "hedges": (
        "believe think suspect fear speculate suggest estimate "
        "raise_concerns raise_concern express_concern express_concerns voice_concern "
        "voice_concerns"
    ).split(),
    "accuses": "accuse charge allege blame repeat_charges level_charges".split(),
    "denies": "deny reject dismiss refute dispute rebuff disavow contest".split(),
    "pledges": "vow pledge promise commit swear guarantee".split(),
    "condemns": "condemn denounce criticize criticise slam decry attack blast lambaste".split(),
    "thanks": "thank".split(),
}

_IRREGULAR = {
    "say": ("said", "says", "saying", "say"),
    "tell": ("told", "tells", "telling", "tell"),
    "write": ("wrote", "written", "writes", "writing", "write"),
    "think": ("thought", "thinks", "thinking", "think"),
    "swear": ("swore", "sworn", "swears", "swearing", "swear"),
    "admit": ("admitted", "admits", "admitting", "admit"),
    "commit": ("committed", "commits", "committing", "commit"),
    "level": ("levelled", "leveled", "levels", "levelling", "leveling", "level"),
    "slam": ("slammed", "slams", "slamming", "slam"),
    "testify": ("testified", "testifies", "testifying", "testify"),
    "speak": ("spoke", "spoken", "speaks", "speaking", "speak"),
}


def forms(lemma: str) -> tuple[str, ...]:
    if lemma in _IRREGULAR:
        return _IRREGULAR[lemma]
    if lemma.endswith("y") and lemma[-2] not in "aeiou":
        stem = lemma[:-1]
        return (lemma, stem + "ies", stem + "ied", lemma + "ing")
    if lemma.endswith("e"):
        return (lemma, lemma + "s", lemma + "d", lemma[:-1] + "ing")
    plural = lemma + ("es" if lemma.endswith(("s", "sh", "ch", "x", "z")) else "s")
    return (lemma, plural, lemma + "ed", lemma + "ing")


class Cue(NamedTuple):
    stance: str
    lemma: str


def _table() -> dict[tuple[str, ...], Cue]:
    table: dict[tuple[str, ...], Cue] = {}
    for stance, lemmas in _VERBS.items():
        for lemma in lemmas:
            head, *rest = lemma.split("_")
            for form in forms(head):
                table[(form, *rest)] = Cue(stance, head)
    return table


# ("said",) -> Cue("asserts", "say"), ("raised", "concerns") -> Cue("hedges", "raise")
CUES: dict[tuple[str, ...], Cue] = _table()
LONGEST_CUE = max(len(k) for k in CUES)

# Forms that are as often nouns ("the charges", "his claims", "a report"):
# a cue only right after a subject, never after a determiner or adjective.
AMBIGUOUS = frozenset(
    "charges claims reports pledges vows promises notes states comments remarks thanks "
    "posts estimates fears blames disputes warns charge claim report pledge vow promise "
    "note state comment remark post estimate fear blame dispute contest contests "
    # "the Paris attacks", "a program called …", "the DOJ's demand", "a call-in show"
    "attack attacks call calls called demand demands welcome hail praise threat "
    "question questions joke jokes suspect suspects".split()
)
# Forms that are nouns or adjectives far more often than verbs ("state
# media", "a report", "the charge"): verbs only before "that", ":" or a quote.
NOUN_FORMS = frozenset(
    "state report claim charge note comment post remark contest contests contested disputed "
    "attack attacks states".split()
)
FUNCTION_WORDS = frozenset(
    "the a an to in on at of for with by from as per and or but this that these those its "
    "his her their our it he she they we i you if when while after before during ahead "
    "earlier later last since meanwhile however".split()
)
# Verbs that report speech only where they introduce it ("She continued:
# “…”", "“…,” she continued"): elsewhere they are about anything ("the
# talks continued").
INTRODUCING_ONLY = frozenset("continue continues continued continuing".split())
# What a denial verb acts on when it is no statement but a decision: "Judge
# rejects request to unseal …", "the court dismissed the appeal".
ACT_NOUNS = frozenset(
    (
        "request requests appeal appeals motion motions bid bids offer offers proposal "
        "proposals plan plans application applications petition petitions lawsuit lawsuits "
        "suit suits case cases nomination nominations deal deals amendment amendments bill "
        "bills resolution resolutions invitation invitations demand demands settlement "
        "challenge challenges nominee nominees candidate candidates"
    ).split()
)
# What an assertion says of another's words when it disputes them: "They
# are 100 percent wrong", "the accusations are unfounded".
DISPUTE_WORDS = re.compile(
    r"(?i)\b(?:wrong|false|untrue|not true|unfounded|baseless|groundless|nonsense|"
    r"ridiculous|absurd|a lie|lies|lying|fake|fabricated|inaccurate|incorrect|"
    r"misleading|bogus|mistaken|totally false|no truth)\b"
)
# The medium of a statement, not part of it: "said in a letter".
MEDIUMS = frozenset(
    "letter statement interview article post speech briefing tweet address message "
    "op-ed column video broadcast".split()
)
# What is written or posted when no statement follows: "wrote a letter to …",
# "posted a message on Twitter".
WRITTEN = frozenset(
    (
        *MEDIUMS,
        *"message piece essay book memo note comment link photo picture image email "
        "editorial report letters messages posts tweets comments words".split(),
    )
)
WRITE_LEMMAS = frozenset("write post tweet".split())
# The passive and the participle: "a letter published", "as reported".
PASSIVE_BEFORE = frozenset("was were been being is are be".split())

# Markers of the one a statement came through, or of its speaker when no
# other cue names one: "according to TASS", "as per a report by Yonhap".
SOURCE_MARKERS: tuple[tuple[str, ...], ...] = (
    ("according", "to"),
    ("as", "per"),
    ("as", "quoted", "by"),
    ("as", "reported", "by"),
    ("quoting",),
    ("citing",),
)
# "was cited as telling reporters by the TASS news agency"
PASSIVE_CUES: tuple[tuple[str, ...], ...] = (
    ("was", "cited", "as", "telling"),
    ("was", "cited", "as", "saying"),
    ("was", "quoted", "as", "saying"),
    ("was", "quoted", "as", "telling"),
    ("were", "cited", "as", "saying"),
    ("were", "quoted", "as", "saying"),
)

# The words a cue or a marker can start with: most tokens are none of them.
FIRST_WORDS = frozenset(k[0] for k in (*CUES, *SOURCE_MARKERS, *PASSIVE_CUES))
# Words between a subject and its verb that belong to neither.
AUXILIARIES = frozenset(
    "has have had will would also again repeatedly previously earlier later then "
    "further reportedly publicly privately recently already once separately "
    "initially firmly strongly flatly angrily quickly swiftly both frequently sharply "
    "openly directly roundly harshly instead often still yet never not n't n\u2019t did does "
    "do".split()
)
# Of those, the words that negate a cue and belong to it: "did not mention".
NEGATIONS = frozenset("did does do not n't n\u2019t never".split())
# A cue negated that reports no statement: "did not respond to a request".
SILENT_WHEN_NEGATED = frozenset("respond reply comment return".split())
# What is claimed, boasted or maintained when it is no statement: "claimed
# a victory", "maintains a wide lead", "boasts a 45-point lead".
HELD_THINGS = frozenset(
    "victory victories win wins lead leads seat seats title percent delegates credit "
    "majority edge advantage nomination".split()
)
HOLDING_LEMMAS = frozenset("claim boast maintain".split())
# ", arguing that …" after a clause of the speaker's own: a second act of
# the sentence's subject ("The union sued on Monday, arguing that …").
SPEECH_ING = frozenset(
    "saying arguing adding noting insisting claiming warning explaining stressing "
    "contending suggesting asserting telling decrying denouncing criticizing criticising "
    "blasting attacking accusing blaming condemning rejecting denying dismissing "
    "praising urging warning calling".split()
)
# Verbs that end a sentence's subject: "The union filed …", "He went …".
SUBJECT_ENDS = frozenset(
    (
        "is are was were has have had will would can could did does do took made went gave "
        "came sent spoke met left held hit put set ran won lost led broke stood brought "
        "fought sought kept struck began drew threw knew saw told said wrote thought "
        "became rose fell took spent paid sold bought built"
    ).split()
)
# Of those, the adverbs that belong to a cue: "has strongly denied".
ADVERBS = frozenset("strongly flatly firmly angrily repeatedly publicly privately".split())
# Forms of "say" that take "of" or "about" before what is spoken of:
# "he said of the claim".
SAY_OF = frozenset("said says say".split())
# Words that make the cue word before them no verb of speech or thought:
# "a think tank", "think twice".
NOT_AFTER_A_CUE = frozenset("tank tanks twice".split())
# Forms that report speech after "to": "more likely to say", "went on to say".
SAY_TO = frozenset("say tell".split())
# "is telling", "'s not saying": the cue's progressive.
BE_FORMS = frozenset("is are was were am 's 're \u2019s \u2019re".split())
# When a statement was made, between its cue and a "that": "said Thursday
# during a taping … that", "said this week that".
WHEN_WORDS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday today yesterday tonight "
    "this last earlier later recently".split()
)
# After a comma, the words that begin the reporter's own addition to a
# statement, not more of it: "…, which votes on March 1", "…, although …".
AFTERTHOUGHTS = frozenset("which although though whereas whom however while compared".split())
# Before an -ing form, the words that start another act of the speaker's:
# "… before claiming that …" ("for", "after" and "while" were tried on the
# development corpus and cut more statements short than they mended).
BEFORE_AN_ACT = frozenset("before".split())
SUBJECT_PRONOUNS = frozenset("he she they we i it".split())
OBJECT_PRONOUNS = frozenset("me him her us them".split())
# The occasion of a statement: "at a press conference", "during a debate".
OCCASIONS = frozenset(
    "conference rally event debate hearing meeting interview briefing speech town forum "
    "dinner luncheon breakfast ceremony convention summit session appearance".split()
)
# Audiences and adjuncts between a cue and what was said.
AUDIENCE = frozenset("reporters journalists press lawmakers parliament supporters".split())
# "vowed to support": the statement is what follows the "to".
PLEDGE_TO = frozenset(("vow", "pledge", "promise", "swear", "commit"))

PRONOUNS = {"he": "person", "she": "person", "they": "plural", "it": "thing", "we": "plural"}
DETERMINERS = frozenset("the a an this that these those its his her their our".split())
# Nouns that can head a description of a speaker: "the minister", "a Kremlin aide".
SPEAKER_NOUNS = frozenset(
    (
        "president minister ministers spokesperson spokesman spokeswoman spokespeople aide "
        "aides adviser advisers advisor official officials leader leaders secretary "
        "ambassador diplomat diplomats envoy chancellor premier governor mayor senator "
        "lawmaker lawmakers general commander army military police ministry government "
        "administration office department agency media newspaper report reports statement "
        "sources source analysts analyst experts expert researchers observers kremlin "
        "white house council committee court prosecutors prosecutor investigators company "
        "spokesperson's chief head director chairman chair king queen prince emperor "
        "pope party campaign embassy authorities authority regime countries country "
        "foreign nations voters residents people critics supporters opponents democrats "
        "republicans members staff lawyers lawyer attorneys attorney witnesses activists "
        "protesters economists scientists historians doctors officers strategists "
        "operatives donors allies colleagues friends students workers americans poll polls "
        "survey surveys percent majority others spokesman's candidate candidates nominee "
        "aide's senators representatives congressman congresswoman delegates"
    ).split()
)
# Signs that a speaker is an outlet: "state news agency TASS", "the Russian state media".
MEDIA_WORDS = frozenset(
    "agency news media newspaper broadcaster outlet outlets wire television radio".split()
)

# Capitals stand for their governments (DOMAIN.md): the capital, then the
# country it stands for, whose name the actor list is searched for.
CAPITALS = {
    "moscow": "Russia",
    "kremlin": "Russia",
    "pyongyang": "North Korea",
    "seoul": "South Korea",
    "washington": "United States",
    "beijing": "China",
    "kyiv": "Ukraine",
    "kiev": "Ukraine",
    "tokyo": "Japan",
    "london": "United Kingdom",
    "paris": "France",
    "berlin": "Germany",
    "tehran": "Iran",
    "ankara": "Turkey",
    "jerusalem": "Israel",
    "brussels": "European Union",
    "minsk": "Belarus",
    "warsaw": "Poland",
    "new delhi": "India",
    "taipei": "Taiwan",
}

# Lower case only: "May" is also a month.
HEDGE_WORDS = re.compile(r"\b(?:may|might|could|possibly|perhaps|likely|probably)\b")

# Words of a proposition that mean the same in a denial and in what it
# denies: "arms transfers" answers "supplied ballistic missiles and munitions".
CONCEPTS: dict[str, list[str]] = {
    "weapons": (
        "arms weapon weapons missile missiles munition munitions ammunition shells "
        "artillery rockets drones equipment military materiel"
    ).split(),
    "transfer": (
        "transfer transfers transferred supply supplied supplying supplies deliver "
        "delivered deliveries delivery provide provided provision providing send sent "
        "ship shipped shipments shipment give gave export exported exports sell sold sales"
    ).split(),
    "attack": "attack attacked attacks strike strikes struck bomb bombed shelling".split(),
    "meeting": "meet meeting met talks summit visit visited".split(),
    "sanction": "sanction sanctions sanctioned restrictions embargo".split(),
}
CONCEPT_OF = {word: concept for concept, words in CONCEPTS.items() for word in words}

# Words that start a clause, open a sentence, or begin an adjunct.
CLAUSE_WORDS = frozenset(
    "that which who whom whose while as but because when after before if since although "
    "though where whereas whatever whoever whether what".split()
)
# The words before a speaker that make its cue a clause inside another's:
# "what Russia calls", "which he said", "that she denied".
INNER_CLAUSE = frozenset("what which that who whom whose".split())
LEADING = frozenset(
    "and but meanwhile however moreover also still yet so then separately earlier later "
    "instead".split()
)
PREPOSITIONS = frozenset(
    "in on at during after before for with ahead earlier last since from by under over "
    "despite amid following".split()
)

# Words before a colon that introduce no one's words.
NOT_SPEAKERS = frozenset(
    (
        "Note Update Updated Editor Editor's Editors Photo Photos Video Watch Read Related "
        "Source Sources Correction Breaking Exclusive Live Listen Opinion Analysis Review "
        "Transcript Warning Question Answer Q A Credit Image Caption Subscribe Follow "
        "Background Context Update Also See Here Today Tonight Yesterday Monday Tuesday "
        "Wednesday Thursday Friday Saturday Sunday January February March April May June "
        "July August September October November December The This That These It Why What "
        "How When Where Who Which"
    ).split()
)
