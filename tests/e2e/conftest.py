"""One published home from the shipped sample, refreshed once per test session."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"
CLI = Path(sys.executable).parent / "boligmonitor"


def run_cli(*args: str, env: dict | None = None, timeout: float = 600):
    merged = {**os.environ, **(env or {})}
    merged.pop("BOLIGMONITOR_HOME", None)
    merged.pop("BOLIGMONITOR_DATA", None)
    return subprocess.run([str(CLI), *args], capture_output=True, text=True, env=merged,
                          timeout=timeout, check=False)


def digest_tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="session")
def sample_digest_before() -> dict[str, str]:
    return digest_tree(SAMPLE)


@pytest.fixture(scope="session")
def sample_home(tmp_path_factory, sample_digest_before) -> Path:
    """A home refreshed from the shipped sample through the real command."""
    home = tmp_path_factory.mktemp("home")
    result = run_cli("refresh", "--home", str(home))
    assert result.returncode == 0, result.stderr[-4000:]
    # What the refresh printed, for the privacy test's search of log lines.
    (home.parent / f"{home.name}-output.txt").write_text(result.stdout + result.stderr)
    return home


@pytest.fixture
def sample_copy(tmp_path) -> Path:
    """A private copy of the sample that a test may break."""
    target = tmp_path / "data"
    shutil.copytree(SAMPLE, target)
    return target
