"""Reading and writing the private warehouse, and describing tables for Dagster."""

from __future__ import annotations

import dagster as dg
import duckdb
import polars as pl


def write_table(conn: duckdb.DuckDBPyConnection, qualified: str, frame: pl.DataFrame) -> None:
    """Replace a table with a frame's contents (types follow the frame)."""
    schema = qualified.split(".")[0]
    conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    conn.register("_incoming_frame", frame.to_arrow())
    try:
        conn.execute(f"CREATE OR REPLACE TABLE {qualified} AS SELECT * FROM _incoming_frame")
    finally:
        conn.unregister("_incoming_frame")


def read_table(conn: duckdb.DuckDBPyConnection, qualified: str) -> pl.DataFrame:
    return conn.sql(f"SELECT * FROM {qualified}").pl()


def table_metadata(
    frame: pl.DataFrame, preview: bool = True, **extra: object
) -> dict[str, dg.MetadataValue | object]:
    """Row count, column schema and (unless the rows are personal) a preview."""
    meta: dict[str, object] = {
        "dagster/row_count": frame.height,
        "dagster/column_schema": dg.TableSchema(
            columns=[dg.TableColumn(name, str(dtype)) for name, dtype in frame.schema.items()]
        ),
    }
    if preview and frame.height:
        meta["preview"] = dg.MetadataValue.md(_markdown(frame.head(10)))
    meta.update(extra)
    return meta


def _markdown(frame: pl.DataFrame) -> str:
    header = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "---|" * len(frame.columns)
    rows = [
        "| " + " | ".join("" if v is None else str(v) for v in row) + " |"
        for row in frame.iter_rows()
    ]
    return "\n".join([header, rule, *rows])
