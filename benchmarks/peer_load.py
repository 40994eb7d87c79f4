"""The hand-written peer of `tracker load`: what a competent script does.

    python benchmarks/peer_load.py --db sqlite:///peer.db DATA_DIR
    python benchmarks/peer_load.py --db postgresql+psycopg://u@host/db DATA_DIR
    python benchmarks/peer_load.py --parse-only DATA_DIR

It reads the same generated files (benchmarks/generate.py) with PyYAML's
libyaml loader, reads each source's text, locates each quote with str.find,
and inserts the rows with `executemany` (sqlite3, or psycopg 3, which
pipelines them) into the tables of a database that `tracker db upgrade`
created, in one transaction. It checks nothing tracker checks (references,
duplicate keys, widths, dates, quotes found as typed, actor sides) and
writes no derived table: it is the floor a load cannot go below, the
yardstick of the benchmark (`benchmarks/scale.py`). `--parse-only` stops after
parsing: the time a no-change reload is compared with.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import sys
import time
from pathlib import Path
from typing import Any

import yaml

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
BATCH = 5000


def parse(folder: Path) -> tuple[list[Any], list[Any], list[Any]]:
    actors: list[Any] = []
    sources: list[Any] = []
    claims: list[Any] = []
    for path in sorted(folder.rglob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=LOADER) or {}
        actors += data.get("actors", [])
        for source in data.get("sources", []):
            source["text"] = (path.parent / source["file"]).read_text(encoding="utf-8")
            sources.append(source)
        claims += data.get("claims", [])
    return actors, sources, claims


def _day(value: Any) -> dt.date | None:
    if value is None:
        return None
    text = str(value)
    if len(text) == 10:
        return dt.date.fromisoformat(text)
    if len(text) == 7:
        return dt.date.fromisoformat(text + "-01")
    return dt.date(int(text), 1, 1)


def _precision(value: Any) -> str | None:
    return None if value is None else {10: "day", 7: "month", 4: "year"}[len(str(value))]


def _until(value: Any) -> dt.date | None:
    day, precision = _day(value), _precision(value)
    if day is None:
        return None
    if precision == "year":
        return dt.date(day.year, 12, 31)
    if precision == "month":
        following = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
        return following - dt.timedelta(days=1)
    return day


def rows(
    actors: list[Any], sources: list[Any], claims: list[Any]
) -> dict[str, tuple[str, list[tuple[Any, ...]]]]:
    """INSERT statements (with ? placeholders) and their rows, in table order."""
    actor_id = {a["id"]: n for n, a in enumerate(actors, 1)}
    source_id = {s["id"]: n for n, s in enumerate(sources, 1)}
    claim_id = {c["id"]: n for n, c in enumerate(claims, 1)}
    texts = {s["id"]: s["text"] for s in sources}
    out: dict[str, tuple[str, list[tuple[Any, ...]]]] = {}

    def table(name: str, columns: str, values: list[tuple[Any, ...]]) -> None:
        marks = ", ".join("?" for _ in columns.split(","))
        out[name] = (f"INSERT INTO {name} ({columns}) VALUES ({marks})", values)

    table(
        "actors",
        "id, key, name, kind, description",
        [(actor_id[a["id"]], a["id"], a["name"], a["kind"], a.get("description")) for a in actors],
    )
    names: list[tuple[Any, ...]] = []
    aliases: list[tuple[Any, ...]] = []
    for a in actors:
        seen: set[str] = set()
        for alias in [a["name"], *a.get("aliases", [])]:
            normalized = " ".join(alias.casefold().split())
            aliases.append((actor_id[a["id"]], alias, normalized))
            if normalized not in seen:
                seen.add(normalized)
                names.append((normalized, actor_id[a["id"]]))
    table("actor_names", "normalized, actor_id", names)
    table("aliases", "actor_id, alias, normalized", aliases)
    table(
        "roles",
        "actor_id, organization_id, title, start_on, end_on",
        [
            (actor_id[a["id"]], actor_id[r["of"]], r["title"], _day(r.get("start")),
             _day(r.get("end")))
            for a in actors
            for r in a.get("roles", [])
        ],
    )  # fmt: skip
    table(
        "sources",
        "id, key, outlet, title, url, published_on, published_precision, language,"
        " excerpt, content_hash, text, text_length",
        [
            (
                source_id[s["id"]], s["id"], s["outlet"], s["title"], s.get("url"),
                _day(s.get("published")), _precision(s.get("published")), s.get("language"),
                False, hashlib.sha256(s["text"].encode()).hexdigest(), s["text"], len(s["text"]),
            )
            for s in sources
        ],
    )  # fmt: skip
    table(
        "source_credits",
        "source_id, actor_id, position",
        [
            (source_id[s["id"]], actor_id[c], n)
            for s in sources
            for n, c in enumerate(s.get("credits", []))
        ],
    )
    table(
        "claims",
        "id, key, text, stated_on, stated_until, stated_precision",
        [
            (claim_id[c["id"]], c["id"], c["text"], _day(c.get("stated")), _until(c.get("stated")),
             _precision(c.get("stated")))
            for c in claims
        ],
    )  # fmt: skip
    table(
        "claimants",
        "claim_id, actor_id, position",
        [(claim_id[c["id"]], actor_id[a], n) for c in claims for n, a in enumerate(c["claimants"])],
    )
    table(
        "topics",
        "claim_id, topic",
        [(claim_id[c["id"]], t) for c in claims for t in c.get("topics", [])],
    )
    appearances: list[tuple[Any, ...]] = []
    for c in claims:
        for a in c["appearances"]:
            text = texts[a["source"]]
            start = text.find(a["quote"])
            end = start + len(a["quote"])
            appearances.append(
                (
                    claim_id[c["id"]], source_id[a["source"]], len(text), a["quote"], start, end,
                    text[max(0, start - 32) : start], text[end : end + 32], a["type"],
                    a.get("cue"), actor_id[a["via"]] if a.get("via") else None,
                )
            )  # fmt: skip
    table(
        "appearances",
        "claim_id, source_id, source_length, quote, start_offset, end_offset, prefix, suffix,"
        " type, cue, via_actor_id",
        appearances,
    )
    table(
        "relations",
        "from_claim_id, to_claim_id, relation",
        [
            (claim_id[c["id"]], claim_id[target], relation)
            for c in claims
            for relation, targets in (c.get("relations") or {}).items()
            for target in targets
        ],
    )
    return out


def write(url: str, tables: dict[str, tuple[str, list[tuple[Any, ...]]]]) -> None:
    if url.startswith("sqlite:///"):
        import sqlite3

        connection = sqlite3.connect(url.removeprefix("sqlite:///"))
        with connection:
            for statement, values in tables.values():
                for start in range(0, len(values), BATCH):
                    connection.executemany(statement, values[start : start + BATCH])
        connection.close()
        return
    import psycopg

    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as connection, connection.cursor() as cursor:
        for name, (statement, values) in tables.items():
            for start in range(0, len(values), BATCH):
                cursor.executemany(statement.replace("?", "%s"), values[start : start + BATCH])
            if name in ("actors", "sources", "claims"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), max(id)) FROM {name}"
                )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--db", help="a database `tracker db upgrade` created, empty")
    parser.add_argument("--parse-only", action="store_true")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    parsed = parse(args.folder)
    if args.parse_only or not args.db:
        print(f"parsed in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        return
    write(args.db, rows(*parsed))
    print(f"loaded in {time.perf_counter() - started:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
