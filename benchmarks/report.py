"""What the benchmark prints: one block per data set, targets marked, and the RESULT line."""

from __future__ import annotations

from dataclasses import dataclass, field

from benchmarks.baseline import Agreement
from benchmarks.phases import PHASES, Breakdown
from benchmarks.queries import QueryTiming

LOCAL_STEPS = ("mart/local_indicators", "mart/local_categories")


@dataclass
class SetResult:
    """Everything measured on one data set."""

    label: str
    scale: str
    data_dir: str
    refresh: Breakdown
    returncode: int
    peak_rss_mb: float
    serving_mb: float
    site_mb: float
    site_files: int
    open_ms: float = 0.0
    queries: list[QueryTiming] = field(default_factory=list)
    baseline: dict[str, float] = field(default_factory=dict)
    agreement: list[Agreement] = field(default_factory=list)
    incremental: dict[str, float] = field(default_factory=dict)
    generate_s: float | None = None
    step_peaks_mb: dict[str, float] = field(default_factory=dict)
    effects: dict = field(default_factory=dict)  # effects_report.EffectFigures.as_dict()

    @property
    def baseline_total_s(self) -> float:
        return sum(self.baseline.values())

    @property
    def indicator_ratio(self) -> float | None:
        compute = self.baseline.get("compute")
        return self.refresh.indicator_part_s / compute if compute else None

    @property
    def local_part_s(self) -> float:
        """The local model's steps: points and categories from the staged cells."""
        return sum(self.refresh.steps.get(step, 0.0) for step in LOCAL_STEPS)

    @property
    def local_ratio(self) -> float | None:
        local = self.baseline.get("local")
        return self.local_part_s / local if local else None

    @property
    def refresh_ratio(self) -> float | None:
        total = self.baseline_total_s
        return self.refresh.wall_s / total if total else None

    def as_dict(self) -> dict:
        r = self.refresh
        return {
            "label": self.label, "scale": self.scale, "data_dir": self.data_dir,
            "returncode": self.returncode, "wall_s": r.wall_s, "startup_s": r.startup_s,
            "orchestration_s": r.orchestration_s, "shutdown_s": r.shutdown_s,
            "phases": r.phases, "steps": r.steps,
            "files_to_warehouse_s": r.files_to_warehouse_s,
            "indicator_part_s": r.indicator_part_s, "peak_rss_mb": self.peak_rss_mb,
            "serving_mb": self.serving_mb, "site_mb": self.site_mb, "site_files": self.site_files,
            "open_ms": self.open_ms,
            "queries": {q.name: {"median_ms": q.median_ms, "max_ms": q.max_ms, "rows": q.rows}
                        for q in self.queries},
            "baseline": self.baseline, "indicator_ratio": self.indicator_ratio,
            "refresh_ratio": self.refresh_ratio, "local_part_s": self.local_part_s,
            "local_ratio": self.local_ratio, "incremental": self.incremental,
            "generate_s": self.generate_s, "step_peaks_mb": self.step_peaks_mb,
            "effects": self.effects,
            "agreement": {a.table: {"matched": a.matched, "differing": a.differing,
                                    "baseline_rows": a.baseline_rows,
                                    "product_rows": a.product_rows} for a in self.agreement},
        }


def _mark(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def _ratio_line(what: str, product_s: float, baseline_s: float, target: str,
                targets: dict[str, float]) -> str:
    ratio = product_s / baseline_s
    line = f"ratio product / baseline, {what}: {product_s:.1f} / {baseline_s:.1f} = {ratio:.1f}"
    if target in targets:
        line += f"  (target <= {targets[target]}: {_mark(ratio <= targets[target])})"
    return line


def render(result: SetResult, targets: dict[str, float]) -> str:
    r = result.refresh
    lines = [f"== {result.label}: {result.data_dir} =="]
    if result.generate_s is not None:
        lines.append(f"generated in {result.generate_s:.1f} s")
    if result.returncode:
        lines.append(f"REFRESH FAILED (exit {result.returncode}); figures below are partial")
    wall_target = targets.get("refresh_s")
    lines.append(
        f"refresh, process start to exit: {r.wall_s:.1f} s"
        + (f"  (target < {wall_target:.0f} s: {_mark(r.wall_s < wall_target)})"
           if wall_target else ""))
    warehouse_target = targets.get("warehouse_s")
    lines.append(
        f"  files to published warehouse (without the site): {r.files_to_warehouse_s:.1f} s"
        + (f"  (target < {warehouse_target:.0f} s: "
           f"{_mark(r.files_to_warehouse_s < warehouse_target)})" if warehouse_target else ""))
    lines.append(f"  Dagster start-up (imports, definitions, instance, run): {r.startup_s:.1f} s")
    for phase in PHASES:
        if phase == "checks" and not r.phases.get(phase):
            # The table checks run inside the steps writing the tables (pipelines/checks.py).
            lines.append(f"  {phase:<13}     –    (inside the indicator steps)")
            continue
        lines.append(f"  {phase:<13} {r.phases.get(phase, 0.0):7.1f} s")
    lines.append(f"  {'orchestration':<13} {r.orchestration_s:7.1f} s  (between steps)")
    lines.append(f"  {'shutdown':<13} {r.shutdown_s:7.1f} s")
    slowest = sorted(r.steps.items(), key=lambda kv: kv[1], reverse=True)[:5]
    lines.append("  slowest steps: " + ", ".join(f"{s} {t:.1f} s" for s, t in slowest))
    rss_target = targets.get("rss_mb")
    lines.append(
        f"peak RSS of the process tree: {result.peak_rss_mb:.0f} MB"
        + (f"  (target < {rss_target:.0f} MB: {_mark(result.peak_rss_mb < rss_target)})"
           if rss_target else ""))
    if result.step_peaks_mb:
        top = sorted(result.step_peaks_mb.items(), key=lambda kv: kv[1], reverse=True)[:3]
        lines.append("  highest while: " + ", ".join(f"{s} {m:.0f} MB" for s, m in top))
    lines.append(f"serving file: {result.serving_mb:.1f} MB")
    lines.append(f"site: {result.site_mb:.1f} MB in {result.site_files} files, built in "
                 f"{r.phases.get('site', 0.0):.1f} s")
    if result.queries:
        worst = max(q.median_ms for q in result.queries)
        lines.append(f"analyst queries (read-only, median of runs; open {result.open_ms:.0f} ms)"
                     f"  (target < 200 ms: {_mark(worst < 200)})")
        for q in result.queries:
            lines.append(f"  {q.name:<15} {q.median_ms:7.1f} ms median, {q.max_ms:7.1f} ms max,"
                         f" {q.rows} rows")
    if result.baseline:
        lines.append(
            f"baseline (DuckDB SQL): load {result.baseline.get('load', 0):.1f} s + compute "
            f"{result.baseline.get('compute', 0):.1f} s = {result.baseline_total_s:.1f} s")
        for a in result.agreement:
            lines.append(f"  agrees with mart.{a.table}: {a.matched} of {a.product_rows} rows "
                         f"({a.differing} differ, baseline has {a.baseline_rows})")
        if result.indicator_ratio is not None:
            lines.append(_ratio_line(
                "indicator part (area_year + indicator_values + area_status)",
                r.indicator_part_s, result.baseline["compute"], "indicator_ratio", targets))
        if result.local_ratio is not None:
            lines.append(_ratio_line(
                "local model (local_indicators + local_categories; baseline_local.sql, its "
                f"cells loaded in {result.baseline.get('local_load', 0):.1f} s)",
                result.local_part_s, result.baseline["local"], "local_ratio", targets))
        lines.append(f"ratio product / baseline, whole refresh: {r.wall_s:.1f} / "
                     f"{result.baseline_total_s:.1f} = {result.refresh_ratio:.1f}")
    if result.incremental:
        inc = result.incremental
        lines.append(
            f"incremental (only the newest delivery's files arrive): {inc['incremental_s']:.1f} s"
            f" against {inc['before_s']:.1f} s for the refresh before it and "
            f"{r.wall_s:.1f} s for a full refresh ({inc['incremental_s'] / r.wall_s:.0%})")
    return "\n".join(lines)


def result_line(result: SetResult) -> str:
    ratio, local = result.refresh_ratio, result.local_ratio
    return (f"RESULT scale={result.scale} refresh_s={result.refresh.wall_s:.2f} "
            f"baseline_s={result.baseline_total_s:.2f} "
            f"ratio={'nan' if ratio is None else f'{ratio:.2f}'} "
            f"peak_rss_mb={result.peak_rss_mb:.0f} "
            f"local_ratio={'nan' if local is None else f'{local:.2f}'}")
