"""tracker at archive scale, beside hand-written peers: one table per backend.

    python benchmarks/scale.py                                  # 10k and 100k, SQLite
    python benchmarks/scale.py --sizes 10000 100000 1000000 \\
        --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        --work /var/tmp/tracker-scale --repeat 3 --json results.json --explain plans.txt

For each size: generate the dataset once (benchmarks/generate.py, fixed seed,
kept in --work), load it with `tracker load` into a fresh database beside the
peer loader (benchmarks/peer_load.py: PyYAML's C loader and `executemany`)
into another, reload it (no change) beside the peer's parse alone, then time
each read command beside its peer (benchmarks/peers.py: sqlite3 / psycopg and
SQL typed out; `contested-sql` is one SQL statement run by the `sqlite-utils`
command line). Each pair runs alternately, --repeat times; the table shows
medians of wall time and the highest peak RSS (GNU time's %M, the
process itself). Outputs are hashed as they stream: a peer that prints other
bytes than tracker (in any run) stops the run with exit status 1 and one line,
`output differs: COMMAND against PEER`; the rows measured so far are in --json.

Start-up rows pair `tracker --help` with `python -c "import click"`, and a
one-claim `show` with `import sqlalchemy.orm` followed by the peer's query.
Growth rows (`--limit 50`) compare each size with the smallest. --explain
writes PostgreSQL's EXPLAIN (ANALYZE, BUFFERS) of every distinct statement
the listings send, on the largest size.

PostgreSQL: databases scale_t_<n> and scale_p_<n> are created on the server
(dropped first if they exist) and kept for inspection; --drop removes them.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
TRACKER = str(BIN / "tracker")
PY = sys.executable


@dataclass
class Sample:
    seconds: float
    rss_mb: float
    digest: str
    exit_code: int


@dataclass
class Row:
    size: int
    backend: str
    label: str
    tracker_s: float
    tracker_mb: float
    peer: str = ""
    peer_s: float | None = None
    peer_mb: float | None = None
    same: str = ""
    runs: int = 1
    samples: dict[str, list[float]] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        return self.tracker_s / self.peer_s if self.peer_s else None


# The child's peak RSS is read by /usr/bin/time, not from wait4: Linux counts
# in a child's ru_maxrss the memory of the process it was forked from (this
# runner's, before exec), which would set a floor under every figure.
TIME = "/usr/bin/time"


def run(argv: Sequence[str], parse_json: bool = False) -> Sample:
    """Run argv; time it, hash what it prints as it comes, read its peak RSS."""
    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r") as peak:
        started = time.perf_counter()
        timed = [TIME, "-f", "%M", "-o", peak.name, *argv]
        proc = subprocess.Popen(timed, stdout=subprocess.PIPE, stderr=err)
        assert proc.stdout is not None
        digest = hashlib.sha256()
        kept = bytearray()
        while chunk := proc.stdout.read(1 << 20):
            digest.update(chunk)
            if parse_json:
                kept += chunk
        proc.wait()
        seconds = time.perf_counter() - started
        if proc.returncode != 0:
            err.seek(0)
            message = err.read().decode(errors="replace").strip().splitlines()
            raise SystemExit(f"{' '.join(argv)}: exit {proc.returncode}: {message[-1:]}")
        rss_mb = int(peak.read().split()[-1]) / 1024
    if parse_json:
        canonical = json.dumps(json.loads(kept), sort_keys=True).encode()
        return Sample(seconds, rss_mb, hashlib.sha256(canonical).hexdigest(), 0)
    return Sample(seconds, rss_mb, digest.hexdigest(), 0)


def pair(
    rows: list[Row],
    size: int,
    backend: str,
    label: str,
    mine: Sequence[str],
    theirs: Sequence[str] | None,
    peer: str = "",
    repeat: int = 1,
    compare: bool = True,
    parse_json: bool = False,
) -> Row:
    """Run tracker's command and its peer alternately; record medians and peaks."""
    a: list[Sample] = []
    b: list[Sample] = []
    for _ in range(repeat):
        a.append(run(mine, parse_json))
        if theirs is not None:
            b.append(run(theirs, parse_json))
    row = Row(
        size,
        backend,
        label,
        statistics.median(s.seconds for s in a),
        max(s.rss_mb for s in a),
        peer,
        runs=repeat,
        samples={"tracker": [s.seconds for s in a], "peer": [s.seconds for s in b]},
    )
    if b:
        row.peer_s = statistics.median(s.seconds for s in b)
        row.peer_mb = max(s.rss_mb for s in b)
        if compare:
            row.same = "yes" if all(s.digest == a[0].digest for s in [*a, *b]) else "NO"
    rows.append(row)
    print(_line(row), file=sys.stderr, flush=True)
    if SAVE_TO is not None:  # after every row: a long run's results survive its interruption
        SAVE_TO.write_text(json.dumps([asdict(r) for r in rows], indent=1))
    if row.same == "NO":
        # A ratio against a program that prints other bytes measures nothing.
        raise OutputDiffers(f"output differs: {' '.join(mine)} against {' '.join(theirs or [])}")
    return row


class OutputDiffers(SystemExit):
    """A peer printed other bytes than tracker: the run stops, its one line on
    stderr and exit status 1 (SystemExit's, for a message)."""


SAVE_TO: Path | None = None


# -- data and databases --------------------------------------------------------------


def dataset(work: Path, size: int) -> Path:
    folder = work / f"g{size}"
    if not (folder / ".complete").exists():
        print(f"generating {size:,} claims into {folder}", file=sys.stderr, flush=True)
        # generate.py's default seed: the same arguments give the same bytes.
        gen = [PY, str(HERE / "generate.py"), "--claims", str(size), "--out", str(folder)]
        subprocess.run(gen, check=True)
        (folder / ".complete").touch()
    return folder


class Backend:
    """Fresh, migrated, empty databases on one backend."""

    name = "sqlite"

    def __init__(self, work: Path) -> None:
        self.work = work

    def fresh(self, tag: str) -> str:
        path = self.work / f"{tag}.sqlite"
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
        subprocess.run([TRACKER, "--db", url, "db", "upgrade"], check=True, capture_output=True)
        return url

    def drop(self, url: str) -> None:
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)

    def scalar(self, url: str, sql: str) -> Any:
        with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
            return connection.execute(sql).fetchone()[0]


class Postgres(Backend):
    name = "postgresql"

    def __init__(self, work: Path, server: str) -> None:
        super().__init__(work)
        self.server = server

    def _admin(self, sql: str) -> None:
        import psycopg

        dsn = self.server.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(sql)

    def fresh(self, tag: str) -> str:
        self._admin(f"DROP DATABASE IF EXISTS scale_{tag} WITH (FORCE)")
        self._admin(f"CREATE DATABASE scale_{tag}")
        base, _, _ = self.server.rpartition("/")
        url = f"{base}/scale_{tag}"
        subprocess.run([TRACKER, "--db", url, "db", "upgrade"], check=True, capture_output=True)
        return url

    def drop(self, url: str) -> None:
        self._admin(f"DROP DATABASE IF EXISTS {url.rpartition('/')[2]} WITH (FORCE)")

    def scalar(self, url: str, sql: str) -> Any:
        import psycopg

        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as connection:
            row = connection.execute(sql).fetchone()
            assert row is not None
            return row[0]


BUSIEST = """SELECT a.key FROM actors a JOIN claimants m ON m.actor_id = a.id
    GROUP BY a.key ORDER BY count(*) DESC, a.key LIMIT 1"""
MOST_RELATED = """SELECT c.key FROM claims c JOIN relations r ON r.to_claim_id = c.id
    GROUP BY c.key ORDER BY count(*) DESC, c.key LIMIT 1"""


# -- one size on one backend ---------------------------------------------------------


def bench(backend: Backend, size: int, data: Path, repeat: int, rows: list[Row]) -> str:
    """Every row for one size; returns the URL of the database tracker loaded."""
    name = backend.name
    peers = [PY, str(HERE / "peers.py")]
    peer_load = [PY, str(HERE / "peer_load.py"), str(data)]

    url = backend.fresh(f"t_{size}")
    peer_url = backend.fresh(f"p_{size}")
    pair(
        rows,
        size,
        name,
        "first load",
        [TRACKER, "--db", url, "load", str(data)],
        [*peer_load, "--db", peer_url],
        "PyYAML CSafeLoader + executemany",
        compare=False,
    )
    backend.drop(peer_url)
    pair(
        rows,
        size,
        name,
        "reload, no change",
        [TRACKER, "--db", url, "load", str(data)],
        [*peer_load, "--parse-only"],
        "the same parse, no database",
        compare=False,
    )

    actor = backend.scalar(url, BUSIEST)
    claim = backend.scalar(url, MOST_RELATED)
    words = "withdraw convoys"
    t = [TRACKER, "--db", url]
    # tracker turns PostgreSQL's JIT off (tracker/record/db.py): so do the peers.
    peer_db = f"{url}?options=-c%20jit%3Doff" if name == "postgresql" else url
    p = [*peers, "--db", peer_db]
    listings: list[tuple[str, list[str], list[str] | None]] = [
        ("contested -f json", [*t, "contested", "-f", "json"], [*p, "contested"]),
        ("claims -f json", [*t, "claims", "-f", "json"], [*p, "claims"]),
        (
            "by-actor <busiest> -f json",
            [*t, "by-actor", actor, "-f", "json"],
            [*p, "by-actor", actor],
        ),
        (
            "show <most countered> -f json",
            [*t, "show", claim, "-f", "json"],
            [*p, "show", claim],
        ),
        (f'search "{words}" -f json', [*t, "search", words, "-f", "json"], [*p, "search", words]),
        (
            "contested --limit 50 -f json",
            [*t, "contested", "--limit", "50", "-f", "json"],
            [*p, "contested", "--limit", "50"],
        ),
        (
            "claims --limit 50 -f json",
            [*t, "claims", "--limit", "50", "-f", "json"],
            [*p, "claims", "--limit", "50"],
        ),
    ]
    for label, mine, theirs in listings:
        pair(rows, size, name, label, mine, theirs, "hand-written SQL", repeat)
    if name == "sqlite":
        pair(
            rows,
            size,
            name,
            "contested -f json",
            [*t, "contested", "-f", "json"],
            [*p, "contested-sql"],
            "one SQL statement, sqlite-utils",
            repeat,
            compare=False,  # compact JSON: equal once parsed, proved by check_peers.py
        )
    contested_json = next(
        r for r in rows if (r.size, r.backend, r.label) == (size, name, "contested -f json")
    )
    alone = [("by-actor <busiest> --limit 50 -f json", [*t, "by-actor", actor, "--limit", "50"])]
    if size <= 100_000:  # what these add is known from the smaller sizes
        alone += [("contested (table, piped)", [*t, "contested"])]
        alone += [("claims -f csv", [*t, "claims", "-f", "csv"])]
    for label, mine in alone:
        if label.startswith("by-actor"):
            mine = [*mine, "-f", "json"]
        pair(rows, size, name, label, mine, None, repeat=repeat)
    report = pair(rows, size, name, "report --no-timestamp", [*t, "report", "--no-timestamp"], None)
    report.peer, report.peer_s, report.peer_mb = (
        "tracker contested -f json",
        contested_json.tracker_s,
        contested_json.tracker_mb,
    )
    startup = [PY, "-c", "import click"]
    for flag in ("--help", "--version"):
        pair(rows, size, name, flag, [TRACKER, flag], startup, "python -c 'import click'", 5, False)
    show_peer = (
        "import runpy, sys, sqlalchemy.orm; "
        f"sys.argv = ['peers.py', '--db', {peer_db!r}, 'show', {claim!r}]; "
        f"runpy.run_path({str(HERE / 'peers.py')!r}, run_name='__main__')"
    )
    pair(
        rows,
        size,
        name,
        "start-up: show <claim> -f json",
        [*t, "show", claim, "-f", "json"],
        [PY, "-c", show_peer],
        "import sqlalchemy.orm + the query",
        5,
    )
    return url


# -- EXPLAIN -----------------------------------------------------------------------


def explain(url: str, commands: list[list[str]], out: Path) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) every distinct statement the commands send."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from tracker.cli import cli

    sent: dict[str, Any] = {}

    def capture(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        schema_check = "pg_catalog" in statement or "alembic_version" in statement
        if statement.lstrip().upper().startswith(("SELECT", "WITH")) and not schema_check:
            sent.setdefault(statement, params)

    event.listen(Engine, "before_cursor_execute", capture)
    with out.open("w", encoding="utf-8") as fh:
        for argv in commands:
            sent.clear()
            # Output to /dev/null: a full listing of a million claims is gigabytes.
            with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
                cli.main(["--db", url, *argv], standalone_mode=False)
            fh.write(f"\n{'=' * 100}\n$ tracker {' '.join(argv)}: {len(sent)} statements\n")
            import psycopg

            dsn = url.replace("postgresql+psycopg://", "postgresql://")
            with psycopg.connect(dsn) as connection:
                for statement, params in sent.items():
                    plan = connection.execute(
                        "EXPLAIN (ANALYZE, BUFFERS) " + statement,
                        params,
                    ).fetchall()
                    fh.write(f"\n-- {' '.join(statement.split())[:300]}\n")
                    fh.writelines(f"{line}\n" for (line,) in plan)
    event.remove(Engine, "before_cursor_execute", capture)


# -- the table -----------------------------------------------------------------------


def _s(seconds: float | None) -> str:
    if seconds is None:
        return ""
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.1f} s"


def _mb(mb: float | None) -> str:
    return "" if mb is None else f"{mb:,.0f} MB"


def _line(row: Row) -> str:
    ratio = f"{row.ratio:.2f}x" if row.ratio is not None else ""
    return (
        f"{row.backend:<10} {row.size:>9,} {row.label:<38} {_s(row.tracker_s):>9} "
        f"{_mb(row.tracker_mb):>9}  {_s(row.peer_s):>9} {_mb(row.peer_mb):>9} {ratio:>7} {row.same}"
    )


TIMES = "\N{MULTIPLICATION SIGN}"


def markdown(rows: list[Row]) -> str:
    """One table per backend: a row per command, a column per size, each cell
    tracker's time / its peer's (ratio); peak memory at the largest size."""
    sizes = sorted({r.size for r in rows})
    out = []
    for backend in dict.fromkeys(r.backend for r in rows):
        mine = [r for r in rows if r.backend == backend]
        largest = max(r.size for r in mine)
        out.append(
            f"\n**{backend}**: tracker / peer (ratio); peak RSS, tracker / peer, at the"
            f" largest size a command ran ({largest:,} claims unless its last cell is empty)\n"
        )
        out.append(
            "| command | peer | " + " | ".join(f"{n:,} claims" for n in sizes) + " | peak RSS |"
        )
        out.append("|---|---|" + "---:|" * len(sizes) + "---:|")
        for label, peer in dict.fromkeys((r.label, r.peer) for r in mine):
            cells = []
            biggest: Row | None = None
            for n in sizes:
                row = next((r for r in mine if (r.size, r.label, r.peer) == (n, label, peer)), None)
                if row is None:
                    cells.append("")
                    continue
                biggest = row
                cell = _s(row.tracker_s)
                if row.peer_s is not None:
                    cell += f" / {_s(row.peer_s)} ({row.ratio:.2f}{TIMES})"
                cells.append(cell)
            assert biggest is not None
            rss = _mb(biggest.tracker_mb) + (
                f" / {_mb(biggest.peer_mb)}" if biggest.peer_mb is not None else ""
            )
            out.append(f"| `{label}` | {peer} | " + " | ".join(cells) + f" | {rss} |")
        growth = [r for r in mine if "--limit 50" in r.label]
        if len({r.size for r in growth}) > 1:
            first, last = min(r.size for r in growth), max(r.size for r in growth)
            out.append(f"\nGrowth with `--limit 50`, {last:,} claims against {first:,}: ")
            parts = []
            for label in dict.fromkeys(r.label for r in growth):
                small = next(r for r in growth if r.label == label and r.size == first)
                big = next((r for r in growth if r.label == label and r.size == last), None)
                if big is not None:
                    grew = big.tracker_s / small.tracker_s
                    parts.append(f"`{label.split(' --')[0]}` {grew:.2f}{TIMES}")
            out[-1] += ", ".join(parts) + "."
    return "\n".join(out) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--postgres", metavar="URL", help="also run on this server")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "tracker-scale")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, help="write every row (with samples) here")
    parser.add_argument("--explain", type=Path, help="PostgreSQL plans of the largest size")
    parser.add_argument("--drop", action="store_true", help="drop the databases afterwards")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)

    global SAVE_TO
    SAVE_TO = args.json
    backends: list[Backend] = [Postgres(args.work, args.postgres)] if args.postgres else []
    if not args.no_sqlite:
        backends.append(Backend(args.work))
    rows: list[Row] = []
    for size in sorted(args.sizes):
        data = dataset(args.work, size)
        for backend in backends:
            # Larger sizes repeat less: a full listing of a million claims takes minutes.
            repeat = args.repeat if size <= 100_000 else 1
            url = bench(backend, size, data, repeat, rows)
            if args.explain and backend.name == "postgresql" and size == max(args.sizes):
                actor = backend.scalar(url, BUSIEST)
                claim = backend.scalar(url, MOST_RELATED)
                explain(
                    url,
                    [
                        ["contested", "--limit", "50", "-f", "json"],
                        ["claims", "--limit", "50", "-f", "json"],
                        ["by-actor", actor, "--limit", "50", "-f", "json"],
                        ["show", claim, "-f", "json"],
                        ["search", "withdraw convoys", "-f", "json"],
                        ["contested", "-f", "json"],
                    ],
                    args.explain,
                )
            if args.drop:
                backend.drop(url)
    print(markdown(rows))


if __name__ == "__main__":
    main()
