"""Split a refresh's wall time into phases from its progress lines.

`boligmonitor refresh` prints `  … <step>` when a step starts and
`  ✓ <step> (<s> s)` when it ends (pipelines/progress.py). With each line's
arrival time (benchmarks/measure.py) the wall time splits exactly into:

- start-up: process start to the first step (imports, Dagster definitions,
  instance, run creation) — Dagster's fixed cost, reported on its own;
- each phase's steps, by their own reported durations;
- orchestration: the time between steps that no step reports (Dagster's
  per-step bookkeeping: events, run storage);
- shutdown: last step to process exit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A multi-asset's step is labelled by its asset keys joined by " + " (pipelines/step_names.py).
STEP_DONE = re.compile(r"^\s*✓\s+(?P<step>\S+(?: \+ \S+)*)\s+\((?P<seconds>[\d.]+) s\)")
STEP_START = re.compile(r"^\s*…\s+(?P<step>\S+(?: \+ \S+)*)")

PHASES = ["ingest", "staging", "indicators", "checks", "site", "publish"]
# The computation the baseline does too (area sums, averages, statuses, residents):
# the steps that build mart.area_year, mart.indicator_values and mart.area_status
# (`mart_criteria`: one step building the latter two, if they are ever combined).
INDICATOR_STEPS = {"mart/indicator_values", "mart/area_status", "mart/area_year",
                   "mart_criteria"}


def phase_of(step: str) -> str:
    """Which phase a step (as the progress logger prints it) belongs to. The table checks
    run inside the steps writing the tables; separate check steps are older refreshes'
    (and check-only runs launched from the Dagster UI)."""
    if step.endswith(("_published_shape", "_row_count_change")) or "check" in step:
        return "checks"
    if step.startswith("raw/"):
        return "ingest"
    if step.startswith("staging"):
        return "staging"
    if step == "publish/site":
        return "site"
    if step.startswith("publish"):
        return "publish"
    return "indicators"  # mart/* and any new computing layer


@dataclass
class Breakdown:
    wall_s: float
    startup_s: float
    shutdown_s: float
    orchestration_s: float
    phases: dict[str, float]
    steps: dict[str, float]
    done_at: dict[str, float]  # step -> seconds since process start when it finished

    @property
    def indicator_part_s(self) -> float:
        return sum(s for step, s in self.steps.items()
                   if INDICATOR_STEPS.intersection(step.split(" + ")))

    @property
    def files_to_warehouse_s(self) -> float:
        """Process start to the serving file published, less the site build that the job
        runs before it (the warehouse does not wait for the site in substance)."""
        end = self.done_at.get("publish/serving", self.wall_s - self.shutdown_s)
        return end - self.phases.get("site", 0.0)


def breakdown(lines: list[tuple[float, str]], wall_s: float) -> Breakdown:
    starts = [t for t, text in lines if STEP_START.match(text)]
    done = [(t, STEP_DONE.match(text)) for t, text in lines]
    done = [(t, m) for t, m in done if m]
    steps = {m["step"]: float(m["seconds"]) for _, m in done}
    phases = {p: 0.0 for p in PHASES}
    for step, seconds in steps.items():
        phases[phase_of(step)] += seconds
    first = min(starts) if starts else wall_s
    last = max(t for t, _ in done) if done else wall_s
    running = max(0.0, last - first)
    return Breakdown(
        wall_s=wall_s, startup_s=first, shutdown_s=max(0.0, wall_s - last),
        orchestration_s=max(0.0, running - sum(steps.values())), phases=phases, steps=steps,
        done_at={m["step"]: t for t, m in done},
    )


def peak_by_step(lines: list[tuple[float, str]], samples: list[tuple[float, int]]
                 ) -> dict[str, int]:
    """The highest sampled RSS (bytes) while each step ran, from its start line to its
    end line; "start-up" before the first step."""
    spans: dict[str, list[float]] = {}
    for t, text in lines:
        start, done = STEP_START.match(text), STEP_DONE.match(text)
        if start:
            spans.setdefault(start["step"], [t, t])
        elif done and done["step"] in spans:
            spans[done["step"]][1] = t
    first = min((a for a, _ in spans.values()), default=float("inf"))
    peaks: dict[str, int] = {}
    for t, rss in samples:
        if t < first:
            peaks["start-up"] = max(peaks.get("start-up", 0), rss)
            continue
        for step, (a, b) in spans.items():
            if a <= t <= b:
                peaks[step] = max(peaks.get(step, 0), rss)
    return peaks
