"""A run logger that shows a person the refresh's progress, one line per asset.

Steps are named by their asset keys, as the Dagster UI shows them
(pipelines/step_names.py). When a step fails, Dagster logs one "Dependencies for
step ... Not executing." error for every step downstream of it; the person needs
the failure, not the cascade, so those become one count at the end of the run.
"""

from __future__ import annotations

import logging
import sys
from collections import Counter

import dagster as dg

from pipelines import fault_injection
from pipelines.step_names import asset_labels

_SHOWN = {"STEP_START", "STEP_SUCCESS", "STEP_FAILURE", "ASSET_CHECK_EVALUATION",
          "PIPELINE_FAILURE"}


# Steps not run, per run id: Dagster logs them through the execution's logger and the
# run's end through the orchestration's, two instances of this handler.
_not_executed: Counter[str] = Counter()


def is_not_executed_notice(message: str) -> bool:
    """Dagster's error for a step whose upstream failed (plan/active.py)."""
    return message.startswith("Dependencies for step ") and message.endswith("Not executing.")


class _ProgressHandler(logging.Handler):
    def __init__(self, labels: dict[str, str]) -> None:
        super().__init__()
        self.labels = labels  # step key -> asset keys

    def label(self, step_key: str | None) -> str:
        return self.labels.get(step_key or "") or (step_key or "").replace("__", "/")

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        if event is None:
            # Messages from the assets themselves (context.log): warnings and worse.
            if record.levelno >= logging.WARNING:
                message = meta.get("orig_message", record.getMessage())
                if is_not_executed_notice(message):
                    _not_executed[meta.get("run_id") or ""] += 1
                    return
                print(f"  ! {self.label(meta.get('step_key'))}: {message}",
                      file=sys.stderr, flush=True)
            return
        kind = event.event_type_value
        step = (event.step_key or "").replace("__", "/")
        if kind == "ASSET_MATERIALIZATION":
            fault_injection.kill_point(step, "end")
        if kind not in _SHOWN:
            return
        if kind == "STEP_START":
            print(f"  … {self.label(event.step_key)}", file=sys.stderr, flush=True)
            fault_injection.step_started(step)
        elif kind == "STEP_SUCCESS":
            seconds = event.event_specific_data.duration_ms / 1000
            print(f"  ✓ {self.label(event.step_key)} ({seconds:.1f} s)",
                  file=sys.stderr, flush=True)
        elif kind == "STEP_FAILURE":
            print(f"  ✗ {self.label(event.step_key)} failed", file=sys.stderr, flush=True)
        elif kind == "PIPELINE_FAILURE":
            skipped = _not_executed.pop(meta.get("run_id") or "", 0)
            if skipped:
                print(f"  · {skipped} later steps not run", file=sys.stderr, flush=True)
        elif kind == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            if not evaluation.passed:
                shown = "; ".join(f"{k}: {v.value}" for k, v in evaluation.metadata.items())
                mark = "✗" if evaluation.severity == dg.AssetCheckSeverity.ERROR else "!"
                print(f"  {mark} check {evaluation.asset_key.to_user_string()} "
                      f"{evaluation.check_name}: {shown}", file=sys.stderr, flush=True)


@dg.logger(description="One line per asset on the terminal: started, done, failed.")
def progress_logger(init_context) -> logging.Logger:
    log = logging.Logger("boligmonitor.progress", level=logging.DEBUG)
    job = init_context.job_def
    log.addHandler(_ProgressHandler(asset_labels(job) if job is not None else {}))
    return log
