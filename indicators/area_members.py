"""Which afdelinger make up each area, as published in mart.area_afdelinger.

The membership as read (areas/membership.csv), with the data years each
period covers in this warehouse, so a reader sees which afdelinger an area's
figures of a given year sum over. Only ids and years are published: an
afdeling's own figures never are, since with the area's sum and the other
afdelinger's values they would let a suppressed cell be recomputed
(domain.md §4).
"""

from __future__ import annotations

import polars as pl


def area_afdelinger(membership: pl.DataFrame, cells: pl.DataFrame) -> pl.DataFrame:
    """One row per area, afdeling and membership period.

    `membership`: area_id, afdeling_id, valid_from, valid_to (NULL = still valid).
    `cells`: afdeling_id, aar of the register cells held (a value or a suppressed
    cell; duplicates allowed). The warehouse's data years are every `aar` held for
    any afdeling; `first_data_year` / `last_data_year` are those that fall in the
    period (NULL when none do), `years_with_data` the years in the period with at
    least one cell of the afdeling itself.
    """
    cells = cells.select("afdeling_id", pl.col("aar").cast(pl.Int32)).unique()
    years = cells.select(pl.col("aar").alias("year")).unique()
    periods = membership.select(
        "area_id", "afdeling_id", pl.col("valid_from").cast(pl.Int32),
        pl.col("valid_to").cast(pl.Int32),
    )

    def within(frame: pl.DataFrame, year: str) -> pl.DataFrame:
        return frame.filter((pl.col(year) >= pl.col("valid_from"))
                            & (pl.col(year) <= pl.col("valid_to").fill_null(9999)))

    span = (
        within(periods.join(years, how="cross"), "year")
        .group_by("area_id", "afdeling_id", "valid_from")
        .agg(pl.col("year").min().alias("first_data_year"),
             pl.col("year").max().alias("last_data_year"))
    )
    own = (
        within(periods.join(cells, on="afdeling_id"), "aar")
        .group_by("area_id", "afdeling_id", "valid_from")
        .agg(pl.col("aar").n_unique().cast(pl.Int32).alias("years_with_data"))
    )
    key = ["area_id", "afdeling_id", "valid_from"]
    return (
        periods.join(span, on=key, how="left")
        .join(own, on=key, how="left")
        .with_columns(pl.col("years_with_data").fill_null(0))
        .select("area_id", "afdeling_id", "valid_from", "valid_to", "first_data_year",
                "last_data_year", "years_with_data")
        .sort(key)
    )
