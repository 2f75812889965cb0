"""`boligmonitor serve`: the real Dagster webserver and daemon, driven over GraphQL.

The webserver runs read-only: it answers queries but refuses every mutation, so
the nightly run here is the daemon's own, started by the incoming/ sensor.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request

import dagster as dg
import duckdb
import pytest

from pipelines.lock import exclusive_lock
from tests.e2e.conftest import CLI

pytestmark = pytest.mark.e2e

LOCATIONS = """
{ workspaceOrError { ... on Workspace { locationEntries { name
    locationOrLoadError { __typename ... on RepositoryLocation { repositories { name
        jobs { name } schedules { name cronSchedule executionTimezone scheduleState { status } }
        sensors { name } } } ... on PythonError { message } } } } } }
"""
ASSETS = "{ assetNodes { assetKey { path } description groupName } }"
LAUNCH = """
mutation($params: ExecutionParams!) { launchRun(executionParams: $params) {
  __typename ... on LaunchRunSuccess { run { runId } } ... on PythonError { message }
  ... on UnauthorizedError { message }
  ... on RunConfigValidationInvalid { errors { message } } } }
"""
DELETE = """
mutation($id: String!) { deletePipelineRun(runId: $id) {
  __typename ... on UnauthorizedError { message } ... on PythonError { message } } }
"""
STATUS = "query($id: ID!) { runOrError(runId: $id) { ... on Run { status } } }"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def graphql(port: int, query: str, variables: dict | None = None) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query, "variables": variables or {}}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        body = json.loads(response.read())
    assert "errors" not in body, body
    return body["data"]


@pytest.fixture
def service(tmp_path, sample_copy):
    # A delivery waiting in incoming/: the sensor's first tick starts the daemon's run.
    (sample_copy / "incoming").mkdir(exist_ok=True)
    (sample_copy / "incoming" / "national.csv").write_bytes(
        (sample_copy / "reference" / "national.csv").read_bytes())
    home, port = tmp_path / "home", free_port()
    # Held from before the service starts, as by a long CLI refresh; the test releases it.
    lock = exclusive_lock(home / "refresh.lock", timeout_s=0)
    lock.__enter__()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOLIGMONITOR_")}
    process = subprocess.Popen(
        [str(CLI), "serve", "--home", str(home), "--data", str(sample_copy),
         "--port", str(port), "--site-port", str(free_port())],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300  # a loaded machine is slow to load the code location
    while True:
        try:
            data = graphql(port, LOCATIONS)
            entry = data["workspaceOrError"]["locationEntries"][0]
            if entry["locationOrLoadError"]:
                break
        except OSError:
            pass
        assert process.poll() is None, process.stdout.read()
        assert time.monotonic() < deadline, "webserver did not come up"
        time.sleep(1)
    yield port, home, entry, lock
    lock.__exit__(None, None, None)
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=180)  # each of the three gets 20 s; a loaded machine is slow
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        raise


def run_events(home, run_id) -> list[tuple[str, str]]:
    with dg.DagsterInstance.from_config(str(home / "dagster")) as instance:
        return [(e.dagster_event.event_type_value if e.dagster_event else "", e.message)
                for e in instance.all_logs(run_id)]


def daemon_runs(home) -> list[dg.DagsterRun]:
    with dg.DagsterInstance.from_config(str(home / "dagster")) as instance:
        return list(instance.get_runs())


def wait_for(condition, timeout_s: float, what: str):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(1)
    raise AssertionError(f"timed out waiting for {what}")


def test_webserver_is_read_only_and_the_daemon_run_waits_for_the_home_lock(service):
    port, home, entry, lock = service
    location = entry["locationOrLoadError"]
    assert location["__typename"] == "RepositoryLocation", location
    repository = location["repositories"][0]
    assert "nightly" in {j["name"] for j in repository["jobs"]}
    schedule, = repository["schedules"]
    assert (schedule["cronSchedule"], schedule["executionTimezone"]) == (
        "30 3 * * *", "Europe/Copenhagen")
    # On from code: the read-only UI need not (and cannot) switch it on.
    assert schedule["scheduleState"]["status"] == "RUNNING"
    assert "incoming_deliveries" in {s["name"] for s in repository["sensors"]}

    nodes = graphql(port, ASSETS)["assetNodes"]
    keys = {"/".join(n["assetKey"]["path"]) for n in nodes}
    assert {"raw/files", "staging/kaas", "mart/area_status", "publish/serving"} <= keys
    assert all(n["description"] for n in nodes)

    # The sensor's run starts, but waits for the lock a refresh of this home holds.
    run = wait_for(lambda: next(iter(daemon_runs(home)), None), 180, "the sensor's run")
    run_id = run.run_id
    wait_for(lambda: any("waiting up to" in m for _, m in run_events(home, run_id)), 180,
             "the run to report that it waits for the lock")
    time.sleep(3)
    kinds = [k for k, _ in run_events(home, run_id)]
    assert "STEP_START" not in kinds
    assert not (home / "serving").exists()

    # A mutation from any page the operator's browser opens is refused.
    params = {"selector": {"repositoryLocationName": entry["name"],
                           "repositoryName": repository["name"], "jobName": "nightly"},
              "runConfigData": {}}
    launched = graphql(port, LAUNCH, {"params": params})["launchRun"]
    assert launched["__typename"] == "UnauthorizedError", launched
    deleted = graphql(port, DELETE, {"id": run_id})["deletePipelineRun"]
    assert deleted["__typename"] == "UnauthorizedError", deleted
    assert len(daemon_runs(home)) == 1

    lock.__exit__(None, None, None)  # the CLI refresh ends; the daemon's run goes on
    status = wait_for(
        lambda: (graphql(port, STATUS, {"id": run_id})["runOrError"]["status"]
                 if graphql(port, STATUS, {"id": run_id})["runOrError"]["status"]
                 in {"SUCCESS", "FAILURE", "CANCELED"} else None),
        600, "the daemon's run to finish")
    assert status == "SUCCESS", run_events(home, run_id)[-20:]
    conn = duckdb.connect(str(home / "serving" / "boligmonitor.duckdb"), read_only=True)
    try:
        (published_id,), = conn.execute("SELECT refresh_id FROM mart.refresh").fetchall()
    finally:
        conn.close()
    assert published_id == run_id
    assert os.readlink(home / "current") == f"publications/{run_id}"
    # The run recorded its worker process, for the reconciliation of runs that die.
    assert daemon_runs(home)[0].tags["boligmonitor/pid"].isdigit()
