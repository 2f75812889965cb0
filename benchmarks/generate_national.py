"""Generate a national-scale synthetic data directory in the contract's format.

    .venv/bin/python -m benchmarks.generate_national                 # scale 1 (Denmark)
    .venv/bin/python -m benchmarks.generate_national --scale 0.1 --seed 7 --out /tmp/x

Scale 1 is Denmark's social housing: 98 municipalities in 5 regions, ~8,000
afdelinger (~1 million residents), ~1,000 areas of which ~200 have 1,000+
residents, 19 data years (2006-2024) of the eleven KÅS measures in ~60
overlapping dated deliveries (wide XLSX and long CSV in three dialects), and
twelve survey waves with ~100,000 answers; every measure beyond the criteria
(contract.md's second table) for every afdeling-year in kaas/ and local/; and
plans for ~60 areas in areas/plans.csv, half of them with planted effects on
K1-K5 whose truth is written beside the data directory
(`<out>.planted_effects.csv`, which no refresh reads). `--scale` multiplies
afdelinger, areas, plan areas and answers (municipalities, regions and years
stay). The output is a
pure function of (seed, scale) and is written outside the repository, by
default to /tmp/boligmonitor-national-<scale>. Nothing in it is real data.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from benchmarks.national.deliveries import write_deliveries
from benchmarks.national.extras import write_areas, write_outlines, write_references
from benchmarks.national.lists import counts, evaluate, official_rows
from benchmarks.national.local import build_extra, write_extra
from benchmarks.national.panel import build_panel
from benchmarks.national.plans import (
    plan_areas,
    plant_effects,
    planted_path,
    write_plans,
    write_truth,
)
from benchmarks.national.register import plan_register
from benchmarks.national.surveys import write_surveys

REPOSITORY = Path(__file__).resolve().parents[1]
DEFAULT_SEED = 2026


def default_out(scale: float) -> Path:
    return Path(f"/tmp/boligmonitor-national-{scale:g}")


@dataclass
class Generated:
    out: Path
    afdelinger: int
    areas: int
    large_areas: int
    residents_2024: int
    kaas_files: int
    kaas_cells: int
    answers: int
    list_counts: pl.DataFrame
    plans: int = 0
    plan_areas: int = 0
    planted: Path | None = None  # the planted effects, beside the data directory
    extra_cells: int = 0


def generate(out: Path, scale: float = 1.0, seed: int = DEFAULT_SEED) -> Generated:
    """Write the whole data directory into `out` (replaced if it exists)."""
    out = out.resolve()
    if out == REPOSITORY or REPOSITORY in out.parents:
        raise ValueError(f"{out} is inside the repository; write national data outside git")
    if scale <= 0:
        raise ValueError("scale must be positive")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    register = plan_register(seed, scale)
    panel = build_panel(register, seed)
    plans = plan_areas(seed, scale, register)
    panel = plant_effects(panel, plans, register, seed)
    statuses = evaluate(panel, register.membership)
    write_areas(out / "areas", register)
    write_plans(out / "areas" / "plans.csv", plans)
    planted = planted_path(out)
    write_truth(planted, plans)
    write_outlines(out / "areas" / "areas.geojson", seed, register)
    write_references(out / "reference", official_rows(statuses))
    deliveries = write_deliveries(out / "kaas", panel)
    answers = write_surveys(out / "survey", seed, scale, register)
    extra = build_extra(panel, register, seed)
    write_extra(out, extra)
    eligible = statuses.filter(pl.col("year") == 2024)["residents"].ge(1000).sum()
    return Generated(
        out=out, afdelinger=len(register.afdelinger), areas=len(register.areas),
        large_areas=int(eligible),
        residents_2024=int(panel.filter(pl.col("aar") == 2024)["beboere"].sum()),
        kaas_files=len(deliveries), kaas_cells=panel.height * 11, answers=answers,
        list_counts=counts(statuses),
        plans=len({r[0] for r in plans.rows}), plan_areas=len(plans.rows), planted=planted,
        extra_cells=extra.height * 15,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="1 = Denmark; 0.1 and 5 for the growth table (default 1)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=None,
                        help="output folder outside git (default /tmp/boligmonitor-national-"
                        "<scale>)")
    parser.add_argument("--quiet", action="store_true", help="print only the output folder")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    result = generate(args.out or default_out(args.scale), args.scale, args.seed)
    if args.quiet:
        print(result.out)
        return 0
    print(f"wrote {result.out} in {time.perf_counter() - started:.1f} s: "
          f"{result.afdelinger} afdelinger, {result.areas} areas "
          f"({result.large_areas} with 1,000+ residents in 2024), "
          f"{result.residents_2024:,} residents in 2024, {result.kaas_files} KÅS files "
          f"({result.kaas_cells:,} distinct cells), {result.answers:,} survey answers, "
          f"{result.extra_cells:,} cells beyond the criteria (kaas/ and local/), "
          f"{result.plans} plans in {result.plan_areas} areas (planted effects in "
          f"{result.planted})")
    print("The generator's own rough list counts (published 2018-2024: udsatte 43..12, "
          "parallelsamfund 29..8, forebyggelse ~60):")
    with pl.Config(tbl_rows=20, tbl_hide_dataframe_shape=True, tbl_hide_column_data_types=True):
        print(result.list_counts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
