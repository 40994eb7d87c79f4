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
from tracker.ingest import edit
from tracker.ingest.anchor import occurrence_at
from tracker.ingest.dataset import ActorSpec, AppearanceSpec, ClaimSpec

# A denial link at or above this score is written with an accepted denial;
# those below are shown, not written.
DENY_ACCEPT = 70.0


@dataclass(frozen=True)
class Decision:
    proposal: Proposal
    claim_text: str  # as accepted or edited
    link_to: str | None  # a recorded claim it is an appearance of, instead of a new claim


# ask(prompt, choices) -> one of choices; edit(text) -> the edited text
Ask = Callable[[str, list[str]], str]
Edit = Callable[[str], str]


def describe(number: int, total: int, p: Proposal) -> str:
    """A proposal as the reviewer sees it."""
    a = p.attribution
    who = ", ".join(p.speaker.actors) or f"new actor {p.speaker.new_name!r}"
    lines = [
        f"[{number}/{total}] {a.speaker.text} \u2014 {a.cue.text} ({a.stance}, {a.type})",
        f"  speaker: {who}" + (f", via {p.via_actor or a.via.text}" if a.via else ""),
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
    return bool(p.speaker.actors or p.speaker.new_name) and p.recorded is None


def review(
    proposals: list[Proposal], ask: Ask, edit_text: Edit, say: Callable[[str], None]
) -> list[Decision]:
    """Walk the proposals; each answer is a(ccept), e(dit), s(kip),
    l(ink to the best recorded claim it repeats) or q(uit: keep what was
    accepted, skip the rest)."""
    decisions: list[Decision] = []
    for number, p in enumerate(proposals, 1):
        say(describe(number, len(proposals), p))
        if not writable(p):
            say("  (skipped: " + ("already recorded)" if p.recorded else "no speaker to name)"))
            continue
        choices = ["a", "e", "s"] + (["l"] if p.matches else []) + ["q"]
        answer = ask("accept, edit, skip" + (", link" if p.matches else "") + ", quit?", choices)
        if answer == "q":
            break
        if answer == "a":
            decisions.append(Decision(p, p.claim_text, None))
        elif answer == "e":
            decisions.append(Decision(p, edit_text(p.claim_text).strip() or p.claim_text, None))
        elif answer == "l":
            decisions.append(Decision(p, p.claim_text, p.matches[0].claim))
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
        claimants = list(p.speaker.actors)
        if p.speaker.new_name:
            name = p.speaker.new_name
            if name not in new_actors:
                key = edit.new_key(session, "actor", name)
                spec = ActorSpec(
                    key, name, p.speaker.new_kind or "person", None, [], [], edit.where("proposal")
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
        if not claimants:
            notes.append("no speaker resolved: name the claimant")
        body = yaml.safe_dump([claim], sort_keys=False, allow_unicode=True, width=100)
        claims.append("".join(f"  # {n}\n" for n in notes) + _indent(body))
    if actors:
        out.append("actors:")
        for name, actor_key in actors.items():
            kind = next(p.speaker.new_kind for p in proposals if p.speaker.new_name == name)
            entry = {"id": actor_key, "name": name, "kind": kind}
            body = yaml.safe_dump([entry], sort_keys=False, allow_unicode=True)
            out.append(_indent(body).rstrip("\n"))
    out.append("claims:" if claims else "claims: []")
    out += [c.rstrip("\n") for c in claims]
    return "\n".join(out) + "\n"


def _indent(text: str) -> str:
    return "".join(f"  {line}\n" if line else "\n" for line in text.splitlines())
