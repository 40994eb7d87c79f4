"""Forms of attribution news uses, learnt from the development corpus and
tested here on invented sentences (issue 16)."""

from __future__ import annotations

import pytest

from tracker.extract.attribution import Attribution, attributions
from tracker.extract.propose import pipeline


def _found(text: str) -> list[tuple[str, str, str, str]]:
    return [_row(a) for a in attributions(pipeline(), text)]


def _row(a: Attribution) -> tuple[str, str, str, str]:
    return (a.speaker.text, a.cue.text, a.stance, a.content.text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The governor has strongly denied any involvement in the scheme.",
            ("The governor", "has strongly denied", "denies", "any involvement in the scheme"),
        ),
        (
            "Lawyers for the company contended that the fees were lawful.",
            ("Lawyers for the company", "contended", "asserts", "the fees were lawful"),
        ),
        (
            "Dana Whitfield, the lawyer for the Marsh family, said no decision had been made.",
            ("Dana Whitfield", "said", "asserts", "no decision had been made"),
        ),
        (
            "The union filed a motion on Monday, arguing that the contract had expired.",
            ("The union", "arguing", "asserts", "the contract had expired"),
        ),
        (
            "On Friday, the mayor signed the order, adding that more would follow.",
            ("the mayor", "adding", "asserts", "more would follow"),
        ),
        (
            "He lashed out at the board, saying the audit was overdue.",
            ("He", "saying", "asserts", "the audit was overdue"),
        ),
    ],
)
def test_forms(text: str, expected: tuple[str, str, str, str]) -> None:
    assert _found(text) == [expected]


def test_she_continued_introduces_a_quotation() -> None:
    text = (
        "\u201cWe will appeal,\u201d Ms. Harlow said. "
        "She continued: \u201cThe ruling ignores the evidence.\u201d"
    )
    assert _found(text)[1][:2] == ("She", "continued")
    assert _found(text)[1][3].startswith("The ruling ignores the evidence")
    assert _found("\u201cWe will appeal,\u201d she continued.") == [
        ("she", "continued", "asserts", "We will appeal")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "The talks continued for hours.",
        "Prices continued to rise in March.",
        "Protesters marched through the city, chanting slogans.",
    ],
)
def test_continue_and_a_participle_elsewhere_are_no_cue(text: str) -> None:
    assert _found(text) == []


@pytest.mark.parametrize(
    ("text", "content"),
    [
        (
            "\u201cThey are 100 percent wrong,\u201d said Ella Strand, whose brother died.",
            "They are 100 percent wrong",
        ),
        ("Local officials say the accusations are unfounded.", "the accusations are unfounded"),
        ("The company said the report was false.", "the report was false"),
    ],
)
def test_calling_what_was_said_wrong_is_a_dispute(text: str, content: str) -> None:
    [(_, _, stance, found)] = _found(text)
    assert (stance, found) == ("disputes", content)


def test_a_plain_assertion_is_no_dispute() -> None:
    [(_, _, stance, _)] = _found("The mayor said the bridge would reopen in May.")
    assert stance == "asserts"


@pytest.mark.parametrize(
    "text",
    [
        "Judge rejects Daily Ledger request to unseal mayor's tax records",
        "The court dismissed the appeal on Tuesday.",
        "The council rejected the developer's bid for the site.",
    ],
)
def test_rejecting_a_request_is_an_act_not_a_denial(text: str) -> None:
    assert _found(text) == []


def test_rejecting_claims_is_still_a_denial() -> None:
    assert _found("The senator rejected claims that she had misused funds.") == [
        ("The senator", "rejected", "denies", "claims that she had misused funds")
    ]


def test_two_apostrophes_quote_as_a_straight_double_quote() -> None:
    text = "''The attack is over,'' Mr. Zahed said."
    assert _found(text) == [("Mr. Zahed", "said", "asserts", "The attack is over")]


@pytest.mark.parametrize(
    "after",
    [
        "told a crowd in Dayton, Ohio, on Monday.",
        "said, smiling.",
        "said Tuesday.",
        "told the forum.",
    ],
)
def test_a_quotation_before_the_speaker_is_what_was_said_whatever_follows(after: str) -> None:
    [(speaker, _, _, content)] = _found(f"\u201cWe have come a long way,\u201d he {after}")
    assert (speaker, content) == ("he", "We have come a long way")


def test_what_follows_still_counts_when_it_introduces_a_statement() -> None:
    text = "\u201cYes,\u201d she said, adding that the vote was close."
    assert ("she", "said", "asserts", "Yes") in _found(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mayor Says Bridge Will Reopen In May",
            ("Mayor", "Says", "asserts", "Bridge Will Reopen In May"),
        ),
        (
            "Other voters said they had not decided.",
            ("Other voters", "said", "asserts", "they had not decided"),
        ),
        (
            "Around that time, 47 percent said they would vote for Hale.",
            ("47 percent", "said", "asserts", "they would vote for Hale"),
        ),
        (
            "Kiedis said his band and Brian Burton wrote new songs.",
            ("his band and Brian Burton", "wrote", "asserts", "new songs"),
        ),
    ],
)
def test_speakers_of_news(text: str, expected: tuple[str, str, str, str]) -> None:
    assert expected in _found(text)


def test_a_speaker_never_holds_another_cue() -> None:
    found = _found("Kiedis said his band and Brian Burton wrote new songs.")
    assert [s for s, _, _, _ in found] == ["Kiedis", "his band and Brian Burton"]


@pytest.mark.parametrize(
    "text",
    [
        "Her debate included an effort to maintain that margin.",
        "Ms. Rust gave the company time to respond to her questions.",
        "Trump has won in Virginia, adding to his victories in Alabama.",
    ],
)
def test_no_speech_here(text: str) -> None:
    assert all(
        cue not in ("maintain", "respond", "adding", "charged", "Says")
        for _, cue, _, _ in _found(text)
    )


@pytest.mark.parametrize(
    "text",
    [
        "The company wrote a six-page letter to the university's president.",
        "Hale posted a message on Twitter moments after polls closed.",
        "Ms. Vance is running in a contested primary in the district.",
        "Fishing boats gathered near an outcrop in the disputed sea.",
    ],
)
def test_a_writing_or_a_contest_is_no_statement(text: str) -> None:
    assert _found(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "\u201cWhy now?\u201d she asked.",
            ("she", "asked", "asserts", "Why now?"),
        ),
        (
            "The mayor lamented that the budget was too small.",
            ("The mayor", "lamented", "asserts", "the budget was too small"),
        ),
        (
            "The panel recommends that the plant be closed.",
            ("The panel", "recommends", "asserts", "the plant be closed"),
        ),
        (
            "Ms. Ortiz wrote that the deadline would pass.",
            ("Ms. Ortiz", "wrote", "asserts", "the deadline would pass"),
        ),
    ],
)
def test_more_verbs_of_speech(text: str, expected: tuple[str, str, str, str]) -> None:
    assert _found(text) == [expected]


def test_according_to_a_long_source() -> None:
    text = (
        "According to early results of exit polls conducted for the Daily Ledger and two "
        "local television networks, most voters backed the levy."
    )
    assert _found(text) == [
        (
            "early results of exit polls conducted for the Daily Ledger and two local "
            "television networks",
            "According to",
            "asserts",
            "most voters backed the levy",
        )
    ]


def test_a_name_and_a_colon_at_the_start_of_a_line() -> None:
    text = (
        "Roger Stone: Don't Trust the Voting Machines\n"
        "Matthews: Well, speculation is bad.\n"
        "Clinton camp: the plan threatens national security.\n"
    )
    assert [(s, c, w) for s, c, _, w in _found(text)] == [
        ("Roger Stone", ":", "Don't Trust the Voting Machines"),
        ("Matthews", ":", "Well, speculation is bad"),
        ("Clinton camp", ":", "the plan threatens national security"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "WASHINGTON: The vote was close.",
        "Update: The story was corrected on Monday.",
        "Here is why: it rained all week.",
        "The mayor spoke. Hale: the bridge will open.",
    ],
)
def test_a_colon_that_introduces_no_one(text: str) -> None:
    assert [c for _, c, _, _ in _found(text)] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Ms. Vance gave her usual speech, decrying the influence of money in politics.",
            ("Ms. Vance", "decrying", "condemns", "the influence of money in politics"),
        ),
        (
            "He and Senator Hale both condemned the program.",
            ("He and Senator Hale", "condemned", "condemns", "the program"),
        ),
    ],
)
def test_acts_of_blame(text: str, expected: tuple[str, str, str, str]) -> None:
    assert _found(text) == [expected]


def test_a_colon_far_from_the_start_of_its_line() -> None:
    text = "Russia and North Korea to work together" + " " * 5000 + ":  Putin"
    assert [(s, c, w) for s, c, _, w in _found(text)] == [
        ("Putin", ":", "Russia and North Korea to work together")
    ]
    text = "Abe Lin: the vote was close" + " ." * 300
    assert [(s, w) for s, _, _, w in _found(text)] == [("Abe Lin", "the vote was close")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Ms. Okafor toured the new plant and said the vote would come in May.",
            ("Ms. Okafor", "said", "asserts", "the vote would come in May"),
        ),
        (
            "\u201cIt was never settled,\u201d he said of the dispute over the lease.",
            ("he", "said", "asserts", "It was never settled"),
        ),
        (
            "Tomas Reyes, 44, a welder from Dayton, said he would vote for the levy.",
            ("Tomas Reyes", "said", "asserts", "he would vote for the levy"),
        ),
        (
            "In March, the mayor, 71, said the plant would close.",
            ("the mayor", "said", "asserts", "the plant would close"),
        ),
        (
            "Ms. Lund, a councilwoman from the east side of the city and longtime critic of "
            "the plan, said the bridge was unsafe.",
            ("Ms. Lund", "said", "asserts", "the bridge was unsafe"),
        ),
        (
            "The mayor said Thursday during a visit to the plant in Elmwood, Ohio, that the "
            "jobs would stay.",
            ("The mayor", "said", "asserts", "the jobs would stay"),
        ),
        (
            "Mr. Abara predicted a close race in the county, which votes on June 2.",
            ("Mr. Abara", "predicted", "asserts", "a close race in the county"),
        ),
        (
            "The senator praised the new clinic at a press conference in Toledo on Monday.",
            ("The senator", "praised", "asserts", "the new clinic"),
        ),
        (
            "\u201cThose days are over,\u201d Ms. Ruiz said, referring to the old tariffs.",
            ("Ms. Ruiz", "said", "asserts", "Those days are over"),
        ),
        (
            "Jon Pell called the ruling \u201ca disgrace.\u201d",
            ("Jon Pell", "called", "asserts", "the ruling \u201ca disgrace"),
        ),
        (
            "The governor blasted the agency for its slow response.",
            ("The governor", "blasted", "condemns", "the agency for its slow response"),
        ),
    ],
)
def test_forms_of_the_development_corpus(text: str, expected: tuple[str, str, str, str]) -> None:
    assert _found(text) == [expected]


def test_a_statement_ends_where_but_begins_another_verb() -> None:
    found = _found("Ms. Hale says she likes the plan but argues that it costs too much.")
    assert found == [
        ("Ms. Hale", "says", "asserts", "she likes the plan"),
        ("Ms. Hale", "argues", "asserts", "it costs too much"),
    ]


def test_a_quotation_before_a_clause_of_another_verb_is_what_was_said() -> None:
    found = _found(
        "\u201cI trust him,\u201d the governor said, before clarifying that she meant the mayor."
    )
    assert found[0][:2] == ("the governor", "said")
    assert found[0][3] == "I trust him"


@pytest.mark.parametrize(
    "text",
    [
        "Relief workers now help lead a program called Open Doors.",
        "The Paris attacks highlight the threat the gangs pose.",
        "Christie defended his endorsement on his regular radio call-in show.",
        "Instead of meeting the agency's demand, the county filed suit.",
    ],
)
def test_nouns_and_participles_of_the_new_verbs_are_no_cue(text: str) -> None:
    assert _found(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Ms. Dyer said most voters backed the levy, while a third opposed it.",
            ("Ms. Dyer", "said", "asserts", "most voters backed the levy"),
        ),
        (
            "The senator discussed the flooding and outlined her plans for the dam.",
            ("The senator", "discussed", "asserts", "the flooding"),
        ),
        (
            "The councilman yelled \u201cShame!\u201d at the mayor during the hearing.",
            ("The councilman", "yelled", "asserts", "Shame!"),
        ),
        (
            "The county did not mention the audit.",
            ("The county", "did not mention", "asserts", "the audit"),
        ),
    ],
)
def test_where_a_statement_ends(text: str, expected: tuple[str, str, str, str]) -> None:
    assert _found(text) == [expected]


def test_a_dateline_is_not_what_was_said() -> None:
    text = "ELMWOOD, Ohio, May 3 (UPI) \u2014 The plant will close in June, officials said."
    assert _found(text) == [("officials", "said", "asserts", "The plant will close in June")]


@pytest.mark.parametrize(
    "text",
    [
        "The county did not respond to a request for comment.",
        "Ms. Vance claimed a narrow victory in the primary.",
        "The mayor maintains a wide lead in the polls.",
        "She boasts a 20-point lead among older voters.",
        "Hale was not asked to speak at the dinner.",
        "Trump's reported net worth fell last year.",
        "Some states remained too close to call.",
        "The key question is whether the levy passes.",
    ],
)
def test_no_statement_in_these(text: str) -> None:
    assert _found(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Ms. Vance is telling voters in Elmwood that the plant will stay.",
            ("Ms. Vance", "is telling", "asserts", "the plant will stay"),
        ),
        (
            "The mayor isn\u2019t saying which roads will close.",
            ("The mayor", "isn\u2019t saying", "asserts", "which roads will close"),
        ),
        (
            "Older voters are more likely to say that taxes are too high.",
            ("Older voters", "say", "asserts", "taxes are too high"),
        ),
        (
            "Ms. Hale cheered \u201cWhat a night!\u201d and said that the count would go on.",
            ("Ms. Hale", "said", "asserts", "the count would go on"),
        ),
        (
            "Ms. Reyes urged members to vote for the levy, saying the schools need repairs.",
            ("Ms. Reyes", "saying", "asserts", "the schools need repairs"),
        ),
        (
            "Mr. Lund leads by 40 pledged delegates, according to a count by the Ledger.",
            (
                "a count by the Ledger",
                "according to",
                "asserts",
                "Mr. Lund leads by 40 pledged delegates",
            ),
        ),
        (
            "According to early results of a survey conducted by the Ledger for the Elmwood "
            "Herald and two radio stations, most voters backed the levy.",
            (
                "early results of a survey conducted by the Ledger for the Elmwood Herald and "
                "two radio stations",
                "According to",
                "asserts",
                "most voters backed the levy",
            ),
        ),
    ],
)
def test_more_forms_of_the_development_corpus(
    text: str, expected: tuple[str, str, str, str]
) -> None:
    assert expected in _found(text)


@pytest.mark.parametrize(
    "text",
    [
        "The mayor declined to say whether the plant would close.",
        "Ms. Vance is adding to her lead in the county.",
        "The senator\u2019s telling of the story drew laughs.",
    ],
)
def test_no_statement_in_these_either(text: str) -> None:
    assert _found(text) == []


def test_pledged_delegates_pledge_nothing() -> None:
    found = _found("Mr. Lund leads by 40 pledged delegates, according to a count by the Ledger.")
    assert [cue for _, cue, _, _ in found] == ["according to"]


def test_a_transcript_in_capitals_has_turns_and_a_dateline_does_not() -> None:
    text = (
        "HALE: Do you think the levy will pass?\n"
        "REYES: I think it will, narrowly.\n"
        "HALE: And the bridge?\n"
    )
    assert [(s, c, w) for s, c, _, w in _found(text)] == [
        ("HALE", ":", "Do you think the levy will pass?"),
        ("REYES", ":", "I think it will, narrowly"),
        ("HALE", ":", "And the bridge?"),
    ]
    assert _found("ELMWOOD: The vote was close.\nThe count went on.") == []


@pytest.mark.parametrize(
    ("text", "speaker", "content"),
    [
        ("Vance: I Am Confident Voters Will Say Yes to the Levy.\n", "Vance", "I Am Confident"),
        ("NY Ledger: Flood Damage Worse Than Reported.\n", "NY Ledger", "Flood Damage"),
    ],
)
def test_a_headline_in_title_case_names_its_speaker_first(
    text: str, speaker: str, content: str
) -> None:
    ((s, c, _, w),) = _found(text)
    assert (s, c) == (speaker, ":") and w.startswith(content)


@pytest.mark.parametrize(
    "text",
    [
        "Ms. Wong leads a liberal think tank in Elmwood.",
        "Workers will think twice before buying.",
        "Police arrested two smuggling suspects near the border.",
    ],
)
def test_nouns_and_idioms_of_thinking_are_no_cue(text: str) -> None:
    assert _found(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Hale told The Elmwood Ledger he was not ready to endorse anyone.",
            ("Hale", "told", "asserts", "he was not ready to endorse anyone"),
        ),
        (
            "Ms. Lund told me she would run again.",
            ("Ms. Lund", "told", "asserts", "she would run again"),
        ),
        (
            "The mayor called the ruling a mistake before explaining why she would appeal.",
            ("The mayor", "called", "asserts", "the ruling a mistake"),
        ),
        (
            "Two aides said the plan was ready. (Neither would say when it would start.)",
            ("Two aides", "said", "asserts", "the plan was ready"),
        ),
        (
            "An official described the talks on the condition of anonymity because they "
            "were private.",
            ("An official", "described", "asserts", "the talks"),
        ),
        (
            "Most Democrats said they backed the levy, compared with 30 percent of Republicans.",
            ("Most Democrats", "said", "asserts", "they backed the levy"),
        ),
    ],
)
def test_what_was_said_without_its_audience_or_its_sequel(
    text: str, expected: tuple[str, str, str, str]
) -> None:
    assert _found(text)[0] == expected


def test_a_second_verb_belongs_to_the_main_clause_not_to_a_naming_inside_it() -> None:
    found = _found(
        "The mayor thanked the union for backing what the council calls its rescue plan, "
        "and vowed support for the workers."
    )
    assert ("the council", "calls", "asserts", "its rescue plan") in found
    assert ("The mayor", "vowed", "pledges", "support for the workers") in found


def test_a_quoted_sentence_before_its_speaker_and_cue_alone() -> None:
    found = _found("\u201cWe will find the ballots that are missing.\u201d Ms. Hale said.")
    assert found == [("Ms. Hale", "said", "asserts", "We will find the ballots that are missing")]
    # Another paragraph's quotation is not what was said.
    assert _found("\u201cWe will win.\u201d\nMs. Hale said.") == []
