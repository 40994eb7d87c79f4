"""Time tracker's load path, queries and CLI start-up on a synthetic dataset.

    python benchmarks/bench.py                      # SQLite, 100 and 5,000 claims
    python benchmarks/bench.py --claims 5000
    python benchmarks/bench.py --db postgresql+psycopg://postgres@127.0.0.1:5432/test

For each size: generate the dataset (benchmarks/generate.py) into a temporary
folder, load it into a fresh database, load it again (must change nothing),
run the listings, and run the `tracker` command in subprocesses. Every
measurement also counts the SQL statements it issued (a `before_cursor_execute`
listener): a query whose count grows with the data issues statements per row.

Databases: without --db, a temporary SQLite file. With a PostgreSQL URL, a
dedicated database `bench_<random>` is created on that server for each size
and dropped afterwards; the database named in the URL is only used to connect
and is never written to. With a SQLite URL, its file must not exist yet; it is
deleted after each size.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # benchmarks/ is not a package: found through sys.path

from tracker.ingest.dataset import data_files, read_files
from tracker.ingest.load import load_paths
from tracker.query import queries
from tracker.record import db
from tracker.record.models import Actor, Claimant
from tracker.render import views

TRACKER = Path(sys.executable).with_name("tracker")

# Runs the CLI in-process, then reports on stderr which heavy modules it imported.
_CLI_PROBE = """
import json, sys
from tracker.cli import cli
try:
    cli.main(args=sys.argv[1:], prog_name="tracker", standalone_mode=False)
finally:
    mods = ("sqlalchemy", "alembic", "tracker.record.migrate", "tabulate", "yaml")
    sys.stderr.write("\\nPROBE " + json.dumps({m: m in sys.modules for m in mods}) + "\\n")
"""


# --------------------------------------------------------------------------- counting


class StatementCounter:
    """Counts the statements an engine sends to the database, by shape."""

    def __init__(self, engine: Engine) -> None:
        self.count = 0
        self.shapes: Counter[str] = Counter()
        event.listen(engine, "before_cursor_execute", self._on_execute)

    def _on_execute(
        self,
        _conn: Any,
        _cursor: Any,
        statement: str,
        _parameters: Any,
        _context: Any,
        _executemany: bool,
    ) -> None:
        self.count += 1
        self.shapes[" ".join(statement.split())[:90]] += 1

    def reset(self) -> None:
        self.count = 0
        self.shapes.clear()


@dataclass
class Result:
    name: str
    seconds: float
    statements: int | None = None
    rows: int | None = None
    note: str = ""


@dataclass
class Run:
    claims: int
    counts: dict[str, int]
    results: list[Result] = field(default_factory=list)
    top_shapes: list[tuple[str, int]] = field(default_factory=list)


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


# --------------------------------------------------------------------------- databases


@contextmanager
def database(url: str | None, workdir: Path) -> Iterator[str]:
    """A fresh, empty database for one run; removed afterwards."""
    if url is None:
        yield f"sqlite:///{workdir / 'bench.db'}"
        return
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        path = Path(parsed.database or "")
        if not parsed.database or parsed.database == ":memory:" or path.exists():
            raise SystemExit(f"--db {url}: give a SQLite file that does not exist yet")
        try:
            yield url
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    if backend != "postgresql":
        raise SystemExit(f"--db {db.redact(url)}: only SQLite and PostgreSQL are supported")
    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(parsed, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield parsed.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


# --------------------------------------------------------------------------- measurements


def _query(
    run: Run,
    engine: Engine,
    counter: StatementCounter,
    name: str,
    fn: Callable[[Session], list[Any]],
    render: Callable[[list[Any]], Any],
    repeat: int,
) -> None:
    """Best of `repeat` runs, each in a fresh session (empty identity map).

    The statement count is that of the query; rendering the rows (what the
    CLI prints) must then issue none, or something is lazy-loaded per row.
    """
    times = []
    statements = rows = render_statements = 0
    for _ in range(repeat):
        with Session(engine) as session:
            counter.reset()
            start = time.perf_counter()
            found = fn(session)
            seconds = time.perf_counter() - start
            statements, rows = counter.count, len(found)
            counter.reset()
            render(found)
            render_statements = counter.count
        times.append(seconds)
    note = f"+{render_statements} while rendering!" if render_statements else ""
    run.results.append(Result(name, min(times), statements, rows, note))


def _render_claims(found: list[Any]) -> Any:
    return [(views.claim_row(c), views.claim_dict(c)) for c in found]


def _render_record(found: list[Any]) -> Any:
    return [views.record_dict(r) for r in found]


def _cli(
    run: Run, name: str, args: Sequence[str], env: dict[str, str], repeat: int
) -> dict[str, bool]:
    """Wall time of the real `tracker` script, then what an in-process run imports."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([str(TRACKER), *args], env=env, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    probe = subprocess.run(
        [sys.executable, "-c", _CLI_PROBE, *args],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = next(x for x in probe.stderr.splitlines() if x.startswith("PROBE "))
    modules: dict[str, bool] = json.loads(line.removeprefix("PROBE "))
    imported = [m for m in ("sqlalchemy", "alembic") if modules[m]]
    note = "imports " + (", ".join(imported) if imported else "neither sqlalchemy nor alembic")
    run.results.append(Result(name, statistics.median(times), note=note))
    return modules


def _import_time(module: str, env: dict[str, str]) -> dict[str, float]:
    """Cumulative import time (s) of the heavy packages when importing `module`."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    found: dict[str, float] = {}
    for line in proc.stderr.splitlines():
        parts = [p.strip() for p in line.removeprefix("import time:").split("|")]
        if len(parts) == 3 and parts[1].isdigit():
            found[parts[2]] = int(parts[1]) / 1e6
    return found


def bench_one(n_claims: int, url: str | None, repeat: int, workdir: Path) -> Run:
    data = workdir / "data"
    seconds, counts = _timed(lambda: generate.generate(data, claims=n_claims))
    run = Run(n_claims, counts)
    run.results.append(Result("generate dataset (not tracker)", seconds))
    seconds, _ = _timed(lambda: read_files(data_files([data])))
    run.results.append(Result("read + parse YAML only", seconds, 0))

    with database(url, workdir) as db_url:
        engine = db.open_database(db_url)  # creates the schema (Alembic) on the empty database
        counter = StatementCounter(engine)
        try:
            seconds, report = _timed(lambda: load_paths(engine, [data]))
            run.top_shapes = counter.shapes.most_common(8)
            run.results.append(Result("load_paths, first load", seconds, counter.count))
            counter.reset()
            seconds, report = _timed(lambda: load_paths(engine, [data]))
            note = "CHANGED DATA!" if report.changed else "no change"
            run.results.append(Result("load_paths, second load", seconds, counter.count, note=note))

            with Session(engine) as session:
                busiest_id, made = session.execute(
                    select(Claimant.actor_id, func.count())
                    .group_by(Claimant.actor_id)
                    .order_by(func.count().desc(), Claimant.actor_id)
                    .limit(1)
                ).one()
                busiest = session.get_one(Actor, busiest_id)
                busiest_key, busiest_name = busiest.key, busiest.name
            by_busiest = queries.ClaimFilter(actor_ids={busiest_id})

            def record(session: Session) -> list[Any]:
                actor = session.get_one(Actor, busiest_id)
                return [queries.actor_record(session, actor)]

            def record_rows(found: list[Any]) -> int:
                return len(found[0].claims) + len(found[0].counters)

            specs: list[tuple[str, Callable[[Session], list[Any]], Callable[..., Any]]] = [
                ("queries.contested()", queries.contested, _render_claims),
                (
                    "queries.contested(actor=busiest)",
                    lambda s: queries.contested(s, by_busiest),
                    _render_claims,
                ),
                ("queries.claims()", queries.claims, _render_claims),
                (
                    "queries.claims(actor=busiest)",
                    lambda s: queries.claims(s, by_busiest),
                    _render_claims,
                ),
                ("queries.actor_record(busiest)", record, _render_record),
            ]
            for name, fn, render in specs:
                _query(run, engine, counter, name, fn, render, repeat)
            actor_result = run.results[-1]
            with Session(engine) as session:
                actor_result.rows = record_rows(record(session))
            actor_result.note = (f"{busiest_key}: {made} claims " + actor_result.note).strip()
        finally:
            engine.dispose()

        env = {k: v for k, v in os.environ.items() if k != db.ENV_VAR}
        env["XDG_DATA_HOME"] = str(workdir / "xdg")  # never the user's default database
        _cli(run, "tracker --help", ["--help"], env, repeat=5)
        cli_args = ["--db", db_url, "contested", "-f", "json"]
        modules = _cli(run, "tracker contested -f json (migrated db)", cli_args, env, repeat)
        if modules["alembic"]:
            run.results[-1].note += "  <- ALEMBIC IMPORTED"
        cli_args = ["--db", db_url, "by-actor", busiest_name, "-f", "json"]
        _cli(run, "tracker by-actor <busiest> -f json", cli_args, env, repeat)
    return run


# --------------------------------------------------------------------------- output


def _fmt_seconds(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def print_table(runs: list[Run], backend: str) -> None:
    names = [r.name for r in runs[0].results]
    sizes = [f"{r.claims:,} claims" for r in runs]
    header = ["measurement", *(f"{s}: time" for s in sizes), *(f"{s}: stmts" for s in sizes)]
    rows: list[list[str]] = []
    for i, name in enumerate(names):
        row = [name]
        row += [_fmt_seconds(run.results[i].seconds) for run in runs]
        for run in runs:
            res = run.results[i]
            cell = "" if res.statements is None else f"{res.statements:,}"
            if res.rows is not None:
                cell += f" ({res.rows:,} rows)"
            row.append(cell)
        rows.append(row)
    widths = [max(len(header[c]), *(len(r[c]) for r in rows)) for c in range(len(header))]
    print(f"\n## {backend}\n")
    for run in runs:
        print(f"- {run.claims:,} claims: " + ", ".join(f"{v:,} {k}" for k, v in run.counts.items()))
    print()
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
    notes = [(run.claims, r) for run in runs for r in run.results if r.note]
    if notes:
        print()
        for claims, r in notes:
            print(f"- {claims:,} claims, {r.name}: {r.note}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--db",
        metavar="URL",
        help="SQLite or PostgreSQL URL (a dedicated database is created on the server)."
        " Default: a temporary SQLite file.",
    )
    parser.add_argument(
        "--claims",
        type=int,
        nargs="+",
        default=[100, 5000],
        metavar="N",
        help="dataset sizes to run (default: 100 5000)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per query; best is shown")
    parser.add_argument(
        "--show-statements",
        action="store_true",
        help="print the most frequent statements of each first load",
    )
    args = parser.parse_args(argv)
    backend = "SQLite" if args.db is None else make_url(args.db).get_backend_name()

    runs = []
    for n in args.claims:
        with tempfile.TemporaryDirectory(prefix="tracker-bench-") as tmp:
            print(f"running {n:,} claims on {backend}...", file=sys.stderr)
            runs.append(bench_one(n, args.db, args.repeat, Path(tmp)))
    print_table(runs, backend)

    env = {k: v for k, v in os.environ.items() if k != db.ENV_VAR}
    cli_imports = _import_time("tracker.cli", env)
    print(
        "\n`import tracker.cli` (-X importtime, cumulative): "
        + ", ".join(
            f"{m} {cli_imports[m] * 1000:.0f} ms" if m in cli_imports else f"{m} not imported"
            for m in ("tracker.cli", "click", "tabulate", "sqlalchemy", "alembic")
        )
    )
    if args.show_statements:
        for run in runs:
            print(f"\nMost frequent statements, first load of {run.claims:,} claims:")
            for shape, count in run.top_shapes:
                print(f"  {count:>7,}  {shape}")


if __name__ == "__main__":
    main()
