"""Read-only SQL on the published warehouse, with no way out of it.

The connection is read-only with external access disabled and the setting
locked, so a query cannot write, COPY to a file, ATTACH another database,
read files or install extensions (measured: docs/conventions.md).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

REFUSED_HINT = (
    "the published warehouse is read-only and closed to files and extensions: "
    "only queries (SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE, temporary tables) are allowed"
)


class QueryRefused(RuntimeError):
    pass


def connect_read_only(serving: Path) -> duckdb.DuckDBPyConnection:
    if not serving.exists():
        raise FileNotFoundError(
            f"no published warehouse at {serving}; run `boligmonitor refresh` first"
        )
    return duckdb.connect(
        str(serving),
        read_only=True,
        config={
            "enable_external_access": False,
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            "lock_configuration": True,
        },
    )


def run_query(conn: duckdb.DuckDBPyConnection, query: str):
    """Columns and rows of a query; refused statements raise QueryRefused."""
    try:
        relation = conn.execute(query)
    except (duckdb.PermissionException, duckdb.InvalidInputException) as exc:
        raise QueryRefused(f"refused: {REFUSED_HINT} ({str(exc).splitlines()[0]})") from None
    except duckdb.CatalogException as exc:
        if "read-only" in str(exc).lower() or "read_only" in str(exc).lower():
            raise QueryRefused(f"refused: {REFUSED_HINT}") from None
        raise
    if relation.description is None:
        return [], []
    columns = [d[0] for d in relation.description]
    return columns, relation.fetchall()
