"""The command line declares each listing filter once: the listings and
`export`'s scope take the same options, spelled and explained the same."""

from __future__ import annotations

import click

from tracker.cli import cli


def _options(command: str) -> dict[str, click.Option]:
    found = cli.commands[command]
    return {p.name: p for p in found.params if isinstance(p, click.Option) and p.name}


def test_export_scopes_with_the_listings_filters() -> None:
    listing, export = _options("contested"), _options("export")
    for name in ("actor", "topic", "since", "until"):
        mine, theirs = export[name], listing[name]
        assert (mine.opts, mine.help, mine.metavar, mine.type) == (
            theirs.opts,
            theirs.help,
            theirs.metavar,
            theirs.type,
        ), name
    for command in ("claims", "contested", "timeline"):
        assert {"actor", "topic", "source", "since", "until", "relation", "rating"} <= set(
            _options(command)
        ), command
