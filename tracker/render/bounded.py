"""Work that must not run away, run in a child process the operating system
bounds: a user's report template is a program (Jinja2), and no list of
forbidden operations can foresee every way a program takes hours or
gigabytes — `9**(9**9)` is one multiplication in C, `'x' * 10**10` one
allocation, two nested loops a billion steps.

The child is forked with the work's data already in memory, so nothing is
pickled and nothing reconnects. It gets an address-space limit (RLIMIT_AS:
what it holds at the fork, plus a budget) and a CPU-time limit; the parent
kills it at a wall-clock deadline too (a template that waits on a FIFO uses
no CPU). Whatever the child does, the parent gets a result or one line.
Where there is no fork (Windows), the work runs in this process, bounded
only by what its own code checks.
"""

from __future__ import annotations

import math
import os
import select
import signal
import time
from collections.abc import Callable

from tracker.errors import InputError

_OK, _FAILED, _NO_MEMORY = b"o", b"e", b"m"
_CHUNK = 1 << 16


def _address_space() -> int | None:
    """The bytes this process has mapped now (Linux), else None."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _limit(seconds: float, memory: int) -> None:
    import resource

    cpu = math.ceil(seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    mapped = _address_space()
    if mapped is not None:
        budget = mapped + memory
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            budget = min(budget, hard)
        resource.setrlimit(resource.RLIMIT_AS, (budget, hard))


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _child(
    fd: int, work: Callable[[], str], describe: Callable[[BaseException], str], seconds: float,
    memory: int,
) -> None:  # fmt: skip
    try:
        _limit(seconds, memory)
        try:
            payload = _OK + work().encode("utf-8")
        except MemoryError:
            payload = _NO_MEMORY
        except Exception as exc:  # the work's own fault, said by its caller
            payload = _FAILED + describe(exc).encode("utf-8", "backslashreplace")
        _write_all(fd, payload)
    except MemoryError:
        _write_all(fd, _NO_MEMORY)
    finally:
        os._exit(0)  # no atexit, no buffers of the parent's flushed twice


def run(
    work: Callable[[], str],
    describe: Callable[[BaseException], str],
    *,
    what: str,
    seconds: float,
    memory: int,
) -> str:
    """What `work()` returns, computed in at most `seconds` and `memory`
    bytes beyond what this process holds; otherwise InputError naming
    `what`. An exception `work` raises becomes InputError(describe(exc))."""
    if not hasattr(os, "fork"):
        try:
            return work()
        except Exception as exc:
            raise InputError(describe(exc)) from None
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover (the child never returns)
        os.close(reading)
        _child(writing, work, describe, seconds, memory)
    os.close(writing)
    chunks: list[bytes] = []
    deadline = time.monotonic() + seconds
    timed_out = False
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([reading], [], [], left)[0]:
                timed_out = True
                break
            chunk = os.read(reading, _CHUNK)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(reading)
        if timed_out:
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    bound = f"at most {seconds:g} s and {memory // 2**20:,} MiB"
    if timed_out or (
        os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGXCPU, signal.SIGKILL)
    ):
        raise InputError(f"{what}: stopped after {seconds:g} s; it may take {bound}")
    payload = b"".join(chunks)
    if payload[:1] == _OK:
        return payload[1:].decode("utf-8")
    if payload[:1] == _FAILED:
        raise InputError(payload[1:].decode("utf-8"))
    if payload[:1] == _NO_MEMORY:
        raise InputError(f"{what}: ran out of memory; it may take {bound}")
    ended = f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else "no result"
    raise InputError(f"{what}: its process ended with {ended}")
