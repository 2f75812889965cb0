"""Effect evaluation for survey items (domain.md §8): the plan area's share in the wave
before against the wave after, against the rest of those waves.

Input is `mart.survey_results` as published (area rows and each wave's `all` row), so the
evaluation sees nothing the privacy rules withheld: an area whose cell is suppressed in
either wave gets an unknown effect (domain.md §4). The rest of a wave is its `all` row less
the area; where `all` is suppressed (a suppressed area had answers), it is the other
published areas, as `vs_rest` compares (docs/method.md §7).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import polars as pl

from indicators.effects import PlanArea, effect_frame, plan_areas
from indicators.effects_stats import Z_95

COMPARISON = "rest_of_wave"
WHOLE_WAVE = "all"


@dataclass(frozen=True)
class Cell:
    """An area's (or the rest's) answers to one item in one wave."""

    answers: int
    positive: int

    @property
    def share(self) -> float:
        return self.positive / self.answers

    def variance(self) -> float:
        return self.share * (1 - self.share) / self.answers


@dataclass(frozen=True)
class Wave:
    wave_id: str
    year: int
    area: Cell | None  # None: suppressed or not published
    rest: Cell | None


def survey_effects(plans: pl.DataFrame, results: pl.DataFrame, latest: int) -> pl.DataFrame:
    """`mart.plan_effects` rows (comparison `rest_of_wave`) for every plan row and item
    with a pre and a post wave covering the area; `latest` is the newest data year."""
    waves = _waves(results)
    rows = []
    for row in plan_areas(plans):
        for item, by_area in sorted(waves.items()):
            own = by_area.get(row.area_id, [])
            pre = _latest([w for w in own if w.year < row.start_year])
            post = _latest([w for w in own if w.year in row.post_years(latest)])
            if pre is not None and post is not None:
                rows.append(_row(row, item, pre, post))
    return effect_frame(rows)


def _latest(waves: list[Wave]) -> Wave | None:
    return max(waves, key=lambda w: (w.year, w.wave_id)) if waves else None


def _waves(results: pl.DataFrame) -> dict[str, dict[str, list[Wave]]]:
    """{item_id: {area_id: [Wave]}} for the waves in which the area has answers."""
    whole = {
        (r["wave_id"], r["item_id"]): r
        for r in results.filter(pl.col("area_id") == WHOLE_WAVE).iter_rows(named=True)
    }
    areas = results.filter(pl.col("area_id") != WHOLE_WAVE)
    published = (
        areas.filter(~pl.col("suppressed") & pl.col("n_positive").is_not_null())
        .group_by("wave_id", "item_id")
        .agg(pl.col("n_answers").sum().alias("answers"),
             pl.col("n_positive").sum().alias("positive"))
    )
    shown = {(r["wave_id"], r["item_id"]): Cell(r["answers"], r["positive"])
             for r in published.iter_rows(named=True)}
    out: dict[str, dict[str, list[Wave]]] = {}
    for r in areas.iter_rows(named=True):
        if not r["n_answers"]:
            continue  # the wave did not cover the area
        area = None if r["suppressed"] or r["n_positive"] is None else \
            Cell(r["n_answers"], r["n_positive"])
        everyone = whole.get((r["wave_id"], r["item_id"]))
        if everyone is None or everyone["suppressed"] or everyone["n_positive"] is None:
            everyone = shown.get((r["wave_id"], r["item_id"]))
        else:
            everyone = Cell(everyone["n_answers"], everyone["n_positive"])
        rest = None
        if area is not None and everyone is not None and everyone.answers > area.answers:
            rest = Cell(everyone.answers - area.answers, everyone.positive - area.positive)
        wave = Wave(r["wave_id"], r["year"], area, rest)
        out.setdefault(r["item_id"], {}).setdefault(r["area_id"], []).append(wave)
    return out


def _row(row: PlanArea, item: str, pre: Wave, post: Wave) -> dict:
    fields = {
        "plan_id": row.plan_id, "area_id": row.area_id, "indicator_id": item,
        "comparison": COMPARISON, "pre_period": pre.wave_id, "post_period": post.wave_id,
        "pre_value": None, "post_value": None, "change": None, "comparison_change": None,
        "n_comparison": 0, "effect": None, "ci_low": None, "ci_high": None,
        "placebo_p": None, "comparison_areas": None,
    }
    if pre.area is not None:
        fields["pre_value"] = 100 * pre.area.share
    if post.area is not None:
        fields["post_value"] = 100 * post.area.share
    if pre.area is not None and post.area is not None:
        fields["change"] = 100 * (post.area.share - pre.area.share)
    if post.rest is not None:
        fields["n_comparison"] = post.rest.answers
    cells = [pre.area, post.area, pre.rest, post.rest]
    if all(c is not None for c in cells):
        rest_change = 100 * (post.rest.share - pre.rest.share)
        effect = fields["change"] - rest_change
        half = 100 * Z_95 * math.sqrt(sum(c.variance() for c in cells))
        fields.update(comparison_change=rest_change, effect=effect,
                      ci_low=effect - half, ci_high=effect + half)
    return fields
