"""`tracker serve` and `tracker user`: the web interface and who signs in to it.

Both need the `web` extra; nothing else imports tracker.web, so the other
commands neither need nor load it.
"""

from __future__ import annotations

import sys

import click

from tracker.cli.common import connect, echo
from tracker.errors import TrackerError
from tracker.vocabulary import USER_ROLES

MISSING = "tracker serve, user and publish need the web extra: pip install 'tracker[web]'"


def _web() -> None:
    """Refuse in one line, saying what to install, when the extra is missing."""
    try:
        import argon2  # noqa: F401
        import starlette  # noqa: F401
    except ImportError:
        raise TrackerError(MISSING) from None


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port."
)
@click.option(
    "--read-only",
    is_flag=True,
    help="Serve readers without sign-in and change nothing (SQLite is opened read-only).",
)
@click.option(
    "--secure-cookies",
    is_flag=True,
    help="Send the session cookie over HTTPS only (behind a TLS proxy).",
)
@click.option(
    "--allow-private-fetch",
    is_flag=True,
    help="Let the add-source form fetch pages from private, loopback and link-local"
    " addresses (your own network); refused otherwise, against server-side request forgery.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Processes serving readers, with --read-only (one per core uses them all).",
)
@click.pass_context
def serve(
    ctx: click.Context,
    host: str,
    port: int,
    read_only: bool,
    secure_cookies: bool,
    allow_private_fetch: bool,
    workers: int,
) -> None:
    """Serve the record in a browser: contests, claims, actors, sources,
    search, timeline and topics, each with its JSON beside it.

    Readers sign in once users exist (tracker user add); on 127.0.0.1 with no
    users the person at this computer is let in. Listening on another
    address needs users, or --read-only. Set TRACKER_SECRET_KEY to keep
    sessions across restarts. Needs the web extra: pip install 'tracker[web]'.

    \b
    Examples:
      tracker serve                           # http://127.0.0.1:8000/
      tracker serve --read-only --port 8080
      tracker serve --read-only --workers 2  # readers on two cores
      tracker user add ana --role editor && tracker serve --host 0.0.0.0
    """
    _web()
    from tracker.web import server

    if workers > 1 and not read_only:
        raise TrackerError(
            "--workers takes --read-only: sign-in and its throttle live in one process"
        )
    desk = server.prepare(ctx.obj["url"], host, read_only, allow_private_fetch)
    shown = f"[{host}]" if ":" in host else host
    mode = "read-only, no sign-in" if read_only else "sign-in when users exist"
    click.echo(f"serving {desk.url.split('://')[0]} at http://{shown}:{port}/ ({mode})", err=True)
    server.run(desk, host, port, secure_cookies, workers)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    value: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return value


@click.group("user")
def user() -> None:
    """The people who sign in to `tracker serve`: readers read, editors also write.

    \b
    Examples:
      tracker user add ana --role editor          # asks for the password twice
      echo "$PASSWORD" | tracker user add ben --role reader --password-stdin
      tracker user list
      tracker user passwd ana
      tracker user remove ben
    """


_STDIN = click.option(
    "--password-stdin", is_flag=True, help="Read the password from standard input (one line)."
)


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(USER_ROLES), required=True, help="What they may do.")
@_STDIN
@click.pass_context
def user_add(ctx: click.Context, name: str, role: str, password_stdin: bool) -> None:
    """Add a user; the password is asked for (or read with --password-stdin).

    \b
    Examples:
      tracker user add ana --role editor
      echo "$PASSWORD" | tracker user add ben --role reader --password-stdin
    """
    _web()
    from tracker.web import users

    users.check_name(name)
    password = _password(password_stdin)
    with connect(ctx, create=True) as engine:
        added = users.add_user(engine, name, role, password)
    echo(f"added user {added.name} ({added.role})")


@user.command("remove")
@click.argument("name")
@click.pass_context
def user_remove(ctx: click.Context, name: str) -> None:
    """Remove a user; their sessions end at their next request.

    \b
    Examples:
      tracker user remove ben
    """
    _web()
    from tracker.web import users

    with connect(ctx) as engine:
        users.remove_user(engine, name)
    echo(f"removed user {name}")


@user.command("passwd")
@click.argument("name")
@_STDIN
@click.pass_context
def user_passwd(ctx: click.Context, name: str, password_stdin: bool) -> None:
    """Set a user's password; every session signed in with the old one ends.

    \b
    Examples:
      tracker user passwd ana
    """
    _web()
    from tracker.web import users

    password = _password(password_stdin)
    with connect(ctx) as engine:
        users.set_password(engine, name, password)
    echo(f"changed the password of {name}")


@user.command("list")
@click.pass_context
def user_list(ctx: click.Context) -> None:
    """Every user and their role.

    \b
    Examples:
      tracker user list
    """
    _web()
    from sqlalchemy.orm import Session

    from tracker.web import users

    with connect(ctx) as engine, Session(engine) as session:
        found = users.users(session)
    if not found:
        echo("No users: `tracker serve` on 127.0.0.1 lets this computer in without sign-in.")
    for person in found:
        echo(f"{person.name}\t{person.role}")


COMMANDS = [serve, user]
