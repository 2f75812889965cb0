"""The data dictionary `docs/schema.md`, generated from indicators/tables.py."""

from __future__ import annotations

from indicators import tables

HEADER = """# Data dictionary: the published warehouse

Generated from `indicators/tables.py` by `boligmonitor schema-doc`; do not
edit by hand (a test checks that this file is current). The file
`<home>/serving/boligmonitor.duckdb` holds these tables; open it read-only
(`boligmonitor sql`, or DuckDB 1.5 with `read_only=True`). The same
descriptions are stored as table and column comments in the file
(`SELECT * FROM duckdb_columns() WHERE schema_name = 'mart'`).
"""


def render() -> str:
    parts = [HEADER]
    for table in [*tables.PUBLISHED, *tables.PENDING]:
        parts.append(f"\n## `{table.qualified}`\n\n{table.description}\n")
        if table in tables.PENDING:
            parts.append("\nDeclared, not yet in the published file (no refresh builds it "
                         "yet).\n")
        if table.key:
            parts.append(f"\nKey: {', '.join(f'`{k}`' for k in table.key)}.\n")
        parts.append("\n| column | type | null | description |\n|---|---|---|---|\n")
        for column in table.columns:
            rules = []
            if column.minimum is not None or column.maximum is not None:
                low = "" if column.minimum is None else f"{column.minimum:g}"
                high = "" if column.maximum is None else f"{column.maximum:g}"
                rules.append(f"range {low}…{high}")
            if column.allowed:
                rules.append("one of " + ", ".join(f"`{a}`" for a in column.allowed))
            extra = f" ({'; '.join(rules)})" if rules else ""
            nullable = "yes" if column.nullable and column.name not in table.key else "no"
            parts.append(
                f"| `{column.name}` | {column.type} | {nullable} | "
                f"{column.description}{extra} |\n"
            )
    parts.append(_migrations())
    return "".join(parts)


def _migrations() -> str:
    """Changes readers must know about: old columns, their replacements, why, since when."""
    lines = ["\n## Migrations\n\nChanges to published columns, newest last. A query "
             "written for an older file needs the change in the last column.\n\n"
             "| table | old | new | since | why | instead |\n|---|---|---|---|---|---|\n"]
    for m in tables.MIGRATIONS:
        old = ", ".join(f"`{c}`" for c in m.old) or "—"
        new = ", ".join(f"`{c}`" for c in m.new)
        lines.append(f"| `{m.table}` | {old} | {new} | {m.since} | {m.why} | {m.instead} |\n")
    return "".join(lines)
