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

from tracker import dates
from tracker.errors import InputError
from tracker.extract.link import Link
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
    number: int = 0  # the proposal's number in its list, from 1: what denials link to
    # What a denial answers, as picked; None: every link scoring DENY_ACCEPT or more.
    targets: tuple[Link, ...] | None = None

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
    who = ", ".join(p.speaker.actors) or f"new actor {p.speaker.new_name!r}"
    stated = dates.at_precision(*p.stated) if p.stated else None
    lines = [
        f"[{number}/{total}] {a.speaker.text} \u2014 {a.cue.text} ({a.stance}, {a.type})",
        f"  speaker: {who}{_via(p)}",
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
    return bool(p.speaker.actors or p.speaker.new_name) and p.recorded is None


def review(
    proposals: list[Proposal], ask: Ask, edit_text: Edit, say: Callable[[str], None]
) -> list[Decision]:
    """Walk the proposals; each answer is a(ccept), e(dit), s(kip),
    l(ink to the best recorded claim it repeats) or q(uit: keep what was
    accepted, skip the rest)."""
    decisions: list[Decision] = []
    for number, p in enumerate(proposals, 1):
        say(describe(number, len(proposals), p, proposals))
        if not writable(p):
            say("  (skipped: " + ("already recorded)" if p.recorded else "no speaker to name)"))
            continue
        choices = ["a", "e", "s"] + (["l"] if p.matches else []) + ["q"]
        answer = ask("accept, edit, skip" + (", link" if p.matches else "") + ", quit?", choices)
        if answer == "q":
            break
        if answer == "a":
            decisions.append(Decision(p, p.claim_text, None, number, _targets(p, ask)))
        elif answer == "e":
            text = edit_text(p.claim_text).strip() or p.claim_text
            decisions.append(Decision(p, text, None, number, _targets(p, ask)))
        elif answer == "l":
            decisions.append(Decision(p, p.claim_text, p.matches[0].claim, number))
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
    used: set[str] = set()

    def key(kind: str, text: str) -> str:
        found = edit.new_key(session, kind, text, used)
        used.add(found)
        return found

    kinds: dict[str, str] = {}
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
            # A statement of this article: the claim it is, or the one proposed for it.
            target = d.claim or (claim_keys.get(d.proposal) if d.proposal else None)
            notes.append(f"{p.relation} {target_text(d, proposals)} ({d.score:g})?")
            if d.score >= DENY_ACCEPT and target is not None:
                answers.append(target)
        if answers and p.relation:
            claim["relations"] = {p.relation: answers}
        if not claimants:
            notes.append("no speaker resolved: name the claimant")
        body = yaml.safe_dump([claim], sort_keys=False, allow_unicode=True, width=100)
        claims.append("".join(f"  # {n}\n" for n in notes) + _indent(body))
    if actors:
        out.append("actors:")
        for name, actor_key in actors.items():
            entry = {"id": actor_key, "name": name, "kind": kinds[name]}
            body = yaml.safe_dump([entry], sort_keys=False, allow_unicode=True)
            out.append(_indent(body).rstrip("\n"))
    out.append("claims:" if claims else "claims: []")
    out += [c.rstrip("\n") for c in claims]
    return "\n".join(out) + "\n"


def _indent(text: str) -> str:
    return "".join(f"  {line}\n" if line else "\n" for line in text.splitlines())
