"""Indicator values and list statuses per area, list year and regime."""


import dagster as dg

from assets.mart import publish_table, staging
from indicators import tables
from indicators.catalogue import load_catalogue
from indicators.criteria import compute_area_status, compute_indicator_values
from indicators.early_warning import (
    compute_early_warning,
    compute_official_comparison,
    compute_status_changes,
)
from pipelines.resources import Warehouse
from pipelines.warehouse import read_table

INPUTS = [staging(n) for n in ("kaas", "membership", "areas", "national", "regional")]


def _inputs(conn) -> dict:
    return {
        name: read_table(conn, f"staging.{name}")
        for name in ("kaas", "membership", "areas", "national", "regional")
    }


@dg.asset(key=["mart", "indicator_values"], group_name="mart", kinds={"duckdb", "polars"},
          deps=INPUTS, description=tables.INDICATOR_VALUES.description)
def mart_indicator_values(warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.connect() as conn:
        values = compute_indicator_values(**_inputs(conn), catalogue=load_catalogue())
        return publish_table(conn, tables.INDICATOR_VALUES, values)


@dg.asset(key=["mart", "area_status"], group_name="mart", kinds={"duckdb", "polars"},
          deps=[dg.AssetKey(["mart", "indicator_values"]), *INPUTS],
          description=tables.AREA_STATUS.description)
def mart_area_status(warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.connect() as conn:
        values = read_table(conn, "mart.indicator_values")
        status = compute_area_status(values, **_inputs(conn), catalogue=load_catalogue())
        return publish_table(conn, tables.AREA_STATUS, status)


@dg.asset(key=["mart", "early_warning"], group_name="mart", kinds={"duckdb", "polars"},
          deps=[dg.AssetKey(["mart", "indicator_values"]), dg.AssetKey(["mart", "area_status"])],
          description=tables.EARLY_WARNING.description)
def mart_early_warning(warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.connect() as conn:
        warning = compute_early_warning(read_table(conn, "mart.indicator_values"),
                                        read_table(conn, "mart.area_status"), load_catalogue())
        return publish_table(conn, tables.EARLY_WARNING, warning)


@dg.asset(key=["mart", "status_changes"], group_name="mart", kinds={"duckdb", "polars"},
          deps=[dg.AssetKey(["mart", "area_status"])],
          description=tables.STATUS_CHANGES.description)
def mart_status_changes(warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.connect() as conn:
        changes = compute_status_changes(read_table(conn, "mart.area_status"), load_catalogue())
        return publish_table(conn, tables.STATUS_CHANGES, changes)


@dg.asset(key=["mart", "official_comparison"], group_name="mart", kinds={"duckdb", "polars"},
          deps=[dg.AssetKey(["mart", "area_status"]), staging("official_status")],
          description=tables.OFFICIAL_COMPARISON.description)
def mart_official_comparison(warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.connect() as conn:
        comparison = compute_official_comparison(read_table(conn, "mart.area_status"),
                                                 read_table(conn, "staging.official_status"),
                                                 load_catalogue())
        return publish_table(conn, tables.OFFICIAL_COMPARISON, comparison)
