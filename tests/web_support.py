"""What the web tests share: a client on a database, and a record holding
hostile text in every field a page shows."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text
from starlette.testclient import TestClient

from tests.conftest import Runner
from tracker.web.app import create_app
from tracker.web.desk import Desk
from tracker.web.security import Throttle


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


@contextmanager
def client(
    engine: Engine, read_only: bool = False, loopback: bool = True, throttle: Throttle | None = None
) -> Iterator[TestClient]:
    desk = Desk.open(url_of(engine), read_only)
    app = create_app(desk, secret="test-secret", loopback=loopback, throttle=throttle)
    try:
        with TestClient(app, follow_redirects=False) as c:
            yield c
    finally:
        desk.close()


# Would set a global flag, or take the reader elsewhere, if any of it ever ran.
IMG = '<img src=x onerror="window.__pwned=1">'
SCRIPT = "<script>window.__pwned=1</script>"
JS_URL = "javascript:window.__pwned=1"
BIDI = "\u202egnp.exe"  # RIGHT-TO-LEFT OVERRIDE: reads as "exe.png"
ARTICLE = (
    f"Officials said {SCRIPT} the convoy left at dawn.\n"
    f"A spokesman denied it: {IMG} nothing moved.\n"
    "**bold** [a link](javascript:window.__pwned=1) <b>tags</b> & more.\n"
)


def hostile_record(engine: Engine, folder: Path) -> Runner:
    """Actors, a source, claims, a verdict and evidence whose every text
    carries markup, script, a javascript: address, Markdown, a bidi override
    and control characters. What the loader refuses (control characters, the
    override) is written as another tool could have: in SQL."""
    (folder / "article.txt").write_text(ARTICLE, "utf-8")
    data = f"""
actors:
- id: ministry
  name: '{IMG} Ministry'
  kind: government
  aliases: ['The Ministry']
- id: rebels
  name: 'Rebels {SCRIPT}'
  kind: group
- id: desk
  name: Check Desk
  kind: organization
sources:
- id: article
  outlet: '{SCRIPT} News'
  title: '{IMG} Convoy'
  file: article.txt
claims:
- id: convoy-left
  text: '{SCRIPT} The convoy left at dawn.'
  claimants: [ministry]
  stated: 2024-06-01
  topics: [convoys]
  appearances:
  - source: article
    quote: '{SCRIPT} the convoy left'
    type: paraphrase
    cue: said
- id: convoy-denied
  text: 'Nothing moved {IMG}'
  claimants: [rebels]
  stated: 2024-06-02
  relations:
    denies: [convoy-left]
  appearances:
  - source: article
    quote: '{IMG} nothing moved'
    type: direct
"""
    (folder / "data.yaml").write_text(data, encoding="utf-8")
    runner = Runner(url_of(engine))
    for args in (
        ["load", str(folder / "data.yaml")],
        ["review", "convoy-left", "--by", "desk", "--rating", f"False {IMG}",
         "--explanation", f"**No** {SCRIPT}"],
        ["add", "evidence", "convoy-left", "--stance", "refutes",
         "--url", "https://example.org/report", "--title", f"Report {IMG}"],
    ):  # fmt: skip
        done = runner(*args)
        assert done.exit_code == 0, done.output
    with engine.begin() as connection:
        for sql in (
            "UPDATE claims SET text = text || :e WHERE key = 'convoy-denied'",
            "UPDATE actors SET description = :e WHERE key = 'ministry'",
            "UPDATE sources SET url = :js, archived_url = :js",
            "UPDATE reviews SET url = :js",
            "UPDATE evidence SET url = :js",
        ):
            connection.execute(text(sql), {"e": f"{BIDI} \x1b]0;pwned\x07", "js": JS_URL})
    return runner
