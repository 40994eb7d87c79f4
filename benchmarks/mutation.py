"""The share of mutants the tests kill in the modules that decide what is true.

    python benchmarks/mutation.py                     # every group, one after another
    python benchmarks/mutation.py --group status      # one group (run groups side by
                                                      # side in separate checkouts)
    python benchmarks/mutation.py --table-only        # the table of the saved results
    python benchmarks/mutation.py --survivors         # and each mutant not caught

mutmut (installed into this interpreter if missing) mutates each group's
modules and runs, for each mutant, those of the group's own tests that reach
the mutated function, on SQLite: status by tests/test_status.py, name
resolution by tests/test_names.py, anchoring and load planning by the
anchoring, loading and editing tests. Another test of the suite could only
kill more, so the figure is a lower bound; narrow selections keep a run to
about 35 minutes on two cores, 24 of them for status (its tests take a
minute and a half for each mutant that survives). The group's selection is
written into pyproject.toml's [tool.mutmut] for the run and put back after;
results are saved to mutation-results/GROUP.txt (`mutmut show NAME` in that
group's run prints a mutant's diff while its mutants/ folder lasts).

A mutant is killed when a test fails, survives when all pass, times out when
the tests take six times as long as unmutated (a loop that never ends: caught
too, as mutmut counts it); "no tests" means no selected test reaches it, "not
checked" that the run stopped before it. Caught share = (killed + timeout) /
total. Needs a virtual environment whose `tracker` is this checkout (an
editable install of another checkout would shadow the mutants). Not run in CI.
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
# Each group: the modules mutated, and the tests that judge them.
GROUPS = {
    "status": (["tracker/record/status.py"], ["tests/test_status.py"]),
    "names": (["tracker/record/names.py"], ["tests/test_names.py"]),
    "quotes-and-loads": (
        ["tracker/ingest/anchor.py", "tracker/ingest/plan.py"],
        [
            "tests/test_anchor.py",
            "tests/test_reanchor.py",
            "tests/test_load.py",
            "tests/test_load_rules.py",
            "tests/test_edit.py",
        ],
    ),
}
RESULTS = ROOT / "mutation-results"
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
        if status not in ("killed", "timeout"):
            survivors.append(f"{found['name']}: {status}")
    return counts, survivors


def table(counts: dict[str, Counter[str]]) -> str:
    head = ("module", "total", *COLUMNS, "other", "caught share")
    named = [(f"{label} ({module})", counts[module]) for module, label in MODULES.items()]
    rows = []
    for name, c in [*named, ("all four", sum(counts.values(), Counter()))]:
        total = sum(c.values())
        other = total - sum(c[k] for k in COLUMNS)
        share = f"{100 * (c['killed'] + c['timeout']) / total:.1f}%" if total else "-"
        rows.append((name, str(total), *(str(c[k]) for k in COLUMNS), str(other), share))
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(" --- " for _ in head) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _toml_list(values: list[str]) -> str:
    return "[" + ", ".join(f'"{v}"' for v in values) + "]"


def configured(text: str, modules: list[str], tests: list[str]) -> str:
    """pyproject.toml's text with [tool.mutmut] narrowed to one group."""
    section = text.index("[tool.mutmut]")
    end = text.find("\n[", section + 1)
    end = len(text) if end == -1 else end
    body = text[section:end]
    for key, values in (
        ("only_mutate", modules),
        ("pytest_add_cli_args_test_selection", tests),
    ):
        body, found = re.subn(
            rf"^{key} = \[.*?^\]", f"{key} = {_toml_list(values)}", body, flags=re.M | re.S
        )
        if found != 1:
            raise SystemExit(f"pyproject.toml: [tool.mutmut] needs one {key} = [...] list")
    return text[:section] + body + text[end:]


def run_group(name: str, max_children: int) -> None:
    modules, tests = GROUPS[name]
    pyproject = ROOT / "pyproject.toml"
    original = pyproject.read_text(encoding="utf-8")
    # mutmut reuses what it finds in mutants/; a figure starts from nothing.
    shutil.rmtree(ROOT / "mutants", ignore_errors=True)
    pyproject.write_text(configured(original, modules, tests), encoding="utf-8")
    try:
        mutmut("run", "--max-children", str(max_children))
        results = mutmut("results", "--all", "true", capture=True)
    finally:
        pyproject.write_text(original, encoding="utf-8")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.txt").write_text(results, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--group", choices=sorted(GROUPS), help="run this group only")
    parser.add_argument(
        "--max-children", type=int, default=1, help="mutants tested at once (default 1)"
    )
    parser.add_argument(
        "--table-only", action="store_true", help="no run: tabulate the saved results"
    )
    parser.add_argument("--survivors", action="store_true", help="list the mutants not caught")
    args = parser.parse_args(argv)

    version = ensure_mutmut()
    if not args.table_only:
        for name in [args.group] if args.group else list(GROUPS):
            run_group(name, args.max_children)
    saved = sorted(RESULTS.glob("*.txt")) if RESULTS.is_dir() else []
    counts, survivors = tally("\n".join(p.read_text(encoding="utf-8") for p in saved))
    print(f"mutmut {version}, {dt.date.today().isoformat()}; groups: {[p.stem for p in saved]}\n")
    print(table(counts))
    if args.survivors:
        print("\n" + "\n".join(survivors))
    return 0


if __name__ == "__main__":
    sys.exit(main())
