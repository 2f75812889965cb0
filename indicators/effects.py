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
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

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


class ComparisonSet:
    """One set of comparison changes, summarised once: every plan row of a plan (the same
    windows, the same areas left out) is compared against the same `all` set, so its
    mean, interval width and placebo distances are computed once, not per row."""

    def __init__(self, comparison_changes: list[float]) -> None:
        self.n = n = len(comparison_changes)
        self.centre = mean(comparison_changes) if n else None
        self.half = None
        self._distances: list[float] = []
        if n >= MIN_COMPARISON:
            self.half = (t_quantile(0.975, n - 1) * sample_sd(comparison_changes)
                         * math.sqrt(1 + 1 / n))
            total = math.fsum(comparison_changes)
            # c_j - mean(others) = (n c_j - S) / (n - 1), compared with |effect| without
            # dividing; sorted so that a row's count is one bisection.
            self._distances = sorted(abs(n * c - total) for c in comparison_changes)

    def against(self, change: float | None) -> Comparison:
        """Difference in differences of `change` against the set (domain.md §8)."""
        n = self.n
        if n == 0:
            return Comparison(None, 0, None, None, None, None)
        centre = self.centre
        effect = None if change is None else change - centre
        if n < MIN_COMPARISON or effect is None:
            return Comparison(centre, n, effect, None, None, None)
        bar = abs(effect) * (n - 1)
        extreme = n - bisect_left(self._distances, bar - TIE_TOLERANCE * max(1.0, bar))
        return Comparison(centre, n, effect, effect - self.half, effect + self.half,
                          (1 + extreme) / (1 + n))


def compare(change: float | None, comparison_changes: list[float]) -> Comparison:
    """Difference in differences against the comparison changes (domain.md §8)."""
    return ComparisonSet(comparison_changes).against(change)


def choose_twins(target_pre: float | None, candidates: Iterable[tuple[str, float]]) -> list[str]:
    """The TWINS candidates whose pre mean is closest to the plan area's, ties by area_id."""
    if target_pre is None:
        return []
    return TwinPool(candidates).nearest(target_pre)


class TwinPool:
    """Candidates `(area, pre mean)` ordered by pre mean once, so that the twins of
    every plan area compared with them are found by walking out from its own pre mean
    rather than by ranking every candidate again. `area` is an area_id or a code that
    orders as the area_ids do (`PlanValues`)."""

    def __init__(self, candidates: Iterable[tuple[Any, float]]) -> None:
        ranked = sorted((pre, area) for area, pre in candidates)
        self._pres = [pre for pre, _ in ranked]
        self._areas = [area for _, area in ranked]

    def nearest(self, target: float) -> list[Any]:
        """`choose_twins`: the distance |pre - target| grows step by step away from the
        target's place on either side (float subtraction is monotone), so the walk takes
        the candidates in order of distance; every candidate as far as the TWINS-th is
        taken too, for the area_id to decide the ties."""
        pres, areas = self._pres, self._areas
        right = bisect_left(pres, target)
        left = right - 1
        taken: list[tuple[float, Any]] = []
        bound = math.inf
        while True:
            to_left = abs(pres[left] - target) if left >= 0 else math.inf
            to_right = abs(pres[right] - target) if right < len(pres) else math.inf
            if left < 0 and right >= len(pres):
                break
            if min(to_left, to_right) > bound:
                break
            if to_left <= to_right:
                taken.append((to_left, areas[left]))
                left -= 1
            else:
                taken.append((to_right, areas[right]))
                right += 1
            if len(taken) == TWINS:
                bound = taken[-1][0]
        return [area for _, area in sorted(taken)[:TWINS]]


def excluded_areas(plans: list[PlanArea], row: PlanArea) -> set[str]:
    """Areas with a plan of their own in `start-3 … end` of `row` (years inclusive)."""
    low, high = row.pool_window()
    return {p.area_id for p in plans if p.start_year <= high and low <= p.last_year}


@dataclass(frozen=True)
class PlanValues:
    """Delimited values as the estimator reads them (`plan_values`, or `of` any
    `delimited_values` frame): `values` is `delimitation_year, area, indicator, year,
    value` with the area and the indicator as codes, their positions in `areas` and
    `indicators` (both in id order, so that ordering by code is ordering by id): joins and
    groups on whole numbers, not on strings. `indicators` holds every indicator with a
    row, so that one without a value in the years read still gets its (unknown) rows."""

    values: pl.DataFrame
    areas: list[str]
    indicators: list[str]

    @classmethod
    def of(cls, values: pl.DataFrame) -> PlanValues:
        """From `delimited_values`' layout (`delimitation_year, area_id, indicator_id,
        year, value`)."""
        areas = sorted(values["area_id"].unique().to_list())
        indicators = sorted(values["indicator_id"].unique().to_list())
        coded = (values.join(_codes(areas, "area_id", "area"), on="area_id")
                 .join(_codes(indicators, "indicator_id", "indicator"), on="indicator_id")
                 .select("delimitation_year", "area", "indicator",
                         pl.col("year").cast(pl.Int64), "value"))
        return cls(coded, areas, indicators)

    def code(self) -> dict[str, int]:
        return {area: code for code, area in enumerate(self.areas)}


def _codes(ids: list[str], name: str, code: str) -> pl.DataFrame:
    return pl.DataFrame({name: ids, code: range(len(ids))},
                        schema={name: pl.Utf8, code: pl.Int64})


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
    if latest is None:
        known = values.filter(pl.col("value").is_not_null())
        latest = known["year"].max() if known.height else None
    if latest is None:
        return effect_frame([])
    return plan_register_effects(plans, PlanValues.of(values), latest)


def plan_register_effects(plans: pl.DataFrame, values: PlanValues, latest: int,
                          windows: PlanWindows | None = None) -> pl.DataFrame:
    """`register_effects` on `plan_values`, whose rows are unique by construction (one
    group per key), so the check for a repeated year is not made again. `windows`: the
    plans' `PlanWindows` on these values when already built (for `plan_series`)."""
    everyone = plan_areas(plans)
    if not everyone:
        return effect_frame([])
    windows = windows or PlanWindows(values, everyone, latest)
    sets: dict[tuple, tuple[TwinPool, dict[int, tuple[float, float]], ComparisonSet]] = {}
    rows: list[dict] = []
    for row in everyone:
        for code, indicator in enumerate(values.indicators):
            group = (row.start_year, row.last_year, code)
            if group not in sets:
                areas, pres, posts = windows.pool(row, code)
                candidates = {a: (pre, post - pre)
                              for a, pre, post in zip(areas, pres, posts, strict=True)}
                everything = ComparisonSet([change for _, change in candidates.values()])
                sets[group] = (TwinPool(zip(areas, pres, strict=True)), candidates, everything)
            rows += _register_rows(row, indicator, windows.own(row, code), *sets[group],
                                   values.areas, latest)
    return effect_frame(rows)


class PlanWindows:
    """Every plan window's means at once (domain.md §8): per delimitation (a start year)
    the pre means over start-3 … start-1 and per (start year, end of the post window)
    the post means over start+1 … min(end, latest), each over the window's known years
    and unknown with fewer than MIN_WINDOW_YEARS of them; and per plan window and
    indicator the comparison pool: the areas without a plan of their own in the window
    (`excluded_areas`) with both means known, ordered by area_id.

    Areas and indicators are `PlanValues`' codes; rows outside the windows are ignored."""

    def __init__(self, values: PlanValues, plans: list[PlanArea], latest: int) -> None:
        self.latest = latest
        self.code = values.code()
        known = values.values.filter(pl.col("value").is_not_null())
        # Year order inside every group, as one delimitation's table sorted by year
        # averages its values: the same sums in the same order.
        known = known.sort("year", maintain_order=True)
        groups = sorted({(p.start_year, p.last_year) for p in plans})
        frame = pl.DataFrame(
            [(s, last, min(last, latest)) for s, last in groups], orient="row",
            schema={"start": pl.Int64, "last": pl.Int64, "post_end": pl.Int64})
        pre = (
            known.filter(pl.col("delimitation_year").is_in(frame["start"].unique().implode())
                         & (pl.col("year") >= pl.col("delimitation_year") - PRE_YEARS)
                         & (pl.col("year") < pl.col("delimitation_year")))
            .group_by("delimitation_year", "indicator", "area")
            .agg(pl.col("value").mean().alias("pre"), pl.len().alias("_n"))
            .filter(pl.col("_n") >= MIN_WINDOW_YEARS).drop("_n")
        )
        posts = frame.select(pl.col("start").alias("delimitation_year"), "post_end").unique()
        post = (
            known.join(posts, on="delimitation_year")
            .filter((pl.col("year") > pl.col("delimitation_year"))
                    & (pl.col("year") <= pl.col("post_end")))
            .group_by("delimitation_year", "post_end", "indicator", "area")
            .agg(pl.col("value").mean().alias("post"), pl.len().alias("_n"))
            .filter(pl.col("_n") >= MIN_WINDOW_YEARS).drop("_n")
        )
        self.pre = pre
        excluded = pl.DataFrame(
            [(s, last, self.code[area]) for s, last in groups
             for area in excluded_areas(plans, PlanArea("", "", s, None if last == OPEN_END
                                                         else last))
             if area in self.code],
            orient="row", schema={"start": pl.Int64, "last": pl.Int64, "area": pl.Int64})
        self.pools = (
            frame.join(pre.join(post, on=["delimitation_year", "indicator", "area"]),
                       left_on=["start", "post_end"], right_on=["delimitation_year", "post_end"])
            .join(excluded, on=["start", "last", "area"], how="anti")
            .select("start", "last", "post_end", "indicator", "area", "pre", "post")
            .sort("start", "last", "indicator", "area")
        )
        self._pools: dict | None = None
        own_areas = sorted({self.code[p.area_id] for p in plans if p.area_id in self.code})
        self._own_pre = {(d, i, a): v for d, i, a, v in pre.filter(
            pl.col("area").is_in(own_areas)).iter_rows()}
        self._own_post = {(d, e, i, a): v for d, e, i, a, v in post.filter(
            pl.col("area").is_in(own_areas)).iter_rows()}

    def own(self, row: PlanArea, indicator: int) -> tuple[float | None, float | None]:
        """The plan area's own (pre mean, post mean)."""
        area = self.code.get(row.area_id)
        end = min(row.last_year, self.latest)
        return (self._own_pre.get((row.start_year, indicator, area)),
                self._own_post.get((row.start_year, end, indicator, area)))

    def pool(self, row: PlanArea, indicator: int) -> tuple[list[int], list[float], list[float]]:
        """The comparison pool's areas, pre means and post means, ordered by area."""
        if self._pools is None:
            self._pools = {
                key: (part["area"].to_list(), part["pre"].to_list(), part["post"].to_list())
                for key, part in self.pools.partition_by(
                    "start", "last", "indicator", as_dict=True, maintain_order=True).items()}
        return self._pools.get((row.start_year, row.last_year, indicator), ([], [], []))


def _register_rows(row: PlanArea, indicator: str, own: tuple[float | None, float | None],
                   pool: TwinPool, candidates: dict[int, tuple[float, float]],
                   everything: ComparisonSet, names: list[str], latest: int) -> list[dict]:
    pre_years, post_years = row.pre_years(), row.post_years(latest)
    pre, post = own
    change = None if pre is None or post is None else post - pre
    twins = [] if pre is None else pool.nearest(pre)
    results = {"all": (everything.against(change), None),
               "twins": (compare(change, [candidates[a][1] for a in twins]),
                         [names[a] for a in twins])}
    out = []
    for name, (result, listed) in results.items():
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
    coded = _delimited(terms, membership, delimitation_years)
    return (
        coded.values.join(_codes(coded.areas, "area_id", "area"), on="area")
        .join(_codes(coded.indicators, "indicator_id", "indicator"), on="indicator")
        .select("delimitation_year", "area_id", "indicator_id", "year", "value")
        .sort("delimitation_year", "area_id", "indicator_id", "year")
    )


def plan_values(terms: pl.DataFrame, membership: pl.DataFrame, plans: pl.DataFrame,
                latest: int) -> PlanValues:
    """`delimited_values` as the plans read them: delimited by each start year, for the
    data years from start-3 to the last chart year (min(end, latest)) of a plan starting
    then, the only years a window or a chart of theirs reads; unsorted."""
    ends = (plans.select(pl.col("start_year").cast(pl.Int64).alias("delimitation_year"),
                         pl.min_horizontal(pl.col("end_year").cast(pl.Int64)
                                           .fill_null(OPEN_END), pl.lit(latest)).alias("_hi"))
            .group_by("delimitation_year").agg(pl.col("_hi").max()))
    return _delimited(terms, membership, ends["delimitation_year"].to_list(), spans=ends)


def _delimited(terms: pl.DataFrame, membership: pl.DataFrame,
               delimitation_years: Iterable[int],
               spans: pl.DataFrame | None = None) -> PlanValues:
    """`delimited_values` unsorted, coded as `PlanValues`; with `spans`
    (`delimitation_year, _hi`) only the data years start-3 … _hi of each delimitation.

    Most areas keep their afdelinger from one delimitation year to the next, so each
    distinct set of afdelinger is summed once and its values given to every (delimitation
    year, area) that has that set."""
    years = pl.DataFrame({"delimitation_year": sorted(set(delimitation_years))},
                         schema={"delimitation_year": pl.Int64})
    members = (
        membership.select("area_id", "afdeling_id", "valid_from", "valid_to")
        .join(years, how="cross")
        .filter((pl.col("valid_from") <= pl.col("delimitation_year"))
                & (pl.col("valid_to").fill_null(OPEN_END) >= pl.col("delimitation_year")))
    )
    # The unit separator (a control character) never occurs in an afdeling id.
    areas = (members.group_by("delimitation_year", "area_id")
             .agg(pl.col("afdeling_id").sort().str.join("\x1f").alias("_set")))
    sets = areas.select("_set").unique().with_row_index("_version")
    set_members = (sets.select("_version", pl.col("_set").str.split("\x1f").alias("afdeling_id"))
                   .with_columns(pl.col("afdeling_id").list.len().alias("_members"))
                   .explode("afdeling_id"))
    indicators = sorted(terms["indicator_id"].unique().to_list())
    known_term = pl.col("numerator").is_not_null() & pl.col("denominator").is_not_null()
    sums = (
        set_members.join(
            terms.join(_codes(indicators, "indicator_id", "indicator"), on="indicator_id")
            .select("afdeling_id", "indicator", pl.col("year").cast(pl.Int64),
                    pl.col("numerator", "denominator", "factor").cast(pl.Float64)),
            on="afdeling_id")
        .group_by("_version", "indicator", "year")
        .agg(known_term.sum().alias("_known"), pl.col("numerator").sum().alias("_num"),
             pl.col("denominator").sum().alias("_den"), pl.col("factor").first().alias("_f"),
             pl.col("_members").first())
    )
    # Only indicators some area's afdelinger have terms of give rows, as in one join.
    present = set(sums["indicator"].unique().to_list())
    value = (pl.when((pl.col("_known") == pl.col("_members")) & (pl.col("_den") > 0))
             .then(pl.col("_f") * pl.col("_num") / pl.col("_den")))
    by_version = sums.select("_version", "indicator", "year", value.alias("value"))
    area_ids = sorted(areas["area_id"].unique().to_list())
    keyed = (areas.join(sets, on="_set").join(_codes(area_ids, "area_id", "area"), on="area_id")
             .select("delimitation_year", "area", "_version"))
    if spans is not None:
        keyed = keyed.join(spans, on="delimitation_year")
    values = keyed.join(by_version, on="_version")
    if spans is not None:
        values = values.filter(pl.col("year").is_between(
            pl.col("delimitation_year") - PRE_YEARS, pl.col("_hi")))
    kept = [code for code in range(len(indicators)) if code in present]
    if len(kept) < len(indicators):
        renumber = pl.DataFrame({"indicator": kept, "_new": range(len(kept))},
                                schema={"indicator": pl.Int64, "_new": pl.Int64})
        values = values.join(renumber, on="indicator").with_columns(
            pl.col("_new").alias("indicator"))
        indicators = [indicators[code] for code in kept]
    return PlanValues(values.select("delimitation_year", "area", "indicator", "year", "value"),
                      area_ids, indicators)
