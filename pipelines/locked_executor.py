"""The executor of runs the daemon launches: in process, under the home's refresh lock.

`boligmonitor refresh` takes `<home>/refresh.lock` itself (and runs with
`execute_in_process`, which always uses Dagster's own in-process executor). A
run launched by the schedule, the sensor or the webserver starts in a worker
process of the daemon; this executor takes the same lock there before the first
step, so such a run waits for a CLI refresh (or fails after `lock_wait_seconds`
saying who holds the lock) and never writes the warehouse beside it. Holding the
lock, it records its process id and fails the runs a dead process left behind.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack

import dagster as dg
from dagster._core.events import DagsterEvent, EngineEventData
from dagster._core.execution.retries import RetryMode
from dagster._core.executor.in_process import InProcessExecutor

from pipelines.lock import LockTimeout, exclusive_lock
from pipelines.reconcile import process_tags, reconcile_dead_runs
from pipelines.settings import resolve_paths


class HomeLockedExecutor(InProcessExecutor):
    def __init__(self, lock_wait_s: float):
        super().__init__(retries=RetryMode.ENABLED)
        self.lock_wait_s = lock_wait_s

    def execute(self, plan_context, execution_plan) -> Iterator[DagsterEvent]:
        if not os.environ.get("BOLIGMONITOR_HOME"):
            raise RuntimeError("BOLIGMONITOR_HOME is not set: the run does not know which "
                               "home's lock to take (boligmonitor serve sets it)")
        paths = resolve_paths()
        instance = plan_context.instance
        run = plan_context.dagster_run
        instance.add_run_tags(run.run_id, process_tags())
        with ExitStack() as held:
            try:
                held.enter_context(exclusive_lock(paths.lock_file, 0))
            except LockTimeout:
                holder = paths.lock_file.read_text(encoding="utf-8").strip() or "another process"
                yield DagsterEvent.engine_event(
                    plan_context,
                    f"Another refresh of {paths.home} is running ({holder}); waiting up to "
                    f"{self.lock_wait_s:.0f} s for its lock",
                    EngineEventData(),
                )
                held.enter_context(exclusive_lock(paths.lock_file, self.lock_wait_s))
            notes: list[str] = []
            dead = reconcile_dead_runs(instance, paths, warn=notes.append)
            for note in notes:
                yield DagsterEvent.engine_event(plan_context, note, EngineEventData())
            if dead:
                yield DagsterEvent.engine_event(
                    plan_context,
                    "Marked failed, as their process no longer exists: "
                    + ", ".join(d.run_id for d in dead),
                    EngineEventData(),
                )
            yield from super().execute(plan_context, execution_plan)


@dg.executor(
    name="home_locked_in_process",
    config_schema={
        "lock_wait_seconds": dg.Field(
            int, default_value=3600,
            description="Seconds to wait for a refresh of the same home to finish.",
        )
    },
)
def home_locked_executor(init_context) -> HomeLockedExecutor:
    """All steps in one process (one DuckDB writer), holding the home's refresh lock."""
    return HomeLockedExecutor(init_context.executor_config["lock_wait_seconds"])
