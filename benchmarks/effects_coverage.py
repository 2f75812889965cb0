"""How often the effect estimator's 95 % interval covers a planted effect, and how long it takes.

    .venv/bin/python -m benchmarks.effects_coverage                 # 2,000 areas, 60 plans
    .venv/bin/python -m benchmarks.effects_coverage --areas 500 --reps 50

A synthetic panel (no files, no refresh): every area has its own level and its own drift
around a common trend, and each year noise; plan areas get a planted
effect from the year after their start (zero for a third of them, so the placebo side is
measured too). The estimator (`indicators.effects.register_effects`) runs on it as the
refresh would; the figures are the share of plan rows whose interval holds the planted
effect (`all` and `twins`), how often a non-zero effect is told apart from 0, and the time
of one estimation. Until the national generator plants plans (issue 13) this is the
coverage figure.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

import polars as pl

from indicators.effects import register_effects

YEARS = range(2006, 2025)
EFFECTS = [0.0, 0.0, -3.0, -2.0, 2.0, 3.0]


def panel(areas: int, plans: int, rng: random.Random) -> tuple[pl.DataFrame, pl.DataFrame, dict]:
    ids = [f"a{k:05d}" for k in range(areas)]
    planned = rng.sample(ids, plans)
    starts = {a: rng.randint(2009, 2020) for a in planned}
    ends = {a: (None if rng.random() < 0.3 else starts[a] + rng.randint(2, 4)) for a in planned}
    planted = {a: rng.choice(EFFECTS) for a in planned}
    rows = []
    for area in ids:
        level = rng.uniform(10, 50)
        # Each area drifts at its own pace around the common trend: what the spread of the
        # comparison changes measures. Plan and comparison areas drift alike (no selection
        # on the outcome), the case in which the interval is meant to hold its 95 %.
        slope = rng.gauss(0.2, 0.3)
        for year in YEARS:
            value = level + slope * (year - YEARS.start) + rng.gauss(0, 0.5)
            if area in planted and year > starts[area]:
                value += planted[area]
            rows.append((area, year, value))
    series = pl.DataFrame(rows, schema={"area_id": pl.Utf8, "year": pl.Int64,
                                        "value": pl.Float64}, orient="row")
    # No boundary changes here: every delimitation year sees the same values.
    values = pl.concat([series.with_columns(pl.lit(s, pl.Int64).alias("delimitation_year"),
                                            pl.lit("k1").alias("indicator_id"))
                        for s in sorted(set(starts.values()))])
    plan_rows = pl.DataFrame(
        {"plan_id": [f"p_{a}" for a in planned], "area_id": planned,
         "start_year": [starts[a] for a in planned], "end_year": [ends[a] for a in planned]},
        schema={"plan_id": pl.Utf8, "area_id": pl.Utf8, "start_year": pl.Int64,
                "end_year": pl.Int64})
    return plan_rows, values, planted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--areas", type=int, default=2000)
    parser.add_argument("--plans", type=int, default=60)
    parser.add_argument("--reps", type=int, default=10)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    covered = {"all": [], "twins": []}
    detected, seconds = [], []
    for _ in range(args.reps):
        plans, values, planted = panel(args.areas, args.plans, rng)
        began = time.perf_counter()
        out = register_effects(plans, values, latest=YEARS.stop - 1)
        seconds.append(time.perf_counter() - began)
        for r in out.filter(pl.col("ci_low").is_not_null()).iter_rows(named=True):
            truth = planted[r["area_id"]]
            covered[r["comparison"]].append(r["ci_low"] <= truth <= r["ci_high"])
            if r["comparison"] == "all" and truth != 0:
                detected.append(not r["ci_low"] <= 0 <= r["ci_high"])
    for name, hits in covered.items():
        print(f"coverage {name}: {sum(hits) / len(hits):.3f} of {len(hits)} intervals")
    print(f"non-zero effects told apart from 0 (all): {sum(detected) / len(detected):.3f} "
          f"of {len(detected)}")
    print(f"estimation: median {statistics.median(seconds):.2f} s for {args.plans} plans "
          f"over {args.areas} areas")
    print(f"RESULT coverage_all={sum(covered['all']) / len(covered['all']):.3f} "
          f"coverage_twins={sum(covered['twins']) / len(covered['twins']):.3f} "
          f"effect_s={statistics.median(seconds):.2f}")


if __name__ == "__main__":
    main()
