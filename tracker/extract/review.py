"""Proposals into the record, only as a person decides: accept, edit, skip,
or link to a recorded claim it repeats; and proposals as a data file.

The questions are asked through a function the caller gives (the terminal,
or a test's scripted answers); what was accepted is written in the caller's
transaction, through the loader's checks, all or nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import yaml
from sqlalchemy.orm import Session

from tracker.errors import InputError
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
    speaker: Speaker | None = None  # the reviewer's choice, instead of the proposal's


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


def describe(number: int, total: int, p: Proposal) -> str:
    """A proposal as the reviewer sees it."""
    a = p.attribution
    lines = [
        f"[{number}/{total}] {a.speaker.text} \u2014 {a.cue.text} ({a.stance}, {a.type})",
        f"  speaker: {who(p.speaker)}" + (f", via {p.via_actor or a.via.text}" if a.via else ""),
        *(candidate_line(k, c) for k, c in enumerate(p.speaker.candidates, 1)),
        f"  said:    {a.content.text}",
        f"  claim:   {p.claim_text}",
    ]
    if p.recorded:
        lines.append(f"  already recorded: {p.recorded}")
    for m in p.matches:
        lines.append(f"  repeats: {m.claim} ({m.score:g})")
    for d in p.denies:
        lines.append(f"  denies:  {d.claim} ({d.score:g})")
    return "\n".join(lines)


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
    proposals: list[Proposal], ask: Ask, edit_text: Edit, say: Callable[[str], None]
) -> list[Decision]:
    """Walk the proposals. Where the speaker is unresolved or has other
    candidates, first who said it (`choose_speaker`); then a(ccept),
    e(dit), s(kip), l(ink to the best recorded claim it repeats), w(ho
    said it: change the speaker) or q(uit: keep what was accepted, skip
    the rest)."""
    decisions: list[Decision] = []
    for number, p in enumerate(proposals, 1):
        say(describe(number, len(proposals), p))
        if p.recorded:
            say("  (skipped: already recorded)")
            continue
        speaker: Speaker | None = p.speaker
        if p.speaker.candidates or not p.speaker.resolved:
            chosen = choose_speaker(p, ask, edit_text)
            if chosen is _QUIT:
                break
            speaker = chosen if isinstance(chosen, Speaker) else None
            if speaker is None:
                say("  (skipped: no speaker)")
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
        chosen_speaker = None if speaker is p.speaker else speaker
        if answer == "a":
            decisions.append(Decision(p, p.claim_text, None, chosen_speaker))
        elif answer == "e":
            text = edit_text(p.claim_text).strip() or p.claim_text
            decisions.append(Decision(p, text, None, chosen_speaker))
        elif answer == "l":
            decisions.append(Decision(p, p.claim_text, p.matches[0].claim, chosen_speaker))
    return decisions


def write(session: Session, source_key: str, decisions: list[Decision]) -> list[edit.Written]:
    """Write the accepted proposals in the caller's transaction: new actors,
    new claims with their appearance and denials, appearances of linked claims."""
    source = edit.source_row(session, source_key)
    text = source.text
    if text is None:
        raise InputError(f"source {source_key!r} has no stored text to quote")
    written: list[edit.Written] = []
    new_actors: dict[str, str] = {}
    for d in decisions:
        p, a = d.proposal, d.proposal.attribution
        if text[a.content.start : a.content.end] != a.content.text:
            raise InputError(f"proposal {a.content.text[:40]!r} is not in source {source_key!r}")
        appearance = AppearanceSpec(
            source=source_key,
            quote=a.content.text,
            type=a.type,
            cue=a.cue.text,
            via=p.via_actor,
            occurrence=occurrence_at(text, a.content.text, a.content.start),
            where=edit.where(f"proposal {a.cue.start}"),
        )
        if d.link_to is not None:
            written.append(edit.add_appearance(session, d.link_to, appearance))
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
        relations = [("denies", link.claim) for link in p.denies if link.score >= DENY_ACCEPT]
        claim = ClaimSpec(
            key=edit.new_key(session, "claim", d.claim_text),
            text=d.claim_text,
            claimants=claimants,
            stated=None,
            precision=None,
            topics=[],
            appearances=[appearance],
            relations=relations,
            where=edit.where(f"proposal {a.cue.start}"),
        )
        written.append(edit.add_claim(session, claim))
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

    recorded = [p for p in proposals if p.recorded]
    if recorded:
        out.append(f"# Left out, already recorded: {len(recorded)} of {len(proposals)} proposals.")
    for p in proposals:
        if p.recorded:
            continue
        a = p.attribution
        claimants = list(p.speaker.actors)
        if p.speaker.new_name:
            if p.speaker.new_name not in actors:
                actors[p.speaker.new_name] = key("actor", p.speaker.new_name)
            claimants.append(actors[p.speaker.new_name])
        appearance: dict[str, object] = {
            "source": source_key,
            "quote": a.content.text,
            "type": a.type,
            "cue": a.cue.text,
        }
        if p.via_actor:
            appearance["via"] = p.via_actor
        occurrence = occurrence_at(text, a.content.text, a.content.start)
        if occurrence:
            appearance["occurrence"] = occurrence
        claim: dict[str, object] = {
            "id": key("claim", p.claim_text),
            "text": p.claim_text,
            "claimants": claimants,
            "stated": None,
            "appearances": [appearance],
        }
        denies = [link.claim for link in p.denies if link.score >= DENY_ACCEPT]
        if denies:
            claim["relations"] = {"denies": denies}
        notes = [f"{a.speaker.text!r} {a.cue.text} ({a.stance})"]
        notes += [f"repeats {m.claim} ({m.score:g})?" for m in p.matches]
        notes += [f"denies {d.claim} ({d.score:g})?" for d in p.denies]
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
            speaker = next(p.speaker for p in proposals if p.speaker.new_name == name)
            entry = {"id": actor_key, "name": name, "kind": speaker.new_kind}
            if speaker.new_description:
                entry["description"] = speaker.new_description
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
