"""The package's shape: no import cycles, and each stage of the pipeline
imports only from the stages before it (record → ingest → query → exchange →
extract → render → web → publish, cli). Every import counts, also those inside functions.

The web interface sits after render, beside the command line: it imports
neither cli nor anything cli alone has, and cli reaches it only from the
commands that start it (tracker.cli.serving), inside those commands; the
publisher (tracker.publish) asks the web application for its pages, and cli
reaches it only inside `tracker publish`."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "tracker"
STAGES = ["record", "ingest", "query", "exchange", "extract", "render", "web", "publish", "cli"]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports() -> dict[str, set[str]]:
    """Each tracker module and the tracker modules it imports."""
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    found: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module
                and node.module.startswith("tracker")
            ):
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    targets.add(full if full in modules else node.module)
            elif isinstance(node, ast.Import):
                targets |= {a.name for a in node.names if a.name.startswith("tracker")}
        found[name] = {t for t in targets if t in modules and t != name}
    return found


def stage(module: str) -> int | None:
    parts = module.split(".")
    return STAGES.index(parts[1]) if len(parts) > 1 and parts[1] in STAGES else None


def test_no_import_cycles() -> None:
    graph = imports()
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            raise AssertionError(
                "import cycle: " + " -> ".join([*path[path.index(module) :], module])
            )
        if module in done:
            return
        for target in sorted(graph[module]):
            visit(target, [*path, module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])
    assert len(graph) > 25  # the walk saw the whole package


def test_each_stage_imports_only_earlier_stages() -> None:
    wrong = [
        (module, target)
        for module, targets in imports().items()
        for target in targets
        if (ours := stage(module)) is not None
        and (theirs := stage(target)) is not None
        and theirs > ours
    ]
    assert wrong == []


def test_web_sits_beside_cli() -> None:
    """Only the serve and user commands and the publisher import tracker.web,
    and the commands only inside their functions: importing the command line
    loads no web framework."""
    graph = imports()
    web = STAGES.index("web")
    into_web = {m for m, ts in graph.items() for t in ts if stage(t) == web and stage(m) != web}
    assert into_web == {"tracker.cli.serving", "tracker.publish.site"}
    for command in ("serving.py", "publishing.py"):
        tree = ast.parse((PACKAGE / "cli" / command).read_text(encoding="utf-8"))
        top_level = [n.module for n in tree.body if isinstance(n, ast.ImportFrom) and n.module]
        assert not [m for m in top_level if m.startswith(("tracker.web", "tracker.publish"))]
    assert not [t for m, ts in graph.items() if stage(m) == web for t in ts if "cli" in t]


def _layout_section() -> str:
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Layout\n", 1)[1]
    return section.split("\n## ", 1)[0]


def test_readme_layout_names_every_module() -> None:
    """README's Layout has a line for each module of tracker/ (and none for a
    module that is gone): a new module is named where readers look for it."""
    modules = {p.relative_to(PACKAGE.parent).as_posix() for p in PACKAGE.rglob("*.py")}
    rows = [line for line in _layout_section().splitlines() if line.startswith("| `tracker/")]
    named = {m for line in rows for m in re.findall(r"`(tracker/[\w/]+\.py)`", line)}
    assert sorted(modules - named) == [], "modules missing from README's Layout"
    assert sorted(named - modules) == [], "README's Layout names modules that do not exist"
    # One line each, saying what it is for.
    described = [re.fullmatch(r"\| `(tracker/[\w/]+\.py)` \| (.+) \|", line) for line in rows]
    lines = [m.group(1) for m in described if m and m.group(2).strip()]
    assert sorted(lines) == sorted(modules)
