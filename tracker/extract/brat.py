"""Gold attributions in brat standoff (the PolNeAR corpus's form), read for
scoring beside the project's own gold files (`gold.py`).

A folder holds `text/NAME.txt` and `attributions/NAME_ANNOTATOR.ann`. In an
`.ann` file, `T` lines are spans (`T5<TAB>Source 129 188<TAB>text`, 0-based,
end exclusive; a discontinuous span is `start end;start end`) and `E` lines
tie one attribution's spans together (`E2<TAB>Attribution:T8 Content:T7
Cue:T6 Source:T5`). A discontinuous span is scored as the stretch from its
first character to its last. An attribution without a source ("has been
well-documented") cannot be found by the measure, which asks for a speaker:
it is counted, not scored. An article annotated twice is scored against the
first annotator's file (by name).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from tracker.errors import InputError
from tracker.extract.attribution import Attribution, TextSpan
from tracker.extract.gold import GoldAttribution, GoldText

_SPAN = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t?(.*)$")
_EVENT = re.compile(r"^E\d+\t(.*)$")
_ROLES = {"Source": "speaker", "Cue": "cue", "Content": "content"}


@dataclass(frozen=True)
class BratText:
    gold: GoldText
    without_source: int  # attributions the measure cannot score


def _span(where: str, text: str, ranges: str, recorded: str) -> TextSpan:
    pieces = [tuple(int(n) for n in piece.split()) for piece in ranges.split(";")]
    for start, end in pieces:
        if not 0 <= start < end <= len(text):
            raise InputError(f"{where}: span {start}-{end} is outside the text")
    # The .ann file writes a span's text up to its first line break, and the
    # pieces of a discontinuous span joined by a space.
    joined = " ".join(text[start:end] for start, end in pieces)
    if not joined.startswith(recorded):
        raise InputError(f"{where}: {recorded[:40]!r} is not at {ranges}")
    start, end = pieces[0][0], pieces[-1][1]
    return TextSpan(start, end, text[start:end])


def read_ann(path: Path, text: str, source: str) -> BratText:
    """The attributions of one `.ann` file over `text`."""
    spans: dict[str, TextSpan] = {}
    events: list[tuple[int, str]] = []
    lines = path.read_text(encoding="utf-8").split("\n")
    for number, line in enumerate(lines, 1):
        where = f"{path.name}:{number}"
        span = _SPAN.match(line)
        if span:
            spans[span.group(1)] = _span(where, text, span.group(3), span.group(4))
            continue
        event = _EVENT.match(line)
        if event:
            events.append((number, event.group(1)))
        # Anything else is a note (#), or the rest of a span's text after a
        # line break inside it.
    found: list[GoldAttribution] = []
    without = 0
    for number, roles in events:
        parts: dict[str, TextSpan] = {}
        for role in roles.split():
            name, _, ref = role.partition(":")
            if name.startswith("Attribution") or name not in _ROLES:
                continue
            if ref not in spans:
                raise InputError(f"{path.name}:{number}: {ref} is not a span of the file")
            parts[_ROLES[name]] = spans[ref]
        if "cue" not in parts or "content" not in parts:
            continue  # an attribution left unfinished by its annotator
        if "speaker" not in parts:
            without += 1
            continue
        found.append(
            GoldAttribution(
                speaker=parts["speaker"],
                cue=parts["cue"],
                content=parts["content"],
                via=None,
                type="",
                stance="",  # PolNeAR marks no stance
                actors=(),
                denies=frozenset(),
            )
        )
    found.sort(key=lambda g: (g.cue.start, g.content.start))
    return BratText(GoldText(source, path, text, found), without)


def joined(text: str, found: list[Attribution]) -> list[Attribution]:
    """Attributions as PolNeAR marks them: a quotation continued after its
    cue (“…,” she said. “…”) is one attribution, where the extractor
    proposes each part with the same speaker and cue."""
    result: list[Attribution] = []
    for a in found:
        last = result[-1] if result else None
        if last is not None and last.cue == a.cue and last.speaker == a.speaker:
            start, end = last.content.start, max(last.content.end, a.content.end)
            result[-1] = replace(last, content=TextSpan(start, end, text[start:end]))
            continue
        result.append(a)
    return result


def read_brat(folder: Path, limit: int | None = None) -> list[BratText]:
    """Every annotated article of `folder` in name order (the first `limit`)."""
    texts = folder / "text"
    annotations = folder / "attributions"
    if not texts.is_dir() or not annotations.is_dir():
        raise InputError(f"{folder}: not a brat corpus (no text/ and attributions/ folders)")
    first: dict[str, Path] = {}
    for ann in sorted(annotations.glob("*.ann")):
        first.setdefault(ann.stem.rsplit("_", 1)[0], ann)
    found = []
    for file in sorted(texts.glob("*.txt"))[:limit]:
        if file.stem in first:
            # Bytes decoded as they are: offsets count "\r\n" as two.
            text = file.read_bytes().decode("utf-8")
            found.append(read_ann(first[file.stem], text, file.stem))
    return found
