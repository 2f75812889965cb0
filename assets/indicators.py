"""Indicator values and list statuses per area, list year and regime."""


import dagster as dg

from assets.local import staged_model
from assets.mart import mart, mart_asset, publish_table, staging
from indicators import tables
from indicators.catalogue import load_catalogue
from indicators.criteria import compute_criteria_in
from indicators.early_warning import (
    compute_early_warning,
    compute_official_comparison,
    compute_status_changes,
)
from indicators.signals import compute_area_signals
from indicators.status_history import with_in_force
from pipelines.checks import check_specs
from pipelines.resources import Warehouse
from pipelines.warehouse import read_table

CRITERIA_INPUTS = ("kaas", "membership", "areas", "national", "regional")
INPUTS = [staging(name) for name in CRITERIA_INPUTS]
# The criteria's inputs (indicators/area_sums.py INPUTS) as warehouse tables.
STAGING_INPUTS = {name: f"staging.{name}" for name in CRITERIA_INPUTS}


@dg.multi_asset(
    specs=[
        dg.AssetSpec(mart("indicator_values"), group_name="mart", kinds={"duckdb", "polars"},
                     deps=INPUTS, description=tables.INDICATOR_VALUES.description),
        dg.AssetSpec(mart("area_status"), group_name="mart", kinds={"duckdb", "polars"},
                     deps=INPUTS, description=tables.AREA_STATUS.description),
    ],
    check_specs=check_specs(tables.INDICATOR_VALUES) + check_specs(tables.AREA_STATUS),
)
def mart_criteria(warehouse: Warehouse):
    """Both tables from one set of area sums (building them is most of the work), computed
    inside the warehouse connection on the staging tables."""
    catalogue = load_catalogue()
    with warehouse.connect() as conn:
        status = compute_criteria_in(conn, STAGING_INPUTS, catalogue,
                                     values_table="criteria_values")
        in_force = f"coalesce(regime = {catalogue.regime_in_force_sql('year')}, false)"
        yield publish_table(conn, tables.INDICATOR_VALUES,
                            f"(SELECT *, {in_force} AS in_force FROM criteria_values)")
        yield publish_table(conn, tables.AREA_STATUS, with_in_force(status, catalogue))


@mart_asset(tables.EARLY_WARNING, deps=[mart("indicator_values"), mart("area_status")],
            kinds={"duckdb", "polars"})
def mart_early_warning(warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.connect() as conn:
        warning = compute_early_warning(read_table(conn, "mart.indicator_values"),
                                        read_table(conn, "mart.area_status"), load_catalogue())
        return publish_table(conn, tables.EARLY_WARNING, warning)


@mart_asset(tables.AREA_SIGNALS,
            deps=[mart("indicator_values"), mart("area_status"), mart("survey_results"),
                  mart("local_categories"), staging("local_model")],
            kinds={"duckdb", "polars"})
def mart_area_signals(warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.connect() as conn:
        signals = compute_area_signals(read_table(conn, "mart.area_status"),
                                       read_table(conn, "mart.indicator_values"),
                                       read_table(conn, "mart.survey_results"),
                                       load_catalogue(),
                                       local_categories=read_table(conn,
                                                                   "mart.local_categories"),
                                       local_model=staged_model(conn))
        return publish_table(conn, tables.AREA_SIGNALS, signals)


@mart_asset(tables.STATUS_CHANGES, deps=[mart("area_status")],
            kinds={"duckdb", "polars"})
def mart_status_changes(warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.connect() as conn:
        changes = compute_status_changes(read_table(conn, "mart.area_status"), load_catalogue())
        return publish_table(conn, tables.STATUS_CHANGES, changes)


@mart_asset(tables.OFFICIAL_COMPARISON, deps=[mart("area_status"), staging("official_status")],
            kinds={"duckdb", "polars"})
def mart_official_comparison(warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.connect() as conn:
        comparison = compute_official_comparison(read_table(conn, "mart.area_status"),
                                                 read_table(conn, "staging.official_status"),
                                                 load_catalogue())
        return publish_table(conn, tables.OFFICIAL_COMPARISON, comparison)
