"""Disk full, read-only disk and out of memory: one plain sentence, the publication unchanged.

The full and the read-only disk are real: the home lives on a small tmpfs, or
is bind-mounted read-only, inside a private mount namespace (`unshare`), so
nothing is mounted outside the test and nothing is left behind. Out of memory
cannot be provoked safely on a shared machine (Polars aborts the process where
DuckDB and Python raise), so MemoryError and DuckDB's OutOfMemoryException are
raised inside the first step instead.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

import duckdb
import pytest

from pipelines import fault_injection
from pipelines.runner import run_refresh
from pipelines.settings import Paths
from tests.e2e.conftest import CLI, run_cli
from tests.faults.conftest import copy_home, lock_is_free, published_state

pytestmark = pytest.mark.e2e


def in_mount_namespace(script: str) -> subprocess.CompletedProcess:
    """Run a shell script in a private mount namespace (as root, or as a mapped root)."""
    user = [] if os.geteuid() == 0 else ["--user", "--map-root-user"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOLIGMONITOR_")}
    return subprocess.run(["unshare", *user, "--mount", "--propagation", "private",
                           "sh", "-c", script],
                          capture_output=True, text=True, env=env, timeout=900, check=False)


def disk_usage(folder: Path) -> int:
    """Bytes the folder takes on disk (whole blocks, as on the tmpfs)."""
    return sum(p.lstat().st_blocks * 512 for p in [folder, *folder.rglob("*")])


def failure_lines(stderr: str) -> list[str]:
    """The lines after 'Refresh failed', the person's summary."""
    return stderr[stderr.index("\nRefresh failed"):].strip().splitlines()


@pytest.mark.parametrize("headroom_mb", [0.3, 4, 12])
def test_a_full_disk_is_said_plainly_and_changes_nothing(
    tmp_path, published_template, fault_data, headroom_mb
):
    """Little room fails early (raw copies, Dagster's run storage), more fails in the
    warehouse or while the new publication is written."""
    home, out = tmp_path / "home", tmp_path / "after"
    copy_home(published_template, home)
    before = published_state(home)
    size_kb = int(disk_usage(home) / 1024 + headroom_mb * 1024)
    q = shlex.quote
    script = (
        f"set -e; mount -t tmpfs -o size={size_kb}k tmpfs {q(str(home))}; "
        f"cp -a {q(str(published_template))}/. {q(str(home))}/; "
        f"set +e; {q(str(CLI))} refresh --home {q(str(home))} --data {q(str(fault_data))}; "
        f"echo exit=$?; cp -a {q(str(home))}/. {q(str(out))}/"
    )
    out.mkdir()
    result = in_mount_namespace(script)
    assert "exit=1" in result.stdout, result.stdout[-2000:] + result.stderr[-4000:]
    summary = failure_lines(result.stderr)
    assert "Traceback" not in result.stderr
    cause = summary[1]
    assert "is full" in cause and "free" in cause and "a refresh needs about" in cause, summary
    assert f"the disk holding {home}" in cause
    assert summary[2] == (f"The previously published warehouse and site (refresh "
                          f"{before.serving_refresh_id}) are unchanged."), summary
    assert len(summary) == 3, summary
    # Byte for byte the same publication, read from the home as the fault left it.
    assert published_state(out) == before
    assert lock_is_free(out)
    # With room again, the next refresh succeeds and publishes (in a roomy copy).
    again = run_cli("refresh", "--home", str(out), "--data", str(fault_data))
    assert again.returncode == 0, again.stderr[-3000:]
    after = published_state(out)
    assert after.serving_refresh_id == after.site_refresh_id != before.serving_refresh_id


def test_a_read_only_home_is_said_plainly(tmp_path, published_template, fault_data):
    home = copy_home(published_template, tmp_path / "home")
    before = published_state(home)
    q = shlex.quote
    script = (
        f"set -e; mount --bind {q(str(home))} {q(str(home))}; "
        f"mount -o remount,bind,ro {q(str(home))}; set +e; "
        f"{q(str(CLI))} refresh --home {q(str(home))} --data {q(str(fault_data))}; echo exit=$?"
    )
    result = in_mount_namespace(script)
    assert "exit=1" in result.stdout, result.stdout + result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    summary = failure_lines(result.stderr)
    assert summary[1].startswith(f"the disk holding {home}") and "is read-only" in summary[1]
    assert summary[2] == (f"The previously published warehouse and site (refresh "
                          f"{before.serving_refresh_id}) are unchanged.")
    assert published_state(home) == before


@pytest.mark.parametrize("error", [
    MemoryError(),
    duckdb.OutOfMemoryException(
        "Out of Memory Error: failed to allocate data of size 256.0 MiB (1.9 GiB/2.0 GiB used)"),
])
def test_out_of_memory_is_said_plainly(tmp_path, published_template, fault_data, monkeypatch,
                                       error):
    home = copy_home(published_template, tmp_path / "home")
    before = published_state(home)

    def exhausted(moment: str) -> None:
        raise error

    # Raised inside the first step's warehouse connection, as an allocation would.
    monkeypatch.setattr(fault_injection, "in_current_step", exhausted)
    monkeypatch.setenv("DAGSTER_HOME", "")  # run_refresh sets it; restored afterwards
    outcome = run_refresh(Paths(home=home, data=fault_data))
    assert not outcome.success
    assert outcome.error.startswith("raw/files: the refresh ran out of memory (")
    assert "\n" not in outcome.error
    assert outcome.unchanged
    assert published_state(home) == before


def test_the_sentences_name_the_cause(tmp_path):
    """Each shape the faults arrive in (pipelines/causes.py), by class and errno."""
    from pipelines import causes

    home = tmp_path / "home"
    home.mkdir()
    full = causes.from_exception(OSError(28, "No space left on device", str(home / "x")), home)
    assert full.startswith(f"the disk holding {home} is full (")
    sqlite = causes.describe("OperationalError",
                             "(sqlite3.OperationalError) database or disk is full", None, home)
    assert sqlite.startswith(f"the disk holding {home} is full")
    duck = causes.describe("IOException", 'IO Error: Could not write file "/nonexistent/a.wal": '
                           "No space left on device", None, home)
    assert duck.startswith("the disk holding / is full")  # the nearest existing folder
    read_only = causes.from_exception(OSError(30, "Read-only file system"), home)
    assert read_only.startswith(f"the disk holding {home} is read-only")
    denied = causes.from_exception(PermissionError(13, "Permission denied", "/srv/x"), home)
    assert denied.startswith("/srv/x cannot be written or read by this user")
    wrapped = RuntimeError("step failed")
    wrapped.__cause__ = MemoryError()
    assert causes.from_exception(wrapped, home).startswith("the refresh ran out of memory")
    assert causes.from_exception(ValueError("bad value in row 3"), home) is None
