"""The contest map: every claim in a contest drawn as a box holding its
claimants and text whole, an arrow per contest in the right direction, the
SVG well-formed whatever the text holds, and on the claim pages of serve
and publish."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from tests.conftest import Runner
from tracker.render.diagram import LINE, MAX_OTHERS, contest_map, wrap

SVG = "{http://www.w3.org/2000/svg}"


def _claim(text: str, names: list[str], relations: list[dict[str, Any]]) -> dict[str, Any]:
    return {"text": text, "claimants": [{"name": n} for n in names], "relations": relations}


def _relation(direction: str, relation: str, text: str, names: list[str]) -> dict[str, Any]:
    return {"direction": direction, "relation": relation, "contest": True, "text": text,
            "claimants": [{"name": n} for n in names]}  # fmt: skip


def _lines(svg: str) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg).iter(f"{SVG}text")]


def test_long_group_titles_and_texts_are_whole() -> None:
    group = ["United States government", "Japanese government", "South Korean government"]
    claim = _claim("North Korea may be supplying Russia with weapons for use in Ukraine.", group, [
        _relation("in", "denies", "There have been no arms transfers.", ["Russian government"]),
    ])  # fmt: skip
    svg = contest_map(claim)
    assert svg is not None
    lines = _lines(svg)
    assert all(len(line) <= LINE for line in lines)
    shown = " ".join(lines)
    assert " + ".join(group) in shown
    assert claim["text"] in shown and "There have been no arms transfers." in shown
    assert "denies" in lines


def test_arrows_run_from_the_answer_to_the_answered() -> None:
    claim = _claim("A.", ["Ann"], [
        _relation("in", "denies", "Not A.", ["Bob"]),
        _relation("out", "disputes", "C.", ["Cy"]),
        {**_relation("in", "supports", "Also A.", ["Di"]), "contest": False},
    ])  # fmt: skip
    svg = contest_map(claim)
    assert svg is not None
    arrows = list(ET.fromstring(svg).iter(f"{SVG}line"))
    assert len(arrows) == 2  # the support is no contest
    denial, dispute = arrows
    # The claim's box is on the left: a denial of it points left, its own dispute right.
    assert float(denial.get("x1", 0)) > float(denial.get("x2", 0))
    assert float(dispute.get("x1", 0)) < float(dispute.get("x2", 0))
    assert "Also A." not in " ".join(_lines(svg))


def test_no_contest_no_map_and_many_are_bounded() -> None:
    assert contest_map(_claim("A.", ["Ann"], [])) is None
    many = [_relation("in", "denies", f"Not A, says {i}.", [f"P{i}"]) for i in range(40)]
    svg = contest_map(_claim("A.", ["Ann"], many))
    assert svg is not None
    assert len(list(ET.fromstring(svg).iter(f"{SVG}rect"))) == MAX_OTHERS + 1
    assert f"and {40 - MAX_OTHERS} more" in _lines(svg)


def test_hostile_text_is_text() -> None:
    hostile = '<script>alert(1)</script> & "x" \u202egnirts\x07 ' + "w" * 100
    svg = contest_map(_claim(hostile, ["<b>Ann</b>"], [_relation("in", "denies", "]]>", ["B"])]))
    assert svg is not None
    root = ET.fromstring(svg)  # well-formed
    assert not list(root.iter(f"{SVG}script")) and "<script>" not in svg
    shown = "".join(_lines(svg))
    assert "<script>alert(1)</script>" in shown and "\u202e" not in shown and "\x07" not in shown
    assert "w" * LINE in shown  # a long word cut, not lost


def test_wrap_keeps_every_word() -> None:
    text = "one two three four five six seven eight nine ten eleven twelve thirteen"
    assert " ".join(wrap(text, 12)).split() == text.split()
    assert max(len(line) for line in wrap(text, 12)) <= 12


def test_claim_pages_show_the_map(run: Runner, tmp_path: Any) -> None:
    result = run("publish", str(tmp_path / "site"))
    assert result.exit_code == 0, result.output
    page = (tmp_path / "site" / "claims" / "miller-arms-charge.html").read_text(encoding="utf-8")
    (svg,) = re.findall(r"<svg .*?</svg>", page, re.S)
    shown = " ".join(_lines(svg))
    assert "There have been no arms transfers" in shown and "Matthew Miller" in shown
    lone = (tmp_path / "site" / "claims" / "kozlov-air-service.html").read_text(encoding="utf-8")
    assert "<svg" not in lone
