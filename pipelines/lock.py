"""One refresh at a time per home: an exclusive lock on `<home>/refresh.lock`."""

from __future__ import annotations

import errno
import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path


class LockTimeout(RuntimeError):
    """The home's lock cannot be taken: another holder, or a lock file that is not ours."""


@contextmanager
def exclusive_lock(path: Path, timeout_s: float, on_wait=None) -> Iterator[None]:
    """Hold an exclusive lock; wait up to `timeout_s` for another holder to finish.

    The kernel releases a flock when its process dies, so a crashed refresh never
    leaves a stale lock behind.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    # The lock is truncated and rewritten below: never through a link planted at its
    # name (that would overwrite a file that is not ours), and readable by us alone.
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise LockTimeout(
                f"{path} is a symbolic link: expected the home's own lock file") from None
        raise
    os.fchmod(fd, 0o600)  # a lock left by an older version under a loose umask
    handle = os.fdopen(fd, "r+")
    deadline = time.monotonic() + timeout_s
    told = False
    try:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not told and on_wait is not None:
                    handle.seek(0)
                    on_wait(handle.read().strip() or "another process")
                    told = True
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "another process"
                    raise LockTimeout(
                        f"another refresh is running ({holder}); gave up after {timeout_s:.0f} s"
                    ) from None
                time.sleep(0.5)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC")
        handle.flush()
        yield
    finally:
        handle.close()
