"""Status over time: gains and losses, and agreement with the published lists.

Both look at the headline evaluation: each list year under the regime in
force that year.
"""

from __future__ import annotations

import polars as pl

from indicators.catalogue import STATUS_COLUMNS, Catalogue, load_catalogue
from indicators.status import regime_in_force_expr

ALL_STATUSES = [*STATUS_COLUMNS, "kombineret_udlejning"]

STATUS_CHANGE_SCHEMA = {
    "list_year": pl.Int32,
    "area_id": pl.Utf8,
    "status": pl.Utf8,
    "change": pl.Utf8,
    "regime": pl.Utf8,
    "first_listing": pl.Boolean,
}
OFFICIAL_COMPARISON_SCHEMA = {
    "area_id": pl.Utf8,
    "year": pl.Int32,
    "status": pl.Utf8,
    "official": pl.Boolean,
    "ours": pl.Boolean,
    "agrees": pl.Boolean,
}


def with_in_force(frame: pl.DataFrame, catalogue: Catalogue) -> pl.DataFrame:
    """`frame` (rows per list year and regime) with `in_force`: TRUE on the rows of the
    regime in force in their list year, so "today's rules" is a WHERE clause."""
    return frame.with_columns(
        (pl.col("regime") == regime_in_force_expr(catalogue, pl.col("year")))
        .fill_null(False).alias("in_force"))


def _headline_long(area_status: pl.DataFrame, catalogue: Catalogue) -> pl.DataFrame:
    """area_id, year, regime, status, value for the regime in force in each year."""
    return (
        area_status.filter(pl.col("regime") == regime_in_force_expr(catalogue, pl.col("year")))
        .unpivot(index=["area_id", "year", "regime"], on=ALL_STATUSES,
                 variable_name="status", value_name="value")
    )


def compute_status_changes(
    area_status: pl.DataFrame, catalogue: Catalogue | None = None
) -> pl.DataFrame:
    """Statuses gained (FALSE -> TRUE) or lost (TRUE -> FALSE) from one list year to the
    next, and each area's first listing under a status.

    Gains and losses are decided changes only: a step from or to NULL (unknown, or
    a status the regime did not define) is no change we can vouch for. The first
    list year an area holds a status is `first_listing`; when the list before it
    gives no decided FALSE to compare with (the area's first list year, a status the
    earlier regime did not define - udsat before 2018 - or an unknown), that row
    is `change = 'first'`, otherwise the gain itself is the first listing.
    """
    long = _headline_long(area_status, catalogue or load_catalogue())
    previous = long.select(
        "area_id", (pl.col("year") + 1).cast(pl.Int32).alias("year"), "status",
        pl.col("value").alias("before"),
    )
    steps = long.join(previous, on=["area_id", "year", "status"], how="left")
    held = pl.col("value").fill_null(False)
    first_listing = held & (
        held.cast(pl.Int32).cum_sum().over(["area_id", "status"], order_by="year") == 1)
    change = (
        pl.when(~pl.col("before") & pl.col("value")).then(pl.lit("gained"))
        .when(pl.col("before") & ~pl.col("value")).then(pl.lit("lost"))
        .when(pl.col("first_listing")).then(pl.lit("first"))
    )
    return (
        steps.with_columns(first_listing.alias("first_listing"))
        .with_columns(change.alias("change"))
        .filter(pl.col("change").is_not_null())
        .select(pl.col("year").alias("list_year"), "area_id", "status", "change", "regime",
                "first_listing")
        .cast(STATUS_CHANGE_SCHEMA)  # type: ignore[arg-type]
        .sort("list_year", "area_id", "status")
    )


def compute_official_comparison(
    area_status: pl.DataFrame, official: pl.DataFrame, catalogue: Catalogue | None = None
) -> pl.DataFrame:
    """Our headline statuses next to the published lists.

    `official` (area_id, year, status) lists the areas on each published list.
    A (year, status) present in it counts as covered: every area of ours is
    then compared, and an area absent from that list is officially FALSE. A
    (year, status) with no rows at all is taken as not recorded, not as an
    empty list. Areas on an official list that we do not evaluate get
    ours = NULL. `agrees` is NULL where ours is NULL.
    """
    official = official.select(
        "area_id", pl.col("year").cast(pl.Int32), pl.col("status").cast(pl.Utf8)
    ).unique()
    covered = official.select("year", "status").unique()
    ours = _headline_long(area_status, catalogue or load_catalogue()).join(
        covered, on=["year", "status"], how="inner"
    )
    listed = official.with_columns(pl.lit(True).alias("official"))
    compared = ours.join(listed, on=["area_id", "year", "status"], how="full", coalesce=True)
    return (
        compared.select(
            "area_id", "year", "status",
            pl.col("official").fill_null(False),
            pl.col("value").alias("ours"),
        )
        .with_columns((pl.col("ours") == pl.col("official")).alias("agrees"))
        .cast(OFFICIAL_COMPARISON_SCHEMA)  # type: ignore[arg-type]
        .sort("year", "status", "area_id")
    )
