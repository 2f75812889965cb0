"""The home's Dagster instance: Dagster's SQLite files, one SQLAlchemy engine per file.

pipelines/dagster_storage.py overrides private methods of the pinned Dagster; these
tests fail if a release changes what it relies on.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.runs.sqlite.sqlite_run_storage import SqliteRunStorage

from pipelines import dagster_storage
from pipelines.dagster_storage import (
    EventLogStorageWithEngines,
    InstanceWithEngines,
    RunStorageWithEngine,
)
from pipelines.runner import INSTANCE_TEMPLATE


@dg.asset
def first() -> int:
    return 1


@dg.asset
def second(first: int) -> int:
    return first + 1


JOB = dg.Definitions(assets=[first, second]).resolve_implicit_global_asset_job_def()


def instance_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "dagster"
    folder.mkdir()
    shutil.copyfile(INSTANCE_TEMPLATE, folder / "dagster.yaml")
    return folder


def test_the_homes_instance_uses_one_engine_per_file(tmp_path, monkeypatch):
    made = []
    original = dagster_storage.create_engine

    def counting(url, **kwargs):
        made.append(url)
        return original(url, **kwargs)

    monkeypatch.setattr(dagster_storage, "create_engine", counting)
    folder = instance_folder(tmp_path)
    with dg.DagsterInstance.from_config(str(folder)) as instance:
        assert isinstance(instance, InstanceWithEngines)
        assert isinstance(instance.run_storage, RunStorageWithEngine)
        assert isinstance(instance.event_log_storage, EventLogStorageWithEngines)
        for _ in range(2):
            assert JOB.execute_in_process(instance=instance).success
        events = sum(len(instance.all_logs(r.run_id)) for r in instance.get_runs())
        assert len(instance.get_runs()) == 2 and events > 20
    # The runs database, the asset index and one event file per run: an engine each,
    # however many events were written.
    assert len(made) == len(set(made)) == 4, made


def test_dagsters_own_classes_read_the_same_files(tmp_path):
    folder = instance_folder(tmp_path)
    with dg.DagsterInstance.from_config(str(folder)) as instance:
        result = JOB.execute_in_process(instance=instance)
        ours = [e.dagster_event_type for e in instance.all_logs(result.run_id)]
    # Dagster's default layout under the instance's folder.
    assert (folder / "history" / "runs.db").is_file()
    assert (folder / "history" / "runs" / f"{result.run_id}.db").is_file()
    assert (folder / "history" / "runs" / "index.db").is_file()
    runs = SqliteRunStorage.from_local(str(folder / "history"))
    assert [r.run_id for r in runs.get_runs()] == [result.run_id]
    events = SqliteEventLogStorage(str(folder / "history" / "runs"))
    theirs = [e.dagster_event_type for e in events.get_logs_for_run(result.run_id)]
    assert theirs == ours and dg.DagsterEventType.ASSET_MATERIALIZATION in ours
    materialized = events.get_latest_materialization_events([dg.AssetKey("second")])
    assert materialized[dg.AssetKey("second")].run_id == result.run_id


def test_a_copied_home_is_an_instance_of_its_own(tmp_path):
    (tmp_path / "a").mkdir()
    folder = instance_folder(tmp_path / "a")
    with dg.DagsterInstance.from_config(str(folder)) as instance:
        JOB.execute_in_process(instance=instance)
    copy = tmp_path / "b" / "dagster"
    shutil.copytree(folder, copy)
    with dg.DagsterInstance.from_config(str(copy)) as instance:
        JOB.execute_in_process(instance=instance)
        assert len(instance.get_runs()) == 2
    with dg.DagsterInstance.from_config(str(folder)) as instance:
        assert len(instance.get_runs()) == 1
