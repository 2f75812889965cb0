"""The inputs of `mart.plan_effects` from staged data (domain.md §8): the list criteria
K1–K5 and the local model's register indicators (domain.md §7) as annual per-afdeling
terms, and the whole table from plans, terms, membership and
`mart.survey_results`. Pure Polars; the estimator itself is `indicators.effects` and
`indicators.effects_survey`.

One definition per indicator for every data year: the catalogue's definition under the
newest regime that uses the indicator. A plan's pre and post windows then measure the same
thing even where the rules changed between them (K3 counted unknown education until the
2018 rules): a changed definition must not show up as an effect.
"""

from __future__ import annotations

import polars as pl

from indicators.catalogue import Catalogue, Definition
from indicators.effects import (
    PlanValues,
    PlanWindows,
    effect_frame,
    plan_areas,
    plan_register_effects,
    plan_values,
)
from indicators.effects_survey import survey_effects
from indicators.local_model import LocalModel
from indicators.local_scoring import MICRO, _cells, _measure_pairs, _wide_cells
from indicators.plan_series import plan_series

TERMS_SCHEMA = {"afdeling_id": pl.Utf8, "indicator_id": pl.Utf8, "year": pl.Int64,
                "numerator": pl.Float64, "denominator": pl.Float64, "factor": pl.Float64}
PLANS_COLUMNS = {"plan_id": pl.Utf8, "plan_name": pl.Utf8, "area_id": pl.Utf8,
                 "start_year": pl.Int32, "end_year": pl.Int32}
PERCENT = 100.0


def no_plans() -> pl.DataFrame:
    """staging.plans when the optional areas/plans.csv is absent."""
    return pl.DataFrame(schema=PLANS_COLUMNS)


def current_definitions(catalogue: Catalogue) -> list[Definition]:
    """Each indicator's definition under the newest regime that uses it."""
    out = []
    for indicator_id in catalogue.indicators:
        regime = next((r for r in reversed(catalogue.regime_ids)
                       if indicator_id in catalogue.regimes[r].criteria), None)
        if regime is not None:
            out.append(catalogue.definition(regime, indicator_id))
    return out


def criteria_measures(catalogue: Catalogue) -> list[str]:
    """The KÅS measures `criteria_terms` reads: the rest of staging.kaas need not be
    fetched."""
    return sorted({m for d in current_definitions(catalogue) for m in (*d.numerator,
                                                                       d.denominator)})


def criteria_terms(kaas: pl.DataFrame, membership: pl.DataFrame, areas: pl.DataFrame,
                   regional: pl.DataFrame, catalogue: Catalogue) -> pl.DataFrame:
    """Per afdeling, indicator and data year: numerator, denominator and the factor that
    makes factor · Σ numerator / Σ denominator the area's value in percent (see
    `delimited_values`). A numerator is known only when every measure it sums is
    delivered and unsuppressed. K4's factor is 100 over the regional mean income of the
    afdeling's region (through its area) that year; unknown when that mean is.
    """
    definitions = current_definitions(catalogue)
    needed = criteria_measures(catalogue)
    cells = (
        kaas.filter(pl.col("maal").is_in(needed)
                    & pl.col("afdeling_id").is_in(membership["afdeling_id"].implode()))
        .select("afdeling_id", pl.col("aar").cast(pl.Int64).alias("year"), "maal",
                pl.when(~pl.col("suppressed").fill_null(False))
                .then(pl.col("vaerdi").cast(pl.Float64)).alias("value"))
    )
    region = (membership.select("afdeling_id", "area_id")
              .join(areas.select("area_id", pl.col("region_code").cast(pl.Int64)), on="area_id")
              .group_by("afdeling_id").agg(pl.col("region_code").min()))
    parts = [_terms(cells, d, region, regional) for d in definitions]
    if not parts:
        return pl.DataFrame(schema=TERMS_SCHEMA)
    return pl.concat(parts)


def _terms(cells: pl.DataFrame, definition: Definition, region: pl.DataFrame,
           regional: pl.DataFrame) -> pl.DataFrame:
    numerator = (
        cells.filter(pl.col("maal").is_in(list(definition.numerator)))
        .group_by("afdeling_id", "year")
        .agg(pl.when(pl.col("value").is_not_null().sum() == len(definition.numerator))
             .then(pl.col("value").sum()).alias("numerator"))
    )
    denominator = (cells.filter(pl.col("maal") == definition.denominator)
                   .select("afdeling_id", "year", pl.col("value").alias("denominator")))
    keys = pl.concat([numerator.select("afdeling_id", "year"),
                      denominator.select("afdeling_id", "year")]).unique()
    terms = (keys.join(numerator, on=["afdeling_id", "year"], how="left")
             .join(denominator, on=["afdeling_id", "year"], how="left"))
    if definition.kind == "income_relative_to_region":
        means = (
            regional.filter(pl.col("maal") == definition.regional_reference)
            .select(pl.col("region_code").cast(pl.Int64), pl.col("aar").cast(pl.Int64)
                    .alias("year"),
                    pl.when(~pl.col("suppressed").fill_null(False))
                    .then(pl.col("vaerdi").cast(pl.Float64)).alias("mean"))
        )
        terms = (terms.join(region, on="afdeling_id", how="left")
                 .join(means, on=["region_code", "year"], how="left")
                 .with_columns(pl.when(pl.col("mean") > 0)
                               .then(PERCENT / pl.col("mean")).alias("factor")))
    else:
        terms = terms.with_columns(pl.lit(PERCENT).alias("factor"))
    return terms.with_columns(pl.lit(definition.indicator_id).alias("indicator_id")).select(
        list(TERMS_SCHEMA)).cast(TERMS_SCHEMA)  # type: ignore[arg-type]


def local_terms(model: LocalModel, cells: pl.DataFrame,
                membership: pl.DataFrame) -> pl.DataFrame:
    """The local model's register indicators as terms: per afdeling (of any area), data
    year and indicator the numerator and denominator cells as `local_scoring` reads them
    (NULL when suppressed or not delivered; an afdeling with no cell that year has no row,
    so its area is unknown, as in `mart.local_indicators`) and the model's scale as the
    factor. Survey indicators are left out: the survey effects evaluate their item.

    `cells`: `afdeling_id, aar, maal, vaerdi, suppressed` (staging.kaas with staging.local
    as the local model's asset combines them)."""
    pairs = _measure_pairs(model)
    if not pairs.height:
        return pl.DataFrame(schema=TERMS_SCHEMA)
    cells = cells.filter(pl.col("afdeling_id").is_in(membership["afdeling_id"].implode()))
    measures = model.measures()
    keys = cells.select("afdeling_id", pl.col("aar").cast(pl.Int32).alias("year")).unique()
    wide = _wide_cells(keys, _cells(cells, measures), measures)
    return pl.concat([
        wide.select("afdeling_id", pl.lit(ind_id).alias("indicator_id"), "year",
                    (pl.col(f"u:{num}").cast(pl.Float64) / MICRO).alias("numerator"),
                    (pl.col(f"u:{den}").cast(pl.Float64) / MICRO).alias("denominator"),
                    pl.lit(float(scale)).alias("factor"))
        .cast(TERMS_SCHEMA)  # type: ignore[arg-type]
        for ind_id, num, den, scale in pairs.select(
            "indicator_id", "num_maal", "den_maal", "scale").iter_rows()
    ])


def plan_effects(plans: pl.DataFrame, terms: pl.DataFrame | PlanValues | None,
                 membership: pl.DataFrame, survey_results: pl.DataFrame,
                 latest: int | None) -> pl.DataFrame:
    """`mart.plan_effects`: register rows (`all`, `twins`) for every plan row and term
    indicator, survey rows (`rest_of_wave`) where a pre and a post wave cover the area.
    `latest` is the newest data year in the data (None: no data, no effects); `terms` may
    be None only without plans (the refresh skips building them then), or the terms'
    `plan_values` already delimited."""
    return effects_and_series(plans, terms, membership, survey_results, latest)[0]


def effects_and_series(plans: pl.DataFrame, terms: pl.DataFrame | PlanValues | None,
                       membership: pl.DataFrame, survey_results: pl.DataFrame,
                       latest: int | None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """`plan_effects` and `mart.plan_series` (`plan_series`) from one delimitation of the
    terms and one set of windows and pools: the chart is drawn from the very means the
    effects are."""
    plan_rows = plans.select("plan_id", "area_id", pl.col("start_year").cast(pl.Int64),
                             pl.col("end_year").cast(pl.Int64))
    if latest is None or plan_rows.is_empty():
        return effect_frame([]), plan_series(plans, None, None)
    if terms is None:
        raise ValueError("plans need the criteria terms (criteria_terms) to be evaluated")
    values = terms if isinstance(terms, PlanValues) else \
        plan_values(terms, membership, plan_rows, latest)
    windows = PlanWindows(values, plan_areas(plan_rows), latest)
    register = plan_register_effects(plan_rows, values, latest, windows)
    survey = survey_effects(plan_rows, survey_results, latest=latest)
    effects = pl.concat([register, survey]).sort("plan_id", "area_id", "indicator_id",
                                                 "comparison")
    return effects, plan_series(plan_rows, values, latest, windows)
