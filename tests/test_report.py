"""`tracker report`: structure checked with a real CommonMark/GFM parser.

Every report is parsed with markdown-it-py (tables, strikethrough, footnotes)
and checked for intact tables, matched footnotes, no raw HTML, no foreign
links, the expected sections, and the contested claims and Mermaid graph the
database holds. Hostile text goes through every field, by hypothesis.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin
from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session

from tests.conftest import Runner
from tracker.errors import InputError
from tracker.ingest.anchor import anchors
from tracker.ingest.checks import CONTROL, CONTROL_OR_BREAK, check_url
from tracker.ingest.dataset import (
    ActorSpec,
    AppearanceSpec,
    ClaimSpec,
    Dataset,
    SourceSpec,
)
from tracker.ingest.fields import Where
from tracker.ingest.load import load_dataset, load_paths
from tracker.query import queries
from tracker.record.models import Actor, Claim, Claimant, Topic
from tracker.record.names import resolve_actor
from tracker.render import views
from tracker.render.markdown import md_text, md_url, mermaid_label, one_line
from tracker.render.report import DIAGRAM_MAX_CLAIMS, build_context
from tracker.render.report_context import Report, Scope
from tracker.render.templating import render

EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "example-report.md"
MAP_SECTION = "Map of the contest"
REPORT_SECTIONS = ["Summary", "Contests", MAP_SECTION, "Claims", "Actor track record", "Sources"]
TIMESTAMP = re.compile(r"^_Generated \d{4}-\d\d-\d\d \d\d:\d\d UTC by tracker \S+\._$", re.M)


# -- parsing helpers -------------------------------------------------------------


def parse(text: str) -> tuple[list[Token], dict[str, Any]]:
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"]).use(footnote_plugin)
    env: dict[str, Any] = {}
    return md.parse(text, env), env


def walk(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        yield from walk(token.children or [])


def inline_text(token: Token) -> str:
    """What an inline token renders as, as plain text."""
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


def raw_cells(line: str) -> int:
    """Cells in one raw table row, split as GFM does: on pipes not escaped."""
    cells, current, i = [], "", 0
    line = line.strip()
    while i < len(line):
        if line[i] == "\\":
            current += line[i : i + 2]
            i += 2
        elif line[i] == "|":
            cells.append(current)
            current, i = "", i + 1
        else:
            current += line[i]
            i += 1
    cells.append(current)
    if line.startswith("|"):
        cells.pop(0)
    if line.endswith("|") and not line.endswith("\\|"):
        cells.pop()
    return len(cells)


def check_tables(tokens: list[Token], lines: list[str]) -> None:
    for i, token in enumerate(tokens):
        if token.type != "table_open":
            continue
        assert token.map is not None
        rows = lines[token.map[0] : token.map[1]]
        header = raw_cells(rows[0])
        assert all(raw_cells(row) == header for row in rows), rows
        parsed_rows = 0
        for t in tokens[i:]:
            parsed_rows += t.type == "tr_open"
            if t.type == "table_close":
                break
        # Header and every body row survive as rows (the delimiter row aside).
        assert parsed_rows == len(rows) - 1, rows


def check_footnotes(text: str, tokens: list[Token], env: dict[str, Any]) -> set[str]:
    refs = {t.meta["label"] for t in walk(tokens) if t.type == "footnote_ref"}
    definitions = Counter(re.findall(r"^\[\^([^\]]+)\]: ", text, re.M))
    assert all(n == 1 for n in definitions.values()), definitions
    assert set(definitions) == refs
    parsed = {key[1:] for key in env.get("footnotes", {}).get("refs", {})}
    assert parsed == refs
    return refs


def check_document(text: str) -> list[Token]:
    """The structure every report must have, whatever its data."""
    tokens, env = parse(text)
    assert not [t for t in walk(tokens) if t.type in ("html_inline", "html_block")]
    assert not [t for t in tokens if t.type in ("code_block", "hr")]
    check_tables(tokens, text.splitlines())
    check_footnotes(text, tokens, env)
    assert [t.tag for t in tokens if t.type == "heading_open"].count("h1") == 1
    assert text.endswith("\n") and not text.endswith("\n\n")
    return tokens


def headings(tokens: list[Token], tag: str) -> list[str]:
    return [
        inline_text(tokens[i + 1])
        for i, t in enumerate(tokens)
        if t.type == "heading_open" and t.tag == tag
    ]


def cells(line: str) -> list[str]:
    """The raw cells of one table row, split as GFM does: on pipes not escaped."""
    found, current, i = [], "", 0
    line = line.strip()
    while i < len(line):
        if line[i] == "\\":
            current += line[i : i + 2]
            i += 2
        elif line[i] == "|":
            found.append(current.strip())
            current, i = "", i + 1
        else:
            current += line[i]
            i += 1
    found.append(current.strip())
    return found[1:-1]


def table_under(text: str, heading: str) -> list[list[str]]:
    """The body rows of the table under `## heading` (none if it has no table)."""
    part = text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in part.splitlines() if line.startswith("|")]
    return [cells(row) for row in rows[2:]]


def summary(text: str) -> dict[str, int]:
    """The summary table's figures, by column title."""
    part = text.split("\n## Summary\n", 1)[1].split("\n## ", 1)[0]
    header, _, values = (line for line in part.splitlines() if line.startswith("|"))
    return dict(zip(cells(header), map(int, cells(values)), strict=True))


def check_summary(text: str) -> dict[str, int]:
    """Every figure of the summary is what the body shows."""
    figures = summary(text)
    claims = table_under(text, "Claims")
    tokens, _ = parse(text)
    assert figures["Claims"] == len(claims)
    assert figures["Contested claims"] == sum(row[3] == "contested" for row in claims)
    assert figures["Contests"] == len(contest_titles(tokens))
    assert figures["Actors"] == len(table_under(text, "Actor track record"))
    assert figures["Sources"] == len(table_under(text, "Sources"))
    # The claims table holds each claim once, and every claim a section shows.
    ids = [row[4] for row in claims]
    assert len(ids) == len(set(ids))
    shown = set(re.findall(r"\(ID: ([a-z0-9-]+)[,)]", text))
    assert shown <= {i.replace("\\", "") for i in ids}
    return figures


def sections(tokens: list[Token]) -> dict[str, str]:
    """The plain text under each h3 heading, by heading."""
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            current = (
                found.setdefault(inline_text(tokens[i + 1]), []) if token.tag == "h3" else None
            )
        elif token.type == "inline" and current is not None:
            current.append(inline_text(token))
    return {title: "\n".join(texts) for title, texts in found.items()}


def links(tokens: list[Token]) -> list[str]:
    return [str(t.attrs["href"]) for t in walk(tokens) if t.type == "link_open"]


_MERMAID_LINE = re.compile(
    r'flowchart LR|  subgraph g\d+\["[^"]*"\]|    c\d+\["[^"]*"\]|  end'
    r'|  c\d+ -->\|"[a-z]+"\| c\d+'
)
_ENTITY = re.compile(r"#\d+;")
_UNSAFE_IN_LABEL = re.compile(r'[;"<>`%&(){}\[\]#]')


def unsafe_in_label(label: str) -> bool:
    """Whether a label holds a character Mermaid reads as syntax, outside
    the entity codes (`#35;`) that stand for such characters."""
    return bool(_UNSAFE_IN_LABEL.search(_ENTITY.sub("", label)))


def mermaid_counts(tokens: list[Token]) -> tuple[set[str], int, int]:
    """(distinct node labels, node count, edge count) over all flowcharts,
    after checking every line against the grammar we emit."""
    labels: set[str] = set()
    nodes = edges = 0
    for fence in (t for t in tokens if t.type == "fence" and t.info == "mermaid"):
        for line in fence.content.splitlines():
            assert _MERMAID_LINE.fullmatch(line), line
            label = re.search(r'\["(.*)"\]$', line)
            if label:
                assert not unsafe_in_label(label[1]), line
            if line.startswith("    c"):
                nodes += 1
                labels.add(line.split("[", 1)[0].strip())
            edges += "-->" in line
    return labels, nodes, edges


def expected_contest(session: Session, flt: queries.ClaimFilter) -> tuple[list[Claim], int, int]:
    """Contests (their challenged claims), nodes and edges, from the queries."""
    contested = queries.contested(session, flt)
    counters = {r.from_claim.key for c in contested for r in views.counter_relations(c)}
    edges = sum(len(views.counter_relations(c)) for c in contested)
    return contested, len({c.key for c in contested} | counters), edges


def contest_titles(tokens: list[Token]) -> list[str]:
    """The headings of the contest sections ("1. claim text")."""
    found, inside = [], False
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h2":
            inside = inline_text(tokens[i + 1]) == "Contests"
        elif token.type == "heading_open" and token.tag == "h3" and inside:
            found.append(inline_text(tokens[i + 1]))
    return found


def check_contest(text: str, contested: list[Claim], nodes: int, edges: int) -> None:
    tokens = check_document(text)
    found = sections(tokens)
    titles = contest_titles(tokens)
    assert len(titles) == len(contested)
    for claim in contested:
        title = next(t for t in titles if t.split(". ", 1)[1] == one_line(claim.text).strip())
        for relation in views.counter_relations(claim):
            assert one_line(relation.from_claim.text) in found[title]
    if contested:
        assert MAP_SECTION in headings(tokens, "h2")
        _, node_count, edge_count = mermaid_counts(tokens)
        if len(contested) <= DIAGRAM_MAX_CLAIMS:
            assert node_count == nodes
        assert edge_count == edges


# -- the seed dataset ------------------------------------------------------------


def test_whole_database_report(run: Runner, session: Session) -> None:
    result = run("report", "--no-timestamp")
    assert result.exit_code == 0, result.output
    contested, nodes, edges = expected_contest(session, queries.ClaimFilter())
    assert len(contested) == 5
    check_contest(result.stdout, contested, nodes, edges)
    tokens, _ = parse(result.stdout)
    assert headings(tokens, "h2") == REPORT_SECTIONS
    assert headings(tokens, "h1") == ["Claims and counter-claims"]
    # Ushakov's claims are known to June 2024 only, and may be later than the 18th.
    assert "**Data as of:** 2024-06\n" in result.stdout
    # 44 claims, 6 of them contested (5 challenged and the denial), in 5 contests.
    assert summary(result.stdout) == {
        "Claims": 44,
        "Contested claims": 6,
        "Contests": 5,
        "Actors": 14,
        "Sources": 3,
    }


def test_contested_claims_newest_first_with_strongest_quote(run: Runner) -> None:
    text = run("report", "--no-timestamp").stdout
    tokens, _ = parse(text)
    assert [t.split(". ", 1)[0] for t in contest_titles(tokens)] == ["1", "2", "3", "4", "5"]
    order = [text.index(key) for key in ("miller-arms-charge", "trilateral-arms-supply")]
    assert order == sorted(order)
    # trilateral-arms-supply prefers its longer direct quote over the paraphrase.
    assert "“strongly condemn the provision of military equipment and munitions”[^" in text


@pytest.mark.parametrize(
    ("args", "flt", "title"),
    [
        (["--topic", "arms-transfers"], {"topic": "arms-transfers"}, "on arms-transfers"),
        (["--topic", "trade"], {"topic": "trade"}, "on trade"),
        (["--since", "2024"], {"since": dt.date(2024, 1, 1)}, "since 2024-01-01"),
        (["--until", "2023-12"], {"until": dt.date(2023, 12, 31)}, "until 2023-12-31"),
        (["--actor", "Miller"], {"actor": "Miller"}, "Dossier: Matthew Miller"),
        (["--actor", "Pyongyang"], {"actor": "Pyongyang"}, "Dossier: North Korean government"),
    ],
)
def test_scopes(
    run: Runner, session: Session, args: list[str], flt: dict[str, Any], title: str
) -> None:
    result = run("report", "--no-timestamp", *args)
    assert result.exit_code == 0, result.output
    if "actor" in flt:
        flt["actor_ids"] = {resolve_actor(session, flt.pop("actor")).id}
    contested, nodes, edges = expected_contest(session, queries.ClaimFilter(**flt))
    check_contest(result.stdout, contested, nodes, edges)
    assert title in result.stdout.splitlines()[0]


def test_actor_dossier(run: Runner) -> None:
    text = run("report", "--no-timestamp", "--actor", "Pyongyang").stdout
    tokens = check_document(text)
    assert headings(tokens, "h2")[:4] == [
        "Summary",
        "North Korean government",
        "Claims by North Korean government over time",
        "Claims North Korean government counters",
    ]
    # The joint denial answers five claims of others, and is in contest with them.
    counters = text.split("## Claims North Korean government counters")[1].split("##")[0]
    assert counters.count("| denies |") == 5
    claims = text.split("over time")[1].split("##")[0]
    denial = next(line for line in claims.splitlines() if "moscow-pyongyang-deny-arms" in line)
    assert "| contested | denies United States government, Japanese government" in denial
    assert denial.count("denies ") == 5 and "denies Matthew Miller (miller-arms-charge)" in denial


@pytest.mark.parametrize("key", ["moscow-pyongyang-deny-arms", "miller-arms-charge"])
def test_claim_scope(run: Runner, session: Session, key: str) -> None:
    result = run("report", "--no-timestamp", "--claim", key)
    assert result.exit_code == 0, result.output
    found = queries.claim(session, key)
    thread = {found.key} | {r.from_claim.key for r in found.relations_in}
    thread |= {r.to_claim.key for r in found.relations_out}
    contested = [c for c in queries.contested(session) if c.key in thread]
    counters = {r.from_claim.key for c in contested for r in views.counter_relations(c)}
    edges = sum(len(views.counter_relations(c)) for c in contested)
    check_contest(result.stdout, contested, len({c.key for c in contested} | counters), edges)
    assert f"Claim thread: {key}" in result.stdout
    # The claim asked for comes first, whole: every quote, every relation.
    tokens, _ = parse(result.stdout)
    assert headings(tokens, "h2")[:2] == ["Summary", "The claim"]
    assert headings(tokens, "h3")[0] == one_line(found.text)
    focus = result.stdout.split("## The claim")[1].split("\n## ")[0]
    assert focus.count("\n> “") == len(found.appearances)
    assert focus.count("\n- **") == len(found.relations_in) + len(found.relations_out)


SCOPES = [
    [],
    ["--topic", "arms-transfers"],
    ["--topic", "putin-visit"],
    ["--since", "2024-06"],
    ["--until", "2023"],
    ["--actor", "Miller"],
    ["--actor", "Moscow"],
    ["--actor", "Putin"],
]


@pytest.mark.parametrize("args", SCOPES, ids=lambda a: " ".join(a) or "all")
def test_summary_adds_up_in_every_scope(run: Runner, args: list[str]) -> None:
    result = run("report", "--no-timestamp", *args)
    assert result.exit_code == 0, result.output
    check_summary(result.stdout)


def test_summary_adds_up_for_every_claim_thread(run: Runner, session: Session) -> None:
    for claim in queries.claims(session):
        text = run("report", "--no-timestamp", "--claim", claim.key).stdout
        figures = check_summary(text)
        thread = {claim.key} | {r.from_claim.key for r in claim.relations_in}
        thread |= {r.to_claim.key for r in claim.relations_out}
        assert figures["Claims"] >= len(thread), claim.key
        # The claim asked for is in the report, first, whatever its status.
        assert text.split("## The claim\n\n### ", 1)[1].startswith(md_text(claim.text))


def test_an_uncontested_claims_report_shows_the_claim(run: Runner) -> None:
    text = run("report", "--no-timestamp", "--claim", "putin-nk-supports-war").stdout
    tokens = check_document(text)
    assert "No contests in this report." in text
    assert [row[4] for row in table_under(text, "Claims")] == [
        "putin-nk-supports-war",
        "nk-media-supports-war",
        "lavrov-nk-supports-war",
    ]
    assert headings(tokens, "h3")[0].startswith("North Korea has given Russia unwavering support")
    assert summary(text)["Claims"] == 3


def test_as_of_keeps_the_precision_of_the_data(session: Session) -> None:
    """A claim known only to May 2030 makes the report "as of 2030-05", not
    of an invented first day."""
    source = SourceSpec(
        "later-source", "Outlet", "Title", None, dt.date(2030, 4, 2), "day", "en", [], None,
        "Later text.", HERE,
    )  # fmt: skip
    month = ClaimSpec(
        "month-claim", "A claim of May 2030.", ["matthew-miller"], dt.date(2030, 5, 1), "month",
        [], [appearance(source, "Later", 0, None, None)], [], HERE,
    )  # fmt: skip
    load_dataset(session, Dataset(sources=[source], claims=[month]))
    try:
        context = build_context(session, Scope())
        assert context.as_of == "2030-05"
        assert "**Data as of:** 2030-05\n" in render(context)
    finally:
        session.rollback()


def seed_claim(key: str, by: str, stated: dt.date, relations: list[tuple[str, str]]) -> ClaimSpec:
    """A claim quoting the Star-Advertiser's denial sentence."""
    quote = AppearanceSpec(
        "star-advertiser-20240618", "Moscow and Pyongyang have denied arms transfers",
        "paraphrase", None, None, None, HERE,
    )  # fmt: skip
    return ClaimSpec(key, f"Claim {key}.", [by], stated, "day", [], [quote], relations, HERE)


def test_a_dossier_scoped_by_date_shows_the_claims_it_contests(session: Session) -> None:
    """Russia denies, in 2024, a claim of 2023: a dossier of Russia since 2024
    shows the denial, and the charge it answers, in the body and the figures."""
    denial = seed_claim(
        "russia-denies-again",
        "russia",
        dt.date(2024, 6, 20),
        [("denies", "trilateral-arms-supply")],
    )
    load_dataset(session, Dataset(claims=[denial]))
    try:
        context = build_context(session, Scope(actor="Russia", since=dt.date(2024, 6, 1)))
        text = render(context)
        check_document(text)
        check_summary(text)
        assert context.dossier is not None
        assert [(c.claim.id, c.target.id) for c in context.dossier.counters] == [
            ("russia-denies-again", "trilateral-arms-supply")
        ]
        assert "trilateral-arms-supply" in {c.id for c in context.claims}
    finally:
        session.rollback()


def test_counters_that_are_no_contest_stay_out_of_the_contests(
    session: Session, run: Runner
) -> None:
    """A dispute from Miller's own government and a denial its author took
    back are recorded, marked in listings, but no contest in the report, and
    the track record counts contests as `tracker actors` does."""
    day, charge = dt.date(2024, 6, 20), "miller-arms-charge"
    claims = [
        seed_claim("own-side-dispute", "united-states", day, [("disputes", charge)]),
        seed_claim("withdrawn-denial", "china", day, [("denies", charge)]),
        seed_claim("withdrawal", "china", day, [("retracts", "withdrawn-denial")]),
    ]
    load_dataset(session, Dataset(claims=claims))
    session.commit()
    context = build_context(session, Scope())
    miller = next(c for c in context.contested if c.claim.id == "miller-arms-charge")
    assert [c.claim.id for c in miller.counters] == ["moscow-pyongyang-deny-arms"]
    rows = {a.name: a.countered for a in context.actors}
    counts = {a["name"]: a["counters"] for a in json.loads(run("actors", "-f", "json").stdout)}
    assert rows["United States government"] == counts["United States government"] == 0
    assert rows["Chinese government"] == counts["Chinese government"] == 0
    shown = json.loads(run("show", "miller-arms-charge", "-f", "json").stdout)
    assert {(c["id"], c["contest"]) for c in shown["counter_claims"]} == {
        ("moscow-pyongyang-deny-arms", True),
        ("own-side-dispute", False),
        ("withdrawn-denial", False),
    }
    rows = csv.DictReader(io.StringIO(run("claims", "-f", "csv", "--since", "2024-06-20").stdout))
    contest = {row["ID"]: row["Contest"] for row in rows}
    assert contest["own-side-dispute"].endswith("(not a contest)")
    assert contest["withdrawn-denial"].endswith("(not a contest)")


def test_summary_adds_up_on_generated_data(engine: Engine, tmp_path: Path) -> None:
    """A few hundred generated claims (benchmarks/generate.py): many contests,
    counter-claims from outside each scope, claimants in several roles."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    import generate

    generate.generate(tmp_path / "data", claims=300, actors=60, seed=7)
    load_paths(engine, [tmp_path / "data"])
    with Session(engine) as session:
        busiest = session.scalars(
            select(Actor.name)
            .join(Claimant, Claimant.actor_id == Actor.id)
            .group_by(Actor.name)
            .order_by(func.count().desc(), Actor.name)
        ).first()
        some_claim = session.scalars(select(Claim.key).order_by(Claim.key)).first()
        topic = session.scalars(select(Topic.topic).order_by(Topic.topic)).first()
        assert busiest and some_claim and topic
        for scope in (
            Scope(),
            Scope(actor=busiest),
            Scope(claim=some_claim),
            Scope(topic=topic),
            Scope(since=dt.date(2023, 1, 1)),
        ):
            text = render(build_context(session, scope))
            check_document(text)
            figures = check_summary(text)
            if scope == Scope():
                assert (
                    figures["Contests"] > 20 and figures["Contested claims"] > figures["Contests"]
                )


def test_same_database_same_bytes(run: Runner) -> None:
    first = run("report", "--no-timestamp").stdout_bytes
    assert first == run("report", "--no-timestamp").stdout_bytes


def test_timestamp_is_one_marked_line(run: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = run("report", "--no-timestamp").stdout
    stamped = run("report").stdout
    lines = TIMESTAMP.findall(stamped)
    assert len(lines) == 1 and not TIMESTAMP.search(plain)
    assert stamped.replace(lines[0] + "\n\n", "", 1) == plain
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert "_Generated 2023-11-14 22:13 UTC by tracker" in run("report").stdout


def test_output_file(run: Runner, tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    result = run("report", "--no-timestamp", "-o", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert target.read_text(encoding="utf-8") == run("report", "--no-timestamp").stdout


def test_output_file_unwritable(run: Runner, tmp_path: Path) -> None:
    result = run("report", "-o", str(tmp_path / "missing" / "report.md"))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: cannot write ")


def test_example_report_is_current(run: Runner) -> None:
    """docs/example-report.md is the seed dataset's report, byte for byte."""
    result = run("report", "--no-timestamp")
    assert result.exit_code == 0, result.output
    assert result.stdout == EXAMPLE.read_text(encoding="utf-8"), (
        "docs/example-report.md is stale: regenerate it with"
        " `tracker report --no-timestamp -o docs/example-report.md` on the seed database"
    )


# -- templates ---------------------------------------------------------------------


def test_user_template(run: Runner, tmp_path: Path) -> None:
    template = tmp_path / "mine.md.j2"
    template.write_text(
        '{% import "macros.md.j2" as m %}# {{ title }}\n\n'
        "{% for item in contested %}- {{ item.claim.id }}: {{ item.claim.quote.text }}"
        "{{ item.claim.quote.source | cite }}\n{% endfor %}\n"
        '{{ "<b>not html</b>" }}\n\n'
        "{% for s in sources %}[^{{ s.number }}]: {{ m.source_note(s) | markdown }}\n{% endfor %}",
        encoding="utf-8",
    )
    result = run("report", "--template", str(template))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Claims and counter-claims\n\n- miller-arms-charge: ")
    assert "\\<b\\>not html\\</b\\>" in result.stdout
    tokens, env = parse(result.stdout)
    check_footnotes(result.stdout, tokens, env)


@pytest.mark.parametrize(
    ("body", "message"),
    [("{% for %}", "template "), ("{{ nothing.here }}", "'nothing' is undefined")],
)
def test_broken_template(run: Runner, tmp_path: Path, body: str, message: str) -> None:
    template = tmp_path / "broken.md.j2"
    template.write_text(body, encoding="utf-8")
    result = run("report", "--template", str(template))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: template ") and message in result.stderr
    assert result.stderr.count("\n") == 1


def test_template_cannot_reach_python_internals(run: Runner, tmp_path: Path) -> None:
    template = tmp_path / "evil.md.j2"
    template.write_text("{{ report.__class__.__init__.__globals__ }}", encoding="utf-8")
    result = run("report", "--template", str(template))
    assert result.exit_code == 1 and "Error: template" in result.stderr


# -- errors ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "code", "start"),
    [
        (["--actor", "Nobody Atall"], 1, "Error: no actor matches 'Nobody Atall'"),
        (["--actor", "Korea"], 2, "Error: 'Korea' matches"),
        (["--claim", "no-such-claim"], 1, "Error: no claim with id 'no-such-claim'"),
    ],
)
def test_errors_are_one_line(run: Runner, args: list[str], code: int, start: str) -> None:
    result = run("report", *args)
    assert result.exit_code == code
    assert result.stderr.startswith(start) and result.stderr.count("\n") == 1
    assert result.stdout == ""


@pytest.mark.parametrize(
    "args", [["--claim", "miller-arms-charge", "--topic", "x"], ["--since", "June"]]
)
def test_usage_errors(run: Runner, args: list[str]) -> None:
    assert run("report", *args).exit_code == 2


# -- hostile text ------------------------------------------------------------------

HOSTILE = [
    "|", "*", "_", "`", "<", ">", "[", "]", "\n", "\r\n", "\n\n", "\\", "&", "$", "~", "!",
    '"', ";", "(", ")", "{", "}", "#", "%", "@", ":", "^", "=", "+", "-", "1.", "\t", "    ",
    "<script>alert(1)</script>", "<!-- x -->", "<b>", "</div>", "[x](http://evil.example)",
    "![i](http://evil.example/i.png)", "[^1]", "\n[^1]: fake", "[x]: http://evil.example",
    "```", "\n```\n", "~~~", "\n# H\n", "\n- item", "\n1. item", "\n> quote", "\n---\n",
    "\n===\n", "&lt;", "&#60;", "#quot;", "#35;", "%%", "%%{init: {}}%%", "end", " end ",
    "http://evil.example", "https://evil.example/x", "www.evil.example", "me@evil.example",
    "$x$", "~~s~~", "**b**", "_i_", "\u2028", "\x85", "\x0b", "\u00a0", "<http://evil.example>",
    "javascript:alert(1)", "| --- |", "\\|", "\\", "-->", "---|", "c1", "subgraph", "\u202e",
]  # fmt: skip

hostile_text = st.lists(
    st.one_of(
        st.sampled_from(HOSTILE),
        st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=4),
    ),
    max_size=6,
).map(lambda parts: "".join(parts)[:90])
hostile_url = st.one_of(
    hostile_text,
    hostile_text.map(lambda s: "https://example.org/" + s),
    st.sampled_from(["https://example.org/a?b=1&c=|x|", "http://x.example/<b>`*_[]"]),
)


@given(hostile_text)
@settings(max_examples=400, deadline=None)
def test_md_text_renders_exactly_the_text(value: str) -> None:
    """Escaped text parses back to exactly its one-line form, as plain text,
    in a paragraph, at the start of a line and in a table cell."""
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"]).use(footnote_plugin)
    escaped = md_text(value)
    expected = one_line(value)
    for document, wrap in (
        (f"a {escaped} z", f"a {expected} z"),
        (f"| h |\n| --- |\n| a {escaped} z |", f"a {expected} z"),
    ):
        tokens = md.parse(document)
        inlines = [t for t in tokens if t.type == "inline"]
        body = inlines[-1]
        assert {c.type for c in body.children or []} <= {"text"}, document
        assert inline_text(body) == wrap
    if expected:
        tokens = md.parse(escaped)
        assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]
    # GFM's extended autolinks (GitHub) start at "://", "www." and "@".
    assert not re.search(r"(?<!\\):(?=//)|(?i:\bwww\.)|(?<!\\)@", escaped), escaped


@given(hostile_url)
@settings(max_examples=300, deadline=None)
def test_md_url_links_only_web_addresses(value: str) -> None:
    tokens = parse(f"| u |\n| --- |\n| {md_url(value)} |")[0]
    found = links(tokens)
    assert len(found) <= 1
    for href in found:
        assert href.startswith(("http://", "https://"))
    assert [t.type for t in tokens if t.type.startswith("t")][:2] == ["table_open", "thead_open"]


@given(hostile_text)
@settings(max_examples=300, deadline=None)
def test_mermaid_label_stays_one_quoted_label(value: str) -> None:
    label = mermaid_label(value)
    assert label.startswith('"') and label.endswith('"') and "\n" not in label
    assert not unsafe_in_label(label[1:-1])


@dataclass
class Hostile:
    claim: str
    counter: str
    quote: str
    counter_quote: str
    claimant: str
    counterer: str
    via: str
    outlet: str
    title: str
    url: str
    cue: str
    topic: str


# A quote holds something to quote: white space alone is refused (tests/test_load.py).
quote_text = hostile_text.filter(lambda s: s.strip())
hostile_data = st.builds(
    Hostile,
    claim=hostile_text,
    counter=hostile_text,
    quote=quote_text,
    counter_quote=quote_text,
    claimant=hostile_text,
    counterer=hostile_text,
    via=hostile_text,
    outlet=hostile_text,
    title=hostile_text,
    url=hostile_url,
    cue=hostile_text,
    topic=hostile_text,
)


HERE = Where(Path("hostile"), 1)


def appearance(
    source: SourceSpec, quote: str, start: int, cue: str | None, via: str | None
) -> AppearanceSpec:
    # `occurrence` counts whole-word matches, as the loader does: "(sc" in
    # "(sctie / (sc" occurs once, not twice.
    nth = [a.start for a in anchors(source.text, quote)].index(start) + 1
    return AppearanceSpec(source.key, quote, "direct", cue, via, nth, HERE)


def storable(h: Hostile) -> Hostile:
    """The hostile data as the loader admits it (tracker/ingest/checks.py): no
    control characters, no line breaks in one-line fields, required fields
    not blank. The report must still neutralise all the rest."""

    def line(value: str, filler: str = "") -> str:
        value = CONTROL_OR_BREAK.sub("", value)
        return value if value.strip() else filler

    def text(value: str, filler: str = "") -> str:
        value = CONTROL.sub("", value)
        return value if value.strip() else filler

    def address(value: str) -> str:
        # Only http(s) is stored; what follows its host stays hostile.
        value = line(value)
        try:
            check_url(HERE, "source", "url", value, 10_000)
        except InputError:
            value = "https://example.org/" + value
        return value

    return Hostile(
        claim=text(h.claim, "c"),
        counter=text(h.counter, "c"),
        quote=text(h.quote, "q"),
        counter_quote=text(h.counter_quote, "q"),
        claimant=line(h.claimant),
        counterer=line(h.counterer),
        via=line(h.via),
        outlet=line(h.outlet, "o"),
        title=line(h.title, "t"),
        url=address(h.url),
        cue=line(h.cue),
        topic=line(h.topic, "t"),
    )


def add_hostile(session: Session, h: Hostile) -> None:
    """A claim and its denial, every field hostile, written by the loader."""

    def actor(key: str, name: str, kind: str, aliases: list[str]) -> ActorSpec:
        # A plain word first: the loader refuses names that normalise to
        # nothing or to another actor's name.
        return ActorSpec(key, f"{key} {name}", kind, None, aliases, [], HERE)

    text = f"{h.quote} / {h.counter_quote}"
    source = SourceSpec(
        "hostile-source", h.outlet, h.title, h.url, dt.date(2030, 1, 2), "day", "en",
        ["hostile-via"], None, text, HERE,
    )  # fmt: skip

    def claim(key: str, body: str, actor: str, quote: str, start: int) -> ClaimSpec:
        found = appearance(source, quote, start, h.cue[:100] or None, "hostile-via")
        return ClaimSpec(
            key, body, [actor], dt.date(2030, 1, 1), "day", [h.topic[:100]], [found], [], HERE
        )

    denial = claim("hostile-denial", h.counter, "hostile-b", h.counter_quote, len(h.quote) + 3)
    denial.relations.append(("denies", "hostile-charge"))
    dataset = Dataset(
        actors=[
            actor("hostile-a", h.claimant, "person", ["Zzhostile"]),
            actor("hostile-b", h.counterer, "group", []),
            actor("hostile-via", h.via, "organization", []),
        ],
        sources=[source],
        claims=[claim("hostile-charge", h.claim, "hostile-a", h.quote, 0), denial],
    )
    load_dataset(session, dataset)


@given(data=hostile_data)
# The counter-quote also occurs inside a word of the quote: once as whole words.
@example(data=Hostile("c", "c", "x-4,(sctie", "(sc", "", "", "", "o", "t", "", "", "t"))
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_hostile_text_never_breaks_the_report(session: Session, data: Hostile) -> None:
    data = storable(data)
    try:
        add_hostile(session, data)
        for scope in (Scope(), Scope(actor="Zzhostile"), Scope(claim="hostile-denial")):
            context = build_context(session, scope, dt.datetime(2030, 1, 3, tzinfo=dt.UTC))
            check_hostile_report(session, context, render(context), data)
    finally:
        session.rollback()


def check_hostile_report(session: Session, context: Report, text: str, data: Hostile) -> None:
    tokens = check_document(text)
    # Our links only: the source's address, when it is a web address.
    expected_links = sum(md_url(s.url).startswith("<") for s in context.sources if s.url)
    assert len(links(tokens)) == expected_links
    assert all(href.startswith(("http://", "https://")) for href in links(tokens))
    h2 = headings(tokens, "h2")
    before = (3 if context.dossier else 0) + (1 if context.focus else 0)
    assert h2[:1] + h2[1 + before :] == REPORT_SECTIONS
    check_summary(text)
    titles = contest_titles(tokens)
    assert len(titles) == len(context.contested)
    assert titles[0] == f"1. {one_line(data.claim)}".strip()
    section = sections(tokens)[titles[0]]
    assert one_line(data.counter) in section
    assert one_line(data.quote) in section and one_line(data.counter_quote) in section
    _, nodes, edges = mermaid_counts(tokens)
    assert edges == sum(len(c.counters) for c in context.contested)
    assert nodes == len(
        {c.claim.id for c in context.contested}
        | {k.claim.id for c in context.contested for k in c.counters}
    )
    # Table cells show names, outlet and title whole, whatever they hold.
    cells = {inline_text(t).strip() for t in walk(tokens) if t.type == "inline"}
    for value in (f"hostile-a {data.claimant}", f"hostile-b {data.counterer}"):
        assert one_line(value).strip() in cells
    for value in (data.outlet, data.title):
        assert one_line(value).strip() in cells


# -- bounded SQL and large reports ---------------------------------------------------


def statements(engine: Engine, session: Session, scope: Scope) -> tuple[int, Report]:
    count = 0

    def counted(*_args: Any) -> None:
        nonlocal count
        count += 1

    # The count must profit neither from an earlier count's loading nor from
    # the objects the loader left in the session.
    session.expunge_all()
    event.listen(engine, "before_cursor_execute", counted)
    try:
        context = build_context(session, scope)
    finally:
        event.remove(engine, "before_cursor_execute", counted)
    session.expunge_all()
    return count, context


def add_contest(
    session: Session, claims: int, topic: str | None = None, actor: str | None = None
) -> tuple[set[str], set[str]]:
    """`claims` claims by one actor, each denied by another actor's claim.

    With `topic`, every added claim has that topic. With `actor` (an existing
    actor's id), it makes the even-numbered charges and the odd-numbered
    denials, so it both is countered and counters. Returns the ids of the
    charges and of the claims `actor` makes.
    """
    source = SourceSpec(
        "bulk-source", "Bulk outlet", "Bulk title", None, dt.date(2025, 1, 2), "day", "en", [],
        None, "Bulk source text.", HERE,
    )  # fmt: skip

    def claim(key: str, actor: str) -> ClaimSpec:
        found = appearance(source, "Bulk", 0, None, None)
        text = f"Bulk claim {key}"
        topics = [topic] if topic else []
        return ClaimSpec(key, text, [actor], dt.date(2025, 1, 1), "day", topics, [found], [], HERE)

    specs = []
    charges, made = set(), set()
    for i in range(claims):
        charger = actor if actor and i % 2 == 0 else "bulk-charger"
        denier = actor if actor and i % 2 == 1 else "bulk-denier"
        denial = claim(f"bulk-{i:03}-denial", denier)
        denial.relations.append(("denies", f"bulk-{i:03}"))
        specs += [claim(f"bulk-{i:03}", charger), denial]
        charges.add(f"bulk-{i:03}")
        made.add(f"bulk-{i:03}" if charger == actor else f"bulk-{i:03}-denial")
    actors = [
        ActorSpec(key, key.replace("-", " "), "person", None, [], [], HERE)
        for key in ("bulk-charger", "bulk-denier")
    ]
    load_dataset(session, Dataset(actors=actors, sources=[source], claims=specs))
    return charges, made if actor else set()


@pytest.mark.parametrize(
    ("scope", "actor"),
    [(Scope(), None), (Scope(actor="Pyongyang"), "north-korea"), (Scope(topic="trade"), None)],
)
def test_statements_do_not_grow_with_the_data(
    seeded: Engine, session: Session, scope: Scope, actor: str | None
) -> None:
    """The added claims fall inside the scope (its topic, its actor on both
    sides), so the larger report really holds more: contested claims and, for
    an actor, its dossier's claims and counters. The small count is taken
    with a few such claims already added, so that both counts go down every
    path (counter-claims from outside the scope, dossier counters): the
    comparison is of a few rows against many, not of none against some.
    (The first count also holds the session's BEGIN on SQLite: not compared.)"""
    _, seed = statements(seeded, session, scope)
    add_contest(session, 2, topic=scope.topic, actor=actor)
    small, _ = statements(seeded, session, scope)
    added = DIAGRAM_MAX_CLAIMS + 10
    charges, made = add_contest(session, added, topic=scope.topic, actor=actor)
    large, report = statements(seeded, session, scope)
    session.rollback()
    assert small == large <= 30

    def contested(r: Report) -> set[str]:
        return {c.claim.id for c in r.contested}

    assert len(charges) == added and not charges & contested(seed)
    assert contested(report) == contested(seed) | charges
    assert (seed.dossier is None) == (report.dossier is None) == (actor is None)
    if actor is not None:
        assert len(made) == added

        def dossier(r: Report) -> tuple[set[str], set[tuple[str, str]], set[str]]:
            assert r.dossier is not None
            claimed = {d.claim.id for d in r.dossier.claims}
            answered = {d.claim.id for d in r.dossier.claims if d.countered_by}
            return claimed, {(d.claim.id, d.target.id) for d in r.dossier.counters}, answered

        claimed, countering, answered = dossier(seed)
        denials = {(f"{c}-denial", c) for c in charges if f"{c}-denial" in made}
        assert dossier(report) == (claimed | made, countering | denials, answered | made & charges)
        assert denials and made & charges  # the actor is on both sides


def test_large_contest_is_split_into_readable_flowcharts(session: Session) -> None:
    add_contest(session, DIAGRAM_MAX_CLAIMS + 10)
    context = build_context(session, Scope())
    text = render(context)
    session.rollback()
    tokens = check_document(text)
    charts = [t for t in tokens if t.type == "fence" and t.info == "mermaid"]
    assert len(charts) == 2 and len(context.contested) == DIAGRAM_MAX_CLAIMS + 15
    assert [(d.first, d.last) for d in context.diagrams] == [(1, 50), (51, 65)]
    _, _, edges = mermaid_counts(tokens)
    assert edges == DIAGRAM_MAX_CLAIMS + 10 + 5
    for chart in charts:
        assert chart.content.count("-->") <= DIAGRAM_MAX_CLAIMS * 4


def test_a_contest_shows_every_quote_of_a_claim_reported_twice(run: Runner) -> None:
    """A counter-claim with two appearances is shown with both, the strongest
    first, each footnoted; the charge too."""
    added = run(
        "add", "appearance", "moscow-pyongyang-deny-arms", "--source",
        "star-advertiser-20240618", "--quote", "denied arms transfers", "--cue", "denied",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    text = run("report", "--claim", "miller-arms-charge", "--no-timestamp").stdout
    first = text[text.index("### 1. ") : text.index("### 2. ")]
    denial = first[first.index("- **denies**") :]
    quotes = re.findall(r"^  > “(.*?)”\[\^\d+\]$", denial, re.M)
    # The direct quote first, then the paraphrase.
    assert quotes == ["denied arms transfers", "Moscow and Pyongyang have denied arms transfers"]
    assert "  > — direct quote, denied" in denial and "  > — paraphrase, have denied" in denial
