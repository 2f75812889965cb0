"""`boligmonitor serve`: webserver, daemon and site server as one service."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from pipelines.lock import LockTimeout, exclusive_lock
from pipelines.reconcile import reconcile_dead_runs
from pipelines.runner import prepare_instance
from pipelines.settings import PROJECT_ROOT, Paths

# How often the service looks for runs whose process died while it runs.
RECONCILE_EVERY_S = 60


def service_environment(paths: Paths) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DAGSTER_HOME=str(paths.dagster_home),
        BOLIGMONITOR_HOME=str(paths.home),
        BOLIGMONITOR_DATA=str(paths.data),
    )
    return env


def service_commands(paths: Paths, port: int, site_port: int) -> dict[str, list[str]]:
    bin_dir = Path(sys.executable).parent
    location = ["-m", "pipelines.definitions", "-d", str(PROJECT_ROOT)]
    return {
        # Read-only: the UI shows assets, checks and runs, but accepts no mutation (launching,
        # deleting or re-executing runs, switching schedules): a web page the operator's
        # browser opens cannot rewrite run history through it. The schedule and the sensor
        # are on by default in code and run in the daemon, which needs no UI mutation.
        "webserver": [str(bin_dir / "dagster-webserver"), "-h", "127.0.0.1", "-p", str(port),
                      "--read-only", *location],
        "daemon": [str(bin_dir / "dagster-daemon"), "run", *location],
        "site": [sys.executable, "-m", "pipelines.site_server", str(paths.site),
                 "--port", str(site_port), "--wait"],
    }


def reconcile(instance, paths: Paths, echo=print) -> None:
    """Fail the runs a dead process left unfinished, if no refresh holds the home's lock
    (one that does is alive, and reconciles itself when it starts)."""
    try:
        with exclusive_lock(paths.lock_file, 0):
            for dead in reconcile_dead_runs(instance, paths, warn=echo):
                echo(f"run {dead.run_id} marked failed: {dead.message}")
    except LockTimeout:
        pass


def run_service(paths: Paths, port: int, site_port: int, echo=print) -> int:
    """Start the three processes; stop them all when one dies or on Ctrl-C."""
    paths.home.mkdir(parents=True, exist_ok=True)
    instance = prepare_instance(paths)
    reconcile(instance, paths, echo)
    env = service_environment(paths)
    processes = {
        name: subprocess.Popen(command, env=env, start_new_session=True)
        for name, command in service_commands(paths, port, site_port).items()
    }
    echo(f"Dagster UI on http://127.0.0.1:{port}/, site on http://127.0.0.1:{site_port}/ "
         f"(DAGSTER_HOME={paths.dagster_home}); Ctrl-C stops all.")
    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    last_reconcile = time.monotonic()
    try:
        while not stopping:
            for name, process in processes.items():
                if process.poll() is not None:
                    echo(f"{name} exited with code {process.returncode}; stopping the service")
                    stopping = True
            if time.monotonic() - last_reconcile >= RECONCILE_EVERY_S:
                try:
                    reconcile(instance, paths, echo)
                except Exception as exc:  # the service goes on; the next round tries again
                    echo(f"could not check for dead runs: {exc}")
                last_reconcile = time.monotonic()
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    for process in processes.values():
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes.values():
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
    return 0
