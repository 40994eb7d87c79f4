"""The phrases of an attribution, found among a sentence's tokens: cues
(reporting verbs and source markers), the noun phrase of a speaker before or
after its cue, and what was said — a quotation, or the clause after or
before the cue."""

from __future__ import annotations

from dataclasses import dataclass

from tracker.extract import lexicon
from tracker.extract.segment import CLOSING, OPENING, OUTSIDE, Token

BOUNDARY = frozenset(",;:-()[]\u2013\u2014")  # en and em dashes
END = frozenset(".!?…")
MAX_SPEAKER = 12
MAX_ASIDES = 3


@dataclass
class Cue:
    first: int  # token indexes in the sentence, end exclusive
    last: int
    stance: str
    lemma: str
    marker: bool = False  # "according to", "as per"


def find_cues(tokens: list[Token]) -> list[Cue]:
    cues: list[Cue] = []
    words = [t for t in tokens if t.word and len(t.text) > 3]
    # "Trump Says He Is Unlikely To …": in a headline in title case a
    # capitalized cue is a verb.
    title = len(words) >= 3 and sum(t.capital for t in words) >= 0.8 * len(words)
    i = 0
    while i < len(tokens):
        found = _cue_at(tokens, i, bool(cues), title)
        if found is None:
            i += 1
            continue
        cues.append(found)
        i = found.last
        if found.marker:
            # "according to the Russian state media": a name, not a cue.
            i += len(speaker_after(tokens, i)) or 0
    return cues


def _cue_at(tokens: list[Token], i: int, after_cue: bool, title: bool = False) -> Cue | None:
    if tokens[i].quote != OUTSIDE or tokens[i].lower not in lexicon.FIRST_WORDS:
        return None
    words = [t.lower for t in tokens[i : i + 4]]
    if title and tokens[i].capital and i > 0 and (words[0],) in lexicon.CUES:
        verb = lexicon.CUES[(words[0],)]
        if words[0] not in lexicon.AMBIGUOUS and words[0] not in lexicon.NOUN_FORMS:
            return Cue(i, i + 1, verb.stance, verb.lemma)
    for marker in lexicon.SOURCE_MARKERS:
        if tuple(words[: len(marker)]) == marker:
            return Cue(i, i + len(marker), "asserts", " ".join(marker), marker=True)
    for passive in lexicon.PASSIVE_CUES:
        if tuple(words[: len(passive)]) == passive:
            return Cue(
                i, i + len(passive), "asserts", "tell" if passive[-1] == "telling" else "say"
            )
    for size in range(min(lexicon.LONGEST_CUE, len(words)), 0, -1):
        entry = lexicon.CUES.get(tuple(words[:size]))
        if entry is None:
            continue
        if size == 1 and not _verb_here(tokens, i, after_cue):
            return None
        return Cue(i, i + size, entry.stance, entry.lemma)
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
    if progressive(tokens, i):
        return True  # "Trump is telling a town hall …", "He's not saying what …"
    if before is not None and before.lower in lexicon.PASSIVE_BEFORE:
        return False
    if (
        before is not None
        and before.lower in lexicon.NEGATIONS
        and i > 1
        and tokens[i - 2].lower in lexicon.PASSIVE_BEFORE
    ):
        return False  # "Tyson was not asked to speak": a passive too
    if after is not None and after.lower in lexicon.NOT_AFTER_A_CUE:
        return False  # "a liberal think tank", "think twice"
    if (
        before is not None
        and before.text[:1].isdigit()
        and word.lower.endswith("ed")
        and after is not None
        and after.word
        and not after.capital
        and after.lower != "that"
    ):
        return False  # "758 pledged delegates": an adjective ("4 in 10 agreed that" a verb)
    if before is not None and before.lower in ("'s", "\u2019s"):
        return False  # "Trump's reported net worth", "his rival's repeated charges"
    if before is not None and before.lower == "to":
        # "an effort to maintain", "time to respond", "declined to say": an
        # infinitive; but "voters are more likely to say", "went on to say".
        return word.lower in lexicon.SAY_TO and i > 1 and tokens[i - 2].lower in ("likely", "on")
    if after is not None and after.lower in ("by", "of") and word.lower not in lexicon.SAY_OF:
        return False  # "a report by", "claims of"; but "he said of the claim"
    if (
        after is not None
        and (after.lower,) in lexicon.CUES
        and after.lower not in lexicon.NOUN_FORMS
        and after.lower not in lexicon.AMBIGUOUS
    ):
        return False  # "the blizzard of tweets said": the noun before the verb
    if word.lower in lexicon.INTRODUCING_ONLY:
        return (after is not None and (after.text == ":" or after.quote == OPENING)) or (
            before is not None
            and i > 1
            and tokens[i - 2].quote == CLOSING
            and (before.lower in lexicon.PRONOUNS or before.capital)
        )
    if word.lower.endswith("ing"):
        # ", saying …": a second statement of the same speaker, or an act of
        # the sentence's subject after one of another kind.
        return (
            before is not None
            and before.text == ","
            and (after_cue or word.lower in lexicon.SPEECH_ING)
            # ", adding to his victories": no statement follows.
            and not (after is not None and after.lower in ("to", *lexicon.PREPOSITIONS))
        )
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


def progressive(tokens: list[Token], i: int) -> bool:
    """ "is telling", "'s not saying", "are already claiming": a cue's -ing
    form after a form of "be"."""
    if not tokens[i].lower.endswith("ing"):
        return False
    k = i
    while k > 0 and tokens[k - 1].lower in lexicon.AUXILIARIES:
        k -= 1
    if k < 2 or tokens[k - 1].lower not in lexicon.BE_FORMS:
        return False
    if tokens[k - 1].lower in ("'s", "\u2019s") and tokens[k - 2].lower not in lexicon.PRONOUNS:
        return False  # "Trump's telling of a story": a possessive
    after = tokens[i + 1] if i + 1 < len(tokens) else None
    # "He is adding to his wins": no statement follows.
    return after is None or (after.lower != "to" and after.lower not in lexicon.PREPOSITIONS)


def speaker_before(tokens: list[Token], cue: Cue) -> list[Token]:
    """The noun phrase that ends where the cue's clause begins."""
    end = cue.first
    while end > 0 and tokens[end - 1].lower in lexicon.AUXILIARIES:
        end -= 1
    if progressive(tokens, cue.first):
        end -= 1  # "Trump is telling": the subject before "is"
        while end > 0 and tokens[end - 1].lower in lexicon.AUXILIARIES:
            end -= 1
    # "Putin, according to TASS, said", "Putin, 71, said" and "Marley
    # Anderson, 21, a junior from Las Vegas, said": the speaker is before the
    # asides. Each aside is tried from the outermost in: "In March, the
    # mayor, 71, said" has no speaker before "the mayor".
    ends = [end]
    comma = end - 1
    while (
        len(ends) <= MAX_ASIDES
        and comma > 0
        and tokens[comma].text == ","
        and tokens[comma].quote == OUTSIDE
    ):
        opening = comma - 1
        while opening > 0 and tokens[opening].text != "," and tokens[opening].quote == OUTSIDE:
            opening -= 1
        if not (
            opening > 0 and tokens[opening].text == "," and _an_aside(tokens[opening + 1 : comma])
        ):
            break
        ends.append(opening)
        comma = opening
    for candidate in reversed(ends[1:]):
        phrase = _phrase_ending(tokens, candidate)
        if phrase:
            return phrase
    return _phrase_ending(tokens, end)


def _phrase_ending(tokens: list[Token], end: int) -> list[Token]:
    """The noun phrase of a speaker that ends before token `end`."""
    if end and tokens[end - 1].lower in ("and", "or", "but"):
        return []  # "… and pledged": the subject is the first verb's
    start = end
    # No speaker is that long: the bound keeps a sentence of cues and no
    # boundary ("he said he said he said…") from being read back to its start
    # for every cue.
    while start > 0 and end - start < 4 * MAX_SPEAKER:
        token = tokens[start - 1]
        if token.quote != OUTSIDE or token.text in BOUNDARY or token.lower in lexicon.CLAUSE_WORDS:
            break
        if token.text in END:
            break
        start -= 1
    phrase = tokens[start:end]
    # A verb's word right before the cue is the subject's noun ("the blizzard
    # of tweets said"), not a cue of its own.
    inner = [k for k, t in enumerate(phrase[:-1]) if _a_verb_of_speech(t)]
    if inner:
        # "Kiedis said his band wrote": the speaker of the inner cue.
        phrase = phrase[inner[-1] + 1 :]
    if len(phrase) > 1 and phrase[-1].lower in lexicon.PRONOUNS:
        phrase = phrase[-1:]  # "told The Post she thinks": "she"
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
        head = speaker_before(tokens, Cue(start - 1, start, "", ""))
        if not head or (not head[0].capital and head[0].lower not in lexicon.DETERMINERS):
            break
        phrase = head + tokens[start - 1 : start] + phrase
        start = tokens.index(head[0])
    return phrase if _names_speaker(phrase) else []


def _an_aside(words: list[Token]) -> bool:
    """ "71", "the lawyer for Y", "who was there", "a senator from Vermont and
    self-described democratic socialist": what may stand between a speaker
    and the comma before its verb. A long one must start as a description
    or a relative clause does."""
    if not words:
        return False
    if len(words) <= MAX_SPEAKER:
        return True
    first = words[0].lower
    return len(words) <= 2 * MAX_SPEAKER and (
        first in lexicon.DETERMINERS or first in ("who", "whose") or first[:1].isdigit()
    )


def _a_verb_of_speech(token: Token) -> bool:
    word = token.lower
    return (
        not token.capital
        and (word,) in lexicon.CUES
        and word not in lexicon.AMBIGUOUS
        and word not in lexicon.NOUN_FORMS
        and not word.endswith("ing")
    )


def _is_list(tokens: list[Token], start: int, phrase: list[Token]) -> bool:
    return any(t.lower == "and" for t in phrase) and all(
        t.capital or t.lower == "and" for t in phrase
    )


def _names_speaker(phrase: list[Token]) -> bool:
    if not phrase or not any(t.word for t in phrase):
        return False
    if len(phrase) > 1 and (
        phrase[-1].lower in lexicon.DETERMINERS or phrase[-1].lower in lexicon.PREPOSITIONS
    ):
        return False  # "an outcrop in the disputed sea": no noun phrase ends so
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


def subject(tokens: list[Token], before: int) -> list[Token]:
    """The subject of the sentence's first clause, ending before token
    `before`: "The union filed a motion …, arguing": "The union"."""
    k = 0
    while k < before and tokens[k].lower in lexicon.LEADING:
        k += 1
    if k < before and tokens[k].lower in lexicon.PREPOSITIONS:
        # "On Monday, the union …": after the opening phrase.
        comma = next((j for j in range(k, before) if tokens[j].text == ","), None)
        if comma is None:
            return []
        k = comma + 1
    if k < before and tokens[k].lower in lexicon.PRONOUNS:
        return tokens[k : k + 1]
    end = k
    while end < min(before, k + MAX_SPEAKER):
        token = tokens[end]
        if token.quote != OUTSIDE or token.text in BOUNDARY or token.text in END:
            return []
        if not token.capital and (
            token.lower in lexicon.SUBJECT_ENDS or (token.lower.endswith("ed") and end > k)
        ):
            phrase = tokens[k:end]
            while len(phrase) > 1 and phrase[-1].lower in lexicon.AUXILIARIES:
                phrase = phrase[:-1]  # "North Korean state media also published …"
            return phrase if _names_speaker(phrase) else []
        end += 1
    return []


def speaker_after(tokens: list[Token], start: int) -> list[Token]:
    """`"…," said Putin`: the noun phrase after an inverted cue."""
    end = start
    while end < len(tokens) and tokens[end].quote == OUTSIDE and tokens[end].text not in BOUNDARY:
        if tokens[end].text in END:
            break
        end += 1
    phrase = tokens[start:end][:MAX_SPEAKER]
    if end - start > MAX_SPEAKER:
        # "according to early results of the exit poll conducted by … for
        # the …": a long source cut where a noun ends, not after "the".
        while len(phrase) > 1 and (
            phrase[-1].lower in lexicon.DETERMINERS
            or phrase[-1].lower in lexicon.PREPOSITIONS
            or phrase[-1].lower in ("of", "and", "or")
        ):
            phrase = phrase[:-1]
    return phrase if _names_speaker(phrase) else []


def quote_before(tokens: list[Token], at: int) -> list[Token] | None:
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


def content_after(
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
            tokens[j].quote == OUTSIDE and tokens[j].text not in BOUNDARY for j in range(k, that)
        )
    ):
        k = that + 1
    elif k < stop and tokens[k].lower in lexicon.WHEN_WORDS:
        # "said Thursday during a taping in Buffalo, New York, that …",
        # "said this week that …": when it was said, then what.
        later = next(
            (
                j
                for j in range(k + 1, min(stop, k + 2 * MAX_SPEAKER))
                if tokens[j].lower == "that" and tokens[j].quote == OUTSIDE
            ),
            None,
        )
        if later is not None and all(
            tokens[j].quote == OUTSIDE and tokens[j].text not in END for j in range(k, later)
        ):
            k = later + 1
    while k < stop and tokens[k].text in (":", ","):
        k += 1
    if lemma == "tell":
        # "told reporters (that) …": the audience is not what was said.
        audience = k
        while audience < min(stop, k + 4) and tokens[audience].quote == OUTSIDE:
            if tokens[audience].text in BOUNDARY or tokens[audience].lower == "that":
                break
            audience += 1
        if audience > k and audience < stop and tokens[audience].lower in ("that", ":", ","):
            k = audience + 1
        elif audience > k and all(t.lower in lexicon.AUDIENCE for t in tokens[k:audience]):
            k = audience
        else:
            # "told The Washington Post he was not there yet", "told me she
            # would": what was said starts at its subject's pronoun.
            for j in range(k + 1, min(stop, k + 6)):
                if tokens[j].quote != OUTSIDE or tokens[j].text in BOUNDARY:
                    break
                if tokens[j].lower in lexicon.SUBJECT_PRONOUNS and all(
                    t.capital or t.lower in lexicon.OBJECT_PRONOUNS or t.lower == "the"
                    for t in tokens[k:j]
                ):
                    k = j
                    break
    if lemma in lexicon.PLEDGE_TO and k < stop and tokens[k].lower == "to":
        k += 1  # "pledged to build": what is pledged is building
    end = stop
    while end > k and (tokens[end - 1].text in END or tokens[end - 1].text in ",;:"):
        end -= 1
    body = tokens[k:end]
    if not body:
        return None
    if body[0].quote == OPENING:
        closing = next((j for j, t in enumerate(body) if t.quote == CLOSING), None)
        rest = body[closing + 1 :] if closing is not None else []
        said = [t for t in rest if t.text not in END and t.text != ","]
        if closing is not None and (not said or said[0].lower in lexicon.PREPOSITIONS):
            # "yelled “You lie!” at the president during …": the quotation,
            # not where it was said.
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
        if token.text == "," and following.lower in lexicon.AFTERTHOUGHTS:
            return body[:k]  # "…, which votes on March 1", "…, although he …"
        if (
            token.lower in lexicon.BEFORE_AN_ACT
            and following.quote == OUTSIDE
            and following.lower.endswith("ing")
            and len(following.lower) > 4
        ):
            return body[:k]  # "… before claiming that …"
        if token.text == "(" and body[k - 1].text in END:
            return body[:k]  # "… within reach. (The chances of that are slim.)"
        if (
            token.lower == "on"
            and any(t.lower == "condition" for t in body[k + 1 : k + 3])
            and any(t.lower == "anonymity" for t in body[k + 2 : k + 5])
        ):
            return body[:k]  # "… only on the condition of anonymity because …"
        if (
            token.lower == "and"
            and following.quote == OUTSIDE
            and not following.capital
            and following.lower.endswith("ed")
            and len(following.lower) > 5
        ):
            return body[:k]  # "the issue of racism and highlighted her plans": a second act
        if (
            token.lower in ("at", "during")
            and following.lower in lexicon.DETERMINERS
            and any(t.lower in lexicon.OCCASIONS for t in body[k + 2 : k + 5])
        ):
            return body[:k]  # "praised the reporter at a press conference in …"
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


def clause_before(tokens: list[Token], at: int) -> list[Token]:
    """`…, X said`: the clause before the comma that precedes the speaker."""
    end = at
    if end == 0 or tokens[end - 1].text != ",":
        return []
    end -= 1
    clause = _without_dateline(tokens[:end])
    while clause and (clause[0].lower in lexicon.LEADING or clause[0].text == ","):
        clause = clause[1:]
    return clause


_DASHES = frozenset(("\u2014", "\u2013", "--", "-"))


def _without_dateline(clause: list[Token]) -> list[Token]:
    """ "CAMBRIDGE, Mass., Dec. 11 (UPI) — Young voters …": what was said
    starts after the dateline."""
    for k, token in enumerate(clause[: MAX_SPEAKER + 3]):
        if token.text in _DASHES and token.quote == OUTSIDE:
            head = clause[:k]
            if (
                head
                and all(t.capital or not t.word or t.text[:1].isdigit() for t in head)
                and any(t.text == "(" or t.text.isupper() for t in head)
            ):
                return clause[k + 1 :]
            return clause
    return clause
