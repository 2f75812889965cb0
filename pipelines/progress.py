"""A run logger that shows a person the refresh's progress, one line per asset."""

from __future__ import annotations

import logging
import sys

import dagster as dg

from pipelines import fault_injection

_SHOWN = {"STEP_START", "STEP_SUCCESS", "STEP_FAILURE", "ASSET_CHECK_EVALUATION"}


class _ProgressHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        if event is None:
            # Messages from the assets themselves (context.log): warnings and worse.
            if record.levelno >= logging.WARNING:
                step = meta.get("step_key") or ""
                print(f"  ! {step}: {meta.get('orig_message', record.getMessage())}",
                      file=sys.stderr, flush=True)
            return
        kind = event.event_type_value
        step = (event.step_key or "").replace("__", "/")
        if kind == "ASSET_MATERIALIZATION":
            fault_injection.kill_point(step, "end")
        if kind not in _SHOWN:
            return
        if kind == "STEP_START":
            print(f"  … {step}", file=sys.stderr, flush=True)
            fault_injection.step_started(step)
        elif kind == "STEP_SUCCESS":
            seconds = event.event_specific_data.duration_ms / 1000
            print(f"  ✓ {step} ({seconds:.1f} s)", file=sys.stderr, flush=True)
        elif kind == "STEP_FAILURE":
            print(f"  ✗ {step} failed", file=sys.stderr, flush=True)
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
    log.addHandler(_ProgressHandler())
    return log
