"""Hand-annotated attributions (benchmarks/gold/*.yaml), read for scoring."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tracker.errors import InputError
from tracker.extract.attribution import TextSpan


@dataclass(frozen=True)
class GoldAttribution:
    speaker: TextSpan
    cue: TextSpan
    content: TextSpan
    via: TextSpan | None
    type: str
    stance: str
    actors: tuple[str, ...]  # the actor ids the speaker names, if known
    denies: frozenset[str]  # the claims a denial answers


@dataclass(frozen=True)
class GoldText:
    source: str
    path: Path
    text: str
    attributions: list[GoldAttribution]


def _span(where: str, text: str, data: Any) -> TextSpan:
    span = TextSpan(int(data["start"]), int(data["end"]), str(data["text"]))
    if text[span.start : span.end] != span.text:
        raise InputError(f"{where}: {span.text!r} is not at {span.start}-{span.end}")
    return span


def read_gold(path: Path, root: Path) -> list[GoldText]:
    """The texts of a gold file, each span checked against its text
    (`file` is relative to `root`)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    texts = []
    for entry in data["sources"]:
        file = root / entry["file"]
        text = file.read_text(encoding="utf-8")
        found = []
        for k, item in enumerate(entry["attributions"]):
            where = f"{path}: {entry['source']} #{k + 1}"
            actor = item.get("actor")
            actors = tuple(actor) if isinstance(actor, list) else (actor,) if actor else ()
            found.append(
                GoldAttribution(
                    speaker=_span(where, text, item["speaker"]),
                    cue=_span(where, text, item["cue"]),
                    content=_span(where, text, item["content"]),
                    via=_span(where, text, item["via"]) if item.get("via") else None,
                    type=item["type"],
                    stance=item["stance"],
                    actors=actors,
                    denies=frozenset(item.get("denies", ())),
                )
            )
        texts.append(GoldText(entry["source"], file, text, found))
    return texts
