"""How long raw copies and run records are kept (`<home>/boligmonitor.yaml`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.safe_paths import raw_copy_holder, remove_tree


def _raw_dir_of(copy: Path, digest: str) -> Path | None:
    """The raw store a recorded copy `<raw>/<aa>/<sha256>/<name>` lies in, or None when the
    record does not have that shape (then it is not deleted)."""
    holder = copy.parent
    if holder.name != digest or holder.parent.name != digest[:2]:
        return None
    return holder.parent.parent


def prune_raw_copies(
    conn: duckdb.DuckDBPyConnection, kept_refresh_ids: list[str], keep_days: int,
    raw_dir: Path | None = None,
) -> int:
    """Delete raw copies that no kept publication read and no refresh read recently.

    Judged per content hash: one folder holds every name those bytes were received under.

    Only a folder `<raw>/<aa>/<sha256>/` named by the recorded hash is removed, inside
    `raw_dir` (default: the store the record names), never through a link.
    """
    cutoff = datetime.now(UTC) - timedelta(days=keep_days)
    rows = conn.execute(
        """
        SELECT any_value(raw_copy), sha256 FROM raw.file_history GROUP BY sha256
        HAVING max(loaded_at) < ? AND NOT bool_or(run_id IN (SELECT unnest(?::VARCHAR[])))
        """,
        [cutoff, kept_refresh_ids],
    ).fetchall()
    removed = 0
    for copy, digest in rows:
        store = raw_dir or _raw_dir_of(Path(copy), digest or "")
        holder = raw_copy_holder(store, digest or "") if store is not None else None
        if holder is not None and holder == Path(copy).parent.resolve():
            remove_tree(holder, store)
            removed += 1
    return removed


def prune_run_records(
    instance: dg.DagsterInstance, conn: duckdb.DuckDBPyConnection, keep_days: int
) -> int:
    """Delete Dagster runs (and our failure records) older than `keep_days`."""
    cutoff = datetime.now(UTC) - timedelta(days=keep_days)
    old = instance.get_run_records(filters=dg.RunsFilter(created_before=cutoff))
    for record in old:
        instance.delete_run(record.dagster_run.run_id)
    conn.execute("DELETE FROM ops.failed_runs WHERE failed_at < ?", [cutoff])
    return len(old)
