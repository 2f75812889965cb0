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
    "WATCH_SIGNALS",
    "WATCH_SIGNAL_SCHEMA",
    "EarlyWarningConfig",
    "compute_early_warning",
    "compute_official_comparison",
    "compute_status_changes",
    "describe_criteria",
    "watch_list",
    "watch_signals",
]


class EarlyWarningConfig(BaseModel):
    """Settings of the trends (each is a documented convention, not law). The watch
    rules' margins are the signal rules' (catalogue.yaml, `signals:`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    trend_lists: int = Field(5, ge=2, description="List years in the trend window (L-4..L).")
    min_points: int = Field(3, ge=3, description="Known values needed for a trend.")
    horizon_lists: int = Field(6, ge=1, description="Projections further ahead are not shown.")
    band_width: float = Field(1.0, ge=0, description="Band: slope ± this many standard errors.")


# The signals (domain.md §6) that put an area on watch: they describe where it is
# heading, not a status it holds.
WATCH_SIGNALS = ("floor", "near", "projected")

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
    "watch_codes": pl.List(pl.Utf8),
}
# One reason an area is on watch, with its numbers (rows of mart.area_signals).
WATCH_SIGNAL_SCHEMA = {
    "area_id": pl.Utf8,
    "year": pl.Int32,
    "regime": pl.Utf8,
    "signal": pl.Utf8,
    "status": pl.Utf8,
    "indicator_id": pl.Utf8,
    "level": pl.Utf8,
    "value": pl.Float64,
    "threshold": pl.Float64,
    "distance_pp": pl.Float64,
    "projected_year": pl.Int32,
}
AREA_YEAR = ["area_id", "year"]
# Distances are floating point; a value exactly at the margin (3.0 pp) must count
# as within it whatever rounding the subtraction picked up.
MARGIN_TOLERANCE = 1e-9


def describe_criteria(
    indicator_values: pl.DataFrame,
    catalogue: Catalogue,
    config: EarlyWarningConfig | None = None,
    every_regime: bool = False,
) -> pl.DataFrame:
    """Distance, trend and projection per area, list year, criterion and level: under
    the regime in force in each list year, or (`every_regime`) under every regime, for
    what-if. A regime's trend uses its own what-if rows for the earlier years."""
    config = config or EarlyWarningConfig()
    history = criterion_distances(indicator_values, catalogue)
    current = history if every_regime else history.filter(
        pl.col("regime") == regime_in_force_expr(catalogue, pl.col("year")))
    return add_projections(
        add_trends(current, history, config.trend_lists, config.min_points),
        config.horizon_lists,
        config.band_width,
    )


def compute_early_warning(
    indicator_values: pl.DataFrame,
    area_status: pl.DataFrame,
    catalogue: Catalogue,
    config: EarlyWarningConfig | None = None,
) -> pl.DataFrame:
    """Per area, list year, criterion and threshold level (regime in force): distance,
    trend and projection; plus the area-year's `watch` flag and `watch_codes` (the
    watch signals it carries, repeated on each of its rows; `watch_list()` gives one
    row per area-year, `watch_signals()` the reasons with their numbers)."""
    described = describe_criteria(indicator_values, catalogue, config)
    codes = (
        watch_signals(described, area_status, catalogue)
        .group_by(AREA_YEAR)
        .agg(pl.col("signal").unique().sort().alias("watch_codes"))
    )
    return (
        described.join(codes, on=AREA_YEAR, how="left")
        .with_columns(pl.col("watch_codes").fill_null(pl.lit([], pl.List(pl.Utf8))))
        .with_columns((pl.col("watch_codes").list.len() > 0).alias("watch"))
        .select(list(EARLY_WARNING_SCHEMA))
        .cast(EARLY_WARNING_SCHEMA)  # type: ignore[arg-type]
        .sort("area_id", "year", "indicator_id", "level")
    )


def watch_list(early_warning: pl.DataFrame) -> pl.DataFrame:
    """One row per area and list year: area_id, year, regime, watch, watch_codes."""
    return (
        early_warning.select("area_id", "year", "regime", "watch", "watch_codes")
        .unique(subset=["area_id", "year"])
        .sort("area_id", "year")
    )


def watch_signals(described: pl.DataFrame, area_status: pl.DataFrame,
                  catalogue: Catalogue) -> pl.DataFrame:
    """The `near`, `projected` and `floor` signals (domain.md §6) of every area-year and
    regime in `described` (describe_criteria), one row per reason (WATCH_SIGNAL_SCHEMA).

    - near: one criterion short of a status (not held) and the missing criterion within
      `signals.near.margin_pp` of its threshold, at the level the status counts it;
      one row per such criterion and status.
    - projected: the trend makes the status hold within `signals.projected.lists` lists;
      one row per status with the first such year.
    - floor: the status's criteria hold but residents are below the resident floor by at
      most `signals.floor.margin_share` of it; value = residents, threshold = the floor.
    Statuses decided by the look-back (omdannelse) are left out: history decides them.
    """
    frames = []
    for regime_id, regime in catalogue.regimes.items():
        rows = described.filter(pl.col("regime") == regime_id)
        if rows.is_empty():
            continue
        wide = _wide(rows, regime).join(
            area_status.filter(pl.col("regime") == regime_id).drop("regime"),
            on=AREA_YEAR, how="left")
        frames += [wide.filter(when).select(
            *AREA_YEAR, pl.lit(regime_id).alias("regime"), *fields)
            for when, fields in _watch_rules(regime, catalogue)]
    if not frames:
        return pl.DataFrame(schema=WATCH_SIGNAL_SCHEMA)
    return (
        pl.concat([f.cast(WATCH_SIGNAL_SCHEMA) for f in frames])  # type: ignore[arg-type]
        .sort("area_id", "year", "regime", "signal", "status", "indicator_id",
              nulls_last=True)
    )


WIDE_FIELDS = {"meets_threshold": "meets", "distance_pp": "distance",
               "projected_year": "flip", "value": "value", "threshold": "threshold"}


def _wide(rows: pl.DataFrame, regime: Regime) -> pl.DataFrame:
    """One regime's criterion rows as one row per area-year, with a column per field,
    criterion and level (`meets_k1_uden_tilknytning_main`, ...). One join per criterion
    and level: a pivot or filtered aggregations were several times slower nationally."""
    wide = rows.select(AREA_YEAR).unique()
    for criterion, spec in regime.criteria.items():
        for level in ("main", "forebyggelse"):
            if spec.threshold_for(level) is None:
                continue
            suffix = f"{criterion}_{level}"
            this = rows.filter((pl.col("indicator_id") == criterion) & (pl.col("level") == level))
            wide = wide.join(this.select(*AREA_YEAR, *[
                pl.col(field).alias(f"{alias}_{suffix}") for field, alias in WIDE_FIELDS.items()
            ]), on=AREA_YEAR, how="left")
    return wide


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


def _signal(signal: str, status: str, indicator_id: str | None = None,
            level: str | None = None, value: pl.Expr | None = None,
            threshold: pl.Expr | None = None, distance: pl.Expr | None = None,
            projected_year: pl.Expr | None = None) -> list[pl.Expr]:
    """The fields of one watch-signal row (NULL where they do not apply)."""
    def field(expr: pl.Expr | str | None, name: str) -> pl.Expr:
        return (pl.lit(None) if expr is None else
                pl.lit(expr) if isinstance(expr, str) else expr).alias(name)
    return [pl.lit(signal).alias("signal"), pl.lit(status).alias("status"),
            field(indicator_id, "indicator_id"), field(level, "level"),
            field(value, "value"), field(threshold, "threshold"),
            field(distance, "distance_pp"), field(projected_year, "projected_year")]


def _watch_rules(regime: Regime, catalogue: Catalogue) -> list[tuple[pl.Expr, list[pl.Expr]]]:
    """(condition, fields) per possible watch signal of a regime, on its wide frame."""
    rules = catalogue.signals
    eligible = pl.col("eligible").fill_null(False)
    floor = regime.resident_floor
    lowest = float(floor - floor * rules.floor.margin_share)
    below_floor = (pl.col("residents") < floor) & (pl.col("residents") >= lowest)
    margin = float(rules.near.margin_pp) + MARGIN_TOLERANCE
    found: list[tuple[pl.Expr, list[pl.Expr]]] = []
    for status, rule in regime.statuses.items():
        if rule.lookback is not None:
            continue  # history decides it, not distances
        held = pl.col(status).fill_null(False)
        # near: one criterion short, and that one within the margin of its threshold
        for criterion, level in status_levels(regime, status).items():
            would_hold = status_expressions(regime, _met_if_reached(criterion, level), eligible)
            suffix = f"{criterion}_{level}"
            distance = pl.col(f"distance_{suffix}")
            near = ~_known(criterion, level) & (distance >= -margin)
            found.append((~held & near & would_hold[status], _signal(
                "near", status, criterion, level, pl.col(f"value_{suffix}"),
                pl.col(f"threshold_{suffix}"), distance)))
        # projected: holds within `lists` lists; the first such year
        first_year = pl.coalesce([
            pl.when(status_expressions(regime, _met_in(ahead), eligible)[status])
            .then(pl.col("year") + ahead)
            for ahead in range(1, rules.projected.lists + 1)
        ])
        found.append((~held & first_year.is_not_null(),
                      _signal("projected", status, projected_year=first_year)))
        # floor: its criteria hold, with residents just below the floor
        criteria_hold = status_expressions(regime, _known, pl.lit(True))[status]
        found.append((criteria_hold & below_floor, _signal(
            "floor", status, value=pl.col("residents").cast(pl.Float64),
            threshold=pl.lit(float(floor)))))
    return found
