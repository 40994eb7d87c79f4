"""Prove the hand-written peers (benchmarks/peers.py) print what tracker prints.

    python benchmarks/check_peers.py                          # seeds + edge cases, both backends
    python benchmarks/check_peers.py --data /tmp/gen10k       # a generated dataset instead
    python benchmarks/check_peers.py --sqlite-only
    python benchmarks/check_peers.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test
    python benchmarks/check_peers.py --use sqlite:////tmp/x.db  # an existing database, as it is

Builds a database on each backend (a temporary SQLite file; a database
`peers_check_<random>` created on the PostgreSQL server, dropped afterwards),
loads it with `tracker load`, then runs every peer command and the same
`tracker ... -f json` command and compares their output byte for byte, printing
OK or DIFF (with the first differing lines) per command; `contested-sql`
(SQLite only) is compared once parsed. Exits 1 on any DIFF.

The default data is the seed dataset plus edge cases the seeds lack, added
by a data file (EDGE_ACTORS, EDGE_CLAIMS) and `tracker relate`
(EDGE_RELATIONS): retractions (of a claim with one claimant and with several),
counters to and from retracted claims and from the same side, corroboration
from another side, from the same side and from a retracted claim, roles with
periods (a former official; a member through a ministry for a few years)
against claims dated inside, outside and without the period, mutual counters
(dated, same day, undated, one dated and one not, one direction no contest).
Verdicts and evidence (EDGE_REVIEWED: each reviewer's latest, evidence on a
claim and on a verdict, first appearances by source and by URL) and edits
(EDGE_EDITS, EDGE_UNDONE: corrections of text, date and claimants; a silent
edit, one of topics only, one undone) follow. On it, by-actor and show run for
every actor and claim.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TRACKER = Path(sys.executable).with_name("tracker")
PEERS = HERE / "peers.py"
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

_QUOTE = (
    "{source: star-advertiser-20240618, quote: Moscow and Pyongyang have denied arms transfers}"
)
_VIA = (
    "{source: ani-20240618, quote: establish independent transaction systems,"
    " type: paraphrase, cue: according to, via: tass}"
)

# Seeds' side facts used below: Putin, Ushakov, Kozlov, Lavrov and TASS hold
# roles in `russia` (Putin and Lavrov from a date); Miller is in the US State
# Department, in `united-states`; `china`, `japan` and `south-korea` stand alone.
EDGE_ACTORS = """actors:
  - id: edge-former-aide
    name: Edge Former Aide
    kind: person
    roles:
      - {title: Deputy Minister, of: russia, start: '2000-01-01', end: '2010-12-31'}
  - id: edge-ministry
    name: Edge Ministry
    kind: organization
    description: A ministry of Russia from 2015
    roles:
      - {title: Ministry, of: russia, start: '2015-01-01'}
  - id: edge-official
    name: Edge Official
    kind: person
    aliases: [Official of the Edge, "Édge Öfficial"]
    roles:
      - {title: Spokesperson, of: edge-ministry, start: '2016-01-01', end: '2018-12-31'}
      - {title: Adviser, of: japan}
  - {id: edge-desk, name: Edge Desk, kind: organization}
  - {id: edge-checker, name: Edge Checker, kind: organization}
"""

# Verdicts and evidence: a reviewer's latest by date (undated older than
# dated; on the same date, the one recorded last), evidence on a claim and on
# a verdict, first appearances by source and by URL.
EDGE_REVIEWED = f"""  - id: edge-reviewed-charge
    text: Edge case of a reviewed charge.
    claimants: [japan]
    stated: '2024-06-21'
    first_appearance: {{url: 'https://edge.example/briefing'}}
    appearances:
      - {_QUOTE}
    reviews:
      - by: edge-desk
        rating: Accurate
        value: 4
        best: 5
        worst: 1
        date: '2024-06-22'
        url: https://edge.example/check/1
        explanation: The port records agree.
        evidence:
          - {{url: 'https://edge.example/a.pdf', stance: supports, kind: report}}
          - {{url: 'https://edge.example/b.pdf', stance: refutes, title: Other, shows: none}}
      - {{by: edge-desk, rating: Misleading}}
      - {{by: edge-checker, rating: 'False', date: '2024-06-23'}}
      - {{by: edge-checker, rating: Mixed, value: 2.5, best: 5, worst: 0, date: '2024-06-23'}}
    evidence:
      - {{url: 'https://edge.example/c.pdf', stance: refutes, title: Port records,
          date: '2024-05-01', kind: dataset, shows: Ships in port}}
      - {{url: 'https://edge.example/d.png', stance: supports}}
  - id: edge-reviewed-denial
    text: Edge case of a reviewed denial.
    claimants: [china]
    stated: '2024-06-22'
    first_appearance: {{source: ani-20240618}}
    appearances:
      - {_QUOTE}
    reviews:
      - {{by: edge-checker, rating: Unproven, explanation: "No «evidence» either way"}}
    relations: {{denies: [edge-reviewed-charge]}}
"""

# (id, claimants, stated, relation, target): each claim's one relation.
EDGE_CLAIMS: list[tuple[str, str, str | None, str, str]] = [
    # Role periods: a former official against claims of the government served.
    ("edge-former-2024", "edge-former-aide", "2024-06-20", "denies", "visit-announcement"),
    ("edge-former-2009", "edge-former-aide", "2009", "denies", "visit-first-in-24-years"),
    ("edge-former-2010-12", "edge-former-aide", "2010-12", "denies", "visit-announcement"),
    ("edge-former-2011", "edge-former-aide", "2011", "undercuts", "china-russia-drills-provoke"),
    ("edge-former-undated", "edge-former-aide", None, "disputes", "china-russia-drills-provoke"),
    # A member through a ministry, for a few years.
    ("edge-official-2017", "edge-official", "2017-03", "denies", "visit-announcement"),
    ("edge-official-2019", "edge-official", "2019-01-15", "denies", "visit-first-in-24-years"),
    ("edge-official-undated", "edge-official", None, "disputes", "miller-putin-desperate"),
    # Retractions (only a claimant may retract: the loader refuses anyone else),
    # of a claim with one claimant and of one with several; a counter to a
    # retracted claim; a counter from the same side.
    ("edge-ushakov-retracts", "yuri-ushakov", "2024-06-25", "retracts", "ushakov-second-visit"),
    ("edge-media-retracts", "kcna, north-korean-state-media", "2024-07", "retracts",
     "nk-media-sacred-war"),
    ("edge-denies-retracted", "matthew-miller", "2024-06-26", "denies", "ushakov-second-visit"),
    ("edge-same-side", "yuri-ushakov", "2024-06-02", "denies", "ushakov-talks-planned"),
    # Corroboration: from another side, from the same side, of a contested claim.
    ("edge-china-corroborates", "china", "2024-06-19", "corroborates", "kozlov-air-service"),
    ("edge-tass-corroborates", "tass", "2024-06-19", "corroborates", "kozlov-passenger-traffic"),
    ("edge-japan-corroborates", "japan", None, "corroborates", "miller-arms-charge"),
    ("edge-supports", "japan", "2024", "supports", "visit-at-kim-invitation"),
    # Mutual counters: listed once, under the earlier (by date, then id; dated first).
    ("edge-mutual-early", "japan", "2024-01-10", "denies", "edge-mutual-late"),
    ("edge-mutual-late", "china", "2024-02-10", "disputes", "edge-mutual-early"),
    ("edge-tie-b", "china", "2024-03-01", "denies", "edge-tie-a"),
    ("edge-tie-a", "japan", "2024-03-01", "undercuts", "edge-tie-b"),
    ("edge-undated-y", "china", None, "denies", "edge-undated-x"),
    ("edge-undated-x", "japan", None, "denies", "edge-undated-y"),
    ("edge-dated-d", "japan", "2024-04-01", "disputes", "edge-undated-u"),
    ("edge-undated-u", "china", None, "disputes", "edge-dated-d"),
    # One direction a contest, the other not (china shares a side with itself).
    ("edge-asym-a", "japan, china", "2024-05-01", "denies", "edge-asym-b"),
    ("edge-asym-b", "china", "2024-05-02", "denies", "edge-asym-a"),
    # The same day as a seed claim: ordered by id.
    ("edge-same-day", "south-korea", "2024-06-17", "restates", "us-skorea-arms-concern"),
]  # fmt: skip


def edge_data() -> str:
    """EDGE_ACTORS and EDGE_CLAIMS as a data file (one that refers to the seeds)."""
    lines = [EDGE_ACTORS, "claims:"]
    for key, by, stated, relation, target in EDGE_CLAIMS:
        when = "null" if stated is None else f"'{stated}'"
        lines += [
            f"  - id: {key}",
            f"    text: Edge case {key}.",
            f"    claimants: [{by}]",
            f"    stated: {when}",
            "    topics: [edge]",
            "    appearances:",
            f"      - {_QUOTE}",
            *([f"      - {_VIA}"] if key == "edge-japan-corroborates" else []),
            f"    relations: {{{relation}: [{target}]}}",
        ]
    return "\n".join(lines) + "\n" + EDGE_REVIEWED


# Relations from seed claims, added after the load.
EDGE_RELATIONS = [
    ("ushakov-second-visit", "miller-putin-desperate", "disputes"),  # from a retracted claim
    ("ushakov-second-visit", "yonhap-workers-dispatch", "corroborates"),  # likewise
    ("miller-arms-charge", "moscow-pyongyang-deny-arms", "disputes"),  # mutual with a seed denial
    ("trilateral-human-toll", "lavrov-nk-supports-war", "undercuts"),
    ("nk-media-sacred-war", "us-sanctions-transfers", "denies"),  # from a retracted claim
]

# Edits after the load, for `show`'s corrections: of the text, then the date
# (two corrections of one claim), of the claimants, and three that are not
# corrections: a silent one, one of topics only, and one undone (EDGE_UNDONE).
EDGE_EDITS = [
    ["edge-former-2024", "--text", "Edge case edge-former-2024, reworded."],
    ["edge-former-2024", "--on", "2024-06"],
    ["edge-official-2017", "--claimant", "japan", "--no-claimant", "edge-official"],
    ["edge-reviewed-charge", "--undated", "--claimant", "china"],
    ["edge-same-side", "--text", "Edge case edge-same-side, a typo fixed.", "--silent"],
    ["edge-supports", "--topic", "extra"],
]
EDGE_UNDONE = ["edge-tie-a", "--text", "Edge case edge-tie-a, said otherwise.", "--on", "2023"]

SEARCHES = [
    "ballistic missiles",
    "arms transfers",
    "Putin visit North Korea",
    "denied",
    "the sacred war",
    '"ballistic missiles"',
    "munitions -ballistic",
    "denied OR rejected",
    "edge case",
    "nothing-matches-this",
]


@dataclass
class Outcome:
    backend: str
    command: list[str]
    ok: bool
    detail: str = ""


def _run(argv: Sequence[str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(list(argv), capture_output=True, check=False, cwd=ROOT)


def _first_difference(mine: bytes, theirs: bytes) -> str:
    a = mine.decode(errors="replace").splitlines()
    b = theirs.decode(errors="replace").splitlines()
    diff = list(difflib.unified_diff(b, a, "tracker", "peer", n=1, lineterm=""))
    shown = diff[:24] + ([f"... ({len(diff) - 24} more diff lines)"] if len(diff) > 24 else [])
    return "\n".join("      " + line for line in shown)


def compare(backend: str, url: str, command: list[str]) -> Outcome:
    """The peer's output against tracker's: byte for byte, or parsed for contested-sql."""
    if command == ["contested-sql"]:
        tracker = _run([str(TRACKER), "--db", url, "contested", "-f", "json"])
    else:
        tracker = _run([str(TRACKER), "--db", url, *command, "-f", "json"])
    peer = _run([sys.executable, str(PEERS), "--db", url, *command])
    if tracker.returncode != 0 or peer.returncode != 0:
        return Outcome(
            backend,
            command,
            False,
            f"      exit tracker {tracker.returncode}, peer {peer.returncode}: "
            + (tracker.stderr + peer.stderr).decode(errors="replace").strip(),
        )
    if command == ["contested-sql"]:
        same = json.loads(peer.stdout) == json.loads(tracker.stdout)
        return Outcome(backend, command, same, "" if same else "      parsed JSON differs")
    if peer.stdout == tracker.stdout:
        return Outcome(backend, command, True)
    return Outcome(backend, command, False, _first_difference(peer.stdout, tracker.stdout))


def _sql_rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    if url.startswith("postgres"):
        import psycopg

        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
            return [tuple(r) for r in conn.execute(sql).fetchall()]
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        return conn.execute(sql).fetchall()


def commands(url: str, everything: bool) -> list[list[str]]:
    """What to compare on the database at `url`: the listings, and by-actor and
    show for every actor and claim (`everything`) or for a telling sample."""
    found: list[list[str]] = [
        ["contested"],
        ["claims"],
        ["claims", "--limit", "50"],
        ["contested", "--limit", "50"],
        ["contested", "--limit", "3"],
    ]
    if everything:
        actors = [k for (k,) in _sql_rows(url, "SELECT key FROM actors ORDER BY key")]
        claims = [k for (k,) in _sql_rows(url, "SELECT key FROM claims ORDER BY key")]
        words = SEARCHES
    else:
        actors = [
            k
            for (k,) in _sql_rows(
                url,
                """SELECT key FROM (
                    SELECT a.key, count(*) AS n FROM actors a
                    JOIN claimants m ON m.actor_id = a.id GROUP BY a.key
                    ORDER BY n DESC, a.key LIMIT 4) AS busiest
                UNION SELECT key FROM (
                    SELECT a.key FROM actors a
                    JOIN claimants m ON m.actor_id = a.id
                    JOIN relations r ON r.from_claim_id = m.claim_id
                    WHERE r.relation IN ('denies', 'disputes', 'undercuts')
                    GROUP BY a.key ORDER BY count(*) DESC, a.key LIMIT 4) AS counters
                UNION SELECT key FROM (
                    SELECT key FROM actors a WHERE NOT EXISTS (
                        SELECT 1 FROM claimants m WHERE m.actor_id = a.id)
                    ORDER BY key LIMIT 1) AS idle""",
            )
        ]
        claims = [
            k
            for (k,) in _sql_rows(
                url,
                """SELECT key FROM (
                    SELECT c.key FROM claims c JOIN relations r
                      ON c.id IN (r.from_claim_id, r.to_claim_id)
                    GROUP BY c.key ORDER BY count(*) DESC, c.key LIMIT 8) AS related
                UNION SELECT key FROM (
                    SELECT key FROM claims WHERE stated_on IS NULL ORDER BY key LIMIT 2) AS u
                UNION SELECT key FROM (
                    SELECT c.key FROM claims c JOIN relations r ON r.to_claim_id = c.id
                    WHERE r.relation = 'corroborates' ORDER BY c.key LIMIT 2) AS corroborated
                UNION SELECT key FROM (
                    SELECT key FROM claims ORDER BY key LIMIT 2) AS first""",
            )
        ]
        texts = _sql_rows(url, "SELECT text FROM claims ORDER BY key LIMIT 3")
        words = SEARCHES[:4] + [" ".join(t.split()[:3]) for (t,) in texts]
    found += [["by-actor", k] for k in sorted(actors)]
    found += [["show", k] for k in sorted(claims)]
    found += [["search", q] for q in words]
    return found


def check(backend: str, url: str, everything: bool, jobs: int) -> list[Outcome]:
    todo = commands(url, everything)
    if backend == "sqlite":
        todo.append(["contested-sql"])
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        outcomes = list(pool.map(lambda c: compare(backend, url, c), todo))
    for o in outcomes:
        print(f"{'OK  ' if o.ok else 'DIFF'}  {o.backend:<10}  {' '.join(o.command)}")
        if o.detail:
            print(o.detail)
    sys.stdout.flush()
    return outcomes


def load(url: str, data: Sequence[Path], edges: bool) -> None:
    paths = [str(p) for p in data]
    with tempfile.TemporaryDirectory() as folder:
        if edges:
            (Path(folder) / "edge.yaml").write_text(edge_data(), encoding="utf-8")
            paths.append(folder)
        done = _run([str(TRACKER), "--db", url, "load", *paths])
        if done.returncode != 0:
            raise SystemExit(f"load failed: {done.stderr.decode()}")
    if edges:
        for from_id, to_id, relation in EDGE_RELATIONS:
            relate = ["relate", from_id, to_id, "--relation", relation]
            done = _run([str(TRACKER), "--db", url, *relate])
            if done.returncode != 0:
                raise SystemExit(f"relate failed: {done.stderr.decode()}")
        for edit in [*EDGE_EDITS, EDGE_UNDONE]:
            done = _run([str(TRACKER), "--db", url, "edit", "claim", *edit])
            if done.returncode != 0:
                raise SystemExit(f"edit failed: {done.stderr.decode()}")
        (last,) = _sql_rows(url, "SELECT max(id) FROM changes")[0]
        done = _run([str(TRACKER), "--db", url, "undo", str(last)])
        if done.returncode != 0:
            raise SystemExit(f"undo failed: {done.stderr.decode()}")


@contextmanager
def postgres_database(server: str) -> Iterator[str]:
    """A fresh database on the server of `server` (a URL), dropped afterwards."""
    import psycopg

    name = f"peers_check_{uuid.uuid4().hex[:8]}"
    admin = server.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    address, _, query = server.partition("?")
    try:
        yield f"{address.rsplit('/', 1)[0]}/{name}" + (f"?{query}" if query else "")
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data", type=Path, nargs="+", help="Data to load instead of the seeds and edge cases."
    )
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, metavar="URL", help="Server.")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--use", metavar="URL", help="Check this database as it is; load nothing.")
    parser.add_argument("--all", action="store_true", help="by-actor and show for every one.")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args(argv)
    data = args.data or [ROOT / "seeds"]
    edges = args.data is None
    everything = args.all or edges
    outcomes: list[Outcome] = []
    if args.use:
        backend = "postgresql" if args.use.startswith("postgres") else "sqlite"
        outcomes += check(backend, args.use, everything, args.jobs)
    else:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{folder}/check.db"
            load(url, data, edges)
            outcomes += check("sqlite", url, everything, args.jobs)
        if not args.sqlite_only:
            with postgres_database(args.postgres) as url:
                load(url, data, edges)
                outcomes += check("postgresql", url, everything, args.jobs)
    failed = [o for o in outcomes if not o.ok]
    print(f"{len(outcomes) - len(failed)} OK, {len(failed)} DIFF")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
