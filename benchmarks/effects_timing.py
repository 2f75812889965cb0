"""CPU time and peak RSS of the effect-evaluation steps (plan_effects, plan_series,
plan_moves), each in a fresh process, on a refreshed warehouse.

    .venv/bin/python -m benchmarks.effects_timing --warehouse W.duckdb [--profile STEP]

`W.duckdb` is a refreshed national warehouse (e.g. a copy of a home's
`warehouse/private.duckdb`); it is copied into a scratch home once and never written.
A step's time is the CPU time of its compute function (user + sys, all threads), which
load from other processes does not inflate; its peak RSS is the child process's own
high-water mark, so one step's peak does not hide behind another's. `--profile` prints
the hottest functions of one step under cProfile.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STEPS = ("mart/plan_effects", "mart/plan_series", "mart/plan_moves")


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _run_step(step: str, home: Path, profile: bool) -> None:
    """In the child: import the assets, then time only the step itself."""
    from assets.effects import mart_plan_effects, mart_plan_moves, mart_plan_series
    from pipelines.resources import Warehouse, Workspace

    assets = {"mart/plan_effects": mart_plan_effects, "mart/plan_series": mart_plan_series,
              "mart/plan_moves": mart_plan_moves}
    warehouse = Warehouse(workspace=Workspace(home=str(home), data_dir=str(home)))
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    profiler = cProfile.Profile() if profile else None
    cpu, wall = _cpu(), time.perf_counter()
    if profiler:
        profiler.enable()
    # The compute function itself: a direct asset invocation would also build an
    # ephemeral Dagster instance (about 1 s of CPU) that the refresh's in-process run
    # does not pay per step.
    assets[step].op.compute_fn.decorated_fn(warehouse=warehouse)
    if profiler:
        profiler.disable()
    out = {"step": step, "cpu": _cpu() - cpu, "wall": time.perf_counter() - wall,
           "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
           "import_mb": base}
    if profiler:
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
    print(json.dumps(out), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path)
    parser.add_argument("--steps", nargs="*", default=list(STEPS))
    parser.add_argument("--profile", help="print a cProfile of this step")
    parser.add_argument("--keep", type=Path, help="keep the scratch home here")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--home", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _run_step(args.child, args.home, args.profile == args.child)
        return
    if args.warehouse is None:
        parser.error("--warehouse is required")
    scratch = args.keep or Path(tempfile.mkdtemp(prefix="effects_timing_"))
    home = scratch / "home"
    (home / "warehouse").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(args.warehouse, home / "warehouse" / "private.duckdb")
    total = 0.0
    for step in args.steps:
        command = [sys.executable, "-m", "benchmarks.effects_timing", "--child", step,
                   "--home", str(home)]
        if args.profile:
            command += ["--profile", args.profile]
        result = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True)
        out = json.loads(result.stdout.strip().splitlines()[-1])
        total += out["cpu"]
        print(f"{step}: cpu {out['cpu']:.2f} s, wall {out['wall']:.2f} s, "
              f"peak RSS {out['peak_mb']:.0f} MB (after imports {out['import_mb']:.0f} MB)",
              flush=True)
    print(f"total cpu {total:.2f} s")
    if args.keep is None:
        shutil.rmtree(scratch)


if __name__ == "__main__":
    main()
