"""How long raw copies and run records are kept (`<home>/boligmonitor.yaml`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.publication import remove_tree


def prune_raw_copies(
    conn: duckdb.DuckDBPyConnection, kept_refresh_ids: list[str], keep_days: int
) -> int:
    """Delete raw copies that no kept publication read and no refresh read recently."""
    cutoff = datetime.now(UTC) - timedelta(days=keep_days)
    rows = conn.execute(
        """
        SELECT raw_copy FROM raw.file_history GROUP BY raw_copy
        HAVING max(loaded_at) < ? AND NOT bool_or(run_id IN (SELECT unnest(?::VARCHAR[])))
        """,
        [cutoff, kept_refresh_ids],
    ).fetchall()
    removed = 0
    for (copy,) in rows:
        holder = Path(copy).parent
        if holder.exists():
            remove_tree(holder)
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
