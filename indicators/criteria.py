"""The area-list criteria: public entry points.

Pure functions from input frames to the published frames `mart.indicator_values`
and `mart.area_status` (contract.md). No Dagster here: the assets call these.
The work is split by what it holds: `area_sums` (exact area sums in DuckDB: a
private in-memory one for frames, or the caller's own connection where the inputs
already are), `indicator_values` (values and exact threshold tests),
`status_rules` and `status` (statuses in three-valued logic, look-back,
kombineret udlejning). The rules themselves are data in `catalogue.yaml`.
"""

from __future__ import annotations

from collections.abc import Mapping

import duckdb
import polars as pl

from indicators.area_sums import attach_inputs, build_workspace, open_workspace, residents
from indicators.catalogue import Catalogue, Definition
from indicators.indicator_values import (
    INDICATOR_VALUE_SCHEMA,
    create_indicator_values,
    evaluate_definition,
    indicator_values,
    regime_definitions,
)
from indicators.status import AREA_STATUS_SCHEMA, area_status, kombi_thresholds

__all__ = [
    "AREA_STATUS_SCHEMA",
    "INDICATOR_VALUE_SCHEMA",
    "compute_area_status",
    "compute_criteria_in",
    "compute_indicator_values",
]


def compute_indicator_values(
    kaas: pl.DataFrame,
    membership: pl.DataFrame,
    areas: pl.DataFrame,
    national: pl.DataFrame,
    regional: pl.DataFrame,
    catalogue: Catalogue,
) -> pl.DataFrame:
    """One row per area, list year, regime and criterion of that regime.

    List years run from the catalogue's first list year to the latest year
    whose 1 January residents are known; every list year is evaluated under
    every regime. Columns: INDICATOR_VALUE_SCHEMA (the contract's eleven plus
    `forebyggelse_threshold` and `meets_forebyggelse_threshold`).
    """
    definitions = [d for _, _, d in regime_definitions(catalogue)]
    con = open_workspace(kaas, membership, areas, national, regional, catalogue, definitions)
    try:
        return indicator_values(con, catalogue)
    finally:
        con.close()


def compute_area_status(
    indicator_values: pl.DataFrame,
    kaas: pl.DataFrame,
    membership: pl.DataFrame,
    areas: pl.DataFrame,
    national: pl.DataFrame,
    regional: pl.DataFrame,
    catalogue: Catalogue,
) -> pl.DataFrame:
    """One row per area, list year and regime, statuses in three-valued logic.

    Criteria come from `indicator_values` (a missing row counts as unknown);
    residents and the kombineret-udlejning K1 (data year L-1 alone) are
    computed here from the KÅS rows. Columns: AREA_STATUS_SCHEMA.
    """
    missing = [c for c in INDICATOR_VALUE_SCHEMA if c not in indicator_values.columns]
    if missing:
        raise ValueError(
            "indicator_values lacks column(s) " + ", ".join(missing)
            + " (compute_indicator_values gives them; the forebyggelse columns are needed "
            "for forebyggelsesomraade)"
        )
    con = open_workspace(kaas, membership, areas, national, regional, catalogue,
                         [catalogue.kombi_definition()])
    try:
        return _status_from_workspace(con, indicator_values, catalogue)
    finally:
        con.close()


def _all_definitions(catalogue: Catalogue) -> list[Definition]:
    return [d for _, _, d in regime_definitions(catalogue)] + [catalogue.kombi_definition()]


def _status_from_workspace(
    con: duckdb.DuckDBPyConnection, values: pl.DataFrame, catalogue: Catalogue
) -> pl.DataFrame:
    k1_tests = evaluate_definition(con, catalogue.kombi_definition(), kombi_thresholds(catalogue))
    return area_status(values, residents(con, catalogue), k1_tests, catalogue)


def compute_criteria_in(
    con: duckdb.DuckDBPyConnection,
    inputs: Mapping[str, str],
    catalogue: Catalogue,
    values_table: str,
) -> pl.DataFrame:
    """Indicator values and area status from one set of area sums, computed where the
    inputs already are: `inputs` names the relations in `con` holding kaas, membership,
    areas, national and regional (e.g. a warehouse's staging tables). The indicator
    values are left in the temporary table `values_table` (to be published by SQL); the
    area status is returned.

    Same rules and SQL as `compute_indicator_values` and `compute_area_status` (a test
    checks the rows are identical); it saves copying a national KÅS table into Python
    and back, and building the area sums twice.
    """
    attach_inputs(con, inputs)
    build_workspace(con, catalogue, _all_definitions(catalogue))
    create_indicator_values(con, catalogue, values_table)
    values = con.execute(f"SELECT * FROM {values_table}").pl()
    return _status_from_workspace(con, values, catalogue)
