"""Read-only SQL on the published warehouse, with no way out of it.

The connection is read-only with external access disabled and the
configuration locked, so a query cannot write, COPY to a file, ATTACH another
database, read files, install extensions or lift its own memory and thread
limits. What the lockdown refuses is told apart from an ordinary DuckDB error
by the messages DuckDB raises for exactly those refusals (measured on DuckDB
1.5.6, pinned in tests/ops/test_sql.py), never by exception class alone:
`error('boom')` and `strptime('x', '%Y')` raise the same InvalidInputException
as a write does.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

REFUSED_HINT = (
    "the published warehouse is read-only and closed to files and extensions: "
    "only queries (SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE, temporary tables) are allowed"
)

# (exception class, text in its message) for each refusal of the lockdown.
REFUSALS: tuple[tuple[type[duckdb.Error], str], ...] = (
    # INSERT, CREATE, DROP, ALTER, UPDATE, DELETE on the read-only file.
    (duckdb.InvalidInputException, "attached in read-only mode"),
    # SET / RESET / PRAGMA of any option once lock_configuration is on.
    (duckdb.InvalidInputException, "the configuration has been locked"),
    # COPY TO, EXPORT, ATTACH, read_csv and every other file access, INSTALL, secrets.
    (duckdb.PermissionException, "disabled by configuration"),
    # LOAD of an extension that is not built in.
    (duckdb.PermissionException, "disabled through configuration"),
    # ATTACH ':memory:' on a read-only instance.
    (duckdb.CatalogException, "in read-only mode"),
)


def is_refused(exc: BaseException) -> bool:
    """Whether DuckDB raised this because the lockdown forbids the statement."""
    message = str(exc)
    return any(isinstance(exc, kind) and text in message for kind, text in REFUSALS)


def describe_error(exc: BaseException) -> str:
    """DuckDB's whole message (hints, LINE and caret), prefixed when it is a refusal."""
    message = str(exc).strip()
    if is_refused(exc):
        return f"refused: {REFUSED_HINT}\n{message}"
    return message


def quarter_of_memory() -> str:
    """A quarter of the machine's RAM, in DuckDB's notation."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return f"{max(total // 4 // 2**20, 64)}MiB"


def connect_read_only(serving: Path, memory_limit: str | None = None,
                      threads: int = 1) -> duckdb.DuckDBPyConnection:
    """The analyst's connection: limits set first, then the configuration locked.

    Order matters: every SET after `lock_configuration` is refused, so the
    memory limit, thread count and time zone are fixed before it and cannot be
    changed by the analyst afterwards.
    """
    if not serving.exists():
        raise FileNotFoundError(
            f"no published warehouse at {serving}; run `boligmonitor refresh` first"
        )
    conn = duckdb.connect(
        str(serving),
        read_only=True,
        config={
            "enable_external_access": False,
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            "memory_limit": memory_limit or quarter_of_memory(),
            "threads": threads,
        },
    )
    # TIMESTAMPTZ values print with their offset; UTC makes the text the same on
    # every machine (AT TIME ZONE converts for display).
    conn.execute("SET TimeZone = 'UTC'")
    conn.execute("SET lock_configuration = true")
    return conn
