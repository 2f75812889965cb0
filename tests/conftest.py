"""The shared published home, and markers applied by what a test uses.

One refresh of the shipped sample per session (`sample_home`), through the real
command, for every test that only reads a published home; a test that changes a
home (refreshes again, fails, rolls back, forgets) gets its own copy of it
(`published_copy`), which costs a file copy instead of a refresh. Under pytest-xdist
(`make test` runs three workers) the refresh is still made once: the first worker
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
import os
import shutil
import tempfile
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
    "republished_home": "e2e",
    "published_template": "e2e",  # tests/faults/conftest.py
}


# Seconds of the slowest tests, each, from `--durations` of a full run (095ed7d, refreshes
# forked from tests/helpers/zygote.py, temporary folders in RAM): only their order matters.
# With workers handed one test (or one group) at a time, a long test that starts last
# is the run's tail; the longest first is within seconds of the best split. The longest
# entry a test's id starts with is its weight; a test not named here weighs nothing and
# keeps its place after them.
KILL_CHAIN = "tests/faults/test_kill_refresh.py::test_killed_before_the_swap_at_every_boundary_"
EVERY_PAGE = "tests/site/test_browser.py::test_every_page_loads_offline_draws_its_charts_and_"
BAD_INPUT = "tests/faults/test_bad_input_catalogue.py::test_refresh_fails_clearly_and_"
SECONDS = {
    f"{KILL_CHAIN}changes_nothing[mart]": 77,
    f"{KILL_CHAIN}changes_nothing[staging]": 34,
    f"{KILL_CHAIN}changes_nothing[publish]": 32,
    f"{KILL_CHAIN}changes_nothing[raw]": 10,
    "tests/faults/test_kill_refresh.py::test_killed_after": 13,
    EVERY_PAGE: 43,
    "tests/site/test_browser.py": 3,
    "tests/site/test_print.py::test_no_page_scrolls_sideways_on_a_phone": 27,
    "tests/site/test_print.py::test_area_pages_print_as_a_handout": 16,
    "tests/site/test_print.py": 2,
    "tests/e2e/test_forget_wave.py::test_forget_wave_removes": 54,  # makes republished_home
    "tests/e2e/test_forget_wave.py": 12,
    "tests/e2e/test_operations.py::test_failure_late": 12,
    "tests/e2e/test_operations.py::test_a_failed_blocking_check": 5,
    "tests/e2e/test_operations.py::test_rollback": 2,
    "tests/e2e/test_operations.py": 9,
    "tests/e2e/test_incremental.py": 15,
    "tests/e2e/test_local_model.py::test_local_tables": 7,
    "tests/e2e/test_local_model.py": 3,
    "tests/e2e/test_service.py": 38,
    "tests/e2e/test_signal_alerts.py": 12,
    "tests/e2e/test_incoming_hostile.py": 23,
    "tests/faults/test_disk_faults.py::test_a_full_disk": 14,
    "tests/faults/test_disk_faults.py": 3,
    "tests/faults/test_bad_input_catalogue.py::test_refresh_without_survey_waves": 6,
    f"{BAD_INPUT}publication_is_untouched[geojson_unclosed_ring]": 5,
    "tests/faults/test_bad_input_catalogue.py": 2,
    "tests/e2e/test_refresh_cli.py": 2,
    "tests/indicators/test_area_status_properties.py": 7,
    "tests/site/test_local_pages.py::test_local_sections_fit_a_phone_and_draw": 3,
    "tests/site/test_members.py::test_the_section_fits_a_phone": 3,
    "tests/site/test_danish.py::test_fast": 4,
    "tests/benchmarks/test_baseline.py": 3,
    "tests/e2e/test_notebooks.py": 3,
}


def seconds_of(nodeid: str) -> float:
    """The weight of the longest entry of SECONDS that the test's id starts with."""
    names = [n for n in SECONDS if nodeid.startswith(n)]
    return SECONDS[max(names, key=len)] if names else 0


def builds_per_module(item: pytest.Item) -> bool:
    """Whether the test shares a module fixture that builds something of its own (a site,
    a home, generated data), not only a view of the session's refreshed home."""
    info = getattr(item, "_fixtureinfo", None)
    return info is not None and any(
        d.scope == "module" and "sample_home" not in d.argnames
        for defs in info.name2fixturedefs.values() for d in defs)


def needs_home(item: pytest.Item) -> bool:
    """Whether the test reads the session's refreshed home (the browser's `site` fixture
    asks for the sample's by its parameter)."""
    callspec = getattr(item, "callspec", None)
    return "sample_home" in getattr(item, "fixturenames", ()) or (
        callspec is not None and callspec.params.get("site") == "sample")


# The session's temporary folders (homes, copies, Dagster's SQLite run logs) on a RAM-backed
# filesystem where there is one: a refresh commits its SQLite event log ~300 times and its
# DuckDB files several times, and on a disk each fsync waits (~1.3 s of a refresh's wall time
# here, while the other worker's core idles). The files are the same files; only their
# durability across a power cut, which no test can observe, is lost.
RAM_TEMP = Path("/dev/shm")
RAM_TEMP_FREE = 8 << 30  # a session keeps a few GB of homes until it ends


def ram_temp_folder() -> Path | None:
    if not (RAM_TEMP.is_dir() and os.access(RAM_TEMP, os.W_OK | os.X_OK)):
        return None
    usage = shutil.disk_usage(RAM_TEMP)
    return RAM_TEMP if usage.free >= RAM_TEMP_FREE else None


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    # Only where nobody chose: an explicit --basetemp or TMPDIR is kept. The xdist workers
    # are given their folder under the controller's, and inherit TMPDIR for what they start.
    if hasattr(config, "workerinput") or config.option.basetemp or os.environ.get("TMPDIR"):
        return
    folder = ram_temp_folder()
    if folder is not None:
        os.environ["TMPDIR"] = str(folder)
        tempfile.tempdir = None  # read TMPDIR again


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the xdist_group marks
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        for fixture, marker in MARKER_OF_FIXTURE.items():
            if fixture in getattr(item, "fixturenames", ()):
                item.add_marker(marker)
    if config.getoption("dist", "no") == "no":  # one process: the files' own order
        return
    # A module whose tests share a module fixture runs in one worker (`--dist loadgroup`):
    # handed out test by test, both workers would build the fixture.
    unit = {}
    for item in items:
        grouped = builds_per_module(item) and not list(item.iter_markers("xdist_group"))
        if grouped:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))
        unit[item] = item.nodeid.split("::")[0] if grouped else item.nodeid
    weight: dict[str, float] = {}
    for item in items:
        weight[unit[item]] = weight.get(unit[item], 0) + seconds_of(item.nodeid)
    # The longest first; a unit keeps its tests together, in their order.
    first = {}
    for index, item in enumerate(items):
        first.setdefault(unit[item], index)
    order = sorted(first, key=lambda u: (-weight[u], first[u]))
    # The first two units start together, one per worker: the second is the longest that
    # does not wait for the session's refreshed home, which the first one is making.
    waits = {unit[i] for i in items if needs_home(i)}
    if len(order) > 2 and order[0] in waits and order[1] in waits:
        free = next((u for u in order[2:] if u not in waits and weight[u]), None)
        if free is not None:
            order.remove(free)
            order.insert(1, free)
    rank = {u: r for r, u in enumerate(order)}
    items.sort(key=lambda i: rank[unit[i]])


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
        # The console script itself, as a user starts it (the later refreshes fork from an
        # imported one, tests/helpers/zygote.py).
        result = run_cli("refresh", "--home", str(home), own_process=True)
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


@pytest.fixture(scope="session")
def republished_home(tmp_path_factory, sample_home) -> Path:
    """The session's home refreshed once more, from the same sample, through the real
    command: two publications of the sample, the second made from cached deliveries. For
    the tests that need a second publication (rollback, forget-wave, the incremental parse),
    which would each make the same refresh; they take `republished_copy`."""
    def refresh(home: Path) -> None:
        shutil.copytree(sample_home, home, symlinks=True)
        result = run_cli("refresh", "--home", str(home))
        assert result.returncode == 0, result.stderr[-4000:]
    return build_once(tmp_path_factory, "republished-home", refresh)


@pytest.fixture
def republished_copy(tmp_path, republished_home, sample_copy) -> tuple[Path, Path]:
    """A private copy of `republished_home` and of the sample."""
    home = tmp_path / "home"
    shutil.copytree(republished_home, home, symlinks=True)
    return home, sample_copy


@pytest.fixture
def sample_copy(tmp_path) -> Path:
    """A private copy of the sample that a test may break."""
    target = tmp_path / "data"
    shutil.copytree(SAMPLE, target)
    return target
