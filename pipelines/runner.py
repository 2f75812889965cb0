"""Running the nightly job in this process, under the home's Dagster instance."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from pipelines import causes
from pipelines.definitions import build_definitions
from pipelines.lock import LockTimeout, exclusive_lock
from pipelines.publication import layout_problem, live_refresh_id
from pipelines.reconcile import process_tags, reconcile_dead_runs
from pipelines.settings import PROJECT_ROOT, Paths
from pipelines.step_names import step_label

INSTANCE_TEMPLATE = PROJECT_ROOT / "dagster.yaml"


@dataclass
class RefreshOutcome:
    success: bool
    run_id: str | None  # None when the run could not even be created
    error: str | None
    # The live refresh id when the run began and when it ended, both read under the lock.
    published_before: str | None = None
    published_after: str | None = None
    compared: bool = False  # False: the publication could not be read before and after

    @property
    def unchanged(self) -> bool:
        """Verifiably the same publication as before (its folder is never written again)."""
        return self.compared and self.published_before == self.published_after

    @property
    def published_this_run(self) -> bool:
        return self.run_id is not None and self.published_after == self.run_id


def prepare_instance(paths: Paths) -> dg.DagsterInstance:
    """The home's own Dagster instance (DAGSTER_HOME = <home>/dagster)."""
    paths.dagster_home.mkdir(parents=True, exist_ok=True)
    target = paths.dagster_home / "dagster.yaml"
    if not target.exists() or target.read_bytes() != INSTANCE_TEMPLATE.read_bytes():
        shutil.copyfile(INSTANCE_TEMPLATE, target)
    os.environ["DAGSTER_HOME"] = str(paths.dagster_home)
    return dg.DagsterInstance.from_config(str(paths.dagster_home))


def first_error(result: dg.ExecuteInProcessResult, home: Path | None = None) -> str | None:
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
            # (An AfterPublishError already says its causes plainly, after what was published.)
            plain = causes.from_error_info(error, home) \
                if home is not None and error.cls_name != "AfterPublishError" else None
            if plain:
                return f"{step_label(event.step_key, result.job_def)}: {plain}"
            message = error.message.strip()
            if error.cls_name in {"InputError", "AfterPublishError"}:
                # The problems already say file, row and column; the class name adds nothing.
                message = message.split(": ", 1)[-1]
            return f"{step_label(event.step_key, result.job_def)}: {message}"
    return None if result.success else "the run failed (see the Dagster run log)"


def run_refresh(
    paths: Paths, lock_timeout_s: float = 3600, on_wait=None, fail_at: str = "", warn=print
) -> RefreshOutcome:
    """Run the nightly job once, holding the home's refresh lock.

    First the runs a dead process left unfinished are failed and recorded. A full
    disk, a read-only disk or exhausted memory ends the refresh with one sentence
    naming the cause (pipelines/causes.py), wherever it struck.
    """
    outcome = RefreshOutcome(False, None, None)
    started = False
    try:
        paths.home.mkdir(parents=True, exist_ok=True)
        with exclusive_lock(paths.lock_file, lock_timeout_s, on_wait=on_wait):
            outcome.published_before = live_refresh_id(paths)
            problem = layout_problem(paths)
            if problem:
                outcome.error = problem
            else:
                started = True
                instance = prepare_instance(paths)
                reconcile_dead_runs(instance, paths, warn=warn)
                job = build_definitions(paths, fail_at=fail_at).resolve_job_def("nightly")
                result = job.execute_in_process(
                    instance=instance,
                    run_config={"loggers": {"progress": {}}},
                    raise_on_error=False,
                    tags=process_tags(),
                )
                outcome.success, outcome.run_id = result.success, result.run_id
                outcome.error = None if result.success else first_error(result, paths.home)
            outcome.published_after = live_refresh_id(paths)
            outcome.compared = True
    except LockTimeout:
        raise
    except Exception as exc:
        # Only the machine's own faults are answered here; anything else is a bug to show.
        plain = causes.from_exception(exc, paths.home)
        if plain is None:
            raise
        outcome.success, outcome.error = False, plain
        try:
            outcome.published_after = live_refresh_id(paths)
        except OSError:
            return outcome
        if not started:  # it failed before it could publish anything
            outcome.published_before = outcome.published_after
        outcome.compared = True
    return outcome
