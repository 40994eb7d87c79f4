"""Check the licences of tracker's installed dependency tree (run by .ci/run).

Walks Requires-Dist from the installed `tracker` distribution (with the
extras named on the command line), reads each distribution's licence from
its metadata (License-Expression, else the License field, else the trove
classifiers) and fails on any that tracker, Apache-2.0, could not ship
beside: the GPL and AGPL families (the LGPL, which a library linked at run
time may carry, is allowed) and any licence it cannot name.

    python .ci/licences.py postgres
"""

from __future__ import annotations

import re
import sys
from importlib import metadata

from packaging.requirements import Requirement

ALLOWED = re.compile(
    r"\b(MIT|0?BSD|Apache|ISC|PSF|Python Software Foundation|MPL|Mozilla Public|LGPL|"
    r"Lesser General Public|Unlicense|Zlib|CC0|Public Domain|HPND|CNRI|W3C)",
    re.IGNORECASE,
)
# Only a licence that names GPL without the Lesser variant is copyleft here.
REFUSED = re.compile(r"\b(A?GPL|(?<!Lesser )General Public License|SSPL)", re.IGNORECASE)


def acceptable(text: str) -> bool:
    """A licence, or an SPDX expression of them (A OR B: either will do;
    A AND B: both must), tracker can ship beside."""
    text = text.strip()
    while text.startswith("(") and _closing(text) == len(text) - 1:
        text = text[1:-1].strip()
    for operator, combine in ((" OR ", any), (" AND ", all)):
        parts = _split(text, operator)
        if len(parts) > 1:
            return combine(acceptable(p) for p in parts)
    lesser = re.sub(r"L(esser )?GPL[\w.+-]*", "", text)
    return bool(ALLOWED.search(text)) and not REFUSED.search(lesser)


def _closing(text: str) -> int:
    depth = 0
    for i, c in enumerate(text):
        depth += {"(": 1, ")": -1}.get(c, 0)
        if depth == 0:
            return i
    return -1


def _split(text: str, operator: str) -> list[str]:
    """`text` split at `operator` outside parentheses."""
    parts, depth, start = [], 0, 0
    for i, c in enumerate(text):
        depth += {"(": 1, ")": -1}.get(c, 0)
        if depth == 0 and text.startswith(operator, i):
            parts.append(text[start:i])
            start = i + len(operator)
    return [*parts, text[start:]]


def licence(dist: metadata.Distribution) -> str:
    meta = dist.metadata
    expression = meta.get("License-Expression")
    if expression:
        return str(expression)
    classifiers = [
        c.split(" :: ")[-1] for c in meta.get_all("Classifier") or [] if c.startswith("License ::")
    ]
    field = (meta.get("License") or "").strip()
    if field and len(field) < 100 and field.upper() not in ("UNKNOWN", ""):
        return field
    return "; ".join(classifiers) or field[:100] or "UNKNOWN"


def tree(root: str, extras: set[str]) -> dict[str, metadata.Distribution]:
    found: dict[str, metadata.Distribution] = {}
    todo = [(root, extras)]
    while todo:
        name, wanted = todo.pop()
        key = name.lower().replace("_", "-")
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # an optional dependency this platform does not install
        if key in found and not wanted:
            continue
        found[key] = dist
        for spec in dist.requires or []:
            req = Requirement(spec)
            environment = {"extra": ""}
            if req.marker is not None and not any(
                req.marker.evaluate({**environment, "extra": e}) for e in wanted | {""}
            ):
                continue
            todo.append((req.name, set(req.extras)))
    return found


def main(argv: list[str]) -> int:
    dists = tree("tracker", set(argv))
    bad = 0
    for key, dist in sorted(dists.items()):
        if key == "tracker":
            continue
        text = licence(dist)
        verdict = "ok" if acceptable(text) else "REFUSED"
        bad += verdict != "ok"
        print(f"{verdict:<8} {dist.metadata['Name']} {dist.version}: {text}")
    if bad:
        print(f"{bad} licence(s) tracker (Apache-2.0) cannot ship beside", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
