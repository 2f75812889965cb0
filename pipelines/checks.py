"""Blocking data-quality checks generated from the published table definitions.

One table of expectations (indicators/tables.py), many checks: keys unique and
not null, required columns not null, values within range and vocabulary. A
failed check blocks the publish assets, so a bad table never reaches readers.
"""


import dagster as dg
import duckdb

from indicators import tables
from pipelines.resources import Warehouse


def table_problems(conn: duckdb.DuckDBPyConnection, table: tables.Table) -> list[str]:
    """Every violated expectation of a table, as readable sentences."""
    problems = []
    name = table.qualified
    if table.key:
        key = ", ".join(f'"{k}"' for k in table.key)
        duplicates = conn.execute(
            f"SELECT count(*) FROM (SELECT {key} FROM {name} GROUP BY {key} HAVING count(*) > 1)"
        ).fetchone()[0]
        if duplicates:
            problems.append(f"{duplicates} duplicated keys ({', '.join(table.key)})")
    for column in table.columns:
        col = f'"{column.name}"'
        if not column.nullable or column.name in table.key:
            nulls = conn.execute(f"SELECT count(*) FROM {name} WHERE {col} IS NULL").fetchone()[0]
            if nulls:
                problems.append(f"{nulls} NULLs in {column.name}")
        if column.minimum is not None:
            low = conn.execute(
                f"SELECT count(*) FROM {name} WHERE {col} < {column.minimum}"
            ).fetchone()[0]
            if low:
                problems.append(f"{low} values of {column.name} below {column.minimum}")
        if column.maximum is not None:
            high = conn.execute(
                f"SELECT count(*) FROM {name} WHERE {col} > {column.maximum}"
            ).fetchone()[0]
            if high:
                problems.append(f"{high} values of {column.name} above {column.maximum}")
        if column.allowed is not None:
            outside = conn.execute(
                f"SELECT count(*) FROM {name} WHERE {col} IS NOT NULL "
                f"AND {col} NOT IN ({', '.join(repr(a) for a in column.allowed)})"
            ).fetchone()[0]
            if outside:
                problems.append(f"{outside} values of {column.name} outside {column.allowed}")
    return problems


def _check_for(table: tables.Table) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey([table.schema_name, table.name]),
        name="published_shape",
        blocking=True,
        description=f"{table.qualified}: keys unique and not null, required columns filled, "
        "values within their ranges and vocabularies.",
    )
    def _check(warehouse: Warehouse) -> dg.AssetCheckResult:
        with warehouse.connect() as conn:
            problems = table_problems(conn, table)
            rows = conn.execute(f"SELECT count(*) FROM {table.qualified}").fetchone()[0]
        return dg.AssetCheckResult(
            passed=not problems,
            metadata={"rows": rows, "problems": "; ".join(problems) or "none"},
        )

    return _check


ROW_COUNT_TOLERANCE = 0.25


def row_count_change(previous: int | None, current: int) -> tuple[bool, str]:
    """Whether a table's size moved within tolerance since the previous refresh."""
    if previous is None:
        return True, f"{current} rows (no earlier refresh to compare with)"
    if previous == 0:
        return current == 0, f"{previous} -> {current} rows"
    change = (current - previous) / previous
    return abs(change) <= ROW_COUNT_TOLERANCE, f"{previous} -> {current} rows ({change:+.0%})"


def _row_count_check_for(table: tables.Table) -> dg.AssetChecksDefinition:
    key = dg.AssetKey([table.schema_name, table.name])

    @dg.asset_check(
        asset=key,
        name="row_count_change",
        blocking=False,
        description=f"Warns when {table.qualified} grows or shrinks by more than "
        f"{ROW_COUNT_TOLERANCE:.0%} since the previous refresh (a new delivery may explain "
        "it; a lost one would too).",
    )
    def _check(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        records = context.instance.fetch_materializations(key, limit=2).records
        counts = [
            r.asset_materialization.metadata.get("dagster/row_count") for r in records
            if r.asset_materialization is not None
        ]
        counts = [c.value for c in counts if c is not None]
        current = counts[0] if counts else 0
        previous = counts[1] if len(counts) > 1 else None
        passed, text = row_count_change(previous, current)
        return dg.AssetCheckResult(passed=passed, severity=dg.AssetCheckSeverity.WARN,
                                   metadata={"row_count": text})

    return _check


def published_table_checks() -> list[dg.AssetChecksDefinition]:
    published = [t for t in tables.PUBLISHED if t.name != "refresh"]
    return [_check_for(t) for t in published] + [_row_count_check_for(t) for t in published]
