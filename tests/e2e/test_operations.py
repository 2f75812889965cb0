"""Refresh and readers through the real parts: processes, files, locks, failures."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import duckdb
import pytest

from indicators import tables
from pipelines.runner import run_refresh
from pipelines.settings import Paths
from tests.e2e.conftest import CLI, digest_tree, run_cli

pytestmark = pytest.mark.e2e

# Reads until the stop file appears (the test makes it once the refresh has returned), or
# for at most argv[2] seconds: the whole refresh runs while it reads, and no longer.
READER = textwrap.dedent(
    """
    import os, sys, time, duckdb
    conn = duckdb.connect(sys.argv[1], read_only=True)
    seen, queries, errors = set(), 0, 0
    deadline = time.monotonic() + float(sys.argv[2])
    while time.monotonic() < deadline and not os.path.exists(sys.argv[3]):
        try:
            seen.add(conn.execute("SELECT refresh_id FROM mart.refresh").fetchone()[0])
            conn.execute("SELECT count(*), sum(residents) FROM mart.area_year").fetchone()
            queries += 1
        except Exception as exc:
            errors += 1
            print("ERROR", exc, file=sys.stderr)
        time.sleep(0.02)
    print(queries, errors, ",".join(sorted(seen)))
    """
)


def refresh_id(serving) -> str:
    conn = duckdb.connect(str(serving), read_only=True)
    try:
        return conn.execute("SELECT refresh_id FROM mart.refresh").fetchone()[0]
    finally:
        conn.close()


@pytest.fixture
def published(published_copy):
    """A home with one publication of the sample (a copy of the session's), and its data."""
    return published_copy


def test_reader_keeps_its_snapshot_while_a_refresh_publishes(published):
    home, data = published
    serving = home / "serving" / "boligmonitor.duckdb"
    old_id = refresh_id(serving)
    stop = home.parent / "reader.stop"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(serving), "300", str(stop)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1)
    refresh = run_cli("refresh", "--home", str(home), "--data", str(data))
    time.sleep(1)  # a second more of reading the old snapshot after the swap
    stop.touch()
    out, err = reader.communicate(timeout=120)
    assert refresh.returncode == 0, refresh.stderr[-3000:]
    queries, errors, seen = out.split()
    assert int(errors) == 0, err
    assert int(queries) > 50
    assert seen == old_id  # the open connection kept its snapshot
    new_id = refresh_id(serving)  # a new connection sees the new refresh
    assert new_id != old_id


@pytest.mark.parametrize("asset", ["publish/site", "publish/serving"])
def test_failure_late_in_the_run_leaves_the_publication_byte_identical(published, asset):
    home, data = published
    serving = home / "serving" / "boligmonitor.duckdb"
    before = serving.read_bytes()
    site_before = digest_tree(home / "site")
    link_before = (home / "site").resolve()
    failed = run_cli("refresh", "--home", str(home), "--data", str(data), "--fail-at", asset)
    assert failed.returncode != 0
    assert f"failure injected at {asset}" in failed.stderr
    assert serving.read_bytes() == before
    assert (home / "site").resolve() == link_before
    assert digest_tree(home / "site") == site_before
    # The next good refresh reports the failed night.
    again = run_cli("refresh", "--home", str(home), "--data", str(data))
    assert again.returncode == 0, again.stderr[-3000:]
    conn = duckdb.connect(str(serving), read_only=True)
    (failed_runs,), = conn.execute(
        "SELECT failed_runs_since_last_publish FROM mart.refresh").fetchall()
    conn.close()
    assert len(failed_runs) == 1


def test_a_failed_blocking_check_stops_the_run_before_anything_is_published(
    published, monkeypatch
):
    home, data = published
    serving = home / "serving" / "boligmonitor.duckdb"
    before = serving.read_bytes()
    site_before = digest_tree(home / "site")
    # A stricter expectation than the data meets: Randers is region 1082.
    strict = tables.AREAS.model_copy(deep=True)
    next(c for c in strict.columns if c.name == "region_code").maximum = 1081
    monkeypatch.setattr(tables, "AREAS", strict)
    monkeypatch.setenv("DAGSTER_HOME", "")  # run_refresh sets it; restored afterwards
    outcome = run_refresh(Paths(home=home, data=data))
    assert not outcome.success
    assert outcome.error.startswith("check mart/areas published_shape failed: ")
    assert "values of region_code above 1081" in outcome.error
    assert serving.read_bytes() == before
    assert digest_tree(home / "site") == site_before


def test_second_refresh_waits_or_gives_up_clearly(published):
    home, data = published
    first = subprocess.Popen([str(CLI), "refresh", "--home", str(home), "--data", str(data)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lock = home / "refresh.lock"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and "pid" not in lock.read_text():
        time.sleep(0.1)
    while time.monotonic() < deadline and f"pid {first.pid}" not in lock.read_text():
        time.sleep(0.1)
    second = run_cli("refresh", "--home", str(home), "--data", str(data), "--wait", "1")
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err[-3000:]
    assert second.returncode != 0
    assert "another refresh is running" in second.stderr
    assert "gave up after 1 s" in second.stderr
    # Neither corrupted the publication: it opens and names the first refresh.
    assert refresh_id(home / "serving" / "boligmonitor.duckdb")


def test_rollback_republishes_the_previous_publication(sample_home, republished_copy):
    # A home refreshed twice (the second refresh made once per session, `republished_home`).
    home, _ = republished_copy
    serving = home / "serving" / "boligmonitor.duckdb"
    first_id = refresh_id(sample_home / "serving" / "boligmonitor.duckdb")
    assert refresh_id(serving) != first_id
    result = run_cli("rollback", "--home", str(home))
    assert result.returncode == 0, result.stderr
    assert refresh_id(serving) == first_id
    assert (home / "site").resolve().parent.name == first_id


def test_a_failure_after_the_swap_is_told_as_published(published, monkeypatch):
    """Moving incoming deliveries into place comes after the swap and cannot undo it: when
    it fails, the refresh says the new publication is live, and what failed."""
    import assets.publish
    from pipelines.publication import live_refresh_id

    home, data = published
    paths = Paths(home=home, data=data)
    before = live_refresh_id(paths)
    (data / "incoming").mkdir()
    delivery = data / "incoming" / "national.csv"
    delivery.write_bytes((data / "reference" / "national.csv").read_bytes())

    def cannot_move(conn, data_dir):
        raise PermissionError(13, "Permission denied", str(data_dir / "reference"))

    monkeypatch.setattr(assets.publish, "settle_incoming", cannot_move)
    monkeypatch.setenv("DAGSTER_HOME", "")  # run_refresh sets it; restored afterwards
    outcome = run_refresh(paths)
    assert not outcome.success
    assert outcome.published_this_run and outcome.published_after != before
    assert not outcome.unchanged
    assert outcome.error.startswith(
        f"publish/serving: refresh {outcome.run_id} is published (warehouse and site), but "
        "afterwards moving the incoming deliveries it read into place: "
        f"{data / 'reference'} cannot be written or read by this user")
    assert refresh_id(home / "serving" / "boligmonitor.duckdb") == outcome.run_id
    # The delivery is in what is published: it waits for the next run, not rejected.
    assert delivery.exists()
    assert not (data / "incoming" / "national.csv.error.txt").exists()
    conn = duckdb.connect(str(home / "warehouse" / "private.duckdb"), read_only=True)
    recorded = conn.execute("SELECT run_id, step FROM ops.failed_runs").fetchall()
    conn.close()
    assert recorded == [(outcome.run_id, "publish/serving")]
