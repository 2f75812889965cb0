"""Distance to threshold, linear trend and projected crossing year, set-based.

Distances are signed so that positive lies on the met side: value − threshold
for `>`/`>=`, threshold − value for `<`/`<=`. A trend is the ordinary least
squares slope per year over the last `trend_lists` list years, all computed
under the same regime (the one in force in the latest year, using the
what-if rows for earlier years) so that a definition change is not mistaken
for a trend. A projection starts from today's distance and adds the slope
year by year; it names the first list year in which met/not met would flip.
"""

from __future__ import annotations

import polars as pl

from indicators.catalogue import Catalogue

CRITERION_KEY = ["area_id", "year", "regime", "indicator_id", "level"]


def criterion_rules(catalogue: Catalogue) -> pl.DataFrame:
    """(regime, indicator_id, level, comparison, strict) for every threshold in the catalogue."""
    rows = []
    for regime_id, regime in catalogue.regimes.items():
        for indicator_id, criterion in regime.criteria.items():
            for level in ("main", "forebyggelse"):
                threshold = criterion.threshold_for(level)
                if threshold is not None:
                    rows.append((regime_id, indicator_id, level, threshold.comparison,
                                 threshold.strict, threshold.upward))
    return pl.DataFrame(rows, orient="row", schema={
        "regime": pl.Utf8, "indicator_id": pl.Utf8, "level": pl.Utf8, "comparison": pl.Utf8,
        "strict": pl.Boolean, "upward": pl.Boolean})


def criterion_distances(indicator_values: pl.DataFrame, catalogue: Catalogue) -> pl.DataFrame:
    """One row per area, list year, regime, indicator and threshold level, with distance_pp."""
    levels = pl.concat([
        indicator_values.select(
            "area_id", "year", "regime", "indicator_id", "value",
            "threshold", "meets_threshold", level=pl.lit("main")),
        indicator_values.select(
            "area_id", "year", "regime", "indicator_id", "value",
            pl.col("forebyggelse_threshold").alias("threshold"),
            pl.col("meets_forebyggelse_threshold").alias("meets_threshold"),
            level=pl.lit("forebyggelse")),
    ])
    rules = criterion_rules(catalogue)
    return levels.join(rules, on=["regime", "indicator_id", "level"]).with_columns(
        pl.when(pl.col("upward"))
        .then(pl.col("value") - pl.col("threshold"))
        .otherwise(pl.col("threshold") - pl.col("value"))
        .alias("distance_pp")
    )


def _moments(y: str) -> list[pl.Expr]:
    """Per-row terms whose sums give an OLS fit of y on x (sums aggregate fast)."""
    return [pl.col(y).alias(f"s_{y}"), (pl.col("x") * pl.col(y)).alias(f"sx_{y}"),
            (pl.col(y) ** 2).alias(f"ss_{y}")]


def _ols(y: str) -> dict[str, pl.Expr]:
    """OLS slope of y on x and its standard error, from the sums of the window's terms."""
    n = pl.col("n").cast(pl.Float64)
    sx, sy = pl.col("s_x"), pl.col(f"s_{y}")
    sxx = pl.col("s_xx") - sx**2 / n
    sxy = pl.col(f"sx_{y}") - sx * sy / n
    syy = pl.col(f"ss_{y}") - sy**2 / n
    slope = sxy / sxx
    residual_ss = pl.max_horizontal(syy - slope * sxy, pl.lit(0.0))
    residual_se = (residual_ss / (n - 2)).sqrt()
    return {"slope": slope, "slope_se": residual_se / sxx.sqrt()}


def add_trends(current: pl.DataFrame, history: pl.DataFrame, trend_lists: int,
               min_points: int) -> pl.DataFrame:
    """Add trend_pp_per_year (value), distance_trend_pp_per_year, slope_se, trend_points.

    `current` holds the rows to describe; `history` the same kind of rows for
    every year and regime. Years with an unknown value are left out; fewer
    than `min_points` known years give no trend.
    """
    # The joins run on one integer per series (area, regime, indicator, level) and the
    # year: joining on the four strings made this the slowest step of the early warning.
    series = ["area_id", "regime", "indicator_id", "level"]
    ids = history.select(series).unique().with_row_index("series_id")
    known = (
        history.filter(pl.col("value").is_not_null() & pl.col("distance_pp").is_not_null())
        .join(ids, on=series)
        .select("series_id", pl.col("year").alias("past_year"), "value", "distance_pp")
    )
    offsets = pl.DataFrame({"back": list(range(trend_lists))}, schema={"back": pl.Int32})
    targets = current.select(CRITERION_KEY).with_row_index("row").join(ids, on=series)
    window = (
        targets.select("series_id", "year")
        .join(offsets, how="cross")
        .with_columns((pl.col("year") - pl.col("back")).alias("past_year"))
        .join(known, on=["series_id", "past_year"])
        .with_columns((-pl.col("back")).cast(pl.Float64).alias("x"))
    )
    value_fit = _ols("value")
    distance_fit = _ols("distance_pp")
    terms = [pl.col("x").alias("s_x"), (pl.col("x") ** 2).alias("s_xx"),
             *_moments("value"), *_moments("distance_pp")]
    fits = (
        window.select("series_id", "year", *terms)
        .group_by("series_id", "year")
        .agg(pl.len().alias("n"), pl.exclude("series_id", "year").sum())
        .select(
            "series_id", "year",
            pl.col("n").cast(pl.Int32).alias("trend_points"),
            value_fit["slope"].alias("trend_pp_per_year"),
            distance_fit["slope"].alias("distance_trend_pp_per_year"),
            distance_fit["slope_se"].alias("slope_se"),
        )
        .join(targets.select("row", "series_id", "year"), on=["series_id", "year"])
        .drop("series_id", "year")
    )
    enough = pl.col("trend_points") >= min_points
    return current.with_row_index("row").join(fits, on="row", how="left").drop("row").with_columns(
        pl.col("trend_points").fill_null(0),
        *[pl.when(enough).then(pl.col(c)).alias(c)
          for c in ("trend_pp_per_year", "distance_trend_pp_per_year", "slope_se")],
    )


def _first_flip(slope: pl.Expr, horizon: int) -> pl.Expr:
    """Years ahead (1..horizon) of the first flip of met/not met, else NULL."""
    flips = []
    for k in range(1, horizon + 1):
        projected = pl.col("distance_pp") + slope * k
        met_then = pl.when(pl.col("strict")).then(projected > 0).otherwise(projected >= 0)
        flips.append(pl.when(met_then != pl.col("meets_threshold")).then(pl.lit(k)))
    return pl.min_horizontal(flips)


def add_projections(frame: pl.DataFrame, horizon: int, band_width: float) -> pl.DataFrame:
    """Add projected_year and the band projected_year_low / projected_year_high.

    The band recomputes the crossing with slope ± band_width × its standard
    error. projected_year_high is NULL when one of the three slopes does not
    cross within the horizon (the late end is then "not within the horizon").
    """
    slope = pl.col("distance_trend_pp_per_year")
    spread = pl.col("slope_se").fill_null(0.0) * band_width
    central, steep, shallow = (_first_flip(slope, horizon), _first_flip(slope + spread, horizon),
                               _first_flip(slope - spread, horizon))
    all_cross = central.is_not_null() & steep.is_not_null() & shallow.is_not_null()
    year = pl.col("year")
    return frame.with_columns(
        (year + central).cast(pl.Int32).alias("projected_year"),
        (year + pl.min_horizontal(central, steep, shallow)).cast(pl.Int32).alias(
            "projected_year_low"),
        pl.when(all_cross).then(year + pl.max_horizontal(central, steep, shallow))
        .cast(pl.Int32).alias("projected_year_high"),
    )
