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

# The private window means on purpose: the chart must use exactly the estimator's windows.
from indicators.effects import PlanArea, _window_means, excluded_areas, plan_areas
from indicators.effects_stats import mean

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


def plan_series(plans: pl.DataFrame, values: pl.DataFrame, latest: int | None) -> pl.DataFrame:
    """`mart.plan_series` from the plans and `delimited_values` (see `register_effects`)."""
    if latest is None or plans.is_empty():
        return pl.DataFrame(schema=SERIES_COLUMNS)
    known = values.filter(pl.col("value").is_not_null())
    by_key: dict[tuple[int, str, str], dict[int, float]] = {}
    for delimitation, area, indicator, year, value in known.select(
            "delimitation_year", "area_id", "indicator_id", "year", "value").iter_rows():
        by_key.setdefault((delimitation, indicator, area), {})[year] = value
    indicators = sorted(values["indicator_id"].unique().to_list())
    everyone = plan_areas(plans)
    windows_cache: dict[tuple, dict] = {}
    rows: list[dict] = []
    for row in everyone:
        windows = (row.start_year, row.pre_years(), row.post_years(latest))
        if windows not in windows_cache:
            windows_cache[windows] = _window_means(known, *windows)
        excluded = excluded_areas(everyone, row)
        for indicator in indicators:
            means = windows_cache[windows].get(indicator, {})
            pool = {a: pre for a, (pre, post) in means.items()
                    if a not in excluded and pre is not None and post is not None}
            own_pre = means.get(row.area_id, (None, None))[0]
            own = by_key.get((row.start_year, indicator, row.area_id), {})
            for year in chart_years(row, latest):
                value = own.get(year)
                gaps = [by_key[(row.start_year, indicator, a)][year] - pre
                        for a, pre in pool.items()
                        if year in by_key.get((row.start_year, indicator, a), {})]
                rows.append({
                    "plan_id": row.plan_id, "area_id": row.area_id, "indicator_id": indicator,
                    "year": year, "value": value,
                    "relative": None if value is None or own_pre is None else value - own_pre,
                    "comparison_relative": mean(gaps) if gaps else None,
                    "n_comparison": len(gaps),
                })
    frame = pl.DataFrame(rows, schema=SERIES_COLUMNS, orient="row") if rows else \
        pl.DataFrame(schema=SERIES_COLUMNS)
    return frame.sort("plan_id", "area_id", "indicator_id", "year")


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
    )
    lookup: dict[tuple[str, int, str], float | None] = {
        (a, y, m): v for a, y, m, v in cells.iter_rows()}
    rows = []
    for row in plan_areas(plans):
        members = (
            membership.filter((pl.col("area_id") == row.area_id)
                              & (pl.col("valid_from") <= row.start_year)
                              & (pl.col("valid_to").is_null()
                                 | (pl.col("valid_to") >= row.start_year)))
            ["afdeling_id"].unique().to_list())
        for year in chart_years(row, latest):
            sums = {}
            for column, measure in MOVES_MEASURES.items():
                cell = [lookup.get((a, year, measure)) for a in members]
                sums[column] = (sum(cell) if members and all(c is not None for c in cell)
                                else None)
            rows.append({"plan_id": row.plan_id, "area_id": row.area_id, "year": year,
                         **sums})
    frame = pl.DataFrame(rows, schema=MOVES_COLUMNS, orient="row") if rows else \
        pl.DataFrame(schema=MOVES_COLUMNS)
    return frame.sort("plan_id", "area_id", "year")


__all__ = ["chart_years", "plan_moves", "plan_series"]
