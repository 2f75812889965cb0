"""The yearly series behind a plan page's event-study chart, and the moves beside it
(domain.md §8). Pure Polars and Python; the estimates themselves are `indicators.effects`.

`plan_series`: per plan row, indicator and data year from start-3 to min(end, latest),
the plan area's value less its pre-window mean, and the mean of the same quantity over
the `all` comparison set of the effect row (the very areas, windows and delimitation
`register_effects` uses), so the chart's post-window average gap is the published effect
(where every comparison area is known every year).

`plan_moves`: per plan row and data year the persons who moved in and out of the area and
its residents, over the afdelinger it had in the plan's start year. A sum is known only
when every afdeling's cell is delivered and unsuppressed.
"""

from __future__ import annotations

import polars as pl

# The estimator's own windows and pools on purpose: the chart must use exactly them.
from indicators.effects import PRE_YEARS, PlanArea, PlanValues, PlanWindows, plan_areas

SERIES_COLUMNS = {
    "plan_id": pl.Utf8, "area_id": pl.Utf8, "indicator_id": pl.Utf8, "year": pl.Int64,
    "value": pl.Float64, "relative": pl.Float64, "comparison_relative": pl.Float64,
    "n_comparison": pl.Int64,
}
MOVES_COLUMNS = {
    "plan_id": pl.Utf8, "area_id": pl.Utf8, "year": pl.Int64, "residents": pl.Float64,
    "moved_in": pl.Float64, "moved_out": pl.Float64,
}
MOVES_MEASURES = {"residents": "beboere", "moved_in": "tilflyttede", "moved_out": "fraflyttede"}


def chart_years(row: PlanArea, latest: int) -> range:
    """Data years the chart shows: the pre window, the start year and the post window."""
    return range(row.pre_years().start, min(row.last_year, latest) + 1)


def plan_series(plans: pl.DataFrame, values: pl.DataFrame | PlanValues | None,
                latest: int | None, windows: PlanWindows | None = None) -> pl.DataFrame:
    """`mart.plan_series` from the plans and `delimited_values` (see `register_effects`),
    or `plan_values` (and their `PlanWindows` when the effects already built them)."""
    if latest is None or plans.is_empty() or values is None:
        return pl.DataFrame(schema=SERIES_COLUMNS)
    if not isinstance(values, PlanValues):
        values = PlanValues.of(values)
    everyone = plan_areas(plans)
    windows = windows or PlanWindows(values, everyone, latest)
    known = values.values.filter(pl.col("value").is_not_null()).select(
        pl.col("delimitation_year").alias("start"), "indicator", "area", "year", "value")
    # Per plan window, indicator and chart year: the comparison pool's areas known that
    # year, their values less their pre means (the gaps), summed and counted.
    # One start year at a time: the pools joined with every chart year at once are the
    # step's largest frame (millions of rows nationally).
    pools = windows.pools.select("start", "last", "post_end", "indicator", "area", "pre")
    gaps = pl.concat([
        part.join(known.filter(pl.col("start") == start), on=["start", "indicator", "area"])
        .filter(pl.col("year").is_between(pl.col("start") - PRE_YEARS, pl.col("post_end")))
        .group_by("start", "last", "indicator", "year")
        .agg((pl.col("value") - pl.col("pre")).sum().alias("_gaps"),
             pl.len().cast(pl.Int64).alias("n_comparison"))
        for (start,), part in pools.partition_by("start", as_dict=True).items()
    ]) if pools.height else pl.DataFrame(schema={
        "start": pl.Int64, "last": pl.Int64, "indicator": pl.Int64, "year": pl.Int64,
        "_gaps": pl.Float64, "n_comparison": pl.Int64})
    code = windows.code
    rows = pl.DataFrame(
        [(r.plan_id, r.area_id, code.get(r.area_id), r.start_year, r.last_year, year)
         for r in everyone for year in chart_years(r, latest)], orient="row",
        schema={"plan_id": pl.Utf8, "area_id": pl.Utf8, "area": pl.Int64, "start": pl.Int64,
                "last": pl.Int64, "year": pl.Int64})
    indicators = pl.DataFrame({"indicator": range(len(values.indicators)),
                               "indicator_id": values.indicators},
                              schema={"indicator": pl.Int64, "indicator_id": pl.Utf8})
    own_pre = windows.pre.select(pl.col("delimitation_year").alias("start"), "indicator",
                                 "area", "pre")
    frame = (
        rows.join(indicators, how="cross")
        .join(known, on=["start", "indicator", "area", "year"], how="left")
        .join(own_pre, on=["start", "indicator", "area"], how="left")
        .join(gaps, on=["start", "last", "indicator", "year"], how="left")
        .select("plan_id", "area_id", "indicator_id", "year", "value",
                (pl.col("value") - pl.col("pre")).alias("relative"),
                (pl.col("_gaps") / pl.col("n_comparison")).alias("comparison_relative"),
                pl.col("n_comparison").fill_null(0))
    )
    return frame.cast(SERIES_COLUMNS).sort(  # type: ignore[arg-type]
        "plan_id", "area_id", "indicator_id", "year")


def plan_moves(plans: pl.DataFrame, kaas: pl.DataFrame, membership: pl.DataFrame,
               latest: int | None) -> pl.DataFrame:
    """`mart.plan_moves`: one row per plan row and data year of its chart, known or not.

    `kaas`: `afdeling_id, aar, maal, vaerdi, suppressed` (staging.kaas); `membership`:
    `area_id, afdeling_id, valid_from, valid_to`."""
    if latest is None or plans.is_empty():
        return pl.DataFrame(schema=MOVES_COLUMNS)
    cells = (
        kaas.filter(pl.col("maal").is_in(list(MOVES_MEASURES.values())))
        .select("afdeling_id", pl.col("aar").cast(pl.Int64).alias("year"), "maal",
                pl.when(~pl.col("suppressed").fill_null(False))
                .then(pl.col("vaerdi").cast(pl.Float64)).alias("value"))
        # One cell per afdeling, year and measure; were one given twice, the last counts.
        .unique(["afdeling_id", "year", "maal"], keep="last", maintain_order=True)
        .pivot(on="maal", index=["afdeling_id", "year"], values="value")
    )
    for measure in MOVES_MEASURES.values():
        if measure not in cells.columns:
            cells = cells.with_columns(pl.lit(None, pl.Float64).alias(measure))
    everyone = plan_areas(plans)
    rows = pl.DataFrame(
        [(i, r.plan_id, r.area_id, r.start_year, year)
         for i, r in enumerate(everyone) for year in chart_years(r, latest)], orient="row",
        schema={"_row": pl.Int64, "plan_id": pl.Utf8, "area_id": pl.Utf8, "start": pl.Int64,
                "year": pl.Int64})
    members = (
        rows.select("_row", "area_id", "start").unique()
        .join(membership.select("area_id", "afdeling_id", pl.col("valid_from").cast(pl.Int64),
                                pl.col("valid_to").cast(pl.Int64)), on="area_id")
        .filter((pl.col("valid_from") <= pl.col("start"))
                & (pl.col("valid_to").is_null() | (pl.col("valid_to") >= pl.col("start"))))
        .select("_row", "afdeling_id").unique()
    )
    # A sum is known only when every member's cell is: a missing cell stays NULL in the
    # left join and makes the sum NULL.
    sums = (
        rows.select("_row", "year").join(members, on="_row")
        .join(cells, on=["afdeling_id", "year"], how="left")
        .group_by("_row", "year")
        .agg(pl.when(pl.col(measure).null_count() == 0).then(pl.col(measure).sum())
             .alias(column) for column, measure in MOVES_MEASURES.items())
    )
    frame = rows.join(sums, on=["_row", "year"], how="left").select(list(MOVES_COLUMNS))
    return frame.cast(MOVES_COLUMNS).sort("plan_id", "area_id", "year")  # type: ignore[arg-type]


__all__ = ["chart_years", "plan_moves", "plan_series"]
