"""Whether `tracker extract` names the right speaker, or leaves it open.

    python benchmarks/speakers.py                     # the seed articles' gold
    python benchmarks/speakers.py --texts DIR --show  # any folder of .txt: how each resolved

Against gold attributions with actor ids (benchmarks/gold/attributions.yaml),
for each gold attribution the extractor finds: the speaker resolved to the
gold actors (right), to others (wrong: the figure that must stay 0), left
unresolved, and among those how often the right actor is the first
candidate. Looked up in a fresh SQLite database loaded with seeds/.

With --texts, no gold: how the speakers of every .txt in DIR resolved (by a
name, a surname, a pronoun, a description, as a new actor, or not), and with
--show each pronoun and description resolved, with the sentence, for a person
to check by hand.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tracker.extract.gold import read_gold  # noqa: E402
from tracker.extract.propose import pipeline, propose  # noqa: E402
from tracker.extract.score import attribution_match  # noqa: E402
from tracker.ingest.load import load_paths  # noqa: E402
from tracker.record.db import open_database  # noqa: E402


def gold(session: Session, path: Path) -> None:
    nlp = pipeline()
    counts: Counter[str] = Counter()
    for text in read_gold(path, ROOT):
        proposals = propose(session, text.text, nlp)
        for g in text.attributions:
            p = next((p for p in proposals if attribution_match(p.attribution, g)), None)
            if p is None or not g.actors:
                continue
            s = p.speaker
            if s.actors and not s.new_name:
                counts["right" if set(s.actors) == set(g.actors) else "wrong"] += 1
            elif s.resolved:
                counts["wrong (a new actor)"] += 1
            else:
                counts["unresolved"] += 1
                first = s.candidates[0].actor if s.candidates else None
                counts["unresolved, right one first"] += first in g.actors
    found = sum(counts[k] for k in ("right", "wrong", "wrong (a new actor)", "unresolved"))
    print(f"{found} gold attributions found with a gold actor")
    for key in (
        "right",
        "wrong",
        "wrong (a new actor)",
        "unresolved",
        "unresolved, right one first",
    ):
        print(f"  {key:30} {counts[key]:4}")


def texts(session: Session, folder: Path, show: bool, limit: int) -> None:
    nlp = pipeline()
    counts: Counter[str] = Counter()
    files = sorted(folder.glob("*.txt"))[:limit]
    for path in files:
        content = path.read_text(encoding="utf-8")
        for p in propose(session, content, nlp):
            s = p.speaker
            how = s.evidence or "unresolved"
            counts[how] += 1
            if show and how in ("pronoun", "description"):
                a = p.attribution
                start = max(0, content.rfind("\n", 0, a.speaker.start))
                who = ", ".join(s.actors) or s.new_name
                print(f"{path.name}: {a.speaker.text!r} -> {who!r} ({how})")
                print(f"    {content[max(start, a.speaker.start - 160) : a.cue.end]!r}")
    print(f"{len(files)} texts, {sum(counts.values())} proposals")
    for how, n in counts.most_common():
        print(f"  {how:14} {n:5}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "gold", nargs="?", type=Path, default=ROOT / "benchmarks/gold/attributions.yaml"
    )
    parser.add_argument("--texts", type=Path, help="a folder of .txt articles, no gold")
    parser.add_argument(
        "--show", action="store_true", help="print each pronoun or description resolved"
    )
    parser.add_argument("--limit", type=int, default=1000, help="at most this many texts")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = open_database(f"sqlite:///{folder}/seeds.db")
        load_paths(engine, [ROOT / "seeds"])
        with Session(engine) as session:
            if args.texts:
                texts(session, args.texts, args.show, args.limit)
            else:
                gold(session, args.gold)
        engine.dispose()


if __name__ == "__main__":
    main()
