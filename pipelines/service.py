"""`boligmonitor serve`: webserver, daemon and site server as one service."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from pipelines.runner import prepare_instance
from pipelines.settings import PROJECT_ROOT, Paths


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
        "webserver": [str(bin_dir / "dagster-webserver"), "-h", "127.0.0.1", "-p", str(port),
                      *location],
        "daemon": [str(bin_dir / "dagster-daemon"), "run", *location],
        "site": [sys.executable, "-m", "pipelines.site_server", str(paths.site),
                 "--port", str(site_port), "--wait"],
    }


def run_service(paths: Paths, port: int, site_port: int, echo=print) -> int:
    """Start the three processes; stop them all when one dies or on Ctrl-C."""
    paths.home.mkdir(parents=True, exist_ok=True)
    prepare_instance(paths)
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
    try:
        while not stopping:
            for name, process in processes.items():
                if process.poll() is not None:
                    echo(f"{name} exited with code {process.returncode}; stopping the service")
                    stopping = True
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
