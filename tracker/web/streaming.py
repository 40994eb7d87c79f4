"""The CLI's streamed writers as an HTTP body: a listing of a million claims
goes out as it is read, in the memory of a batch.

The writers (tracker.render.output.write_listing, pages.write_actor_record)
write into an Out; here they run in a thread of their own, with a session of
their own, and what they write is handed to the response through a small
bounded queue: a slow client slows the reader, it does not fill memory.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator

from tracker.render.stream import Out

_QUEUED = 8  # chunks of up to 64 KiB (Out's buffer) between reader and client
# A client that takes nothing for this long has gone: the reader stops.
_STALLED = 120.0


class _Gone(Exception):
    """The client stopped reading."""


_END = object()


def streamed(write: Callable[[Out], None]) -> Iterator[bytes]:
    """The bytes `write(out)` writes, as it writes them."""
    chunks: queue.Queue[object] = queue.Queue(_QUEUED)
    gone = threading.Event()

    def put(item: object) -> None:
        while not gone.is_set():
            try:
                chunks.put(item, timeout=1.0)
                return
            except queue.Full:
                continue
        raise _Gone

    def produce() -> None:
        try:
            out = Out(lambda text: put(text.encode("utf-8")))
            write(out)
            out.flush()
            put(_END)
        except _Gone:
            return
        except BaseException as exc:  # handed to the response, which fails
            try:
                put(exc)
            except _Gone:
                return

    worker = threading.Thread(target=produce, name="tracker-stream", daemon=True)
    worker.start()
    try:
        while True:
            try:
                item = chunks.get(timeout=_STALLED)
            except queue.Empty:
                raise TimeoutError("the listing stopped coming") from None
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            assert isinstance(item, bytes)
            yield item
    finally:
        gone.set()
