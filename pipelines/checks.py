"""Data-quality checks generated from the published table definitions.

One table of expectations (indicators/tables.py), two checks per mart table:
`published_shape` (blocking: keys unique and not null, required columns not
null, values within range and vocabulary) and `row_count_change` (a warning).
They run inside the step that writes the table (`check_specs` on the asset), so
they cost no Dagster step of their own; a failed blocking check fails that step
and skips everything downstream, so a bad table never reaches readers.
"""


import dagster as dg
import duckdb

from indicators import tables


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
    # Every other expectation is a count of offending rows; one scan counts them all.
    counts: list[tuple[str, str]] = []
    for column in table.columns:
        col = f'"{column.name}"'
        if not column.nullable or column.name in table.key:
            counts.append((f"{col} IS NULL", f"NULLs in {column.name}"))
        if column.minimum is not None:
            counts.append((f"{col} < {column.minimum}",
                           f"values of {column.name} below {column.minimum}"))
        if column.maximum is not None:
            counts.append((f"{col} > {column.maximum}",
                           f"values of {column.name} above {column.maximum}"))
        if column.allowed is not None:
            vocabulary = ", ".join(repr(a) for a in column.allowed)
            counts.append((f"{col} IS NOT NULL AND {col} NOT IN ({vocabulary})",
                           f"values of {column.name} outside {column.allowed}"))
    if counts:
        found = conn.execute(
            "SELECT " + ", ".join(f"count_if({condition})" for condition, _ in counts)
            + f" FROM {name}"
        ).fetchone()
        problems += [f"{n} {text}" for n, (_, text) in zip(found, counts, strict=True) if n]
    return problems


ROW_COUNT_TOLERANCE = 0.25


def row_count_change(previous: int | None, current: int) -> tuple[bool, str]:
    """Whether a table's size moved within tolerance since the previous build."""
    if previous is None:
        return True, f"{current} rows (no earlier build to compare with)"
    if previous == 0:
        return current == 0, f"{previous} -> {current} rows"
    change = (current - previous) / previous
    return abs(change) <= ROW_COUNT_TOLERANCE, f"{previous} -> {current} rows ({change:+.0%})"


def asset_key(table: tables.Table) -> dg.AssetKey:
    return dg.AssetKey([table.schema_name, table.name])


def check_specs(table: tables.Table) -> list[dg.AssetCheckSpec]:
    """The checks of a published table, for the `check_specs` of the asset writing it."""
    return [
        dg.AssetCheckSpec(
            "published_shape", asset=asset_key(table), blocking=True,
            description=f"{table.qualified}: keys unique and not null, required columns "
            "filled, values within their ranges and vocabularies.",
        ),
        dg.AssetCheckSpec(
            "row_count_change", asset=asset_key(table), blocking=False,
            description=f"Warns when {table.qualified} grows or shrinks by more than "
            f"{ROW_COUNT_TOLERANCE:.0%} since the previous build (a new delivery may "
            "explain it; a lost one would too).",
        ),
    ]


def check_results(
    conn: duckdb.DuckDBPyConnection, table: tables.Table, previous_rows: int | None, rows: int
) -> list[dg.AssetCheckResult]:
    """Both checks' results for a table just written."""
    problems = table_problems(conn, table)
    passed, change = row_count_change(previous_rows, rows)
    return [
        dg.AssetCheckResult(
            asset_key=asset_key(table), check_name="published_shape", passed=not problems,
            metadata={"rows": rows, "problems": "; ".join(problems) or "none"},
        ),
        dg.AssetCheckResult(
            asset_key=asset_key(table), check_name="row_count_change", passed=passed,
            severity=dg.AssetCheckSeverity.WARN, metadata={"row_count": change},
        ),
    ]
