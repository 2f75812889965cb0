"""Mart layer: the published tables (contract.md, indicators/tables.py)."""


import dagster as dg

from indicators import tables
from indicators.area_year import area_residents, municipality_totals
from pipelines.resources import Warehouse
from pipelines.warehouse import read_table, table_metadata, write_table


def staging(name: str) -> dg.AssetKey:
    return dg.AssetKey(["staging", name])


def publish_table(conn, table: tables.Table, frame) -> dg.MaterializeResult:
    """Write a mart table with exactly its published columns and types."""
    write_table(conn, "_frame_tmp.t", frame)
    conn.execute(f"CREATE SCHEMA IF NOT EXISTS {table.schema_name}")
    conn.execute(
        f"CREATE OR REPLACE TABLE {table.qualified} AS {table.select_sql('_frame_tmp.t')}"
    )
    conn.execute("DROP SCHEMA _frame_tmp CASCADE")
    published = read_table(conn, table.qualified)
    extra = {"source_files": dg.MetadataValue.md(source_list(conn))}
    for column in ("year", "list_year"):
        if column in published.columns and published.height:
            extra["years"] = f"{published[column].min()}-{published[column].max()}"
    return dg.MaterializeResult(metadata=table_metadata(published, **extra))


def source_list(conn) -> str:
    """The refresh's source files with their SHA-256 prefixes, for lineage in the UI."""
    rows = conn.execute("SELECT name, sha256 FROM raw.files ORDER BY name").fetchall()
    return "\n".join(f"- `{name}` `{digest[:12]}`" for name, digest in rows)


@dg.asset(key=["mart", "areas"], group_name="mart", kinds={"duckdb"},
          deps=[staging("areas")], description=tables.AREAS.description)
def mart_areas(warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.connect() as conn:
        return publish_table(conn, tables.AREAS, read_table(conn, "staging.areas"))


@dg.asset(key=["mart", "area_year"], group_name="mart", kinds={"duckdb", "polars"},
          deps=[staging("kaas"), staging("membership")],
          description=tables.AREA_YEAR.description)
def mart_area_year(warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.connect() as conn:
        frame = area_residents(read_table(conn, "staging.kaas"),
                               read_table(conn, "staging.membership"))
        return publish_table(conn, tables.AREA_YEAR, frame)


@dg.asset(key=["mart", "municipality_year"], group_name="mart", kinds={"duckdb", "polars"},
          deps=[staging("kaas"), staging("afdelinger")],
          description=tables.MUNICIPALITY_YEAR.description)
def mart_municipality_year(warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.connect() as conn:
        frame = municipality_totals(read_table(conn, "staging.kaas"),
                                    read_table(conn, "staging.afdelinger"))
        return publish_table(conn, tables.MUNICIPALITY_YEAR, frame)
