"""`boligmonitor serve`: the real Dagster webserver and daemon, driven over GraphQL."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request

import duckdb
import pytest

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
  ... on RunConfigValidationInvalid { errors { message } } } }
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
    home, port = tmp_path / "home", free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOLIGMONITOR_")}
    process = subprocess.Popen(
        [str(CLI), "serve", "--home", str(home), "--data", str(sample_copy),
         "--port", str(port), "--site-port", str(free_port())],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
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
    yield port, home, entry
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        raise


def test_webserver_shows_assets_and_schedule_and_runs_nightly(service):
    port, home, entry = service
    location = entry["locationOrLoadError"]
    assert location["__typename"] == "RepositoryLocation", location
    repository = location["repositories"][0]
    assert "nightly" in {j["name"] for j in repository["jobs"]}
    schedule, = repository["schedules"]
    assert (schedule["cronSchedule"], schedule["executionTimezone"]) == (
        "30 3 * * *", "Europe/Copenhagen")
    assert schedule["scheduleState"]["status"] == "RUNNING"
    assert "incoming_deliveries" in {s["name"] for s in repository["sensors"]}

    nodes = graphql(port, ASSETS)["assetNodes"]
    keys = {"/".join(n["assetKey"]["path"]) for n in nodes}
    assert {"raw/files", "staging/kaas", "mart/area_status", "publish/serving"} <= keys
    assert all(n["description"] for n in nodes)

    params = {"selector": {"repositoryLocationName": entry["name"],
                           "repositoryName": repository["name"], "jobName": "nightly"},
              "runConfigData": {}}
    launched = graphql(port, LAUNCH, {"params": params})["launchRun"]
    assert launched["__typename"] == "LaunchRunSuccess", launched
    run_id = launched["run"]["runId"]
    deadline = time.monotonic() + 300
    status = None
    while time.monotonic() < deadline:
        status = graphql(port, STATUS, {"id": run_id})["runOrError"]["status"]
        if status in {"SUCCESS", "FAILURE", "CANCELED"}:
            break
        time.sleep(2)
    assert status == "SUCCESS"
    conn = duckdb.connect(str(home / "serving" / "boligmonitor.duckdb"), read_only=True)
    try:
        (published_id,), = conn.execute("SELECT refresh_id FROM mart.refresh").fetchall()
    finally:
        conn.close()
    assert published_id == run_id
