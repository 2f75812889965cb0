"""Runs whose process died: found by process id, marked failed, recorded, mailed.

A refresh killed with SIGKILL (the OOM killer, a power cut, `kill -9`) cannot
report its own end, so Dagster keeps it STARTED for ever, and with
`max_concurrent_runs: 1` the daemon then never launches another run. Every run
records the process that executes it (`boligmonitor/pid` and the process's
start time, so a reused process id is not mistaken for it); at the start of
every refresh and of the service, and every minute in the service, runs of this
home whose process no longer exists are marked failed and treated as failed
nights: recorded in `ops.failed_runs` and mailed.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.failures import record_failure, record_publication, send_failure_mail
from pipelines.publication import live_refresh_id, remove_tree
from pipelines.settings import Paths

PID_TAG = "boligmonitor/pid"
PROCESS_STARTED_TAG = "boligmonitor/process_started"
HOST_TAG = "boligmonitor/host"

# A run in these states holds (or is about to hold) the one run slot.
UNFINISHED = [
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
]


def _process_started(pid: int) -> str | None:
    """The kernel's start time of a process (clock ticks since boot), None if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # Field 22; the command name (field 2) may hold spaces, so count after its ')'.
    return stat.rsplit(")", 1)[1].split()[19]


def process_tags(pid: int | None = None) -> dict[str, str]:
    """The tags that let a later process tell whether this run's process still lives."""
    import os

    pid = os.getpid() if pid is None else pid
    return {PID_TAG: str(pid), PROCESS_STARTED_TAG: _process_started(pid) or "",
            HOST_TAG: socket.gethostname()}


def process_alive(tags: dict[str, str]) -> bool | None:
    """True/False for a run's process; None when this machine cannot tell."""
    if PID_TAG not in tags or tags.get(HOST_TAG) != socket.gethostname():
        return None
    started = _process_started(int(tags[PID_TAG]))
    if started is None:
        return False
    recorded = tags.get(PROCESS_STARTED_TAG)
    return not recorded or started == recorded


@dataclass
class DeadRun:
    run_id: str
    step: str
    message: str
    published: bool


def _last_step(instance: dg.DagsterInstance, run_id: str) -> str:
    """The step the run was in when it died (started, never finished)."""
    kinds = {dg.DagsterEventType.STEP_START, dg.DagsterEventType.STEP_SUCCESS,
             dg.DagsterEventType.STEP_FAILURE}
    open_steps: list[str] = []
    for entry in instance.all_logs(run_id, of_type=kinds):
        step = entry.dagster_event.step_key or ""
        if entry.dagster_event.event_type == dg.DagsterEventType.STEP_START:
            open_steps.append(step)
        elif step in open_steps:
            open_steps.remove(step)
    return open_steps[-1].replace("__", "/") if open_steps else "run start"


def dead_runs(instance: dg.DagsterInstance) -> list[dg.DagsterRun]:
    """Unfinished runs of this instance whose process is known to be gone."""
    return [run for run in instance.get_runs(filters=dg.RunsFilter(statuses=UNFINISHED))
            if process_alive(run.tags) is False]


def reconcile_dead_runs(instance: dg.DagsterInstance, paths: Paths, warn=print) -> list[DeadRun]:
    """Mark the dead runs failed and record and mail each as a failed night.

    Call it holding the home's refresh lock: it writes the private warehouse, and a
    run that died before publishing leaves a publication folder it now removes.
    """
    live = live_refresh_id(paths)
    found = []
    for run in dead_runs(instance):
        step = _last_step(instance, run.run_id)
        published = live == run.run_id
        message = (f"the process running this refresh (pid {run.tags[PID_TAG]}) ended without "
                   f"finishing it, during {step} (killed, out of memory or the machine stopped)")
        if published:
            message += "; its publication had gone live and stays live"
        instance.report_run_failed(run, message)
        found.append(DeadRun(run.run_id, step, message, published))
        unfinished = paths.publication(run.run_id)
        if not published and unfinished.is_dir():
            remove_tree(unfinished)
    if not found:
        return found
    try:
        paths.private_db.parent.mkdir(parents=True, exist_ok=True)
        conn = duckdb.connect(str(paths.private_db))
        try:
            fresh = []
            for dead in found:
                if record_failure(conn, dead.run_id, dead.step, dead.message):
                    fresh.append(dead)
                if dead.published:
                    record_publication(conn, dead.run_id)
        finally:
            conn.close()
    except duckdb.Error as exc:  # the runs are marked failed; the record can wait
        warn(f"could not record the dead runs in ops.failed_runs: {exc}")
        fresh = found
    for dead in fresh:
        try:
            send_failure_mail(dead.run_id, dead.step, dead.message, published=dead.published)
        except OSError as exc:
            warn(f"could not e-mail the failure of run {dead.run_id}: {exc}")
    return found
