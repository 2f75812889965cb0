"""Indicator values and list statuses per area, list year and regime."""


import dagster as dg

from assets.mart import publish_table, staging
from indicators import tables
from indicators.catalogue import load_catalogue
from indicators.criteria import compute_area_status, compute_indicator_values
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
