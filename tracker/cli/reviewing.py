"""`tracker review` and `tracker add evidence`: verdicts and the documents behind them."""

from __future__ import annotations

import click

from tracker.cli.writing import actor_key, report, write_format, writing
from tracker.vocabulary import EVIDENCE_STANCES


@click.command()
@click.argument("claim_id", metavar="CLAIM")
@click.option("--by", "reviewer", required=True, metavar="ACTOR", help="The fact-checker.")
@click.option(
    "--rating", required=True, metavar="LABEL", help='Its verdict, in its own words: "False".'
)
@click.option("--value", type=float, help="The rating as a number on the reviewer's scale.")
@click.option("--best", type=float, help="The best value of that scale (e.g. 5).")
@click.option("--worst", type=float, help="The worst value of that scale (e.g. 1).")
@click.option("--date", metavar="DATE", help="When the review was published (YYYY-MM-DD).")
@click.option("--url", help="Where the review is published.")
@click.option("--explanation", metavar="TEXT", help="A short explanation of the verdict.")
@write_format
@click.pass_context
def review(
    ctx: click.Context,
    /,
    claim_id: str,
    reviewer: str,
    rating: str,
    value: float | None,
    best: float | None,
    worst: float | None,
    date: str | None,
    url: str | None,
    explanation: str | None,
    fmt: str,
) -> None:
    """Record a fact-checker's verdict on a claim. A claim may have several;
    listings, `show` and reports show each reviewer's latest. A verdict never
    changes a claim's status (who contests whom).

    \b
    Examples:
      tracker review miller-arms-charge --by "FactCheck Desk" --rating "Accurate" \\
          --date 2024-06-20 --url https://example.org/check/123
      tracker review putin-eurasian-security --by factcheck-desk --rating Unproven \\
          --value 2 --best 5 --worst 1
    """
    from tracker.ingest import edit
    from tracker.ingest.verdicts import typed_review

    data: dict[str, object] = {
        "by": reviewer,
        "rating": rating,
        "value": value,
        "best": best,
        "worst": worst,
        "date": date,
        "url": url,
        "explanation": explanation,
    }
    with writing(ctx) as session:
        data["by"] = actor_key(session, reviewer)
        spec = typed_review({k: v for k, v in data.items() if v is not None}, "tracker review")
        written = edit.add_review(session, claim_id, spec)
    report(ctx, written, fmt)


@click.command("evidence")
@click.argument("claim_id", metavar="CLAIM")
@click.option("--url", required=True, help="Where the document is.")
@click.option(
    "--stance", required=True, type=click.Choice(EVIDENCE_STANCES), help="What it does to it."
)
@click.option("--title", help="The document's title.")
@click.option("--kind", help="report, dataset, image, video, statement...")
@click.option("--date", metavar="DATE", help="The document's date (YYYY-MM-DD).")
@click.option("--shows", metavar="TEXT", help="What it shows, in a sentence.")
@click.option(
    "--review-by",
    metavar="ACTOR",
    help="Back that reviewer's latest verdict on CLAIM, not the claim itself.",
)
@write_format
@click.pass_context
def add_evidence(
    ctx: click.Context,
    /,
    claim_id: str,
    url: str,
    stance: str,
    title: str | None,
    kind: str | None,
    date: str | None,
    shows: str | None,
    review_by: str | None,
    fmt: str,
) -> None:
    """Link a document that supports or refutes a claim (or a verdict on it).

    \b
    Examples:
      tracker add evidence miller-arms-charge --stance supports \\
          --url https://example.org/report.pdf --title "UN panel report" --kind report
      tracker add evidence miller-arms-charge --stance refutes --review-by factcheck-desk \\
          --url https://example.org/satellite.png --kind image
    """
    from tracker.ingest import edit
    from tracker.ingest.verdicts import typed_evidence

    data = {"url": url, "stance": stance, "title": title, "kind": kind, "date": date}
    data["shows"] = shows
    given = {k: v for k, v in data.items() if v is not None}
    with writing(ctx) as session:
        spec = typed_evidence(given, "tracker add evidence")
        reviewer = actor_key(session, review_by) if review_by else None
        written = edit.add_evidence(session, claim_id, spec, reviewer)
    report(ctx, written, fmt)


COMMANDS = [review]
EVIDENCE = add_evidence  # a subcommand of `tracker add`
