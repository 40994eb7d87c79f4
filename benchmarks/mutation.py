"""The share of mutants the tests kill in the modules that decide what is true.

    python benchmarks/mutation.py                 # fresh run, one worker, then the table
    python benchmarks/mutation.py --table-only    # the table of the last run (mutants/)
    python benchmarks/mutation.py --survivors     # and each surviving mutant's name

mutmut (installed into this interpreter if missing) mutates the modules listed
in pyproject.toml's [tool.mutmut] (status, anchoring, name resolution, load
planning) and runs, for each mutant, the configured tests that reach the
mutated function, on SQLite. A mutant is killed when a test fails, survives
when all pass, times out when the tests take six times as long as unmutated
(a loop that never ends: caught too, as mutmut counts it); "no tests" means
no configured test reaches it, "not checked" that the run stopped before it.
Caught share = (killed + timeout) / total.
`mutmut show NAME` prints a mutant's diff. Not run in CI: about half an hour
on one core.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import importlib.util
import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTMUT = "mutmut>=3.8,<4"
MODULES = {
    "tracker.record.status": "status",
    "tracker.ingest.anchor": "anchoring",
    "tracker.record.names": "name resolution",
    "tracker.ingest.plan": "load planning",
}
COLUMNS = ("killed", "timeout", "survived", "no tests", "not checked")
# `mutmut results --all true`: "    tracker.ingest.plan.xǁPlannerǁ_same__mutmut_3: killed"
RESULT = re.compile(r"^\s*(?P<name>\S+__mutmut_\d+): (?P<status>.+?)\s*$")


def ensure_mutmut() -> str:
    """mutmut's version, installed with pip first if this interpreter lacks it."""
    if importlib.util.find_spec("mutmut") is None:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", MUTMUT], check=True)
    return importlib.metadata.version("mutmut")


def mutmut(*args: str, capture: bool = False) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "mutmut", *args],
        cwd=ROOT,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return done.stdout or ""


def module_of(mutant: str) -> str | None:
    return next((m for m in MODULES if mutant.startswith(m + ".")), None)


def tally(results: str) -> tuple[dict[str, Counter[str]], list[str]]:
    """Statuses counted per module, and the surviving mutants' names."""
    counts: dict[str, Counter[str]] = {m: Counter() for m in MODULES}
    survivors = []
    for line in results.splitlines():
        found = RESULT.match(line)
        if found is None:
            continue
        module = module_of(found["name"])
        if module is None:
            continue
        status = found["status"]
        counts[module][status] += 1
        if status != "killed":
            survivors.append(f"{found['name']}: {status}")
    return counts, survivors


def table(counts: dict[str, Counter[str]]) -> str:
    head = ("module", "total", *COLUMNS, "other", "caught share")
    rows = []
    everything: Counter[str] = sum(counts.values(), Counter())
    for module, label in [*MODULES.items(), ("all", "all four")]:
        c = everything if module == "all" else counts[module]
        total = sum(c.values())
        other = total - sum(c[k] for k in COLUMNS)
        share = f"{100 * (c['killed'] + c['timeout']) / total:.1f}%" if total else "-"
        rows.append(
            (
                label if module == "all" else f"{label} ({module})",
                str(total),
                *(str(c[k]) for k in COLUMNS),
                str(other),
                share,
            )
        )
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(" --- " for _ in head) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--max-children", type=int, default=1, help="mutants tested at once (default 1)"
    )
    parser.add_argument(
        "--table-only", action="store_true", help="no run: tabulate the results in mutants/"
    )
    parser.add_argument("--survivors", action="store_true", help="list the mutants not killed")
    args = parser.parse_args(argv)

    version = ensure_mutmut()
    if not args.table_only:
        # mutmut reuses what it finds in mutants/; a figure starts from nothing.
        shutil.rmtree(ROOT / "mutants", ignore_errors=True)
        mutmut("run", "--max-children", str(args.max_children))
    counts, survivors = tally(mutmut("results", "--all", "true", capture=True))
    print(f"mutmut {version}, {dt.date.today().isoformat()}\n")
    print(table(counts))
    if args.survivors:
        print("\n" + "\n".join(survivors))
    return 0


if __name__ == "__main__":
    sys.exit(main())
