"""Forgetting a survey wave (a GDPR request): its raw copies and all derived from it."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from pipelines.publication import live_refresh_id, remove_tree
from pipelines.settings import SAMPLE_DATA, Paths


def forget_wave_files(paths: Paths, wave_id: str) -> list[str]:
    """Delete the wave's folder in the data directory and its raw copies.

    Returns what was removed. The caller then refreshes, which rebuilds every
    table without the wave, and drops the publications made before.
    """
    if paths.data == SAMPLE_DATA.resolve():
        raise PermissionError("the shipped sample is never written; copy it to forget a wave")
    removed = []
    folder = paths.data / "survey" / wave_id
    if folder.is_dir():
        shutil.rmtree(folder)
        removed.append(str(folder))
    prefix = f"survey/{wave_id}/"
    if paths.private_db.exists():
        conn = duckdb.connect(str(paths.private_db))
        try:
            has_history = conn.execute(
                "SELECT count(*) FROM information_schema.tables "
                "WHERE table_schema = 'raw' AND table_name = 'file_history'"
            ).fetchone()[0]
            if has_history:
                copies = conn.execute(
                    "SELECT DISTINCT raw_copy, sha256 FROM raw.file_history WHERE name LIKE ?",
                    [prefix + "%"],
                ).fetchall()
                for copy, digest in copies:
                    shared = conn.execute(
                        "SELECT count(*) FROM raw.file_history "
                        "WHERE sha256 = ? AND name NOT LIKE ?",
                        [digest, prefix + "%"],
                    ).fetchone()[0]
                    holder = Path(copy).parent
                    if not shared and holder.exists():
                        remove_tree(holder)
                        removed.append(str(holder))
                conn.execute("DELETE FROM raw.file_history WHERE name LIKE ?", [prefix + "%"])
                conn.execute("DELETE FROM raw.files WHERE name LIKE ?", [prefix + "%"])
            for table in ("staging.survey_answers", "staging.survey_waves"):
                exists = conn.execute(
                    "SELECT count(*) FROM information_schema.tables WHERE table_schema || '.' "
                    "|| table_name = ?", [table]
                ).fetchone()[0]
                if exists:
                    conn.execute(f"DELETE FROM {table} WHERE wave_id = ?", [wave_id])
            conn.execute("CHECKPOINT")
        finally:
            conn.close()
    return removed


def drop_other_publications(paths: Paths) -> list[Path]:
    """Remove every publication but the live one (they may hold the forgotten wave)."""
    live = live_refresh_id(paths)
    dropped = []
    if paths.publications.is_dir():
        for folder in paths.publications.iterdir():
            if folder.name != live:
                remove_tree(folder)
                dropped.append(folder)
    return dropped
