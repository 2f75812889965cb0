"""Runs left unfinished by a process that died are failed, recorded and mailed; others not."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import dagster as dg
import duckdb
import pytest

from pipelines import failures, mail, reconcile
from pipelines.publication import swap_in
from pipelines.reconcile import HOST_TAG, PROCESS_STARTED_TAG, process_tags
from pipelines.settings import Paths


@pytest.fixture
def instance(tmp_path):
    (tmp_path / "dagster").mkdir()
    with dg.instance_for_test(temp_dir=str(tmp_path / "dagster")) as instance:
        yield instance


@pytest.fixture
def paths(tmp_path) -> Paths:
    return Paths(home=tmp_path / "home", data=tmp_path / "data")


@pytest.fixture
def mails(monkeypatch) -> list[tuple]:
    sent = []
    monkeypatch.setattr(reconcile, "send_failure_mail",
                        lambda *args, **kwargs: sent.append((args, kwargs)) or True)
    return sent


def dead_process_tags() -> dict[str, str]:
    """The tags of a process that ran and has exited."""
    child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"],
                             stdin=subprocess.PIPE)
    tags = process_tags(child.pid)
    child.communicate(b"")
    return tags


def add_run(instance, tags, status=dg.DagsterRunStatus.STARTED) -> str:
    run_id = str(uuid.uuid4())
    instance.add_run(dg.DagsterRun(job_name="nightly", run_id=run_id, status=status, tags=tags))
    return run_id


def status(instance, run_id) -> dg.DagsterRunStatus:
    return instance.get_run_by_id(run_id).status


def failed_runs(paths) -> dict[str, tuple[str, str]]:
    conn = duckdb.connect(str(paths.private_db), read_only=True)
    try:
        rows = conn.execute("SELECT run_id, step, error FROM ops.failed_runs").fetchall()
    finally:
        conn.close()
    return {run_id: (step, error) for run_id, step, error in rows}


@pytest.mark.parametrize("state", [dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING,
                                   dg.DagsterRunStatus.NOT_STARTED])
def test_a_run_of_a_dead_process_is_failed_recorded_and_mailed(instance, paths, mails, state):
    tags = dead_process_tags()
    run_id = add_run(instance, tags, state)
    unfinished = paths.publication(run_id) / "site"
    unfinished.mkdir(parents=True)
    found = reconcile.reconcile_dead_runs(instance, paths)
    assert [d.run_id for d in found] == [run_id]
    assert status(instance, run_id) == dg.DagsterRunStatus.FAILURE
    step, error = failed_runs(paths)[run_id]
    assert step == "run start"
    assert f"pid {tags['boligmonitor/pid']}" in error and "ended without finishing" in error
    assert len(mails) == 1 and mails[0][0][0] == run_id
    assert mails[0][1] == {"published": False}
    assert not paths.publication(run_id).exists()
    # Once is enough: a second pass finds nothing and mails nothing.
    assert reconcile.reconcile_dead_runs(instance, paths) == []
    assert len(mails) == 1


def test_live_unknown_and_finished_runs_are_left_alone(instance, paths, mails):
    alive = add_run(instance, process_tags())
    elsewhere = add_run(instance, {**dead_process_tags(), HOST_TAG: "another-machine"})
    untagged = add_run(instance, {})
    done = add_run(instance, dead_process_tags(), dg.DagsterRunStatus.SUCCESS)
    assert reconcile.reconcile_dead_runs(instance, paths) == []
    assert status(instance, alive) == dg.DagsterRunStatus.STARTED
    assert status(instance, elsewhere) == dg.DagsterRunStatus.STARTED
    assert status(instance, untagged) == dg.DagsterRunStatus.STARTED
    assert status(instance, done) == dg.DagsterRunStatus.SUCCESS
    assert mails == []


def test_a_reused_process_id_is_not_taken_for_the_run(instance, paths, mails):
    """Our own pid, but started at another time: the run's process is gone."""
    run_id = add_run(instance, {**process_tags(), PROCESS_STARTED_TAG: "1"})
    assert [d.run_id for d in reconcile.reconcile_dead_runs(instance, paths)] == [run_id]
    assert status(instance, run_id) == dg.DagsterRunStatus.FAILURE


def test_a_run_that_died_after_going_live_keeps_its_publication(instance, paths, mails):
    run_id = add_run(instance, dead_process_tags())
    folder = paths.publication(run_id)
    (folder / "site").mkdir(parents=True)
    (folder / "boligmonitor.duckdb").write_text("warehouse")
    (folder / "publication.json").write_text(json.dumps(
        {"refresh_id": run_id, "finished_at": "2026-01-01T00:00:00+00:00"}))
    swap_in(paths, folder)
    dead, = reconcile.reconcile_dead_runs(instance, paths)
    assert dead.published and "stays live" in dead.message
    assert folder.is_dir() and paths.serving_db.read_text() == "warehouse"
    assert mails[0][1] == {"published": True}
    conn = duckdb.connect(str(paths.private_db), read_only=True)
    assert conn.execute("SELECT refresh_id FROM ops.publications").fetchall() == [(run_id,)]
    conn.close()


class FakeSMTP:
    sent: list = []

    def __init__(self, host, port, timeout):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def send_message(self, message):
        FakeSMTP.sent.append(message)


@pytest.mark.parametrize("published, says", [
    (False, "The published warehouse and site are unchanged"),
    (True, "Its publication is live: the warehouse and site show refresh r1."),
])
def test_the_mail_says_what_is_published(monkeypatch, published, says):
    monkeypatch.setenv("BOLIGMONITOR_SMTP_HOST", "relay.invalid")
    monkeypatch.setenv("BOLIGMONITOR_SMTP_TO", "drift@kommune.invalid")
    monkeypatch.setattr(mail.smtplib, "SMTP", FakeSMTP)
    FakeSMTP.sent = []
    assert failures.send_failure_mail("r1", "publish/serving", "boom", published=published)
    body = FakeSMTP.sent[0].get_content()
    assert says in body
    other = "unchanged" if published else "publication is live"
    assert other not in body


def test_process_tags_name_this_process():
    tags = process_tags()
    assert tags["boligmonitor/pid"] == str(os.getpid())
    assert reconcile.process_alive(tags) is True
    assert reconcile.process_alive(dead_process_tags()) is False
    assert reconcile.process_alive({}) is None
