"""The files a user names, read and written so that neither can run away.

Reading: only a regular file is read (a FIFO would block forever, /dev/zero
never ends), and never more than a bound: the size the file claims is
checked first, then no more than the bound plus one byte is read, since a
file's size can lie (/proc) or grow while it is read.

Writing: to a temporary file beside the target, renamed over it once whole,
so that a full disk or a killed process leaves the old file or none, never
half a backup.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from tracker.errors import InputError

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def too_large(path: Path | str, limit: int) -> InputError:
    return InputError(f"{path}: larger than {limit // 2**20} MiB, the most one file may hold")


def read_bytes(path: Path, limit: int) -> bytes:
    """The bytes of the regular file `path`, if it holds at most `limit`;
    otherwise one line saying why it was not read."""
    # O_NONBLOCK: opening a FIFO for reading waits for a writer; this way
    # it opens at once, and is refused below as what it is.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as file:
        mode, size = (info := os.fstat(fd)).st_mode, info.st_size
        if not stat.S_ISREG(mode):
            raise InputError(f"{path}: is {_kind(mode)}, not a file: not read")
        if size > limit:
            raise too_large(path, limit)
        try:
            raw = file.read(limit + 1)
        except OSError as exc:
            raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    if len(raw) > limit:
        raise too_large(path, limit)
    return raw


def cannot_write(path: Path | str, exc: OSError) -> InputError:
    reason = exc.strerror or str(exc)
    if isinstance(exc, IsADirectoryError):
        reason = "it is a folder; give a file name"
    return InputError(f"cannot write {path}: {reason}")


@contextmanager
def replacing(path: Path, encoding: str = "utf-8") -> Iterator[IO[str]]:
    """A text file to write `path` through: a temporary file in the same
    folder, flushed to disk and renamed over `path` when the block ends
    without error, removed otherwise. OSError becomes one line.

    A device or a FIFO (/dev/stdout, /dev/full) is written directly: it
    cannot be replaced, and must not be. A symbolic link is followed: the
    file it points to is replaced, not the link."""
    if path.is_dir():
        raise cannot_write(path, IsADirectoryError())
    if path.exists() and not path.is_file():
        try:
            with path.open("w", encoding=encoding, newline="") as file:
                yield file
        except OSError as exc:
            raise cannot_write(path, exc) from None
        return
    target = path.resolve() if path.is_symlink() else path
    try:
        fd, temporary = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
        )
    except OSError as exc:
        raise cannot_write(path, exc) from None
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        # mkstemp's 0600 would make a backup unreadable to whom the old one was.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise cannot_write(path, exc) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def write_text(path: Path, text: str) -> None:
    """`text` into `path`, whole or not at all."""
    with replacing(path) as file:
        file.write(text)
