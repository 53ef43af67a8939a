"""What long jobs share: the progress protocol, cancelling, and writing a file whole or not at all.

A long job (an import, an export, a backup, a batch of pages) takes plain arguments so that
the desktop, the command line and the tests run the same function:

* ``progress(fraction, message)`` — :data:`Progress`, called now and then;
* ``cancel`` — a :class:`threading.Event`; :func:`check_cancel` raises :class:`Cancelled` once set.

Files a job writes for a person (exports, reports, backups) appear complete or not at all:
:func:`atomic_write` writes a temporary file beside the target, syncs it and moves it into place;
on any failure — a full disk, a cancel, a bug — the temporary file is removed, and an operating
system error becomes one clear message naming the file.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from guji.errors import GujiError
from guji.messages import msg

Progress = Callable[[float, str], None]


class Cancelled(GujiError):
    """The person cancelled the job; nothing of it was kept."""


def check_cancel(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise Cancelled(msg("job.cancelled"))


class WriteFailed(GujiError):
    """A file could not be written (disk full, no permission, folder gone); no partial file is left."""


@contextmanager
def atomic_write(target: str | os.PathLike[str], *, mode: int = 0o644) -> Iterator[IO[bytes]]:
    """Write ``target`` through a temporary file beside it, moved into place only when the block
    ends normally (after an ``fsync``); ``mode`` is the finished file's permission bits."""
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise WriteFailed(msg("file.write_failed", path=target, reason=exc.strerror or exc)) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except OSError as exc:
        _remove(tmp)
        raise WriteFailed(msg("file.write_failed", path=target, reason=exc.strerror or exc)) from None
    except BaseException:
        _remove(tmp)
        raise


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


__all__ = ["Cancelled", "Progress", "WriteFailed", "atomic_write", "check_cancel"]
