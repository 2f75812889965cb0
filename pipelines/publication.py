"""Publishing: a fresh serving file and site, swapped in atomically, kept for rollback.

Each refresh publishes into its own folder `<home>/publications/<refresh_id>/`
(`boligmonitor.duckdb`, `site/`, `publication.json`). Going live is two
atomic renames: a hard link of the new file `os.replace`d over
`<home>/serving/boligmonitor.duckdb`, and the symlink `<home>/site` replaced
by one pointing at the new site. Readers only ever see a complete
publication; one holding the old file keeps its snapshot until it
reconnects (docs/conventions.md, DuckDB locking). Rollback is the same swap to an older
folder.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from indicators import tables
from pipelines.settings import Paths

DB_NAME = "boligmonitor.duckdb"


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
            if table.name == "refresh":
                ddl = ", ".join(f'"{c.name}" {c.type}' for c in table.columns)
                conn.execute(f"CREATE TABLE serving.{table.qualified} ({ddl})")
                names = table.column_names()
                conn.execute(
                    f"INSERT INTO serving.{table.qualified} "
                    f"VALUES ({', '.join('?' for _ in names)})",
                    [refresh[c] for c in names],
                )
            else:
                conn.execute(
                    f"CREATE TABLE serving.{table.qualified} AS "
                    f"{table.select_sql(table.qualified)}"
                )
            _describe(conn, table)
        conn.execute("CHECKPOINT serving")
    finally:
        conn.execute("DETACH serving")
    final = folder / DB_NAME
    os.replace(building, final)
    final.chmod(0o444)
    return final


def _describe(conn: duckdb.DuckDBPyConnection, table: tables.Table) -> None:
    """Table and column comments, so the file documents itself to any client."""

    def quoted(text: str) -> str:
        return "'" + text.replace("'", "''") + "'"

    conn.execute(f"COMMENT ON TABLE serving.{table.qualified} IS {quoted(table.description)}")
    for column in table.columns:
        conn.execute(
            f'COMMENT ON COLUMN serving.{table.qualified}."{column.name}" '
            f"IS {quoted(column.description)}"
        )


def swap_in(paths: Paths, publication: Path) -> None:
    """Make a publication live: serving file first, then the site, each one rename.

    The first time a publication goes live it gets its `publication.json`; a
    folder without one was never published and is removed by the next prune.
    """
    paths.serving_db.parent.mkdir(parents=True, exist_ok=True)
    staged = paths.serving_db.with_name(f".{DB_NAME}.swap")
    staged.unlink(missing_ok=True)
    os.link(publication / DB_NAME, staged)
    os.replace(staged, paths.serving_db)
    site = publication / "site"
    if site.is_dir():
        link = paths.home / ".site.swap"
        link.unlink(missing_ok=True)
        os.symlink(site.relative_to(paths.home), link)
        os.replace(link, paths.site)
    meta = publication / "publication.json"
    if not meta.exists():
        meta.write_text(
            json.dumps({"refresh_id": publication.name, "finished_at": now().isoformat()}),
            encoding="utf-8",
        )


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
            if meta.is_file() and (folder / DB_NAME).is_file():
                data = json.loads(meta.read_text(encoding="utf-8"))
                found.append(Publication(data["refresh_id"], folder,
                                         datetime.fromisoformat(data["finished_at"])))
    return sorted(found, key=lambda p: p.finished_at, reverse=True)


def live_refresh_id(paths: Paths) -> str | None:
    if not paths.site.is_symlink():
        return None
    return paths.site.resolve().parent.name


def prune_publications(paths: Paths, keep: int) -> list[Path]:
    """Remove publications beyond the `keep` newest, never the live one, and any
    folder a failed run left unfinished."""
    live = live_refresh_id(paths)
    complete = publications(paths)
    keep_ids = {p.refresh_id for p in complete[:keep]} | {live}
    removed = []
    if paths.publications.is_dir():
        for folder in paths.publications.iterdir():
            if folder.name not in keep_ids:
                remove_tree(folder)
                removed.append(folder)
    return removed


def remove_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            path.chmod(0o644)
    shutil.rmtree(folder)


def rollback(paths: Paths) -> Publication:
    """Make the publication before the live one live again."""
    live = live_refresh_id(paths)
    complete = publications(paths)
    ids = [p.refresh_id for p in complete]
    if live not in ids or ids.index(live) + 1 >= len(ids):
        raise LookupError("there is no earlier publication to roll back to")
    previous = complete[ids.index(live) + 1]
    swap_in(paths, previous.folder)
    return previous
