"""Text for people at a terminal: lines that fit its columns, measured as the
terminal draws them (a CJK character takes two, an accent none), words and
ids never split."""

from __future__ import annotations

import re

import pytest

from tests.conftest import Runner
from tracker.render.layout import display_width, paragraph, terminal_table, wrap

HEADERS = ["ID", "Claim", "By"]
# Written without spaces: it may break between any two characters.
CJK = "朝鮮民主主義人民共和国外務省はロシアへの武器移転を否定し報道を捏造と呼んだ"
ROWS = [
    ["kcna-denial", CJK, "朝鮮中央通信"],
    ["miller-arms-charge", "North Korea supplied over 11\u00a0000 containers of munitions",
     "Matthew Miller"],
    ["zakharova-denial", "Zakharova called the reports \u00abanother Western fake\u00bb",
     "Maria Zakharova"],
    ["kovac-statement", "Ana Kovac\u030c: the report is a fabrication from beginning to end",
     "Ana Kovac\u030c"],
]  # fmt: skip
_SPACE_OR_RULE = r"[ \t\n│┌┐└┘├┤┬┴┼─]+"


def fits(text: str, columns: int) -> None:
    for line in text.splitlines():
        assert display_width(line) <= columns, line


def test_width_is_what_the_terminal_draws() -> None:
    assert display_width("北朝鮮") == 6
    assert display_width("Kovac\u030c") == 5
    assert display_width("Miller") == 6


def test_a_no_break_space_holds_its_words_together() -> None:
    assert wrap("over 11\u00a0000 containers", 8) == ["over", "11\u00a0000", "containers"]


def test_wide_script_breaks_between_characters_and_accents_stay() -> None:
    assert wrap("北朝鮮はロシアに", 6) == ["北朝鮮", "はロシ", "アに"]
    assert wrap("Kovac\u030c Kovac\u030c", 5) == ["Kovac\u030c", "Kovac\u030c"]


@pytest.mark.parametrize("columns", [40, 60, 80, 120])
@pytest.mark.parametrize("may_block", [True, False])
def test_tables_fit_wide_and_combining_characters(columns: int, may_block: bool) -> None:
    text = terminal_table(HEADERS, ROWS, columns, may_block)
    if may_block:
        fits(text, columns)
    else:  # piped: a grid, as narrow as unsplit words allow, its borders aligned
        assert len({display_width(line) for line in text.splitlines()}) == 1
    # Nothing lost: every id whole, every word of every value on some line,
    # the wide script's characters in their order.
    flat = set(re.split(_SPACE_OR_RULE, text))
    for row in ROWS[1:]:
        assert row[0] in flat
        for word in row[1].split(" "):
            assert word in flat, word
    rest = iter(text)
    assert all(c in rest for c in CJK)  # a subsequence: its characters in order


def test_a_grid_pads_wide_characters_to_line_up() -> None:
    text = terminal_table(HEADERS, ROWS, 200, may_block=False)
    assert text.startswith("┌")
    widths = {display_width(line) for line in text.splitlines()}
    assert len(widths) == 1, widths  # every row's border in the same column


def test_a_paragraph_hangs_under_its_indent() -> None:
    text = paragraph("kcna-denial in star-advertiser-20240618 " * 4, 40, "  ", "    ")
    lines = text.splitlines()
    assert lines[0].startswith("  kcna") and all(line.startswith("    ") for line in lines[1:])
    fits(text, 40)


@pytest.mark.parametrize(
    "command",
    [
        ["show", "putin-resist-unilateral-restrictions"],
        ["by-actor", "Putin"],
        ["search", "sanctions"],
    ],
)
def test_pages_fit_a_narrow_terminal(
    run: Runner, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "50")
    result = run(*command)
    assert result.exit_code == 0, result.output
    fits(result.stdout, 50)
    # Piped with no terminal described, prose stays one line to grep.
    monkeypatch.delenv("COLUMNS")
    piped = run(*command).stdout
    if command[0] == "show":
        text = str(run(*command, "-f", "json").stdout)
        assert any(
            line.startswith("Russia and North Korea will jointly resist") and line.endswith(".")
            for line in piped.splitlines()
        ), text
