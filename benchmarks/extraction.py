"""How well and how fast `tracker extract` finds attributions.

    python benchmarks/extraction.py                      # the seed articles' gold
    python benchmarks/extraction.py other-gold.yaml --root DIR --db URL
    python benchmarks/extraction.py --brat ../shared/corpora/polnear-train [--first 300]
    python benchmarks/extraction.py --quotes      # seconds on 1 MB of quotation marks

Prints precision, recall and F1 against hand-annotated gold attributions
(benchmarks/gold/attributions.yaml: speaker, cue and content spans, stance,
the claims each denial answers): for whole attributions (cue and speaker
overlapping, content sharing half of the longer span), for each span exact
and by that overlap, and for denial -> claim links, with how many denials
have a denied claim ranked first. Links are looked up in --db (default: a
fresh SQLite database loaded with seeds/). Then times the extraction beside
spaCy's blank tokenizer alone over the same texts.

A gold file for other articles takes the same form; `file` paths are
relative to --root (default: the repository).

With --brat, the gold is a brat standoff corpus (PolNeAR's form,
tracker/extract/brat.py): the attributions found in each article are
measured against its gold by the same overlap rule, as precision over all
that is found (matching a thought or a belief is right too) and recall of
the gold's speech acts, per cue family (tracker/extract/families.py), with
the stances found for each gold cue family.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tracker.errors import TrackerError  # noqa: E402
from tracker.extract.attribution import Attribution, attributions  # noqa: E402
from tracker.extract.brat import joined, read_brat  # noqa: E402
from tracker.extract.families import FAMILIES, SPEECH_FAMILIES, family  # noqa: E402
from tracker.extract.gold import GoldText, read_gold  # noqa: E402
from tracker.extract.propose import Proposal, pipeline, propose  # noqa: E402
from tracker.extract.score import (  # noqa: E402
    Cued,
    Measure,
    Tally,
    attribution_match,
    links,
    measure,
    total,
)
from tracker.ingest.load import load_paths  # noqa: E402
from tracker.record.db import open_database  # noqa: E402


def _row(name: str, m: Measure) -> str:
    return (
        f"{name:18} {m.precision:9.2f} {m.recall:6.2f} {m.f1:6.2f}"
        f"   {m.right:>3} of {m.found:>3} found, {m.gold:>3} gold"
    )


def _denials(texts: list[GoldText], found: list[list[Proposal]]) -> tuple[Measure, int, int]:
    proposed: dict[int, list[str]] = {}
    gold: dict[int, set[str]] = {}
    k = 0
    for text, proposals in zip(texts, found, strict=True):
        for g in text.attributions:
            if not g.denies:
                continue
            k += 1
            gold[k] = set(g.denies)
            hit = next((p for p in proposals if attribution_match(p.attribution, g)), None)
            proposed[k] = [d.claim for d in hit.denies] if hit else []
    m, top = links(proposed, gold)
    return m, top, len(gold)


def _timed(work: object, repeat: int) -> float:
    """The median of `repeat` runs of `work()`, in seconds."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()  # type: ignore[operator]
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def _cue_family(a: Cued) -> str:
    return family(a.cue.text)  # type: ignore[attr-defined]


def brat(folder: Path, first: int | None, repeat: int) -> None:
    """Measure against a brat corpus and print the figures."""
    corpus = read_brat(folder, first)
    nlp = pipeline()
    tally = Tally()
    found_all: list[list[Attribution]] = []
    for item in corpus:
        found = joined(item.gold.text, attributions(nlp, item.gold.text))
        found_all.append(found)
        tally.add(found, item.gold.attributions, _cue_family, SPEECH_FAMILIES.__contains__)
    gold = sum(len(t.gold.attributions) for t in corpus)
    print(
        f"{len(corpus)} articles, {gold} gold attributions with a source"
        f" ({sum(t.without_source for t in corpus)} without one, not scored),"
        f" {tally.speech} of them speech acts; {tally.found} found\n"
    )
    print(f"precision {tally.precision:.2f} ({tally.right} of {tally.found} found right)")
    print(
        f"speech-act recall {tally.recall:.2f}"
        f" ({tally.speech_found} of {tally.speech} gold speech acts found)\n"
    )
    head = ("found", "right", "prec", "", "gold", "found", "recall")
    print(f"{'cue family':14} " + " ".join(f"{h:>6}" for h in head))
    for name in FAMILIES:
        f = tally.families.get(name)
        if f is None:
            continue
        print(
            f"{name:14} {f.found:6} {f.found_right:6} {f.precision:6.2f}"
            f"        {f.gold:6} {f.gold_found:6} {f.recall:6.2f}"
        )
    print("\nstances found, by the gold cue's family (attributions found):")
    stances = sorted({s for _, s in tally.stances})
    print(f"{'':14} " + " ".join(f"{s:>8}" for s in stances))
    for name in FAMILIES:
        row = [tally.stances.get((name, s), 0) for s in stances]
        if any(row):
            print(f"{name:14} " + " ".join(f"{n:8}" for n in row))
    contents = [t.gold.text for t in corpus]
    tokenizer = _timed(lambda: [nlp.tokenizer(c) for c in contents], repeat)
    extraction = _timed(lambda: [attributions(nlp, c) for c in contents], repeat)
    print(
        f"\ntime over {sum(map(len, contents)):,} characters (median of {repeat}):"
        f" tokenizer {tokenizer:.2f} s, extraction {extraction:.2f} s"
        f" ({extraction / tokenizer:.2f}x)"
    )


QUOTES = {
    "balanced marks, one run": "\u201c\u201d",
    "unbalanced \u201c, one run": "\u201c",
    "straight quotes, one run": '"',
    "unbalanced \u201c before words": "\u201ca ",
    "quoted statements, no break": "He said \u201cyes.\u201d ",
}


def quotes(size: int) -> None:
    """Seconds to extract from `size` bytes of each shape of quotes."""
    nlp = pipeline()
    for name, unit in QUOTES.items():
        text = unit * (size // len(unit.encode()))
        start = time.perf_counter()
        found = attributions(nlp, text)
        print(f"{name:32} {time.perf_counter() - start:7.2f} s  {len(found):6} found")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "gold", nargs="*", type=Path, default=[ROOT / "benchmarks/gold/attributions.yaml"]
    )
    parser.add_argument("--root", type=Path, default=ROOT, help="where gold `file` paths start")
    parser.add_argument("--db", help="database with the claims denials link to (default: seeds)")
    parser.add_argument("--repeat", type=int, default=20, help="timing runs (median)")
    parser.add_argument("--brat", type=Path, help="measure against a brat standoff corpus")
    parser.add_argument("--first", type=int, help="with --brat: only the first N articles")
    parser.add_argument("--quotes", action="store_true", help="time 1 MB of quotation marks")
    args = parser.parse_args()
    if args.quotes:
        quotes(1_000_000)
        return
    if args.brat:
        try:
            brat(args.brat, args.first, min(args.repeat, 3))
        except TrackerError as error:
            sys.exit(f"error: {error}")
        return

    texts = [t for path in args.gold for t in read_gold(path, args.root)]
    nlp = pipeline()
    with tempfile.TemporaryDirectory() as folder:
        url = args.db or f"sqlite:///{folder}/seeds.db"
        engine = open_database(url)
        if args.db is None:
            load_paths(engine, [ROOT / "seeds"])
        with Session(engine) as session:
            found = [propose(session, t.text, nlp) for t in texts]
            with_links = _timed(lambda: [propose(session, t.text, nlp) for t in texts], 3)
        engine.dispose()

    # Attributions as found, before a statement listing several actions is
    # split into one proposal per action: the gold marks attributions.
    spans = [attributions(nlp, t.text) for t in texts]
    scores = total([measure(a, t.attributions) for a, t in zip(spans, texts, strict=True)])
    gold_count = sum(len(t.attributions) for t in texts)
    print(
        f"{len(texts)} texts, {gold_count} gold attributions, {sum(map(len, spans))} found,"
        f" {sum(map(len, found))} proposals\n"
    )
    print(f"{'measure':18} {'precision':>9} {'recall':>6} {'F1':>6}")
    for name, m in scores.items():
        print(_row(name, m))
    m, top, denials = _denials(texts, found)
    print(_row("denial links", m))
    print(f"denials with a denied claim ranked first: {top} of {denials}")
    stances = sum(
        1
        for here, t in zip(spans, texts, strict=True)
        for g in t.attributions
        for a in here
        if attribution_match(a, g) and a.stance == g.stance
    )
    print(
        f"stance right where the attribution is found: {stances} of {scores['attribution'].right}"
    )

    contents = [t.text for t in texts]
    tokenizer = _timed(lambda: [nlp.tokenizer(c) for c in contents], args.repeat)
    extraction = _timed(lambda: [attributions(nlp, c) for c in contents], args.repeat)
    chars = sum(map(len, contents))
    print(
        f"\ntime over {chars:,} characters (median of {args.repeat}):"
        f"\n  spaCy blank tokenizer alone  {tokenizer * 1000:8.2f} ms"
        f"\n  extraction (attributions)    {extraction * 1000:8.2f} ms"
        f"  ({extraction / tokenizer:.2f}x)"
        f"\n  with speakers and links      {with_links * 1000:8.2f} ms"
        "  (database look-ups included)"
    )


if __name__ == "__main__":
    main()
