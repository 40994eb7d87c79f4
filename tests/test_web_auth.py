"""Who may read and write on `tracker serve`: users, sign-in, sessions, CSRF,
the throttle, the three ways a server runs, and databases readers cannot
write to. Both backends."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from tests.conftest import Runner
from tests.web_support import client, url_of
from tracker.cli import cli
from tracker.errors import TrackerError
from tracker.record import db
from tracker.record.models import User
from tracker.web import server
from tracker.web.auth import editor, posted
from tracker.web.desk import Desk, ReadOnly, local_user
from tracker.web.security import Throttle

PASSWORD = "correct horse battery"


def add(run: Runner, name: str, role: str, password: str = PASSWORD) -> None:
    from click.testing import CliRunner

    result = CliRunner().invoke(
        cli, ["--db", run.url, "user", "add", name, "--role", role], input=f"{password}\n" * 2
    )
    assert result.exit_code == 0, result.output
    assert f"added user {name} ({role})" in result.output


@pytest.fixture
def team(seeded: Engine, run: Runner) -> Iterator[TestClient]:
    add(run, "ana", "editor")
    add(run, "ben", "reader")
    with client(seeded) as c:
        yield c


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html
    return found[1]


def sign_in(c: TestClient, name: str, password: str = PASSWORD, target: str = "/") -> Response:
    token = csrf_of(c.get("/signin").text)
    return c.post(
        "/signin", data={"csrf": token, "name": name, "password": password, "next": target}
    )


def test_user_commands(seeded: Engine, run: Runner) -> None:
    add(run, "ana", "editor")
    with seeded.connect() as connection:
        stored = connection.execute(select(User.name, User.role, User.password_hash)).all()
    assert [(n, r) for n, r, _ in stored] == [("ana", "editor")]
    assert stored[0][2].startswith("$argon2id$") and PASSWORD not in stored[0][2]
    assert run("user", "list").output == "ana\teditor\n"
    from click.testing import CliRunner

    again = CliRunner().invoke(cli, ["--db", run.url, "user", "add", "ana", "--role", "reader",
                                     "--password-stdin"], input=PASSWORD + "\n")  # fmt: skip
    assert again.exit_code == 1 and "a user named 'ana' exists" in again.output
    short = CliRunner().invoke(cli, ["--db", run.url, "user", "add", "cy", "--role", "reader",
                                     "--password-stdin"], input="short\n")  # fmt: skip
    assert short.exit_code == 1 and "a password is 8 to 1024 characters" in short.output
    changed = CliRunner().invoke(cli, ["--db", run.url, "user", "passwd", "ana",
                                       "--password-stdin"], input="another good one\n")  # fmt: skip
    assert changed.exit_code == 0
    with seeded.connect() as connection:
        assert connection.execute(select(User.password_hash)).scalar() != stored[0][2]
    assert run("user", "remove", "ana").output == "removed user ana\n"
    gone = run("user", "remove", "ana")
    assert gone.exit_code == 1 and "no user named 'ana'" in gone.output
    assert "No users" in run("user", "list").output
    bad = run("user", "add", " spaced", "--role", "reader", "--password-stdin")
    assert bad.exit_code == 1 and "printable characters" in bad.output


def test_a_team_server_asks_everyone_to_sign_in(team: TestClient) -> None:
    page = team.get("/claims/miller-arms-charge")
    assert page.status_code == 303
    assert page.headers["location"] == "/signin?next=%2Fclaims%2Fmiller-arms-charge"
    assert team.get("/contested.json").status_code == 401
    wrong = sign_in(team, "ana", "not the password")
    assert wrong.status_code == 401 and "Wrong name or password." in wrong.text
    assert sign_in(team, "nobody", PASSWORD).status_code == 401
    signed = sign_in(team, "ben", target="/claims/miller-arms-charge")
    assert signed.status_code == 303 and signed.headers["location"] == "/claims/miller-arms-charge"
    cookie = signed.headers["set-cookie"]
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    assert "max-age=43200" in cookie.lower()
    page = team.get("/claims/miller-arms-charge")
    assert page.status_code == 200 and "ben</bdi> (reader)" in page.text
    assert team.get("/contested.json").status_code == 200


def test_signing_out_takes_the_csrf_token(team: TestClient) -> None:
    sign_in(team, "ana")
    assert team.post("/signout", data={}).status_code == 403
    assert team.post("/signout", data={"csrf": "forged"}).status_code == 403
    assert team.get("/").status_code == 200  # still signed in
    token = csrf_of(team.get("/").text)
    assert team.post("/signout", data={"csrf": token}).status_code == 303
    assert team.get("/").status_code == 303


def test_a_form_from_elsewhere_cannot_sign_in(team: TestClient) -> None:
    """Without the token of this browser's own session (a page on another
    site posting here), signing in is refused, even with the password."""
    got = team.post("/signin", data={"name": "ana", "password": PASSWORD})
    assert got.status_code == 403
    other = TestClient(team.app)
    token = csrf_of(other.get("/signin").text)
    assert (
        team.post("/signin", data={"csrf": token, "name": "ana", "password": PASSWORD}).status_code
        == 403
    )


def test_only_a_path_on_this_site_is_followed(team: TestClient) -> None:
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:x"):
        got = sign_in(team, "ana", target=target)
        assert got.headers["location"] == "/", target
        team.cookies.clear()


def test_the_throttle_holds_whatever_is_sent(seeded: Engine, run: Runner) -> None:
    add(run, "ana", "editor")
    now = [1000.0]
    with client(seeded, throttle=Throttle(failures=5, window=300, clock=lambda: now[0])) as c:
        for _ in range(5):
            assert sign_in(c, "ana", "wrong password").status_code == 401
        held = sign_in(c, "ana")  # the right password, too late
        assert held.status_code == 429 and held.headers["retry-after"] == "301"
        assert "Too many failed sign-ins" in held.text
        now[0] += 301
        assert sign_in(c, "ana").status_code == 303


def test_the_throttle_counts_by_name_and_by_address() -> None:
    now = [0.0]
    throttle = Throttle(failures=2, window=10, clock=lambda: now[0])
    throttle.failed("addr:a", "user:x")
    assert throttle.wait("addr:a", "user:x") == 0
    throttle.failed("addr:b", "user:x")
    assert throttle.wait("addr:c", "user:x") == 10  # the name, from any address
    assert throttle.wait("addr:a", "user:y") == 0
    now[0] = 5
    throttle.failed("addr:a", "user:z")
    assert throttle.wait("addr:a", "user:q") == 5  # the address, for any name
    now[0] = 10.5
    assert throttle.wait("addr:c", "user:x") == 0
    throttle.succeeded("addr:a")
    assert throttle.wait("addr:a") == 0


def test_a_new_password_or_a_removed_user_ends_the_session(team: TestClient, run: Runner) -> None:
    sign_in(team, "ana")
    assert team.get("/").status_code == 200
    from click.testing import CliRunner

    CliRunner().invoke(cli, ["--db", run.url, "user", "passwd", "ana", "--password-stdin"],
                       input="a brand new one\n")  # fmt: skip
    assert team.get("/").status_code == 303
    assert sign_in(team, "ana", "a brand new one").status_code == 303
    assert team.get("/").status_code == 200
    run("user", "remove", "ana")
    assert team.get("/").status_code == 303


def test_a_forged_cookie_is_nobody(team: TestClient) -> None:
    team.cookies.set("tracker_session", "eyJ1c2VyIjogImFuYSJ9.forged.sig")
    assert team.get("/").status_code == 303


def _guarded(found: TestClient) -> None:
    """A write form's pattern: the editor guard, then the checked form."""

    async def write(request: Request) -> Response:
        who = editor(request)
        form = await posted(request)
        return PlainTextResponse(f"{who.name} wrote {form.get('what')}")

    found.app.router.routes.append(Route("/test-write", write, methods=["POST"]))


def test_forms_to_come_take_an_editor_and_a_token(team: TestClient) -> None:
    _guarded(team)
    sign_in(team, "ben")
    token = csrf_of(team.get("/").text)
    assert team.post("/test-write", data={"csrf": token, "what": "x"}).status_code == 403
    team.cookies.clear()
    sign_in(team, "ana")
    token = csrf_of(team.get("/").text)
    assert team.post("/test-write", data={"what": "x"}).status_code == 403
    done = team.post("/test-write", data={"csrf": token, "what": "x"})
    assert done.status_code == 200 and done.text == "ana wrote x"


def test_alone_on_this_computer_nobody_signs_in(seeded: Engine) -> None:
    with client(seeded) as c:
        page = c.get("/")
        assert page.status_code == 200 and "local, no sign-in" in page.text
        _guarded(c)
        token = re.search(r'<meta name="csrf-token" content="([^"]+)">', page.text)
        assert token
        assert c.post("/test-write", data={"what": "x"}).status_code == 403
        done = c.post("/test-write", data={"csrf": token[1], "what": "x"})
        assert done.status_code == 200 and done.text == f"{local_user()} wrote x"
    with client(seeded, loopback=False) as c:  # behind another address: never
        assert c.get("/").status_code == 303


def test_a_read_only_server_serves_anyone_and_cannot_write(seeded: Engine, run: Runner) -> None:
    add(run, "ana", "editor")  # users make no difference to a read-only server
    with client(seeded, read_only=True) as c:
        page = c.get("/")
        assert page.status_code == 200 and "read-only" in page.text
        assert "Sign in" not in page.text
        assert c.get("/contested.json").status_code == 200
        assert c.get("/signin").status_code == 200
        assert c.post("/signin", data={"name": "ana"}).status_code == 303
        desk = c.app.state.desk
        assert desk.writer is None
        with pytest.raises(ReadOnly), desk.writing("ana", "web: add claim"):
            pass


def test_readers_cannot_write_on_either_backend(seeded: Engine) -> None:
    for read_only in (True, False):
        desk = Desk.open(url_of(seeded), read_only)
        try:
            with desk.reading() as session, pytest.raises(DBAPIError, match=r"(?i)read.?only"):
                session.execute(text("UPDATE claims SET text = 'changed'"))
        finally:
            desk.close()
    with seeded.connect() as connection:
        assert "changed" not in connection.execute(text("SELECT text FROM claims")).scalars().all()


def test_many_readers_at_once_each_keep_their_connection(seeded: Engine) -> None:
    """A server's worker threads read side by side (Starlette runs each page in
    a pool of 40): on SQLite a pool of one connection per thread kept only
    five and closed the others' under them ("Cannot operate on a closed
    database", then a segfault under 16 clients: benchmarks/load.py)."""
    readers = 12
    desk = Desk.open(url_of(seeded), read_only=True)
    together = threading.Barrier(readers, timeout=30)
    counts: list[int] = []
    failures: list[BaseException] = []

    def read() -> None:
        try:
            with desk.reading() as session:
                first = session.execute(text("SELECT count(*) FROM claims")).scalar_one()
                together.wait()  # every thread holds a connection now
                counts.append(session.execute(text("SELECT count(*) FROM claims")).scalar_one())
                assert counts[-1] == first
        except BaseException as exc:  # reported below, by the test thread
            failures.append(exc)
            together.abort()

    threads = [threading.Thread(target=read) for _ in range(readers)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        # Kept for the next requests, not closed: opening one a request made
        # the server's memory grow under load.
        kept = desk.reader.pool.checkedin()  # type: ignore[attr-defined]
    finally:
        desk.close()
    assert failures == []
    assert len(counts) == readers and counts[0] > 0
    if seeded.dialect.name == "sqlite":
        assert kept == readers


def test_a_read_only_server_creates_and_upgrades_nothing(tmp_path: object, engine: Engine) -> None:
    missing = f"sqlite:///{tmp_path}/missing/none.db"
    with pytest.raises(TrackerError, match="no database at"):
        Desk.open(missing, read_only=True)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0006'"))
    with pytest.raises(TrackerError, match="run `tracker db upgrade`"):
        Desk.open(url_of(engine), read_only=True)
    assert db.current_revision(engine) == "0006"


def test_binding_elsewhere_needs_users_or_read_only(seeded: Engine, run: Runner) -> None:
    for host in ("127.0.0.1", "localhost", "::1", "127.0.0.2"):
        server.check_binding(host, has_users=False, read_only=False)
    with pytest.raises(TrackerError, match=r"refusing to serve on 0\.0\.0\.0 with no users"):
        server.check_binding("0.0.0.0", has_users=False, read_only=False)
    server.check_binding("0.0.0.0", has_users=True, read_only=False)
    server.check_binding("0.0.0.0", has_users=False, read_only=True)
    refused = run("serve", "--host", "0.0.0.0")
    assert refused.exit_code == 1
    assert (
        refused.output.count("\n") == 1 and "tracker user add NAME --role editor" in refused.output
    )


def test_no_other_command_imports_the_web_package(run: Runner) -> None:
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from tracker.cli import cli\n"
        "for args in (['contested'], ['show', 'miller-arms-charge'], ['search', 'arms'],"
        " ['report', '--all'], ['--help']):\n"
        f"    r = CliRunner().invoke(cli, ['--db', {run.url!r}, *args])\n"
        "    assert r.exit_code == 0, r.output\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in"
        " ('starlette', 'uvicorn', 'argon2', 'itsdangerous', 'multipart', 'python_multipart')"
        " or m.startswith('tracker.web')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_without_the_extra_the_commands_say_what_to_install(
    run: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "starlette", None)
    for args in (["serve"], ["user", "list"]):
        result = run(*args)
        assert result.exit_code == 1
        assert "pip install 'tracker[web]'" in result.output and result.output.count("\n") == 1
