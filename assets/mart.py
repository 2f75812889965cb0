"""Mart layer: the published tables (contract.md, indicators/tables.py)."""


import dagster as dg
import polars as pl

from indicators import tables
from indicators.area_members import area_afdelinger
from indicators.area_year import area_residents, municipality_totals
from pipelines.checks import asset_key, check_results, check_specs
from pipelines.resources import Warehouse
from pipelines.warehouse import read_table, table_metadata, write_table


def staging(name: str) -> dg.AssetKey:
    return dg.AssetKey(["staging", name])


def mart(name: str) -> dg.AssetKey:
    return dg.AssetKey(["mart", name])


def mart_asset(table: tables.Table, deps: list[dg.AssetKey], kinds: set[str]):
    """@asset for a published table: its key, description and checks from `tables`."""
    return dg.asset(key=[table.schema_name, table.name], group_name="mart", kinds=kinds,
                    deps=deps, description=table.description, check_specs=check_specs(table))


def publish_table(conn, table: tables.Table, source: pl.DataFrame | str) -> dg.MaterializeResult:
    """Write a mart table with exactly its published columns and types, from a frame or
    from a relation already in the warehouse, and check it (pipelines/checks.py)."""
    previous_rows = row_count(conn, table.qualified)
    if isinstance(source, pl.DataFrame):
        write_table(conn, "_frame_tmp.t", source)
        source = "_frame_tmp.t"
    conn.execute(f"CREATE SCHEMA IF NOT EXISTS {table.schema_name}")
    conn.execute(f"CREATE OR REPLACE TABLE {table.qualified} AS {table.select_sql(source)}")
    conn.execute("DROP SCHEMA IF EXISTS _frame_tmp CASCADE")
    # Metadata from SQL and ten rows: reading a national table back costs seconds.
    preview = conn.sql(f"SELECT * FROM {table.qualified} LIMIT 10").pl()
    rows = row_count(conn, table.qualified)
    extra = {"source_files": dg.MetadataValue.md(source_list(conn))}
    for column in ("year", "list_year"):
        if column in preview.columns and rows:
            low, high = conn.execute(
                f"SELECT min({column}), max({column}) FROM {table.qualified}").fetchone()
            extra["years"] = f"{low}-{high}"
    meta = table_metadata(preview, **extra)
    meta["dagster/row_count"] = rows
    return dg.MaterializeResult(asset_key=asset_key(table), metadata=meta,
                                check_results=check_results(conn, table, previous_rows, rows))


def row_count(conn, qualified: str) -> int | None:
    """Rows of a warehouse table, None when it does not exist (yet)."""
    schema, name = qualified.split(".")
    exists = conn.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = ? AND table_name = ?", [schema, name]).fetchone()[0]
    return conn.execute(f"SELECT count(*) FROM {qualified}").fetchone()[0] if exists else None


def source_list(conn) -> str:
    """The refresh's source files with their SHA-256 prefixes, for lineage in the UI."""
    rows = conn.execute("SELECT name, sha256 FROM raw.files ORDER BY name").fetchall()
    return "\n".join(f"- `{name}` `{digest[:12]}`" for name, digest in rows)


@mart_asset(tables.AREAS, deps=[staging("areas")], kinds={"duckdb"})
def mart_areas(warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.connect() as conn:
        return publish_table(conn, tables.AREAS, read_table(conn, "staging.areas"))


@mart_asset(tables.AREA_YEAR, deps=[staging("kaas"), staging("membership")],
            kinds={"duckdb", "polars"})
def mart_area_year(warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.connect() as conn:
        # Only the residents cells: the rest of a national staging.kaas is not needed here.
        residents = conn.sql("SELECT afdeling_id, aar, maal, vaerdi, suppressed "
                             "FROM staging.kaas WHERE maal = 'beboere'").pl()
        frame = area_residents(residents, read_table(conn, "staging.membership"))
        return publish_table(conn, tables.AREA_YEAR, frame)


@mart_asset(tables.AREA_AFDELINGER, deps=[staging("kaas"), staging("membership")],
            kinds={"duckdb", "polars"})
def mart_area_afdelinger(warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.connect() as conn:
        # Which (afdeling, year) cells exist is all it needs, not a national table's values.
        cells = conn.sql("SELECT DISTINCT afdeling_id, aar FROM staging.kaas").pl()
        frame = area_afdelinger(read_table(conn, "staging.membership"), cells)
        return publish_table(conn, tables.AREA_AFDELINGER, frame)


@mart_asset(tables.MUNICIPALITY_YEAR, deps=[staging("kaas"), staging("afdelinger")],
            kinds={"duckdb", "polars"})
def mart_municipality_year(warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.connect() as conn:
        kaas = conn.sql("SELECT afdeling_id, aar, maal, vaerdi, suppressed "
                        "FROM staging.kaas").pl()
        frame = municipality_totals(kaas, read_table(conn, "staging.afdelinger"))
        return publish_table(conn, tables.MUNICIPALITY_YEAR, frame)
