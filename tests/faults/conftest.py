"""One published home, copied for each fault so every case starts from the same state."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from pipelines.lock import LockTimeout, exclusive_lock
from tests.e2e.conftest import SAMPLE


@dataclass(frozen=True)
class Published:
    """What a reader of the contract's paths sees: the serving file and the site."""

    current: str | None
    serving_sha256: str
    serving_refresh_id: str
    site_digest: str
    site_refresh_id: str


def published_state(home: Path) -> Published:
    serving = home / "serving" / "boligmonitor.duckdb"
    conn = duckdb.connect(str(serving), read_only=True)
    try:
        (refresh_id,), = conn.execute("SELECT refresh_id FROM mart.refresh").fetchall()
    finally:
        conn.close()
    site = home / "site"
    digest = hashlib.sha256()
    for path in sorted(site.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(site)).encode())
            digest.update(path.read_bytes())
    method = (site / "metode.html").read_text(encoding="utf-8")
    site_ids = set(re.findall(r"kørsel (?:<code>)?([0-9a-f]{8}-[0-9a-f-]{27})", method))
    assert len(site_ids) == 1, site_ids
    current = home / "current"
    return Published(
        current=os.readlink(current) if current.is_symlink() else None,
        serving_sha256=hashlib.sha256(serving.read_bytes()).hexdigest(),
        serving_refresh_id=refresh_id,
        site_digest=digest.hexdigest(),
        site_refresh_id=site_ids.pop(),
    )


def lock_is_free(home: Path) -> bool:
    try:
        with exclusive_lock(home / "refresh.lock", 0):
            return True
    except LockTimeout:
        return False


@pytest.fixture(scope="session")
def fault_data(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("fault-data") / "data"
    shutil.copytree(SAMPLE, data)
    return data


@pytest.fixture(scope="session")
def published_template(tmp_path_factory, sample_home) -> Path:
    """A home with one publication made by the real command (copied, never used itself):
    the session's refresh of the sample, which `fault_data` holds byte for byte. This
    process's own copy of it, since reading its Dagster instance writes SQLite's WAL files
    beside the run logs, which another xdist worker copying the session's home must not see."""
    return copy_home(sample_home, tmp_path_factory.mktemp("fault-template") / "home")


def copy_home(template: Path, target: Path) -> Path:
    shutil.copytree(template, target, symlinks=True)
    return target
