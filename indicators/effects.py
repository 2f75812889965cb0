"""Effect evaluation of the social-housing plans (domain.md §8 [convention]).

For each plan, area and indicator with annual values: the change from the pre window
(data years start-3 … start-1) to the post window (start+1 … min(end, latest)), against
the changes of comparison areas without a plan, as a difference in differences, with a
95 % interval and a placebo p-value. For survey items: the wave before against the wave
after, against the rest of those waves. Rows are shaped like `mart.plan_effects`
(contract.md). Pure functions: no Dagster, no DuckDB.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

from indicators.effects_stats import mean, sample_sd, t_quantile

PRE_YEARS = 3
MIN_WINDOW_YEARS = 2
MIN_COMPARISON = 5
TWINS = 10
OPEN_END = 9999
# Comparison changes derived from decimal inputs carry float noise: a placebo change
# exactly as far from 0 as the effect must count as "at least as far".
TIE_TOLERANCE = 1e-9

EFFECT_COLUMNS = {
    "plan_id": pl.Utf8, "area_id": pl.Utf8, "indicator_id": pl.Utf8, "comparison": pl.Utf8,
    "pre_period": pl.Utf8, "post_period": pl.Utf8, "pre_value": pl.Float64,
    "post_value": pl.Float64, "change": pl.Float64, "comparison_change": pl.Float64,
    "n_comparison": pl.Int64, "effect": pl.Float64, "ci_low": pl.Float64,
    "ci_high": pl.Float64, "placebo_p": pl.Float64,
    "comparison_areas": pl.List(pl.Utf8),
}


@dataclass(frozen=True)
class PlanArea:
    """One row of areas/plans.csv: a plan in one area."""

    plan_id: str
    area_id: str
    start_year: int
    end_year: int | None

    @property
    def last_year(self) -> int:
        return OPEN_END if self.end_year is None else self.end_year

    def pre_years(self) -> range:
        return range(self.start_year - PRE_YEARS, self.start_year)

    def post_years(self, latest: int) -> range:
        return range(self.start_year + 1, min(self.last_year, latest) + 1)

    def pool_window(self) -> tuple[int, int]:
        """The years an area's own plan must not touch for it to be a comparison area."""
        return self.start_year - PRE_YEARS, self.last_year


@dataclass(frozen=True)
class Comparison:
    """The plan area's change against a set of comparison changes."""

    comparison_change: float | None
    n: int
    effect: float | None
    ci_low: float | None
    ci_high: float | None
    placebo_p: float | None


def plan_areas(plans: pl.DataFrame) -> list[PlanArea]:
    return [PlanArea(r["plan_id"], r["area_id"], r["start_year"], r["end_year"])
            for r in plans.select("plan_id", "area_id", "start_year", "end_year")
            .iter_rows(named=True)]


def period(years: range) -> str | None:
    """Data years as mart.indicator_values writes them: `2006-2008`, a single year alone."""
    if not len(years):
        return None
    return str(years.start) if len(years) == 1 else f"{years.start}-{years.stop - 1}"


def compare(change: float | None, comparison_changes: list[float]) -> Comparison:
    """Difference in differences against the comparison changes (domain.md §8)."""
    n = len(comparison_changes)
    if n == 0:
        return Comparison(None, 0, None, None, None, None)
    centre = mean(comparison_changes)
    effect = None if change is None else change - centre
    if n < MIN_COMPARISON or effect is None:
        return Comparison(centre, n, effect, None, None, None)
    half = t_quantile(0.975, n - 1) * sample_sd(comparison_changes) * math.sqrt(1 + 1 / n)
    total = math.fsum(comparison_changes)
    # c_j - mean(others) = (n c_j - S) / (n - 1), compared with |effect| without dividing.
    bar = abs(effect) * (n - 1)
    extreme = sum(1 for c in comparison_changes
                  if abs(n * c - total) >= bar - TIE_TOLERANCE * max(1.0, bar))
    return Comparison(centre, n, effect, effect - half, effect + half, (1 + extreme) / (1 + n))


def choose_twins(target_pre: float | None, candidates: Iterable[tuple[str, float]]) -> list[str]:
    """The TWINS candidates whose pre mean is closest to the plan area's, ties by area_id."""
    if target_pre is None:
        return []
    ranked = sorted(candidates, key=lambda c: (abs(c[1] - target_pre), c[0]))
    return [area for area, _ in ranked[:TWINS]]


def excluded_areas(plans: list[PlanArea], row: PlanArea) -> set[str]:
    """Areas with a plan of their own in `start-3 … end` of `row` (years inclusive)."""
    low, high = row.pool_window()
    return {p.area_id for p in plans if p.start_year <= high and low <= p.last_year}


def register_effects(
    plans: pl.DataFrame, values: pl.DataFrame, latest: int | None = None
) -> pl.DataFrame:
    """`mart.plan_effects` rows for indicators with annual values.

    `values`: `delimitation_year, area_id, indicator_id, year, value` — each area's value
    in data year `year` over the afdelinger it had in `delimitation_year` (see
    `delimited_values`); a plan row reads the values delimited by its start year, for
    its own area and the comparison areas alike. `latest` defaults to the newest data
    year with a known value.
    """
    key = ["delimitation_year", "area_id", "indicator_id", "year"]
    if values.select(key).is_duplicated().any():
        raise ValueError("values hold a (delimitation_year, area_id, indicator_id, year) "
                         "more than once: a window mean would count that year twice")
    known = values.filter(pl.col("value").is_not_null())
    if latest is None:
        latest = known["year"].max() if known.height else None
    rows: list[dict] = []
    if latest is None:
        return effect_frame(rows)
    everyone = plan_areas(plans)
    indicators = sorted(values["indicator_id"].unique().to_list())
    means: dict[tuple, dict] = {}
    for row in everyone:
        windows = (row.start_year, row.pre_years(), row.post_years(latest))
        if windows not in means:
            means[windows] = _window_means(known, *windows)
        by_indicator = means[windows]
        excluded = excluded_areas(everyone, row)
        for indicator in indicators:
            rows += _register_rows(row, indicator, by_indicator.get(indicator, {}), excluded,
                                   latest)
    return effect_frame(rows)


def _window_means(known: pl.DataFrame, delimitation: int, pre_years: range,
                  post_years: range) -> dict[str, dict[str, tuple[float | None, float | None]]]:
    """{indicator_id: {area_id: (pre mean, post mean)}} under one delimitation: each mean
    over the window's known years, None with fewer than MIN_WINDOW_YEARS of them."""
    def windowed(years: range, name: str) -> list[pl.Expr]:
        inside = pl.col("year").is_between(years.start, years.stop - 1) if len(years) \
            else pl.lit(False)
        return [pl.col("value").filter(inside).mean().alias(name),
                inside.sum().alias(f"{name}_n")]

    table = (
        known.filter(pl.col("delimitation_year") == delimitation)
        .group_by("indicator_id", "area_id")
        .agg(*windowed(pre_years, "pre"), *windowed(post_years, "post"))
    )
    out: dict[str, dict[str, tuple[float | None, float | None]]] = {}
    for indicator, area, pre, pre_n, post, post_n in table.select(
            "indicator_id", "area_id", "pre", "pre_n", "post", "post_n").iter_rows():
        out.setdefault(indicator, {})[area] = (pre if pre_n >= MIN_WINDOW_YEARS else None,
                                               post if post_n >= MIN_WINDOW_YEARS else None)
    return out


def _register_rows(row: PlanArea, indicator: str, by_area: dict, excluded: set[str],
                   latest: int) -> list[dict]:
    pre_years, post_years = row.pre_years(), row.post_years(latest)
    pre, post = by_area.get(row.area_id, (None, None))
    change = None if pre is None or post is None else post - pre
    candidates: dict[str, tuple[float, float]] = {
        area: (a_pre, a_post - a_pre)
        for area, (a_pre, a_post) in sorted(by_area.items())
        if area not in excluded and a_pre is not None and a_post is not None
    }
    twins = choose_twins(pre, ((a, v[0]) for a, v in candidates.items()))
    sets = {"all": (list(candidates), None), "twins": (twins, twins)}
    out = []
    for name, (members, listed) in sets.items():
        result = compare(change, [candidates[a][1] for a in members])
        out.append({
            "plan_id": row.plan_id, "area_id": row.area_id, "indicator_id": indicator,
            "comparison": name, "pre_period": period(pre_years),
            "post_period": period(post_years), "pre_value": pre, "post_value": post,
            "change": change, **_comparison_fields(result), "comparison_areas": listed,
        })
    return out


def _comparison_fields(result: Comparison) -> dict:
    return {"comparison_change": result.comparison_change, "n_comparison": result.n,
            "effect": result.effect, "ci_low": result.ci_low, "ci_high": result.ci_high,
            "placebo_p": result.placebo_p}


def effect_frame(rows: list[dict]) -> pl.DataFrame:
    frame = pl.DataFrame(rows, schema=EFFECT_COLUMNS, orient="row") if rows else \
        pl.DataFrame(schema=EFFECT_COLUMNS)
    return frame.sort("plan_id", "area_id", "indicator_id", "comparison")


def delimited_values(
    terms: pl.DataFrame, membership: pl.DataFrame, delimitation_years: Iterable[int]
) -> pl.DataFrame:
    """Each area's annual value over the afdelinger it had in each delimitation year.

    `terms`: `afdeling_id, indicator_id, year, numerator, denominator, factor` — value =
    factor · Σ numerator / Σ denominator over the area's afdelinger (factor 100 for a
    percentage; the same for every afdeling of an area). A value is known only when every
    afdeling of the delimitation has a known numerator and denominator that year and the
    denominator sum is positive: a missing afdeling would change the area, not its rate.
    """
    years = pl.DataFrame({"delimitation_year": sorted(set(delimitation_years))},
                         schema={"delimitation_year": pl.Int64})
    members = (
        membership.select("area_id", "afdeling_id", "valid_from", "valid_to")
        .join(years, how="cross")
        .filter((pl.col("valid_from") <= pl.col("delimitation_year"))
                & (pl.col("valid_to").fill_null(OPEN_END) >= pl.col("delimitation_year")))
        .select("delimitation_year", "area_id", "afdeling_id")
    )
    size = members.group_by("delimitation_year", "area_id").agg(pl.len().alias("_members"))
    known_term = pl.col("numerator").is_not_null() & pl.col("denominator").is_not_null()
    sums = (
        members.join(terms.with_columns(pl.col("numerator", "denominator", "factor")
                                        .cast(pl.Float64)), on="afdeling_id")
        .group_by("delimitation_year", "area_id", "indicator_id", "year")
        .agg(known_term.sum().alias("_known"), pl.col("numerator").sum().alias("_num"),
             pl.col("denominator").sum().alias("_den"), pl.col("factor").first().alias("_f"))
        .join(size, on=["delimitation_year", "area_id"])
    )
    value = (pl.when((pl.col("_known") == pl.col("_members")) & (pl.col("_den") > 0))
             .then(pl.col("_f") * pl.col("_num") / pl.col("_den")))
    return (
        sums.select("delimitation_year", "area_id", "indicator_id",
                    pl.col("year").cast(pl.Int64), value.alias("value"))
        .sort("delimitation_year", "area_id", "indicator_id", "year")
    )
