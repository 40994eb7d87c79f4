"""`tracker extract` against a seeded database, on both backends: speakers
resolved, claims matched and denied, proposals reviewed and written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tests.conftest import SEEDS, Runner
from tracker.extract import propose as proposing
from tracker.extract import review
from tracker.extract.propose import ExtractUnavailable, Proposal, propose
from tracker.record.models import Appearance, Claim, Relation

# Invented reporting about the seeds' actors: none of these sentences is in
# the seed articles.
TEXT = (
    "Kremlin rejects charges over North Korean arms\n"
    "MOSCOW \u2014 The Russian president said on Friday that trade with North Korea"
    " would double.\n"
    '"We will not be told whom to trade with," he added.\n'
    "Moscow denied weapons deliveries from Pyongyang.\n"
    "A Kremlin aide Yury Ushakov said the summit would last two days.\n"
    "The aide said a treaty was ready.\n"
    "Harbour official Lena Varga said the port was closed.\n"
    "Minister Alexander Kozlov said Russia and North Korea are looking at organizing direct"
    " air service between them.\n"
)


@pytest.fixture
def stored(seeded: Engine, tmp_path: Path) -> str:
    """TEXT stored as a source of the seeded database; its id."""
    from tracker.ingest.load import load_paths

    (tmp_path / "report.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "report.yaml").write_text(
        "sources:\n  - id: invented-report\n    file: report.txt\n    outlet: Test Wire\n"
        "    title: Kremlin rejects charges\n    published: '2024-06-21'\n",
        encoding="utf-8",
    )
    load_paths(seeded, [tmp_path / "report.yaml"])
    return "invented-report"


def by_cue(proposals: list[Proposal], content: str) -> Proposal:
    return next(p for p in proposals if p.attribution.content.text.startswith(content))


def test_speakers_resolve_by_alias_pronoun_description_and_capital(session: Session) -> None:
    proposals = propose(session, TEXT)
    assert by_cue(proposals, "trade with North Korea").speaker.actors == ("vladimir-putin",)
    assert by_cue(proposals, "We will not be told").speaker.actors == ("vladimir-putin",)
    assert by_cue(proposals, "weapons deliveries").speaker.actors == ("russia",)
    assert by_cue(proposals, "the summit").speaker.actors == ("yuri-ushakov",)
    assert by_cue(proposals, "a treaty was ready").speaker.actors == ("yuri-ushakov",)


def test_an_unknown_speaker_is_proposed_as_a_new_actor(session: Session) -> None:
    harbour = by_cue(propose(session, TEXT), "the port was closed")
    assert harbour.speaker.actors == ()
    assert (harbour.speaker.new_name, harbour.speaker.new_kind) == (
        "Harbour official Lena Varga",
        "person",
    )


def test_a_denial_is_linked_first_to_a_claim_it_denies(session: Session) -> None:
    denial = by_cue(propose(session, TEXT), "weapons deliveries")
    assert denial.attribution.stance == "denies"
    recorded = session.scalars(
        select(Claim.key)
        .join(Relation, Relation.to_claim_id == Claim.id)
        .where(Relation.relation == "denies")
    ).all()
    assert denial.denies, "no claim proposed"
    assert denial.denies[0].claim in set(recorded)
    # Never one of its own side's claims: Putin's and the Russian government's.
    own = {"putin-nk-supports-war", "moscow-pyongyang-deny-arms"}
    assert not own & {d.claim for d in denial.denies}


def test_the_same_statement_in_other_words_matches_its_claim(session: Session) -> None:
    text = (
        "Russian minister Alexander Kozlov said Russia and North Korea are looking at"
        " organizing direct air service between them."
    )
    (proposal,) = propose(session, text)
    assert proposal.matches[0].claim == "kozlov-air-service"


def test_json_contract(run: Runner, tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text(TEXT, encoding="utf-8")
    result = run("extract", str(article), "-f", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data) == len(propose_file(run, article))
    first = data[0]
    assert set(first) >= {
        "cue", "speaker", "content", "type", "stance", "actor", "via", "claim_text",
        "matches", "denies",
    }  # fmt: skip
    for name in ("cue", "speaker", "content"):
        span = first[name]
        assert TEXT[span["start"] : span["end"]] == span["text"]
    denial = next(p for p in data if p["stance"] == "denies")
    assert denial["actor"] == "russia"
    assert denial["denies"]
    # A recorded claim's id, a proposal's number in this list, or both.
    for d in denial["denies"]:
        assert set(d) == {"id", "proposal", "score"}
        assert d["id"] is not None or 0 < d["proposal"] <= len(data)


def propose_file(run: Runner, path: Path) -> list[Proposal]:
    from tracker.record.db import open_database

    engine = open_database(run.url)
    try:
        with Session(engine) as session:
            return propose(session, path.read_text(encoding="utf-8"))
    finally:
        engine.dispose()


def count(engine: Engine, model: type[Claim] | type[Appearance]) -> int:
    with Session(engine) as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_review_writes_only_what_is_accepted(seeded: Engine, stored: str) -> None:
    """Scripted answers: accept, edit, skip and skip, link, then quit."""
    with Session(seeded) as session:
        proposals = propose(session, source_text(session, stored), source_key=stored)
    assert not any(p.recorded for p in proposals)
    answered: list[str] = []

    def ask(prompt: str, choices: list[str]) -> str:
        """Accept the first, edit the second, link the next that has a
        match, quit after it, skip the rest; a denial's targets as suggested."""
        if "a number" in prompt:
            return choices[0]
        if len(answered) < 2:
            answer = "ae"[len(answered)]
        elif "l" in answered:
            answer = "q"
        else:
            answer = "l" if "l" in choices else "s"
        answered.append(answer)
        return answer

    decisions = review.review(proposals, ask, lambda text: "Edited claim text.", lambda _: None)
    assert [d.link_to is not None for d in decisions] == [False, False, True]
    assert decisions[1].claim_text == "Edited claim text."
    claims, appearances = count(seeded, Claim), count(seeded, Appearance)
    from tracker.record import lock

    with lock.transaction(seeded) as session:
        review.write(session, stored, decisions)
    assert count(seeded, Claim) == claims + 2
    assert count(seeded, Appearance) == appearances + 3
    with Session(seeded) as session:
        assert session.scalar(select(Claim).where(Claim.text == "Edited claim text.")) is not None


def source_text(session: Session, key: str) -> str:
    from tracker.ingest.edit import source_row

    return source_row(session, key).text


def test_cli_review_with_answers_on_stdin(run: Runner, seeded: Engine, stored: str) -> None:
    claims = count(seeded, Claim)
    # The first is the headline's denial: accepted, with its targets as
    # suggested (Enter), then quit.
    result = run_with_input(run, "a\n\nq\n", "extract", stored, "--review")
    assert result.exit_code == 0, result.output
    assert "Wrote 1 of" in result.output
    assert count(seeded, Claim) == claims + 1


def run_with_input(run: Runner, text: str, *args: str):  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from tracker.cli import cli

    return CliRunner().invoke(cli, ["--db", run.url, *args], input=text, catch_exceptions=False)


def test_nothing_is_written_without_an_accept(run: Runner, seeded: Engine) -> None:
    claims, appearances = count(seeded, Claim), count(seeded, Appearance)
    for args in (["-f", "json"], ["-f", "yaml"], [], ["--review"]):
        result = run_with_input(run, "s\n" * 60, "extract", "ani-20240618", *args)
        assert result.exit_code == 0, result.output
    assert (count(seeded, Claim), count(seeded, Appearance)) == (claims, appearances)


def test_accept_all_writes_every_proposal_with_a_speaker_and_its_denials(
    run: Runner, seeded: Engine
) -> None:
    """On a seed article most statements are recorded already: only the rest
    is written (the denial's noun phrase is a new claim of its own)."""
    claims = count(seeded, Claim)
    with Session(seeded) as session:
        key = "star-advertiser-20240618"
        proposals = propose(session, source_text(session, key), source_key=key)
    assert sum(bool(p.recorded) for p in proposals) > 10
    result = run("extract", key, "--accept-all")
    assert result.exit_code == 0, result.output
    with Session(seeded) as session:
        assert count(seeded, Claim) == claims + sum(map(review.writable, proposals))
        denial = session.scalars(
            select(Claim).where(Claim.text == "No arms transfers took place.")
        ).one()
        targets = session.scalars(
            select(Claim.key)
            .join(Relation, Relation.to_claim_id == Claim.id)
            .where(Relation.from_claim_id == denial.id)
        ).all()
    assert "miller-arms-charge" in targets


def test_yaml_loads_as_a_data_file(tmp_path: Path, engine: Engine) -> None:
    """Proposals for a database holding only actors and sources load back as
    claims, every quote anchored."""
    from tracker.ingest.load import load_paths

    load_paths(engine, [SEEDS / "actors.yaml", SEEDS / "sources.yaml"])
    url = engine.url.render_as_string(hide_password=False)
    result = Runner(url)("extract", "star-advertiser-20240618", "-f", "yaml")
    assert result.exit_code == 0, result.output
    proposed = tmp_path / "proposed.yaml"
    proposed.write_text(result.output, encoding="utf-8")
    data = yaml.safe_load(result.output)
    report = load_paths(engine, [proposed])
    assert report.created["claims"] == len(data["claims"]) > 10
    # Loading it again changes nothing.
    assert not load_paths(engine, [proposed]).changed


def test_a_file_cannot_be_written_until_stored(run: Runner, tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text(TEXT, encoding="utf-8")
    result = run("extract", str(article), "--accept-all")
    assert result.exit_code == 2
    assert "tracker add source" in result.output


def test_an_unknown_source_is_one_line(run: Runner) -> None:
    result = run("extract", "no-such-source")
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "no-such-source" in result.output


def test_without_spacy_the_message_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "spacy", None)
    proposing.pipeline.cache_clear()
    try:
        with pytest.raises(ExtractUnavailable, match=r"pip install 'tracker\[extract\]'"):
            proposing.pipeline()
    finally:
        proposing.pipeline.cache_clear()


def test_no_other_command_imports_spacy(run: Runner) -> None:
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from tracker.cli import cli\n"
        f"for args in (['contested'], ['show', 'miller-arms-charge'], ['report', '--all']):\n"
        f"    r = CliRunner().invoke(cli, ['--db', {run.url!r}, *args])\n"
        "    assert r.exit_code == 0, r.output\n"
        "print('spacy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
