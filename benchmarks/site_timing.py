"""The site's weight and speed on a published home: page sizes, draw time, build time.

    .venv/bin/python -m benchmarks.site_timing --home /tmp/bm-national-home
    .venv/bin/python -m benchmarks.site_timing --home HOME --skip-build   # pages only

Reads the published warehouse of HOME (`serving/boligmonitor.duckdb`) and
site (`site/`), then prints:

- the overview's HTML size, the largest page and every page over 1 MB;
- the overview's time to interactive in headless Chromium (Debian's, network
  blocked): `performance.now()` when site.js marks the page ready, over a
  few loads, and the time until the first chart above the fold is drawn;
- the time to build the whole site from the published tables in Danish
  alone and in both languages (a fresh folder each, this process), wall
  time and the CPU time of this process and its forked page writers, with
  the load average when each build started.

Timings vary with whatever else the machine runs: a benchmark, not a test.
The CPU seconds vary less than the wall time when others share the cores.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import tempfile
import time
from pathlib import Path

import duckdb
import polars as pl

from indicators import tables
from indicators.site.build import build_site
from indicators.site.options import SiteOptions

OVERVIEW_LIMIT = 600_000
PAGE_LIMIT = 1_000_000


def page_sizes(site: Path) -> dict:
    pages = sorted(site.rglob("*.html"))
    sizes = {p.relative_to(site).as_posix(): p.stat().st_size for p in pages}
    largest = max(sizes.items(), key=lambda kv: kv[1])
    return {"pages": len(sizes), "overview": sizes.get("index.html"),
            "overview_en": sizes.get("en/index.html"), "largest": largest,
            "over_limit": sorted(k for k, v in sizes.items() if v > PAGE_LIMIT),
            "total_mb": sum(p.stat().st_size for p in site.rglob("*") if p.is_file()) / 1e6}


def time_to_interactive(page: Path, loads: int = 3) -> list[float]:
    from tests.site.browser import Browser

    times = []
    with Browser(block_network=True) as browser:
        for _ in range(loads):
            browser.open(page.as_uri(), wait_s=60)
            ready = browser.run("return document.body.getAttribute('data-ready-ms')")
            times.append(float(ready) if ready is not None else float("nan"))
    return times


def read_frames(db: Path) -> tuple[dict, dict]:
    """The published tables of a serving file (or of a home's private warehouse, whose
    marts are the same tables; its refresh record is then a stand-in)."""
    conn = duckdb.connect(str(db), read_only=True)
    try:
        frames = {}
        for t in tables.PUBLISHED:
            if t.name == "refresh":
                continue
            try:
                frames[t.name] = conn.execute(f"SELECT * FROM {t.qualified}").pl()
            except duckdb.CatalogException:
                # A home published before the table existed: time the build without it.
                print(f"note: {db} has no {t.qualified}; built as an empty table")
                frames[t.name] = pl.DataFrame({c: [] for c in t.column_names()})
        try:
            row = conn.execute("SELECT * FROM mart.refresh").pl().to_dicts()[0]
        except duckdb.CatalogException:
            row = {"refresh_id": "benchmark", "finished_at": None, "files": []}
    finally:
        conn.close()
    return frames, row


def _cpu_seconds() -> float:
    """User and system time of this process and of its children that have ended."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def build_seconds(db: Path, languages: tuple[str, ...], keep: Path | None = None
                  ) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one build of the site in `languages`."""
    frames, refresh = read_frames(db)
    with tempfile.TemporaryDirectory(prefix="bm-site-") as folder:
        out = keep if keep is not None else Path(folder) / "site"
        cpu = _cpu_seconds()
        started = time.perf_counter()
        build_site(frames, refresh, out, options=SiteOptions(languages=languages))
        return time.perf_counter() - started, _cpu_seconds() - cpu


def _load() -> str:
    return "load " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--db", type=Path, help="tables to build from (default: the home's "
                        "serving file; a home's warehouse/private.duckdb works too)")
    parser.add_argument("--site", type=Path, help="site to measure (default: the home's; "
                        "with --build-into, the one built there)")
    parser.add_argument("--build-into", type=Path, help="build both languages into this new "
                        "folder first and measure that site")
    parser.add_argument("--loads", type=int, default=3)
    parser.add_argument("--skip-build", action="store_true")
    args = parser.parse_args(argv)
    db = args.db or args.home / "serving" / "boligmonitor.duckdb"
    if args.build_into is not None:
        load = _load()
        seconds, cpu = build_seconds(db, ("da", "en"), keep=args.build_into)
        print(f"built {args.build_into} in {seconds:.1f} s, {cpu:.1f} CPU s (Danish and "
              f"English; {load} at the start)")
    site = args.site or args.build_into or args.home / "site"
    sizes = page_sizes(site)
    print(f"pages: {sizes['pages']} html, site {sizes['total_mb']:.1f} MB in all")
    print(f"overview: {sizes['overview'] / 1e3:.0f} KB (limit {OVERVIEW_LIMIT / 1e3:.0f} KB), "
          f"English {sizes['overview_en'] / 1e3:.0f} KB" if sizes["overview_en"] else "")
    name, size = sizes["largest"]
    print(f"largest page: {name} {size / 1e3:.0f} KB; over 1 MB: "
          f"{', '.join(sizes['over_limit']) or 'none'}")
    times = time_to_interactive(site / "index.html", args.loads)
    print(f"overview interactive after {statistics.median(times):.0f} ms (median of "
          f"{len(times)} loads: {', '.join(f'{t:.0f}' for t in times)})")
    if not args.skip_build:
        load_da = _load()
        da, da_cpu = build_seconds(db, ("da",))
        load_both = _load()
        both, both_cpu = build_seconds(db, ("da", "en"))
        print(f"site build: Danish alone {da:.1f} s ({da_cpu:.1f} CPU s, {load_da} at the "
              f"start), Danish and English {both:.1f} s ({both_cpu:.1f} CPU s, {load_both})")


if __name__ == "__main__":
    main()
