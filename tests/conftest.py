"""The shared published home, and markers applied by what a test uses.

One refresh of the shipped sample per session (`sample_home`), through the real
command, for every test that only reads a published home; a test that changes a
home (refreshes again, fails, rolls back, forgets) gets its own copy of it
(`published_copy`), which costs a file copy instead of a refresh. Under pytest-xdist
(`make test` runs two workers) the refresh is still made once: the first worker
that needs it makes it in the session's shared folder (tests/helpers/once.py).

Markers, for the fast suite: `make test` runs everything; `make test-fast`
leaves out the tests that start Chromium (`browser`), the Dagster webserver and
daemon (`service`) and the end-to-end runs through the real command (`e2e`), so
the edit-run loop stays under a minute. A test is marked here by the fixtures it
uses, so a new test that drives Chromium, the service or a published home is never
silently part of the fast suite.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.e2e.conftest import SAMPLE, digest_tree, run_cli
from tests.helpers.once import build_once

# Fixture -> marker: whoever asks for the fixture needs what the marker names.
MARKER_OF_FIXTURE = {
    "browser": "browser",  # tests/site/test_browser.py: Debian's Chromium via chromedriver
    "service": "service",  # tests/e2e/test_service.py: `boligmonitor serve` (webserver, daemon)
    # A published home costs a refresh through the real command.
    "sample_home": "e2e",
    "published_copy": "e2e",
    "published_template": "e2e",  # tests/faults/conftest.py
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for fixture, marker in MARKER_OF_FIXTURE.items():
            if fixture in getattr(item, "fixturenames", ()):
                item.add_marker(marker)


@pytest.fixture(scope="session")
def sample_digest_before(tmp_path_factory) -> dict[str, str]:
    """The sample's files as the session found them, before any refresh read them."""
    def write(path: Path) -> None:
        path.write_text(json.dumps(digest_tree(SAMPLE)))
    return json.loads(build_once(tmp_path_factory, "sample-digest.json", write).read_text())


@pytest.fixture(scope="session")
def sample_home(tmp_path_factory, sample_digest_before) -> Path:
    """A home refreshed from the shipped sample through the real command (tests only
    read it: one that changes a home takes `published_copy`)."""
    def refresh(home: Path) -> None:
        result = run_cli("refresh", "--home", str(home))
        assert result.returncode == 0, result.stderr[-4000:]
        # What the refresh printed, for the privacy test's search of log lines.
        (home.parent / f"{home.name}-output.txt").write_text(result.stdout + result.stderr)
    return build_once(tmp_path_factory, "sample-home", refresh)


@pytest.fixture
def published_copy(tmp_path, sample_home, sample_copy) -> tuple[Path, Path]:
    """A private copy of the session's published home and of the sample, for a test that
    refreshes, fails, rolls back or forgets again: copying costs well under a second, a
    refresh of its own several. The copy keeps its links relative (the home's layout), so
    it is a home in its own right."""
    home = tmp_path / "home"
    shutil.copytree(sample_home, home, symlinks=True)
    return home, sample_copy


@pytest.fixture
def sample_copy(tmp_path) -> Path:
    """A private copy of the sample that a test may break."""
    target = tmp_path / "data"
    shutil.copytree(SAMPLE, target)
    return target
