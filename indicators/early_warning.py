"""Early warning: how close each area is to each threshold, where it is heading,
and which areas to watch.

Researchers note that 3-5 people moving can decide an area's status, so the
product shows the distance to every threshold and its trend, not just met /
not met (domain.md §2). Everything here describes the regime in force in each
list year; projections are simple linear extrapolations and say so (see
docs/method.md for the method and its limits).
"""

from __future__ import annotations

import polars as pl
from pydantic import BaseModel, ConfigDict, Field

from indicators.catalogue import Catalogue, Level, Regime
from indicators.status import regime_in_force_expr
from indicators.status_history import compute_official_comparison, compute_status_changes
from indicators.status_rules import MetAt, status_expressions, status_levels
from indicators.trends import add_projections, add_trends, criterion_distances

__all__ = [
    "EARLY_WARNING_SCHEMA",
    "EarlyWarningConfig",
    "compute_early_warning",
    "compute_official_comparison",
    "compute_status_changes",
    "watch_list",
]


class EarlyWarningConfig(BaseModel):
    """Settings of the early warning (each is a documented convention, not law)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    trend_lists: int = Field(5, ge=2, description="List years in the trend window (L-4..L).")
    min_points: int = Field(3, ge=3, description="Known values needed for a trend.")
    horizon_lists: int = Field(6, ge=1, description="Projections further ahead are not shown.")
    band_width: float = Field(1.0, ge=0, description="Band: slope ± this many standard errors.")
    near_margin_pp: float = Field(3.0, ge=0, description="'One criterion short' margin, pp.")
    projection_lists: int = Field(2, ge=1, description="Watch if projected to a status this soon.")
    floor_margin_share: float = Field(0.05, ge=0, description="Watch near the resident floor.")


EARLY_WARNING_SCHEMA = {
    "area_id": pl.Utf8,
    "year": pl.Int32,
    "regime": pl.Utf8,
    "indicator_id": pl.Utf8,
    "level": pl.Utf8,
    "comparison": pl.Utf8,
    "value": pl.Float64,
    "threshold": pl.Float64,
    "meets_threshold": pl.Boolean,
    "distance_pp": pl.Float64,
    "trend_pp_per_year": pl.Float64,
    "distance_trend_pp_per_year": pl.Float64,
    "slope_se": pl.Float64,
    "trend_points": pl.Int32,
    "projected_year": pl.Int32,
    "projected_year_low": pl.Int32,
    "projected_year_high": pl.Int32,
    "watch": pl.Boolean,
    "watch_reason": pl.Utf8,
}
AREA_YEAR = ["area_id", "year"]


def compute_early_warning(
    indicator_values: pl.DataFrame,
    area_status: pl.DataFrame,
    catalogue: Catalogue,
    config: EarlyWarningConfig | None = None,
) -> pl.DataFrame:
    """Per area, list year, criterion and threshold level (regime in force): distance,
    trend and projection; plus the area-year's `watch` flag and `watch_reason`
    (repeated on each of its rows; `watch_list()` gives one row per area-year)."""
    config = config or EarlyWarningConfig()
    history = criterion_distances(indicator_values, catalogue)
    current = history.filter(pl.col("regime") == regime_in_force_expr(catalogue, pl.col("year")))
    described = add_projections(
        add_trends(current, history, config.trend_lists, config.min_points),
        config.horizon_lists,
        config.band_width,
    )
    watch = _watch(described, area_status, catalogue, config)
    return (
        described.join(watch, on=AREA_YEAR, how="left")
        .with_columns(pl.col("watch").fill_null(False))
        .select(list(EARLY_WARNING_SCHEMA))
        .cast(EARLY_WARNING_SCHEMA)  # type: ignore[arg-type]
        .sort("area_id", "year", "indicator_id", "level")
    )


def watch_list(early_warning: pl.DataFrame) -> pl.DataFrame:
    """One row per area and list year: area_id, year, regime, watch, watch_reason."""
    return (
        early_warning.select("area_id", "year", "regime", "watch", "watch_reason")
        .unique()
        .sort("area_id", "year")
    )


def _wide(regime: Regime) -> list[pl.Expr]:
    """Aggregations turning one regime's criterion rows into columns per criterion and level."""
    columns = []
    for criterion, spec in regime.criteria.items():
        for level in ("main", "forebyggelse"):
            if spec.threshold_for(level) is None:
                continue
            this = (pl.col("indicator_id") == criterion) & (pl.col("level") == level)
            suffix = f"{criterion}_{level}"
            columns += [
                pl.col("meets_threshold").filter(this).first().alias(f"meets_{suffix}"),
                pl.col("distance_pp").filter(this).first().alias(f"distance_{suffix}"),
                pl.col("projected_year").filter(this).first().alias(f"flip_{suffix}"),
            ]
    return columns


def _watch(described: pl.DataFrame, area_status: pl.DataFrame, catalogue: Catalogue,
           config: EarlyWarningConfig) -> pl.DataFrame:
    frames = []
    for regime_id, regime in catalogue.regimes.items():
        rows = described.filter(pl.col("regime") == regime_id)
        if rows.is_empty():
            continue
        wide = rows.group_by(AREA_YEAR).agg(_wide(regime)).join(
            area_status.filter(pl.col("regime") == regime_id), on=AREA_YEAR, how="left")
        reasons = _watch_reasons(regime, config)
        frames.append(wide.select(
            *AREA_YEAR,
            pl.concat_str(reasons, separator="; ", ignore_nulls=True).alias("watch_reason"),
        ))
    if not frames:
        return pl.DataFrame(schema={"area_id": pl.Utf8, "year": pl.Int32, "watch": pl.Boolean,
                                    "watch_reason": pl.Utf8})
    return pl.concat(frames).with_columns(
        pl.when(pl.col("watch_reason") == "").then(None).otherwise(pl.col("watch_reason"))
        .alias("watch_reason")
    ).with_columns(pl.col("watch_reason").is_not_null().alias("watch"))


def _danish(number: pl.Expr) -> pl.Expr:
    """One decimal with a decimal comma; adding 0.0 turns -0.0 into 0.0."""
    return (number.round(1) + 0.0).cast(pl.Utf8).str.replace(".", ",", literal=True)


def _known(criterion: str, level: Level) -> pl.Expr:
    """Met now at this level; unknown counts as not met for watching."""
    return pl.col(f"meets_{criterion}_{level}").fill_null(False)


def _met_if_reached(target: str, at: Level) -> MetAt:
    """Current states, with `target` reaching level `at` (the list level implies the other)."""
    def met(criterion: str, level: Level) -> pl.Expr:
        if criterion == target and (level == at or at == "main"):
            return pl.lit(True)
        return _known(criterion, level)
    return met


def _met_in(lists_ahead: int) -> MetAt:
    """States projected `lists_ahead` list years on: flipped where the projection crosses."""
    def met(criterion: str, level: Level) -> pl.Expr:
        crossed = pl.col(f"flip_{criterion}_{level}") <= pl.col("year") + lists_ahead
        return _known(criterion, level) != crossed.fill_null(False)
    return met


def _watch_reasons(regime: Regime, config: EarlyWarningConfig) -> list[pl.Expr]:
    """One text expression per possible reason; NULL where it does not apply."""
    eligible = pl.col("eligible").fill_null(False)
    floor = regime.resident_floor
    near_floor = (pl.col("residents") - floor).abs() <= config.floor_margin_share * floor
    reasons: list[pl.Expr] = []
    for status, rule in regime.statuses.items():
        if rule.lookback is not None:
            continue  # history decides it, not distances
        held = pl.col(status).fill_null(False)
        # (a) one criterion short, and that one within the margin of its threshold
        for criterion, level in status_levels(regime, status).items():
            would_hold = status_expressions(regime, _met_if_reached(criterion, level), eligible)
            distance = pl.col(f"distance_{criterion}_{level}")
            near = ~_known(criterion, level) & (distance >= -config.near_margin_pp)
            reasons.append(pl.when(~held & near & would_hold[status]).then(pl.format(
                "{}: mangler {} ({} pp)", pl.lit(status), pl.lit(criterion), _danish(distance))))
        # (b) projected to hold within `projection_lists` lists: name the first such year
        first_year = pl.coalesce([
            pl.when(status_expressions(regime, _met_in(ahead), eligible)[status])
            .then(pl.col("year") + ahead)
            for ahead in range(1, config.projection_lists + 1)
        ])
        reasons.append(pl.when(~held & first_year.is_not_null()).then(pl.format(
            "{}: fremskrevet til {}", pl.lit(status), first_year)))
        # (c) its criteria hold, with residents within the margin of the floor
        criteria_hold = status_expressions(regime, _known, pl.lit(True))[status]
        reasons.append(pl.when(criteria_hold & near_floor).then(pl.format(
            "{}: {} beboere (grænse {})", pl.lit(status), pl.col("residents"), pl.lit(floor))))
    return reasons
