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
    # Metadata from SQL and ten rows: reading a national table back costs seconds.
    preview = conn.sql(f"SELECT * FROM {table.qualified} LIMIT 10").pl()
    rows = conn.execute(f"SELECT count(*) FROM {table.qualified}").fetchone()[0]
    extra = {"source_files": dg.MetadataValue.md(source_list(conn))}
    for column in ("year", "list_year"):
        if column in preview.columns and rows:
            low, high = conn.execute(
                f"SELECT min({column}), max({column}) FROM {table.qualified}").fetchone()
            extra["years"] = f"{low}-{high}"
    meta = table_metadata(preview, **extra)
    meta["dagster/row_count"] = rows
    return dg.MaterializeResult(metadata=meta)


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
        # Only the residents cells: the rest of a national staging.kaas is not needed here.
        residents = conn.sql("SELECT afdeling_id, aar, maal, vaerdi, suppressed "
                             "FROM staging.kaas WHERE maal = 'beboere'").pl()
        frame = area_residents(residents, read_table(conn, "staging.membership"))
        return publish_table(conn, tables.AREA_YEAR, frame)


@dg.asset(key=["mart", "municipality_year"], group_name="mart", kinds={"duckdb", "polars"},
          deps=[staging("kaas"), staging("afdelinger")],
          description=tables.MUNICIPALITY_YEAR.description)
def mart_municipality_year(warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.connect() as conn:
        kaas = conn.sql("SELECT afdeling_id, aar, maal, vaerdi, suppressed "
                        "FROM staging.kaas").pl()
        frame = municipality_totals(kaas, read_table(conn, "staging.afdelinger"))
        return publish_table(conn, tables.MUNICIPALITY_YEAR, frame)
