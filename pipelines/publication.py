"""Publishing: a fresh serving file and site, made live together, kept for rollback.

Each refresh publishes into its own folder `<home>/publications/<refresh_id>/`
(`boligmonitor.duckdb`, `site/`, `publication.json`). One symlink says what is
live, `<home>/current -> publications/<refresh_id>`, and the contract's paths
are fixed links through it: `<home>/serving -> current` (so
`<home>/serving/boligmonitor.duckdb` is the live file) and `<home>/site ->
current/site`. Going live is one `os.replace` of `current`, so no reader ever
sees a warehouse without its site. A reader holding the old file keeps its
snapshot until it reconnects (docs/conventions.md, DuckDB locking). Rollback is the same
swap to an older folder.
"""

from __future__ import annotations

import ctypes
import functools
import json
import os
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import duckdb

from indicators import tables
from pipelines import safe_paths
from pipelines.settings import Paths

DB_NAME = "boligmonitor.duckdb"
CURRENT = "current"


def now() -> datetime:
    return datetime.now(UTC)


def build_serving_file(
    conn: duckdb.DuckDBPyConnection,
    folder: Path,
    published: list[tables.Table],
    refresh: dict,
) -> Path:
    """Copy the published tables from the private warehouse into `folder`'s new file.

    The file is written under a temporary name, checkpointed, detached and only
    then renamed, so a half-built file never has the final name.
    """
    folder.mkdir(parents=True, exist_ok=True)
    building = folder / f".{DB_NAME}.building"
    building.unlink(missing_ok=True)
    conn.execute(f"ATTACH '{building}' AS serving")
    try:
        conn.execute("CREATE SCHEMA serving.mart")
        for table in published:
            conn.execute(f"CREATE TABLE serving.{table.qualified} ({_ddl(table)})")
            if table.name == "refresh":
                names = table.column_names()
                conn.execute(
                    f"INSERT INTO serving.{table.qualified} "
                    f"VALUES ({', '.join('?' for _ in names)})",
                    [refresh[c] for c in names],
                )
            else:
                conn.execute(
                    f"INSERT INTO serving.{table.qualified} "
                    f"{table.select_sql(table.qualified)}"
                )
            conn.execute(_comments(table))
            if table.key:
                # Declared after the rows are in: DuckDB then builds the key's index in
                # one pass, where a key declared up front is checked row by row (the
                # catalogue says the same either way). After the comments, which would
                # each copy the index with the table's catalogue entry.
                key = ", ".join(f'"{k}"' for k in table.key)
                conn.execute(f"ALTER TABLE serving.{table.qualified} ADD PRIMARY KEY ({key})")
        conn.execute("CHECKPOINT serving")
    finally:
        conn.execute("DETACH serving")
    final = folder / DB_NAME
    os.replace(building, final)
    final.chmod(0o444)
    return final


def _ddl(table: tables.Table) -> str:
    """Columns with NOT NULL where tables.py says so (and on key columns): the file declares
    what docs/schema.md promises. The primary key is added once the rows are in."""
    return ", ".join(
        f'"{c.name}" {c.type}' + ("" if c.nullable and c.name not in table.key else " NOT NULL")
        for c in table.columns
    )


def _comments(table: tables.Table) -> str:
    """Table and column comments, so the file documents itself to any client: one script,
    not a statement per column."""

    def quoted(text: str) -> str:
        return "'" + text.replace("'", "''") + "'"

    statements = [f"COMMENT ON TABLE serving.{table.qualified} IS {quoted(table.description)}"]
    statements += [
        f'COMMENT ON COLUMN serving.{table.qualified}."{column.name}" '
        f"IS {quoted(column.description)}"
        for column in table.columns
    ]
    return ";\n".join(statements)


class LayoutError(RuntimeError):
    """A path the product publishes through holds something the product did not create."""


class AfterPublishError(RuntimeError):
    """The publication is live; a step after the swap (records, moves, prunes) failed."""


def _link(path: Path) -> str | None:
    return os.readlink(path) if path.is_symlink() else None


def _refresh_id_in(target: str | None, tail: tuple[str, ...] = ()) -> str | None:
    """The refresh id of a link target `publications/<id>` (+ `tail`), else None."""
    if target is None:
        return None
    parts = PurePosixPath(target).parts
    if len(parts) != 2 + len(tail) or parts[0] != "publications" or parts[2:] != tail:
        return None
    name = parts[1]
    return name if name not in {".", ".."} and not name.startswith(".") else None


def _legacy_serving_id(paths: Paths) -> str | None:
    """A home published before `current` existed: `serving/` was a real folder holding a
    hard link of the live publication's file (and perhaps a leftover swap link). The
    publication whose file is that same inode; None when the folder is anything else."""
    folder = paths.serving
    if folder.is_symlink() or not folder.is_dir():
        return None
    names = {p.name for p in folder.iterdir()}
    served = folder / DB_NAME
    if not names <= {DB_NAME, f".{DB_NAME}.swap"} or served.is_symlink() or \
            not served.is_file():
        return None
    inode = served.stat()
    if paths.publications.is_dir():
        for candidate in paths.publications.iterdir():
            file = candidate / DB_NAME
            if file.is_file() and os.path.samestat(file.stat(), inode):
                return candidate.name
    return None


def _what(path: Path) -> str:
    if path.is_symlink():
        return f"a symlink to {os.readlink(path)}"
    return "a directory" if path.is_dir() else "a file"


def layout_problem(paths: Paths) -> str | None:
    """Why the home cannot be published into, or None.

    `current`, `serving` and `site` are the product's own symlinks (or, in a home
    published by an earlier version, its `serving/` folder and `site` link). Anything
    else there, say a real `site/` folder someone made, is left alone and refused:
    publishing around it would put the warehouse live without its site.
    """
    expected = {
        paths.current: "the link to the live publication, publications/<refresh_id>",
        paths.serving: "a symlink to current",
        paths.site: "a symlink to current/site",
    }
    problems = []
    for path, meaning in expected.items():
        if not path.exists() and not path.is_symlink():
            continue
        target = _link(path)
        if path == paths.current:
            ours = _refresh_id_in(target) is not None
        elif path == paths.serving:
            ours = target == CURRENT or (target is None and _legacy_serving_id(paths) is not None)
        else:
            ours = target == f"{CURRENT}/site" or _refresh_id_in(target, ("site",)) is not None
        if not ours:
            problems.append(f"{path} is {_what(path)}, which Boligmonitor did not create "
                            f"(it publishes {meaning} there)")
    if not problems:
        return None
    return ("; ".join(problems) + ". Move it away and run again; nothing was published.")


def live_refresh_id(paths: Paths) -> str | None:
    """The refresh whose warehouse and site are published, or None."""
    target = _link(paths.current)
    if target is not None:
        return _refresh_id_in(target)
    # A home of the layout before `current`: the serving file says, else the site link.
    return _legacy_serving_id(paths) or _refresh_id_in(_link(paths.site), ("site",))


def _replace_link(link: Path, target: str) -> None:
    """Point `link` at `target` in one rename: readers see the old target or the new."""
    temp = link.with_name(f".{link.name}.swap")
    temp.unlink(missing_ok=True)
    os.symlink(target, temp)
    os.replace(temp, link)


def _sync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_tree(folder: Path) -> None:
    """Flush a publication to disk before it goes live: after a power cut the link must
    not point at files the disk never received.

    A national site is tens of thousands of files; an fsync each waits for the disk that
    many times (most of the publish step). One syncfs of the publication's file system
    writes the same files and folders in one pass; the file-by-file walk remains where
    the C library has no syncfs (not Linux)."""
    if _syncfs(folder):
        return
    for root, dirs, files in os.walk(folder):
        for name in files:
            path = Path(root, name)
            if not path.is_symlink():
                _sync(path)
        for name in dirs:
            _sync(Path(root, name))
    _sync(folder)


@functools.cache
def _libc_syncfs():
    try:
        return ctypes.CDLL(None, use_errno=True).syncfs
    except (AttributeError, OSError):
        return None


def _syncfs(folder: Path) -> bool:
    """syncfs(2) on the file system holding `folder`; False when there is none to call."""
    syncfs = _libc_syncfs()
    if syncfs is None:
        return False
    fd = os.open(folder, os.O_RDONLY)
    try:
        if syncfs(fd) != 0:
            error = ctypes.get_errno()
            raise OSError(error, os.strerror(error), str(folder))
    finally:
        os.close(fd)
    return True


def adopt_layout(paths: Paths) -> None:
    """Make `serving` and `site` the fixed links through `current`; raises LayoutError.

    A home of the earlier layout is migrated with its live publication unchanged:
    `current` is pointed at it first, then `site` (the same pages) and `serving` (the
    same file) are turned into links through it. On a fresh home the links dangle
    until the first swap creates `current`, which publishes both at once.
    """
    problem = layout_problem(paths)
    if problem:
        raise LayoutError(problem)
    paths.home.mkdir(parents=True, exist_ok=True)
    if _link(paths.current) is None:
        legacy = live_refresh_id(paths)
        if legacy is not None:
            _replace_link(paths.current, f"publications/{legacy}")
    if _link(paths.site) != f"{CURRENT}/site":
        _replace_link(paths.site, f"{CURRENT}/site")
    if _link(paths.serving) != CURRENT:
        if paths.serving.is_dir():
            # The earlier layout's folder (checked above to hold only our hard link). A
            # folder cannot be renamed over, so for a moment between the two renames
            # `serving` is absent; this happens once per home, under the refresh lock.
            new = paths.home / f".{paths.serving.name}.swap"
            old = paths.home / f".{paths.serving.name}.old"
            new.unlink(missing_ok=True)
            os.symlink(CURRENT, new)
            os.rename(paths.serving, old)
            os.rename(new, paths.serving)
            remove_tree(old)
        else:
            _replace_link(paths.serving, CURRENT)
    _sync(paths.home)


def swap_in(paths: Paths, publication: Path) -> None:
    """Make a publication live: one rename of `current`, so the serving file and the site
    change together.

    A publication gets its `publication.json` before it first goes live; a folder
    without one was never published and is removed by the next prune.
    """
    adopt_layout(paths)
    _sync_tree(publication)
    meta = publication / "publication.json"
    wrote = not meta.exists()
    if wrote:
        meta.write_text(
            json.dumps({"refresh_id": publication.name, "finished_at": now().isoformat()}),
            encoding="utf-8",
        )
        _sync(meta)
    try:
        _replace_link(paths.current, str(publication.relative_to(paths.home)))
    except BaseException:
        if wrote:
            meta.unlink(missing_ok=True)
        raise
    _sync(paths.home)


@dataclass
class Publication:
    refresh_id: str
    folder: Path
    finished_at: datetime


def publications(paths: Paths) -> list[Publication]:
    """Complete publications, newest first."""
    found = []
    if paths.publications.is_dir():
        for folder in paths.publications.iterdir():
            meta = folder / "publication.json"
            if _is_ours(folder) and meta.is_file() and (folder / DB_NAME).is_file():
                data = json.loads(meta.read_text(encoding="utf-8"))
                found.append(Publication(data["refresh_id"], folder,
                                         datetime.fromisoformat(data["finished_at"])))
    return sorted(found, key=lambda p: p.finished_at, reverse=True)


# Dagster run ids, which name the publication folders.
_RUN_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _is_ours(folder: Path) -> bool:
    """A folder a refresh made: named by its run id, a real folder (not a link)."""
    return bool(_RUN_ID.fullmatch(folder.name)) and folder.is_dir() and not folder.is_symlink()


def prune_publications(paths: Paths, keep: int) -> list[Path]:
    """Remove publications beyond the `keep` newest, never the live one, and any
    folder a failed run left unfinished. Folders a refresh did not make are left alone."""
    live = live_refresh_id(paths)
    complete = publications(paths)
    keep_ids = {p.refresh_id for p in complete[:keep]} | {live}
    removed = []
    if paths.publications.is_dir():
        for folder in paths.publications.iterdir():
            # Only a folder a refresh made (safe_paths: run id, product entries only, no
            # link on the way), removed without following any link inside it.
            if folder.name not in keep_ids and _is_ours(folder) and \
                    safe_paths.is_publication_folder(folder, paths.home):
                safe_paths.remove_tree(folder, paths.publications)
                removed.append(folder)
    return removed


def remove_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            path.chmod(0o644)
    shutil.rmtree(folder)


def rollback(paths: Paths) -> Publication:
    """Make the publication before the live one live again (the same one-rename swap)."""
    live = live_refresh_id(paths)
    complete = publications(paths)
    ids = [p.refresh_id for p in complete]
    if live not in ids or ids.index(live) + 1 >= len(ids):
        raise LookupError("there is no earlier publication to roll back to")
    previous = complete[ids.index(live) + 1]
    swap_in(paths, previous.folder)
    return previous
