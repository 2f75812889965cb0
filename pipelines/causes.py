"""The machine's own faults, said in one plain sentence: disk full, read-only disk, memory.

They surface in many shapes: an OSError from Python, an IOException from
DuckDB, an OperationalError from Dagster's SQLite run storage, a MemoryError
or DuckDB's OutOfMemoryException, each wrapped by Dagster. The person reading
the night's failure needs the cause and the remedy, not a 130-line traceback.
Both the exceptions the refresh raises and the errors Dagster recorded for a
step (SerializableErrorInfo, by class name and message) are read here.
"""

from __future__ import annotations

import errno
import re
import shutil
from pathlib import Path

_FULL = ("no space left on device", "database or disk is full", "disk quota exceeded",
         "file too large")
_READ_ONLY = ("read-only file system", "attempt to write a readonly database")
_DENIED = ("permission denied",)
_MEMORY_CLASSES = {"MemoryError", "OutOfMemoryException"}
_PATH = re.compile(r"""['"](/[^'"]+)['"]""")


def _size(nbytes: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if nbytes < 1024 or unit == "GB":
            return f"{nbytes:.0f} {unit}" if unit == "bytes" else f"{nbytes:.1f} {unit}"
        nbytes /= 1024
    return ""


def _tree_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    if not path.is_dir():
        return 0
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def _needed(home: Path) -> int:
    """Room a refresh takes beside what it keeps: a new publication and the warehouse's
    working copy (its write-ahead log and new row groups), about their sizes now."""
    from pipelines.publication import live_refresh_id
    from pipelines.settings import Paths

    paths = Paths(home=home, data=home)
    live = live_refresh_id(paths)
    publication = _tree_size(paths.publication(live)) if live else 0
    return publication + _tree_size(paths.private_db)


def _where(message: str, home: Path) -> Path:
    found = _PATH.search(message)
    return Path(found.group(1)) if found else home


def _existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def describe(cls_name: str, message: str, code: int | None, home: Path) -> str | None:
    """One sentence for a disk or memory fault, else None (then the error speaks for itself)."""
    text = message.lower()
    full = code in {errno.ENOSPC, errno.EDQUOT, errno.EFBIG} or any(s in text for s in _FULL)
    if full or (code == errno.EIO or "disk i/o error" in text):
        # SQLite reports a full disk under its journal as a "disk I/O error": the free
        # space tells the two apart.
        disk = _existing(_where(message, home))
        free, needed = shutil.disk_usage(disk).free, _needed(home)
        if full or free < needed:
            return (f"the disk holding {disk} is full ({_size(free)} free; a refresh needs "
                    f"about {_size(needed)} more): free space there and run the refresh again")
        return (f"the disk holding {disk} reported an input/output error ({_size(free)} "
                "free): check the disk and its system log, then run the refresh again")
    if code == errno.EROFS or any(s in text for s in _READ_ONLY):
        disk = _existing(_where(message, home))
        return (f"the disk holding {disk} is read-only: remount it read-write (or choose "
                "another --home) and run the refresh again")
    if code == errno.EACCES or (cls_name == "PermissionError" and any(s in text for s in _DENIED)):
        path = _where(message, home)
        return (f"{path} cannot be written or read by this user (permission denied): give the "
                "user running the refresh access to the home and the data directory")
    if cls_name in _MEMORY_CLASSES or text.startswith("out of memory"):
        detail = message.strip().splitlines()[0] if message.strip() else "no detail"
        return (f"the refresh ran out of memory ({detail}): stop other large programs or give "
                "the machine more memory, then run it again")
    return None


def _chain(exc: BaseException):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def from_exception(exc: BaseException, home: Path) -> str | None:
    """The plain cause of an exception the refresh raised (any link of its chain)."""
    for link in _chain(exc):
        code = getattr(link, "errno", None)
        sentence = describe(type(link).__name__, str(link), code, home)
        if sentence:
            return sentence
    return None


def from_error_info(error, home: Path) -> str | None:
    """The plain cause of an error Dagster recorded (a SerializableErrorInfo chain)."""
    while error is not None:
        code = None
        found = re.search(r"\[Errno (\d+)\]", error.message or "")
        if found:
            code = int(found.group(1))
        sentence = describe(error.cls_name or "", error.message or "", code, home)
        if sentence:
            return sentence
        error = error.cause or error.context
    return None
