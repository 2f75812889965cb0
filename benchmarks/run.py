"""The benchmark: the product on the sample and on a national-scale set, against bare DuckDB.

    .venv/bin/python -m benchmarks.run                    # sample + national (scale 1)
    .venv/bin/python -m benchmarks.run --scale 5 --skip-sample
    .venv/bin/python -m benchmarks.run --skip-national    # the sample only

For each data set it runs `boligmonitor refresh` as a subprocess in a fresh
home and measures the wall time split into phases (Dagster start-up, ingest,
staging, indicators, checks, site, publish, orchestration), the peak RSS of
the process tree, the serving file's and the site's size, and five analyst
queries on the published file. Then it runs the hand-written DuckDB baseline
(benchmarks/baseline.sql) on the same files, checks that it gives the same
answers, and prints the ratios. On the national set it also reports the effect
evaluation's and the local model's steps, how often the published intervals
contain the generator's planted effects, and how many local categories are
decided (benchmarks/effects_report.py), and measures the yearly incremental
case. The last line printed is machine-readable:

    RESULT scale=<s> refresh_s=<x> baseline_s=<y> ratio=<x/y> peak_rss_mb=<m> local_ratio=<l>

Timings vary with whatever else the machine runs; run one benchmark at a time.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import polars as pl

from benchmarks import effects_report, incremental
from benchmarks.baseline import compare, run_baseline
from benchmarks.generate_national import DEFAULT_SEED, default_out, generate
from benchmarks.measure import Measured, run_measured, tree_size
from benchmarks.national.plans import planted_path
from benchmarks.phases import breakdown, peak_by_step
from benchmarks.queries import RUNS, time_queries
from benchmarks.report import SetResult, render, result_line

REPOSITORY = Path(__file__).resolve().parents[1]
SAMPLE = REPOSITORY / "data" / "sample"
CLI = Path(sys.executable).parent / "boligmonitor"

# Targets of issue 6 on the 2-core, 24 GiB machine (a benchmark, not a test).
SAMPLE_TARGETS = {"refresh_s": 10}
# Issue 6's targets, with issue 12's for the set that grew by the local measures: the whole
# refresh with the site < 90 s and < 3 GiB, the local model within 2x of its baseline.
NATIONAL_TARGETS = {"refresh_s": 90, "warehouse_s": 60, "rss_mb": 3072, "indicator_ratio": 1.5,
                    "local_ratio": 2.0}


def refresh(data: Path, home: Path, echo) -> Measured:
    """One `boligmonitor refresh`, measured from process start to exit."""
    command = [str(CLI), "refresh", "--data", str(data), "--home", str(home)]
    return run_measured(command, cwd=REPOSITORY, echo=echo)


def import_seconds() -> float:
    """How long importing the product's definitions takes in a fresh interpreter."""
    started = time.perf_counter()
    run_measured([sys.executable, "-c", "import pipelines.definitions"], cwd=REPOSITORY)
    return time.perf_counter() - started


def measure_set(label: str, scale: str, data: Path, work: Path, echo, *, targets: dict,
                runs: int, with_baseline: bool = True,
                planted: Path | None = None) -> SetResult:
    home = work / f"home-{label}"
    measured = refresh(data, home, echo)
    parts = breakdown(measured.lines, measured.wall_s)
    serving = home / "serving" / "boligmonitor.duckdb"
    site_bytes, site_files = tree_size(home / "site") if (home / "site").exists() else (0, 0)
    result = SetResult(
        label=label, scale=scale, data_dir=str(data), refresh=parts,
        returncode=measured.returncode, peak_rss_mb=measured.peak_rss_mb,
        serving_mb=serving.stat().st_size / 2**20 if serving.exists() else 0.0,
        site_mb=site_bytes / 2**20, site_files=site_files,
        step_peaks_mb={step: rss / 2**20 for step, rss in
                       peak_by_step(measured.lines, measured.samples).items()},
    )
    if measured.returncode:
        tail = "\n".join(text for _, text in measured.lines[-30:])
        print(f"refresh of {data} failed:\n{tail}", file=sys.stderr)
        return result
    result.open_ms, result.queries = time_queries(serving, runs)
    if with_baseline:
        base = run_baseline(data, survey=published_survey(serving))
        result.baseline = dict(base.seconds)
        result.agreement = compare(base, serving)
        base.conn.close()
    print(render(result, targets), flush=True)
    if planted is not None:
        figures = effects_report.measure(serving, planted, parts.steps)
        result.effects = figures.as_dict()
        print(effects_report.render(figures), flush=True)
    return result


def published_survey(serving: Path) -> pl.DataFrame:
    """The product's mart.survey_results: the local model's survey input in the baseline
    (the survey step is not part of the local model)."""
    conn = duckdb.connect(str(serving), read_only=True)
    try:
        return conn.execute("SELECT * FROM mart.survey_results").pl()
    finally:
        conn.close()


def measure_incremental(data: Path, work: Path, echo) -> dict[str, float]:
    """Refresh a copy without the newest delivery, add it, refresh the same home again."""
    copy = work / "data-incremental"
    home = work / "home-incremental"
    newest = incremental.without_newest(data, copy)
    before = refresh(copy, home, echo)
    if before.returncode:
        raise RuntimeError("the refresh before the new delivery failed:\n" + before.output[-3000:])
    incremental.add_newest(data, copy, newest)
    after = refresh(copy, home, echo)
    if after.returncode:
        raise RuntimeError("the incremental refresh failed:\n" + after.output[-3000:])
    parts = breakdown(after.lines, after.wall_s)
    return {"before_s": before.wall_s, "incremental_s": after.wall_s,
            "incremental_peak_rss_mb": after.peak_rss_mb, "new_files": len(newest),
            **{f"incremental_{phase}_s": s for phase, s in parts.phases.items()},
            "incremental_startup_s": parts.startup_s,
            "incremental_steps": parts.steps}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="national set's scale")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--data", type=Path, help="use this national data directory "
                        "instead of generating one")
    parser.add_argument("--skip-sample", action="store_true")
    parser.add_argument("--skip-national", action="store_true")
    parser.add_argument("--skip-incremental", action="store_true")
    parser.add_argument("--runs", type=int, default=RUNS, help="timed runs per query")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--keep", action="store_true", help="keep the homes (in /tmp)")
    parser.add_argument("--verbose", action="store_true", help="echo the refresh's output")
    args = parser.parse_args(argv)

    echo = print if args.verbose else None
    work = Path(tempfile.mkdtemp(prefix="boligmonitor-bench-"))
    results: list[SetResult] = []
    try:
        imports = import_seconds()
        print(f"machine: {_machine()}\nimporting the product's definitions: {imports:.1f} s "
              "(part of every refresh's start-up)\n", flush=True)
        if not args.skip_sample:
            results.append(measure_set("sample", "sample", SAMPLE, work, echo,
                                       targets=SAMPLE_TARGETS, runs=args.runs))
            print(flush=True)
        if not args.skip_national:
            data, generate_s = args.data, None
            if data is None:
                started = time.perf_counter()
                data = generate(default_out(args.scale), args.scale, args.seed).out
                generate_s = time.perf_counter() - started
            targets = NATIONAL_TARGETS if args.scale == 1 else {}
            national = measure_set(f"national x{args.scale:g}", f"{args.scale:g}", data, work,
                                   echo, targets=targets, runs=args.runs,
                                   planted=planted_path(data))
            national.generate_s = generate_s
            results.append(national)
            if not args.skip_incremental and national.returncode == 0 \
                    and not incremental.newest_files(data):
                print(f"incremental skipped: {data} has no KÅS files dated "
                      f"{incremental.NEWEST_DELIVERY} to hold back", flush=True)
            elif not args.skip_incremental and national.returncode == 0:
                national.incremental = measure_incremental(data, work, echo)
                inc = national.incremental
                print(f"incremental (only the newest delivery's {inc['new_files']} files "
                      f"arrive): {inc['incremental_s']:.1f} s, against "
                      f"{inc['before_s']:.1f} s for the refresh before it and "
                      f"{national.refresh.wall_s:.1f} s for a full refresh", flush=True)
        if args.json:
            args.json.write_text(json.dumps([r.as_dict() for r in results], indent=1,
                                            default=str), encoding="utf-8")
    finally:
        if args.keep:
            print(f"\nhomes kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    if not results:
        return 1
    print()
    print(result_line(results[-1]))
    return 0 if all(r.returncode == 0 for r in results) else 1


def _machine() -> str:
    import os
    import platform

    import psutil

    return (f"{platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
            f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python "
            f"{platform.python_version()}, {time.strftime('%Y-%m-%d %H:%M %Z')}")


if __name__ == "__main__":
    sys.exit(main())
