"""Running the nightly job in this process, under the home's Dagster instance."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass

import dagster as dg

from pipelines.definitions import build_definitions
from pipelines.lock import exclusive_lock
from pipelines.settings import PROJECT_ROOT, Paths

INSTANCE_TEMPLATE = PROJECT_ROOT / "dagster.yaml"


@dataclass
class RefreshOutcome:
    success: bool
    run_id: str
    error: str | None


def prepare_instance(paths: Paths) -> dg.DagsterInstance:
    """The home's own Dagster instance (DAGSTER_HOME = <home>/dagster)."""
    paths.dagster_home.mkdir(parents=True, exist_ok=True)
    target = paths.dagster_home / "dagster.yaml"
    if not target.exists() or target.read_bytes() != INSTANCE_TEMPLATE.read_bytes():
        shutil.copyfile(INSTANCE_TEMPLATE, target)
    os.environ["DAGSTER_HOME"] = str(paths.dagster_home)
    return dg.DagsterInstance.from_config(str(paths.dagster_home))


def first_error(result: dg.ExecuteInProcessResult) -> str | None:
    """The message of the first failure, as the person who must fix it needs it."""
    for event in result.all_events:
        # A failed blocking check is reported before the step it fails; its problems
        # say more than the step's "blocking asset check failed".
        if event.event_type_value == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            if not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR:
                details = evaluation.metadata.get("problems")
                return (f"check {evaluation.asset_key.to_user_string()} "
                        f"{evaluation.check_name} failed: "
                        f"{details.value if details is not None else ''}")
        if event.is_step_failure:
            error = event.step_failure_data.error
            # Dagster wraps user errors; the cause holds our InputError text.
            wrapper = "DagsterExecutionStepExecutionError"
            while error.cause is not None and error.cls_name == wrapper:
                error = error.cause
            message = error.message.strip()
            if error.cls_name == "InputError":
                # The problems already say file, row and column; the class name adds nothing.
                message = message.split(": ", 1)[-1]
            return f"{event.step_key.replace('__', '/')}: {message}"
    return None if result.success else "the run failed (see the Dagster run log)"


def run_refresh(
    paths: Paths, lock_timeout_s: float = 3600, on_wait=None, fail_at: str = ""
) -> RefreshOutcome:
    """Run the nightly job once, holding the home's refresh lock."""
    paths.home.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(paths.lock_file, lock_timeout_s, on_wait=on_wait):
        instance = prepare_instance(paths)
        job = build_definitions(paths, fail_at=fail_at).resolve_job_def("nightly")
        result = job.execute_in_process(
            instance=instance,
            run_config={"loggers": {"progress": {}}},
            raise_on_error=False,
        )
        error = None if result.success else first_error(result)
        return RefreshOutcome(result.success, result.run_id, error)

