"""Indicator values and list statuses per area, list year and regime."""


import dagster as dg

from assets.mart import publish_table, staging
from indicators import tables
from indicators.catalogue import load_catalogue
from indicators.criteria import compute_criteria
from indicators.early_warning import (
    compute_early_warning,
    compute_official_comparison,
    compute_status_changes,
)
from pipelines.resources import Warehouse
from pipelines.warehouse import read_table

INPUTS = [staging(n) for n in ("kaas", "membership", "areas", "national", "regional")]


def _inputs(conn) -> dict:
    frames = {
        name: read_table(conn, f"staging.{name}")
        for name in ("membership", "areas", "national", "regional")
    }
    # The criteria sum cells of afdelinger in areas only, and need five columns of them;
    # a national staging.kaas is mostly other afdelinger and long location strings.
    frames["kaas"] = conn.sql(
        "SELECT afdeling_id, aar, maal, vaerdi, suppressed FROM staging.kaas "
        "WHERE afdeling_id IN (SELECT afdeling_id FROM staging.membership)").pl()
    return frames


@dg.multi_asset(
    specs=[
        dg.AssetSpec(["mart", "indicator_values"], group_name="mart", kinds={"duckdb", "polars"},
                     deps=INPUTS, description=tables.INDICATOR_VALUES.description),
        dg.AssetSpec(["mart", "area_status"], group_name="mart", kinds={"duckdb", "polars"},
                     deps=INPUTS, description=tables.AREA_STATUS.description),
    ]
)
def mart_criteria(warehouse: Warehouse):
    """Both tables from one set of area sums (building them is most of the work)."""
    with warehouse.connect() as conn:
        values, status = compute_criteria(**_inputs(conn), catalogue=load_catalogue())
        values_result = publish_table(conn, tables.INDICATOR_VALUES, values)
        status_result = publish_table(conn, tables.AREA_STATUS, status)
    yield dg.MaterializeResult(asset_key=["mart", "indicator_values"],
                               metadata=values_result.metadata)
    yield dg.MaterializeResult(asset_key=["mart", "area_status"],
                               metadata=status_result.metadata)


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
