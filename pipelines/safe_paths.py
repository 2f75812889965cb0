"""Every path the product deletes, moves or overwrites: inside its root, and ours.

A path is checked lexically (no `..` out of the root, not the root itself) and
then on disk: no component between the root and the path may be a symbolic
link, so a link planted in the data directory or the home can never redirect a
deletion elsewhere. On top of that, each kind of folder the product removes
has a test that it is one the product made (a wave folder whose wave.json
names the wave, a publication folder, a raw copy by its content hash).

Private files are created owner-only (0600 files, 0700 folders) whatever the
umask: raw copies of survey exports hold personal data.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
SHA256 = re.compile(r"[0-9a-f]{64}")
# Dagster run ids, which name publication folders.
RUN_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# Everything a publication folder may hold (a run can die half way through it).
PUBLICATION_ENTRIES = {"publication.json", "boligmonitor.duckdb", "site",
                       ".boligmonitor.duckdb.building", ".boligmonitor.duckdb.building.wal"}


class UnsafePath(PermissionError):
    """A path the product refuses to delete or overwrite."""


def checked(path: Path | str, root: Path | str) -> Path:
    """`path` as a real path strictly inside `root`, reached without any symlink.

    The root itself may be reached through links (an operator may mount or link
    the data directory); nothing below it may be a link, including `path`.
    """
    root_real = Path(os.path.realpath(root))
    given = Path(os.path.abspath(path))
    # Compare against both spellings of the root: the caller may pass either.
    for base in (Path(os.path.abspath(root)), root_real):
        relative = os.path.relpath(given, base)
        if relative != "." and not relative.startswith(".."):
            break
    else:
        raise UnsafePath(f"{path} is not inside {root}; refused")
    current = root_real
    for part in Path(relative).parts:
        current = current / part
        if current.is_symlink():
            raise UnsafePath(f"{current} is a symbolic link; refused to follow it")
    return current


def remove_tree(folder: Path | str, root: Path | str) -> Path:
    """Delete a real folder inside `root` (never a link, never what a link points at)."""
    target = checked(folder, root)
    mode = os.lstat(target).st_mode
    if not stat.S_ISDIR(mode):
        raise UnsafePath(f"{target} is not a folder; refused to delete it")
    # Read-only folders (raw copies) must be writable to empty them; links are not followed.
    for dirpath, dirnames, _ in os.walk(target, followlinks=False):
        os.chmod(dirpath, PRIVATE_DIR)
        dirnames[:] = [d for d in dirnames if not os.path.islink(os.path.join(dirpath, d))]
    shutil.rmtree(target)
    return target


def remove_file(path: Path | str, root: Path | str) -> Path:
    target = checked(path, root)
    if not stat.S_ISREG(os.lstat(target).st_mode):
        raise UnsafePath(f"{target} is not a regular file; refused to delete it")
    target.unlink()
    return target


def is_wave_folder(folder: Path, data_dir: Path, wave_id: str) -> bool:
    """A folder `<data>/survey/<name>/` whose wave.json has this wave_id."""
    real = _child(folder, Path(data_dir) / "survey", data_dir)
    return real is not None and wave_id_of(real / "wave.json") == wave_id


def wave_id_of(wave_json: Path) -> str | None:
    """The wave_id a wave.json names (None when it is not a readable regular file)."""
    try:
        if not stat.S_ISREG(os.lstat(wave_json).st_mode) or os.lstat(wave_json).st_size > 1 << 20:
            return None
        value = json.loads(read_regular(wave_json, 1 << 20).decode("utf-8-sig"))["wave_id"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return str(value)


def is_publication_folder(folder: Path, home: Path) -> bool:
    """A folder `<home>/publications/<run id>/` the product made: published (its
    publication.json names it) or left unfinished by a run (only the product's
    own entries in it). Anything else in publications/ is not ours."""
    real = _child(folder, Path(home) / "publications", home)
    if real is None:
        return False
    meta = real / "publication.json"
    if meta.is_file() and not meta.is_symlink():
        try:
            named = json.loads(meta.read_text(encoding="utf-8")).get("refresh_id")
        except (OSError, ValueError, AttributeError):
            named = None
        if named == real.name:
            return True
    return (RUN_ID.fullmatch(real.name) is not None
            and {p.name for p in real.iterdir()} <= PUBLICATION_ENTRIES)


def _child(folder: Path, parent: Path, root: Path) -> Path | None:
    """`folder` as a real folder directly in `parent` (both inside `root`), else None."""
    try:
        real, real_parent = checked(folder, root), checked(parent, root)
    except UnsafePath:
        return None
    if real.parent != real_parent or not real.is_dir():
        return None
    return real


def raw_copy_holder(raw_dir: Path, digest: str) -> Path | None:
    """`<home>/raw/<aa>/<sha256>/`, the folder of one raw copy, when it exists."""
    if not SHA256.fullmatch(digest):
        return None
    holder = Path(raw_dir) / digest[:2] / digest
    try:
        real = checked(holder, raw_dir)
    except UnsafePath:
        return None
    return real if real.is_dir() else None


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of a regular file, never following a link nor blocking on a FIFO;
    more than `limit` bytes is an error."""
    # In blocks: read(limit + 1) allocates the whole limit up front, and callers that
    # have already checked a delivery pass a practically unbounded one.
    chunks, total = [], 0
    with open_regular(path) as handle:
        while total <= limit:
            block = handle.read(min(1 << 20, limit + 1 - total))
            if not block:
                break
            chunks.append(block)
            total += len(block)
    data = b"".join(chunks)
    if len(data) > limit:
        raise OSError(f"{path} is larger than {limit} bytes")
    return data


def open_regular(path: Path, follow: bool = False):
    """Open a regular file for reading without blocking (a FIFO opened this way is
    then refused by its type) and, unless `follow`, without following a final link."""
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | (0 if follow else os.O_NOFOLLOW)
    fd = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{path} is not a regular file")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def private_dir(folder: Path) -> Path:
    """Create (or tighten) a folder only its owner can enter."""
    folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    if stat.S_IMODE(folder.stat().st_mode) != PRIVATE_DIR:
        folder.chmod(PRIVATE_DIR)
    return folder


def secure_private_folders(home: Path) -> list[Path]:
    """The home's private folders, owner-only: the private warehouse, the raw store,
    Dagster's run history (its event logs name the files read) and the parse cache.
    The published folders stay readable: they are for the planners and analysts."""
    return [private_dir(Path(home) / name) for name in ("warehouse", "raw", "dagster", "cache")]


def write_private(path: Path, data: bytes, mode: int = PRIVATE_FILE) -> None:
    """Write a new file owner-only; a link or other file at the name is replaced,
    never written through."""
    partial = path.with_name(f".{path.name}.partial")
    if partial.is_symlink() or partial.exists():
        partial.unlink()
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(partial, mode)  # the umask cannot widen it, but may have narrowed it
    os.replace(partial, path)
