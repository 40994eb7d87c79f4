"""A claim's contests drawn as a picture: inline SVG, boxes and arrows, drawn
by tracker itself (no renderer, no script, nothing fetched), for the claim
pages of tracker serve and tracker publish.

The claim stands on the left; each claim in a contest with it stands on the
right, an arrow from the one that answers to the one answered, named by the
relation. A box holds its claimants and its text whole, wrapped: nothing is
clipped (the Mermaid map cut "United States government + Japanese government
+ South Korean government" to "States government…"). Text is escaped for
XML, and characters that could reorder or hide it become U+FFFD.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

# Geometry, in SVG user units: a box's width holds LINE characters of
# FONT-unit text (an average glyph is well under 0.6 of its size).
FONT = 13
LINE = 36
BOX = 280
GAP = 90  # between the columns, room for the relation's name
LEADING = 17
PAD = 10
SPACE = 14  # between boxes in a column
# Boxes a map draws at most: the rest are a link away, on the claim page.
MAX_OTHERS = 12
MAX_CHARS = 600  # of one text: a claim is a sentence or two

_HIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffe\uffff]"
)


def _clean(text: str) -> str:
    text = _HIDDEN.sub("\ufffd", text)
    return text if len(text) <= MAX_CHARS else text[: MAX_CHARS - 1] + "…"


def wrap(text: str, width: int = LINE) -> list[str]:
    """Lines of at most `width` characters, broken at spaces; a longer word
    is cut into pieces of `width`."""
    lines: list[str] = []
    line = ""
    for word in _clean(text).split():
        while len(word) > width:
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:width])
            word = word[width:]
        if not word:
            continue
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    return lines or [""]


def _names(claim: dict[str, Any]) -> str:
    return " + ".join(a["name"] for a in claim.get("claimants") or []) or "unattributed"


class _Box:
    def __init__(self, claim: dict[str, Any], x: int, y: int, here: bool) -> None:
        self.title = wrap(_names(claim))
        self.body = wrap(claim["text"])
        self.x, self.y, self.here = x, y, here
        self.height = PAD * 2 + LEADING * (len(self.title) + len(self.body)) + 4

    def svg(self) -> str:
        fill, stroke = ("#fff8e1", "#b26a00") if self.here else ("#ffffff", "#555555")
        out = [
            f'<rect x="{self.x}" y="{self.y}" width="{BOX}" height="{self.height}" rx="6"'
            f' fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>'
        ]
        y = self.y + PAD + FONT
        for i, line in enumerate(self.title + self.body):
            weight = ' font-weight="bold"' if i < len(self.title) else ""
            gap = 4 if i == len(self.title) else 0
            y += gap
            out.append(f'<text x="{self.x + PAD}" y="{y}"{weight}>{escape(line)}</text>')
            y += LEADING
        return "".join(out)


def contest_map(claim: dict[str, Any]) -> str | None:
    """The SVG of `claim`'s contests (a claim object of the JSON contract),
    or None when it is in none."""
    contests = [r for r in claim.get("relations") or [] if r.get("contest")]
    if not contests:
        return None
    shown = contests[:MAX_OTHERS]
    right = BOX + GAP + 10
    others: list[tuple[dict[str, Any], _Box]] = []
    y = 10
    for relation in shown:
        box = _Box(relation, right, y, False)
        others.append((relation, box))
        y += box.height + SPACE
    column = y - SPACE - 10
    here = _Box(claim, 10, 10, True)
    here.y = 10 + max(0, (column - here.height) // 2)
    more = len(contests) - len(shown)
    height = max(column, here.height) + 20 + (LEADING if more else 0)
    width = right + BOX + 10
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" class="contest-map"'
        f' viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img"'
        ' font-family="sans-serif"'
        f' font-size="{FONT}" fill="#222222">',
        f"<title>{escape(_clean(claim['text'][:120]))}: its contests</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7"'
        ' markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"'
        ' fill="#8a1c1c"/></marker></defs>',
        here.svg(),
    ]
    for relation, box in others:
        y_here = here.y + here.height // 2
        y_there = box.y + box.height // 2
        # The arrow runs from the claim that answers to the one it answers.
        start, end = (box.x, y_there), (here.x + BOX, y_here)
        if relation.get("direction") == "out":
            start, end = end, start
        parts.append(
            f'<line x1="{start[0]}" y1="{start[1]}" x2="{end[0]}" y2="{end[1]}"'
            ' stroke="#8a1c1c" stroke-width="1.5" marker-end="url(#arrow)"/>'
        )
        middle = ((start[0] + end[0]) // 2, (start[1] + end[1]) // 2 - 5)
        parts.append(
            f'<text x="{middle[0]}" y="{middle[1]}" text-anchor="middle" font-style="italic"'
            f' fill="#8a1c1c">{escape(relation["relation"])}</text>'
        )
        parts.append(box.svg())
    if more:
        parts.append(f'<text x="{right}" y="{height - 8}">and {more} more</text>')
    parts.append("</svg>")
    return "".join(parts)
