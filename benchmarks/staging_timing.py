"""CPU time of the KÅS/local staging steps and the serving publication, in-process.

    .venv/bin/python -m benchmarks.staging_timing --warehouse W.duckdb [--site SITE]
        [--steps STEP ...] [--profile STEP] [--keep DIR]

`W.duckdb` is a refreshed national warehouse (e.g. a copy of a home's
`warehouse/private.duckdb`); its `raw.files` rows point at the received copies that
are read. It is copied into a scratch home, so it is never written,
and the KÅS parse cache starts empty there, as on a first refresh. Each step is timed
as process CPU time (user + sys, all threads), which load from other processes does
not inflate; `--profile` prints the hottest functions of one step under cProfile.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import resource
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg

from assets.local import staging_local
from assets.staging import staging_kaas
from indicators import tables
from pipelines.publication import _sync_tree, build_serving_file
from pipelines.resources import Warehouse, Workspace


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _asset(fn):
    def run(warehouse: Warehouse, _home: Path):
        # The context (an ephemeral Dagster instance) is made outside the timing: the
        # refresh makes its own once per run.
        context = dg.build_asset_context()
        return lambda: [None for _ in fn(context=context, warehouse=warehouse)]
    return run


def _serving(warehouse: Warehouse, home: Path):
    """The serving file built and the publication flushed, as publish/serving does before
    its swap (with the site copied in by --site, outside the timing)."""
    return lambda: _build_and_flush(warehouse, home)


def _build_and_flush(warehouse: Warehouse, home: Path) -> None:
    refresh = {
        "refresh_id": "benchmark", "started_at": datetime.now(UTC),
        "finished_at": datetime.now(UTC), "data_dir": "-", "catalogue_version": "-",
        "files": [], "failed_runs_since_last_publish": [],
    }
    with warehouse.connect() as conn:
        build_serving_file(conn, home / "publication", tables.PUBLISHED, refresh)
    _sync_tree(home / "publication")


STEPS = {
    "staging/kaas": _asset(staging_kaas),
    "staging/local": _asset(staging_local),
    "publish/serving": _serving,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--steps", nargs="*", default=list(STEPS))
    parser.add_argument("--profile", help="print a cProfile of this step")
    parser.add_argument("--keep", type=Path, help="keep the scratch home here")
    parser.add_argument("--site", type=Path, help="a built site to flush with the serving file")
    args = parser.parse_args()
    scratch = args.keep or Path(tempfile.mkdtemp(prefix="staging_timing_"))
    home = scratch / "home"
    (home / "warehouse").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(args.warehouse, home / "warehouse" / "private.duckdb")
    if args.site:
        shutil.copytree(args.site, home / "publication" / "site")
        os.sync()  # the copy's own writes are not the step's
    warehouse = Warehouse(workspace=Workspace(home=str(home), data_dir=str(scratch)))
    for step in args.steps:
        prepared = STEPS[step](warehouse, home)
        profiler = cProfile.Profile() if step == args.profile else None
        cpu, wall = _cpu(), time.perf_counter()
        if profiler:
            profiler.enable()
        prepared()
        if profiler:
            profiler.disable()
        print(f"{step}: cpu {_cpu() - cpu:.2f} s, wall {time.perf_counter() - wall:.2f} s",
              flush=True)
        if profiler:
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MB")
    if args.keep is None:
        shutil.rmtree(scratch)


if __name__ == "__main__":
    main()
