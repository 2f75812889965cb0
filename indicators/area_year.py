"""Residents per area and data year, through the membership valid in that year."""

from __future__ import annotations

import polars as pl


def members_by_year(membership: pl.DataFrame, years: pl.Series) -> pl.DataFrame:
    """One row per (area, afdeling, year) for the years the membership is valid."""
    year_frame = pl.DataFrame({"year": years.unique().sort().cast(pl.Int32)})
    return membership.join(year_frame, how="cross").filter(
        (pl.col("year") >= pl.col("valid_from"))
        & (pl.col("year") <= pl.col("valid_to").fill_null(9999))
    ).select("area_id", "afdeling_id", "year")


def area_residents(kaas: pl.DataFrame, membership: pl.DataFrame) -> pl.DataFrame:
    """Residents on 1 January per area and data year.

    Counts are summed over the area's afdelinger that year; one suppressed or
    missing afdeling makes the area's figure unknown (NULL), never smaller
    (domain.md §4: no bounding or imputation).
    """
    residents = kaas.filter(pl.col("maal") == "beboere").select(
        "afdeling_id", pl.col("aar").cast(pl.Int32).alias("year"), "vaerdi"
    )
    members = members_by_year(membership, residents["year"])
    joined = members.join(residents, on=["afdeling_id", "year"], how="left")
    return (
        joined.group_by("area_id", "year")
        .agg(
            pl.when(pl.col("vaerdi").null_count() == 0)
            .then(pl.col("vaerdi").sum())
            .otherwise(None)
            .cast(pl.Int64)
            .alias("residents"),
            pl.len().cast(pl.Int32).alias("afdelinger"),
        )
        .sort("area_id", "year")
    )


def municipality_totals(kaas: pl.DataFrame, afdelinger: pl.DataFrame) -> pl.DataFrame:
    """Every measure summed over each municipality's afdelinger, per data year.

    The context beside an area's figures: the municipality's social housing as a
    whole. A suppressed cell makes that sum unknown, as everywhere.
    """
    joined = kaas.join(afdelinger.select("afdeling_id", "municipality_code"), on="afdeling_id")
    return (
        joined.group_by("municipality_code", pl.col("aar").alias("year"), "maal")
        .agg(
            pl.when(pl.col("suppressed").any())
            .then(None)
            .otherwise(pl.col("vaerdi").sum())
            .cast(pl.Float64)
            .alias("vaerdi"),
            pl.len().cast(pl.Int32).alias("afdelinger"),
            pl.col("suppressed").any().alias("suppressed"),
        )
        .sort("municipality_code", "year", "maal")
    )
