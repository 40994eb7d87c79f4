"""Imports: an export document (JSON, or CSV files), or ClaimReview records,
written through the loader in the caller's transaction."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from tracker.errors import InputError
from tracker.exchange import document
from tracker.ingest.load import load_dataset, log_bulk
from tracker.ingest.states import LoadReport


def import_path(session: Session, path: Path, fmt: str) -> LoadReport:
    """Import `path` in format `fmt` (json, csv or claimreview)."""
    if fmt == "json":
        dataset = document.to_dataset(document.read_json(path), str(path))
    elif fmt == "csv":
        from tracker.exchange.csvio import read_csv

        if not path.is_dir():
            raise InputError(f"{path}: CSV imports read a folder of files (as export wrote it)")
        dataset = document.to_dataset(read_csv(path), str(path))
    else:
        from tracker.exchange.reviews_in import claimreview_dataset

        dataset = claimreview_dataset(session, path)
    report = LoadReport(files=[path])
    # Logged as a load is: the file's digest, and the keys of the rows it adds.
    files = [path] if path.is_file() else sorted(p for p in path.iterdir() if p.is_file())
    log_bulk(session, files)
    load_dataset(session, dataset, report)
    return report
