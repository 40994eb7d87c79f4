"""The export document as data files (README, "Data files"): actors.yaml,
sources.yaml with each text in texts/ID.txt, and claims.yaml — reviewable,
diff-friendly, and loaded back by `tracker load` into the same records."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tracker.ingest.anchor import occurrence_at

Record = dict[str, Any]


def _tidy(record: Record) -> Record:
    """Without empty values: a data file leaves out what is not known."""
    return {k: v for k, v in record.items() if v is not None and v != [] and v != {}}


def _dump(key: str, records: list[Record], header: str) -> str:
    body = yaml.safe_dump(
        {key: records}, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False
    )
    return f"# {header}\n{body}"


def _claim(c: Record) -> Record:
    relations: dict[str, list[str]] = {}
    for r in c["relations"]:
        relations.setdefault(r["relation"], []).append(r["to"])
    appearances = []
    for a in c["appearances"]:
        item = {k: a[k] for k in ("source", "quote", "type", "cue", "via")}
        if a.get("occurrence"):
            item["occurrence"] = a["occurrence"]
        appearances.append(_tidy(item))

    def evidence(items: list[Record]) -> list[Record]:
        return [_tidy(dict(e)) for e in items]

    reviews = [
        _tidy(
            {
                "by": r["reviewer"],
                **{k: r[k] for k in ("rating", "value", "best", "worst", "date", "url")},
                "explanation": r["explanation"],
                "evidence": evidence(r["evidence"]),
            }
        )
        for r in c["reviews"]
    ]
    first = c["first_appearance"]
    return _tidy(
        {
            "id": c["id"],
            "text": c["text"],
            "claimants": c["claimants"],
            "stated": c["stated"],
            "topics": c["topics"],
            "first_appearance": _tidy(first) if first else None,
            "appearances": appearances,
            "relations": relations,
            "reviews": reviews,
            "evidence": evidence(c["evidence"]),
        }
    )


def write_data_files(doc: Record, folder: Path) -> list[Path]:
    """Write `doc` under `folder`: actors.yaml, sources.yaml, texts/, claims.yaml."""
    folder.mkdir(parents=True, exist_ok=True)
    texts = folder / "texts"
    texts.mkdir(exist_ok=True)
    sources = []
    for s in doc["sources"]:
        record = {k: v for k, v in s.items() if k != "text"}
        if s["text"] is not None:  # else known only by its URL
            path = texts / f"{s['id']}.txt"
            # Bytes as stored: no newline translation, so a CR stays a CR.
            path.write_bytes(s["text"].encode("utf-8"))
            record["file"] = f"texts/{s['id']}.txt"
        record["excerpt"] = s["excerpt"] or None
        sources.append(_tidy(record))
    texts_of = {s["id"]: s["text"] for s in doc["sources"]}
    claims = []
    for c in doc["claims"]:
        c = dict(c)
        c["appearances"] = [
            {**a, "occurrence": occurrence_at(texts_of[a["source"]], a["quote"], a["start"])}
            for a in c["appearances"]
        ]
        claims.append(_claim(c))
    written = []
    for name, key, records in (
        ("actors.yaml", "actors", [_tidy(a) for a in doc["actors"]]),
        ("sources.yaml", "sources", sources),
        ("claims.yaml", "claims", claims),
    ):
        path = folder / name
        path.write_text(_dump(key, records, f"Exported by tracker: {key}."), encoding="utf-8")
        written.append(path)
    return written
