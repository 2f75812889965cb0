"""Markdown rows for docs/performance.md from the benchmark's JSON files.

    .venv/bin/python -m benchmarks.run --scale 5 --skip-sample --json /tmp/x5.json
    .venv/bin/python -m benchmarks.table /tmp/x01.json /tmp/x1.json /tmp/x5.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from benchmarks.phases import INDICATOR_STEPS

COLUMNS = ["data set", "refresh s", "start-up s", "staging s", "indicators s", "checks s",
           "site s", "files→warehouse s", "peak RSS MB", "serving MB", "site MB (files)",
           "baseline s", "indicator ratio", "refresh ratio", "slowest query ms",
           "incremental s"]


def row(result: dict) -> list[str]:
    phases = result["phases"]
    queries = result.get("queries") or {}
    incremental = result.get("incremental") or {}
    baseline = result.get("baseline") or {}
    return [
        result["label"],
        f"{result['wall_s']:.1f}",
        f"{result['startup_s']:.1f}",
        f"{phases.get('staging', 0):.1f}",
        f"{phases.get('indicators', 0):.1f}",
        f"{phases.get('checks', 0):.1f}",
        f"{phases.get('site', 0):.1f}",
        f"{result['files_to_warehouse_s']:.1f}",
        f"{result['peak_rss_mb']:.0f}",
        f"{result['serving_mb']:.1f}",
        f"{result['site_mb']:.0f} ({result['site_files']})",
        f"{sum(baseline.values()):.1f}" if baseline else "",
        _indicator_ratio(result),
        f"{result['refresh_ratio']:.1f}" if result.get("refresh_ratio") else "",
        f"{max(q['median_ms'] for q in queries.values()):.0f}" if queries else "",
        f"{incremental['incremental_s']:.1f}" if incremental else "",
    ]


def _indicator_ratio(result: dict) -> str:
    """Recomputed from the steps, so files written before a step was renamed still count."""
    compute = (result.get("baseline") or {}).get("compute")
    part = sum(s for step, s in result["steps"].items() if step in INDICATOR_STEPS)
    return f"{part / compute:.1f}" if compute else ""


def main(paths: list[str]) -> int:
    print("| " + " | ".join(COLUMNS) + " |")
    print("|" + "---|" * len(COLUMNS))
    for path in paths:
        for result in json.loads(Path(path).read_text(encoding="utf-8")):
            print("| " + " | ".join(row(result)) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
