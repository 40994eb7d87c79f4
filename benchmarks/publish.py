"""What `tracker publish` costs: a generated archive loaded into a fresh
SQLite database, published whole, then again with --incremental after one
edit, timed (wall and CPU of this process, which renders every page).

    python benchmarks/publish.py --claims 2000 --json publish.json

On a busy machine wall time says little; CPU time more.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate
from click.testing import CliRunner

from tracker.cli import cli
from tracker.ingest.load import load_paths
from tracker.publish.site import publish_url
from tracker.record import db


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _timed(step: Any) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), _cpu()
    result = step()
    return result, time.perf_counter() - wall, _cpu() - cpu


def run(claims: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        data, site = Path(folder) / "data", Path(folder) / "site"
        generate.generate(data, claims=claims, actors=max(20, claims // 20))
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        engine = db.create(url)
        db.ensure_schema(engine)
        load_paths(engine, [data])
        full, wall, cpu = _timed(lambda: publish_url(url, site))
        first = engine.connect().exec_driver_sql("SELECT key FROM claims LIMIT 1").scalar()
        edited = CliRunner().invoke(cli, ["--db", url, "edit", "claim", first, "--text", "Edited."])
        assert edited.exit_code == 0, edited.output
        again, wall2, cpu2 = _timed(lambda: publish_url(url, site, incremental=True))
        engine.dispose()
        return {
            "claims": claims,
            "pages": full.pages,
            "publish": {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2)},
            "incremental": {
                "wall_s": round(wall2, 2),
                "cpu_s": round(cpu2, 2),
                "written": again.written,
                "unchanged": again.unchanged,
            },
            "ms_per_page_cpu": round(1000 * cpu / full.pages, 1),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=2000)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    result = run(args.claims)
    print(json.dumps(result, indent=1))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
