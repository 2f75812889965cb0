"""The effect evaluation and the local model on the national set: their steps' times, how
often the published 95 % intervals contain the planted effect, and how many local
categories are decided.

The truth is the generator's `<data>.planted_effects.csv` (benchmarks/national/plans.py):
one row per plan, area and K1-K5 indicator, 0 where nothing was planted. Coverage is
counted over the register rows of mart.plan_effects that have an interval (n >= 5
comparison areas), for `all` and `twins` separately; figures, never assertions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

EFFECT_STEPS = ("plans", "plan_effects", "plan_series", "plan_moves")


def _is_effect_step(step: str) -> bool:
    return step.rsplit("/", 1)[-1] in EFFECT_STEPS


def _is_local_step(step: str) -> bool:
    return "local" in step.rsplit("/", 1)[-1]


@dataclass
class Coverage:
    comparison: str
    planted: str  # "effect", "none" or "every"
    rows: int  # published rows with a planted truth
    with_interval: int
    covered: int
    without_effect: int  # published with no effect at all (a window short of known years)
    mean_error: float | None  # mean (effect - truth) over the rows with an effect

    @property
    def share(self) -> float | None:
        return self.covered / self.with_interval if self.with_interval else None


@dataclass
class EffectFigures:
    effect_steps: dict[str, float] = field(default_factory=dict)
    local_steps: dict[str, float] = field(default_factory=dict)
    coverage: list[Coverage] = field(default_factory=list)
    effect_rows: int = 0
    categories: dict[str, int] = field(default_factory=dict)  # category (or "undecided")
    problem: str | None = None

    def as_dict(self) -> dict:
        return {"effect_steps": self.effect_steps, "local_steps": self.local_steps,
                "effect_rows": self.effect_rows, "categories": self.categories,
                "problem": self.problem,
                "coverage": [{**c.__dict__, "share": c.share} for c in self.coverage]}


def coverage(effects: pl.DataFrame, truth: pl.DataFrame) -> list[Coverage]:
    """Per comparison set: of the published rows of a planted (plan, area, indicator),
    how many have an interval and how many of those contain the truth."""
    joined = effects.join(truth.select("plan_id", "area_id", "indicator_id",
                                       pl.col("effect").alias("truth")),
                          on=["plan_id", "area_id", "indicator_id"])
    out = []
    for comparison in ("all", "twins"):
        part = joined.filter(pl.col("comparison") == comparison)
        for planted, rows in (("effect", part.filter(pl.col("truth") != 0)),
                              ("none", part.filter(pl.col("truth") == 0)), ("every", part)):
            known = rows.filter(pl.col("ci_low").is_not_null() & pl.col("ci_high").is_not_null())
            inside = known.filter((pl.col("ci_low") <= pl.col("truth"))
                                  & (pl.col("truth") <= pl.col("ci_high")))
            errors = rows.filter(pl.col("effect").is_not_null())
            out.append(Coverage(
                comparison=comparison, planted=planted, rows=rows.height,
                with_interval=known.height, covered=inside.height,
                without_effect=rows.height - errors.height,
                mean_error=(float((errors["effect"] - errors["truth"]).mean())
                            if errors.height else None)))
    return out


def measure(serving: Path, planted: Path, steps: dict[str, float]) -> EffectFigures:
    figures = EffectFigures(
        effect_steps={s: t for s, t in steps.items() if _is_effect_step(s)},
        local_steps={s: t for s, t in steps.items() if _is_local_step(s)})
    if not planted.is_file():
        figures.problem = f"no planted truth at {planted}: coverage not measured"
        return figures
    conn = duckdb.connect(str(serving), read_only=True)
    try:
        effects = conn.sql("SELECT plan_id, area_id, indicator_id, comparison, effect, ci_low, "
                           "ci_high FROM mart.plan_effects").pl()
        categories = conn.sql("SELECT coalesce(category, 'undecided') AS category, count(*) "
                              "AS n FROM mart.local_categories GROUP BY ALL").fetchall()
    finally:
        conn.close()
    figures.effect_rows = effects.height
    figures.categories = {c: int(n) for c, n in sorted(categories)}
    figures.coverage = coverage(effects, pl.read_csv(planted, separator=";"))
    return figures


def _num(x: float | None, digits: int = 2) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def render(figures: EffectFigures) -> str:
    lines = []
    steps = figures.effect_steps
    lines.append(f"effect evaluation steps: {sum(steps.values()):.1f} s ("
                 + ", ".join(f"{s} {t:.1f} s" for s, t in sorted(steps.items())) + ")")
    local = figures.local_steps
    lines.append(f"local model steps: {sum(local.values()):.1f} s ("
                 + ", ".join(f"{s} {t:.1f} s" for s, t in sorted(local.items())) + ")")
    if figures.categories:
        decided = sum(n for c, n in figures.categories.items() if c != "undecided")
        total = sum(figures.categories.values())
        lines.append(f"local categories decided: {decided} of {total} area-years ("
                     + ", ".join(f"{c} {n}" for c, n in figures.categories.items()) + ")")
    if figures.problem:
        lines.append(figures.problem)
        return "\n".join(lines)
    lines.append(f"coverage of the planted K1-K5 effects by the published 95 % intervals "
                 f"({figures.effect_rows} rows in mart.plan_effects):")
    for c in figures.coverage:
        lines.append(
            f"  {c.comparison:<5} {c.planted:<6} {c.covered:4d} of {c.with_interval:4d} "
            f"intervals contain the truth = {_num(None if c.share is None else 100 * c.share, 1)}"
            f" %  ({c.rows} rows, {c.rows - c.with_interval} without interval of which "
            f"{c.without_effect} without effect; mean error {_num(c.mean_error, 3)})")
    return "\n".join(lines)
