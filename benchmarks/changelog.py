"""What the change log costs a load: a first load of a generated archive with
no log, with the compact record tracker keeps for loads, and with full
before/after images of every row, each into a fresh database.

    python benchmarks/generate.py --claims 100000 --out /var/tmp/data-100k
    python benchmarks/changelog.py /var/tmp/data-100k --repeat 2 \\
        --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test --json log.json

Each run is a child process of its own (`tracker.ingest.load.load_paths`, as
`tracker load` calls it), timed around the load alone; its peak RSS is the
child's own (`ru_maxrss`), and its CPU time is the child's and (PostgreSQL) that of the
server processes it talked to, read from /proc: on a busy machine wall time says little, CPU
time more. Variants: `none` drops the log's triggers before
loading (the database as it was before the change log), `compact` is what
tracker does, `full` keeps every inserted row's values as well. Also
reported: the rows logged and the space the log takes (SQLite: the file's
growth over `none`; PostgreSQL: `pg_total_relation_size` of the log tables).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

VARIANTS = ("none", "compact", "full")

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from sqlalchemy import text
from tracker.record import changelog, db
from tracker.ingest import load
from tracker.ingest.load import load_paths

url, data, variant = sys.argv[1:4]
engine = db.open_database(url)
if variant == "none":
    with engine.begin() as connection:
        for (name, table) in connection.execute(text(
            "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'"
            " AND name LIKE 'changes_log_%'" if engine.dialect.name == "sqlite" else
            "SELECT tgname, tgrelid::regclass::text FROM pg_trigger"
            " WHERE tgname LIKE 'changes_log_%'")).all():
            connection.execute(text(
                f"DROP TRIGGER {name}" if engine.dialect.name == "sqlite"
                else f"DROP TRIGGER {name} ON {table}"))
    load.log_bulk = lambda session, files: None  # no digests either
if variant == "full":
    changelog.compact = lambda session: None
import os
from sqlalchemy import event
backends = set()
if engine.dialect.name == "postgresql":
    # Every server process the load talks to: its CPU time is the load's too.
    event.listen(engine, "connect", lambda dbapi, _: backends.add(
        dbapi.cursor().execute("SELECT pg_backend_pid()").fetchone()[0]))
    engine.dispose()

def server_cpu():
    ticks = 0
    for pid in backends:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")

start, cpu = time.perf_counter(), time.process_time()
load_paths(engine, [Path(data)])
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
with engine.connect() as connection:
    server = server_cpu() if backends else 0.0
    rows = connection.execute(text("SELECT count(*) FROM change_rows")).scalar()
    size = None
    if engine.dialect.name == "postgresql":
        size = connection.execute(text(
            "SELECT pg_total_relation_size('change_rows') + pg_total_relation_size('changes')"
        )).scalar()
print(json.dumps({"seconds": seconds, "cpu": cpu, "server_cpu": server,
                  "rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "logged_rows": rows, "log_bytes": size}))
"""


def _run(url: str, data: Path, variant: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, url, str(data), variant],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "TRACKER_USER": "benchmark"},
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _sqlite(work: Path, data: Path, variant: str) -> dict[str, Any]:
    path = work / f"{variant}-{uuid.uuid4().hex[:8]}.db"
    try:
        result = _run(f"sqlite:///{path}", data, variant)
        result["file_bytes"] = path.stat().st_size
        return result
    finally:
        for leftover in work.glob(f"{path.name}*"):
            leftover.unlink()


def _postgres(server: str, data: Path, variant: str) -> dict[str, Any]:
    from sqlalchemy import create_engine, text

    name = f"log_{variant}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        base = server.rsplit("/", 1)[0]
        return _run(f"{base}/{name}", data, variant)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, help="a folder benchmarks/generate.py wrote")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--postgres", metavar="URL", help="also on this PostgreSQL server")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--json", type=Path, help="write every run's figures here")
    args = parser.parse_args()
    backends = ["sqlite"] + (["postgresql"] if args.postgres else [])
    runs: dict[str, dict[str, list[dict[str, Any]]]] = {
        b: {v: [] for v in VARIANTS} for b in backends
    }
    for _ in range(args.repeat):
        for backend in backends:
            for variant in VARIANTS:  # alternately, so that a busy moment hits all alike
                if backend == "sqlite":
                    result = _sqlite(args.work, args.data, variant)
                else:
                    result = _postgres(args.postgres, args.data, variant)
                runs[backend][variant].append(result)
                print(backend, variant, result, file=sys.stderr, flush=True)
    if args.json:
        args.json.write_text(json.dumps(runs, indent=2) + "\n", encoding="utf-8")
    print(
        "| backend | log | load time (median) | vs none | CPU time | vs none | peak RSS"
        " | rows logged | log size |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for backend in backends:
        base = statistics.median(r["seconds"] for r in runs[backend]["none"])
        base_cpu = statistics.median(r["cpu"] + r["server_cpu"] for r in runs[backend]["none"])
        base_file = min(r.get("file_bytes") or 0 for r in runs[backend]["none"])
        for variant in VARIANTS:
            results = runs[backend][variant]
            seconds = statistics.median(r["seconds"] for r in results)
            cpu = statistics.median(r["cpu"] + r["server_cpu"] for r in results)
            rss = max(r["rss_kb"] for r in results) / 1024
            size = (
                min(r["file_bytes"] for r in results) - base_file
                if backend == "sqlite"
                else min(r["log_bytes"] or 0 for r in results)
            )
            print(
                f"| {backend} | {variant} | {seconds:.1f} s | {seconds / base:.2f}x |"
                f" {cpu:.1f} s | {cpu / base_cpu:.2f}x |"
                f" {rss:,.0f} MB | {results[0]['logged_rows']:,} | {size / 2**20:,.0f} MB |"
            )


if __name__ == "__main__":
    main()
