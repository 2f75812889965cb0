"""Indicator values per area, list year and regime, with exact threshold tests.

Each value is kept as an exact fraction N / D of HUGEINTs built from the
micro-unit area sums (`area_sums`): the mean of w annual rates n_i / e_i is

    N / D = (sum_i n_i * prod_{j != i} e_j) / (w * S * prod_j e_j)

with e_i a whole number of persons (shares; S = 10^6 turns micro-units back
into units) or persons × the regional mean in micro-DKK (income; S = 1). A
threshold T% = tn / td (for "≥ 3 × national average": 3 × the sum of the
national micro-percentages over the same years / (w × 10^6)) is met when

    100 * N * td  OP  tn * D          (D, td > 0)

which is integer arithmetic, so a value equal to its threshold compares as
equal whatever a float would have said. `value` itself is published as a
Float64 percent for display only.
"""

from __future__ import annotations

from collections.abc import Mapping

import duckdb
import polars as pl

from indicators.area_sums import MICRO
from indicators.catalogue import Catalogue, Definition, Threshold

SQL_COMPARISON = {">": ">", ">=": ">=", "<": "<", "<=": "<="}


def _sql_list(items: list[str] | tuple[str, ...]) -> str:
    return ", ".join("'" + item.replace("'", "''") + "'" for item in items)


def _product(factors: list[str]) -> str:
    return " * ".join(factors) if factors else "1::HUGEINT"


def _threshold_terms(threshold: Threshold, window: int) -> tuple[str, str]:
    """SQL for (tn, td): the threshold in percent as an exact fraction."""
    exact = threshold.fraction
    if threshold.relative_to == "national":
        return (f"({exact.numerator}::HUGEINT * national_sum)",
                f"({exact.denominator * window * MICRO}::HUGEINT)")
    return f"({exact.numerator}::HUGEINT)", f"({exact.denominator}::HUGEINT)"


def definition_sql(definition: Definition, thresholds: Mapping[str, Threshold]) -> str:
    """One SELECT giving, per area and list year, the value and each threshold's test."""
    offsets = definition.data_year_offsets()
    window = len(offsets)
    numerator = _sql_list(definition.numerator)
    denominator = _sql_list([definition.denominator])
    income = definition.kind == "income_relative_to_region"

    term_columns, joins, extra_suppressed = [], [], []
    for i, k in enumerate(offsets):
        term_columns.append(
            f"CASE WHEN count(units) FILTER (WHERE k = {k} AND maal IN ({numerator})) "
            f"= {len(definition.numerator)} "
            f"THEN sum(units) FILTER (WHERE k = {k} AND maal IN ({numerator})) END AS n{i}"
        )
        term_columns.append(
            f"max(units) FILTER (WHERE k = {k} AND maal = {denominator}) // {MICRO} AS persons{i}"
        )
        if income:
            joins.append(
                f"LEFT JOIN regional_units r{i} ON r{i}.region_code = ar.region_code "
                f"AND r{i}.aar = t.list_year - {k} "
                f"AND r{i}.maal = {_sql_list([definition.regional_reference or ''])}"
            )
            extra_suppressed.append(f"coalesce(r{i}.state = 'suppressed', false)")
        if any(th.relative_to == "national" for th in thresholds.values()):
            joins.append(
                f"LEFT JOIN national_units p{i} ON p{i}.aar = t.list_year - {k} "
                f"AND p{i}.maal = {_sql_list([definition.national_reference or ''])}"
            )

    e = [f"(t.persons{i} * r{i}.units)" if income else f"t.persons{i}" for i in range(window)]
    n = [f"t.n{i}" for i in range(window)]
    big_n = " + ".join(
        _product([n[i]] + [e[j] for j in range(window) if j != i]) for i in range(window)
    )
    scale = 1 if income else MICRO
    big_d = _product([f"{window * scale}::HUGEINT"] + e)
    valid = " AND ".join([f"{x} IS NOT NULL" for x in n + e] + [f"{x} > 0" for x in e])
    national_sum = (
        " + ".join(f"p{i}.units" for i in range(window))
        if any(th.relative_to == "national" for th in thresholds.values()) else "NULL::HUGEINT"
    )
    if income:
        shown_numerator = (f"CASE WHEN t.persons0 > 0 THEN "
                           f"t.n0::DOUBLE / t.persons0::DOUBLE / {MICRO} END")
        shown_denominator = f"r0.units::DOUBLE / {MICRO}"
    else:
        shown_numerator = f"t.n0::DOUBLE / {MICRO}"
        shown_denominator = "t.persons0::DOUBLE"
    suppressed_inputs = " OR ".join(["t.any_suppressed", *extra_suppressed])

    level_columns = []
    for level, threshold in thresholds.items():
        tn, td = _threshold_terms(threshold, window)
        op = SQL_COMPARISON[threshold.comparison]
        level_columns.append(f"{tn}::DOUBLE / {td}::DOUBLE AS threshold_{level}")
        level_columns.append(
            f"CASE WHEN valid AND {tn} IS NOT NULL "
            f"THEN (100 * big_n * {td}) {op} ({tn} * big_d) END AS meets_{level}"
        )

    measures = _sql_list([*definition.numerator, definition.denominator])
    return f"""
        WITH t AS (
            SELECT area_id, list_year, {", ".join(term_columns)},
                   coalesce(bool_or(suppressed) FILTER (WHERE maal IN ({measures})), false)
                       AS any_suppressed
            FROM area_sums WHERE k IN ({", ".join(map(str, offsets))})
            GROUP BY area_id, list_year
        ),
        parts AS (
            SELECT t.area_id, t.list_year,
                   coalesce({valid}, false) AS valid,
                   CASE WHEN coalesce({valid}, false) THEN {big_n} END AS big_n,
                   CASE WHEN coalesce({valid}, false) THEN {big_d} END AS big_d,
                   {national_sum} AS national_sum,
                   {shown_numerator} AS numerator,
                   {shown_denominator} AS denominator,
                   {suppressed_inputs} AS any_suppressed
            FROM t JOIN area_region ar USING (area_id)
            {" ".join(joins)}
        )
        SELECT area_id, CAST(list_year AS INTEGER) AS year,
               {_data_years_sql(definition)} AS data_years,
               CASE WHEN valid THEN (100 * big_n)::DOUBLE / big_d::DOUBLE END AS value,
               numerator, denominator,
               NOT valid AND any_suppressed AS suppressed,
               {", ".join(level_columns) if level_columns else "NULL AS no_threshold"}
        FROM parts
    """


def _data_years_sql(definition: Definition) -> str:
    """The data years behind list year `list_year`, as text: '2020' or '2020-2021'."""
    latest = f"(list_year - {definition.data_year_lag})"
    if definition.window == 1:
        return f"CAST({latest} AS VARCHAR)"
    return (f"CAST({latest} - {definition.window - 1} AS VARCHAR) || '-' || "
            f"CAST({latest} AS VARCHAR)")


def evaluate_definition(
    con: duckdb.DuckDBPyConnection, definition: Definition, thresholds: Mapping[str, Threshold]
) -> pl.DataFrame:
    """`definition_sql` run: per area and year the value, data years and threshold tests."""
    return con.execute(definition_sql(definition, thresholds)).pl()


INDICATOR_VALUE_SCHEMA = {
    "area_id": pl.Utf8,
    "year": pl.Int32,
    "regime": pl.Utf8,
    "indicator_id": pl.Utf8,
    "value": pl.Float64,
    "numerator": pl.Float64,
    "denominator": pl.Float64,
    "data_years": pl.Utf8,
    "threshold": pl.Float64,
    "meets_threshold": pl.Boolean,
    "suppressed": pl.Boolean,
    "forebyggelse_threshold": pl.Float64,
    "meets_forebyggelse_threshold": pl.Boolean,
}


def regime_definitions(catalogue: Catalogue) -> list[tuple[str, str, Definition]]:
    """(regime, indicator, definition) for every criterion of every regime."""
    return [
        (regime_id, indicator_id, catalogue.definition(regime_id, indicator_id))
        for regime_id in catalogue.regime_ids
        for indicator_id in catalogue.regimes[regime_id].criteria
    ]


def indicator_values_sql(catalogue: Catalogue) -> str:
    """One query for mart.indicator_values: every criterion of every regime, every area
    and list year, in INDICATOR_VALUE_SCHEMA's columns and order."""
    parts = []
    for regime_id, indicator_id, definition in regime_definitions(catalogue):
        criterion = catalogue.regimes[regime_id].criteria[indicator_id]
        thresholds = {"main": criterion.threshold}
        if criterion.forebyggelse_threshold is not None:
            thresholds["forebyggelse"] = criterion.forebyggelse_threshold
        forebyggelse = (
            "threshold_forebyggelse AS forebyggelse_threshold, "
            "meets_forebyggelse AS meets_forebyggelse_threshold"
            if "forebyggelse" in thresholds else
            "NULL::DOUBLE AS forebyggelse_threshold, NULL::BOOLEAN AS meets_forebyggelse_threshold"
        )
        parts.append(
            f"""
            SELECT area_id, year, {_sql_list([regime_id])} AS regime,
                   {_sql_list([indicator_id])} AS indicator_id, value, numerator,
                   denominator, data_years, threshold_main AS threshold,
                   meets_main AS meets_threshold, suppressed, {forebyggelse}
            FROM ({definition_sql(definition, thresholds)})
            """
        )
    if not parts:
        sql_types = {pl.Utf8: "VARCHAR", pl.Int32: "INTEGER", pl.Float64: "DOUBLE",
                     pl.Boolean: "BOOLEAN"}
        columns = ", ".join(f"NULL::{sql_types[dtype]} AS {name}"
                            for name, dtype in INDICATOR_VALUE_SCHEMA.items())
        return f"SELECT {columns} LIMIT 0"
    return (f"SELECT * FROM ({' UNION ALL '.join(parts)}) "
            "ORDER BY area_id, year, regime, indicator_id")


def indicator_values(con: duckdb.DuckDBPyConnection, catalogue: Catalogue) -> pl.DataFrame:
    """mart.indicator_values as a frame (INDICATOR_VALUE_SCHEMA)."""
    frame = con.execute(indicator_values_sql(catalogue)).pl()
    return frame.cast(INDICATOR_VALUE_SCHEMA)  # type: ignore[arg-type]


def create_indicator_values(
    con: duckdb.DuckDBPyConnection, catalogue: Catalogue, table: str
) -> None:
    """mart.indicator_values as a temporary table `table` in `con`, for publishing by
    SQL without a copy through Python."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS {indicator_values_sql(catalogue)}")
