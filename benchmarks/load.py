"""`tracker serve` under load: 16 clients per route, the server's memory, an editor writing.

    python benchmarks/load.py --sizes 10000 --duration 30 \\
        --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        --work /var/tmp/tracker-scale --out benchmarks/results/load-10k
    python benchmarks/load.py --sizes 100000 --no-postgres-mixed ...
    python benchmarks/load.py --sizes 100000 --routes contests --duration 600 --no-mixed \\
        --out benchmarks/results/load-100k-memory          # the ten-minute memory run

For each size: the dataset is generated once and kept in --work (benchmarks/scale.py's
`dataset`), loaded with `tracker load` into a database of its own (`web_<size>`, kept: a
later run on the same size reuses it if it still holds the archive), then `tracker serve
--read-only` is started on 127.0.0.1 on a free port and `wrk` drives it, one route at a
time, with --connections concurrent connections for --duration seconds (after a short
warm-up that is not counted): the contests page `/`, a claim page, a source page, a search
and a claim's JSON. The claim and source routes cycle through 64 keys each (the most
countered claim, the most quoted source, and keys spread evenly over the archive), the
search through a few phrases of the generator's. wrk's Lua hooks count every response that
is not 2xx and print its latency percentiles; the server's VmRSS (/proc/PID/status) and the
machine's load average (/proc/loadavg) are sampled every second.

The mixed run then starts the server writable, with an editor and a reader signed in
(`tracker user add`, sessions from /signin): 16 readers browse every route at once under
wrk while an editor adds claims through the web form (`/add/claim`, a passage selected in a
source, as a browser sends it: CSRF token, session cookie), one after another, as fast as
the server answers. Afterwards every claim the editor was told was written (303 to its
page) must be in the database, with one change in the log by that editor each.

Prints a markdown table and writes OUT.json (every figure, with the samples) and OUT.md.
Nothing here asserts a goal: the README holds the figures.
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scale  # (its dataset, backends and queries: one way to build an archive)
from scale import TRACKER, Backend, Postgres

HOST = "127.0.0.1"
PAGE_GOAL_MS = 100.0
JSON_GOAL_MS = 50.0
SAMPLE_KEYS = 64
SEARCHES = ["withdraw convoys", "ceasefire", "sanctions", "denied reports", "grain exports"]
PASSWORD = "load-benchmark-password"  # a throwaway database's users


@dataclass
class Sampler:
    """VmRSS of one process and the load average, every second, in a thread."""

    pid: int
    rss_mb: list[float] = field(default_factory=list)
    loadavg: list[float] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def sample(self) -> None:
        try:
            status = Path(f"/proc/{self.pid}/status").read_text()
        except OSError:
            return
        found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
        if found:
            self.rss_mb.append(int(found.group(1)) / 1024)
        self.loadavg.append(float(Path("/proc/loadavg").read_text().split()[0]))

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            self.sample()

    def __enter__(self) -> Sampler:
        self.sample()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.sample()


@dataclass
class Result:
    size: int
    backend: str
    route: str
    example: str  # one of the paths it asked for
    paths: int  # how many different paths it cycled through
    seconds: float
    requests: int
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    non_2xx: int
    socket_errors: int  # connect, read, write, timeout
    rss_start_mb: float
    rss_max_mb: float
    rss_end_mb: float
    load_start: float
    load_max: float
    load_end: float
    goal_ms: float
    rss_samples: list[float] = field(default_factory=list)
    load_samples: list[float] = field(default_factory=list)
    writes: dict[str, Any] = field(default_factory=dict)  # the mixed run's editor

    @property
    def met(self) -> bool:
        return self.p99_ms <= self.goal_ms and self.non_2xx == 0 and self.socket_errors == 0


# -- the archive in a database of its own ------------------------------------------------


def loaded(backend: Backend, data: Path, size: int) -> tuple[str, float | None]:
    """The URL of a database holding the archive of `size` claims, and the
    seconds its load took (None: an earlier run's database, still whole)."""
    tag = f"web_{size}"
    url = _url(backend, tag)
    try:
        held = backend.scalar(url, "SELECT count(*) FROM claims WHERE key NOT LIKE 'load-%'")
    except Exception:  # no such database, or not migrated: load it
        held = None
    if held == size:
        print(f"{backend.name}: reusing {url} ({size:,} claims)", file=sys.stderr, flush=True)
        return url, None
    url = backend.fresh(tag)
    print(f"{backend.name}: loading {size:,} claims into {url}", file=sys.stderr, flush=True)
    started = time.perf_counter()
    subprocess.run([TRACKER, "--db", url, "load", str(data)], check=True, capture_output=True)
    seconds = time.perf_counter() - started
    print(f"{backend.name}: loaded in {seconds:.1f} s", file=sys.stderr, flush=True)
    return url, seconds


def _url(backend: Backend, tag: str) -> str:
    if isinstance(backend, Postgres):
        return f"{backend.server.rpartition('/')[0]}/scale_{tag}"
    return f"sqlite:///{backend.work / f'{tag}.sqlite'}"


def _rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return [tuple(r) for r in connection.execute(text(sql))]
    finally:
        engine.dispose()


def _spread(url: str, table: str, first: str) -> list[str]:
    """`first`, then keys spread evenly over the table by id."""
    total = _rows(url, f"SELECT count(*), max(id) FROM {table}")[0]
    step = max(1, int(total[1]) // SAMPLE_KEYS)
    keys = [
        k
        for (k,) in _rows(
            url,
            f"SELECT key FROM {table} WHERE id % {step} = 0 AND key NOT LIKE 'load-%'"
            f" ORDER BY id LIMIT {SAMPLE_KEYS - 1}",
        )
    ]
    return [first, *(k for k in keys if k != first)]


MOST_QUOTED = """SELECT s.key FROM sources s JOIN appearances a ON a.source_id = s.id
    GROUP BY s.key ORDER BY count(*) DESC, s.key LIMIT 1"""


def routes(url: str) -> dict[str, list[str]]:
    """Each route's paths: what wrk cycles through."""
    claim = _rows(url, scale.MOST_RELATED)[0][0]
    source = _rows(url, MOST_QUOTED)[0][0]
    claims = _spread(url, "claims", claim)
    sources = _spread(url, "sources", source)
    q = urllib.parse.quote
    return {
        "contests `/`": ["/"],
        "claim page": [f"/claims/{q(k, safe='')}" for k in claims],
        "source page": [f"/sources/{q(k, safe='')}" for k in sources],
        "search": [f"/search?{urllib.parse.urlencode({'q': s})}" for s in SEARCHES],
        "claim JSON": [f"/claims/{q(k, safe='')}.json" for k in claims],
    }


# -- the server ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def serving(url: str, read_only: bool, log: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """`tracker serve` on a free port of 127.0.0.1, until it answers `/`."""
    port = free_port()
    argv = [TRACKER, "--db", url, "serve", "--host", HOST, "--port", str(port)]
    if read_only:
        argv.append("--read-only")
    with log.open("ab") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=out)
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"tracker serve exited {proc.returncode}: see {log}")
            try:
                status, _, _ = get(port, "/static/style.css")
                if status:
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit(f"tracker serve did not answer in 120 s: see {log}") from None
                time.sleep(0.2)
        yield proc, port
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def get(
    port: int, path: str, cookie: str = "", connection: http.client.HTTPConnection | None = None
) -> tuple[int, dict[str, str], bytes]:
    own = connection is None
    conn = connection or http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        if own:
            conn.close()


# -- wrk -----------------------------------------------------------------------------

LUA = """
local paths = {%(paths)s}
local i = %(offset)s
non2xx = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  i = math.random(#paths) - 1
end

function request()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1], %(headers)s)
end

function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("non2xx") end
  local e = summary.errors
  io.write(string.format(
    "LOADJSON {\\"requests\\": %%d, \\"duration_us\\": %%d, \\"non2xx\\": %%d, " ..
    "\\"connect\\": %%d, \\"read\\": %%d, \\"write\\": %%d, \\"timeout\\": %%d, " ..
    "\\"p50\\": %%d, \\"p90\\": %%d, \\"p99\\": %%d, \\"max\\": %%d}\\n",
    summary.requests, summary.duration, bad, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


def _lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def wrk(
    port: int, paths: Sequence[str], seconds: float, connections: int, cookie: str = ""
) -> dict[str, Any]:
    headers = "{Cookie = " + _lua_string(cookie) + "}" if cookie else "nil"
    script = LUA % {
        "paths": ", ".join(_lua_string(p) for p in paths),
        "offset": 0,
        "headers": headers,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
        lua.write(script)
        lua.flush()
        argv = [
            "wrk",
            "--threads",
            "2",
            "--connections",
            str(connections),
            "--duration",
            f"{int(seconds)}s",
            "--timeout",
            "10s",
            "--script",
            lua.name,
            f"http://{HOST}:{port}",
        ]
        done = subprocess.run(argv, check=True, capture_output=True, text=True)
    line = next(x for x in done.stdout.splitlines() if x.startswith("LOADJSON "))
    found: dict[str, Any] = json.loads(line.removeprefix("LOADJSON "))
    return found


def measure(
    size: int,
    backend: str,
    route: str,
    paths: Sequence[str],
    proc: subprocess.Popen[bytes],
    port: int,
    seconds: float,
    connections: int,
    cookie: str = "",
    goal_ms: float = PAGE_GOAL_MS,
) -> tuple[Result, Sampler]:
    for path in paths[:20]:  # warm-up, not counted: templates compiled, caches filled
        get(port, path, cookie)
    with Sampler(proc.pid) as sampler:
        figures = wrk(port, paths, seconds, connections, cookie)
    duration = figures["duration_us"] / 1e6
    result = Result(
        size=size,
        backend=backend,
        route=route,
        example=paths[0],
        paths=len(paths),
        seconds=round(duration, 1),
        requests=figures["requests"],
        rps=round(figures["requests"] / duration, 1),
        p50_ms=figures["p50"] / 1000,
        p90_ms=figures["p90"] / 1000,
        p99_ms=figures["p99"] / 1000,
        max_ms=figures["max"] / 1000,
        non_2xx=figures["non2xx"],
        socket_errors=sum(figures[k] for k in ("connect", "read", "write", "timeout")),
        rss_start_mb=round(sampler.rss_mb[0], 1),
        rss_max_mb=round(max(sampler.rss_mb), 1),
        rss_end_mb=round(sampler.rss_mb[-1], 1),
        load_start=sampler.loadavg[0],
        load_max=max(sampler.loadavg),
        load_end=sampler.loadavg[-1],
        goal_ms=goal_ms,
        rss_samples=[round(x, 1) for x in sampler.rss_mb],
        load_samples=sampler.loadavg,
    )
    print(_line(result), file=sys.stderr, flush=True)
    return result, sampler


# -- the editor ----------------------------------------------------------------------


class Browser:
    """One person's keep-alive connection and session cookie, as a browser keeps them."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection(HOST, port, timeout=60)
        self.cookie = ""

    def send(self, method: str, path: str, form: dict[str, str] | None = None) -> Any:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("tracker_session="):
                self.cookie = value.split(";", 1)[0]
        return response

    def page(self, path: str) -> str:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        self.conn.request("GET", path, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("tracker_session="):
                self.cookie = value.split(";", 1)[0]
        return text

    def csrf(self, path: str) -> str:
        found = re.search(r'name="csrf" value="([^"]+)"', self.page(path))
        if found is None:
            raise SystemExit(f"no CSRF token in {path}")
        return found.group(1)

    def sign_in(self, name: str) -> None:
        token = self.csrf("/signin")
        answer = self.send(
            "POST", "/signin", {"csrf": token, "name": name, "password": PASSWORD, "next": "/"}
        )
        if answer.status != 303 or not self.cookie:
            raise SystemExit(f"could not sign in as {name}: {answer.status}")


def ensure_user(url: str, name: str, role: str) -> None:
    listed = subprocess.run(
        [TRACKER, "--db", url, "user", "list"], check=True, capture_output=True, text=True
    ).stdout
    if any(line.split("\t")[0] == name for line in listed.splitlines()):
        return
    subprocess.run(
        [TRACKER, "--db", url, "user", "add", name, "--role", role, "--password-stdin"],
        input=PASSWORD + "\n",
        check=True,
        capture_output=True,
        text=True,
    )


@dataclass
class Editor:
    """Adds claims through the web form until told to stop; keeps what it was told."""

    browser: Browser
    passages: list[tuple[str, int, int]]  # source, start, end
    by: str
    run: str
    written: list[str] = field(default_factory=list)
    refused: list[tuple[str, int]] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def write(self, n: int) -> None:
        source, start, end = self.passages[n % len(self.passages)]
        key = f"load-{self.run}-{n:05d}"
        started = time.perf_counter()
        form = f"/add/claim?source={urllib.parse.quote(source)}&start={start}&end={end}"
        token = self.browser.csrf(form)
        answer = self.browser.send(
            "POST",
            "/add/claim",
            {
                "csrf": token,
                "source": source,
                "start": str(start),
                "end": str(end),
                "by": self.by,
                "text": f"Claim {n} written under load by the editor of run {self.run}.",
                "on": "2024-05-01",
                "id": key,
                "new": "on",
            },
        )
        self.seconds.append(time.perf_counter() - started)
        where = answer.getheader("location", "")
        if answer.status == 303 and where.endswith(f"/claims/{key}"):
            self.written.append(key)
        else:
            self.refused.append((key, answer.status))

    def __call__(self) -> None:
        n = 0
        while not self.stop.is_set():
            self.write(n)
            n += 1


def mixed(
    size: int,
    backend: str,
    url: str,
    paths: dict[str, list[str]],
    seconds: float,
    connections: int,
    log: Path,
) -> Result:
    ensure_user(url, "load-editor", "editor")
    ensure_user(url, "load-reader", "reader")
    passages = [
        (str(k), int(a), int(b))
        for k, a, b in _rows(
            url,
            "SELECT s.key, a.start_offset, a.end_offset FROM appearances a"
            " JOIN sources s ON s.id = a.source_id WHERE a.start_offset IS NOT NULL"
            " ORDER BY a.id LIMIT 200",
        )
    ]
    by = _rows(url, scale.BUSIEST)[0][0]
    run = time.strftime("%H%M%S")
    # Every route's paths, interleaved: 16 readers each reading everything.
    every = [p for group in zip(*(paths[r] * 64 for r in paths), strict=False) for p in group]
    with serving(url, False, log) as (proc, port):
        reader = Browser(port)
        reader.sign_in("load-reader")
        editor = Editor(Browser(port), passages, by, run)
        editor.browser.sign_in("load-editor")
        thread = threading.Thread(target=editor, daemon=True)
        thread.start()
        try:
            result, _ = measure(
                size, backend, "mixed: 16 readers + 1 editor", every, proc, port, seconds,
                connections, reader.cookie,
            )  # fmt: skip
        finally:
            editor.stop.set()
            thread.join()
    found = {
        k
        for (k,) in _rows(url, f"SELECT key FROM claims WHERE key LIKE 'load-{run}-%'")
    }  # fmt: skip
    logged = _rows(
        url,
        "SELECT count(*) FROM changes WHERE made_by = 'load-editor'"
        f" AND command LIKE '%load-{run}-%'",
    )[0][0]
    lost = [k for k in editor.written if k not in found]
    times = sorted(editor.seconds)
    result.writes = {
        "acknowledged": len(editor.written),
        "refused": len(editor.refused),
        "refusals": editor.refused[:10],
        "in_record": len(found),
        "lost": lost,
        "unacknowledged_but_recorded": sorted(found - set(editor.written)),
        "changes_logged": logged,
        "write_p50_ms": round(1000 * statistics.median(times), 1) if times else None,
        "write_p99_ms": round(1000 * times[int(0.99 * (len(times) - 1))], 1) if times else None,
    }
    print(f"  editor: {json.dumps(result.writes)}", file=sys.stderr, flush=True)
    return result


# -- the table -----------------------------------------------------------------------


def _line(r: Result) -> str:
    return (
        f"{r.size:,} {r.backend} {r.route}: p50 {r.p50_ms:.1f} ms, p99 {r.p99_ms:.1f} ms,"
        f" {r.rps:.1f} req/s, {r.non_2xx} non-2xx, {r.socket_errors} socket errors,"
        f" RSS {r.rss_start_mb:.0f}/{r.rss_max_mb:.0f}/{r.rss_end_mb:.0f} MB,"
        f" load {r.load_start:.1f}-{r.load_max:.1f}"
    )


def markdown(results: list[Result]) -> str:
    out = [
        "| claims | backend | route | p50 | p99 | goal | req/s | requests | errors"
        " | RSS start / max / end | load avg start / max / end |",
        "|---:|---|---|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        goal = f"≤ {r.goal_ms:.0f} ms " + ("met" if r.met else "**missed**")
        errors = f"{r.non_2xx} / {r.socket_errors}"
        out.append(
            f"| {r.size:,} | {r.backend} | {r.route} | {r.p50_ms:.1f} ms | {r.p99_ms:.1f} ms"
            f" | {goal} | {r.rps:,.1f} | {r.requests:,} | {errors}"
            f" | {r.rss_start_mb:.0f} / {r.rss_max_mb:.0f} / {r.rss_end_mb:.0f} MB"
            f" | {r.load_start:.1f} / {r.load_max:.1f} / {r.load_end:.1f} |"
        )
    for r in results:
        if r.writes:
            w = r.writes
            out.append(
                f"\n{r.size:,} {r.backend}, mixed: the editor was told {w['acknowledged']} claims"
                f" were written ({w['refused']} refused), {w['in_record']} are in the record,"
                f" {len(w['lost'])} lost, {w['changes_logged']} changes logged by the editor;"
                f" a write took {w['write_p50_ms']} ms (p50), {w['write_p99_ms']} ms (p99),"
                " form fetch included."
            )
    return "\n".join(out) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--postgres", metavar="URL", help="also run on this server")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "tracker-scale")
    parser.add_argument("--duration", type=float, default=30, help="seconds per route")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--routes", nargs="+", help="only these (by the first word: contests claim source...)"
    )
    parser.add_argument("--no-mixed", action="store_true", help="skip the editor's run")
    parser.add_argument(
        "--no-profile", action="store_true", help="do not profile the routes that miss a goal"
    )
    parser.add_argument("--out", type=Path, required=True, help="writes OUT.json and OUT.md")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)

    backends: list[Backend] = [] if args.no_sqlite else [Backend(args.work)]
    if args.postgres:
        backends.append(Postgres(args.work, args.postgres))
    results: list[Result] = []
    meta: dict[str, Any] = {"argv": sys.argv[1:], "loads": [], "started": time.ctime()}
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    meta["commit"] = commit.stdout.strip()

    def save() -> None:
        body = {"meta": meta, "results": [{**asdict(r), "met": r.met} for r in results]}
        args.out.with_suffix(".json").write_text(json.dumps(body, indent=1))
        args.out.with_suffix(".md").write_text(markdown(results))

    log = args.work / f"{args.out.name}.server.log"  # the access log: large, not a result
    for size in sorted(args.sizes):
        data = scale.dataset(args.work, size)
        for backend in backends:
            url, seconds = loaded(backend, data, size)
            meta["loads"].append({"size": size, "backend": backend.name, "seconds": seconds})
            paths = routes(url)
            chosen = {
                name: found
                for name, found in paths.items()
                if not args.routes or name.split()[0].strip("`") in args.routes
            }
            with serving(url, True, log) as (proc, port):
                for name, found in chosen.items():
                    goal = JSON_GOAL_MS if name.endswith("JSON") else PAGE_GOAL_MS
                    result, _ = measure(
                        size, backend.name, name, found, proc, port, args.duration,
                        args.connections, goal_ms=goal,
                    )  # fmt: skip
                    results.append(result)
                    save()
            missed = [r for r in results if r.size == size and r.backend == backend.name]
            missed = [r for r in missed if not r.met and not r.writes]
            if missed and not args.no_profile:
                import profile_routes  # imports tracker's web package: only when it is asked

                where = args.out.parent / f"{args.out.name}.profile-{backend.name}-{size}.txt"
                where.write_text(profile_routes.profile(url, [r.example for r in missed]))
                print(f"  profiles of the routes that missed: {where}", file=sys.stderr)
            if not args.no_mixed:
                results.append(
                    mixed(size, backend.name, url, paths, args.duration, args.connections, log)
                )
                save()
    meta["finished"] = time.ctime()
    save()
    print(markdown(results))


if __name__ == "__main__":
    main()
