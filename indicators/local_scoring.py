"""Points and categories of the local model (domain.md §7), as pure Polars functions.

From the afdeling cells (the combined kaas/ and local/ deliveries), the membership,
the afdeling register and the survey results, `local_indicators` gives one row per
area (with afdelinger that data year), data year and model indicator, known or
not, shaped like `mart.local_indicators`; `local_categories` sums their points
into `mart.local_categories`.

Exactness: counts become integers of micro-units (value x 10^6) and the oriented
ratio r = a / b is compared with each band edge p / q by cross-multiplying
integers (q * a >= p * b), so a ratio exactly at an edge gets the edge's point
(edges are inclusive: 1.00 <= r < 1.25 gives 1 point). Floats are only the
published `value`, `comparison_value` and `ratio`, for display.

Unknowns stay unknown: an area's sum is known only when every one of its
afdelinger delivered an unsuppressed cell (as for the criteria), an unknown value
or comparison gives NULL points, and a category is published only when every
possible number of points of the unknown indicators gives the same category.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction

import polars as pl

from indicators.local_model import LocalModel

MICRO = 1_000_000
# Sums at or above this many units (10^7 persons, days, ...) could overflow the
# 128-bit cross products (band numerators stay below 10^9, see _check_bands).
MAX_UNITS = 10_000_000
OPEN_END = 9999
MAX_BAND = 1000
MAX_BAND_DECIMALS = 6

# Published columns and their types (indicators/tables.py LOCAL_INDICATORS,
# LOCAL_CATEGORIES).
INDICATOR_SCHEMA: dict[str, pl.DataType] = {
    "area_id": pl.Utf8,
    "year": pl.Int32,
    "model_id": pl.Utf8,
    "indicator_id": pl.Utf8,
    "value": pl.Float64,
    "numerator": pl.Float64,
    "denominator": pl.Float64,
    "comparison_value": pl.Float64,
    "comparison_left_out": pl.Int32,
    "ratio": pl.Float64,
    "points": pl.Int32,
    "suppressed": pl.Boolean,
    "wave_id": pl.Utf8,
}
CATEGORY_SCHEMA: dict[str, pl.DataType] = {
    "area_id": pl.Utf8,
    "year": pl.Int32,
    "model_id": pl.Utf8,
    "residents": pl.Int64,
    "unknown_indicators": pl.Int32,
    "points_min": pl.Int32,
    "points_max": pl.Int32,
    "category": pl.Utf8,
}

CELL_COLUMNS = ("afdeling_id", "aar", "maal", "vaerdi", "suppressed")
MEMBERSHIP_COLUMNS = ("area_id", "afdeling_id", "valid_from", "valid_to")
AREA_COLUMNS = ("area_id", "municipality_code")
AFDELING_COLUMNS = ("afdeling_id", "municipality_code")
SURVEY_COLUMNS = ("wave_id", "year", "area_id", "item_id", "n_answers", "n_positive", "share",
                  "suppressed")


def _require(frame: pl.DataFrame, name: str, columns: Iterable[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks column(s) {', '.join(missing)}")


def _micro(column: str, dtype: pl.DataType) -> pl.Expr:
    """Exact micro-units of a Decimal (at most 6 decimals) or integer column."""
    if isinstance(dtype, pl.Decimal):
        if (dtype.scale or 0) > 6:
            raise TypeError(f"{column} has {dtype.scale} decimals; at most 6 are exact here")
        return (pl.col(column).cast(pl.Decimal(38, 6)) * MICRO).cast(pl.Int128)
    if dtype.is_integer():
        return pl.col(column).cast(pl.Int128) * MICRO
    raise TypeError(f"{column} must be Decimal or integer (found {dtype}): floats are not exact")


def _check_bands(model: LocalModel) -> list[tuple[int, int]]:
    edges = []
    for band in model.band_fractions:
        exponent = band.denominator
        if band >= MAX_BAND or exponent > 10 ** MAX_BAND_DECIMALS:
            raise ValueError(f"band edge {float(band)} must be below {MAX_BAND} with at most "
                             f"{MAX_BAND_DECIMALS} decimals")
        edges.append((band.numerator, band.denominator))
    return edges


def area_members(membership: pl.DataFrame, years: Iterable[int]) -> pl.DataFrame:
    """(area_id, year, afdeling_id): the afdelinger of each area as delimited in each
    data year."""
    _require(membership, "membership", MEMBERSHIP_COLUMNS)
    year_frame = pl.DataFrame({"year": sorted(set(years))}, schema={"year": pl.Int32})
    return (
        membership.select(MEMBERSHIP_COLUMNS)
        .join(year_frame, how="cross")
        .filter((pl.col("valid_from") <= pl.col("year"))
                & (pl.col("year") <= pl.col("valid_to").fill_null(OPEN_END)))
        .select("area_id", "year", "afdeling_id")
    )


def _cells(cells: pl.DataFrame, measures: list[str]) -> pl.DataFrame:
    """(afdeling_id, year, maal, units, suppressed) of the measures the model uses."""
    _require(cells, "cells", CELL_COLUMNS)
    return cells.filter(pl.col("maal").is_in(measures)).select(
        "afdeling_id",
        pl.col("aar").cast(pl.Int32).alias("year"),
        "maal",
        _micro("vaerdi", cells.schema["vaerdi"]).alias("units"),
        pl.col("suppressed").fill_null(False),
    )


def _measure_pairs(model: LocalModel) -> pl.DataFrame:
    rows = [(ind_id, ind.numerator, ind.denominator, ind.direction, ind.scale)
            for ind_id, ind in model.indicators.items() if not ind.is_survey]
    return pl.DataFrame(rows, schema={"indicator_id": pl.Utf8, "num_maal": pl.Utf8,
                                      "den_maal": pl.Utf8, "direction": pl.Utf8,
                                      "scale": pl.Int64}, orient="row")


def _wide_cells(keys: pl.DataFrame, cells: pl.DataFrame, measures: list[str]) -> pl.DataFrame:
    """One row per afdeling with any cell that data year (`keys`): for each measure the
    units (`u:<maal>`, NULL when suppressed or not delivered) and whether the cell is
    suppressed (`s:<maal>`). Wide, so that every indicator's numerator and denominator
    are columns of the same row and no join per indicator is needed."""
    units = cells.select(pl.col("afdeling_id"), pl.col("year"), pl.col("maal"),
                         pl.when(~pl.col("suppressed")).then(pl.col("units")).alias("units"),
                         pl.col("suppressed"))
    # Deliveries are combined to one cell per (afdeling, year, maal) before this; a
    # repeated key would make the pivot fail rather than pick one.
    wide = keys
    if units.height:
        part = units.pivot(on="maal", index=["afdeling_id", "year"],
                           values=["units", "suppressed"], aggregate_function=None)
        present = units["maal"].unique().to_list()
        part = part.rename({**{f"units_{m}": f"u:{m}" for m in present},
                            **{f"suppressed_{m}": f"s:{m}" for m in present}})
        wide = wide.join(part, on=["afdeling_id", "year"], how="left")
    return wide.with_columns(
        *[pl.lit(None, pl.Int128).alias(f"u:{m}") for m in measures
          if f"u:{m}" not in wide.columns],
        *[pl.lit(None, pl.Boolean).alias(f"s:{m}") for m in measures
          if f"s:{m}" not in wide.columns],
    ).with_columns(pl.col(f"s:{m}").fill_null(False) for m in measures)


def _long(frame: pl.DataFrame, keys: list[str], pairs: pl.DataFrame,
          columns: list[str]) -> pl.DataFrame:
    """Per-indicator columns `<column>:<indicator_id>` to one row per indicator."""
    return pl.concat([
        frame.select(*keys, pl.lit(ind_id).alias("indicator_id"),
                     *[pl.col(f"{c}:{ind_id}").alias(c) for c in columns])
        for ind_id in pairs["indicator_id"]
    ], how="vertical_relaxed")


def _area_sums(wide: pl.DataFrame, members: pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
    """An area's sum is known only when each of its afdelinger has the cell (a member
    without any cell that year has none)."""
    per_member = members.join(wide, on=["afdeling_id", "year"], how="left")
    aggs = []
    for ind_id, num, den in pairs.select("indicator_id", "num_maal", "den_maal").iter_rows():
        for side, maal in (("a_num", num), ("a_den", den)):
            cell = pl.col(f"u:{maal}")
            aggs.append(pl.when(cell.is_not_null().all()).then(cell.sum())
                        .alias(f"{side}:{ind_id}"))
        aggs.append((pl.col(f"s:{num}").fill_null(False) | pl.col(f"s:{den}").fill_null(False))
                    .any().alias(f"suppressed:{ind_id}"))
    sums = per_member.group_by("area_id", "year").agg(aggs)
    return _long(sums, ["area_id", "year"], pairs, ["a_num", "a_den", "suppressed"])


def _comparison_sums(wide: pl.DataFrame, afdelinger: pl.DataFrame,
                     pairs: pl.DataFrame) -> pl.DataFrame:
    """The municipality's social housing: every afdeling of the register with a cell that
    data year, leaving out those whose numerator or denominator is suppressed or not
    delivered (counted in `comparison_left_out`)."""
    _require(afdelinger, "afdelinger", AFDELING_COLUMNS)
    joined = wide.join(afdelinger.select(AFDELING_COLUMNS), on="afdeling_id", how="inner")
    aggs = []
    for ind_id, num, den in pairs.select("indicator_id", "num_maal", "den_maal").iter_rows():
        used = pl.col(f"u:{num}").is_not_null() & pl.col(f"u:{den}").is_not_null()
        any_used = used.any()
        aggs += [
            pl.when(any_used).then(pl.col(f"u:{num}").filter(used).sum()).alias(f"m_num:{ind_id}"),
            pl.when(any_used).then(pl.col(f"u:{den}").filter(used).sum()).alias(f"m_den:{ind_id}"),
            (~used).sum().cast(pl.Int32).alias(f"comparison_left_out:{ind_id}"),
        ]
    sums = joined.group_by("municipality_code", "year").agg(aggs)
    return _long(sums, ["municipality_code", "year"], pairs,
                 ["m_num", "m_den", "comparison_left_out"])


def _survey_values(model: LocalModel, survey: pl.DataFrame, grid: pl.DataFrame) -> pl.DataFrame:
    """For data year y the newest wave covering the area with y-3 <= wave year <= y; its
    comparison is that wave's `all` row. Shares of unweighted waves are used as the exact
    fraction n_positive / n_answers; a weighted wave's share is the published float."""
    items = pl.DataFrame(
        [(i, ind.survey_item, ind.direction) for i, ind in model.indicators.items()
         if ind.is_survey],
        schema={"indicator_id": pl.Utf8, "item_id": pl.Utf8, "direction": pl.Utf8},
        orient="row")
    _require(survey, "survey", SURVEY_COLUMNS)
    rows = survey.select(
        "wave_id", pl.col("year").cast(pl.Int32).alias("wave_year"), "area_id", "item_id",
        pl.col("suppressed").fill_null(False),
        *_survey_terms(),
    )
    everyone = rows.filter(pl.col("area_id") == "all").select(
        "wave_id", "item_id", pl.col("s_num").alias("m_num"), pl.col("s_den").alias("m_den"))
    own = rows.filter(pl.col("area_id") != "all")
    area_years = grid.join(items, how="cross")
    chosen = (
        area_years.join(own, on=["area_id", "item_id"], how="inner")
        .filter((pl.col("wave_year") <= pl.col("year"))
                & (pl.col("wave_year") >= pl.col("year") - 3))
        .sort("wave_year", "wave_id")
        .group_by("area_id", "year", "indicator_id").last()
    )
    joined = area_years.join(chosen.select("area_id", "year", "indicator_id", "wave_id",
                                           "suppressed", "s_num", "s_den"),
                             on=["area_id", "year", "indicator_id"], how="left")
    joined = joined.join(everyone, on=["wave_id", "item_id"], how="left")
    return joined.select(
        "area_id", "year", "indicator_id", "direction", pl.lit(100, pl.Int64).alias("scale"),
        pl.col("s_num").alias("a_num"), pl.col("s_den").alias("a_den"),
        "m_num", "m_den", pl.lit(None, pl.Int32).alias("comparison_left_out"),
        pl.col("suppressed").fill_null(False), "wave_id",
        pl.lit(True).alias("is_survey"),
    )


def _survey_terms() -> list[pl.Expr]:
    exact = (pl.col("n_positive").cast(pl.Float64) * 100 / pl.col("n_answers")
             - pl.col("share")).abs() < 1e-9
    known = ~pl.col("suppressed").fill_null(False) & pl.col("share").is_not_null() & (
        pl.col("n_answers") > 0)
    num = (pl.when(exact).then(pl.col("n_positive").cast(pl.Int128))
           .otherwise((pl.col("share") * MICRO).round(0).cast(pl.Int128)))
    den = (pl.when(exact).then(pl.col("n_answers").cast(pl.Int128))
           .otherwise(pl.lit(100 * MICRO, pl.Int128)))
    return [pl.when(known).then(num).alias("s_num"), pl.when(known).then(den).alias("s_den")]


def local_indicators(
    model: LocalModel,
    *,
    cells: pl.DataFrame,
    membership: pl.DataFrame,
    areas: pl.DataFrame,
    afdelinger: pl.DataFrame,
    survey: pl.DataFrame | None = None,
    years: Iterable[int] | None = None,
) -> pl.DataFrame:
    """`mart.local_indicators` for every area with afdelinger in a data year of `years`
    (default: every year with a cell) and every indicator of the model."""
    edges = _check_bands(model)
    _require(areas, "areas", AREA_COLUMNS)
    measure_cells = _cells(cells, model.measures())
    if years is None:
        years = cells["aar"].unique().to_list()
    members = area_members(membership, years)
    grid = members.select("area_id", "year").unique()
    parts = []
    pairs = _measure_pairs(model)
    if pairs.height:
        keys = cells.select("afdeling_id", pl.col("aar").cast(pl.Int32).alias("year")).unique()
        wide = _wide_cells(keys, measure_cells, model.measures())
        sums = _area_sums(wide, members, pairs)
        comparison = _comparison_sums(wide, afdelinger, pairs)
        measured = (
            grid.join(pairs, how="cross")
            .join(sums, on=["area_id", "year", "indicator_id"], how="left")
            .join(areas.select(AREA_COLUMNS), on="area_id", how="left")
            .join(comparison, on=["municipality_code", "year", "indicator_id"], how="left")
        )
        parts.append(measured.select(
            "area_id", "year", "indicator_id", "direction", "scale", "a_num", "a_den",
            "m_num", "m_den", "comparison_left_out",
            # Suppressed only when the area's own cell made its value unknown.
            (pl.col("suppressed").fill_null(False)
             & (pl.col("a_num").is_null() | pl.col("a_den").is_null())).alias("suppressed"),
            pl.lit(None, pl.Utf8).alias("wave_id"), pl.lit(False).alias("is_survey"),
        ))
    if model.survey_items():
        parts.append(_survey_values(model, survey if survey is not None else _no_survey(),
                                    grid))
    values = pl.concat(parts, how="vertical_relaxed")
    _check_magnitudes(values)
    return _score(values, model, edges)


def _no_survey() -> pl.DataFrame:
    return pl.DataFrame(schema={"wave_id": pl.Utf8, "year": pl.Int32, "area_id": pl.Utf8,
                                "item_id": pl.Utf8, "n_answers": pl.Int64,
                                "n_positive": pl.Int64, "share": pl.Float64,
                                "suppressed": pl.Boolean})


def _check_magnitudes(values: pl.DataFrame) -> None:
    limit = MAX_UNITS * MICRO
    for column in ("a_num", "a_den", "m_num", "m_den"):
        big = values.filter(pl.col(column).abs() >= limit)
        if big.height:
            row = big.row(0, named=True)
            raise ValueError(
                f"{row['indicator_id']} {row['area_id']} {row['year']}: a sum of "
                f"{MAX_UNITS:,} units or more cannot be compared exactly")


def _score(values: pl.DataFrame, model: LocalModel, edges: list[tuple[int, int]]) -> pl.DataFrame:
    # value = a_num / a_den, comparison = m_num / m_den; the oriented ratio r = a / b
    # with a = a_num * m_den, b = a_den * m_num (lower_worse: swapped), all positive.
    known = (pl.col("a_num").is_not_null() & pl.col("a_den").is_not_null()
             & (pl.col("a_den") > 0))
    compared = known & pl.col("m_num").is_not_null() & pl.col("m_den").is_not_null() & (
        pl.col("m_den") > 0)
    higher = pl.col("direction") == "higher_worse"
    cross_1 = pl.col("a_num") * pl.col("m_den")
    cross_2 = pl.col("a_den") * pl.col("m_num")
    frame = values.with_columns(
        known.alias("_known"), compared.alias("_compared"),
        pl.when(higher).then(cross_1).otherwise(cross_2).alias("_a"),
        pl.when(higher).then(cross_2).otherwise(cross_1).alias("_b"),
    )
    # 0 / 0: the area and its comparison are equal (r = 1); x / 0 is worse than any edge.
    at_or_above = [
        pl.when(pl.col("_b") > 0).then(q * pl.col("_a") >= p * pl.col("_b"))
        .when(pl.col("_a") > 0).then(pl.lit(True))
        .otherwise(pl.lit(Fraction(p, q) <= 1))
        for p, q in edges
    ]
    points = pl.sum_horizontal(e.cast(pl.Int32) for e in at_or_above)
    scale = pl.col("scale").cast(pl.Float64)
    ratio = (pl.when(pl.col("_b") > 0)
             .then(pl.col("_a").cast(pl.Float64) / pl.col("_b").cast(pl.Float64))
             .when(pl.col("_a") == 0).then(pl.lit(1.0)))
    out = frame.select(
        "area_id",
        pl.col("year").cast(pl.Int32),
        pl.lit(model.model_id).alias("model_id"),
        "indicator_id",
        pl.when(pl.col("_known")).then(pl.col("a_num").cast(pl.Float64) * scale
                               / pl.col("a_den").cast(pl.Float64)).alias("value"),
        pl.when(~pl.col("is_survey")).then(pl.col("a_num").cast(pl.Float64) / MICRO)
        .alias("numerator"),
        pl.when(~pl.col("is_survey")).then(pl.col("a_den").cast(pl.Float64) / MICRO)
        .alias("denominator"),
        pl.when(pl.col("m_den") > 0).then(pl.col("m_num").cast(pl.Float64) * scale
                                          / pl.col("m_den").cast(pl.Float64))
        .alias("comparison_value"),
        pl.col("comparison_left_out").cast(pl.Int32),
        pl.when(pl.col("_compared")).then(ratio).alias("ratio"),
        pl.when(pl.col("_compared")).then(points).cast(pl.Int32).alias("points"),
        pl.col("suppressed").fill_null(False),
        "wave_id",
    )
    order = {ind_id: i for i, ind_id in enumerate(model.indicators)}
    return (out.with_columns(pl.col("indicator_id").replace_strict(order, return_dtype=pl.Int32)
                             .alias("_order"))
            .sort("area_id", "year", "_order").drop("_order")
            .cast(INDICATOR_SCHEMA).select(list(INDICATOR_SCHEMA)))


def local_categories(model: LocalModel, indicators: pl.DataFrame,
                     residents: pl.DataFrame) -> pl.DataFrame:
    """`mart.local_categories`: areas with at least `min_residents` residents (known) in
    the data year; the total with every unknown indicator at 0 and at the most points,
    and the category when both ends give the same one (categories rise with points,
    so every total between them does too)."""
    _require(residents, "residents", ("area_id", "year", "residents"))
    cut = model.categories
    totals = indicators.group_by("area_id", "year").agg(
        pl.col("points").null_count().cast(pl.Int32).alias("unknown_indicators"),
        pl.col("points").sum().cast(pl.Int32).alias("points_min"),
    ).with_columns(
        (pl.col("points_min") + model.max_points * pl.col("unknown_indicators"))
        .cast(pl.Int32).alias("points_max"))

    def category(column: str) -> pl.Expr:
        points = pl.col(column)
        return (pl.when(points >= cut.red_from).then(pl.lit("red"))
                .when(points >= cut.orange_from).then(pl.lit("orange"))
                .when(points >= cut.yellow_from).then(pl.lit("yellow"))
                .otherwise(pl.lit("green")))

    eligible = residents.select("area_id", pl.col("year").cast(pl.Int32),
                                pl.col("residents").cast(pl.Int64)).filter(
        pl.col("residents") >= model.min_residents)
    return (
        totals.join(eligible, on=["area_id", "year"], how="inner")
        .with_columns(
            pl.when(category("points_min") == category("points_max"))
            .then(category("points_min")).alias("category"),
            pl.lit(model.model_id).alias("model_id"),
        )
        .sort("area_id", "year")
        .cast(CATEGORY_SCHEMA).select(list(CATEGORY_SCHEMA))
    )
