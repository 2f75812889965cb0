"""The nightly job, its schedule and its failure hook."""


import dagster as dg

from pipelines.failures import record_failure, send_failure_mail
from pipelines.incoming import report_incoming_failure
from pipelines.locked_executor import home_locked_executor
from pipelines.publication import live_refresh_id


@dg.failure_hook(required_resource_keys={"warehouse", "workspace"})
def record_failed_night(context: dg.HookContext) -> None:
    """Keep a record of each failed run in the private warehouse, and e-mail it.

    A run that failed after its publication went live (publish/serving's steps after
    the swap) read its incoming deliveries into what is published: they are not
    rejected, and the next run moves them into place."""
    error = context.op_exception
    message = str(error) if error is not None else "step failed"
    step = context.step_key.replace("__", "/")
    paths = context.resources.workspace.paths
    published = live_refresh_id(paths) == context.run_id
    with context.resources.warehouse.connect() as conn:
        first = record_failure(conn, context.run_id, step, message)
        if first and not published:
            report_incoming_failure(conn, paths.data, message)
    if first:
        try:
            send_failure_mail(context.run_id, step, message, published=published)
        except OSError as exc:  # the failure is recorded; a mail relay problem must not hide it
            context.log.warning(f"could not e-mail the failure: {exc}")


# In-process: every step shares one process and one DuckDB file; a subprocess
# per step costs seconds each and DuckDB allows one writer process (docs/conventions.md).
# Under the home's refresh lock, like `boligmonitor refresh` (pipelines/locked_executor.py).
nightly = dg.define_asset_job(
    "nightly",
    selection=dg.AssetSelection.all(),
    executor_def=home_locked_executor,
    hooks={record_failed_night},
    tags={"dagster/max_retries": 1},
    description="Full refresh: read the data directory, rebuild the warehouse, publish the "
    "serving file and the site.",
)

# 03:30 exists exactly once every day in Copenhagen: summer time skips
# 02:00-02:59 in March and repeats it in October.
nightly_schedule = dg.ScheduleDefinition(
    name="nightly_0330",
    job=nightly,
    cron_schedule="30 3 * * *",
    execution_timezone="Europe/Copenhagen",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="The nightly refresh at 03:30 Copenhagen time.",
)
