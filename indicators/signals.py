"""mart.area_signals: every reason the product knows to look at an area, as data.

One signal model for the overview (domain.md §6): each row is one signal of
one area in one list year under one regime (the regime in force, and every
other regime for what-if), with codes and numbers, never sentences; the site
writes the words and colours an area by its most severe row. The rules'
colours and numbers are in catalogue.yaml (`signals:`).

- status: one row, the most severe list status held; no criterion or numbers.
- forebyggelse: one row per criterion met at the forebyggelse level, with its
  value, forebyggelse threshold and distance.
- floor: one row per status whose criteria hold below the resident floor;
  value = residents, threshold = the floor.
- near: one row per status and criterion one short and within the margin, with
  its value, the threshold at the level the status counts it and the
  (negative) distance.
- projected: one row per status the trend reaches within the next lists;
  projected_year = the first such list.
- survey: one row per item whose deciding wave found the area significantly
  over the rest; indicator_id = the item, value = the area's share, threshold
  = the rest's share, distance_pp = the difference.
- local: one row when the local model's category of data year L -
  `data_year_lag` (mart.local_categories) is one of the rule's categories (red,
  orange), in the category's own colour; value = the area's known points
  (points_min), threshold = the category's lowest total. A category left
  undecided by unknown indicators (NULL) gives no row.

`status` names the status the row is about (NULL for survey and local rows). A
survey row's threshold is the share of the rest of the wave, the reference
the significance test used (indicators/survey/results.py); it is recomputed
from the published counts (the `all` row minus the area) and is NULL for a
wave with post-stratification weights, whose weighted rest share the marts
do not hold. A wave decides for its area and item when its `vs_rest` is
known (not suppressed); in list year L the newest deciding wave of year
<= L counts, and it signals only while L <= its year + `lists_after_wave`.
"""

from __future__ import annotations

import polars as pl

from indicators.catalogue import Catalogue
from indicators.early_warning import (
    WATCH_SIGNAL_SCHEMA,
    EarlyWarningConfig,
    describe_criteria,
    watch_signals,
)
from indicators.local_model import LocalModel
from indicators.status_rules import status_levels
from indicators.survey.results import ALL_AREAS

AREA_SIGNALS_SCHEMA = {
    "area_id": pl.Utf8,
    "year": pl.Int32,
    "regime": pl.Utf8,
    "signal": pl.Utf8,
    "colour": pl.Utf8,
    "indicator_id": pl.Utf8,
    "value": pl.Float64,
    "threshold": pl.Float64,
    "distance_pp": pl.Float64,
    "wave_id": pl.Utf8,
    "projected_year": pl.Int32,
    "status": pl.Utf8,
}
LIST_KEY = ["area_id", "year", "regime"]
# A share recomputed from the counts differs from the published one only by
# rounding, unless the wave is weighted.
SHARE_TOLERANCE = 1e-9


def compute_area_signals(
    area_status: pl.DataFrame,
    indicator_values: pl.DataFrame,
    survey_results: pl.DataFrame,
    catalogue: Catalogue,
    config: EarlyWarningConfig | None = None,
    local_categories: pl.DataFrame | None = None,
    local_model: LocalModel | None = None,
) -> pl.DataFrame:
    """All signals of every area, list year and regime of `area_status` (mart tables);
    the local signal needs mart.local_categories and the model that made them."""
    described = describe_criteria(indicator_values, catalogue, config, every_regime=True)
    parts = [
        status_signals(area_status, catalogue),
        forebyggelse_signals(area_status, described, catalogue),
        watch_signals(described, area_status, catalogue).drop("level"),
        survey_signals(area_status, survey_results, catalogue),
        local_signals(area_status, local_categories, local_model, catalogue),
    ]
    colours = pl.DataFrame({
        "signal": ["status", "forebyggelse", "floor", "near", "projected", "survey"],
        "colour": [catalogue.signals.colour(code) for code in
                   ("status", "forebyggelse", "floor", "near", "projected", "survey")],
    })
    rank = {colour: i for i, colour in enumerate(catalogue.signals.severity)}
    # Local rows bring their own colour (the category's); the others take their rule's.
    rows = pl.concat([_fields(p) for p in parts]).join(
        colours, on="signal", how="left", suffix="_rule").with_columns(
        pl.coalesce("colour_rule", "colour").alias("colour"))
    return (
        rows.with_columns(pl.col("colour").replace_strict(rank, default=len(rank))
                          .alias("_rank"))
        .sort("area_id", "year", "regime", "_rank", "signal", "status", "indicator_id",
              "wave_id", nulls_last=True)
        .select(list(AREA_SIGNALS_SCHEMA))
    )


def _fields(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with every column of the table, NULL where it does not apply."""
    return frame.select(
        [pl.col(c).cast(t) if c in frame.columns else pl.lit(None, t).alias(c)
         for c, t in AREA_SIGNALS_SCHEMA.items()]
    )


def status_signals(area_status: pl.DataFrame, catalogue: Catalogue) -> pl.DataFrame:
    """One `status` row per area-year-regime holding a list status: the most severe one.

    Under the 2010 and 2013 rules the ghetto list is reported as parallelsamfund
    (contract.md), so it gives a status row too."""
    statuses = [s for s in catalogue.signals.status.statuses if s in area_status.columns]
    most_severe = pl.coalesce([pl.when(pl.col(s).fill_null(False)).then(pl.lit(s))
                               for s in statuses])
    return (
        area_status.select(*LIST_KEY, most_severe.alias("status"))
        .filter(pl.col("status").is_not_null())
        .with_columns(pl.lit("status").alias("signal"))
    )


def forebyggelse_signals(area_status: pl.DataFrame, described: pl.DataFrame,
                         catalogue: Catalogue) -> pl.DataFrame:
    """One `forebyggelse` row per criterion a forebyggelsesområde meets at the level
    the status counts it (K5 and the four at the forebyggelse thresholds)."""
    status = catalogue.signals.forebyggelse.status
    counted = pl.DataFrame(
        [(regime_id, criterion, level)
         for regime_id, regime in catalogue.regimes.items() if status in regime.statuses
         for criterion, level in status_levels(regime, status).items()],
        schema={"regime": pl.Utf8, "indicator_id": pl.Utf8, "level": pl.Utf8}, orient="row")
    if status not in area_status.columns:
        return pl.DataFrame(schema={c: WATCH_SIGNAL_SCHEMA[c] for c in LIST_KEY})
    areas = area_status.filter(pl.col(status).fill_null(False)).select(LIST_KEY)
    return (
        described.join(counted, on=["regime", "indicator_id", "level"])
        .join(areas, on=LIST_KEY)
        .filter(pl.col("meets_threshold").fill_null(False))
        .select(*LIST_KEY, "indicator_id", "value", "threshold", "distance_pp",
                pl.lit(status).alias("status"), pl.lit("forebyggelse").alias("signal"))
    )


def survey_signals(area_status: pl.DataFrame, survey_results: pl.DataFrame,
                   catalogue: Catalogue) -> pl.DataFrame:
    """One `survey` row per area, list year, regime and item whose deciding wave found
    the area's share significantly `vs_rest` (over) the rest of the wave."""
    rule = catalogue.signals.survey
    areas = survey_results.filter(pl.col("area_id") != ALL_AREAS)
    totals = survey_results.filter(pl.col("area_id") == ALL_AREAS).select(
        "wave_id", "item_id", pl.col("n_answers").alias("all_n"),
        pl.col("n_positive").alias("all_positive"))
    weighted = _weighted_waves(survey_results)
    rest_n = pl.col("all_n") - pl.col("n_answers")
    rest_share = pl.when(~pl.col("wave_id").is_in(weighted) & (rest_n > 0)).then(
        100.0 * (pl.col("all_positive") - pl.col("n_positive")) / rest_n)
    deciding = (
        areas.filter(pl.col("vs_rest").is_not_null())
        .join(totals, on=["wave_id", "item_id"], how="left")
        .select("area_id", "item_id", "wave_id", pl.col("year").alias("wave_year"),
                "vs_rest", pl.col("share").alias("value"), rest_share.alias("threshold"))
    )
    list_years = area_status.select("area_id", "year").unique()
    newest = pl.col("wave_year") == pl.col("wave_year").max().over(
        "area_id", "item_id", "year")
    found = (
        list_years.join(deciding, on="area_id")
        .filter(pl.col("wave_year") <= pl.col("year"))
        .filter(newest)
        .filter((pl.col("vs_rest") == rule.vs_rest)
                & (pl.col("year") <= pl.col("wave_year") + rule.lists_after_wave))
    )
    return (
        found.join(area_status.select(LIST_KEY), on=["area_id", "year"])
        .select(*LIST_KEY, pl.col("item_id").alias("indicator_id"), "value", "threshold",
                (pl.col("value") - pl.col("threshold")).alias("distance_pp"), "wave_id",
                pl.lit("survey").alias("signal"))
    )


def _weighted_waves(survey_results: pl.DataFrame) -> list[str]:
    """Waves whose shares are not n_positive / n_answers: they carry weights."""
    counted = 100.0 * pl.col("n_positive") / pl.col("n_answers")
    off = (pl.col("share") - counted).abs() > SHARE_TOLERANCE * pl.max_horizontal(
        pl.col("share").abs(), pl.lit(1.0))
    return (
        survey_results.filter(pl.col("share").is_not_null() & (pl.col("n_answers") > 0))
        .filter(off).get_column("wave_id").unique().sort().to_list()
    )


def local_signals(area_status: pl.DataFrame, local_categories: pl.DataFrame | None,
                  model: LocalModel | None, catalogue: Catalogue) -> pl.DataFrame:
    """One `local` row per area, list year L and regime whose local category of data year
    L - data_year_lag is one the rule signals (domain.md §6), coloured as the category;
    none without the model's categories."""
    empty = pl.DataFrame(schema={c: AREA_SIGNALS_SCHEMA[c] for c in (*LIST_KEY, "signal")})
    if local_categories is None or model is None:
        return empty
    rule = catalogue.signals.local
    cutoffs = {"red": model.categories.red_from, "orange": model.categories.orange_from,
               "yellow": model.categories.yellow_from}
    signalled = local_categories.filter(pl.col("category").is_in(rule.categories)).select(
        "area_id",
        (pl.col("year") + rule.data_year_lag).cast(pl.Int32).alias("year"),
        pl.col("category").alias("colour"),
        pl.col("points_min").cast(pl.Float64).alias("value"),
        pl.col("category").replace_strict(cutoffs, return_dtype=pl.Float64).alias("threshold"),
    )
    return (
        area_status.select(LIST_KEY)
        .join(signalled, on=["area_id", "year"])
        .with_columns(pl.lit("local").alias("signal"))
    )
