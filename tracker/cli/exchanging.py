"""`tracker export` and `tracker import`: the record in and out, whole or a scope."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from tracker.cli.common import claim_filter, connect, date_range, echo, filters
from tracker.cli.writing import writing

EXCHANGE_FORMATS = ("json", "yaml", "csv", "claimreview")


@click.command("export")
@click.option(
    "--format", "-f", "fmt", type=click.Choice(EXCHANGE_FORMATS), default="json", show_default=True,
    help="json (lossless, the backup format), yaml (data files), csv (spreadsheets),"
    " claimreview (schema.org JSON-LD).",
)  # fmt: skip
@filters("actor", "topic", "since", "until")
@click.option("--claim", "claims", multiple=True, metavar="ID", help="This claim (repeatable).")
@click.option(
    "-o", "--output", type=click.Path(path_type=Path),
    help="File (json, claimreview; default: standard output) or folder (yaml, csv).",
)  # fmt: skip
@click.pass_context
def export(
    ctx: click.Context, /, fmt: str, claims: tuple[str, ...], output: Path | None, **kw: Any
) -> None:
    """Write the database, or a scope of it, for backup or for other tools.

    A scope (--actor, --topic, --claim, --since, --until) takes the claims it
    picks, the claims related to them and every source and actor they need,
    so that it loads on its own. JSON is lossless: exported, imported into
    an empty database and exported again, it is the same bytes.

    \b
    Examples:
      tracker export -o backup.json
      tracker export -f yaml -o data/            # actors.yaml, sources.yaml, claims.yaml, texts/
      tracker export -f csv -o sheets/ --topic arms-transfers
      tracker export -f claimreview --claim miller-arms-charge
    """
    from sqlalchemy.orm import Session

    from tracker.exchange import export as exporting
    from tracker.exchange.csvio import TABLES
    from tracker.files import replacing, write_text

    if fmt in ("yaml", "csv") and output is None:
        raise click.UsageError(f"-f {fmt} writes several files: give a folder with -o")
    if fmt in ("yaml", "csv") and output is not None and output.exists() and not output.is_dir():
        raise click.UsageError(f"-f {fmt} writes a folder of files; {output} is a file")
    scoped = any(kw.values())
    with connect(ctx) as engine, Session(engine) as session:
        flt = claim_filter(session, kw, date_range(kw["since"], kw["until"])) if scoped else None
        what = exporting.scope(session, flt, list(claims))
        if fmt == "json":
            if output is None:
                exporting.write_json(session, what, lambda text: echo(text, "json", nl=False))
            else:
                # Whole or absent: a full disk leaves the old backup, not half a new one.
                with replacing(output) as out:
                    exporting.write_json(session, what, out.write)
                click.echo(f"exported {what.counts()} to {output}", err=True)
            return
        if fmt == "csv":
            from tracker.exchange.csvio import write_csv

            assert output is not None
            # Record by record, straight to the sheets: never the archive whole.
            streamed = exporting.streamed(session, what)
            write_csv(streamed, output)
            click.echo(f"exported {what.counts()} to {len(TABLES)} file(s) in {output}", err=True)
            return
        doc = exporting.document(session, what)
    if fmt == "yaml":
        from tracker.exchange.datafiles import write_data_files

        assert output is not None
        written = write_data_files(doc, output)
    else:
        from tracker.exchange.claimreview import dumps, to_claimreview

        text = dumps(to_claimreview(doc))
        if output is None:
            echo(text, "json", nl=False)
            return
        write_text(output, text)
        click.echo(f"exported {what.counts()} to {output}", err=True)
        return
    click.echo(f"exported {what.counts()} to {len(written)} file(s) in {output}", err=True)


def _guess(path: Path) -> str:
    if path.is_dir():
        return "csv" if (path / "claims.csv").exists() else "yaml"
    if path.suffix.lower() in (".html", ".htm"):
        return "claimreview"
    if path.suffix.lower() in (".yaml", ".yml"):
        return "yaml"
    return "json"


@click.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format", "-f", "fmt", type=click.Choice(EXCHANGE_FORMATS),
    help="Default: from PATH (a folder of CSV or YAML files, .html, .yaml, else JSON).",
)  # fmt: skip
@click.pass_context
def import_(ctx: click.Context, path: Path, fmt: str | None) -> None:
    """Read what `tracker export` wrote (or ClaimReview JSON-LD, alone, in a
    list, an @graph, or embedded in an HTML page) into the database, in one
    transaction: a bad or partial file changes nothing. Importing the same
    records again changes nothing.

    \b
    Examples:
      tracker import backup.json
      tracker import sheets/ -f csv
      tracker import fact-check.html -f claimreview
    """
    from tracker.exchange import importing

    fmt = fmt or _guess(path)
    if fmt == "yaml":
        from tracker.ingest.load import load_paths

        with connect(ctx, create=True) as engine:
            report = load_paths(engine, [path])
    else:
        with writing(ctx) as session:
            report = importing.import_path(session, path, fmt)
        if report.changed:
            from tracker.ingest.load import analyze

            with connect(ctx) as engine:
                if engine.dialect.name == "postgresql":
                    analyze(engine)
    from tracker.render.output import summary_line

    click.echo(summary_line(report.summary().replace("loaded", "imported", 1)))
