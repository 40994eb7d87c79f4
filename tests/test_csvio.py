"""CSV files for spreadsheets: the export document goes out and comes back exactly, and
no cell a spreadsheet would run as a formula is written as it is. No database."""

from __future__ import annotations

import copy
import csv
import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import SEEDS
from tracker.errors import InputError
from tracker.exchange.csvio import TABLES, read_csv, write_csv
from tracker.ingest.dataset import data_files, read_files

DANGEROUS = ["=", "+", "-", "@", "\t", "\r", "\0"]


def evidence(url: str, **changes: Any) -> dict[str, Any]:
    item = {
        "url": url,
        "title": 'Report, "annex" 2',
        "kind": "report",
        "date": "2024-06-10",
        "shows": "Shipments of shells,\nby rail\r\nand by sea",
        "stance": "supports",
    }
    return item | changes


def review(reviewer: str, **changes: Any) -> dict[str, Any]:
    item = {
        "reviewer": reviewer,
        "rating": "Misleading",
        "value": 2,
        "best": 5,
        "worst": 1,
        "date": "2024-06-20",
        "url": "https://example.org/check?a=1,b=2",
        "explanation": 'Line one.\nLine "two", with a comma.',
        "evidence": [],
    }
    return item | changes


def document() -> dict[str, Any]:
    """A document using every field, with texts built to trip a CSV writer up."""
    return {
        "tracker_export": 1,
        "actors": [
            {
                "id": "vladimir-putin",
                "name": "Владимир Путин",
                "kind": "person",
                "description": '=HYPERLINK("http://evil.example","click")',
                "aliases": ["Putin", "Vladimir\u00a0Putin", "'quoted", "", "@putin", "普京"],
                "roles": [
                    {"title": "President", "of": "russia", "start": "2012-05-07", "end": None},
                    {"title": "-Prime minister", "of": "russia", "start": "2008", "end": "2012-05"},
                ],
            },
            {
                "id": "russia",
                "name": "Russia",
                "kind": "country",
                "description": None,
                "aliases": [],
                "roles": [],
            },
            {
                "id": "factcheck-org",
                "name": "+FactCheck.org",
                "kind": "organization",
                "description": "",
                "aliases": ["\tTabbed", "\rReturned", "\0Nul", "''two quotes", "'"],
                "roles": [],
            },
        ],
        "sources": [
            {
                "id": "ani-20240618",
                "outlet": "Asian News International (ANI)",
                "title": 'Russia, N Korea to work together: "Putin"',
                "url": None,
                "published": "2024-06-18",
                "language": "en",
                "credits": ["ani", "reuters"],
                "notes": "-- relayed from TASS",
                "archived_url": "https://web.archive.org/web/2024/https://example.org/a",
                "retrieved": "2024-06-19",
                "excerpt": False,
                "text": 'First paragraph, with a comma.\n\n"Quoted" second;\r\nthird\rfourth\n',
            },
            {
                "id": "url-only",
                "outlet": "朝鲜中央通讯社",
                "title": "=1+1",
                "url": "https://example.org/kcna",
                "published": "2024",
                "language": None,
                "credits": [],
                "notes": None,
                "archived_url": None,
                "retrieved": None,
                "excerpt": True,
                "text": None,
            },
        ],
        "claims": [
            {
                "id": "miller-arms-charge",
                "text": "North Korea has supplied\n“ballistic missiles”, shells \u2013 and more.",
                "claimants": ["matthew-miller", "@state"],
                "stated": "2024-06",
                "topics": ["arms-transfers", "sanctions"],
                "first_appearance": {"source": "ani-20240618", "url": None},
                "appearances": [
                    {
                        "source": "ani-20240618",
                        "quote": '-supplied, "allegedly"\nnew line',
                        "start": 0,
                        "end": 2566,
                        "type": "paraphrase",
                        "cue": "repeated charges",
                        "via": None,
                    },
                    {
                        "source": "url-only",
                        "quote": None,
                        "start": None,
                        "end": None,
                        "type": "direct",
                        "cue": None,
                        "via": "vladimir-putin",
                    },
                ],
                "relations": [
                    {"relation": "restates", "to": "trilateral-arms-supply"},
                    {"relation": "contradicts", "to": "putin-denial"},
                ],
                "reviews": [
                    review("factcheck-org", evidence=[evidence("https://e.org/1")]),
                    review(
                        "politifact",
                        rating="@False",
                        value=-1,
                        best=1,
                        worst=-1,
                        evidence=[
                            evidence("https://e.org/2", stance="refutes"),
                            evidence("=cmd|' /C calc'!A0", title=None, date=None),
                        ],
                    ),
                    review("snopes", value=2.5, best=5.0, worst=-0.5, url=None),
                    review("nobody", rating="Unrated", value=None, best=None, worst=None),
                    review("science", value=1e-07, best=1e20, worst=0),
                ],
                "evidence": [evidence("https://e.org/claim", kind=None, shows="+ more")],
            },
            {
                "id": "putin-denial",
                "text": "'Nothing' was supplied",
                "claimants": [],
                "stated": None,
                "topics": [],
                "first_appearance": {"source": None, "url": "https://example.org/first"},
                "appearances": [],
                "relations": [],
                "reviews": [],
                "evidence": [],
            },
            {
                "id": "empty",
                "text": "",
                "claimants": [],
                "stated": None,
                "topics": [],
                "first_appearance": None,
                "appearances": [],
                "relations": [],
                "reviews": [],
                "evidence": [],
            },
        ],
    }


def exact(value: Any) -> str:
    """JSON that tells 2 from 2.0, true from 1, and keys in another order apart."""
    return json.dumps(value, ensure_ascii=False)


def raw(folder: Path, name: str) -> str:
    with (folder / name).open(encoding="utf-8-sig", newline="") as stream:
        return stream.read()


def cells(folder: Path, name: str) -> list[list[str]]:
    with (folder / name).open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream))


def test_round_trip_is_exact(tmp_path: Path) -> None:
    doc = document()
    written = write_csv(doc, tmp_path / "out")
    assert [p.name for p in written] == list(TABLES)
    back = read_csv(tmp_path / "out")
    assert back == doc
    assert exact(back) == exact(doc)
    values = [r["value"] for r in back["claims"][0]["reviews"]]
    assert [type(v) for v in values] == [int, int, float, type(None), float]
    assert math.copysign(1, back["claims"][0]["reviews"][2]["worst"]) == -1


def test_writing_twice_gives_the_same_bytes(tmp_path: Path) -> None:
    write_csv(document(), tmp_path / "a")
    write_csv(read_csv(tmp_path / "a"), tmp_path / "b")
    for name in TABLES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_files_are_utf8_with_header_and_newline_records(tmp_path: Path) -> None:
    write_csv(document(), tmp_path)
    for name, columns in TABLES.items():
        data = (tmp_path / name).read_bytes()
        assert data.startswith(b"\xef\xbb\xbf")  # the mark Excel needs to read UTF-8
        assert cells(tmp_path, name)[0] == [column for column, _ in columns]
        assert data.endswith(b"\n") and not data.endswith(b"\r\n")
    assert raw(tmp_path, "actors.csv").splitlines()[0] == '"id","name","kind","description"'
    # Newlines inside a text are kept as they were, in a quoted cell.
    text = document()["sources"][0]["text"]
    assert f'"{text.replace(chr(34), chr(34) * 2)}"' in raw(tmp_path, "sources.csv")
    assert "Владимир Путин" in raw(tmp_path, "actors.csv")


def test_cells_a_spreadsheet_would_run_are_prefixed(tmp_path: Path) -> None:
    write_csv(document(), tmp_path)
    actors = raw(tmp_path, "actors.csv")
    assert '"\'=HYPERLINK(""http://evil.example"",""click"")"' in actors
    assert '"\'+FactCheck.org"' in actors
    aliases = raw(tmp_path, "aliases.csv")
    for cell in ["'@putin", "'\tTabbed", "'\rReturned", "'\0Nul", "'''two quotes", "''quoted"]:
        assert f'"{cell}"' in aliases
    assert '"\'-Prime minister"' in raw(tmp_path, "roles.csv")
    assert "\"'=cmd|' /C calc'!A0\"" in raw(tmp_path, "evidence.csv")
    assert '"\'+ more"' in raw(tmp_path, "evidence.csv")
    assert '"\'@False"' in raw(tmp_path, "reviews.csv")
    # Numbers are not text: a negative rating stays a number a spreadsheet can sum.
    assert '"politifact","\'@False",-1,1,-1,' in raw(tmp_path, "reviews.csv")
    assert ",2.5,5.0,-0.5," in raw(tmp_path, "reviews.csv")
    for name in TABLES:
        for row in cells(tmp_path, name)[1:]:
            for cell in row:
                if cell.startswith(tuple(DANGEROUS)):
                    float(cell)  # only numbers we wrote ourselves start so


def test_null_and_empty_text_are_told_apart(tmp_path: Path) -> None:
    write_csv(document(), tmp_path)
    rows = cells(tmp_path, "actors.csv")
    assert rows[2][3] == "" and rows[3][3] == "'"  # description: null, then ""
    back = read_csv(tmp_path)
    assert back["actors"][1]["description"] is None
    assert back["actors"][2]["description"] == ""
    assert back["actors"][0]["aliases"][3] == ""
    assert back["claims"][2]["text"] == ""


def test_reviews_are_keyed_by_claim_and_position(tmp_path: Path) -> None:
    write_csv(document(), tmp_path)
    rows = cells(tmp_path, "evidence.csv")
    assert [row[:3] for row in rows] == [
        ["claim", "review", "position"],
        ["miller-arms-charge", "1", "1"],
        ["miller-arms-charge", "2", "1"],
        ["miller-arms-charge", "2", "2"],
        ["miller-arms-charge", "", "1"],
    ]


def test_rows_in_any_order_and_crlf_records_read_the_same(tmp_path: Path) -> None:
    doc = document()
    write_csv(doc, tmp_path)
    # What a spreadsheet may do: sort rows by another column, end records in CRLF.
    for name in ["evidence.csv", "aliases.csv", "reviews.csv"]:
        rows = cells(tmp_path, name)
        with (tmp_path / name).open("w", encoding="utf-8", newline="") as stream:
            csv.writer(stream, lineterminator="\r\n").writerows([rows[0], *reversed(rows[1:])])
    assert exact(read_csv(tmp_path)) == exact(doc)


def test_extra_columns_are_ignored(tmp_path: Path) -> None:
    write_csv(document(), tmp_path)
    rows = cells(tmp_path, "topics.csv")
    with (tmp_path / "topics.csv").open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows([["note", *rows[0]], *(["x", *r] for r in rows[1:])])
    assert read_csv(tmp_path) == document()


def test_empty_document(tmp_path: Path) -> None:
    doc = {"tracker_export": 1, "actors": [], "sources": [], "claims": []}
    write_csv(doc, tmp_path)
    assert read_csv(tmp_path) == doc


def seed_document() -> dict[str, Any]:
    """The seeds as a document, built from the parsed data files (not the database)."""
    data = read_files(data_files([SEEDS]))

    def day(value: Any, precision: str | None = "day") -> str | None:
        lengths = {"day": 10, "month": 7, "year": 4}
        return value.isoformat()[: lengths[precision or "day"]] if value else None

    return {
        "tracker_export": 1,
        "actors": [
            {
                "id": a.key,
                "name": a.name,
                "kind": a.kind,
                "description": a.description,
                "aliases": a.aliases,
                "roles": [
                    {
                        "title": r.title,
                        "of": r.organization,
                        "start": day(r.start),
                        "end": day(r.end),
                    }
                    for r in a.roles
                ],
            }
            for a in data.actors
        ],
        "sources": [
            {
                "id": s.key,
                "outlet": s.outlet,
                "title": s.title,
                "url": s.url,
                "published": day(s.published, s.published_precision),
                "language": s.language,
                "credits": s.credits,
                "notes": s.notes,
                "archived_url": s.archived_url,
                "retrieved": day(s.retrieved),
                "excerpt": s.excerpt,
                "text": s.text,
            }
            for s in data.sources
        ],
        "claims": [
            {
                "id": c.key,
                "text": c.text,
                "claimants": c.claimants,
                "stated": day(c.stated, c.precision),
                "topics": c.topics,
                "first_appearance": {"source": c.appearances[0].source, "url": None},
                "appearances": [
                    {
                        "source": p.source,
                        "quote": p.quote,
                        "start": None,
                        "end": None,
                        "type": p.type,
                        "cue": p.cue,
                        "via": p.via,
                    }
                    for p in c.appearances
                ],
                "relations": [{"relation": r, "to": to} for r, to in c.relations],
                "reviews": [],
                "evidence": [],
            }
            for c in data.claims
        ],
    }


def test_seeds_round_trip(tmp_path: Path) -> None:
    doc = seed_document()
    assert doc["claims"] and all(s["text"] for s in doc["sources"])
    write_csv(doc, tmp_path)
    assert exact(read_csv(tmp_path)) == exact(doc)


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.one_of(st.none(), st.text()),
    value=st.one_of(st.none(), st.integers(), st.floats(allow_nan=False, allow_infinity=False)),
)
def test_any_text_and_number_round_trip(tmp_path: Path, text: str | None, value: Any) -> None:
    doc = document()
    doc["actors"][0]["description"] = text
    doc["actors"][0]["aliases"] = [text]
    doc["claims"][0]["reviews"][0]["value"] = value
    write_csv(doc, tmp_path)
    assert exact(read_csv(tmp_path)) == exact(doc)


# --- bad input ----------------------------------------------------------------------------


def rewrite(folder: Path, name: str, old: str, new: str) -> None:
    text = raw(folder, name)
    assert old in text
    (folder / name).write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def out(tmp_path: Path) -> Path:
    write_csv(document(), tmp_path)
    return tmp_path


def refused(folder: Path) -> str:
    with pytest.raises(InputError) as caught:
        read_csv(folder)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_missing_file(out: Path) -> None:
    (out / "relations.csv").unlink()
    assert refused(out).startswith(f"{out / 'relations.csv'}: no such file; a CSV export has")


def test_missing_column(out: Path) -> None:
    rewrite(out, "appearances.csv", '"cue",', '"clue",')
    assert refused(out) == f"{out / 'appearances.csv'}:1: column 'cue' is missing"


def test_duplicate_column(out: Path) -> None:
    rewrite(out, "topics.csv", '"topic"', '"claim"')
    assert refused(out) == f"{out / 'topics.csv'}:1: column 'claim' appears twice"


def test_empty_file(out: Path) -> None:
    (out / "claims.csv").write_text("")
    assert refused(out) == f"{out / 'claims.csv'}:1: empty file; the first line names the columns"


def test_bad_number(out: Path) -> None:
    rewrite(out, "reviews.csv", ",2.5,5.0,", ",2.5e,5.0,")
    assert refused(out) == f"{out / 'reviews.csv'}:6: column 'value': '2.5e' is not a number"


def test_fraction_where_a_whole_number_belongs(out: Path) -> None:
    rewrite(out, "appearances.csv", ",0,2566,", ",0,2566.0,")
    assert refused(out) == (
        f"{out / 'appearances.csv'}:2: column 'end': '2566.0' is not a whole number"
    )


def test_bad_bool(out: Path) -> None:
    rewrite(out, "sources.csv", '"false"', '"no"')
    assert refused(out) == f"{out / 'sources.csv'}:2: column 'excerpt': 'no' is not true or false"


def test_unknown_claim_names_line_and_column(out: Path) -> None:
    rewrite(out, "topics.csv", '"miller-arms-charge",2', '"miller-arms",2')
    assert (
        refused(out)
        == f"{out / 'topics.csv'}:3: column 'claim': no claim 'miller-arms' in claims.csv"
    )


def test_unknown_actor_and_source(out: Path) -> None:
    rewrite(out, "aliases.csv", '"factcheck-org",1', '"fact-check",1')
    assert refused(out) == (
        f"{out / 'aliases.csv'}:8: column 'actor': no actor 'fact-check' in actors.csv"
    )


def test_evidence_of_a_missing_review(out: Path) -> None:
    rewrite(out, "evidence.csv", '"miller-arms-charge",2,2', '"miller-arms-charge",9,2')
    assert refused(out) == (
        f"{out / 'evidence.csv'}:8: column 'review': claim 'miller-arms-charge' has no review 9"
    )


def test_duplicate_position(out: Path) -> None:
    rewrite(out, "claimants.csv", ",2,", ",1,")
    assert refused(out) == (
        f"{out / 'claimants.csv'}:3: column 'position': 1 appears twice"
        " for claim 'miller-arms-charge'"
    )


def test_duplicate_id(out: Path) -> None:
    rewrite(out, "sources.csv", '"url-only"', '"ani-20240618"')
    assert refused(out).startswith(f"{out / 'sources.csv'}:")
    assert refused(out).endswith(": column 'id': 'ani-20240618' appears twice")


def test_empty_owner_and_position(out: Path) -> None:
    rewrite(out, "credits.csv", '"ani-20240618",1', '"",1')
    assert refused(out) == (
        f"{out / 'credits.csv'}:2: column 'source': empty; every row belongs to a source"
    )


def test_short_and_long_rows(out: Path) -> None:
    rewrite(out, "topics.csv", ',2,"sanctions"\n', ",2\n")
    assert refused(out) == (
        f"{out / 'topics.csv'}:3: column 'topic': missing; the row has 2 cells, the header 3"
    )
    rewrite(out, "topics.csv", ",2\n", ',2,"sanctions",""\n')
    assert refused(out) == (
        f"{out / 'topics.csv'}:3: column 4: the row has 4 cells, the header only 3"
    )


def test_broken_quoting_names_the_record(out: Path) -> None:
    rewrite(out, "claims.csv", '"putin-denial"', '"putin-denial"x')
    message = refused(out)
    assert message.startswith(f"{out / 'claims.csv'}:4: not a CSV record: ")


def test_not_utf8(out: Path) -> None:
    (out / "topics.csv").write_bytes(
        b'"claim","position","topic"\n"a",1,"x\r\ny\rz"\n"a",2,"\xff"\n'
    )
    assert refused(out) == f"{out / 'topics.csv'}:5: not UTF-8"


def test_export_needs_one_row(out: Path) -> None:
    (out / "export.csv").write_text('"tracker_export"\n1\n2\n')
    assert refused(out) == f"{out / 'export.csv'}:3: one row expected, found 2"


# --- a document the writer cannot keep exactly is refused, not altered ---------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["actors"][0].update(born="1952"),
            "actors[0]: missing keys [], unknown keys ['born']",
        ),
        (
            lambda d: d["claims"][1].pop("stated"),
            "claims[1]: missing keys ['stated'], unknown keys []",
        ),
        (
            lambda d: d["claims"][1].update(first_appearance={"source": None, "url": None}),
            "claims[1].first_appearance: neither source nor url: write null",
        ),
        (
            lambda d: d["claims"][0]["reviews"][0].update(value=math.inf),
            "claims[0].reviews[0].value: inf is not a finite number",
        ),
        (
            lambda d: d["claims"][0]["reviews"][0].update(value="2"),
            "claims[0].reviews[0].value: expected number or null, not str",
        ),
        (
            lambda d: d["sources"][0].update(excerpt=0),
            "sources[0].excerpt: expected bool or null, not int",
        ),
        (
            lambda d: d["claims"][0]["appearances"][0].update(start=True),
            "claims[0].appearances[0].start: expected int or null, not bool",
        ),
    ],
)
def test_writer_refuses_what_it_could_not_read_back(
    tmp_path: Path, change: Any, message: str
) -> None:
    doc = copy.deepcopy(document())
    change(doc)
    with pytest.raises(ValueError) as caught:
        write_csv(doc, tmp_path)
    assert str(caught.value) == message
