"""A refresh killed (SIGKILL) at every step boundary and inside steps.

After each kill: the published warehouse and site are byte-identical to before,
or are the new publication complete (the serving file's refresh id is the
site's); the lock is free; the dead run is found and marked failed, so no run
stays STARTED; and the next refresh succeeds.

Killed before its swap, a refresh must leave everything as it was, so those
kills run as chains, one per layer (raw, staging, mart, publish) in its own copy
of the home, each refresh killed one point later than the one before: every
refresh in a chain first passes the point where the previous one died, and a
full refresh ends the chain. The kills after the swap each get their own copy
of the home, and the refresh after them reconciles the dead run itself.

`BOLIGMONITOR_TEST_KILL_AT` (pipelines/fault_injection.py) names the point.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.fault_injection import KILL_AT
from pipelines.lock import exclusive_lock
from pipelines.reconcile import UNFINISHED, reconcile_dead_runs
from pipelines.settings import Paths
from tests.e2e.conftest import ZYGOTE
from tests.faults.conftest import copy_home, lock_is_free, published_state

pytestmark = pytest.mark.e2e

# Steps with a warehouse connection inside them, where `:mid` kills between a write
# and the end of the step.
MID_STEPS = ["raw/files", "staging_kaas", "mart_criteria", "publish/site", "publish/serving"]


def refresh(home: Path, data: Path, kill_at: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOLIGMONITOR_")}
    if kill_at:
        env[KILL_AT] = kill_at
    # Forked from an imported `boligmonitor` (tests/helpers/zygote.py): the same command,
    # without its ~2 s of imports in each of the chains' ~50 refreshes.
    return ZYGOTE.run(["refresh", "--home", str(home), "--data", str(data)], env)


def instance_of(home: Path) -> dg.DagsterInstance:
    return dg.DagsterInstance.from_config(str(home / "dagster"))


def step_order(home: Path) -> list[str]:
    """The steps in the order the template's refresh ran them."""
    with instance_of(home) as instance:
        run, = instance.get_runs()
        return [e.dagster_event.step_key.replace("__", "/")
                for e in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.STEP_START)]


def unfinished_in(instance: dg.DagsterInstance) -> list[str]:
    return [r.run_id for r in instance.get_runs(filters=dg.RunsFilter(statuses=UNFINISHED))]


def unfinished_runs(home: Path) -> list[str]:
    with instance_of(home) as instance:
        return unfinished_in(instance)


def failed_runs(home: Path) -> set[str]:
    conn = duckdb.connect(str(home / "warehouse" / "private.duckdb"), read_only=True)
    try:
        return {r for (r,) in conn.execute("SELECT run_id FROM ops.failed_runs").fetchall()}
    finally:
        conn.close()


def complete_publications(home: Path) -> set[str]:
    folders = {p.name for p in (home / "publications").iterdir()}
    assert all((home / "publications" / f / "publication.json").is_file() for f in folders), \
        folders
    return folders


def assert_killed(result: subprocess.CompletedProcess, point: str) -> None:
    assert result.returncode == -9, f"{point}: not killed\n{result.stderr[-3000:]}"


def assert_consistent_new(home: Path, before) -> str:
    state = published_state(home)
    assert state.serving_refresh_id == state.site_refresh_id != before.serving_refresh_id
    assert state.current == f"publications/{state.serving_refresh_id}"
    return state.serving_refresh_id


def kill_points(template: Path, layer: str) -> list[str]:
    """Every step start of one layer, in run order, and the mid-step points among them."""
    points = []
    for step in step_order(template):
        if step.split("/")[0].split("_")[0] == layer:
            points.append(step)
            if step in MID_STEPS:
                points.append(f"{step}:mid")
    return points


@pytest.mark.parametrize("layer", ["raw", "staging", "mart", "publish"])
def test_killed_before_the_swap_at_every_boundary_changes_nothing(
    tmp_path, published_template, fault_data, layer
):
    home = copy_home(published_template, tmp_path / "home")
    paths = Paths(home=home, data=fault_data)
    before = published_state(home)
    points = kill_points(published_template, layer)
    assert points, layer
    if layer == "publish":
        assert points == ["publish/site", "publish/site:mid", "publish/serving",
                          "publish/serving:mid"]
    killed = []
    for point in points:
        result = refresh(home, fault_data, kill_at=point)
        assert_killed(result, point)
        assert published_state(home) == before, point
        assert lock_is_free(home), point
        # One instance for the three looks (opening one costs more than a look).
        with exclusive_lock(paths.lock_file, 0), instance_of(home) as instance:
            dead, = unfinished_in(instance)
            found = reconcile_dead_runs(instance, paths)
            assert [d.run_id for d in found] == [dead], point
            assert unfinished_in(instance) == [], point
        assert dead in failed_runs(home), point
        assert complete_publications(home) == {before.serving_refresh_id}, point
        killed.append(dead)
    result = refresh(home, fault_data)
    assert result.returncode == 0, result.stderr[-3000:]
    new_id = assert_consistent_new(home, before)
    conn = duckdb.connect(str(paths.serving_db), read_only=True)
    (listed,) = conn.execute("SELECT failed_runs_since_last_publish FROM mart.refresh").fetchone()
    conn.close()
    assert {line.split()[0] for line in listed} == set(killed)
    assert complete_publications(home) == {before.serving_refresh_id, new_id}
    assert unfinished_runs(home) == []


def test_the_layers_cover_every_step(published_template):
    steps = step_order(published_template)
    covered = [p for layer in ("raw", "staging", "mart", "publish")
               for p in kill_points(published_template, layer) if ":" not in p]
    assert sorted(covered) == sorted(steps)


@pytest.mark.parametrize("point", ["publish/serving:swapped", "publish/serving:end"])
def test_killed_after_the_swap_leaves_the_new_publication_whole(
    tmp_path, published_template, fault_data, point
):
    home = copy_home(published_template, tmp_path / "home")
    data = tmp_path / "data"
    shutil.copytree(fault_data, data)
    # A delivery the killed refresh reads but, dying, never moves into place.
    (data / "incoming").mkdir()
    national = (data / "reference" / "national.csv").read_bytes()
    (data / "incoming" / "national.csv").write_bytes(national)
    before = published_state(home)
    result = refresh(home, data, kill_at=point)
    assert_killed(result, point)
    dead_id = assert_consistent_new(home, before)
    assert lock_is_free(home)
    assert unfinished_runs(home) == [dead_id]
    # The next refresh reconciles the dead run itself, then publishes.
    result = refresh(home, data)
    assert result.returncode == 0, result.stderr[-3000:]
    assert unfinished_runs(home) == []
    assert dead_id in failed_runs(home)
    new_id = assert_consistent_new(home, before)
    assert new_id != dead_id
    assert not (data / "incoming" / "national.csv").exists()
    assert (data / "reference" / "national.csv").read_bytes() == national
    assert {before.serving_refresh_id, dead_id, new_id} == complete_publications(home)
