"""Attributed statements in a text: who said what, with which cue.

Rules over tokens, no trained model. A cue is a reporting verb ("said",
"denied", "raised concerns") or a source marker ("according to"); its speaker
is the noun phrase of its clause before it (or after it: `"…," said Putin`),
a pronoun, or the subject it shares with the cue before it ("He thanked …,
and vowed …"); what was said lies after the cue (`X said (that) …`, `X said:
"…"`, `X denied arms transfers`) or, when nothing follows, before it (`"…," X
said`, `…, X said`). An outlet reporting another attribution becomes its
intermediary (`via`); a quotation with no cue that follows a quoted
statement continues it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from tracker import dates
from tracker.extract import lexicon, phrases
from tracker.extract.segment import CLOSING, OPENING, OUTSIDE, Sentence, Token, sentences

if TYPE_CHECKING:
    from spacy.language import Language

_NAME_WORD = r"[A-Z][\w.'\u2019-]*"
# "Roger Stone: Don't trust the machines", "Matthews: Well, …": a name of
# one to four words in title case (not capitals: "WASHINGTON:"), then what
# was said, of three words or more.
_TITLE_WORD = r"[A-Z][a-z][\w.'\u2019-]*"
# A short acronym before a title-case word: "NY Post: …", "CNN President: …".
_ACRONYM = r"[A-Z]{2,4}"
_SPEAKER_FIRST = re.compile(
    rf"^(?P<speaker>(?:Mr\.|Mrs\.|Ms\.|Dr\.)?\s?"
    rf"(?:{_ACRONYM} {_TITLE_WORD}|{_TITLE_WORD})(?: {_TITLE_WORD}){{0,3}}"
    r"(?: camp| campaign| spokesman| spokeswoman)?)"
    r"(?P<cue>:)[ \t]+"
)
# A transcript's turn: "TAPPER: And obviously, …", "JAKE TAPPER: …". In
# capitals it is also a dateline ("WASHINGTON: …"): a turn only where the
# same name opens two lines or more.
_TURN = re.compile(
    r"^(?P<speaker>[A-Z][A-Z.'\u2019-]+(?: [A-Z][A-Z.'\u2019-]+){0,2})(?P<cue>:)[ \t]+"
)
_TURNS = re.compile(r"^([A-Z][A-Z.'\u2019-]+(?: [A-Z][A-Z.'\u2019-]+){0,2}):[ \t]", re.MULTILINE)

# Words that join a following cue's clause to a statement: "… and vowed",
# "… but argues", "… while Sanders suggests".
_JOINING = frozenset(("and", "but", "while", "whereas"))
# The cues after one that may end its statement: past these, it ends anyway.
_FOLLOWING = 8
# After a headline's last colon: "…: Putin". (Matched from that colon: a
# pattern finding it would try every colon and every space before it.)
_HEADLINE_SPEAKER = re.compile(rf"\s+(?P<speaker>{_NAME_WORD}(?: {_NAME_WORD}){{0,3}})\s*$")


@dataclass(frozen=True)
class TextSpan:
    start: int  # 0-based, end exclusive, into the source text
    end: int
    text: str


@dataclass(frozen=True)
class Attribution:
    speaker: TextSpan
    cue: TextSpan
    content: TextSpan
    type: str  # direct | paraphrase
    stance: str
    via: TextSpan | None
    sentence: int  # which sentence of the text: speakers resolve in order


def _span(text: str, tokens: list[Token]) -> TextSpan:
    start, end = tokens[0].start, tokens[-1].end
    return TextSpan(start, end, text[start:end])


def _trailer(tokens: list[Token], cues: list[phrases.Cue], index: int) -> int:
    """Where the statement of cue `index` ends: at the next cue's clause
    (", X reported", ", and vowed", ", according to")."""
    cue = cues[index]
    following_cues = cues[index + 1 : index + 1 + _FOLLOWING]
    for following in following_cues:
        k = following.first
        while k > cue.last and tokens[k - 1].lower in lexicon.AUXILIARIES:
            k -= 1
        j = k
        while (
            j > cue.last
            and tokens[j - 1].quote == OUTSIDE
            and tokens[j - 1].text not in phrases.BOUNDARY
        ):
            j -= 1
            if tokens[j].lower in _JOINING:
                break
        if j > cue.last and (tokens[j - 1].text in phrases.BOUNDARY or tokens[j].lower in _JOINING):
            return j - 1 if tokens[j - 1].text in phrases.BOUNDARY else j
        if following.marker:
            return following.first
    if len(following_cues) == _FOLLOWING:
        return following_cues[-1].first  # no sentence of news has so many
    return len(tokens)


def _stance(cue: phrases.Cue, content: str) -> str:
    if cue.stance == "asserts" and lexicon.DISPUTE_WORDS.search(content):
        return "disputes"  # "They are 100 percent wrong"
    if cue.stance == "asserts" and lexicon.HEDGE_WORDS.search(content):
        return "hedges"
    return cue.stance


def _an_act(cue: phrases.Cue, words: list[Token], kind: str) -> bool:
    """ "Judge rejects request to unseal …": a decision on a request, an
    appeal or a bid is an act reported, not a statement denied; "wrote a
    letter to …" reports a writing, not what it says."""
    if kind != "paraphrase":
        return False
    if cue.lemma in lexicon.HOLDING_LEMMAS and any(
        t.lower in lexicon.HELD_THINGS for t in words[:5]
    ):
        return True  # "claimed a victory", "maintains a wide lead"
    if cue.lemma in lexicon.WRITE_LEMMAS:
        # "wrote a six-page letter to …": what was written, not what it said.
        return any(t.lower in lexicon.WRITTEN for t in words[:6]) and not any(
            t.lower == "that" or t.text == ":" for t in words[:6]
        )
    if cue.stance != "denies":
        return False
    for token in words[:6]:
        if token.lower in ("that", "to", ",") or token.lower in lexicon.PREPOSITIONS:
            return False
        if token.lower in lexicon.ACT_NOUNS:
            return True
    return False


def _in_sentence(
    text: str,
    sentence: Sentence,
    number: int,
    previous: Attribution | None,
    before: Sentence | None = None,
) -> list[Attribution]:
    tokens = sentence.tokens
    position = {t.start: k for k, t in enumerate(tokens)}
    cues = phrases.find_cues(tokens)
    found: list[tuple[phrases.Cue, Attribution]] = []
    markers = [c for c in cues if c.marker]
    verbs = [c for c in cues if not c.marker]
    for index, cue in enumerate(cues):
        if cue.marker and verbs:
            continue
        speaker: list[Token] = []
        content: tuple[list[Token], str] | None = None
        stop = _trailer(tokens, cues, index)
        if cue.marker:
            speaker = phrases.speaker_after(tokens, cue.last)
            if not speaker:
                continue
            after = cue.last + len(speaker)
            # "According to early results of exit polls conducted for …, X":
            # the source may run past the words kept as its speaker.
            while (
                after < min(len(tokens), cue.last + 4 * phrases.MAX_SPEAKER)
                and tokens[after].quote == OUTSIDE
                and tokens[after].text not in phrases.BOUNDARY
                and tokens[after].text not in phrases.END
            ):
                after += 1
            # "…, according to a CNN tally, but …": a source after a comma
            # follows what it is the source of.
            after_comma = cue.first > 0 and tokens[cue.first - 1].text == ","
            if after < len(tokens) and tokens[after].text == "," and not after_comma:
                speaker = tokens[cue.last : after]
                content = phrases.content_after(tokens, after + 1, len(tokens))
            else:
                clause = phrases.clause_before(tokens, cue.first)
                content = (clause, "paraphrase") if clause else None
        else:
            if cue.first and tokens[cue.first - 1].lower == "to":
                # "Voters are more likely to say …", "The email goes on to say:"
                speaker = phrases.subject(tokens, cue.first)
            else:
                speaker = phrases.speaker_before(tokens, cue)
            main = _main_clause(tokens, position, found)
            if not speaker and main is not None and _joined(tokens, main[0], cue):
                speaker = _tokens_of(tokens, main[1].speaker)
            if (
                not speaker
                and found
                and cue.first
                and tokens[cue.first - 1].text == ","
                and tokens[cue.first].lower in lexicon.SPEECH_ING
                and found[-1][1].speaker.end <= found[-1][1].cue.start
            ):
                # "Albright urged women to vote, saying …": the subject of
                # the cue before.
                speaker = _tokens_of(tokens, found[-1][1].speaker)
            if (
                not speaker
                and not found
                and cue.first
                and (
                    (
                        tokens[cue.first - 1].text == ","
                        and tokens[cue.first].lower in lexicon.SPEECH_ING
                    )
                    # "Wilson praised Rubio's record and said …": the
                    # sentence's subject, after a verb of another kind.
                    or tokens[cue.first - 1].lower == "and"
                )
            ):
                speaker = phrases.subject(tokens, cue.first)
            inverted = False
            if not speaker and phrases.quote_before(tokens, cue.first):
                speaker, inverted = phrases.speaker_after(tokens, cue.last), True
            if not speaker:
                continue
            first = position[speaker[0].start]
            if inverted:
                quoted = phrases.quote_before(tokens, cue.first)
                content = (quoted, "direct") if quoted else None
            else:
                content = phrases.content_after(tokens, cue.last, stop, cue.lemma)
                if (
                    content is None
                    or _is_trailing(tokens, cue, stop)
                    or (
                        # “…,” he told a crowd in Ohio: the quotation, not
                        # the setting after the cue.
                        phrases.quote_before(tokens, first)
                        and not _introduces(tokens[cue.last : stop])
                    )
                ):
                    quoted = phrases.quote_before(tokens, first)
                    if quoted:
                        content = (quoted, "direct")
                    else:
                        clause = phrases.clause_before(tokens, first)
                        content = (clause, "paraphrase") if clause else None
                if content is None and first == 0:
                    content = _quoted_sentence(before, sentence)
        if content is None:
            continue
        words, kind = content
        if _an_act(cue, words, kind):
            continue
        span = _span(text, words)
        first = cue.first
        while first and tokens[first - 1].lower in lexicon.ADVERBS:
            first -= 1  # "has strongly denied": the cue with its adverbs
        negated = False
        if phrases.progressive(tokens, first):
            k = first
            while k > 1 and tokens[k - 1].lower in lexicon.AUXILIARIES:
                k -= 1
            negated = any(t.lower in lexicon.NEGATIONS for t in tokens[k:first])
            first = k - 1  # "is telling", "isn't saying": the cue with its "be"
        while first and tokens[first - 1].lower in lexicon.NEGATIONS:
            first -= 1  # "did not mention": the cue with its negation
            negated = True
        if negated and cue.lemma in lexicon.SILENT_WHEN_NEGATED:
            continue  # "did not respond to a request for comment": nothing said
        if first and tokens[first - 1].lower in ("has", "have", "had"):
            first -= 1  # "have denied": the cue with its auxiliary
        attribution = Attribution(
            speaker=_span(text, speaker),
            cue=_span(text, tokens[first : cue.last]),
            content=span,
            type=kind,
            stance=_stance(cue, span.text),
            via=_passive_agent(text, tokens, cue),
            sentence=number,
        )
        found.append((cue, attribution))
    found = _outlets_as_via(text, found)
    result = [a for _, a in found]
    if markers and verbs and result:
        marker = markers[-1]
        via = phrases.speaker_after(tokens, marker.last)
        if via:
            result = [a if a.via else replace(a, via=_span(text, via)) for a in result]
    if (
        not result
        and previous is not None
        and previous.type == "direct"
        and tokens[0].quote == OPENING
    ):
        continued = phrases.content_after(tokens, 0, len(tokens))
        if continued and continued[1] == "direct":
            span = _span(text, continued[0])
            result = [replace(previous, content=span, sentence=number, stance=previous.stance)]
    return result


def _quoted_sentence(before: Sentence | None, sentence: Sentence) -> tuple[list[Token], str] | None:
    """ "“… that are missing.” Trump said.": a sentence that is one
    quotation, right before a speaker and a cue with nothing else said, is
    what was said (the full stop inside the closing mark ended it)."""
    if before is None or before.paragraph != sentence.paragraph:
        return None
    inside = before.tokens[1:-1]
    if (
        len(before.tokens) < 3
        or before.tokens[0].quote != OPENING
        or before.tokens[-1].quote != CLOSING
        or any(t.quote in (OPENING, CLOSING) for t in inside)
    ):
        return None
    while inside and inside[-1].text in phrases.END:
        inside = inside[:-1]
    return (inside, "direct") if inside else None


def _passive_agent(text: str, tokens: list[Token], cue: phrases.Cue) -> TextSpan | None:
    """ "was cited as telling reporters by the TASS news agency": the one who
    cited is the intermediary."""
    if tokens[cue.first].lower not in lexicon.PASSIVE_BEFORE:
        return None
    k = cue.last
    while k < len(tokens) and tokens[k].lower in lexicon.AUDIENCE:
        k += 1
    if k < len(tokens) and tokens[k].lower == "by":
        agent = phrases.speaker_after(tokens, k + 1)
        return _span(text, agent) if agent else None
    return None


def _is_trailing(tokens: list[Token], cue: phrases.Cue, stop: int) -> bool:
    """Nothing said follows the cue: `…, X said.` or `…, X said, as per TASS`
    or `…, X said ahead of his visit`."""
    rest = [t for t in tokens[cue.last : stop] if t.text not in phrases.END]
    if cue.lemma == "tell":
        while rest and rest[0].lower in lexicon.AUDIENCE:
            rest = rest[1:]
    if not rest or _only_a_date(rest):
        return True  # ", X said Tuesday.": the day it was said, not what
    if (
        len(rest) > 1
        and rest[0].text == ","
        and rest[1].quote == OUTSIDE
        and rest[1].lower.endswith("ing")
        and rest[1].lower not in lexicon.SPEECH_ING
    ):
        return True  # "…,” Clinton said, referencing the period before …"
    return rest[0].lower in lexicon.PREPOSITIONS and not _introduces(rest)


def _introduces(rest: list[Token]) -> bool:
    """What follows a cue introduces what was said: "that", a colon or a
    quotation, before another verb's clause begins ("said, before
    clarifying that …" introduces nothing)."""
    for k, t in enumerate(rest):
        if t.lower == "that" or t.text == ":" or t.quote == OPENING:
            return True
        if k and t.quote == OUTSIDE and t.lower.endswith("ing") and len(t.lower) > 4:
            return False
    return False


_DATE_FIRST = frozenset((*dates.WEEKDAYS, "yesterday", "today", "tonight", "last", "this"))


def _only_a_date(rest: list[Token]) -> bool:
    if len(rest) > 3 or rest[0].lower not in _DATE_FIRST:
        return False  # most cues: no date read at all
    words = " ".join(t.text for t in rest)
    found = dates.mentions(words, None)
    return len(found) == 1 and found[0].start == 0 and found[0].end == len(words)


def _joined(tokens: list[Token], before: phrases.Cue, cue: phrases.Cue) -> bool:
    """ "He thanked …, and vowed …", "She likes it but argues …": the same
    subject, two verbs."""
    gap = [t.lower for t in tokens[before.last : cue.first]]
    # "She declared “What a night!” and said …": a quotation between.
    return bool(gap) and gap[-1] in ("and", "but") and tokens[cue.first - 1].quote == OUTSIDE


def _main_clause(
    tokens: list[Token], position: dict[int, int], found: list[tuple[phrases.Cue, Attribution]]
) -> tuple[phrases.Cue, Attribution] | None:
    """The last cue found whose speaker is no clause's inside: in "He
    thanked Kim for supporting what Russia calls …, and vowed …" the one
    who vowed is he, not Russia."""
    for cue, attribution in reversed(found):
        at = position.get(attribution.speaker.start, 0)
        if not at or tokens[at - 1].lower not in lexicon.INNER_CLAUSE:
            return cue, attribution
    return None


def _tokens_of(tokens: list[Token], span: TextSpan) -> list[Token]:
    return [t for t in tokens if t.start >= span.start and t.end <= span.end]


def _outlets_as_via(
    text: str, found: list[tuple[phrases.Cue, Attribution]]
) -> list[tuple[phrases.Cue, Attribution]]:
    """ ", state news agency TASS reported": an outlet reporting what another
    said is that statement's intermediary, not a speaker of its own."""
    kept: list[tuple[phrases.Cue, Attribution]] = []
    for cue, attribution in found:
        inner = [
            a
            for _, a in found
            if a is not attribution
            and (
                attribution.content.start <= a.cue.start < attribution.content.end
                or a.cue.end <= attribution.speaker.start
            )
        ]
        outlet = cue.lemma == "report" or any(
            w in lexicon.MEDIA_WORDS for w in attribution.speaker.text.lower().split()
        )
        if inner and outlet:
            continue
        kept.append((cue, attribution))
    for cue, attribution in found:
        if (cue, attribution) in kept:
            continue
        kept = [
            (
                c,
                replace(a, via=attribution.speaker)
                if a.via is None and a.cue.end <= attribution.speaker.start
                else a,
            )
            for c, a in kept
        ]
    return kept


def _headline(
    text: str, sentence: Sentence, number: int, turns: frozenset[str] = frozenset()
) -> Attribution | None:
    """ "Russia, N Korea to work together …: Putin", and at the start of a
    line "Lynch: No outside influence on the inquiry" (a headline) or
    "Matthews: Well, speculation is bad." (a transcript's turn)."""
    line = text[sentence.start : sentence.end]
    colon = line.rfind(":")
    content = line[:colon].rstrip() if colon >= 0 else ""
    match = _HEADLINE_SPEAKER.match(line, colon + 1) if len(content) >= 8 else None
    if match is not None and any(t.quote != OUTSIDE for t in sentence.tokens):
        match = None
    if match is None and (sentence.start == 0 or text[sentence.start - 1] == "\n"):
        return _speaker_first(line, sentence, number, turns)
    if match is None:
        return None
    at = sentence.start
    return Attribution(
        TextSpan(at + match.start("speaker"), at + match.end("speaker"), match.group("speaker")),
        TextSpan(at + colon, at + colon + 1, ":"),
        TextSpan(at, at + len(content), content),
        "paraphrase",
        _stance(phrases.Cue(0, 0, "asserts", ""), content),
        None,
        number,
    )


def _a_turn(text: str, sentence: Sentence, turns: frozenset[str]) -> bool:
    """ "FALLIN: I think he is trying …": a transcript's turn, whatever
    verbs it holds."""
    if not turns or (sentence.start and text[sentence.start - 1] != "\n"):
        return False
    turn = _TURN.match(text[sentence.start : sentence.end])
    return turn is not None and turn.group("speaker") in turns


def _a_titled_line(text: str, sentence: Sentence) -> bool:
    """A headline in title case at the start of its line."""
    if sentence.start and text[sentence.start - 1] != "\n":
        return False
    words = [t for t in sentence.tokens if t.word and len(t.text) > 3]
    return len(words) >= 3 and sum(t.capital for t in words) >= 0.8 * len(words)


def _speaker_first(
    line: str, sentence: Sentence, number: int, turns: frozenset[str] = frozenset()
) -> Attribution | None:
    """ "Lynch: No outside influence …" at the start of a line, and a
    transcript's "TAPPER: …" where `turns` holds the name."""
    match = _SPEAKER_FIRST.match(line)
    if match is None:
        turn = _TURN.match(line)
        match = turn if turn is not None and turn.group("speaker") in turns else None
    if match is None or match.group("speaker").split()[0] in lexicon.NOT_SPEAKERS:
        return None
    # What was said, without the full stop: cut here, not by a pattern
    # (a run of stops and spaces would make one backtrack).
    said = line[match.end() :].rstrip(". \t")
    if len(said.split(maxsplit=3)) < 3:
        return None
    at = sentence.start
    return Attribution(
        TextSpan(at + match.start("speaker"), at + match.end("speaker"), match.group("speaker")),
        TextSpan(at + match.start("cue"), at + match.end("cue"), ":"),
        TextSpan(at + match.end(), at + match.end() + len(said), said),
        "paraphrase",
        _stance(phrases.Cue(0, 0, "asserts", ""), said),
        None,
        number,
    )


def attributions(nlp: Language, text: str) -> list[Attribution]:
    """Every attributed statement found in `text`, in text order."""
    found: list[Attribution] = []
    previous: Attribution | None = None
    names = [m.group(1) for m in _TURNS.finditer(text)]
    # A name opening two lines makes the text a transcript, and each name in
    # capitals before a colon at a line's start one of its speakers.
    turns = frozenset(names) if len(set(names)) < len(names) else frozenset()
    before: Sentence | None = None
    for number, sentence in enumerate(sentences(nlp, text)):
        these = _in_sentence(text, sentence, number, previous, before)
        before = sentence
        if these and (_a_titled_line(text, sentence) or _a_turn(text, sentence, turns)):
            # "Obama: I'm Optimistic Americans Will Say No to Trump": the
            # headline's speaker, not a verb of its title.
            line = text[sentence.start : sentence.end]
            first = _speaker_first(line, sentence, number, turns)
            these = [first] if first else these
        if not these:
            headline = _headline(text, sentence, number, turns)
            these = [headline] if headline else []
        found += these
        previous = these[-1] if these else None
    return found
