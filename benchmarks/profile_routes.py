"""Where one request's time goes: a route's page built in this thread under cProfile.

    python benchmarks/profile_routes.py sqlite:////var/tmp/tracker-scale/web_100000.sqlite \\
        / /claims/KEY.json --out profile.txt

For each path: the route's function (what uvicorn's worker thread runs) is
called with a request for that path on a read-only desk, three times to warm
up, then timed over --repeat calls: wall time, statements sent and the time
spent in the database driver's `execute` (a `before/after_cursor_execute`
listener), then once more under cProfile, whose top functions by cumulative
and by own time are written out. benchmarks/load.py runs it on every route
that misses its goal.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import event
from sqlalchemy.engine import Engine
from starlette.requests import Request
from starlette.routing import Match

from tracker.web.app import ROUTES, create_app
from tracker.web.desk import Desk


def _call(app: Any, path: str) -> bytes:
    """The route's function on a GET of `path`, as Starlette calls a sync one."""
    parts = urlsplit(path)
    base: dict[str, Any] = {
        "type": "http",
        "method": "GET",
        "path": parts.path,
        "query_string": parts.query.encode(),
        "headers": [],
        "app": app,
        "session": {},
        "state": {},
    }
    for route in ROUTES:
        match, child = route.matches(base)
        if match is Match.FULL:
            response = route.endpoint(Request({**base, **child}))  # type: ignore[attr-defined]
            body: bytes = response.body
            return body
    raise SystemExit(f"no route for {path}")


class Statements:
    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0
        self._started = 0.0

    def before(self, *_: Any) -> None:
        self.count += 1
        self._started = time.perf_counter()

    def after(self, *_: Any) -> None:
        self.seconds += time.perf_counter() - self._started


def profile(url: str, paths: Sequence[str], repeat: int = 10, top: int = 25) -> str:
    desk = Desk.open(url, read_only=True)
    app = create_app(desk, secret="profile")
    seen = Statements()
    event.listen(Engine, "before_cursor_execute", seen.before)
    event.listen(Engine, "after_cursor_execute", seen.after)
    out = io.StringIO()
    try:
        for path in paths:
            for _ in range(3):
                _call(app, path)
            seen.count, seen.seconds = 0, 0.0
            started = time.perf_counter()
            for _ in range(repeat):
                size = len(_call(app, path))
            wall = (time.perf_counter() - started) / repeat
            out.write(
                f"\n{'=' * 90}\nGET {path}: {wall * 1000:.1f} ms a request (mean of {repeat},"
                f" one thread), {size:,} bytes, {seen.count / repeat:.0f} statements,"
                f" {seen.seconds / repeat * 1000:.1f} ms in the driver's execute\n"
            )
            profiler = cProfile.Profile()
            profiler.enable()
            _call(app, path)
            profiler.disable()
            for order in ("cumulative", "tottime"):
                text = io.StringIO()
                stats = pstats.Stats(profiler, stream=text)
                stats.strip_dirs().sort_stats(order).print_stats(top)
                out.write(f"\n-- by {order} --\n")
                out.write(text.getvalue().split("\n\n", 2)[-1])
    finally:
        event.remove(Engine, "before_cursor_execute", seen.before)
        event.remove(Engine, "after_cursor_execute", seen.after)
        desk.close()
    return out.getvalue()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url")
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    text = profile(args.url, args.paths, args.repeat)
    if args.out:
        args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
