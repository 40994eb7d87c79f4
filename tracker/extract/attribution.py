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

from tracker.extract import lexicon
from tracker.extract.segment import CLOSING, OPENING, OUTSIDE, Sentence, Token, sentences

if TYPE_CHECKING:
    from spacy.language import Language

_BOUNDARY = frozenset(",;:-()[]\u2013\u2014")  # en and em dashes
_END = frozenset(".!?…")
MAX_SPEAKER = 12
_NAME_WORD = r"[A-Z][\w.'\u2019-]*"
_HEADLINE = re.compile(
    rf"^(?P<content>.{{8,}}?)\s*(?P<cue>:)\s+(?P<speaker>{_NAME_WORD}(?: {_NAME_WORD}){{0,3}})\s*$"
)


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


@dataclass
class _Cue:
    first: int  # token indexes in the sentence, end exclusive
    last: int
    stance: str
    lemma: str
    marker: bool = False  # "according to", "as per"


def _span(text: str, tokens: list[Token]) -> TextSpan:
    start, end = tokens[0].start, tokens[-1].end
    return TextSpan(start, end, text[start:end])


def _find_cues(tokens: list[Token]) -> list[_Cue]:
    cues: list[_Cue] = []
    i = 0
    while i < len(tokens):
        found = _cue_at(tokens, i, bool(cues))
        if found is None:
            i += 1
            continue
        cues.append(found)
        i = found.last
        if found.marker:
            # "according to the Russian state media": a name, not a cue.
            i += len(_speaker_after(tokens, i)) or 0
    return cues


def _cue_at(tokens: list[Token], i: int, after_cue: bool) -> _Cue | None:
    if tokens[i].quote != OUTSIDE or tokens[i].lower not in lexicon.FIRST_WORDS:
        return None
    words = [t.lower for t in tokens[i : i + 4]]
    for marker in lexicon.SOURCE_MARKERS:
        if tuple(words[: len(marker)]) == marker:
            return _Cue(i, i + len(marker), "asserts", " ".join(marker), marker=True)
    for passive in lexicon.PASSIVE_CUES:
        if tuple(words[: len(passive)]) == passive:
            return _Cue(
                i, i + len(passive), "asserts", "tell" if passive[-1] == "telling" else "say"
            )
    for size in range(min(lexicon.LONGEST_CUE, len(words)), 0, -1):
        entry = lexicon.CUES.get(tuple(words[:size]))
        if entry is None:
            continue
        if size == 1 and not _verb_here(tokens, i, after_cue):
            return None
        return _Cue(i, i + size, entry.stance, entry.lemma)
    return None


def _verb_here(tokens: list[Token], i: int, after_cue: bool) -> bool:
    """Whether a cue word is a verb with a speaker here, not a noun ("the
    charges"), a participle ("a letter published by"), a passive ("was
    reported") or a capitalized word of a name or title."""
    word = tokens[i]
    before = tokens[i - 1] if i else None
    after = tokens[i + 1] if i + 1 < len(tokens) else None
    if word.capital and i > 0:
        return False
    if before is not None and before.lower in lexicon.PASSIVE_BEFORE:
        return False
    if after is not None and after.lower in ("by", "of"):
        return False
    if word.lower.endswith("ing"):
        # ", saying …": a second statement of the same speaker.
        return after_cue and before is not None and before.text == ","
    if word.lower in lexicon.NOUN_FORMS:
        # "state media", "a report": a verb only before what it introduces.
        subject = before is not None and (
            before.lower in lexicon.PRONOUNS
            or (before.capital and i > 1)
            or before.lower in lexicon.SPEAKER_NOUNS
        )
        introduces = after is not None and (
            after.lower == "that" or after.text == ":" or after.quote == OPENING
        )
        return subject and introduces
    if word.lower in lexicon.AMBIGUOUS:
        return before is not None and (
            before.capital
            or before.lower in lexicon.PRONOUNS
            or before.lower in lexicon.SPEAKER_NOUNS
            or before.lower in lexicon.AUXILIARIES
        )
    return True


def _speaker_before(tokens: list[Token], cue: _Cue) -> list[Token]:
    """The noun phrase that ends where the cue's clause begins."""
    end = cue.first
    while end > 0 and tokens[end - 1].lower in lexicon.AUXILIARIES:
        end -= 1
    if end > 1 and tokens[end - 1].text == "," and tokens[end - 1].quote == OUTSIDE:
        # "Putin, according to TASS, said" and "Putin, 71, said": the
        # speaker is before the aside.
        opening = end - 2
        while opening > 0 and tokens[opening].text != "," and tokens[opening].quote == OUTSIDE:
            opening -= 1
        if opening > 0 and tokens[opening].text == "," and end - opening <= MAX_SPEAKER:
            end = opening
    if end and tokens[end - 1].lower in ("and", "or", "but"):
        return []  # "… and pledged": the subject is the first verb's
    start = end
    while start > 0:
        token = tokens[start - 1]
        if token.quote != OUTSIDE or token.text in _BOUNDARY or token.lower in lexicon.CLAUSE_WORDS:
            break
        if token.text in _END:
            break
        start -= 1
    phrase = tokens[start:end]
    while phrase and phrase[0].lower in lexicon.LEADING:
        phrase = phrase[1:]
    if phrase and phrase[0].lower in lexicon.PREPOSITIONS:
        # "Earlier this week Putin said": the speaker starts at the name.
        names = [k for k, t in enumerate(phrase) if k and t.capital and not phrase[k - 1].capital]
        phrase = phrase[names[-1] :] if names else []
    if len(phrase) > MAX_SPEAKER:
        phrase = phrase[-MAX_SPEAKER:]
    # "the United States, Japan and South Korea condemned": a list of names.
    while (
        phrase and start > 1 and tokens[start - 1].text == "," and _is_list(tokens, start, phrase)
    ):
        head = _speaker_before(tokens, _Cue(start - 1, start, "", ""))
        if not head or (not head[0].capital and head[0].lower not in lexicon.DETERMINERS):
            break
        phrase = head + tokens[start - 1 : start] + phrase
        start = tokens.index(head[0])
    return phrase if _names_speaker(phrase) else []


def _is_list(tokens: list[Token], start: int, phrase: list[Token]) -> bool:
    return any(t.lower == "and" for t in phrase) and all(
        t.capital or t.lower == "and" for t in phrase
    )


def _names_speaker(phrase: list[Token]) -> bool:
    if not phrase or not any(t.word for t in phrase):
        return False
    if len(phrase) == 1 and phrase[0].lower in lexicon.PRONOUNS:
        return True
    if phrase[0].lower == "to":
        return False  # "To report comments …": an infinitive
    if phrase[0].lower in lexicon.DETERMINERS and 1 < len(phrase) <= 5:
        return True  # "The engineer said": a noun phrase in subject place
    return any(
        (t.capital and t.lower not in lexicon.FUNCTION_WORDS) or t.lower in lexicon.SPEAKER_NOUNS
        for t in phrase
    )


def _speaker_after(tokens: list[Token], start: int) -> list[Token]:
    """`"…," said Putin`: the noun phrase after an inverted cue."""
    end = start
    while end < len(tokens) and tokens[end].quote == OUTSIDE and tokens[end].text not in _BOUNDARY:
        if tokens[end].text in _END:
            break
        end += 1
    phrase = tokens[start:end][:MAX_SPEAKER]
    return phrase if _names_speaker(phrase) else []


def _quote_before(tokens: list[Token], at: int) -> list[Token] | None:
    """The quotation that ends just before token `at` (a comma between)."""
    k = at - 1
    if k >= 0 and tokens[k].text == "," and tokens[k].quote == OUTSIDE:
        k -= 1
    if k < 0 or tokens[k].quote != CLOSING:
        return None
    opening = k
    while opening > 0 and tokens[opening].quote != OPENING:
        opening -= 1
    return _inside(tokens[opening + 1 : k])


def _inside(tokens: list[Token]) -> list[Token] | None:
    """A quotation's words without a trailing comma (the reporter's lead-in
    to the attribution)."""
    while tokens and tokens[-1].text == ",":
        tokens = tokens[:-1]
    return tokens or None


def _content_after(
    tokens: list[Token], start: int, stop: int, lemma: str = ""
) -> tuple[list[Token], str] | None:
    """What was said, from token `start` to `stop`: (tokens, type)."""
    k = start
    # Audience and adjuncts before the statement: "told reporters that",
    # "said in a joint statement at the time that", "said:".
    that = next(
        (
            j
            for j in range(k, min(stop, k + 12))
            if tokens[j].lower == "that" and tokens[j].quote == OUTSIDE
        ),
        None,
    )
    adjunct = that is not None and (
        that == k or tokens[k].lower in lexicon.PREPOSITIONS or lemma in ("tell", "repeat")
    )
    if (
        that is not None
        and adjunct
        and all(
            tokens[j].quote == OUTSIDE and tokens[j].text not in _BOUNDARY for j in range(k, that)
        )
    ):
        k = that + 1
    while k < stop and tokens[k].text in (":", ","):
        k += 1
    if lemma == "tell":
        # "told reporters (that) …": the audience is not what was said.
        audience = k
        while audience < min(stop, k + 4) and tokens[audience].quote == OUTSIDE:
            if tokens[audience].text in _BOUNDARY or tokens[audience].lower == "that":
                break
            audience += 1
        if audience > k and audience < stop and tokens[audience].lower in ("that", ":", ","):
            k = audience + 1
        elif audience > k and all(t.lower in lexicon.AUDIENCE for t in tokens[k:audience]):
            k = audience
    if lemma in lexicon.PLEDGE_TO and k < stop and tokens[k].lower == "to":
        k += 1  # "pledged to build": what is pledged is building
    end = stop
    while end > k and (tokens[end - 1].text in _END or tokens[end - 1].text in ",;:"):
        end -= 1
    body = tokens[k:end]
    if not body:
        return None
    if body[0].quote == OPENING:
        closing = next((j for j, t in enumerate(body) if t.quote == CLOSING), None)
        rest = body[closing + 1 :] if closing is not None else []
        if closing is not None and not [t for t in rest if t.text not in _END and t.text != ","]:
            quoted = _inside(body[1:closing])
            return (quoted, "direct") if quoted else None
    body = _without_setting(body)
    while len(body) > 1 and body[-1].quote == CLOSING and body[-2].text in (",", ".", "!", "?"):
        body = body[:-2]  # "…trust,”": the mark and the stop belong to the sentence
    return (body, "paraphrase") if body else None


def _without_setting(body: list[Token]) -> list[Token]:
    """What was said, without where and how it was said: "… in a letter
    published …", "…, seeking support …"."""
    for k in range(1, len(body) - 1):
        token, following = body[k], body[k + 1]
        if token.quote != OUTSIDE:
            continue
        if token.text == "," and following.lower.endswith("ing") and following.quote == OUTSIDE:
            return body[:k]
        if (
            token.lower == "in"
            and following.lower in lexicon.DETERMINERS
            and k + 2 < len(body)
            and body[k + 2].lower in lexicon.MEDIUMS
        ):
            return body[:k]
        if token.lower in ("as", "while") and following.lower in lexicon.PRONOUNS:
            return body[:k]
    return body


def _trailer(tokens: list[Token], cues: list[_Cue], index: int) -> int:
    """Where the statement of cue `index` ends: at the next cue's clause
    (", X reported", ", and vowed", ", according to")."""
    cue = cues[index]
    for following in cues[index + 1 :]:
        k = following.first
        while k > cue.last and tokens[k - 1].lower in lexicon.AUXILIARIES:
            k -= 1
        j = k
        while (
            j > cue.last and tokens[j - 1].quote == OUTSIDE and tokens[j - 1].text not in _BOUNDARY
        ):
            j -= 1
            if tokens[j].lower == "and":
                break
        if j > cue.last and (tokens[j - 1].text in _BOUNDARY or tokens[j].lower == "and"):
            return j - 1 if tokens[j - 1].text in _BOUNDARY else j
        if following.marker:
            return following.first
    return len(tokens)


def _stance(cue: _Cue, content: str) -> str:
    if cue.stance == "asserts" and lexicon.HEDGE_WORDS.search(content):
        return "hedges"
    return cue.stance


def _in_sentence(
    text: str, sentence: Sentence, number: int, previous: Attribution | None
) -> list[Attribution]:
    tokens = sentence.tokens
    cues = _find_cues(tokens)
    found: list[tuple[_Cue, Attribution]] = []
    markers = [c for c in cues if c.marker]
    verbs = [c for c in cues if not c.marker]
    for index, cue in enumerate(cues):
        if cue.marker and verbs:
            continue
        speaker: list[Token] = []
        content: tuple[list[Token], str] | None = None
        stop = _trailer(tokens, cues, index)
        if cue.marker:
            speaker = _speaker_after(tokens, cue.last)
            if not speaker:
                continue
            after = cue.last + len(speaker)
            if after < len(tokens) and tokens[after].text == ",":
                content = _content_after(tokens, after + 1, len(tokens))
            else:
                clause = _clause_before(tokens, cue.first)
                content = (clause, "paraphrase") if clause else None
        else:
            speaker = _speaker_before(tokens, cue)
            if not speaker and found and _joined(tokens, found[-1][0], cue):
                speaker = _tokens_of(tokens, found[-1][1].speaker)
            inverted = False
            if not speaker and _quote_before(tokens, cue.first):
                speaker, inverted = _speaker_after(tokens, cue.last), True
            if not speaker:
                continue
            first = tokens.index(speaker[0])
            if inverted:
                quoted = _quote_before(tokens, cue.first)
                content = (quoted, "direct") if quoted else None
            else:
                content = _content_after(tokens, cue.last, stop, cue.lemma)
                if content is None or _is_trailing(tokens, cue, stop):
                    quoted = _quote_before(tokens, first)
                    if quoted:
                        content = (quoted, "direct")
                    else:
                        clause = _clause_before(tokens, first)
                        content = (clause, "paraphrase") if clause else None
        if content is None:
            continue
        words, kind = content
        span = _span(text, words)
        first = cue.first
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
        via = _speaker_after(tokens, marker.last)
        if via:
            result = [a if a.via else replace(a, via=_span(text, via)) for a in result]
    if (
        not result
        and previous is not None
        and previous.type == "direct"
        and tokens[0].quote == OPENING
    ):
        continued = _content_after(tokens, 0, len(tokens))
        if continued and continued[1] == "direct":
            span = _span(text, continued[0])
            result = [replace(previous, content=span, sentence=number, stance=previous.stance)]
    return result


def _passive_agent(text: str, tokens: list[Token], cue: _Cue) -> TextSpan | None:
    """ "was cited as telling reporters by the TASS news agency": the one who
    cited is the intermediary."""
    if tokens[cue.first].lower not in lexicon.PASSIVE_BEFORE:
        return None
    k = cue.last
    while k < len(tokens) and tokens[k].lower in lexicon.AUDIENCE:
        k += 1
    if k < len(tokens) and tokens[k].lower == "by":
        agent = _speaker_after(tokens, k + 1)
        return _span(text, agent) if agent else None
    return None


def _is_trailing(tokens: list[Token], cue: _Cue, stop: int) -> bool:
    """Nothing said follows the cue: `…, X said.` or `…, X said, as per TASS`
    or `…, X said ahead of his visit`."""
    rest = [t for t in tokens[cue.last : stop] if t.text not in _END]
    if cue.lemma == "tell":
        while rest and rest[0].lower in lexicon.AUDIENCE:
            rest = rest[1:]
    if not rest:
        return True
    introduces = any(t.lower == "that" or t.text == ":" or t.quote == OPENING for t in rest)
    return rest[0].lower in lexicon.PREPOSITIONS and not introduces


def _clause_before(tokens: list[Token], at: int) -> list[Token]:
    """`…, X said`: the clause before the comma that precedes the speaker."""
    end = at
    if end == 0 or tokens[end - 1].text != ",":
        return []
    end -= 1
    clause = tokens[:end]
    while clause and (clause[0].lower in lexicon.LEADING or clause[0].text == ","):
        clause = clause[1:]
    return clause


def _joined(tokens: list[Token], before: _Cue, cue: _Cue) -> bool:
    """ "He thanked …, and vowed …": the same subject, two verbs."""
    gap = [t.lower for t in tokens[before.last : cue.first]]
    return (
        bool(gap)
        and gap[-1] == "and"
        and all(t.quote == OUTSIDE for t in tokens[before.last : cue.first])
    )


def _tokens_of(tokens: list[Token], span: TextSpan) -> list[Token]:
    return [t for t in tokens if t.start >= span.start and t.end <= span.end]


def _outlets_as_via(
    text: str, found: list[tuple[_Cue, Attribution]]
) -> list[tuple[_Cue, Attribution]]:
    """ ", state news agency TASS reported": an outlet reporting what another
    said is that statement's intermediary, not a speaker of its own."""
    kept: list[tuple[_Cue, Attribution]] = []
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


def _headline(text: str, sentence: Sentence, number: int) -> Attribution | None:
    """ "Russia, N Korea to work together …: Putin"."""
    line = text[sentence.start : sentence.end]
    match = _HEADLINE.match(line)
    if match is None or any(t.quote != OUTSIDE for t in sentence.tokens):
        return None

    def span(group: str) -> TextSpan:
        return TextSpan(
            sentence.start + match.start(group),
            sentence.start + match.end(group),
            match.group(group),
        )

    content = span("content")
    return Attribution(
        span("speaker"),
        span("cue"),
        content,
        "paraphrase",
        _stance(_Cue(0, 0, "asserts", ""), content.text),
        None,
        number,
    )


def attributions(nlp: Language, text: str) -> list[Attribution]:
    """Every attributed statement found in `text`, in text order."""
    found: list[Attribution] = []
    previous: Attribution | None = None
    for number, sentence in enumerate(sentences(nlp, text)):
        these = _in_sentence(text, sentence, number, previous)
        if not these:
            headline = _headline(text, sentence, number)
            these = [headline] if headline else []
        found += these
        previous = these[-1] if these else None
    return found
