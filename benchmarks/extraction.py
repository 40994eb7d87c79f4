"""How well and how fast `tracker extract` finds attributions.

    python benchmarks/extraction.py                      # the seed articles' gold
    python benchmarks/extraction.py other-gold.yaml --root DIR --db URL

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

from tracker.extract.attribution import attributions  # noqa: E402
from tracker.extract.gold import GoldText, read_gold  # noqa: E402
from tracker.extract.propose import Proposal, pipeline, propose  # noqa: E402
from tracker.extract.score import Measure, attribution_match, links, measure, total  # noqa: E402
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "gold", nargs="*", type=Path, default=[ROOT / "benchmarks/gold/attributions.yaml"]
    )
    parser.add_argument("--root", type=Path, default=ROOT, help="where gold `file` paths start")
    parser.add_argument("--db", help="database with the claims denials link to (default: seeds)")
    parser.add_argument("--repeat", type=int, default=20, help="timing runs (median)")
    args = parser.parse_args()

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
