"""Opening an input file: a regular file or an error naming it, never a hang.

A FIFO or device where a data file should be would block a plain `read_bytes()`
forever (with the refresh lock held) or never end (`/dev/zero`). Opening without
blocking and checking the opened descriptor's type closes that, also for a file
swapped after the data directory was scanned. Links inside the data directory are
the operator's choice and are followed; `incoming/` refuses them before this point.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from indicators.errors import InputError, InputProblem


def read_input_bytes(path: Path, name: str) -> bytes:
    """The bytes of the regular file at `path` (`name` is how errors show it)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = ("a folder" if stat.S_ISDIR(mode)
                    else "not a regular file (a FIFO, socket or device)")
            raise InputError(InputProblem(name, f"is {kind}: expected a regular file"))
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as handle:
        return handle.read()

