"""Failed nights: recorded in the private warehouse and optionally e-mailed.

Nobody watches the nightly refresh. Each failure is written to
`ops.failed_runs` (the Dagster instance keeps the run itself), the next
successful publication lists the failures since the previous one in
`mart.refresh`, and an e-mail goes out when an SMTP relay is configured:
BOLIGMONITOR_SMTP_HOST (and optionally _PORT, _FROM, _TO comma-separated).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

import duckdb

from pipelines.mail import send_mail

FAILED_RUNS_DDL = """
CREATE SCHEMA IF NOT EXISTS ops;
CREATE TABLE IF NOT EXISTS ops.failed_runs (
    run_id VARCHAR PRIMARY KEY, failed_at TIMESTAMPTZ, step VARCHAR, error VARCHAR
);
CREATE TABLE IF NOT EXISTS ops.publications (
    refresh_id VARCHAR PRIMARY KEY, published_at TIMESTAMPTZ
);
"""


def record_failure(conn: duckdb.DuckDBPyConnection, run_id: str, step: str, error: str) -> bool:
    """Record a run's first failure; False when the run was already recorded."""
    conn.execute(FAILED_RUNS_DDL)
    inserted = conn.execute(
        "INSERT INTO ops.failed_runs VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING run_id",
        [run_id, datetime.now(UTC), step, error[:2000]],
    ).fetchall()
    return bool(inserted)


def failures_since_last_publication(conn: duckdb.DuckDBPyConnection) -> list[str]:
    conn.execute(FAILED_RUNS_DDL)
    rows = conn.execute(
        """
        SELECT run_id, failed_at FROM ops.failed_runs
        WHERE failed_at > coalesce((SELECT max(published_at) FROM ops.publications),
                                   TIMESTAMPTZ '1970-01-01 00:00:00+00')
        ORDER BY failed_at
        """
    ).fetchall()
    return [f"{run_id} {at.astimezone(UTC):%Y-%m-%d %H:%M} UTC" for run_id, at in rows]


def record_publication(conn: duckdb.DuckDBPyConnection, refresh_id: str) -> None:
    conn.execute(FAILED_RUNS_DDL)
    conn.execute("INSERT OR REPLACE INTO ops.publications VALUES (?, ?)",
                 [refresh_id, datetime.now(UTC)])


def send_failure_mail(run_id: str, step: str, error: str, published: bool = False) -> bool:
    """E-mail the failure through the configured relay; False when none is configured.

    `published`: the run's publication had gone live before the failure (a step after
    the swap failed, or the process died right after it)."""
    recipients = os.environ.get("BOLIGMONITOR_SMTP_TO")
    if not recipients:
        return False
    outcome = (
        f"Its publication is live: the warehouse and site show refresh {run_id}."
        if published else
        "The published warehouse and site are unchanged (they show the last good refresh)."
    )
    return send_mail(recipients, f"Boligmonitor: nightly refresh failed ({step})",
                     f"Run {run_id} failed at {step}.\n\n{error}\n\n{outcome}")
