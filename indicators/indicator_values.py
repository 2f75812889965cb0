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
        SELECT area_id, list_year AS year,
               CASE WHEN valid THEN (100 * big_n)::DOUBLE / big_d::DOUBLE END AS value,
               numerator, denominator,
               NOT valid AND any_suppressed AS suppressed,
               {", ".join(level_columns) if level_columns else "NULL AS no_threshold"}
        FROM parts
    """


def evaluate_definition(
    con: duckdb.DuckDBPyConnection, definition: Definition, thresholds: Mapping[str, Threshold]
) -> pl.DataFrame:
    """Run `definition_sql` and add the `data_years` text (e.g. '2020-2021')."""
    frame = con.execute(definition_sql(definition, thresholds)).pl()
    latest = pl.col("year") - definition.data_year_lag
    first = latest - (definition.window - 1)
    data_years = (
        latest.cast(pl.Utf8)
        if definition.window == 1
        else pl.concat_str([first.cast(pl.Utf8), pl.lit("-"), latest.cast(pl.Utf8)])
    )
    return frame.with_columns(
        pl.col("year").cast(pl.Int32), data_years.alias("data_years")
    )


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


def indicator_values(con: duckdb.DuckDBPyConnection, catalogue: Catalogue) -> pl.DataFrame:
    """mart.indicator_values: every criterion of every regime, every area and list year."""
    frames = []
    for regime_id, indicator_id, definition in regime_definitions(catalogue):
        criterion = catalogue.regimes[regime_id].criteria[indicator_id]
        thresholds = {"main": criterion.threshold}
        if criterion.forebyggelse_threshold is not None:
            thresholds["forebyggelse"] = criterion.forebyggelse_threshold
        frame = evaluate_definition(con, definition, thresholds)
        if "threshold_forebyggelse" not in frame.columns:
            frame = frame.with_columns(
                pl.lit(None, pl.Float64).alias("threshold_forebyggelse"),
                pl.lit(None, pl.Boolean).alias("meets_forebyggelse"),
            )
        frames.append(
            frame.select(
                "area_id",
                "year",
                pl.lit(regime_id).alias("regime"),
                pl.lit(indicator_id).alias("indicator_id"),
                "value",
                "numerator",
                "denominator",
                "data_years",
                pl.col("threshold_main").alias("threshold"),
                pl.col("meets_main").alias("meets_threshold"),
                "suppressed",
                pl.col("threshold_forebyggelse").alias("forebyggelse_threshold"),
                pl.col("meets_forebyggelse").alias("meets_forebyggelse_threshold"),
            )
        )
    if not frames:
        return pl.DataFrame(schema=INDICATOR_VALUE_SCHEMA)
    return (
        pl.concat(frames)
        .cast(INDICATOR_VALUE_SCHEMA)  # type: ignore[arg-type]
        .sort("area_id", "year", "regime", "indicator_id")
    )
