"""Proposals into the record, only as a person decides: accept, edit, skip,
or link to a recorded claim it repeats; and proposals as a data file.

The questions are asked through a function the caller gives (the terminal,
or a test's scripted answers); what was accepted is written in the caller's
transaction, through the loader's checks, all or nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

import yaml
from sqlalchemy.orm import Session

from tracker import dates
from tracker.errors import InputError
from tracker.extract.link import Link
from tracker.extract.propose import Proposal
from tracker.extract.speakers import Candidate, Speaker
from tracker.ingest import edit
from tracker.ingest.anchor import occurrence_at
from tracker.ingest.dataset import ActorSpec, AppearanceSpec, ClaimSpec
from tracker.vocabulary import ACTOR_KINDS

# A denial link at or above this score is written with an accepted denial;
# those below are shown, not written.
DENY_ACCEPT = 70.0


@dataclass(frozen=True)
class Decision:
    proposal: Proposal
    claim_text: str  # as accepted or edited
    link_to: str | None  # a recorded claim it is an appearance of, instead of a new claim
    number: int = 0  # the proposal's number in its list, from 1: what denials link to
    # What a denial answers, as picked; None: every link scoring DENY_ACCEPT or more.
    targets: tuple[Link, ...] | None = None
    speaker: Speaker | None = None  # the reviewer's choice, instead of the proposal's

    @property
    def answers(self) -> list[Link]:
        if self.targets is not None:
            return list(self.targets)
        return [link for link in self.proposal.answers if link.score >= DENY_ACCEPT]


def accepted(proposals: list[Proposal]) -> list[Decision]:
    """--accept-all: every writable proposal as proposed."""
    return [
        Decision(p, p.claim_text, None, number)
        for number, p in enumerate(proposals, 1)
        if writable(p)
    ]


# ask(prompt, choices) -> one of choices; edit(text) -> the edited text
Ask = Callable[[str, list[str]], str]
Edit = Callable[[str], str]


def who(speaker: Speaker) -> str:
    """The speaker as proposed: recorded actors, a new actor, or nobody yet."""
    found = list(speaker.actors)
    if speaker.new_name:
        new = f"new actor {speaker.new_name!r} ({speaker.new_kind}"
        new += f", {speaker.new_description!r})" if speaker.new_description else ")"
        found.append(new)
    if found:
        return ", ".join(found)
    return f"unresolved ({speaker.unresolved or 'no name'})"


def candidate_line(number: int, c: Candidate) -> str:
    name = c.actor if c.actor else f"new: {c.name!r}"
    return f"    {number}) {name} ({c.kind}; {c.why})"


def _via(p: Proposal) -> str:
    a = p.attribution
    if a.via is None:
        return ""
    if p.via_actor:
        return f", via {p.via_actor}"
    return f", via new actor {p.via_name!r}" if p.via_name else f", via {a.via.text!r}"


def target_text(link: Link, proposals: list[Proposal] | None = None) -> str:
    """A denial's target as the reviewer sees it: the claim's id, or the
    proposal's number and words."""
    if link.proposal is not None and proposals and 0 < link.proposal <= len(proposals):
        said = proposals[link.proposal - 1].attribution.content.text
        where = f"proposal {link.proposal}" + (f" = {link.claim}" if link.claim else "")
        return f"{where}: {said[:60]!r}"
    return link.claim or f"proposal {link.proposal}"


def describe(number: int, total: int, p: Proposal, proposals: list[Proposal] | None = None) -> str:
    """A proposal as the reviewer sees it."""
    a = p.attribution
    stated = dates.at_precision(*p.stated) if p.stated else None
    lines = [
        f"[{number}/{total}] {a.speaker.text} \u2014 {a.cue.text} ({a.stance}, {a.type})",
        f"  speaker: {who(p.speaker)}{_via(p)}",
        *(candidate_line(k, c) for k, c in enumerate(p.speaker.candidates, 1)),
        f"  said:    {a.content.text}",
        f"  claim:   {p.claim_text}",
        f"  date:    {f'{stated} ({p.stated[1]})' if p.stated else 'undated'}",
    ]
    if p.recorded:
        lines.append(f"  already recorded: {p.recorded}")
    for m in p.matches:
        lines.append(f"  repeats: {m.claim} ({m.score:g})")
    for k, d in enumerate(p.answers, 1):
        lines.append(f"  {p.relation}? {k}) {target_text(d, proposals)} ({d.score:g})")
    return "\n".join(lines)


def _targets(p: Proposal, ask: Ask) -> tuple[Link, ...] | None:
    """Which of a denial's candidates it answers: all those scoring
    DENY_ACCEPT or more (a), one (its number), or none (n). The first
    choice is the suggested one."""
    if not p.answers:
        return None
    strong = [link for link in p.answers if link.score >= DENY_ACCEPT]
    numbers = [str(k) for k in range(1, len(p.answers) + 1)]
    choices = (["a"] if strong else []) + numbers + ["n"]
    if not strong:
        choices = ["n", *numbers]
    answer = ask(
        f"{p.relation}: " + ("a(ll scoring 70+), " if strong else "") + "a number, or n(one)?",
        choices,
    )
    if answer == "a":
        return tuple(strong)
    if answer == "n":
        return ()
    return (p.answers[int(answer) - 1],)


def writable(p: Proposal) -> bool:
    """A proposal names who said it (a known actor or a new one), and its
    words are not recorded already."""
    return p.speaker.resolved and p.recorded is None


def held_back(proposals: list[Proposal]) -> str | None:
    """What --accept-all leaves out and why, in one line (None: nothing)."""
    recorded = sum(1 for p in proposals if p.recorded)
    unresolved = sum(1 for p in proposals if not p.recorded and not p.speaker.resolved)
    if not recorded and not unresolved:
        return None
    why = []
    if unresolved:
        why.append(f"{unresolved} with no resolved speaker (choose one with --review)")
    if recorded:
        why.append(f"{recorded} already recorded")
    return f"Held back {recorded + unresolved} of {len(proposals)} proposals: " + ", ".join(why)


_QUIT = object()


def choose_speaker(
    p: Proposal, ask: Ask, edit_text: Edit, current: Speaker | None = None
) -> Speaker | object | None:
    """The reviewer's speaker: a candidate by its number, n(ew actor, named
    and of a kind), k(eep what is proposed; for an unresolved speaker,
    leave the proposal) or q(uit). None: leave it; _QUIT: stop."""
    speaker = current or p.speaker
    candidates = p.speaker.candidates
    numbers = [str(k) for k in range(1, len(candidates) + 1)]
    answer = ask(
        "speaker: " + (f"1-{len(numbers)} pick, " if numbers else "") + "new actor, keep, quit?",
        ["k", *numbers, "n", "q"],
    )
    if answer == "q":
        return _QUIT
    if answer == "k":
        return speaker if speaker.resolved else None
    if answer == "n":
        default = (
            speaker.new_name
            or (candidates[0].name if candidates else None)
            or p.attribution.speaker.text
        )
        name = edit_text(default).strip() or default
        guess = speaker.new_kind or (candidates[0].kind if candidates else "person")
        kinds = [guess, *(k for k in ACTOR_KINDS if k != guess)]
        kind = ask("kind: " + ", ".join(kinds) + "?", kinds)
        return Speaker((), name, kind, evidence="reviewer")
    chosen = candidates[int(answer) - 1]
    if chosen.actor is not None:
        return Speaker((chosen.actor,), None, None, evidence="reviewer")
    return Speaker((), chosen.name, chosen.kind, evidence="reviewer")


def review(
    proposals: list[Proposal],
    ask: Ask,
    edit_text: Edit,
    say: Callable[[str], None],
    only: Collection[int] | None = None,
    reviewed: Callable[[int], None] | None = None,
) -> list[Decision]:
    """Walk the proposals. Where the speaker is unresolved or has other
    candidates, first who said it (`choose_speaker`); then a(ccept),
    e(dit), s(kip), l(ink to the best recorded claim it repeats), w(ho
    said it: change the speaker) or q(uit: keep what was accepted, skip
    the rest). `only`: the numbers (from 1) of those to ask about (a
    review queue's), the others passed over; `reviewed` is told the
    number of each one decided (accepted, edited, linked or skipped), not
    of those a quit left."""
    decisions: list[Decision] = []
    done = reviewed or (lambda number: None)
    for number, p in enumerate(proposals, 1):
        if only is not None and number not in only:
            continue
        say(describe(number, len(proposals), p, proposals))
        if p.recorded:
            say("  (skipped: already recorded)")
            done(number)
            continue
        speaker: Speaker | None = p.speaker
        if p.speaker.candidates or not p.speaker.resolved:
            chosen = choose_speaker(p, ask, edit_text)
            if chosen is _QUIT:
                break
            speaker = chosen if isinstance(chosen, Speaker) else None
            if speaker is None:
                say("  (skipped: no speaker)")
                done(number)
                continue
            if speaker is not p.speaker:
                say(f"  speaker: {who(speaker)}")
        choices = ["a", "e", "s"] + (["l"] if p.matches else []) + ["w", "q"]
        prompt = "accept, edit, skip" + (", link" if p.matches else "") + ", who said it, quit?"
        answer = ask(prompt, choices)
        while answer == "w":
            chosen = choose_speaker(p, ask, edit_text, speaker)
            if chosen is _QUIT:
                return decisions
            if isinstance(chosen, Speaker):
                speaker = chosen
                say(f"  speaker: {who(speaker)}")
            answer = ask(prompt, choices)
        if answer == "q":
            break
        done(number)
        chosen_speaker = None if speaker is p.speaker else speaker
        if answer == "a":
            decisions.append(
                Decision(p, p.claim_text, None, number, _targets(p, ask), chosen_speaker)
            )
        elif answer == "e":
            text = edit_text(p.claim_text).strip() or p.claim_text
            decisions.append(Decision(p, text, None, number, _targets(p, ask), chosen_speaker))
        elif answer == "l":
            decisions.append(
                Decision(p, p.claim_text, p.matches[0].claim, number, speaker=chosen_speaker)
            )
    return decisions


def write(session: Session, source_key: str, decisions: list[Decision]) -> list[edit.Written]:
    """Write the accepted proposals in the caller's transaction: new actors,
    new claims with their date, appearance (and its intermediary) and the
    claims they deny or dispute, appearances of linked claims. A denial of
    a statement of the same article is related once both are written."""
    source = edit.source_row(session, source_key)
    text = source.text
    if text is None:
        raise InputError(f"source {source_key!r} has no stored text to quote")
    written: list[edit.Written] = []
    new_actors: dict[str, str] = {}
    claim_of: dict[int, str] = {}  # proposal number -> the claim it was written as
    later: list[tuple[str, str, Link]] = []  # (claim, relation, a statement of the article)
    for d in decisions:
        p, a = d.proposal, d.proposal.attribution
        if text[a.content.start : a.content.end] != a.content.text:
            raise InputError(f"proposal {a.content.text[:40]!r} is not in source {source_key!r}")
        via = p.via_actor
        if via is None and p.via_name:
            if p.via_name not in new_actors:
                key = edit.new_key(session, "actor", p.via_name)
                spec = ActorSpec(
                    key, p.via_name, "organization", None, [], [], edit.where("proposal via")
                )
                written.append(edit.add_actor(session, spec))
                new_actors[p.via_name] = key
            via = new_actors[p.via_name]
        appearance = AppearanceSpec(
            source=source_key,
            quote=a.content.text,
            type=a.type,
            cue=a.cue.text,
            via=via,
            occurrence=occurrence_at(text, a.content.text, a.content.start),
            where=edit.where(f"proposal {a.cue.start}"),
        )
        if d.link_to is not None:
            written.append(edit.add_appearance(session, d.link_to, appearance))
            claim_of[d.number] = d.link_to
            continue
        speaker = d.speaker or p.speaker
        if not speaker.resolved:
            # Never a claim by nobody, nor by a guess: the reviewer names one.
            raise InputError(f"proposal {a.content.text[:40]!r} has no resolved speaker")
        claimants = list(speaker.actors)
        if speaker.new_name:
            name = speaker.new_name
            if name not in new_actors:
                key = edit.new_key(session, "actor", name)
                spec = ActorSpec(
                    key,
                    name,
                    speaker.new_kind or "person",
                    speaker.new_description,
                    [],
                    [],
                    edit.where("proposal"),
                )
                written.append(edit.add_actor(session, spec))
                new_actors[name] = key
            claimants.append(new_actors[name])
        relation = p.relation or "denies"
        key = edit.new_key(session, "claim", d.claim_text)
        relations = []
        for link in d.answers:
            if link.proposal is not None:
                later.append((key, relation, link))
            elif link.claim is not None:
                relations.append((relation, link.claim))
        claim = ClaimSpec(
            key=key,
            text=d.claim_text,
            claimants=claimants,
            stated=p.stated[0] if p.stated else None,
            precision=p.stated[1] if p.stated else None,
            topics=[],
            appearances=[appearance],
            relations=relations,
            where=edit.where(f"proposal {a.cue.start}"),
        )
        written.append(edit.add_claim(session, claim))
        claim_of[d.number] = key
    for key, relation, link in later:
        # The statement as written now, or the recorded claim it is.
        target = claim_of.get(link.proposal or 0) or link.claim
        if target is not None and target != key:
            written.append(edit.relate(session, key, target, relation))
    return written


def data_file(
    session: Session, proposals: list[Proposal], source_key: str, text: str, header: str
) -> str:
    """The proposals in the data-file format (README, "Data files"), ready to
    edit and `tracker load`. Matches and denial scores are comments."""
    out = [f"# {line}".rstrip() for line in header.splitlines()]
    actors: dict[str, str] = {}
    claims: list[str] = []
    held: list[str] = []
    used: set[str] = set()

    def key(kind: str, text: str) -> str:
        found = edit.new_key(session, kind, text, used)
        used.add(found)
        return found

    kinds: dict[str, str] = {}
    descriptions: dict[str, str | None] = {}
    # Held back as comments, for want of a speaker: nothing may link to them.
    held_back_numbers = {
        n for n, p in enumerate(proposals, 1) if not p.recorded and not p.speaker.resolved
    }
    # Proposal number -> its claim's id in this file, for denials of statements after them.
    claim_keys = {
        n: key("claim", p.claim_text) for n, p in enumerate(proposals, 1) if not p.recorded
    }
    recorded = [p for p in proposals if p.recorded]
    if recorded:
        out.append(f"# Left out, already recorded: {len(recorded)} of {len(proposals)} proposals.")
    for number, p in enumerate(proposals, 1):
        if p.recorded:
            continue
        a = p.attribution
        claimants = list(p.speaker.actors)
        if p.speaker.new_name:
            if p.speaker.new_name not in actors:
                actors[p.speaker.new_name] = key("actor", p.speaker.new_name)
                kinds[p.speaker.new_name] = p.speaker.new_kind or "person"
                descriptions[p.speaker.new_name] = p.speaker.new_description
            claimants.append(actors[p.speaker.new_name])
        appearance: dict[str, object] = {
            "source": source_key,
            "quote": a.content.text,
            "type": a.type,
            "cue": a.cue.text,
        }
        if p.via_actor:
            appearance["via"] = p.via_actor
        elif p.via_name:
            if p.via_name not in actors:
                actors[p.via_name] = key("actor", p.via_name)
                kinds[p.via_name] = "organization"
            appearance["via"] = actors[p.via_name]
        occurrence = occurrence_at(text, a.content.text, a.content.start)
        if occurrence:
            appearance["occurrence"] = occurrence
        claim: dict[str, object] = {
            "id": claim_keys[number],
            "text": p.claim_text,
            "claimants": claimants,
            "stated": dates.at_precision(*p.stated) if p.stated else None,
            "appearances": [appearance],
        }
        notes = [f"{a.speaker.text!r} {a.cue.text} ({a.stance})"]
        notes += [f"repeats {m.claim} ({m.score:g})?" for m in p.matches]
        answers = []
        for d in p.answers:
            # A statement of this article: the claim it is, or the one proposed for it
            # (not one held back as a comment for want of a speaker).
            target = d.claim or (
                claim_keys.get(d.proposal)
                if d.proposal and d.proposal not in held_back_numbers
                else None
            )
            notes.append(f"{p.relation} {target_text(d, proposals)} ({d.score:g})?")
            if d.score >= DENY_ACCEPT and target is not None:
                answers.append(target)
        if answers and p.relation:
            claim["relations"] = {p.relation: answers}
        body = yaml.safe_dump([claim], sort_keys=False, allow_unicode=True, width=100)
        if not claimants:
            # Left as a comment, so the file loads as it is: nobody is a
            # claimant by guess.
            notes.append(
                f"no speaker resolved ({p.speaker.unresolved or 'no name'}): name the claimant"
                " and remove the # before each line"
            )
            notes += [candidate_line(k, c).strip() for k, c in enumerate(p.speaker.candidates, 1)]
            held.append("".join(f"  # {n}\n" for n in notes) + _indent(body, "# "))
            continue
        claims.append("".join(f"  # {n}\n" for n in notes) + _indent(body))
    if actors:
        out.append("actors:")
        for name, actor_key in actors.items():
            entry = {"id": actor_key, "name": name, "kind": kinds[name]}
            description = descriptions.get(name)
            if description:
                entry["description"] = description
            body = yaml.safe_dump([entry], sort_keys=False, allow_unicode=True)
            out.append(_indent(body).rstrip("\n"))
    out.append("claims:" if claims else "claims: []")
    out += [c.rstrip("\n") for c in claims]
    if held:
        out.append(f"# Held back, no speaker resolved: {len(held)} proposals.")
        out += [c.rstrip("\n") for c in held]
    return "\n".join(out) + "\n"


def _indent(text: str, mark: str = "") -> str:
    return "".join(f"  {mark}{line}\n" if line else "\n" for line in text.splitlines())
